/*
 * The commands that act on an existing container: state, list, kill, ps, pause,
 * resume, delete, update. Lesson concept: after `create` the container is just a
 * process (init) plus a cgroup plus a state dir; each command reads state.json, checks
 * that init is still *the same* process (pid and start time), and acts on the kernel
 * objects directly: kill(2) for signals, the freezer for pause, cgroup files for update,
 * cgroup.procs for ps, rmdir for delete.
 */
#include "runtime.h"

#include <ctype.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *one_id(const char *cmd, int argc, char **argv, struct flag *f)
{
	struct flag none[] = {{NULL, NULL, false, NULL, NULL, NULL}};
	int i = parse_flags(cmd, argc, argv, f ? f : none);
	if (i >= argc)
		die("%s: container id cannot be empty", cmd);
	return argv[i];
}

int cmd_state(int argc, char **argv)
{
	struct state st;
	state_must_load(one_id("state", argc, argv, NULL), &st);
	state_print(&st, true);
	state_free(&st);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	struct flag f[] = {{"format", "f", true, &format, NULL, NULL},
			   {"quiet", "q", false, NULL, &quiet, NULL},
			   {NULL, NULL, false, NULL, NULL, NULL}};
	parse_flags("list", argc, argv, f);
	bool json = !strcmp(format, "json");
	if (!json && strcmp(format, "table"))
		die("invalid format option");
	json_object *arr = json_object_new_array();
	DIR *d = opendir(g_opts.root);
	if (!json && !quiet)
		printf("%-24s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
		       "OWNER");
	if (d) {
		struct dirent *e;
		char **ids = NULL;
		size_t n = 0;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' || !valid_id(e->d_name))
				continue;
			char **ni = realloc(ids, (n + 1) * sizeof(char *));
			if (!ni)
				die("out of memory");
			ids = ni;
			ids[n++] = xstrdup(e->d_name);
		}
		closedir(d);
		for (size_t k = 0; k < n; k++) {
			for (size_t j = k + 1; j < n; j++)
				if (strcmp(ids[j], ids[k]) < 0) {
					char *t = ids[k];
					ids[k] = ids[j];
					ids[j] = t;
				}
			struct state st;
			if (state_load(ids[k], &st) < 0)
				continue;
			json_object *o = state_oci_json(&st);
			if (quiet) {
				printf("%s\n", st.id);
			} else if (!json) {
				json_object *s, *pid;
				json_object_object_get_ex(o, "status", &s);
				json_object_object_get_ex(o, "pid", &pid);
				printf("%-24s %-8d %-10s %-40s %-32s %s\n", st.id, json_object_get_int(pid),
				       json_object_get_string(s), st.bundle, st.created, "root");
			}
			json_object_array_add(arr, o);
			state_free(&st);
			free(ids[k]);
		}
		free(ids);
	}
	if (json && !quiet)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
									   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
}

static void signal_all(const struct state *st, int sig)
{
	if (!st->cgroups)
		return;
	size_t n;
	pid_t *pids = cgroups_pids(st->cgroups, &n);
	if (!n) {
		free(pids);
		return; /* an empty cgroup: nothing to freeze or signal */
	}
	/* Freeze first so nothing forks away between reading cgroup.procs and kill. */
	bool froze = sig == SIGKILL && !cgroups_frozen(st->cgroups) &&
		     cgroups_freeze(st->cgroups, true) == 0;
	if (froze) {
		free(pids);
		pids = cgroups_pids(st->cgroups, &n);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = trace_now();
		int r = kill(pids[i], sig);
		trace_step("kill", r == 0, t0, r ? errno : 0, "kill(%d, %d)", (int)pids[i], sig);
	}
	free(pids);
	if (froze)
		cgroups_freeze(st->cgroups, false);
}

int cmd_kill(int argc, char **argv)
{
	bool all = false;
	struct flag f[] = {{"all", "a", false, NULL, &all, NULL},
			   {NULL, NULL, false, NULL, NULL, NULL}};
	int i = parse_flags("kill", argc, argv, f);
	if (i >= argc)
		die("kill: container id cannot be empty");
	const char *id = argv[i];
	const char *signame = i + 1 < argc ? argv[i + 1] : "SIGTERM";
	int sig = parse_signal(signame);
	if (sig < 0)
		die("unknown signal \"%s\"", signame);
	struct state st;
	state_must_load(id, &st);
	int lock = state_lock(id);
	enum status s = state_status(&st);
	if (all) {
		signal_all(&st, sig);
	} else {
		if (s == ST_STOPPED || s == ST_CREATING || !state_pid_alive(&st))
			die("container not running");
		SYS("kill", kill(st.pid, sig), "kill init %d with signal %d", (int)st.pid, sig);
	}
	if (lock >= 0)
		close(lock);
	state_free(&st);
	return 0;
}

