/*
 * contlab-runtime: the table of contents.
 *
 * A small OCI runtime, compatible with runc's command line, written to be read. Every
 * concept of the lessons lives in one file; this header lists them in the order a
 * container is born:
 *
 *   cli.c           runc's command line: global flags, subcommands, dispatch
 *   log.c           errors: one line on stderr, JSON lines to --log, runc's wording
 *   trace.c         --trace: one JSON line per kernel step as it happens
 *   spec.c          config.json parsing, errors name the JSON path (.process.args ...)
 *   spec_default.c  `spec`: the default config.json, like `runc spec` (and --rootless)
 *   state.c         the state dir (--root/ID), state.json, init's start time, statuses
 *   reexec.c        CVE-2019-5736: run from a sealed memfd copy, never the host binary
 *   create.c        the parent side of create/run/start, phase by phase: clone, exec fifo
 *   sync.c          the parent/child protocol (enum sync_msg below)
 *   namespaces.c    clone flags, joining namespaces by path, uid_map/gid_map
 *   cgroups.c       cgroup v1 and v2 (detected at run time): where, mkdir, join, freezer
 *   cgroup_resources.c  the limits, one function per controller, v1 and v2 names
 *   init.c          the child side: the ordered steps that turn a fork into a container
 *   mounts.c        rootfs, mounts, devices, pivot_root, masked and readonly paths
 *   capabilities.c  bounding/effective/permitted/inheritable/ambient sets
 *   seccomp.c       linux.seccomp compiled with libseccomp
 *   process.c       the process: user, rlimits, env, PATH lookup, fds, execve
 *   console.c       pty allocation and SCM_RIGHTS to --console-socket
 *   hooks.c         createRuntime/prestart, poststart, poststop hooks
 *   foreground.c    run/exec in the foreground: wait, forward signals, relay the tty
 *   exec.c          `exec`: a new process inside a running container
 *   commands.c      state, list, kill, ps, pause, resume, delete, update
 *   util.c          small helpers: files, strings, fd passing
 */
#ifndef CONTLAB_RUNTIME_H
#define CONTLAB_RUNTIME_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

#define RUNTIME_NAME "contlab-runtime"
#define RUNTIME_VERSION "0.1.0"
#define OCI_VERSION "1.0.2"
#define DEFAULT_ROOT "/run/contlab-runtime"
#define DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---------------------------------------------------------------- cli.c */
struct global_opts {
	const char *root;        /* --root: where state dirs live */
	const char *log_path;    /* --log: JSON (or text) log lines */
	bool log_json;           /* --log-format json */
	const char *trace_path;  /* --trace FILE */
	bool debug;              /* --debug: also trace to stderr-less log (accepted) */
	bool systemd_cgroup;     /* --systemd-cgroup: parse slice:prefix:name paths */
};
extern struct global_opts g_opts;
extern char **g_argv;
extern char **environ;

/* ---------------------------------------------------------------- log.c */
void log_open(void);
void log_line(const char *level, const char *msg);
void log_error(const char *msg); /* what die says, without exiting */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* In a child (init, exec) errors travel to the parent over this socket instead. */
void log_set_child_fd(int fd);
/* Runs just before exit(1) in the parent: removes what a failed create made. */
void log_set_cleanup(void (*fn)(void));

