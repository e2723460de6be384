/*
 * create, start, run: the parent side. Lesson concept: the runtime process is only a
 * midwife. `create` prepares the state dir, the cgroup and the exec fifo, clones the
 * child into new pid/user namespaces, writes its uid/gid maps, puts it in the cgroup,
 * then waits until the child says it is ready (blocked on the exec fifo) and exits. The
 * container's init stays behind as a descendant of `create`, waiting for `start`.
 *
 *   parent                               child (init.c)
 *   read config.json, claim the state dir
 *   mkfifo exec.fifo (create only)
 *   mkdir cgroup, write limits (*)
 *   clone(CLONE_NEWPID|CLONE_NEWUSER) -> waits for SYNC_GO
 *   write uid_map/gid_map
 *   SYNC_GO                           -> namespaces, mounts, pivot_root, caps ...
 *   write cgroup.procs (meanwhile;
 *     first, with a cgroup namespace)
 *   wait for SYNC_READY               <- SYNC_READY; open(exec.fifo, O_WRONLY) blocks
 *   write state.json + pid file, exit
 *   `start`: open exec.fifo O_RDONLY  -> the open returns, execve(process.args)
 *
 * That is the order with a user namespace. Without one (the usual rootful container) the
 * work overlaps: init unshares its namespaces right after clone while the parent makes the
 * cgroup (*) on cgroup v1, then SYNC_GO; init puts itself in the cgroup ("0" into each
 * hierarchy's tasks), and on v2 it is born there (clone3 CLONE_INTO_CGROUP): no
 * cgroup.procs write, whose global lock costs an RCU grace period (see cgroups.c).
 *
 * `run` is create and start in one process: no fifo. Init execs as soon as it is ready
 * when nothing of the parent's is pending (SYNC_GO_START), else when told (SYNC_START),
 * while the parent writes state.json. The protocol is described in runtime.h (sync.c).
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* One create (or run) in progress: what the parent made so far, so that a failure at any
 * phase can undo exactly that. */
struct creation {
	const struct create_opts *o;
	struct spec spec;
	struct state *st;
	struct cgroup_set *cg;
	int fifo_fd;    /* O_PATH of exec.fifo (create); -1 for run */
	int console_fd; /* the child's end of the terminal, or -1 */
	int *proxy_fd;  /* run: our end of the terminal pair */
	int sync_fd;    /* our end of the parent/child socket */
	pid_t pid;      /* init, once cloned */
	bool in_cgroup; /* init is (or puts itself) in its cgroup: no cgroup.procs write */
	bool start_at_ready; /* run: init execs once ready (SYNC_GO_START), no SYNC_START */
	json_object *mounts_before; /* no mount namespace: the mounts under rootfs before */
};

static struct creation *undo;

static void create_cleanup(void)
{
	struct creation *c = undo;
	if (!c)
		return;
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	if (c->mounts_before) {
		json_object *made = mounts_made_since(c->mounts_before, c->spec.rootfs);
		mounts_remove(made);
		json_object_put(made);
	}
	if (c->cg)
		cgroups_destroy(c->cg);
	if (c->st && c->st->dir)
		rm_rf(c->st->dir);
}

/* 1. config.json, read and checked before anything exists on the host. */
static void load_config(struct creation *c)
{
	const struct create_opts *o = c->o;
	if (!valid_id(o->id))
		die("invalid container id format: %s", o->id ? o->id : "");
	char *bundle = realpath(o->bundle ? o->bundle : ".", NULL);
	if (!bundle)
		die_errno("bundle %s", o->bundle ? o->bundle : ".");
	spec_load(bundle, &c->spec);
	c->st->bundle = bundle;
	caps_mask_to_host(&c->spec.process.caps);
	bool socket = o->console_socket && *o->console_socket;
	if (c->spec.process.terminal && !socket && !(o->run && !o->detach))
		die("cannot allocate tty if runc will detach without setting console socket");
	if (!c->spec.process.terminal && socket)
		die("cannot use console socket if runc will not detach or allocate tty");
}

/* 2. The state dir: mkdir is the claim on the id (EEXIST: taken). It says "creating"
 * until init is ready, and keeps a copy of config.json for exec, hooks and delete. */
