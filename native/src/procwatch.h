/*
 * contlab-procwatch: streams the kernel's process events (the proc connector: netlink
 * NETLINK_CONNECTOR, CN_IDX_PROC) for the lab's processes as lines on stdout, so the lab's
 * timeline sees every fork, exec and exit, even of a command that ends in a millisecond.
 * At each exec (and fork) it reads the process's namespaces, capabilities and cgroups from
 * /proc at once: `unshare --net true` has left its new network namespace a moment later.
 * It runs at the lowest real-time priority for that. A separate binary from contlab-runtime,
 * it links nothing but libc. Needs root.
 *
 *   contlab-procwatch [--cgroup TEXT] [--pid PID]...
 *
 * Which processes: those given (--pid, or "watch PID" on stdin: the lab's shells), their
 * descendants from then on, and any process that execs while a line of its
 * /proc/PID/cgroup contains TEXT (the lab's cgroup). Everything else is not reported.
 *
 * stdin, one command a line: "watch PID", "unwatch PID", "sync N" (answered "clock R M"
 * and "sync N" once every event the kernel queued before it was read has been written).
 * End of file: exit.
 *
 * stdout, one event a line, fields separated by single spaces (T: the event's time in ns
 * on CLOCK_MONOTONIC, which the first line "clock REALTIME_NS MONOTONIC_NS" relates to
 * the wall clock):
 *   clock R M
 *   ready
 *   fork T PARENT CHILD NS
 *   exec T PID PPID START NS CAPS NSPID UIDS CGROUP COMM ARG...
 *   exit T PID STATUS
 *   uid T PID RUID EUID | gid T PID RGID EGID | sid T PID | comm T PID COMM
 *   lost (the kernel dropped events: the socket's buffer overflowed)
 *   sync N
 *   error WHAT: WHY (a failed syscall; the helper goes on where it can)
 * NS is the inode of each namespace (cgroup,ipc,mnt,net,pid,pid_for_children,time,
 * time_for_children,user,uts; 0 when unreadable), CAPS the hex masks (inh,prm,eff,bnd,amb),
 * NSPID the PID in each PID namespace from the host's down, UIDS the real and effective
 * uid, CGROUP /proc/PID/cgroup, COMM and every ARG percent-encoded (%XX for a space, a
 * percent sign and any byte outside printable ASCII); "-" stands for an empty field.
 */
#ifndef CONTLAB_PROCWATCH_H
#define CONTLAB_PROCWATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* procwatch_report.c: the output lines and error reports. */
void pw_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like pw_error, appending ": <strerror(errno)>". */
void pw_error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes `len` bytes percent-encoded (see above), "-" when empty. */
void pw_put_encoded(FILE *out, const char *text, size_t len);

/* procwatch_pids.c: the set of processes being reported, by PID. */
bool pids_init(void);
bool pids_has(pid_t pid);
void pids_add(pid_t pid);
void pids_remove(pid_t pid);

/* procwatch_proc.c: what /proc says about a process, written as fields of a line. */
/* " NS" (the namespace inodes). */
void proc_put_namespaces(FILE *out, pid_t pid);
/* The rest of an exec line after "exec T PID": false when the process is already gone. */
bool proc_put_exec(FILE *out, pid_t pid);
/* Whether a line of /proc/PID/cgroup contains `text`. */
bool proc_cgroup_contains(pid_t pid, const char *text);

/* procwatch_netlink.c: the proc connector. */
/* Opens the socket and subscribes; -1 on failure (reported). */
int cn_open(void);
/* Reads and handles every queued event (non-blocking); false on a fatal error. */
bool cn_drain(int fd, const char *cgroup_text);

#endif
