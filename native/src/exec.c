/*
 * exec: one more process in a running container. Lesson concept: there is no "inside"
 * to enter, only namespaces to join. The new process is a fork of the runtime that
 * setns(2)es into every namespace of the container's init (/proc/PID/ns/...), is put into
 * the same cgroup, then takes the same path as init: user, capabilities, no_new_privs,
 * the container's seccomp filter, execve. The pid namespace is joined by the parent
 * before fork, because it only applies to children.
 *
 *   parent                                   child
 *   read state.json and the saved config
 *   the process: --process FILE or args
 *   join init's pid namespace; fork     ->   waits for SYNC_GO
 *   write cgroup.procs; SYNC_GO         ->   (v1: join the cgroup) setns x N, user,
 *                                            caps, fds, rlimits, seccomp, execve (EOF)
 *   pid file; wait for it (or --detach)
 */
#include "runtime.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct exec_opts {
	const char *console, *cwd, *user, *process, *pid_file, *preserve;
	const char **envs, **caps;
	bool tty, detach, nnp, ignore_paused;
	char **args; /* after the id */
	int n_args;
};

static const char *exec_flags(int argc, char **argv, struct exec_opts *o)
{
	const char *ignored = NULL, **gids = NULL;
	struct flag f[] = {
		{"console-socket", NULL, true, &o->console, NULL, NULL},
		{"cwd", NULL, true, &o->cwd, NULL, NULL},
		{"env", "e", true, NULL, NULL, &o->envs},
		{"tty", "t", false, NULL, &o->tty, NULL},
		{"user", "u", true, &o->user, NULL, NULL},
		{"additional-gids", "g", true, NULL, NULL, &gids},
		{"process", "p", true, &o->process, NULL, NULL},
		{"detach", "d", false, NULL, &o->detach, NULL},
		{"pid-file", NULL, true, &o->pid_file, NULL, NULL},
		{"process-label", NULL, true, &ignored, NULL, NULL},
		{"apparmor", NULL, true, &ignored, NULL, NULL},
		{"no-new-privs", NULL, false, NULL, &o->nnp, NULL},
		{"cap", "c", true, NULL, NULL, &o->caps},
		{"preserve-fds", NULL, true, &o->preserve, NULL, NULL},
		{"ignore-paused", NULL, false, NULL, &o->ignore_paused, NULL},
		{"cgroup", NULL, true, &ignored, NULL, NULL},
		{NULL, NULL, false, NULL, NULL, NULL},
	};
	int i = parse_flags("exec", argc, argv, f);
	if (i >= argc)
		die("exec: container id cannot be empty");
	const char *id = argv[i++];
	o->args = &argv[i];
	o->n_args = argc - i;
	return id;
}

/* 1. The container: it must be running, and its saved config.json gives the defaults. */
static void load_container(const char *id, const struct exec_opts *o, struct state *st,
			   struct spec *s)
{
	state_must_load(id, st);
	enum status status = state_status(st);
	if (status == ST_STOPPED || status == ST_CREATING)
		die("cannot exec in a stopped container");
	if (status == ST_PAUSED && !o->ignore_paused)
		die("cannot exec in a paused container");
	char *path = xasprintf("%s/config.json", st->dir);
	size_t len;
	char *text = read_file(path, &len);
	if (!text)
		die_errno("read %s", path);
	char err[2048];
	if (spec_parse(text, len, s, err, sizeof err) < 0)
		die("%s", err);
	free(text);
	free(path);
}

/* 2. The process to run: a whole process.json (--process), or config.json's process
 * with the command line's args, cwd, user, env and capabilities. */