static void claim_state_dir(struct creation *c)
{
	struct state *st = c->st;
	SYS("mkdir", mkdir_p(g_opts.root, 0711), "mkdir state root %s", g_opts.root);
	st->id = xstrdup(c->o->id);
	st->dir = state_dir(c->o->id);
	if (mkdir(st->dir, 0711) < 0) {
		if (errno == EEXIST)
			die("container with id exists: %s", c->o->id);
		die_errno("mkdir %s", st->dir);
	}
	undo = c;
	log_set_cleanup(create_cleanup);
	st->rootfs = xstrdup(c->spec.rootfs);
	char ts[64];
	rfc3339_now(ts, sizeof ts);
	st->created = xstrdup(ts);
	st->creating = true;
	st->json = json_object_new_object();
	if (c->spec.annotations)
		json_object_object_add(st->json, "annotations", json_object_get(c->spec.annotations));
	state_save(st, NULL);
	TRACE("state", "state dir %s (status creating)", st->dir);
	char *cfg = xasprintf("%s/config.json", st->dir);
	/* Nobody reads it before state.json exists: written in place, once. */
	SYS("state",
	    write_file_new(cfg, json_object_to_json_string_ext(c->spec.json, JSON_C_TO_STRING_PLAIN)),
	    "copy config.json to %s", cfg);
	free(cfg);
}

/* 3. create only: the exec fifo init will block on until `start` opens it. */
static void make_exec_fifo(struct creation *c)
{
	char *fifo = xasprintf("%s/exec.fifo", c->st->dir);
	SYS("mkfifo", mkfifo(fifo, 0622), "mkfifo %s", fifo);
	chmod(fifo, 0622);
	SYS("open", c->fifo_fd = open(fifo, O_PATH | O_CLOEXEC), "open %s", fifo);
	free(fifo);
}

/* 4. The terminal: to --console-socket, or (run in the foreground) to us. */
static void open_console(struct creation *c)
{
	if (!c->spec.process.terminal)
		return;
	if (c->o->console_socket && *c->o->console_socket) {
		c->console_fd = console_connect(c->o->console_socket);
		return;
	}
	int pair[2];
	SYS("console", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair),
	    "socketpair for the terminal");
	*c->proxy_fd = pair[0];
	c->console_fd = pair[1];
}

/* 5. The cgroup and its limits. Where it goes is known before clone; it is made before
 * clone too with a user namespace (init waits for the id maps anyway) or on v2 (init is
 * born in it), else while init makes its namespaces (see init.c). */
static bool cgroup_after_clone(const struct creation *c)
{
	return !c->cg->v2 && !spec_has_ns(&c->spec, CLONE_NEWUSER);
}

static void make_cgroup(struct creation *c)
{
	cgroups_make(c->cg);
	cgroups_apply(c->cg, &c->spec.resources);
}

/* 6. Namespaces that apply to children only (pid, time), and those a new user namespace
 * could no longer join: entered by us, inherited by init at clone. */
static int enter_namespaces_for_clone(struct creation *c)
{
	const struct spec *s = &c->spec;
	const struct ns_spec *pidns = spec_ns(s, CLONE_NEWPID);
	if (pidns && pidns->path)
		ns_join(pidns->path, CLONE_NEWPID);
	const struct ns_spec *timens = spec_ns(s, CLONE_NEWTIME);
	int made = 0;
	if (timens && timens->path) {
		ns_join(timens->path, CLONE_NEWTIME);
	} else if (timens) {
		SYS("unshare", unshare(CLONE_NEWTIME), "CLONE_NEWTIME (for the child)");
		made = CLONE_NEWTIME;
	}
	ns_join_before_clone(s);
	if (!spec_has_ns(s, CLONE_NEWNS))
		c->mounts_before = mounts_under(s->rootfs);
	return made;
}

