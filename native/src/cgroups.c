/*
 * Control groups: what a process may use. Lesson concept: a cgroup is a directory; a
 * limit is a number written into a file in it; joining is writing a PID into
 * cgroup.procs. Hosts come in two flavours, detected at run time:
 *
 *   v1  one hierarchy per controller (/sys/fs/cgroup/memory, /sys/fs/cgroup/pids, ...):
 *       the container gets a directory in each, limits go to memory.limit_in_bytes,
 *       cpu.shares, cpu.cfs_quota_us, pids.max ...
 *   v2  one unified tree (/sys/fs/cgroup is cgroup2): one directory, controllers enabled
 *       in the parents' cgroup.subtree_control, and the same limits under other names:
 *       cpu shares -> cpu.weight, quota/period -> cpu.max, memory limit -> memory.max.
 *
 * (A "hybrid" host mounts an empty v2 tree at /sys/fs/cgroup/unified next to the v1
 * controllers; the controllers are in v1, so it is treated as v1.)
 */
#include "runtime.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define CGROOT "/sys/fs/cgroup"

static bool is_v2_host(void)
{
	struct statfs sf;
	return statfs(CGROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

/* Our own cgroup in the hierarchy named `names` (from /proc/self/cgroup). */
static char *own_cgroup(const char *names)
{
	char *text = read_file("/proc/self/cgroup", NULL);
	char *result = NULL;
	if (!text)
		return xstrdup("/");
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !result;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (!strcmp(c1 + 1, names))
			result = xstrdup(c2 + 1);
	}
	free(text);
	return result ? result : xstrdup("/");
}

static char *resolve_path(const char *cgroups_path, const char *id)
{
	if (!cgroups_path || !*cgroups_path)
		return xasprintf("/contlab-runtime/%s", id);
	if (g_opts.systemd_cgroup && cgroups_path[0] != '/' && strchr(cgroups_path, ':')) {
		/* slice:prefix:name -> /slice/prefix-name.scope, like runc without systemd. */
		char *copy = xstrdup(cgroups_path);
		char *slice = copy, *prefix = strchr(copy, ':');
		*prefix++ = '\0';
		char *name = strchr(prefix, ':');
		if (!name)
			die("cgroupsPath %s: expected slice:prefix:name", cgroups_path);
		*name++ = '\0';
		char *r = xasprintf("/%s/%s-%s.scope", *slice ? slice : "system.slice", prefix, name);
		free(copy);
		return r;
	}
	return xstrdup(cgroups_path);
}

static const char *KNOWN[] = {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
			      "net_cls", "blkio", "perf_event", "net_prio", "hugetlb", "pids",
			      "rdma", "misc", "name=systemd"};

static bool known_controller(const char *opt)
{
	for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
		if (!strcmp(KNOWN[i], opt))
			return true;
	return false;
}

/* cpuset: a new v1 cgroup starts with no CPUs; copy the parent's down the path. */
static void cpuset_fill(const char *dir)
{
	const char *files[] = {"cpuset.cpus", "cpuset.mems"};
	for (int i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);
		char *v = read_file(p, NULL);
		if (v && (v[0] == '\n' || v[0] == '\0')) {
			char *parent = xstrdup(dir);
			*strrchr(parent, '/') = '\0';
			cpuset_fill(parent);
			char *pp = xasprintf("%s/%s", parent, files[i]);
			char *pv = read_file(pp, NULL);
			if (pv)
				SYS("cgroup.write", write_file(p, pv), "write %s", p);
			free(pv);
			free(pp);
			free(parent);
		}
		free(v);
		free(p);
	}
}

/* mkdir dir and whatever parents it lacks, leaf first: usually only the leaf is missing,
 * one mkdir. Returns the highest directory created (NULL if dir was there), or NULL with
 * *err set. */
