/*
 * contlab-supervise: see supervise.h for what it is and its command line. This file holds
 * the life of one supervisor: read the arguments, detach from everything the lab's death
 * takes down (its terminal, session, process group and cgroups), wait for the lab to end
 * (supervise_watch.c), and then either exit (the lab closed its session) or run the
 * cleanup command once and exit with its status.
 */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A log bigger than this is started afresh: it only ever matters for the last few labs. */
#define LOG_MAX_BYTES (256 * 1024)

static _Noreturn void usage(const char *why)
{
	fprintf(stderr,
		"contlab-supervise: %s\n"
		"usage: contlab-supervise --pid PID --start TICKS [--session ID] [--log FILE] "
		"[--no-pidfd] -- COMMAND [ARG...]\n",
		why);
	exit(2);
}

static unsigned long long parse_number(const char *flag, const char *text, unsigned long long max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text ? text : "", &end, 10);
	if (!text || !*text || *end || errno || v == 0 || v > max) {
		char why[160];
		snprintf(why, sizeof why, "%s needs a positive number, not \"%s\"", flag,
			 text ? text : "");
		usage(why);
	}
	return v;
}

static struct supervise_opts parse_args(int argc, char **argv)
{
	struct supervise_opts o = {0};
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--pid") == 0) {
			o.pid = (pid_t)parse_number(a, next, INT_MAX);
			i++;
		} else if (strcmp(a, "--start") == 0) {
			o.start = parse_number(a, next, ULLONG_MAX);
			i++;
		} else if (strcmp(a, "--session") == 0 && next) {
			o.session = next;
			i++;
		} else if (strcmp(a, "--log") == 0 && next) {
			o.log = next;
			i++;
		} else if (strcmp(a, "--no-pidfd") == 0) {
			o.no_pidfd = true;
		} else {
			char why[160];
			snprintf(why, sizeof why, "unknown or incomplete option \"%s\"", a);
			usage(why);
		}
	}
	if (o.pid == 0 || o.start == 0)
		usage("--pid and --start are required");
	if (i >= argc)
		usage("the cleanup command is missing after --");
	o.command = argv + i;
	return o;
}

/* stdout and stderr go to the log (appended; restarted when it grew too big). */
static void open_log(const char *path)
{
	if (!path)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		sv_log_errno("open the log %s (logging to the inherited stderr)", path);
		return;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_size > LOG_MAX_BYTES && ftruncate(fd, 0) != 0)
		sv_log_errno("truncate the log %s", path);
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		sv_log_errno("dup2 the log %s onto stdout/stderr", path);
	close(fd);
}

/*
 * Out of the lab's reach: no inherited descriptors but stdio, its own session (so no
 * terminal hangup and no signal to the lab's process group reaches it), signals a
 * terminal sends ignored, cwd "/" (never pinning a mount the cleanup must unmount), and
 * out of the lab's cgroups (which the cleanup removes, killing what is inside).
 */
static void detach(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0 && errno != ENOSYS)
		sv_log_errno("close_range(3, ~0) (closing inherited descriptors)");
#endif
	if (getsid(0) != getpid() && setsid() < 0)
		sv_log_errno("setsid (leaving the lab's session and process group)");
	int ignored[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		if (signal(ignored[i], SIG_IGN) == SIG_ERR)
			sv_log_errno("signal(%d, SIG_IGN)", ignored[i]);
	if (chdir("/") != 0)
		sv_log_errno("chdir /");
	leave_lab_cgroups();
}

/* Runs the cleanup command and returns its exit status (128+N for signal N). */
static int run_cleanup(char **command)
{
	long long started = sv_now_ms();
	pid_t child = fork();
	if (child < 0) {
		sv_log_errno("fork (to run %s)", command[0]);
		return 1;
	}
	if (child == 0) {
		/* What watch_lab blocked must not stay blocked in the cleanup program. */
		sigset_t none;
		sigemptyset(&none);
		if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
			sv_log_errno("sigprocmask(SIG_SETMASK, {}) before running %s", command[0]);
		execvp(command[0], command);
		sv_log_errno("execvp %s", command[0]);
		_exit(127);
	}
	int status;
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			sv_log_errno("waitpid %d (%s)", (int)child, command[0]);
			return 1;
		}
	}
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	sv_log("cleanup finished with status %d after %lld ms", code, sv_now_ms() - started);
	return code;
}

int main(int argc, char **argv)
{
	struct supervise_opts o = parse_args(argc, argv);
	open_log(o.log);
	sv_log_prefix(o.session);
	detach();
	enum lab_end end = watch_lab(&o);
	if (end == LAB_CLOSED) {
		sv_log("the lab closed its session: nothing to clean");
		return 0;
	}
	sv_log("lab pid %d ended without closing its session: running %s", (int)o.pid,
	       o.command[0]);
	return run_cleanup(o.command);
}