/* 7. clone: init is born, in its new pid (and user) namespace, and waits for SYNC_GO. */
static void spawn_init(struct creation *c, int made_for_children)
{
	int sync[2];
	SYS("socketpair", socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync),
	    "socketpair for parent/child sync");
	int flags = ns_clone_flags(&c->spec);
	char names[256];
	ns_flags_string(flags | ns_unshare_flags(&c->spec) | made_for_children, names, sizeof names);
	/* v1 without a user namespace: init writes itself into its cgroup (no global lock,
	 * see cgroups.c), unless it joins another mount or cgroup namespace (by path) first;
	 * v2: it is born there (CLONE_INTO_CGROUP), if the kernel can. */
	const struct ns_spec *mnt = spec_ns(&c->spec, CLONE_NEWNS);
	const struct ns_spec *cgns = spec_ns(&c->spec, CLONE_NEWCGROUP);
	bool self_join = c->cg && !c->cg->v2 && c->cg->n && !spec_has_ns(&c->spec, CLONE_NEWUSER) &&
			 !(mnt && mnt->path) && !(cgns && cgns->path);
	bool joined = false;
	int runtime_pid = getpid();
	uint64_t t0 = trace_now();
	fflush(NULL);
	pid_t pid = cgroups_clone_into(c->cg, (unsigned long)flags, &joined);
	if (pid == 0) {
		/* init writes the clone line itself, for the runtime, before any step of its own:
		 * the runtime may not run again before init has made its namespaces, and the trace
		 * is in the order things happened. /proc is still the host's: its pid there. */
		char self[32] = "";
		if (trace_fd() >= 0 && readlink("/proc/self", self, sizeof self - 1) > 0)
			trace_step_of(runtime_pid, "clone", t0, "%s%s (child pid %d)", names,
				      joined ? "|CLONE_INTO_CGROUP" : "", atoi(self));
		close(sync[0]);
		if (c->proxy_fd && *c->proxy_fd >= 0)
			close(*c->proxy_fd);
		struct init_args a = {.spec = &c->spec, .cg = c->cg, .sync_fd = sync[1],
				      .fifo_fd = c->fifo_fd, .console_fd = c->console_fd,
				      .no_pivot = c->o->no_pivot, .join_cgroup = self_join,
				      .preserve_fds = c->o->preserve_fds};
		container_init(&a);
	}
	if (pid < 0) {
		int e = errno;
		trace_step("clone", false, t0, e, "%s", names);
		errno = e;
		die_errno("clone %s", names);
	}
	trace_pause_after("clone");
	c->in_cgroup = joined || self_join;
	c->pid = pid;
	/* Its start time now, while it surely runs (under run it may exit before we record). */
	c->st->starttime = proc_starttime(pid);
	c->sync_fd = sync[0];
	close(sync[1]);
	if (c->fifo_fd >= 0)
		close(c->fifo_fd);
	if (c->console_fd >= 0)
		close(c->console_fd);
}

/* 8. What only the parent can do for init: its id maps, its cgroup; then SYNC_GO. */
static void release_init(struct creation *c)
{
	const struct ns_spec *user = spec_ns(&c->spec, CLONE_NEWUSER);
	if (user && !user->path)
		ns_write_id_maps(c->pid, &c->spec);
	/* When we must write init's pid to cgroup.procs (a user namespace: init could not),
	 * that can take milliseconds (an RCU grace period, see cgroups.c), so unless init must
	 * be inside before it starts (a new cgroup namespace is rooted where it is), it starts
	 * its setup meanwhile: it cannot execve before we have read its SYNC_READY, which comes
	 * after this write. */
	bool cgroup_first = spec_has_ns(&c->spec, CLONE_NEWCGROUP);
	if (cgroup_first && !c->in_cgroup)
		cgroups_add_pid(c->cg, c->pid);
	/* run, and nothing of ours is left to do before the process may run: init can execve
	 * as soon as it is ready, one turn fewer (see runtime.h). */
	c->start_at_ready = c->o->run && c->in_cgroup;
	if (sync_send(c->sync_fd, c->start_at_ready ? SYNC_GO_START : SYNC_GO, NULL) < 0)
		die_errno("send go to init");
	if (!cgroup_first && !c->in_cgroup)
		cgroups_add_pid(c->cg, c->pid);
}

/* init died before it was ready: say how. */
static _Noreturn void init_died(struct creation *c)
{
	int status = 0;
	waitpid(c->pid, &status, 0);
	c->pid = 0;
	if (WIFSIGNALED(status))
		die("container init was killed by signal %d before it was ready", WTERMSIG(status));
	die("container init exited with status %d before it was ready", WEXITSTATUS(status));
}

/* 9. Wait until init is ready, running the createRuntime/prestart hooks when it asks. */
static void wait_for_init(struct creation *c)
{
	char text[4096];
	for (;;) {
		switch (sync_recv(c->sync_fd, text, sizeof text)) {
		case SYNC_READY:
			return;
		case SYNC_HOOKS:
			/* The runtime environment exists (namespaces, mounts): per the spec's
			 * lifecycle, create is done with it, so the hooks see "created". */
			c->st->pid = c->pid;
			hooks_run(&c->spec, "createRuntime", c->st, "created", true);
			if (sync_send(c->sync_fd, SYNC_RESUME, NULL) < 0)
				die_errno("send resume to init");
			break;
		case SYNC_ERROR:
			die("%s", text);
		default:
			init_died(c);
		}
	}
}