static char *mkdir_parents(const char *dir, int *err)
{
	if (mkdir(dir, 0755) == 0)
		return xstrdup(dir);
	if (errno == EEXIST)
		return NULL;
	char *parent = xstrdup(dir);
	char *slash = strrchr(parent, '/');
	if (errno != ENOENT || !slash || slash == parent) {
		*err = errno;
		free(parent);
		return NULL;
	}
	*slash = '\0';
	char *top = mkdir_parents(parent, err);
	free(parent);
	if (*err)
		return NULL;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		*err = errno;
		free(top);
		return NULL;
	}
	return top ? top : xstrdup(dir);
}

/* The cgroup directory, traced; returns the highest directory it had to create (NULL if
 * none). Rootless (not root): a cgroup we may not create is skipped (*skipped), as runc
 * does on cgroup v1 when nothing was delegated to the user; the container then has no
 * limits. */
static char *mkdir_traced(const char *dir, bool *skipped)
{
	*skipped = false;
	int e = 0;
	uint64_t t0 = trace_now();
	char *top = mkdir_parents(dir, &e);
	if (e && geteuid() != 0 && (e == EACCES || e == EPERM || e == EROFS)) {
		trace_step("cgroup", false, t0, e, "mkdir %s (rootless: skipped, no limits)", dir);
		*skipped = true;
		return NULL;
	}
	trace_step("cgroup", e == 0, t0, e, "mkdir %s%s", dir, top || e ? "" : " (already there)");
	if (e) {
		errno = e;
		die_errno("mkdir %s", dir);
	}
	return top;
}

/* Whether word is one of the space-separated words of list. */
static bool word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *a = list; (a = strstr(a, word)); a += wl)
		if ((a == list || a[-1] == ' ') && (a[wl] == ' ' || a[wl] == '\n' || !a[wl]))
			return true;
	return false;
}

/* v2: turn on in dir's subtree_control the controllers we use that its cgroup.controllers
 * offers and that are not on yet, in one write. */
static void enable_controllers(const char *dir)
{
	static const char *WANT[] = {"cpu", "memory", "pids", "io", "cpuset"};
	char *ctl = xasprintf("%s/cgroup.controllers", dir);
	char *sc = xasprintf("%s/cgroup.subtree_control", dir);
	char *avail = read_file(ctl, NULL);
	char *on = read_file(sc, NULL);
	char add[128] = "";
	for (size_t i = 0; avail && i < sizeof WANT / sizeof WANT[0]; i++) {
		if (word_in(avail, WANT[i]) && !(on && word_in(on, WANT[i])))
			snprintf(add + strlen(add), sizeof add - strlen(add), "%s+%s", add[0] ? " " : "",
				 WANT[i]);
	}
	if (add[0]) {
		uint64_t t0 = trace_now();
		int r = write_file(sc, add);
		trace_step("cgroup.write", r == 0, t0, r ? errno : 0, "%s=%s", sc, add);
	}
	free(avail);
	free(on);
	free(ctl);
	free(sc);
}

