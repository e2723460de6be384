/*
 * Waiting for the lab to end, however it ends. Three ways to learn it, best first:
 *
 *  1. a pidfd (pidfd_open, Linux 5.3): readable the instant the lab exits, whoever its
 *     parent is. It is opened, then the lab's start time is checked again, so a PID that
 *     was reused before the open is never mistaken for the lab.
 *  2. without a pidfd, PR_SET_PDEATHSIG when the lab is our parent (it spawns us), which
 *     the kernel delivers as a signal (read through a signalfd) when the lab dies...
 *  3. ...and in every case a look at /proc every POLL_MS, which catches the rest.
 *
 * All the while stdin, the control pipe from the lab, is watched too: "exit" means the
 * lab closed its session itself; end of file means its last writer (the lab) is gone.
 */
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define POLL_MS 100

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* The control pipe: collects what the lab wrote until a full "exit" line. */
struct control {
	int fd; /* -1 once closed */
	char buf[64];
	size_t len;
};

/* Reads what is there. True when the lab said "exit". */
static bool control_read(struct control *c)
{
	char chunk[64];
	ssize_t n = read(c->fd, chunk, sizeof chunk);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return false;
		sv_log_errno("read the control pipe (fd %d)", c->fd);
		n = 0;
	}
	if (n == 0) {
		close(c->fd);
		c->fd = -1;
		return false;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (chunk[i] == '\n') {
			c->buf[c->len] = '\0';
			if (strcmp(c->buf, "exit") == 0)
				return true;
			sv_log("unknown message on the control pipe: \"%s\" (ignored)", c->buf);
			c->len = 0;
		} else if (c->len + 1 < sizeof c->buf) {
			c->buf[c->len++] = chunk[i];
		}
	}
	return false;
}

static int open_pidfd(const struct supervise_opts *o)
{
	if (o->no_pidfd) {
		sv_log("--no-pidfd: watching without a pidfd");
		return -1;
	}
	int fd = (int)syscall(SYS_pidfd_open, o->pid, 0);
	if (fd < 0) {
		if (errno == ESRCH)
			return -1; /* already gone: the identity check says so */
		sv_log_errno("pidfd_open(%d) (falling back to PR_SET_PDEATHSIG and /proc)",
			     (int)o->pid);
	}
	return fd;
}

/* PR_SET_PDEATHSIG with a signalfd, when the lab is our parent. -1 when not possible. */
static int parent_death_fd(const struct supervise_opts *o)
{
	if (getppid() != o->pid)
		return -1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		sv_log_errno("sigprocmask(SIG_BLOCK, SIGUSR1)");
		return -1;
	}
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		sv_log_errno("signalfd(SIGUSR1)");
		return -1;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0) {
		sv_log_errno("prctl(PR_SET_PDEATHSIG, SIGUSR1)");
		close(fd);
		return -1;
	}
	return fd;
}

enum lab_end watch_lab(const struct supervise_opts *o)
{
	struct control control = {.fd = STDIN_FILENO, .len = 0};
	int pidfd = open_pidfd(o);
	int deathfd = pidfd < 0 ? parent_death_fd(o) : -1;
	/* Checked after the pidfd/PDEATHSIG is armed: a lab that died before is seen here. */
	if (!lab_alive(o->pid, o->start)) {
		/* It may have closed its session and exited in the instant before we looked. */
		struct pollfd p = {.fd = control.fd, .events = POLLIN};
		int ready;
		while (control.fd >= 0 && (ready = poll(&p, 1, 0)) != 0) {
			if (ready < 0) {
				if (errno == EINTR)
					continue;
				sv_log_errno("poll the control pipe (fd %d)", control.fd);
				break;
			}
			if (control_read(&control))
				return LAB_CLOSED;
		}
		return LAB_DIED;
	}
	sv_log("watching lab pid %d with %s", (int)o->pid,
	       pidfd >= 0    ? "a pidfd"
	       : deathfd >= 0 ? "PR_SET_PDEATHSIG and /proc"
			      : "/proc");
	for (;;) {
		struct pollfd fds[3];
		nfds_t n = 0;
		int ci = -1, pi = -1, di = -1;
		if (control.fd >= 0) {
			ci = (int)n;
			fds[n++] = (struct pollfd){.fd = control.fd, .events = POLLIN};
		}
		if (pidfd >= 0) {
			pi = (int)n;
			fds[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		}
		if (deathfd >= 0) {
			di = (int)n;
			fds[n++] = (struct pollfd){.fd = deathfd, .events = POLLIN};
		}
		int r = poll(fds, n, pidfd >= 0 ? -1 : POLL_MS);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			sv_log_errno("poll (control pipe, lab pidfd)");
			pidfd = -1; /* from now on: /proc every POLL_MS */
			continue;
		}
		/* The control pipe first: "exit" written just before the lab exited wins. */
		if (ci >= 0 && fds[ci].revents) {
			if (control_read(&control))
				return LAB_CLOSED;
			if (control.fd < 0 && !lab_alive(o->pid, o->start))
				return LAB_DIED;
		}
		if (pi >= 0 && fds[pi].revents)
			return LAB_DIED;
		if (di >= 0 && fds[di].revents) {
			struct signalfd_siginfo si;
			if (read(deathfd, &si, sizeof si) < 0 && errno != EAGAIN)
				sv_log_errno("read the parent-death signalfd");
		}
		if (pidfd < 0 && !lab_alive(o->pid, o->start))
			return LAB_DIED;
		/* With a pidfd and no control pipe left, poll() blocks on the pidfd alone. */
	}
}