/* 10. Created: state.json says so (with init's start time), and the pid file. */
static void record_created(struct creation *c)
{
	struct state *st = c->st;
	st->pid = c->pid;
	st->creating = false;
	st->cgroups = c->cg;
	if (c->mounts_before) {
		json_object *made = mounts_made_since(c->mounts_before, c->spec.rootfs);
		json_object_object_add(st->json, "mounts", made);
	}
	const struct ns_spec *pidns = spec_ns(&c->spec, CLONE_NEWPID);
	json_object_object_add(st->json, "own_pid_ns", json_object_new_boolean(pidns && !pidns->path));
	state_save(st, cgroups_to_json(c->cg));
	TRACE("created", "container %s created, init pid %d %s", c->o->id, (int)c->pid,
	      c->o->run ? "starting" : "waiting on the exec fifo");
	write_pid_file(c->o->pid_file, c->pid);
}

/* Creates the container, st filled in. For run, *sync_fd keeps the socket to init (start
 * is a message), and *proxy_fd the terminal when `run` must relay it itself; for create
 * both are NULL. */
static struct creation *create_container(const struct create_opts *o, struct state *st,
					 int *proxy_fd, int *sync_fd)
{
	static struct creation c;
	memset(st, 0, sizeof *st);
	c = (struct creation){.o = o, .st = st, .fifo_fd = -1, .console_fd = -1,
			      .proxy_fd = proxy_fd, .sync_fd = -1};
	load_config(&c);
	claim_state_dir(&c);
	if (!sync_fd)
		make_exec_fifo(&c);
	open_console(&c);
	c.cg = cgroups_plan(c.spec.cgroups_path, o->id);
	if (!cgroup_after_clone(&c))
		make_cgroup(&c);
	int made = enter_namespaces_for_clone(&c);
	spawn_init(&c, made);
	if (cgroup_after_clone(&c))
		make_cgroup(&c);
	release_init(&c);
	wait_for_init(&c);
	/* run: init goes on to execve while we record it; `run` returns (or supervises) only
	 * once state.json is written. */
	if (sync_fd && !c.start_at_ready && sync_send(c.sync_fd, SYNC_START, NULL) < 0)
		die_errno("send start to init");
	record_created(&c);
	if (sync_fd) {
		*sync_fd = c.sync_fd;
	} else {
		close(c.sync_fd);
		log_set_cleanup(NULL);
		undo = NULL;
	}
	return &c;
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
	create_container(&o, &st, NULL, NULL);
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

/* run: init does not wait on a fifo, and create_container already told it to start. Wait
 * for the socket to close (its end is close-on-exec): the process runs; or for init's
 * error (exit 1 with it; create's cleanup is still armed). */
static void wait_for_exec(struct creation *c, int sync_fd)
{
	uint64_t t0 = trace_now();
	char text[4096];
	enum sync_msg m = sync_recv(sync_fd, text, sizeof text);
	if (m == SYNC_ERROR)
		die("%s", text);
	close(sync_fd);
	if (m != SYNC_EOF)
		die("internal error: init answered start with \"%s\"", sync_name(m));
	trace_step("start", true, t0, 0, "init %d execs the process", (int)c->pid);
	if (hooks_has(&c->spec, "poststart"))
		hooks_run(&c->spec, "poststart", c->st, "running", false);
}

/* run in the foreground without poststart hooks does not wait for the exec: it goes
 * straight to waiting for the process. If init failed instead (after it was ready: a bad
 * program, seccomp), its error is in the socket: returns it, or NULL. */
static const char *exec_error(int sync_fd)
{
	static char text[4096];
	enum sync_msg m = SYNC_EOF;
	struct pollfd p = {.fd = sync_fd, .events = POLLIN};
	if (poll(&p, 1, 0) == 1)
		m = sync_recv(sync_fd, text, sizeof text);
	close(sync_fd);
	return m == SYNC_ERROR ? text : NULL;
}

int cmd_run(int argc, char **argv)
{
	struct create_opts o = {0};
	struct state st;
	bool keep = create_flags("run", argc, argv, &o, true);
	int proxy = -1, sync_fd = -1;
	if (!o.detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	struct creation *c = create_container(&o, &st, &proxy, &sync_fd);
	int master = -1;
	if (proxy >= 0) {
		master = recv_fd(proxy);
		if (master < 0)
			die_errno("receive the terminal from init");
		close(proxy);
	}
	/* Until the process runs, a failure still removes everything (create's cleanup). */
	bool wait_exec = o.detach || hooks_has(&c->spec, "poststart");
	if (wait_exec)
		wait_for_exec(c, sync_fd);
	log_set_cleanup(NULL);
	if (o.detach)
		return 0;
	int code = supervise_pid(c->pid, master);
	const char *err = wait_exec ? NULL : exec_error(sync_fd);
	if (err)
		log_error(err);
	/* What create recorded is in memory: no need to read it back. */
	if (!keep)
		destroy_container(&st, &c->spec);
	return code;
}
