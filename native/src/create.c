/*
 * create, start, run: the parent side. Lesson concept: the runtime process is only a
 * midwife. `create` prepares the state dir, the cgroup and the exec fifo, clones the
 * child into new pid/user namespaces, writes its uid/gid maps, puts it in the cgroup,
 * then waits until the child says "ready" (blocked on the exec fifo) and exits. The
 * container's init stays behind as a descendant of `create`, waiting for `start`.
 *
 *   parent                               child (init.c)
 *   mkdir state dir, mkfifo exec.fifo
 *   mkdir cgroup, write limits
 *   clone(CLONE_NEWPID|CLONE_NEWUSER) -> waits for "go"
 *   write uid_map/gid_map
 *   send "go"                         -> namespaces, mounts, pivot_root, caps ...
 *   write cgroup.procs (meanwhile;
 *     first, with a cgroup namespace)
 *   wait for "ready"                  <- "ready"; open(exec.fifo, O_WRONLY) blocks
 *   write state.json + pid file, exit
 *   `start`: open exec.fifo O_RDONLY  -> the open returns, execve(process.args)
 */
#include "runtime.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static struct {
	char *dir;
	struct cgroup_set *cg;
	pid_t child;
} cleanup;

static void create_cleanup(void)
{
	if (cleanup.child > 0) {
		kill(cleanup.child, SIGKILL);
		waitpid(cleanup.child, NULL, 0);
	}
	if (cleanup.cg)
		cgroups_destroy(cleanup.cg);
	if (cleanup.dir)
		rm_rf(cleanup.dir);
}

/* Creates the container; returns init's pid with st filled in. *proxy_fd receives the
 * parent end of the console pair when `run` must relay a terminal itself. */
static pid_t create_container(struct create_opts *o, struct state *st, int *proxy_fd)
{
	static struct spec spec;
	if (!valid_id(o->id))
		die("invalid container id format: %s", o->id ? o->id : "");
	char *bundle = realpath(o->bundle ? o->bundle : ".", NULL);
	if (!bundle)
		die_errno("bundle %s", o->bundle ? o->bundle : ".");
	spec_load(bundle, &spec);
	if (!spec_has_ns(&spec, CLONE_NEWNS))
		die("config.json: .linux.namespaces: a mount namespace is required");

	SYS("mkdir", mkdir_p(g_opts.root, 0711), "mkdir state root %s", g_opts.root);
	memset(st, 0, sizeof *st);
	st->id = xstrdup(o->id);
	st->dir = state_dir(o->id);
	if (mkdir(st->dir, 0711) < 0) {
		if (errno == EEXIST)
			die("container with id exists: %s", o->id);
		die_errno("mkdir %s", st->dir);
	}
	cleanup.dir = st->dir;
	log_set_cleanup(create_cleanup);
	st->bundle = bundle;
	st->rootfs = xstrdup(spec.rootfs);
	char ts[64];
	rfc3339_now(ts, sizeof ts);
	st->created = xstrdup(ts);
	st->creating = true;
	st->json = json_object_new_object();
	if (spec.annotations)
		json_object_object_add(st->json, "annotations", json_object_get(spec.annotations));
	state_save(st, NULL);
	TRACE("state", "state dir %s (status creating)", st->dir);
	char *cfg = xasprintf("%s/config.json", st->dir);
	SYS("state", write_file_atomic(cfg, json_object_to_json_string_ext(spec.json, JSON_C_TO_STRING_PLAIN)),
	    "copy config.json to %s", cfg);
	free(cfg);

	char *fifo = xasprintf("%s/exec.fifo", st->dir);
	SYS("mkfifo", mkfifo(fifo, 0622), "mkfifo %s", fifo);
	chmod(fifo, 0622);
	int fifo_fd;
	SYS("open", fifo_fd = open(fifo, O_PATH | O_CLOEXEC), "open %s", fifo);
	free(fifo);

	struct cgroup_set *cg = cgroups_create(spec.cgroups_path, o->id);
	cleanup.cg = cg;
	cgroups_apply(cg, &spec.resources);

	int console_fd = -1;
	if (spec.process.terminal) {
		if (o->console_socket && *o->console_socket) {
			console_fd = console_connect(o->console_socket);
		} else if (o->run && !o->detach && proxy_fd) {
			int pair[2];
			SYS("console", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair),
			    "socketpair for the terminal");
			*proxy_fd = pair[0];
			console_fd = pair[1];
		} else {
			die("cannot allocate tty if runc will detach without setting console socket");
		}
	} else if (o->console_socket && *o->console_socket) {
		die("cannot use console socket if runc will not detach or allocate tty");
	}

	/* pid and time namespaces apply to children: enter/create them before clone. */
	const struct ns_spec *pidns = spec_ns(&spec, CLONE_NEWPID);
	if (pidns && pidns->path)
		ns_join(pidns->path, CLONE_NEWPID);
	const struct ns_spec *timens = spec_ns(&spec, CLONE_NEWTIME);
	if (timens && timens->path)
		ns_join(timens->path, CLONE_NEWTIME);
	else if (timens)
		SYS("unshare", unshare(CLONE_NEWTIME), "CLONE_NEWTIME (for the child)");

	ns_join_before_clone(&spec);

	int sync[2];
	SYS("socketpair", socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync),
	    "socketpair for parent/child sync");
	int flags = ns_clone_flags(&spec);
	char names[256];
	ns_flags_string(flags | ns_unshare_flags(&spec) | (timens && !timens->path ? CLONE_NEWTIME : 0),
			names, sizeof names);
	uint64_t t0 = trace_now();
	fflush(NULL);
	pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(sync[0]);
		if (proxy_fd && *proxy_fd >= 0)
			close(*proxy_fd);
		struct init_args a = {.spec = &spec, .cg = cg, .sync_fd = sync[1], .fifo_fd = fifo_fd,
				      .console_fd = console_fd, .no_pivot = o->no_pivot,
				      .preserve_fds = o->preserve_fds};
		container_init(&a);
	}
	int e = errno;
	trace_step("clone", pid > 0, t0, pid > 0 ? 0 : e, "%s (child pid %d)", names, (int)pid);
	if (pid < 0) {
		errno = e;
		die_errno("clone %s", names);
	}
	cleanup.child = pid;
	close(sync[1]);
	close(fifo_fd);
	if (console_fd >= 0)
		close(console_fd);

	const struct ns_spec *user = spec_ns(&spec, CLONE_NEWUSER);
	if (user && !user->path)
		ns_write_id_maps(pid, &spec);
	/* Joining a cgroup can take milliseconds (the kernel waits for an RCU grace period on
	 * a v1 host), so unless init must be inside before it starts (a new cgroup namespace
	 * is rooted where it is), it starts its setup meanwhile: it cannot execve before we
	 * have read its "ready", which comes after this write. */
	bool cgroup_first = spec_ns(&spec, CLONE_NEWCGROUP) != NULL;
	if (cgroup_first)
		cgroups_add_pid(cg, pid);
	if (sync_send(sync[0], "go") < 0)
		die_errno("send go to init");
	if (!cgroup_first)
		cgroups_add_pid(cg, pid);
	char msg[4096];
	for (;;) {
		ssize_t n = sync_recv(sync[0], msg, sizeof msg);
		if (n > 0 && !strcmp(msg, "ready"))
			break;
		if (n > 0 && !strcmp(msg, "hooks")) {
			st->pid = pid;
			hooks_run(&spec, "createRuntime", st, "creating", true);
			if (sync_send(sync[0], "resume") < 0)
				die_errno("send resume to init");
			continue;
		}
		if (n > 0 && !strncmp(msg, "error:", 6))
			die("%s", msg + 6);
		int status = 0;
		waitpid(pid, &status, 0);
		cleanup.child = 0;
		if (WIFSIGNALED(status))
			die("container init was killed by signal %d before it was ready",
			    WTERMSIG(status));
		die("container init exited with status %d before it was ready", WEXITSTATUS(status));
	}
	close(sync[0]);
	st->pid = pid;
	st->starttime = proc_starttime(pid);
	st->creating = false;
	st->cgroups = cg;
	state_save(st, cgroups_to_json(cg));
	TRACE("created", "container %s created, init pid %d waiting on the exec fifo", o->id,
	      (int)pid);
	write_pid_file(o->pid_file, pid);
	log_set_cleanup(NULL);
	return pid;
}

