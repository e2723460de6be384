/*
 * Errors, the way runc reports them. A failure prints one line on stderr and, when
 * --log is given, one line to the log file: JSON ({"level":"error","msg":...,"time":...})
 * with --log-format json, which is what containerd's shim reads back to show the user.
 * Messages say what was attempted: "mount proc on /proc: Permission denied".
 * Warnings (something in config.json this host cannot do, skipped) go to --log as
 * {"level":"warning",...}, or to stderr as "warning: ..." without --log.
 *
 * Inside the container's init (a forked child) there is no one to read stderr reliably,
 * so errors are sent to the parent over the sync socket; the parent reports them.
 */
#include "runtime.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_fd = -1;
static int child_fd = -1;
static void (*cleanup_fn)(void);

void log_open(void)
{
	if (g_opts.log_path && *g_opts.log_path)
		log_fd = open(g_opts.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

void log_set_child_fd(int fd) { child_fd = fd; }
void log_set_cleanup(void (*fn)(void)) { cleanup_fn = fn; }

void log_line(const char *level, const char *msg)
{
	if (log_fd < 0)
		return;
	char ts[64];
	rfc3339_now(ts, sizeof ts);
	char *line;
	if (g_opts.log_json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(level));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(ts));
		line = xasprintf("%s\n", json_object_to_json_string_ext(
						 o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		json_object *m = json_object_new_string(msg);
		line = xasprintf("time=\"%s\" level=%s msg=%s\n", ts, level,
				 json_object_to_json_string_ext(m, JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(m);
	}
	ssize_t w = write(log_fd, line, strlen(line));
	(void)w;
	free(line);
}

void log_error(const char *msg)
{
	log_line("error", msg);
	fprintf(stderr, "%s\n", msg);
}

static _Noreturn void fail(const char *msg)
{
	if (child_fd >= 0) {
		sync_send(child_fd, SYNC_ERROR, msg);
		_exit(1);
	}
	log_error(msg);
	if (cleanup_fn) {
		void (*fn)(void) = cleanup_fn;
		cleanup_fn = NULL;
		fn();
	}
	exit(1);
}

void warnx_(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* Like runc: to --log when there is one, else to stderr. */
	if (log_fd >= 0)
		log_line("warning", buf);
	else if (child_fd < 0)
		fprintf(stderr, "warning: %s\n", buf);
}

void die(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fail(buf);
}

void die_errno(const char *fmt, ...)
{
	int e = errno;
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof buf)
		snprintf(buf + n, sizeof buf - (size_t)n, ": %s", strerror(e));
	fail(buf);
}
