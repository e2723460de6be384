/*
 * Reading a process's state from /proc the instant an event names it. Speed matters more
 * than anything here: a process that execs `true` in a new namespace is gone a millisecond
 * later, and with it every trace of the namespace. So the namespace links come first, and
 * each file is one open, one read and one close. A process that is gone already (ENOENT,
 * ESRCH) is normal and not an error; any other failure is reported.
 */
#include "procwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const NS_NAMES[] = {
	"cgroup", "ipc",  "mnt",	       "net",  "pid", "pid_for_children",
	"time",	  "time_for_children", "user", "uts",
};
#define NS_COUNT (sizeof NS_NAMES / sizeof NS_NAMES[0])

static bool gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* Reads /proc/PID/NAME into buf (NUL-terminated); its length, or -1 (reported unless gone). */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!gone(errno))
			pw_error_errno("open %s", path);
		return -1;
	}
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!gone(errno))
				pw_error_errno("read %s", path);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (close(fd) != 0)
		pw_error_errno("close %s", path);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* The inode of each namespace of `pid` (0 where unreadable). */
static void read_namespaces(pid_t pid, unsigned long long inodes[NS_COUNT])
{
	for (size_t i = 0; i < NS_COUNT; i++) {
		char path[64], link[64];
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, NS_NAMES[i]);
		ssize_t n = readlink(path, link, sizeof link - 1);
		inodes[i] = 0;
		if (n < 0) {
			/* ENOENT also for a namespace type this kernel does not have (time). */
			if (!gone(errno))
				pw_error_errno("readlink %s", path);
			continue;
		}
		link[n] = '\0';
		char *open = strchr(link, '[');
		if (open != NULL)
			inodes[i] = strtoull(open + 1, NULL, 10);
	}
}

static void put_namespaces(FILE *out, const unsigned long long inodes[NS_COUNT])
{
	fputc(' ', out);
	for (size_t i = 0; i < NS_COUNT; i++)
		fprintf(out, "%s%llu", i == 0 ? "" : ",", inodes[i]);
}

void proc_put_namespaces(FILE *out, pid_t pid)
{
	unsigned long long inodes[NS_COUNT];
	read_namespaces(pid, inodes);
	put_namespaces(out, inodes);
}

/* The value of "Key:\t..." in /proc/PID/status, up to the end of its line. */
static const char *status_field(const char *status, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	for (const char *line = status; line && *line;) {
		const char *end = strchr(line, '\n');
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			const char *v = line + klen + 1;
			while (*v == '\t' || *v == ' ')
				v++;
			*len = end ? (size_t)(end - v) : strlen(v);
			return v;
		}
		line = end ? end + 1 : NULL;
	}
	*len = 0;
	return NULL;
}

/* Writes " " and the field's words joined by commas (at most `words` of them), or " -". */
static void put_words(FILE *out, const char *value, size_t len, int words)
{
	fputc(' ', out);
	int written = 0;
	size_t i = 0;
	while (i < len && written < words) {
		while (i < len && (value[i] == ' ' || value[i] == '\t'))
			i++;
		size_t start = i;
		while (i < len && value[i] != ' ' && value[i] != '\t')
			i++;
		if (i > start) {
			fprintf(out, "%s%.*s", written ? "," : "", (int)(i - start), value + start);
			written++;
		}
	}
	if (written == 0)
		fputc('-', out);
}

/* Field 22 of /proc/PID/stat (start time in clock ticks), 0 when unreadable. */
static unsigned long long start_time(const char *stat)
{
	const char *p = strrchr(stat, ')');
	if (p == NULL)
		return 0;
	p++;
	/* p is before field 3; field 22 is 19 more spaces on. */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

bool proc_put_exec(FILE *out, pid_t pid)
{
	/* The namespaces first: they are what vanishes soonest. */
	unsigned long long inodes[NS_COUNT];
	read_namespaces(pid, inodes);

	static char status[8192], stat[1024], cgroup[4096], cmdline[8192];
	if (read_proc(pid, "status", status, sizeof status) < 0)
		return false;
	unsigned long long start = 0;
	if (read_proc(pid, "stat", stat, sizeof stat) >= 0)
		start = start_time(stat);
	ssize_t cglen = read_proc(pid, "cgroup", cgroup, sizeof cgroup);
	ssize_t cmdlen = read_proc(pid, "cmdline", cmdline, sizeof cmdline);

	size_t len;
	const char *v = status_field(status, "PPid", &len);
	fprintf(out, " %ld %llu", v ? strtol(v, NULL, 10) : 0L, start);
	put_namespaces(out, inodes);
	static const char *const caps[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	fputc(' ', out);
	for (size_t i = 0; i < 5; i++) {
		v = status_field(status, caps[i], &len);
		fprintf(out, "%s%.*s", i ? "," : "", v ? (int)len : 1, v ? v : "0");
	}
	v = status_field(status, "NSpid", &len);
	put_words(out, v, v ? len : 0, 32);
	v = status_field(status, "Uid", &len);
	put_words(out, v, v ? len : 0, 2);
	fputc(' ', out);
	pw_put_encoded(out, cgroup, cglen > 0 ? (size_t)cglen : 0);
	v = status_field(status, "Name", &len);
	fputc(' ', out);
	pw_put_encoded(out, v ? v : "", v ? len : 0);
	/* cmdline: NUL-separated arguments (empty for a process that is exiting already). */
	for (ssize_t i = 0; cmdlen > 0 && i < cmdlen;) {
		size_t arg = strnlen(cmdline + i, (size_t)(cmdlen - i));
		fputc(' ', out);
		pw_put_encoded(out, cmdline + i, arg);
		i += (ssize_t)arg + 1;
	}
	return true;
}

bool proc_cgroup_contains(pid_t pid, const char *text)
{
	static char cgroup[4096];
	if (read_proc(pid, "cgroup", cgroup, sizeof cgroup) < 0)
		return false;
	return strstr(cgroup, text) != NULL;
}