int cmd_ps(int argc, char **argv)
{
	const char *format = "table";
	struct flag f[] = {{"format", "f", true, &format, NULL, NULL},
			   {NULL, NULL, false, NULL, NULL, NULL}};
	struct state st;
	state_must_load(one_id("ps", argc, argv, f), &st);
	size_t n = 0;
	pid_t *pids = st.cgroups ? cgroups_pids(st.cgroups, &n) : xcalloc(1, sizeof(pid_t));
	if (!strcmp(format, "json")) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_int(pids[i]));
		printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
		json_object_put(a);
	} else if (!strcmp(format, "table")) {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			char path[64];
			snprintf(path, sizeof path, "/proc/%d/comm", (int)pids[i]);
			char *comm = read_file(path, NULL);
			if (comm && strchr(comm, '\n'))
				*strchr(comm, '\n') = '\0';
			printf("%-8d %s\n", (int)pids[i], comm ? comm : "?");
			free(comm);
		}
	} else {
		die("invalid format option");
	}
	free(pids);
	state_free(&st);
	return 0;
}

static int pause_resume(const char *cmd, int argc, char **argv, bool freeze)
{
	struct state st;
	const char *id = one_id(cmd, argc, argv, NULL);
	state_must_load(id, &st);
	int lock = state_lock(id);
	enum status s = state_status(&st);
	if (freeze && s != ST_RUNNING && s != ST_CREATED)
		die("container not running");
	if (!freeze && s != ST_PAUSED)
		die("container not paused");
	if (!st.cgroups || cgroups_freeze(st.cgroups, freeze) < 0)
		die_errno("%s the container's cgroup", freeze ? "freeze" : "thaw");
	if (lock >= 0)
		close(lock);
	state_free(&st);
	return 0;
}

int cmd_pause(int argc, char **argv) { return pause_resume("pause", argc, argv, true); }
int cmd_resume(int argc, char **argv) { return pause_resume("resume", argc, argv, false); }

/* Waits (up to 10 s) for init, not our child, to be gone: its pidfd becomes readable when
 * it exits. (Before Linux 5.3, no pidfd_open: /proc is polled.) */
static void wait_gone(const struct state *st)
{
	if (!state_pid_alive(st))
		return;
	int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	/* Opened, and still the same process (start time) after: the pidfd is init's. */
	if (fd >= 0 && state_pid_alive(st)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		poll(&p, 1, 10000);
	} else {
		for (int i = 0; i < 10000 && state_pid_alive(st); i++) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	if (fd >= 0)
		close(fd);
}

int destroy_container(struct state *st, const struct spec *spec)
{
	/* With a pid namespace of its own, init's death takes every process in it along (the
	 * kernel kills them before init is gone); else each process of the cgroup is
	 * signalled. Then whatever is still in the cgroup (usually nothing: one read). */
	json_object *v;
	bool own_pidns = json_object_object_get_ex(st->json, "own_pid_ns", &v) &&
			 json_object_get_boolean(v);
	if (!own_pidns && st->cgroups)
		signal_all(st, SIGKILL);
	if (state_pid_alive(st))
		kill(st->pid, SIGKILL);
	wait_gone(st);
	if (own_pidns && st->cgroups)
		signal_all(st, SIGKILL);
	int ret = 0;
	json_object *mounts;
	if (json_object_object_get_ex(st->json, "mounts", &mounts))
		mounts_remove(mounts);
	if (st->cgroups && cgroups_destroy(st->cgroups) < 0)
		ret = -1;
	if (!spec)
		hooks_run_saved(st, "poststop", "stopped");
	else if (hooks_has(spec, "poststop"))
		hooks_run(spec, "poststop", st, "stopped", false);
	uint64_t t0 = trace_now();
	/* The files we know are there, then the dir; anything else: the long way. */
	static const char *FILES[] = {"state.json", "creating.json", "config.json", "exec.fifo"};
	for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
		char *f = xasprintf("%s/%s", st->dir, FILES[i]);
		unlink(f);
		free(f);
	}
	int r = rmdir(st->dir) == 0 || errno == ENOENT ? 0 : rm_rf(st->dir);
	trace_step("state", r == 0, t0, r ? errno : 0, "remove state dir %s", st->dir);
	return ret;
}

int cmd_delete(int argc, char **argv)
{
	bool force = false;
	struct flag f[] = {{"force", "f", false, NULL, &force, NULL},
			   {NULL, NULL, false, NULL, NULL, NULL}};
	const char *id = one_id("delete", argc, argv, f);
	struct state st;
	if (state_load(id, &st) < 0) {
		if (force)
			return 0;
		die("container does not exist");
	}
	int lock = state_lock(id);
	enum status s = state_status(&st);
	/* The spec: deleting a container that is not stopped MUST fail and MUST leave it as
	 * it was (runc deletes a created one anyway; crun, like us, refuses). */
	if (s != ST_STOPPED && !force)
		die("cannot delete container %s that is not stopped: %s", id, status_name(s));
	int r = destroy_container(&st, NULL);
	if (lock >= 0)
		close(lock);
	state_free(&st);
	return r < 0 ? 1 : 0;
}

static long long parse_size(const char *flag, const char *v)
{
	char *end;
	long long n = strtoll(v, &end, 10);
	switch (tolower((unsigned char)*end)) {
	case 'k': n *= 1024; end++; break;
	case 'm': n *= 1024 * 1024; end++; break;
	case 'g': n *= 1024LL * 1024 * 1024; end++; break;
	case 'b': end++; break;
	}
	if (*end && strcmp(end, "b") && strcmp(end, "B"))
		die("invalid value \"%s\" for flag --%s", v, flag);
	return n;
}