static int create_flags(const char *cmd, int argc, char **argv, struct create_opts *o, bool run)
{
	const char *preserve = NULL, *ignored = NULL;
	bool no_new_keyring = false, keep = false, no_subreaper = false;
	struct flag f[] = {
		{"bundle", "b", true, &o->bundle, NULL, NULL},
		{"console-socket", NULL, true, &o->console_socket, NULL, NULL},
		{"pid-file", NULL, true, &o->pid_file, NULL, NULL},
		{"no-pivot", NULL, false, NULL, &o->no_pivot, NULL},
		{"no-new-keyring", NULL, false, NULL, &no_new_keyring, NULL},
		{"preserve-fds", NULL, true, &preserve, NULL, NULL},
		{"detach", "d", false, NULL, run ? &o->detach : &no_new_keyring, NULL},
		{"keep", NULL, false, NULL, &keep, NULL},
		{"no-subreaper", NULL, false, NULL, &no_subreaper, NULL},
		{"pidfd-socket", NULL, true, &ignored, NULL, NULL},
		{NULL, NULL, false, NULL, NULL, NULL},
	};
	int i = parse_flags(cmd, argc, argv, f);
	if (i >= argc)
		die("%s: container id cannot be empty", cmd);
	o->id = argv[i];
	if (preserve)
		o->preserve_fds = atoi(preserve);
	else if (getenv("LISTEN_FDS"))
		o->preserve_fds = atoi(getenv("LISTEN_FDS"));
	o->run = run;
	return keep;
}

int cmd_create(int argc, char **argv)
{
	struct create_opts o = {0};
	struct state st;
	create_flags("create", argc, argv, &o, false);
	create_container(&o, &st, NULL);
	return 0;
}

