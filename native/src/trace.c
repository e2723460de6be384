/*
 * The trace: the lesson's window into the runtime. With --trace FILE (or an inherited
 * descriptor in CONTLAB_TRACE_FD=N) every step writes one JSON line as it happens:
 *
 *   {"step":"clone","detail":"CLONE_NEWPID|CLONE_NEWNS","ok":true,"us":123,"pid":42,"t":900}
 *
 * "us" is how long the step took, "t" microseconds since the runtime started, "pid" who
 * did it (the runtime, or the container's init before execve). One write(2) per line on
 * an O_APPEND descriptor, so lines from parent and child never interleave.
 *
 * CONTLAB_PAUSE_AT=STEP stops the process (SIGSTOP) right after that step so a learner
 * can look around (/proc/PID/ns, the cgroup, mountinfo) and then `kill -CONT PID`.
 */
#include "runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int tfd = -1;
static uint64_t start_us;
static const char *pause_at;
static int host_pid;

void trace_set_pid(int pid) { host_pid = pid; }

uint64_t trace_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

int trace_fd(void) { return tfd; }

void trace_open(void)
{
	start_us = trace_now();
	pause_at = getenv("CONTLAB_PAUSE_AT");
	if (g_opts.trace_path && *g_opts.trace_path) {
		tfd = open(g_opts.trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (tfd < 0)
			die_errno("open trace file %s", g_opts.trace_path);
		return;
	}
	const char *env = getenv("CONTLAB_TRACE_FD");
	if (env && *env) {
		char *end;
		long fd = strtol(env, &end, 10);
		if (*end || fd < 0 || fcntl((int)fd, F_GETFD) < 0)
			die("CONTLAB_TRACE_FD=%s: not an open file descriptor", env);
		/* Our own copy, closed on exec: the container never sees the trace. */
		tfd = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
	}
}

/* One line, written with a single write(2), on behalf of `pid`. */
static void write_line(int pid, const char *step, bool ok, uint64_t t0, int err,
		       const char *detail)
{
	uint64_t now = trace_now();
	json_object *o = json_object_new_object();
	json_object_object_add(o, "step", json_object_new_string(step));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	if (!ok && err)
		json_object_object_add(o, "error", json_object_new_string(strerror(err)));
	json_object_object_add(o, "us", json_object_new_int64((int64_t)(now - t0)));
	json_object_object_add(o, "pid", json_object_new_int(pid));
	json_object_object_add(o, "t", json_object_new_int64((int64_t)(now - start_us)));
	const char *s =
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);
	char *line = malloc(len + 2);
	if (line) {
		memcpy(line, s, len);
		line[len] = '\n';
		ssize_t w = write(tfd, line, len + 1);
		(void)w;
		free(line);
	}
	json_object_put(o);
}

void trace_pause_after(const char *step)
{
	if (pause_at && !strcmp(pause_at, step)) {
		pause_at = NULL;
		raise(SIGSTOP);
	}
}

void trace_step(const char *step, bool ok, uint64_t t0, int err, const char *fmt, ...)
{
	if (tfd < 0 && !pause_at)
		return;
	if (tfd >= 0) {
		char detail[2048];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
		write_line(host_pid ? host_pid : getpid(), step, ok, t0, err, detail);
	}
	trace_pause_after(step);
}

void trace_step_of(int pid, const char *step, uint64_t t0, const char *fmt, ...)
{
	if (tfd < 0)
		return;
	char detail[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	write_line(pid, step, true, t0, 0, detail);
}
