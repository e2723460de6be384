/*
 * Supervising a container's process from the foreground (run, exec without --detach):
 * wait for it, forward the signals the runtime gets (Ctrl-C is for the container, not
 * for us), and when the runtime holds the container's terminal, relay it byte for byte
 * with our own terminal in raw mode. Lesson concept: the runtime is the process the
 * shell waits for, so it passes the container's exit status on (128+N for a signal).
 */
#include "runtime.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

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