static void build_process(const struct exec_opts *o, const struct spec *s, struct process_spec *p)
{
	memset(p, 0, sizeof *p);
	if (o->process) {
		size_t len;
		char *text = read_file(o->process, &len);
		if (!text)
			die_errno("open process file %s", o->process);
		json_object *j = json_tokener_parse(text);
		free(text);
		if (!j || !json_object_is_type(j, json_type_object))
			die("%s: not a JSON object", o->process);
		char err[2048];
		spec_set_source(o->process);
		if (spec_parse_process(j, "", p, err, sizeof err) < 0)
			die("%s", err);
		/* j stays alive: p points into it. */
	} else {
		if (o->n_args <= 0)
			die("exec: no command to run (give --process FILE or arguments after the id)");
		*p = s->process;
		p->args = (const char **)o->args;
		p->n_args = (size_t)o->n_args;
		p->terminal = o->tty;
		if (o->cwd)
			p->cwd = o->cwd;
		if (o->user) {
			char *colon = strchr(o->user, ':');
			p->uid = (uid_t)strtoul(o->user, NULL, 10);
			p->gid = colon ? (gid_t)strtoul(colon + 1, NULL, 10) : 0;
		}
		size_t ne = 0;
		while (o->envs && o->envs[ne])
			ne++;
		if (ne) {
			const char **env = xcalloc(p->n_env + ne + 1, sizeof(char *));
			for (size_t k = 0; k < p->n_env; k++)
				env[k] = p->env[k];
			for (size_t k = 0; k < ne; k++)
				env[p->n_env + k] = o->envs[k];
			p->env = env;
			p->n_env += ne;
		}
		for (size_t k = 0; o->caps && o->caps[k]; k++) {
			int c = cap_from_name(o->caps[k]);
			if (c < 0)
				die("unknown capability \"%s\"", o->caps[k]);
			uint64_t bit = 1ULL << c;
			p->caps.bounding |= bit;
			p->caps.effective |= bit;
			p->caps.permitted |= bit;
			p->caps.inheritable |= bit;
		}
		if (o->nnp)
			p->no_new_privs = true;
	}
	caps_mask_to_host(&p->caps);
	if (p->terminal && !(o->console && *o->console) && o->detach)
		die("cannot allocate tty if runc will detach without setting console socket");
}

static bool other_ns(pid_t pid, const char *name)
{
	char theirs[64], ours[64];
	snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, name);
	snprintf(ours, sizeof ours, "/proc/self/ns/%s", name);
	struct stat a, b;
	return stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino != b.st_ino;
}

/* 3. In the child: join init's namespaces, become the process, execve. */
static _Noreturn void exec_child(const struct state *st, struct process_spec *p,
				 const struct spec *s, int sync_fd, int console_fd, int preserve_fds,
				 bool join_cgroup)
{
	pid_t init = st->pid;
	log_set_child_fd(sync_fd);
	char self[32] = "";
	if (trace_fd() >= 0 && readlink("/proc/self", self, sizeof self - 1) > 0)
		trace_set_pid(atoi(self)); /* our pid on the host, for the trace */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sync_expect(sync_fd, SYNC_GO, SYNC_EOF);
	if (join_cgroup) /* while the host's /sys/fs/cgroup is still ours to see */
		cgroups_join_self(st->cgroups);
	bool joined_user = other_ns(init, "user");
	bool own_mounts = other_ns(init, "mnt");
	ns_join_all_of(init, false);
	if (!own_mounts) {
		/* The container shares our mount namespace (none in config.json): its root is
		 * only init's chroot, so take the same one. */
		char root[64];
		snprintf(root, sizeof root, "/proc/%d/root", (int)init);
		SYS("chroot", chroot(root), "chroot %s (no mount namespace of its own)", root);
		SYS("chdir", chdir("/"), "chdir /");
	}
	if (joined_user) {
		SYS("setgid", setresgid(0, 0, 0), "become gid 0 in the user namespace");
		SYS("setuid", setresuid(0, 0, 0), "become uid 0 in the user namespace");
	}
	process_set_rlimits(p);
	process_set_oom_score_adj(p);
	if (p->terminal)
		console_setup(console_fd, p);
	char *path = process_lookup(p);
	process_finalize(p, s, joined_user);
	process_close_fds(preserve_fds);
	process_set_soft_rlimits(p);
	if (s->has_seccomp && p->no_new_privs)
		seccomp_load_spec(&s->seccomp);
	process_exec(p, path);
}