struct cgroup_set *cgroups_plan(const char *cgroups_path, const char *id)
{
	struct cgroup_set *cg = xcalloc(1, sizeof *cg);
	char *rel = resolve_path(cgroups_path, id);
	cg->v2 = is_v2_host();
	if (cg->v2) {
		/* An absolute cgroupsPath is from the root; a relative one from our own cgroup. */
		char *own = rel[0] == '/' ? xstrdup("") : own_cgroup("");
		cg->rel = rel[0] == '/' ? xstrdup(rel)
					: xasprintf("%s/%s", strcmp(own, "/") ? own : "", rel);
		free(own);
		free(rel);
		cg->names[0] = xstrdup("unified");
		cg->dirs[0] = xasprintf(CGROOT "%s", cg->rel);
		cg->n = 1;
		return cg;
	}
	cg->rel = rel;
	char *mi = read_file("/proc/self/mountinfo", NULL);
	if (!mi)
		die_errno("read /proc/self/mountinfo");
	char *lsave = NULL;
	for (char *line = strtok_r(mi, "\n", &lsave); line; line = strtok_r(NULL, "\n", &lsave)) {
		char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep, " - cgroup ", 10))
			continue;
		/* fields: id parent major:minor root mountpoint ... */
		char root[1024], mnt[1024];
		if (sscanf(line, "%*s %*s %*s %1023s %1023s", root, mnt) != 2)
			continue;
		char *super = strrchr(sep, ' ') + 1;
		char names[256] = "";
		char *opts = xstrdup(super);
		char *osave = NULL;
		for (char *o = strtok_r(opts, ",", &osave); o; o = strtok_r(NULL, ",", &osave)) {
			if (!known_controller(o))
				continue;
			if (names[0])
				strncat(names, ",", sizeof names - strlen(names) - 1);
			strncat(names, o, sizeof names - strlen(names) - 1);
		}
		free(opts);
		if (!names[0] || cg->n >= 16)
			continue;
		bool dup = false;
		for (size_t i = 0; i < cg->n; i++)
			if (!strcmp(cg->names[i], names))
				dup = true;
		if (dup)
			continue;
		char *inner;
		if (rel[0] == '/') {
			inner = xstrdup(rel);
		} else {
			char *own = own_cgroup(names);
			inner = xasprintf("%s/%s", strcmp(own, "/") ? own : "", rel);
			free(own);
		}
		/* If the hierarchy is mounted from a sub-directory, strip that prefix. */
		const char *in = inner;
		if (strcmp(root, "/") && !strncmp(inner, root, strlen(root)))
			in = inner + strlen(root);
		cg->dirs[cg->n] = xasprintf("%s%s", mnt, in);
		cg->names[cg->n] = xstrdup(names);
		free(inner);
		cg->n++;
	}
	free(mi);
	if (!cg->n)
		die("no cgroup hierarchy is mounted under /sys/fs/cgroup");
	return cg;
}

void cgroups_make(struct cgroup_set *cg)
{
	if (cg->v2) {
		/* Down from the root: each level enables our controllers for the next. */
		char *cur = xstrdup(CGROOT);
		char *walk = xstrdup(cg->rel);
		char *wsave = NULL;
		for (char *tok = strtok_r(walk, "/", &wsave); tok; tok = strtok_r(NULL, "/", &wsave)) {
			enable_controllers(cur);
			char *next = xasprintf("%s/%s", cur, tok);
			free(cur);
			cur = next;
			bool skipped;
			char *made = mkdir_traced(cur, &skipped);
			if (skipped) {
				/* rootless without a delegated subtree: no cgroup */
				free(cg->dirs[0]);
				free(cg->names[0]);
				cg->dirs[0] = cg->names[0] = NULL;
				cg->n = 0;
				break;
			}
			if (made && !cg->top[0])
				cg->top[0] = made;
			else
				free(made);
		}
		free(walk);
		free(cur);
		return;
	}
	size_t kept = 0;
	for (size_t i = 0; i < cg->n; i++) {
		bool skipped;
		char *top = mkdir_traced(cg->dirs[i], &skipped);
		if (skipped) {
			free(cg->dirs[i]);
			free(cg->names[i]);
			continue;
		}
		cg->dirs[kept] = cg->dirs[i];
		cg->names[kept] = cg->names[i];
		cg->top[kept] = top;
		if (strstr(cg->names[kept], "cpuset"))
			cpuset_fill(cg->dirs[kept]);
		kept++;
	}
	cg->n = kept;
}

const char *cgroups_dir(const struct cgroup_set *cg, const char *controller)
{
	if (cg->v2)
		return cg->dirs[0];
	size_t cl = strlen(controller);
	for (size_t i = 0; i < cg->n; i++) {
		const char *n = cg->names[i];
		for (const char *p = n; (p = strstr(p, controller)); p += cl)
			if ((p == n || p[-1] == ',') && (p[cl] == ',' || !p[cl]))
				return cg->dirs[i];
	}
	return NULL;
}

void cgroups_write(const char *dir, const char *file, const char *value)
{
	char *path = xasprintf("%s/%s", dir, file);
	SYS("cgroup.write", write_file(path, value), "write %s to %s", value, path);
	free(path);
}

