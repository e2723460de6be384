/*
 * The supervisor's log: one line per event, "<UTC time> contlab-supervise[PID] <session>:
 * <what happened>". stderr is the lab's supervise.log (the supervisor has no terminal), so
 * a learner who wonders where their containers went can read what was done and when.
 */
#include "supervise.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_session = "";

void sv_log_prefix(const char *session)
{
	log_session = session ? session : "";
}

long long sv_now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void vlog(const char *suffix, const char *fmt, va_list ap)
{
	char when[32] = "?";
	struct timespec ts;
	struct tm tm;
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0 && gmtime_r(&ts.tv_sec, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* One write per line: several supervisors may append to the same log. */
	char line[1200];
	int n = snprintf(line, sizeof line, "%s.%03ldZ contlab-supervise[%d] %s%s%s%s\n", when,
			 ts.tv_nsec / 1000000, (int)getpid(), log_session, *log_session ? ": " : "",
			 msg, suffix);
	if (n > 0) {
		size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
		if (write(STDERR_FILENO, line, len) < 0) {
			/* Nowhere left to report it: the log is the only output. */
		}
	}
}

void sv_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void sv_log_errno(const char *fmt, ...)
{
	char suffix[160];
	snprintf(suffix, sizeof suffix, ": %s", strerror(errno));
	va_list ap;
	va_start(ap, fmt);
	vlog(suffix, fmt, ap);
	va_end(ap);
}