/* 4. In the parent: join the pid namespace (it applies to children only), fork (into the
 * cgroup, when the kernel can: see cgroups.c). Returns the pid; *in_cgroup if it is (or
 * puts itself) in the container's cgroup without our help. */
static pid_t spawn_process(const struct state *st, struct process_spec *p, const struct spec *s,
			   int sync[2], int console_fd, int proxy, int preserve_fds, bool *in_cgroup)
{
	if (other_ns(st->pid, "pid")) {
		char pidns[64];
		snprintf(pidns, sizeof pidns, "/proc/%d/ns/pid", (int)st->pid);
		ns_join(pidns, CLONE_NEWPID);
	}
	SYS("socketpair", socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync),
	    "socketpair for parent/child sync");
	const struct cgroup_set *cg = st->cgroups;
	bool self_join = cg && !cg->v2 && cg->n && !other_ns(st->pid, "user");
	bool joined = false;
	fflush(NULL);
	uint64_t t0 = trace_now();
	pid_t pid = cgroups_clone_into(cg, 0, &joined);
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		close(sync[0]);
		if (proxy >= 0)
			close(proxy);
		exec_child(st, p, s, sync[1], console_fd, preserve_fds, self_join);
	}
	trace_step("fork", true, t0, 0, "exec process pid %d joins the namespaces of init %d%s",
		   (int)pid, (int)st->pid, joined ? " (CLONE_INTO_CGROUP)" : "");
	*in_cgroup = joined || self_join;
	close(sync[1]);
	if (console_fd >= 0)
		close(console_fd);
	return pid;
}

/* 5. Into the cgroup, go; returns when it has exec'd. */
static void start_process(const struct state *st, pid_t pid, int sync_fd, bool in_cgroup)
{
	if (st->cgroups && !in_cgroup)
		cgroups_add_pid(st->cgroups, pid);
	char text[4096] = "";
	enum sync_msg m = SYNC_ERROR;
	if (sync_send(sync_fd, SYNC_GO, NULL) == 0)
		m = sync_recv(sync_fd, text, sizeof text);
	if (m == SYNC_ERROR) {
		waitpid(pid, NULL, 0);
		die("%s", text);
	}
	if (m != SYNC_EOF) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		die("internal error: the exec process said \"%s\"", sync_name(m));
	}
	/* EOF: the socket was closed by execve (close-on-exec): the process runs. */
	close(sync_fd);
}

int cmd_exec(int argc, char **argv)
{
	struct exec_opts o;
	memset(&o, 0, sizeof o);
	const char *id = exec_flags(argc, argv, &o);
	struct state st;
	struct spec s;
	load_container(id, &o, &st, &s);
	struct process_spec p;
	build_process(&o, &s, &p);

	int console_fd = p.terminal && o.console ? console_connect(o.console) : -1;
	int proxy = -1;
	if (p.terminal && console_fd < 0) {
		int pair[2];
		SYS("console", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair),
		    "socketpair for the terminal");
		proxy = pair[0];
		console_fd = pair[1];
	}
	if (!o.detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	int sync[2];
	bool in_cgroup;
	pid_t pid = spawn_process(&st, &p, &s, sync, console_fd, proxy,
				  o.preserve ? atoi(o.preserve) : 0, &in_cgroup);
	start_process(&st, pid, sync[0], in_cgroup);
	write_pid_file(o.pid_file, pid);
	if (o.detach)
		return 0;
	int master = -1;
	if (proxy >= 0) {
		master = recv_fd(proxy);
		close(proxy);
	}
	/* Relay and wait, like run. */
	return supervise_pid(pid, master);
}
