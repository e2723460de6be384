/*
 * The container's init: the child side of create. Lesson concept: a container is made
 * by a process doing, to itself, in order, everything config.json describes. This is
 * that order; each line is one step of the trace.
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

static void wait_for(int fd, const char *what)
{
	char buf[256];
	ssize_t n = sync_recv(fd, buf, sizeof buf);
	if (n <= 0)
		_exit(1); /* the parent is gone: nothing to report to */
	if (strcmp(buf, what))
		die("init: expected \"%s\" from the runtime, got \"%s\"", what, buf);
}

static void become_root_in_userns(void)
{
	/* setgroups fails if the namespace denies it; that is fine. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		die_errno("setgroups in the new user namespace");
	SYS("setgid", setresgid(0, 0, 0), "become gid 0 in the user namespace");
	SYS("setuid", setresuid(0, 0, 0), "become uid 0 in the user namespace");
}

void container_init(struct init_args *a)
{
	struct spec *s = a->spec;
	struct process_spec *p = &s->process;
	log_set_child_fd(a->sync_fd);
	char self[32] = "";
	if (readlink("/proc/self", self, sizeof self - 1) > 0) /* still the host's /proc */
		trace_set_pid(atoi(self));
	/* 1. Wait for the parent: uid/gid maps written, cgroup joined. Only then become
	 * non-dumpable: that makes /proc/PID/{uid,gid}_map root's, and a rootless parent
	 * (no CAP_DAC_OVERRIDE) could no longer write them (runc toggles it the same way). */
	wait_for(a->sync_fd, "go");
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	const struct ns_spec *user = spec_ns(s, CLONE_NEWUSER);
	if (user && user->path)
		ns_join(user->path, CLONE_NEWUSER);
	if (user)
		become_root_in_userns();

	/* 2. Namespaces given by path are joined, the rest created. */
	for (size_t i = 0; i < s->n_namespaces; i++) {
		const struct ns_spec *n = &s->namespaces[i];
		if (n->path && n->flag != CLONE_NEWUSER && n->flag != CLONE_NEWPID &&
		    n->flag != CLONE_NEWTIME && !ns_joined_by_parent(s, n->flag))
			ns_join(n->path, n->flag);
	}
	int flags = ns_unshare_flags(s);
	if (flags) {
		char names[256];
		SYS("unshare", unshare(flags), "%s", ns_flags_string(flags, names, sizeof names));
	}
	if (s->hostname && *s->hostname)
		SYS("hostname", sethostname(s->hostname, strlen(s->hostname)), "sethostname %s",
		    s->hostname);

	/* 3. Limits that need privileges we are about to lose. */
	process_set_rlimits(p);
	process_set_oom_score_adj(p);

	/* 4. The filesystem: mounts under the rootfs, then pivot_root into it. */
	mounts_prepare_rootfs(s, a->cg);
	/* createRuntime (and prestart) hooks run now, in the runtime's namespaces: wait. */
	if (hooks_has(s, "createRuntime")) {
		if (sync_send(a->sync_fd, "hooks") < 0)
			_exit(1);
		wait_for(a->sync_fd, "resume");
	}
	mounts_pivot_root(s->rootfs, a->no_pivot);
	if (p->terminal)
		console_setup(a->console_fd, p);
	else if (a->console_fd >= 0)
		close(a->console_fd);
	mounts_write_sysctls(s);
	mounts_finalize(s);

	/* 5. The process: cwd, capabilities, user, no_new_privs (and seccomp). */
	char *path = process_lookup(p);
	process_finalize(p, s, user != NULL);
	process_close_fds(a->preserve_fds);

	/* 6. Tell the parent we are ready, then block on the exec fifo until `start`. */
	char fifo[64];
	snprintf(fifo, sizeof fifo, "/proc/self/fd/%d", a->fifo_fd);
	if (sync_send(a->sync_fd, "ready") < 0)
		_exit(1);
	log_set_child_fd(-1);
	uint64_t t0 = trace_now();
	int fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open the exec fifo (is /proc mounted in the container?)");
	if (write(fd, "0", 1) != 1)
		die_errno("write to the exec fifo");
	close(fd);
	close(a->fifo_fd);
	trace_step("exec_fifo", true, t0, 0, "`start` opened the exec fifo after %llu us",
		   (unsigned long long)(trace_now() - t0));
	if (s->has_seccomp && p->no_new_privs)
		seccomp_load_spec(&s->seccomp);
	process_exec(p, path);
}