int start_container(struct state *st)
{
	enum status s = state_status(st);
	if (s == ST_STOPPED)
		die("cannot start a container that has stopped");
	if (s == ST_RUNNING || s == ST_PAUSED)
		die("cannot start an already running container");
	if (s == ST_CREATING)
		die("cannot start a container that is still being created");
	char *fifo = xasprintf("%s/exec.fifo", st->dir);
	uint64_t t0 = trace_now();
	int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			die("cannot start an already running container");
		die_errno("open %s", fifo);
	}
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 100);
		if (r > 0) {
			char c;
			ssize_t n = read(fd, &c, 1);
			if (n == 1)
				break;
			if (n == 0 && (p.revents & POLLHUP))
				die("cannot start a container that has stopped");
		}
		if (!state_pid_alive(st))
			die("cannot start a container that has stopped");
	}
	close(fd);
	unlink(fifo);
	trace_step("start", true, t0, 0, "read the exec fifo: init %d execs the process",
		   (int)st->pid);
	free(fifo);
	hooks_run_saved(st, "poststart", "running");
	return 0;
}

int cmd_start(int argc, char **argv)
{
	struct flag f[] = {{NULL, NULL, false, NULL, NULL, NULL}};
	int i = parse_flags("start", argc, argv, f);
	if (i >= argc)
		die("start: container id cannot be empty");
	struct state st;
	state_must_load(argv[i], &st);
	int lock = state_lock(argv[i]);
	start_container(&st);
	if (lock >= 0)
		close(lock);
	state_free(&st);
	return 0;
}

static struct termios saved_tio;
static bool tio_saved;
static void restore_tty(void)
{
	if (tio_saved)
		tcsetattr(0, TCSANOW, &saved_tio);
}

/* Waits for init, forwarding signals (and relaying the terminal when we hold it). */
int supervise_pid(pid_t pid, int master)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		die_errno("signalfd");
	if (master >= 0 && isatty(0)) {
		if (tcgetattr(0, &saved_tio) == 0) {
			tio_saved = true;
			atexit(restore_tty);
			struct termios raw = saved_tio;
			cfmakeraw(&raw);
			tcsetattr(0, TCSANOW, &raw);
		}
		struct winsize ws;
		if (ioctl(0, TIOCGWINSZ, &ws) == 0)
			ioctl(master, TIOCSWINSZ, &ws);
	}
	bool stdin_open = master >= 0;
	int status = 0;
	/* A process that exited before SIGCHLD was blocked left no signal behind, only a
	 * zombie: reap what is already there before waiting for signals. */
	for (pid_t w; (w = waitpid(-1, &status, WNOHANG)) > 0;)
		if (w == pid)
			goto done;
	for (;;) {
		struct pollfd p[3] = {{sfd, POLLIN, 0}, {master, POLLIN, 0},
				      {stdin_open ? 0 : -1, POLLIN, 0}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno("poll");
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			char buf[8192];
			ssize_t n = read(master, buf, sizeof buf);
			if (n > 0) {
				ssize_t w = write(1, buf, (size_t)n);
				(void)w;
			} else {
				master = -1;
				stdin_open = false;
			}
		}
		if (p[2].revents & (POLLIN | POLLHUP)) {
			char buf[8192];
			ssize_t n = read(0, buf, sizeof buf);
			if (n > 0 && master >= 0) {
				ssize_t w = write(master, buf, (size_t)n);
				(void)w;
			} else {
				stdin_open = false;
			}
		}
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) != sizeof si)
				continue;
			if (si.ssi_signo == SIGCHLD) {
				pid_t w;
				int st;
				while ((w = waitpid(-1, &st, WNOHANG)) > 0)
					if (w == pid) {
						status = st;
						goto done;
					}
			} else if (si.ssi_signo == SIGWINCH && master >= 0) {
				struct winsize ws;
				if (ioctl(0, TIOCGWINSZ, &ws) == 0)
					ioctl(master, TIOCSWINSZ, &ws);
			} else {
				kill(pid, (int)si.ssi_signo);
			}
		}
	}
done:
	/* Drain what the terminal still holds. */
	while (master >= 0) {
		char buf[8192];
		ssize_t n = read(master, buf, sizeof buf);
		if (n <= 0)
			break;
		ssize_t w = write(1, buf, (size_t)n);
		(void)w;
	}
	restore_tty();
	close(sfd);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int cmd_run(int argc, char **argv)
{
	struct create_opts o = {0};
	struct state st;
	bool keep = create_flags("run", argc, argv, &o, true);
	int proxy = -1;
	if (!o.detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	pid_t pid = create_container(&o, &st, &proxy);
	int master = -1;
	if (proxy >= 0) {
		master = recv_fd(proxy);
		if (master < 0)
			die_errno("receive the terminal from init");
		close(proxy);
	}
	/* From here on a failure must not leave the container behind. */
	start_container(&st);
	if (o.detach)
		return 0;
	int code = supervise_pid(pid, master);
	if (!keep) {
		struct state again;
		if (state_load(o.id, &again) == 0) {
			destroy_container(&again);
			state_free(&again);
		}
	}
	return code;
}