/* ---------------------------------------------------------------- trace.c */
void trace_open(void);
int trace_fd(void);
void trace_set_pid(int pid); /* the host pid, for lines written inside a pid namespace */
uint64_t trace_now(void);
void trace_step(const char *step, bool ok, uint64_t t0, int err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A step that worked, written by another process on `pid`'s behalf (no pause here): init
 * writes its own clone line, so it comes before init's first step. */
void trace_step_of(int pid, const char *step, uint64_t t0, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Stops here (SIGSTOP) when CONTLAB_PAUSE_AT names `step`. */
void trace_pause_after(const char *step);
/* Do a syscall, trace it, and on failure die saying what was attempted. */
#define SYS(step, expr, ...)                                                   \
	do {                                                                   \
		uint64_t t0_ = trace_now();                                    \
		errno = 0;                                                     \
		long r_ = (long)(expr);                                        \
		int e_ = errno;                                                \
		trace_step(step, r_ >= 0, t0_, r_ >= 0 ? 0 : e_, __VA_ARGS__); \
		if (r_ < 0) {                                                  \
			errno = e_;                                            \
			die_errno(__VA_ARGS__);                                \
		}                                                              \
	} while (0)
#define TRACE(step, ...) trace_step(step, true, trace_now(), 0, __VA_ARGS__)

/* ---------------------------------------------------------------- sync.c
 * The runtime (parent) and the process it forked (child: init in create.c/init.c, or the
 * new process of exec.c) take turns over a SOCK_SEQPACKET pair, one message per turn:
 *
 *   parent                                   child
 *   clone/fork, write uid_map/gid_map,
 *   join the cgroup (if init needs it first)
 *   SYNC_GO                          ->      namespaces, mounts (before pivot_root)
 *                                    <-      SYNC_HOOKS   (only with createRuntime/prestart)
 *   run the hooks; SYNC_RESUME       ->      pivot_root, /dev, caps, user ...
 *                                    <-      SYNC_READY
 *   state.json, pid file;                    create: blocks opening exec.fifo until `start`
 *   run: SYNC_START                  ->      execve (the socket is close-on-exec: EOF)
 *
 * SYNC_GO_START instead of SYNC_GO (run, when nothing of the parent's is left to do before
 * the process may run: init is in its cgroup already) lets init execve as soon as it is
 * ready, without waiting for SYNC_START. exec's child gets SYNC_GO and execs when done.
 *
 * Any failure in the child travels as SYNC_ERROR + the message (log.c), and the parent
 * reports it as its own. EOF means the child exec'd, or died (the parent tells which).
 */
enum sync_msg {
	SYNC_EOF = 0, /* the other side exec'd or is gone */
	SYNC_GO,
	SYNC_GO_START,
	SYNC_HOOKS,
	SYNC_RESUME,
	SYNC_READY,
	SYNC_START,
	SYNC_ERROR, /* followed by the error's text */
};
/* Sends one message (text only for SYNC_ERROR); -1 + errno if the peer is gone. */
int sync_send(int fd, enum sync_msg m, const char *text);
/* Receives one message, its text (if any) into text[len]; SYNC_EOF on EOF or error. */
enum sync_msg sync_recv(int fd, char *text, size_t len);
/* In the child: waits for `want` (or `also`, if not SYNC_EOF) and returns which came;
 * exits quietly if the parent is gone, dies on anything else. */
enum sync_msg sync_expect(int fd, enum sync_msg want, enum sync_msg also);
const char *sync_name(enum sync_msg m);

/* ---------------------------------------------------------------- util.c */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *read_file(const char *path, size_t *len);
char *read_fd(int fd, size_t *len); /* reads to EOF, then closes fd */
void strfmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int write_file(const char *path, const char *data);       /* -1 + errno on failure */
int write_file_atomic(const char *path, const char *data); /* tmp + rename */
int write_file_new(const char *path, const char *data);    /* O_EXCL: a file nobody has yet */
int mkdir_p(const char *path, mode_t mode);
int rm_rf(const char *path);
void rfc3339_now(char *buf, size_t len);
int send_fd(int sock, int fd);
int recv_fd(int sock);
bool valid_id(const char *id);
int parse_signal(const char *s); /* "9", "KILL", "SIGKILL" -> 9; -1 if unknown */

/* ---------------------------------------------------------------- spec.c */
struct mount_spec {
	const char *destination, *type, *source;
	unsigned long flags;       /* MS_* set by options */
	unsigned long clear;       /* MS_* cleared by options (rw, suid, ...) */
	unsigned long propagation; /* MS_PRIVATE, MS_SLAVE ... (| MS_REC) */
	char *data;                /* options the kernel parses: mode=755, size=... */
	bool bind;                 /* bind or rbind */
};

struct ns_spec {
	int flag;         /* CLONE_NEWPID ... */
	const char *name; /* "pid" */
	const char *path; /* join this namespace instead of creating one */
};

struct idmap {
	unsigned long container_id, host_id, size;
};

struct device_spec {
	const char *path;
	char type; /* c, b, u, p */
	long long major, minor;
	unsigned mode;
	unsigned uid, gid;
};

struct device_rule {
	bool allow;
	char type; /* a, c, b */
	long long major, minor; /* -1 = wildcard */
	const char *access;
};

struct resources {
	bool has_mem_limit, has_mem_reservation, has_mem_swap;
	long long mem_limit, mem_reservation, mem_swap;
	/* Fields newer kernels dropped (kmem, v1 only: kmem.tcp, swappiness, oom_control):
	 * applied where the kernel still has them, else a warning. */
	bool has_mem_kernel, has_mem_kernel_tcp, has_mem_swappiness, disable_oom_killer;
	long long mem_kernel, mem_kernel_tcp;
	unsigned long long mem_swappiness;
	bool has_cpu_shares, has_cpu_quota, has_cpu_period;
	unsigned long long cpu_shares, cpu_period;
	long long cpu_quota;
	const char *cpus, *mems;
	bool has_pids_limit;
	long long pids_limit;
	bool has_blkio_weight;
	unsigned blkio_weight;
	struct device_rule *devices;
	size_t n_devices;
};

struct rlimit_spec {
	int resource;
	const char *name; /* "RLIMIT_NOFILE" */
	unsigned long long soft, hard;
};

struct caps_spec {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct process_spec {
	bool terminal;
	unsigned cons_height, cons_width;
	const char *cwd;
	const char **args;
	size_t n_args;
	const char **env;
	size_t n_env;
	uid_t uid;
	gid_t gid;
	gid_t *add_gids;
	size_t n_add_gids;
	int umask; /* -1: not set */
	bool has_caps;
	struct caps_spec caps;
	struct rlimit_spec *rlimits;
	size_t n_rlimits;
	bool no_new_privs;
	bool has_oom_score_adj;
	int oom_score_adj;
};

struct seccomp_arg {
	unsigned index;
	unsigned long long value, value_two;
	int op; /* enum scmp_compare */
};

struct seccomp_rule {
	const char **names;
	size_t n_names;
	uint32_t action;
	struct seccomp_arg *args;
	size_t n_args;
};

struct seccomp_spec {
	uint32_t default_action;
	const char **archs;
	size_t n_archs;
	struct seccomp_rule *rules;
	size_t n_rules;
};

struct hook_spec {
	const char *kind; /* "createRuntime", "prestart", "poststart", "poststop" */
	const char *path;
	const char **args; /* NULL-terminated; [path] when the spec gives none */
	const char **env;  /* NULL-terminated, or NULL */
	int timeout;       /* seconds; 0: the default (60) */
};

struct spec {
	json_object *json; /* owns every const char * below */
	const char *oci_version;
	const char *root_path; /* as written */
	char *rootfs;          /* absolute */
	bool root_readonly;
	const char *hostname;
	struct process_spec process;
	struct mount_spec *mounts;
	size_t n_mounts;
	struct ns_spec *namespaces;
	size_t n_namespaces;
	struct idmap *uid_maps, *gid_maps;
	size_t n_uid_maps, n_gid_maps;
	const char **masked;
	size_t n_masked;
	const char **readonly;
	size_t n_readonly;
	unsigned long rootfs_propagation; /* 0: default (MS_SLAVE|MS_REC) */
	struct device_spec *devices;
	size_t n_devices;
	const char **sysctl_keys, **sysctl_values;
	size_t n_sysctl;
	const char *cgroups_path;
	struct resources resources;
	bool has_seccomp;
	struct seccomp_spec seccomp;
	json_object *annotations;
	struct hook_spec *hooks;
	size_t n_hooks;
};

/* Parses text; on error returns -1 with "config.json: .path: problem" in err. */
int spec_parse(const char *text, size_t len, struct spec *s, char *err, size_t errlen);
/* Reads BUNDLE/config.json, parses it and checks the rootfs exists. Dies on error. */
void spec_load(const char *bundle, struct spec *s);
void spec_free(struct spec *s);
int spec_parse_process(json_object *o, const char *path, struct process_spec *p, char *err,
		       size_t errlen);
int spec_parse_resources(json_object *o, const char *path, struct resources *r, char *err,
			 size_t errlen);
void spec_set_source(const char *name); /* "config.json" in error messages */
bool spec_has_ns(const struct spec *s, int flag);
const struct ns_spec *spec_ns(const struct spec *s, int flag);
int cap_from_name(const char *name);
const char *cap_name(int cap);

/* ---------------------------------------------------------------- spec_default.c */
int cmd_spec(int argc, char **argv);

/* ---------------------------------------------------------------- state.c */
enum status { ST_NONE, ST_CREATING, ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };
struct cgroup_set;
struct state {
	char *id, *dir, *bundle, *rootfs, *created;
	pid_t pid;
	unsigned long long starttime;
	bool creating;
	json_object *json;          /* state.json */
	struct cgroup_set *cgroups; /* loaded from state.json */
};
const char *status_name(enum status s);
char *state_dir(const char *id);
int state_load(const char *id, struct state *st); /* -1: does not exist */
void state_save(const struct state *st, json_object *cgroups_json);
enum status state_status(const struct state *st);
bool state_pid_alive(const struct state *st);
unsigned long long proc_starttime(pid_t pid); /* 0 if gone */
void state_free(struct state *st);
void state_print(const struct state *st, bool pretty);
json_object *state_oci_json(const struct state *st);
/* Loads ID or dies with "container does not exist". */
void state_must_load(const char *id, struct state *st);
int state_lock(const char *id); /* flock on the state dir; returns fd */
void write_pid_file(const char *path, pid_t pid);

/* ---------------------------------------------------------------- reexec.c */
void ensure_cloned_binary(void);

/* ---------------------------------------------------------------- namespaces.c */
const char *ns_flags_string(int flags, char *buf, size_t len);
int ns_flag_from_name(const char *name);
const char *ns_proc_name(int flag); /* CLONE_NEWNS -> "mnt" */
void ns_write_id_maps(pid_t pid, const struct spec *s);
void ns_join(const char *path, int flag);
/* With a new user namespace, the parent joins net/ipc/uts/cgroup paths before clone. */
bool ns_joined_by_parent(const struct spec *s, int flag);
void ns_join_before_clone(const struct spec *s);
int ns_clone_flags(const struct spec *s);  /* namespaces to create at clone time */
int ns_unshare_flags(const struct spec *s); /* namespaces to create after joining */
/* Joins every namespace of pid that differs from ours (exec). */
void ns_join_all_of(pid_t pid, bool include_pid);

/* ---------------------------------------------------------------- cgroups.c */
struct cgroup_set {
	bool v2;
	size_t n;
	char *dirs[16];  /* absolute cgroup directories, one per hierarchy */
	char *names[16]; /* "memory", "cpu,cpuacct", "unified" */
	char *rel;       /* path relative to each hierarchy's root */
	char *top[16];   /* highest ancestor we created (removed on delete if empty) */
};
/* Where the container's cgroup goes (reads mountinfo, creates nothing) ... */
struct cgroup_set *cgroups_plan(const char *cgroups_path, const char *id);
/* ... and making it: mkdir (and v2: enabling controllers down the path). */
void cgroups_make(struct cgroup_set *cg);
/* cgroup_resources.c: every limit config.json sets, one controller at a time. */
void cgroups_apply(const struct cgroup_set *cg, const struct resources *r);
void cgroups_write(const char *dir, const char *file, const char *value); /* dies, traced */
void cgroups_add_pid(const struct cgroup_set *cg, pid_t pid);
/* clone (flags, like fork otherwise) a child born in cg when the kernel can (v2:
 * CLONE_INTO_CGROUP): *joined tells. The child gets 0, the parent its pid, -1 on error. */
pid_t cgroups_clone_into(const struct cgroup_set *cg, unsigned long flags, bool *joined);
/* v1, in the child: join each hierarchy by writing "0" to its tasks (no global lock). */
void cgroups_join_self(const struct cgroup_set *cg);
int cgroups_destroy(const struct cgroup_set *cg);
json_object *cgroups_to_json(const struct cgroup_set *cg);
struct cgroup_set *cgroups_from_json(json_object *o);
int cgroups_freeze(const struct cgroup_set *cg, bool frozen);
bool cgroups_frozen(const struct cgroup_set *cg);
pid_t *cgroups_pids(const struct cgroup_set *cg, size_t *n);
const char *cgroups_dir(const struct cgroup_set *cg, const char *controller);

/* ---------------------------------------------------------------- mounts.c */
/* How the rootfs becomes "/": pivot_root in the container's own mount namespace,
 * MS_MOVE + chroot (--no-pivot, e.g. from an initramfs), or plain chroot when config.json
 * asks for no mount namespace (the container shares the runtime's). */
enum root_mode { ROOT_PIVOT, ROOT_MOVE, ROOT_CHROOT };
void mounts_prepare_rootfs(const struct spec *s, const struct cgroup_set *cg, enum root_mode mode);
void mounts_enter_root(const struct spec *s, enum root_mode mode);
void mounts_finalize(const struct spec *s);
/* Without a mount namespace the container's mounts are made in the runtime's: these find
 * them ([{"id":N,"path":P}] at or under dir, then the new ones since, newest first) so
 * that delete (or a failed create) can unmount exactly those. */
json_object *mounts_under(const char *dir);
json_object *mounts_made_since(json_object *before, const char *dir);
void mounts_remove(json_object *made);
void mounts_write_sysctls(const struct spec *s);

/* ---------------------------------------------------------------- capabilities.c */
void caps_drop_bounding(const struct caps_spec *c);
void caps_keep_for_setuid(void);
void caps_apply(const struct caps_spec *c);
void caps_set_all(struct caps_spec *c); /* every capability the kernel knows */
/* Drops from every set the capabilities this host's bounding set lacks (the runtime could
 * never grant them), with one warning naming them, as runc does. */
void caps_mask_to_host(struct caps_spec *c);

/* ---------------------------------------------------------------- seccomp.c */
int seccomp_check_spec(json_object *o, const char *path, struct seccomp_spec *sc, char *err,
		       size_t errlen);
void seccomp_load_spec(const struct seccomp_spec *sc);

/* ---------------------------------------------------------------- process.c */
/* rlimits in two steps: the hard limits while still privileged (raising one needs
 * CAP_SYS_RESOURCE), with soft limits kept no lower than now so the rest of the setup
 * cannot trip over them; then, just before execve, the soft limits asked for. */
void process_set_rlimits(const struct process_spec *p);
void process_set_soft_rlimits(const struct process_spec *p);
void process_set_oom_score_adj(const struct process_spec *p);
void process_set_user(const struct process_spec *p, bool setgroups_allowed);
char *process_lookup(const struct process_spec *p); /* PATH lookup, dies if missing */
void process_close_fds(int preserve_fds);
_Noreturn void process_exec(const struct process_spec *p, const char *path);
void process_finalize(const struct process_spec *p, const struct spec *s, bool in_userns);

/* ---------------------------------------------------------------- hooks.c */
/* Runs the hooks of one kind with the container's state on stdin. fatal: die on a failure
 * (createRuntime); else report it as a warning and return -1. */
int hooks_run(const struct spec *s, const char *kind, const struct state *st, const char *status,
	      bool fatal);
bool hooks_has(const struct spec *s, const char *kind);
/* The same, with the spec saved in the state dir (start, delete). */
void hooks_run_saved(const struct state *st, const char *kind, const char *status);

/* ---------------------------------------------------------------- console.c */
int console_connect(const char *socket_path); /* host side: connect to --console-socket */
void console_setup(int console_sock, const struct process_spec *p); /* inside */

/* ---------------------------------------------------------------- create.c */
struct create_opts {
	const char *id, *bundle, *pid_file, *console_socket;
	bool no_pivot, detach, run;
	int preserve_fds;
};
int cmd_create(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_start(int argc, char **argv);
int start_container(struct state *st);
int supervise_pid(pid_t pid, int master); /* wait, forward signals, relay a tty */

/* ---------------------------------------------------------------- init.c */
struct init_args {
	struct spec *spec;
	const struct cgroup_set *cg;
	int sync_fd;    /* SEQPACKET to the parent */
	int fifo_fd;    /* O_PATH of the exec fifo; -1: run, start comes as SYNC_START */
	int console_fd; /* connected --console-socket, or -1 */
	bool no_pivot;
	bool join_cgroup; /* init joins its cgroup itself (cgroups_join_self) */
	bool start_at_ready; /* SYNC_GO_START came: execve once ready (run) */
	int preserve_fds;
};
_Noreturn void container_init(struct init_args *a);

/* ---------------------------------------------------------------- exec.c */
int cmd_exec(int argc, char **argv);

/* ---------------------------------------------------------------- commands.c */
int cmd_state(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_features(int argc, char **argv);
/* Kills what is left, removes cgroups, mounts and the state dir, runs poststop hooks
 * (from spec, or the config.json saved in the state dir when NULL). */
int destroy_container(struct state *st, const struct spec *spec);

/* Simple subcommand flag parser used by every cmd_*: see cli.c. */
struct flag {
	const char *name;  /* "pid-file" (matches -pid-file, --pid-file, --pid-file=) */
	const char *alias; /* "d" or NULL */
	bool has_value;
	const char **value; /* set for valued flags */
	bool *set;          /* set for boolean flags */
	const char ***multi; /* repeatable valued flag (NULL-terminated array) */
};
/* Returns the index of the first positional argument; dies on an unknown flag. */
int parse_flags(const char *cmd, int argc, char **argv, struct flag *flags);

#endif