void cgroups_add_pid(const struct cgroup_set *cg, pid_t pid)
{
	char v[32];
	snprintf(v, sizeof v, "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++)
		cgroups_write(cg->dirs[i], "cgroup.procs", v);
}

int cgroups_freeze(const struct cgroup_set *cg, bool frozen)
{
	const char *d = cg->v2 ? cg->dirs[0] : cgroups_dir(cg, "freezer");
	if (!d) {
		errno = ENOTSUP;
		return -1;
	}
	char *file = xasprintf("%s/%s", d, cg->v2 ? "cgroup.freeze" : "freezer.state");
	const char *want = cg->v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
	uint64_t t0 = trace_now();
	int r = write_file(file, want);
	int e = errno;
	trace_step("cgroup.write", r == 0, t0, r ? e : 0, "write %s to %s", want, file);
	free(file);
	if (r < 0) {
		errno = e;
		return -1;
	}
	/* v1 passes through FREEZING; wait until the kernel says it is done. */
	for (int i = 0; i < 1000; i++) {
		if (cgroups_frozen(cg) == frozen)
			return 0;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

bool cgroups_frozen(const struct cgroup_set *cg)
{
	const char *d = cg->v2 ? cg->dirs[0] : cgroups_dir(cg, "freezer");
	if (!d)
		return false;
	char *file = xasprintf("%s/%s", d, cg->v2 ? "cgroup.events" : "freezer.state");
	char *v = read_file(file, NULL);
	free(file);
	bool frozen = v && (cg->v2 ? strstr(v, "frozen 1") != NULL : !strncmp(v, "FROZEN", 6));
	free(v);
	return frozen;
}

pid_t *cgroups_pids(const struct cgroup_set *cg, size_t *n)
{
	const char *d = cg->v2 ? cg->dirs[0] : cgroups_dir(cg, "pids");
	if (!d)
		d = cgroups_dir(cg, "freezer");
	if (!d)
		d = cg->dirs[0];
	char *file = xasprintf("%s/cgroup.procs", d);
	char *v = read_file(file, NULL);
	free(file);
	*n = 0;
	if (!v)
		return xcalloc(1, sizeof(pid_t));
	size_t cap = 16;
	pid_t *pids = xcalloc(cap, sizeof(pid_t));
	char *save = NULL;
	for (char *l = strtok_r(v, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			pid_t *np = realloc(pids, cap * 2 * sizeof(pid_t));
			if (!np)
				die("out of memory");
			pids = np;
			cap *= 2;
		}
		pids[(*n)++] = (pid_t)atoi(l);
	}
	free(v);
	return pids;
}

/* True if dir holds another cgroup (a sub-directory): then it is not ours to remove. */
static bool has_children(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d)))
		found = e->d_type == DT_DIR && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return found;
}

/* rmdir a cgroup. EBUSY right after its last process died (or its last child was removed)
 * is transient: the kernel takes the dying css offline asynchronously. Retry up to 1 s. */
static int rmdir_cgroup(const char *dir)
{
	for (int tries = 0;; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || tries >= 200)
			return -1;
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
}

int cgroups_destroy(const struct cgroup_set *cg)
{
	int ret = 0;
	if (cgroups_frozen(cg))
		cgroups_freeze(cg, false);
	for (size_t i = 0; i < cg->n; i++) {
		uint64_t t0 = trace_now();
		int r = rmdir_cgroup(cg->dirs[i]);
		int e = errno;
		trace_step("cgroup.rmdir", r == 0, t0, r ? e : 0, "rmdir %s", cg->dirs[i]);
		if (r < 0) {
			warnx_("rmdir %s: %s", cg->dirs[i], strerror(e));
			ret = -1;
			continue;
		}
		/* Parents this container created go too, if no other cgroup lives there. */
		if (!cg->top[i] || strncmp(cg->dirs[i], cg->top[i], strlen(cg->top[i])))
			continue;
		char *up = xstrdup(cg->dirs[i]);
		while (strlen(up) > strlen(cg->top[i])) {
			*strrchr(up, '/') = '\0';
			/* Usually empty now: one rmdir. EBUSY: another cgroup lives there (then it
			 * stays), or ours is still going offline (then wait for it). */
			if (rmdir(up) < 0 && (errno != EBUSY || has_children(up) || rmdir_cgroup(up) < 0))
				break;
			TRACE("cgroup.rmdir", "rmdir %s (empty parent we created)", up);
		}
		free(up);
	}
	return ret;
}

