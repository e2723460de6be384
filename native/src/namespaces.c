/*
 * Namespaces: what a process can see. Lesson concept: a container is an ordinary process
 * created with clone(2) flags (CLONE_NEWPID, CLONE_NEWNS, ...) or moved into existing
 * namespaces with setns(2) (config.json's `"path"`). A new user namespace starts with no
 * identities at all until the parent writes /proc/PID/uid_map and gid_map.
 *
 * Where each namespace is made (see create.c and init.c):
 *   - pid and user: at clone time (a pid namespace only applies to children, and the
 *     user namespace must own the others);
 *   - time: unshared by the parent just before clone (it too applies to children only);
 *   - joined namespaces: setns in the child, user namespace first; but when the child
 *     gets a *new* user namespace, it can no longer join a namespace the host's user
 *     namespace owns (setns needs CAP_SYS_ADMIN over its owner, and even opening
 *     /proc/PID/ns/net is refused), so the parent joins those (net, ipc, uts, cgroup)
 *     just before clone and the child inherits them, as runc's nsexec does;
 *   - mount, uts, ipc, network, cgroup: unshare(2) in the child afterwards, after it
 *     was put into its cgroup (so the cgroup namespace is rooted there).
 */
#include "runtime.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *oci;  /* config.json name */
	const char *proc; /* /proc/PID/ns name */
	const char *flag_name;
	int flag;
} NS[] = {
	{"user", "user", "CLONE_NEWUSER", CLONE_NEWUSER},
	{"pid", "pid", "CLONE_NEWPID", CLONE_NEWPID},
	{"mount", "mnt", "CLONE_NEWNS", CLONE_NEWNS},
	{"uts", "uts", "CLONE_NEWUTS", CLONE_NEWUTS},
	{"ipc", "ipc", "CLONE_NEWIPC", CLONE_NEWIPC},
	{"network", "net", "CLONE_NEWNET", CLONE_NEWNET},
	{"cgroup", "cgroup", "CLONE_NEWCGROUP", CLONE_NEWCGROUP},
	{"time", "time", "CLONE_NEWTIME", CLONE_NEWTIME},
};
#define N_NS (sizeof NS / sizeof NS[0])

int ns_flag_from_name(const char *name)
{
	for (size_t i = 0; i < N_NS; i++)
		if (!strcmp(NS[i].oci, name))
			return NS[i].flag;
	return 0;
}

const char *ns_proc_name(int flag)
{
	for (size_t i = 0; i < N_NS; i++)
		if (NS[i].flag == flag)
			return NS[i].proc;
	return "?";
}

const char *ns_flags_string(int flags, char *buf, size_t len)
{
	buf[0] = '\0';
	size_t used = 0;
	for (size_t i = 0; i < N_NS; i++) {
		if (!(flags & NS[i].flag))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "|" : "", NS[i].flag_name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "0");
	return buf;
}

int ns_clone_flags(const struct spec *s)
{
	int flags = 0;
	for (size_t i = 0; i < s->n_namespaces; i++)
		if (!s->namespaces[i].path &&
		    (s->namespaces[i].flag == CLONE_NEWPID || s->namespaces[i].flag == CLONE_NEWUSER))
			flags |= s->namespaces[i].flag;
	return flags;
}

int ns_unshare_flags(const struct spec *s)
{
	int flags = 0;
	for (size_t i = 0; i < s->n_namespaces; i++)
		if (!s->namespaces[i].path && s->namespaces[i].flag != CLONE_NEWPID &&
		    s->namespaces[i].flag != CLONE_NEWUSER && s->namespaces[i].flag != CLONE_NEWTIME)
			flags |= s->namespaces[i].flag;
	return flags;
}

bool ns_joined_by_parent(const struct spec *s, int flag)
{
	const struct ns_spec *user = spec_ns(s, CLONE_NEWUSER);
	return user && !user->path &&
	       (flag == CLONE_NEWNET || flag == CLONE_NEWIPC || flag == CLONE_NEWUTS ||
		flag == CLONE_NEWCGROUP);
}

void ns_join_before_clone(const struct spec *s)
{
	for (size_t i = 0; i < s->n_namespaces; i++) {
		const struct ns_spec *n = &s->namespaces[i];
		if (n->path && ns_joined_by_parent(s, n->flag))
			ns_join(n->path, n->flag);
	}
}

void ns_join(const char *path, int flag)
{
	int fd;
	SYS("open", fd = open(path, O_RDONLY | O_CLOEXEC), "open %s namespace %s",
	    ns_proc_name(flag), path);
	SYS("setns", setns(fd, flag), "join %s namespace %s", ns_proc_name(flag), path);
	close(fd);
}

static void write_map(pid_t pid, const char *file, const struct idmap *m, size_t n)
{
	char buf[4096];
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + used, sizeof buf - used, "%lu %lu %lu\n", m[i].container_id,
				 m[i].host_id, m[i].size);
		if (w < 0 || (size_t)w >= sizeof buf - used)
			die("%s: too many mappings", file);
		used += (size_t)w;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	/* One line per mapping in the trace detail, flattened with ';'. */
	char detail[4096];
	snprintf(detail, sizeof detail, "%s", buf);
	for (char *p = detail; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ';' : '\0';
	SYS(file, write_file(path, buf), "write %s (%s)", path, detail);
}

void ns_write_id_maps(pid_t pid, const struct spec *s)
{
	if (geteuid() != 0) {
		/* Rootless: an unprivileged process may map only its own ids, and a gid_map
		 * only after setgroups(2) is denied for good in the new namespace. */
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
		SYS("setgroups", write_file(path, "deny"), "write deny to %s (rootless)", path);
	}
	write_map(pid, "uid_map", s->uid_maps, s->n_uid_maps);
	write_map(pid, "gid_map", s->gid_maps, s->n_gid_maps);
}

void ns_join_all_of(pid_t pid, bool include_pid)
{
	/* The user namespace comes first: it owns the others. Mount comes late because
	 * it changes our root; pid only affects our children. */
	static const int order[] = {CLONE_NEWUSER, CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWNET,
				    CLONE_NEWPID,  CLONE_NEWCGROUP, CLONE_NEWTIME, CLONE_NEWNS};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		int flag = order[i];
		if (flag == CLONE_NEWPID && !include_pid)
			continue;
		const char *name = ns_proc_name(flag);
		char theirs[64], ours[64];
		snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, name);
		snprintf(ours, sizeof ours, "/proc/self/ns/%s", name);
		if (flag == CLONE_NEWPID || flag == CLONE_NEWTIME) {
			snprintf(ours, sizeof ours, "/proc/self/ns/%s_for_children", name);
		}
		struct stat a, b;
		if (stat(theirs, &a) < 0) {
			if (errno == ENOENT && flag == CLONE_NEWTIME)
				continue;
			die_errno("stat %s", theirs);
		}
		if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		ns_join(theirs, flag);
	}
}
