/*
 * What the supervisor reads from /proc: the lab's identity (a PID plus its start time,
 * since PIDs are reused) and its own cgroups. A supervisor started from inside a lab
 * cgroup (contlab run from a lesson shell) would be killed by the very cleanup it runs, so
 * it first moves itself to the root of every hierarchy where it sits under /contlab.
 */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAB_CGROUP_PARENT "/contlab"

/* Reads a small /proc file whole; NUL-terminated. -1 with errno on failure. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

/* The state letter and start time from /proc/PID/stat; -1 with errno when it is gone. */
static int proc_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof buf) < 0)
		return -1;
	/* The command name (field 2) may hold spaces and ')': fields 3.. follow the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	p += 2;
	*state = *p;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p) {
			errno = EINVAL;
			return -1;
		}
		p++;
	}
	char *end;
	errno = 0;
	*start = strtoull(p, &end, 10);
	if (errno != 0 || end == p) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int proc_start_time(pid_t pid, unsigned long long *start)
{
	char state;
	return proc_stat(pid, &state, start);
}

bool lab_alive(pid_t pid, unsigned long long start)
{
	char state;
	unsigned long long now;
	if (proc_stat(pid, &state, &now) != 0)
		return false;
	return now == start && state != 'Z' && state != 'X';
}

/* Whether a mountinfo line's super options list every controller in `wanted` ("cpu,cpuacct"). */
static bool has_controllers(const char *superopts, const char *wanted)
{
	char want[256];
	snprintf(want, sizeof want, "%s", wanted);
	char *save = NULL;
	for (char *w = strtok_r(want, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(w);
		const char *p = superopts;
		bool found = false;
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			if (n == len && strncmp(p, w, len) == 0) {
				found = true;
				break;
			}
			if (!comma)
				break;
			p = comma + 1;
		}
		if (!found)
			return false;
	}
	return true;
}

/* The mount point of the hierarchy `controllers` ("" for the v2 tree) into `out`. */
static bool hierarchy_mount(const char *mountinfo, const char *controllers, char *out, size_t size)
{
	bool v2 = controllers[0] == '\0';
	const char *line = mountinfo;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[2048];
		if (len < sizeof buf) {
			memcpy(buf, line, len);
			buf[len] = '\0';
			char *sep = strstr(buf, " - ");
			if (sep) {
				*sep = '\0';
				char fstype[32] = "", source[256] = "", superopts[512] = "";
				char mnt[1024] = "";
				sscanf(sep + 3, "%31s %255s %511s", fstype, source, superopts);
				/* Field 5 of the left part is the mount point. */
				sscanf(buf, "%*s %*s %*s %*s %1023s", mnt);
				bool match = v2 ? strcmp(fstype, "cgroup2") == 0
						: strcmp(fstype, "cgroup") == 0 &&
							  has_controllers(superopts, controllers);
				if (match && mnt[0]) {
					snprintf(out, size, "%s", mnt);
					return true;
				}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

void leave_lab_cgroups(void)
{
	static char cgroups[8192], mountinfo[65536];
	if (read_small("/proc/self/cgroup", cgroups, sizeof cgroups) < 0) {
		sv_log_errno("read /proc/self/cgroup (to leave the lab's cgroups)");
		return;
	}
	bool loaded = false;
	char *save = NULL;
	for (char *line = strtok_r(cgroups, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* "ID:controllers:/path"; v2 is "0::/path". */
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		const char *path = c2 + 1;
		size_t plen = strlen(LAB_CGROUP_PARENT);
		if (strncmp(path, LAB_CGROUP_PARENT, plen) != 0 ||
		    (path[plen] != '/' && path[plen] != '\0'))
			continue;
		*c2 = '\0';
		const char *controllers = c1 + 1;
		if (!loaded) {
			if (read_small("/proc/self/mountinfo", mountinfo, sizeof mountinfo) < 0) {
				sv_log_errno("read /proc/self/mountinfo (to leave the lab's cgroups)");
				return;
			}
			loaded = true;
		}
		char mnt[1024], procs[1100];
		if (!hierarchy_mount(mountinfo, controllers, mnt, sizeof mnt)) {
			sv_log("in lab cgroup %s (%s) but its hierarchy is not mounted: staying", path,
			       controllers[0] ? controllers : "v2");
			continue;
		}
		snprintf(procs, sizeof procs, "%s/cgroup.procs", mnt);
		int fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			sv_log_errno("open %s (to leave lab cgroup %s)", procs, path);
			continue;
		}
		char pid[32];
		int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
		if (write(fd, pid, (size_t)n) != n)
			sv_log_errno("write %d to %s (to leave lab cgroup %s)", (int)getpid(), procs,
				     path);
		close(fd);
	}
}
