/*
 * The container's init: the child side of create. Lesson concept: a container is made
 * by a process doing, to itself, in order, everything config.json describes. This is
 * that order, in four phases; each line is one step of the trace.
 *
 *   namespaces   join the user namespace (or become root in the new one), join the
 *                namespaces given by path, unshare the new ones, set the hostname
 *   filesystem   mounts under the rootfs, hooks, pivot_root, console, sysctls, masks
 *   process      capabilities, user, no_new_privs, file descriptors
 *   start        tell the parent we are ready, wait for `start`, execve
 *
 * The child is a fork (clone) of the runtime, never a re-exec of the host binary, and it
 * is not dumpable, so the container cannot reach the runtime's executable through
 * /proc/1/exe (CVE-2019-5736). It ends with execve of the container's program.
 */
#include "runtime.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void become_root_in_userns(void)
{
	/* setgroups fails if the namespace denies it; that is fine. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		die_errno("setgroups in the new user namespace");
	SYS("setgid", setresgid(0, 0, 0), "become gid 0 in the user namespace");
	SYS("setuid", setresuid(0, 0, 0), "become uid 0 in the user namespace");
}

/* 1. Namespaces: the user namespace first (it owns the others), then the ones given by
 * path, then the new ones but `later`. */
static void init_namespaces(struct init_args *a, int later)
{
	struct spec *s = a->spec;
	const struct ns_spec *user = spec_ns(s, CLONE_NEWUSER);
	if (user && user->path)
		ns_join(user->path, CLONE_NEWUSER);
	if (user)
		become_root_in_userns();
	for (size_t i = 0; i < s->n_namespaces; i++) {
		const struct ns_spec *n = &s->namespaces[i];
		if (n->path && n->flag != CLONE_NEWUSER && n->flag != CLONE_NEWPID &&
		    n->flag != CLONE_NEWTIME && !ns_joined_by_parent(s, n->flag))
			ns_join(n->path, n->flag);
	}
	int flags = ns_unshare_flags(s) & ~later;
	if (flags) {
		char names[256];
		SYS("unshare", unshare(flags), "%s", ns_flags_string(flags, names, sizeof names));
	}
	/* In a new uts namespace, or in one joined by path (then it is that one's name). */
	if (s->hostname && *s->hostname)
		SYS("hostname", sethostname(s->hostname, strlen(s->hostname)), "sethostname %s",
		    s->hostname);
}

/* 2. The filesystem: mounts under the rootfs, then the rootfs becomes "/". */
static void init_filesystem(struct init_args *a)
{
	struct spec *s = a->spec;
	enum root_mode mode = !spec_has_ns(s, CLONE_NEWNS) ? ROOT_CHROOT
			      : a->no_pivot		  ? ROOT_MOVE
							  : ROOT_PIVOT;
	mounts_prepare_rootfs(s, a->cg, mode);
	/* createRuntime (and prestart) hooks run now, in the runtime's namespaces: wait. */
	if (hooks_has(s, "createRuntime")) {
		if (sync_send(a->sync_fd, SYNC_HOOKS, NULL) < 0)
			_exit(1);
		sync_expect(a->sync_fd, SYNC_RESUME, SYNC_EOF);
	}
	mounts_enter_root(s, mode);
	if (s->process.terminal)
		console_setup(a->console_fd, &s->process);
	else if (a->console_fd >= 0)
		close(a->console_fd);
	mounts_write_sysctls(s);
	mounts_finalize(s);
}

/* 3. The process: who it runs as, with which capabilities; returns the program's path. */
static char *init_process(struct init_args *a)
{
	struct process_spec *p = &a->spec->process;
	char *path = process_lookup(p);
	process_finalize(p, a->spec, spec_has_ns(a->spec, CLONE_NEWUSER));
	process_close_fds(a->preserve_fds);
	return path;
}

/* 4. Ready: wait for `start` (the exec fifo; for run, a message), then execve. */
static _Noreturn void init_start(struct init_args *a, const char *path)
{
	struct process_spec *p = &a->spec->process;
	if (sync_send(a->sync_fd, SYNC_READY, NULL) < 0)
		_exit(1);
	uint64_t t0 = trace_now();
	if (a->fifo_fd < 0) {
		/* run: the parent is still there, and still hears our errors until execve. */
		if (!a->start_at_ready) {
			sync_expect(a->sync_fd, SYNC_START, SYNC_EOF);
			trace_step("wait_start", true, t0, 0, "the runtime said start after %llu us",
				   (unsigned long long)(trace_now() - t0));
		}
	} else {
		/* create: the parent exits now; `start` is another process, later. */
		log_set_child_fd(-1);
		char fifo[64];
		snprintf(fifo, sizeof fifo, "/proc/self/fd/%d", a->fifo_fd);
		int fd = open(fifo, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			die_errno("open the exec fifo (is /proc mounted in the container?)");
		if (write(fd, "0", 1) != 1)
			die_errno("write to the exec fifo");
		close(fd);
		close(a->fifo_fd);
		trace_step("exec_fifo", true, t0, 0, "`start` opened the exec fifo after %llu us",
			   (unsigned long long)(trace_now() - t0));
	}
	process_set_soft_rlimits(p);
	if (a->spec->has_seccomp && p->no_new_privs)
		seccomp_load_spec(&a->spec->seccomp);
	process_exec(p, path);
}

void container_init(struct init_args *a)
{
	log_set_child_fd(a->sync_fd);
	char self[32] = "";
	if (trace_fd() >= 0 && readlink("/proc/self", self, sizeof self - 1) > 0)
		trace_set_pid(atoi(self)); /* our pid on the host: /proc is still the host's */
	if (spec_has_ns(a->spec, CLONE_NEWUSER)) {
		/* Nothing can happen in a new user namespace before the parent has written its
		 * uid/gid maps (and joined us to the cgroup, when a cgroup namespace must be rooted
		 * there): wait for SYNC_GO. Only then become non-dumpable: that makes
		 * /proc/PID/{uid,gid}_map root's, and a rootless parent (no CAP_DAC_OVERRIDE) could
		 * no longer write them (runc toggles it the same way). */
		a->start_at_ready = sync_expect(a->sync_fd, SYNC_GO, SYNC_GO_START) == SYNC_GO_START;
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		init_namespaces(a, 0);
	} else {
		/* Without one, init makes its namespaces while the parent makes its cgroup, and
		 * SYNC_GO says the cgroup is there. A new cgroup namespace waits until init is in
		 * its cgroup: the namespace is rooted where init is when it is made. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		init_namespaces(a, CLONE_NEWCGROUP);
		a->start_at_ready = sync_expect(a->sync_fd, SYNC_GO, SYNC_GO_START) == SYNC_GO_START;
		if (a->join_cgroup)
			cgroups_join_self(a->cg);
		if (ns_unshare_flags(a->spec) & CLONE_NEWCGROUP)
			SYS("unshare", unshare(CLONE_NEWCGROUP), "CLONE_NEWCGROUP (rooted in its cgroup)");
	}
	/* Limits that need privileges we are about to lose. */
	process_set_rlimits(&a->spec->process);
	process_set_oom_score_adj(&a->spec->process);
	init_filesystem(a);
	char *path = init_process(a);
	init_start(a, path);
}
