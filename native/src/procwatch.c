/*
 * contlab-procwatch: see procwatch.h for what it is, its command line and its lines. This
 * file holds its life: read the arguments, die with the lab (PR_SET_PDEATHSIG, and end of
 * file on stdin), open the proc connector, then wait on the socket and on stdin at once.
 */
#include "procwatch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static _Noreturn void usage(const char *why)
{
	fprintf(stderr,
		"contlab-procwatch: %s\n"
		"usage: contlab-procwatch [--cgroup TEXT] [--pid PID]...\n",
		why);
	exit(2);
}

static pid_t parse_pid(const char *text)
{
	char *end;
	errno = 0;
	long v = strtol(text ? text : "", &end, 10);
	if (!text || !*text || *end || errno || v <= 0 || v > INT_MAX)
		return 0;
	return (pid_t)v;
}

static unsigned long long clock_ns(clockid_t id, const char *name)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0) {
		pw_error_errno("clock_gettime(%s)", name);
		return 0;
	}
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* The stdin command channel: collects bytes until whole lines. */
struct control {
	char buf[256];
	size_t len;
};

/* Handles one command line; the proc connector is drained before a sync is answered. */
static void command(const char *line, int cn, const char *cgroup_text)
{
	if (strncmp(line, "watch ", 6) == 0 || strncmp(line, "unwatch ", 8) == 0) {
		bool watch = line[0] == 'w';
		pid_t pid = parse_pid(strchr(line, ' ') + 1);
		if (pid == 0)
			pw_error("not a PID in \"%s\" (ignored)", line);
		else if (watch)
			pids_add(pid);
		else
			pids_remove(pid);
	} else if (strncmp(line, "sync ", 5) == 0) {
		cn_drain(cn, cgroup_text);
		/* The clocks again: the wall clock may have been set since (an NTP step). */
		printf("clock %llu %llu\nsync %s\n", clock_ns(CLOCK_REALTIME, "CLOCK_REALTIME"),
		       clock_ns(CLOCK_MONOTONIC, "CLOCK_MONOTONIC"), line + 5);
	} else {
		pw_error("unknown command \"%s\" (ignored)", line);
	}
}

/* Reads stdin; false at end of file (the lab is gone or done with us). */
static bool control_read(struct control *c, int cn, const char *cgroup_text)
{
	char chunk[256];
	ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return true;
		pw_error_errno("read stdin (the command channel)");
		return false;
	}
	if (n == 0)
		return false;
	for (ssize_t i = 0; i < n; i++) {
		if (chunk[i] == '\n') {
			c->buf[c->len] = '\0';
			command(c->buf, cn, cgroup_text);
			c->len = 0;
		} else if (c->len + 1 < sizeof c->buf) {
			c->buf[c->len++] = chunk[i];
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	const char *cgroup_text = NULL;
	if (!pids_init())
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--cgroup") == 0 && next && *next) {
			cgroup_text = next;
			i++;
		} else if (strcmp(argv[i], "--pid") == 0) {
			pid_t pid = parse_pid(next);
			if (pid == 0)
				usage("--pid needs a PID");
			pids_add(pid);
			i++;
		} else {
			char why[160];
			snprintf(why, sizeof why, "unknown argument \"%s\"", argv[i]);
			usage(why);
		}
	}
	/* Never outlive the lab that started us, even when it is killed with SIGKILL. */
	pid_t parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		pw_error_errno("prctl(PR_SET_PDEATHSIG, SIGKILL)");
	if (getppid() != parent)
		return 0;
	/*
	 * A real-time priority (the lowest) so an event is read the moment it comes: at normal
	 * priority one `unshare --net true` in ten ended before its namespace could be read.
	 * Each event costs microseconds, so this never starves the machine.
	 */
	struct sched_param sp = {.sched_priority = 1};
	if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
		pw_error_errno("sched_setscheduler(SCHED_FIFO, 1) (reading at normal priority)");
	int cn = cn_open();
	if (cn < 0)
		return 1;
	printf("clock %llu %llu\nready\n", clock_ns(CLOCK_REALTIME, "CLOCK_REALTIME"),
	       clock_ns(CLOCK_MONOTONIC, "CLOCK_MONOTONIC"));
	fflush(stdout);

	struct control control = {.len = 0};
	for (;;) {
		struct pollfd fds[2] = {
			{.fd = cn, .events = POLLIN},
			{.fd = STDIN_FILENO, .events = POLLIN},
		};
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			pw_error_errno("poll (proc connector, stdin)");
			return 1;
		}
		/* Events first: a sync asked for now must come after what happened before. */
		if (fds[0].revents && !cn_drain(cn, cgroup_text))
			return 1;
		if (fds[1].revents && !control_read(&control, cn, cgroup_text))
			return 0;
		if (fflush(stdout) != 0) {
			if (errno == EPIPE)
				return 0;
			pw_error_errno("write stdout");
			return 1;
		}
	}
}
