/*
 * exec: one more process in a running container. Lesson concept: there is no "inside"
 * to enter, only namespaces to join. The new process is a fork of the runtime that
 * setns(2)es into every namespace of the container's init (/proc/PID/ns/...), is put into
 * the same cgroup, then takes the same path as init: user, capabilities, no_new_privs,
 * the container's seccomp filter, execve. The pid namespace is joined by the parent
 * before fork, because it only applies to children.
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

static void load_container_spec(const struct state *st, struct spec *s)
{
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

int cmd_exec(int argc, char **argv)
{
	const char *console = NULL, *cwd = NULL, *user = NULL, *process = NULL, *pid_file = NULL,
		   *preserve = NULL, *ignored = NULL;
	const char **envs = NULL, **caps = NULL, **gids = NULL;
	bool tty = false, detach = false, nnp = false, ignore_paused = false;
	struct flag f[] = {
		{"console-socket", NULL, true, &console, NULL, NULL},
		{"cwd", NULL, true, &cwd, NULL, NULL},
		{"env", "e", true, NULL, NULL, &envs},
		{"tty", "t", false, NULL, &tty, NULL},
		{"user", "u", true, &user, NULL, NULL},
		{"additional-gids", "g", true, NULL, NULL, &gids},
		{"process", "p", true, &process, NULL, NULL},
		{"detach", "d", false, NULL, &detach, NULL},
		{"pid-file", NULL, true, &pid_file, NULL, NULL},
		{"process-label", NULL, true, &ignored, NULL, NULL},
		{"apparmor", NULL, true, &ignored, NULL, NULL},
		{"no-new-privs", NULL, false, NULL, &nnp, NULL},
		{"cap", "c", true, NULL, NULL, &caps},
		{"preserve-fds", NULL, true, &preserve, NULL, NULL},
		{"ignore-paused", NULL, false, NULL, &ignore_paused, NULL},
		{"cgroup", NULL, true, &ignored, NULL, NULL},
		{NULL, NULL, false, NULL, NULL, NULL},
	};
	int i = parse_flags("exec", argc, argv, f);
	if (i >= argc)
		die("exec: container id cannot be empty");
	const char *id = argv[i++];
	struct state st;
	state_must_load(id, &st);
	enum status status = state_status(&st);
	if (status == ST_STOPPED || status == ST_CREATING)
		die("cannot exec in a stopped container");
	if (status == ST_PAUSED && !ignore_paused)
		die("cannot exec in a paused container");

	struct spec s;
	load_container_spec(&st, &s);
	struct process_spec p;
	memset(&p, 0, sizeof p);
	if (process) {
		size_t len;
		char *text = read_file(process, &len);
		if (!text)
			die_errno("open process file %s", process);
		json_object *o = json_tokener_parse(text);
		free(text);
		if (!o || !json_object_is_type(o, json_type_object))
			die("%s: not a JSON object", process);
		char err[2048];
		spec_set_source(process);
		if (spec_parse_process(o, "", &p, err, sizeof err) < 0)
			die("%s", err);
		/* o stays alive: p points into it. */
	} else {
		if (i >= argc)
			die("exec: no command to run (give --process FILE or arguments after the id)");
		p = s.process;
		p.args = (const char **)&argv[i];
		p.n_args = (size_t)(argc - i);
		p.terminal = tty;
		if (cwd)
			p.cwd = cwd;
		if (user) {
			char *colon = strchr(user, ':');
			p.uid = (uid_t)strtoul(user, NULL, 10);
			p.gid = colon ? (gid_t)strtoul(colon + 1, NULL, 10) : 0;
		}
		size_t ne = 0;
		while (envs && envs[ne])
			ne++;
		if (ne) {
			const char **env = xcalloc(p.n_env + ne + 1, sizeof(char *));
			for (size_t k = 0; k < p.n_env; k++)
				env[k] = p.env[k];
			for (size_t k = 0; k < ne; k++)
				env[p.n_env + k] = envs[k];
			p.env = env;
			p.n_env += ne;
		}
		for (size_t k = 0; caps && caps[k]; k++) {
			int c = cap_from_name(caps[k]);
			if (c < 0)
				die("unknown capability \"%s\"", caps[k]);
			uint64_t bit = 1ULL << c;
			p.caps.bounding |= bit;
			p.caps.effective |= bit;
			p.caps.permitted |= bit;
			p.caps.inheritable |= bit;
		}
		if (nnp)
			p.no_new_privs = true;
		(void)gids;
	}
	if (p.terminal && !(console && *console) && detach)
		die("cannot allocate tty if runc will detach without setting console socket");
	int preserve_fds = preserve ? atoi(preserve) : 0;

	int console_fd = p.terminal && console ? console_connect(console) : -1;
	int proxy = -1;
	if (p.terminal && console_fd < 0) {
		int pair[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
			die_errno("socketpair");
		proxy = pair[0];
		console_fd = pair[1];
	}
	pid_t init = st.pid;
	/* Only children enter a pid namespace: join it here, before fork. */
	char pidns[64];
	snprintf(pidns, sizeof pidns, "/proc/%d/ns/pid", (int)init);
	struct stat a, b;
	if (stat(pidns, &a) == 0 && stat("/proc/self/ns/pid", &b) == 0 && a.st_ino != b.st_ino)
		ns_join(pidns, CLONE_NEWPID);
	int sync[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
		die_errno("socketpair");
	if (!detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	fflush(NULL);
	uint64_t t0 = trace_now();
	pid_t pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		close(sync[0]);
		if (proxy >= 0)
			close(proxy);
		log_set_child_fd(sync[1]);
		trace_set_pid(0);
		char self[32] = "";
		if (readlink("/proc/self", self, sizeof self - 1) > 0)
			trace_set_pid(atoi(self));
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		char buf[64];
		if (sync_recv(sync[1], buf, sizeof buf) <= 0 || strcmp(buf, "go"))
			_exit(1);
		char userns[64];
		snprintf(userns, sizeof userns, "/proc/%d/ns/user", (int)init);
		bool joined_user = stat(userns, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
				   a.st_ino != b.st_ino;
		ns_join_all_of(init, false);
		if (joined_user) {
			SYS("setgid", setresgid(0, 0, 0), "become gid 0 in the user namespace");
			SYS("setuid", setresuid(0, 0, 0), "become uid 0 in the user namespace");
		}
		process_set_rlimits(&p);
		process_set_oom_score_adj(&p);
		if (p.terminal)
			console_setup(console_fd, &p);
		char *path = process_lookup(&p);
		process_finalize(&p, &s, joined_user);
		process_close_fds(preserve_fds);
		if (s.has_seccomp && p.no_new_privs)
			seccomp_load_spec(&s.seccomp);
		process_exec(&p, path);
	}
	trace_step("fork", true, t0, 0, "exec process pid %d joins the namespaces of init %d",
		   (int)pid, (int)init);
	close(sync[1]);
	if (console_fd >= 0)
		close(console_fd);
	if (st.cgroups)
		cgroups_add_pid(st.cgroups, pid);
	sync_send(sync[0], "go");
	char msg[4096];
	ssize_t n = sync_recv(sync[0], msg, sizeof msg);
	if (n > 0 && !strncmp(msg, "error:", 6)) {
		waitpid(pid, NULL, 0);
		die("%s", msg + 6);
	}
	/* EOF: the socket was closed by execve (close-on-exec): the process runs. */
	close(sync[0]);
	write_pid_file(pid_file, pid);
	if (detach)
		return 0;
	int master = -1;
	if (proxy >= 0) {
		master = recv_fd(proxy);
		close(proxy);
	}
	/* Relay and wait, like run. */
	return supervise_pid(pid, master);
}