json_object *cgroups_to_json(const struct cgroup_set *cg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "v2", json_object_new_boolean(cg->v2));
	json_object_object_add(o, "path", json_object_new_string(cg->rel ? cg->rel : ""));
	json_object *dirs = json_object_new_object();
	json_object *tops = json_object_new_object();
	for (size_t i = 0; i < cg->n; i++) {
		json_object_object_add(dirs, cg->names[i], json_object_new_string(cg->dirs[i]));
		if (cg->top[i])
			json_object_object_add(tops, cg->names[i], json_object_new_string(cg->top[i]));
	}
	json_object_object_add(o, "dirs", dirs);
	json_object_object_add(o, "created", tops);
	return o;
}

struct cgroup_set *cgroups_from_json(json_object *o)
{
	struct cgroup_set *cg = xcalloc(1, sizeof *cg);
	json_object *v;
	if (json_object_object_get_ex(o, "v2", &v))
		cg->v2 = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "path", &v))
		cg->rel = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "dirs", &v) && json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, key, val)
		{
			if (cg->n >= 16)
				break;
			cg->names[cg->n] = xstrdup(key);
			cg->dirs[cg->n] = xstrdup(json_object_get_string(val));
			cg->n++;
		}
	}
	if (json_object_object_get_ex(o, "created", &v) && json_object_is_type(v, json_type_object))
		for (size_t i = 0; i < cg->n; i++) {
			json_object *t;
			if (json_object_object_get_ex(v, cg->names[i], &t))
				cg->top[i] = xstrdup(json_object_get_string(t));
		}
	return cg;
}

/*
 * Getting a new process into its cgroup. Writing its pid to cgroup.procs (what the parent
 * does by default) takes a global lock whose first taker waits for an RCU grace period:
 * milliseconds, tens of them on a busy machine. Two ways around it, both leaving the
 * kernel's fork path to do the work:
 *
 *   v2  clone3(CLONE_INTO_CGROUP, fd of the cgroup): the child is born there;
 *   v1  the child itself writes "0" (itself, one thread) to each hierarchy's `tasks`:
 *       moving the current single thread needs no global lock (Linux >= 6.0).
 */
pid_t cgroups_clone_into(const struct cgroup_set *cg, unsigned long flags, bool *joined)
{
	*joined = false;
	if (cg && cg->v2 && cg->n) {
		int fd = open(cg->dirs[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			struct clone_args ca;
			memset(&ca, 0, sizeof ca);
			ca.flags = flags | CLONE_INTO_CGROUP;
			ca.exit_signal = SIGCHLD;
			ca.cgroup = (uint64_t)fd;
			pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
			int e = errno;
			if (pid == 0) {
				*joined = true; /* init's own copy: it writes the clone line */
				return 0;
			}
			close(fd);
			if (pid > 0) {
				*joined = true;
				return pid;
			}
			/* An older kernel (ENOSYS, E2BIG) or a cgroup it refuses: the long way. */
			if (e != ENOSYS && e != E2BIG && e != EINVAL && e != EOPNOTSUPP && e != EBUSY) {
				errno = e;
				return -1;
			}
		}
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

void cgroups_join_self(const struct cgroup_set *cg)
{
	for (size_t i = 0; i < cg->n; i++) {
		char *path = xasprintf("%s/tasks", cg->dirs[i]);
		SYS("cgroup.write", write_file(path, "0"), "write 0 to %s (joins it itself)", path);
		free(path);
	}
}
