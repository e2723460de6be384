/*
 * contlab-supervise: a small watcher that outlives a lab. It holds a pidfd of the lab
 * process and, the moment that process ends without having closed its session (kill -9,
 * a crash, an OOM kill), runs the lab's one cleanup command for the session. It is a
 * separate binary from contlab-runtime: it shares no code with it and links nothing.
 *
 *   contlab-supervise --pid PID --start TICKS [--session ID] [--log FILE] [--no-pidfd]
 *                     -- COMMAND [ARG...]
 *
 * stdin is the control channel from the lab: the line "exit" means the lab closed its
 * session itself, and the supervisor exits without running anything.
 */
#ifndef CONTLAB_SUPERVISE_H
#define CONTLAB_SUPERVISE_H

#include <stdbool.h>
#include <sys/types.h>

struct supervise_opts {
	pid_t pid;
	/* The lab's start time (field 22 of /proc/PID/stat): a PID alone may be reused. */
	unsigned long long start;
	const char *session;
	const char *log;
	/* Watch without pidfd_open even where the kernel has it (tests the fallback). */
	bool no_pidfd;
	/* NULL-terminated argv of the cleanup command. */
	char **command;
};

/* How the watch ended. */
enum lab_end {
	LAB_CLOSED, /* the lab said "exit": its session is closed, nothing to clean */
	LAB_DIED,   /* the lab process is gone and never said so */
};

/* supervise_log.c: one line per event on stderr (the log file), with time and PID. */
void sv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like sv_log, appending ": <strerror(errno)>" for a failed syscall. */
void sv_log_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sv_log_prefix(const char *session);
/* Milliseconds on the monotonic clock, for the log's "took N ms". */
long long sv_now_ms(void);

/* supervise_proc.c: what /proc says about the lab, and leaving the lab's cgroups. */
/* 0 and *start, or -1 with errno (ENOENT: no such process). */
int proc_start_time(pid_t pid, unsigned long long *start);
/* True while the very process (PID and start time) exists and is not a zombie. */
bool lab_alive(pid_t pid, unsigned long long start);
/* Moves this process out of every cgroup under /contlab (cleanup removes those). */
void leave_lab_cgroups(void);

/* supervise_watch.c: blocks until the lab closes its session or dies. */
enum lab_end watch_lab(const struct supervise_opts *o);

#endif