int cmd_update(int argc, char **argv)
{
	const char *res = NULL, *mem = NULL, *memres = NULL, *swap = NULL, *shares = NULL,
		   *quota = NULL, *period = NULL, *cpus = NULL, *mems = NULL, *pids = NULL,
		   *blkio = NULL, *kmem = NULL, *kmemtcp = NULL;
	struct flag f[] = {
		{"resources", "r", true, &res, NULL, NULL},
		{"memory", NULL, true, &mem, NULL, NULL},
		{"memory-reservation", NULL, true, &memres, NULL, NULL},
		{"memory-swap", NULL, true, &swap, NULL, NULL},
		{"cpu-shares", NULL, true, &shares, NULL, NULL},
		{"cpu-quota", NULL, true, &quota, NULL, NULL},
		{"cpu-period", NULL, true, &period, NULL, NULL},
		{"cpuset-cpus", NULL, true, &cpus, NULL, NULL},
		{"cpuset-mems", NULL, true, &mems, NULL, NULL},
		{"pids-limit", NULL, true, &pids, NULL, NULL},
		{"blkio-weight", NULL, true, &blkio, NULL, NULL},
		{"kernel-memory", NULL, true, &kmem, NULL, NULL},
		{"kernel-memory-tcp", NULL, true, &kmemtcp, NULL, NULL},
		{NULL, NULL, false, NULL, NULL, NULL},
	};
	const char *id = one_id("update", argc, argv, f);
	struct state st;
	state_must_load(id, &st);
	int lock = state_lock(id);
	if (state_status(&st) == ST_STOPPED)
		die("container not running");
	struct resources r;
	memset(&r, 0, sizeof r);
	json_object *o = NULL;
	if (res) {
		char *text = !strcmp(res, "-") ? read_fd(dup(0), NULL) : read_file(res, NULL);
		if (!text)
			die_errno("read resources from %s", res);
		o = json_tokener_parse(text);
		free(text);
		if (!o || !json_object_is_type(o, json_type_object))
			die("resources: expected a JSON object (LinuxResources)");
		char err[2048];
		spec_set_source("resources");
		if (spec_parse_resources(o, "", &r, err, sizeof err) < 0)
			die("%s", err);
	}
	if (mem) r.has_mem_limit = true, r.mem_limit = parse_size("memory", mem);
	if (memres) r.has_mem_reservation = true, r.mem_reservation = parse_size("memory-reservation", memres);
	if (swap) r.has_mem_swap = true, r.mem_swap = parse_size("memory-swap", swap);
	if (shares) r.has_cpu_shares = true, r.cpu_shares = strtoull(shares, NULL, 10);
	if (quota) r.has_cpu_quota = true, r.cpu_quota = strtoll(quota, NULL, 10);
	if (period) r.has_cpu_period = true, r.cpu_period = strtoull(period, NULL, 10);
	if (cpus) r.cpus = cpus;
	if (mems) r.mems = mems;
	if (pids) r.has_pids_limit = true, r.pids_limit = strtoll(pids, NULL, 10);
	if (blkio) r.has_blkio_weight = true, r.blkio_weight = (unsigned)strtoul(blkio, NULL, 10);
	if (kmem) r.has_mem_kernel = true, r.mem_kernel = parse_size("kernel-memory", kmem);
	if (kmemtcp) r.has_mem_kernel_tcp = true, r.mem_kernel_tcp = parse_size("kernel-memory-tcp", kmemtcp);
	/* Device rules are fixed at create time, like runc's update. */
	r.n_devices = 0;
	if (!st.cgroups)
		die("container %s has no cgroup", id);
	cgroups_apply(st.cgroups, &r);
	free(r.devices);
	if (o)
		json_object_put(o);
	if (lock >= 0)
		close(lock);
	state_free(&st);
	return 0;
}

int cmd_features(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"" OCI_VERSION "\","
	       "\"hooks\":[],"
	       "\"mountOptions\":[\"async\",\"atime\",\"bind\",\"dev\",\"diratime\",\"dirsync\","
	       "\"exec\",\"lazytime\",\"mand\",\"noatime\",\"nodev\",\"nodiratime\",\"noexec\","
	       "\"nolazytime\",\"nomand\",\"norelatime\",\"nostrictatime\",\"nosuid\",\"private\","
	       "\"rbind\",\"relatime\",\"remount\",\"ro\",\"rprivate\",\"rshared\",\"rslave\","
	       "\"runbindable\",\"rw\",\"shared\",\"slave\",\"strictatime\",\"suid\",\"sync\","
	       "\"unbindable\"],"
	       "\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\",\"network\",\"pid\","
	       "\"time\",\"user\",\"uts\"],"
	       "\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false},"
	       "\"seccomp\":{\"enabled\":true}},"
	       "\"annotations\":{\"org.contlab.runtime.version\":\"" RUNTIME_VERSION "\"}}\n");
	return 0;
}
