/*
 * Mounts: what the container's filesystem looks like. Lesson concept: in its own mount
 * namespace the container builds a tree under the rootfs, then swaps it in as "/":
 *
 *   1. make "/" rslave (rprivate for rootfsPropagation private) so nothing we mount
 *      leaks to the host;
 *   2. bind-mount the rootfs onto itself (pivot_root needs a mount point);
 *   3. mount each of config.json's mounts under it (proc, sysfs, tmpfs, devpts, mqueue,
 *      cgroup, bind/rbind), resolving symlinks *inside* the rootfs so a malicious image
 *      cannot point a mount at the host's /etc;
 *   4. populate /dev with the default devices (null, zero, full, tty, random, urandom),
 *      /dev/fd and friends, /dev/ptmx -> pts/ptmx;
 *   5. pivot_root(rootfs) and detach the old root (chroot only with --no-pivot, or when
 *      config.json has no mount namespace: then the container shares the runtime's, and
 *      steps 2-4 happen in it, in plain sight, until delete unmounts them);
 *   6. rootfsPropagation (shared, slave, private, unbindable) applied to the new "/";
 *   7. after that: sysctls, readonlyPaths remounted read-only, maskedPaths hidden (tmpfs
 *      or /dev/null on top), and the root remounted read-only if root.readonly.
 */
#include "runtime.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* rootfs + unsafe, with every symlink resolved as if rootfs were "/". */
static char *secure_join(const char *root, const char *unsafe)
{
	char cur[PATH_MAX] = "";
	char *remaining = xstrdup(unsafe);
	int links = 0;
	while (*remaining) {
		char *p = remaining;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		char comp[NAME_MAX + 1];
		if (len > NAME_MAX)
			die("%s: path component too long", unsafe);
		memcpy(comp, p, len);
		comp[len] = '\0';
		char *rest = xstrdup(slash ? slash : "");
		free(remaining);
		remaining = rest;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *last = strrchr(cur, '/');
			if (last)
				*last = '\0';
			continue;
		}
		char candidate[PATH_MAX];
		if ((size_t)snprintf(candidate, sizeof candidate, "%s/%s", cur, comp) >= sizeof candidate)
			die("%s: path too long", unsafe);
		char full[PATH_MAX];
		snprintf(full, sizeof full, "%s%s", root, candidate);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
			if (++links > 255)
				die("%s: too many levels of symbolic links", unsafe);
			char target[PATH_MAX];
			ssize_t n = readlink(full, target, sizeof target - 1);
			if (n < 0)
				die_errno("readlink %s", full);
			target[n] = '\0';
			if (target[0] == '/')
				cur[0] = '\0';
			char *joined = xasprintf("%s/%s", target, remaining);
			free(remaining);
			remaining = joined;
			continue;
		}
		memcpy(cur, candidate, strlen(candidate) + 1);
	}
	free(remaining);
	return xasprintf("%s%s", root, cur);
}

static const char *prop_name(unsigned long f)
{
	bool rec = f & MS_REC;
	if (f & MS_PRIVATE) return rec ? "rprivate" : "private";
	if (f & MS_SLAVE) return rec ? "rslave" : "slave";
	if (f & MS_SHARED) return rec ? "rshared" : "shared";
	if (f & MS_UNBINDABLE) return rec ? "runbindable" : "unbindable";
	return "?";
}

static void flags_string(unsigned long f, char *buf, size_t len)
{
	static const struct {
		unsigned long f;
		const char *n;
	} F[] = {{MS_RDONLY, "ro"},     {MS_NOSUID, "nosuid"},   {MS_NODEV, "nodev"},
		 {MS_NOEXEC, "noexec"}, {MS_BIND, "bind"},       {MS_REC, "rec"},
		 {MS_REMOUNT, "remount"}, {MS_RELATIME, "relatime"}, {MS_NOATIME, "noatime"},
		 {MS_STRICTATIME, "strictatime"}, {MS_SYNCHRONOUS, "sync"}, {MS_MOVE, "move"}};
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
		if (f & F[i].f) {
			if (buf[0])
				strncat(buf, ",", len - strlen(buf) - 1);
			strncat(buf, F[i].n, len - strlen(buf) - 1);
		}
	if (!buf[0])
		snprintf(buf, len, "defaults");
}

/* A bind mount's flags are changed with a remount; flags locked by a user namespace
 * (nosuid, nodev, noexec on the source) must be repeated or the kernel says EPERM. */
static int remount_bind(const char *path, unsigned long flags)
{
	unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC | MS_REMOUNT));
	int r = mount(NULL, path, NULL, f, NULL);
	if (r < 0 && errno == EPERM) {
		struct statvfs sv;
		if (statvfs(path, &sv) == 0) {
			if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
			if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
			if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
			if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
			if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
			r = mount(NULL, path, NULL, f, NULL);
		}
	}
	return r;
}

static void make_file(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		SYS("mkdir", mkdir_p(dir, 0755), "mkdir %s", dir);
	}
	free(dir);
	int fd;
	SYS("mknod", fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644), "create %s", path);
	close(fd);
}

static void mount_cgroups(const struct spec *s, const struct mount_spec *m, const char *dest,
			  const struct cgroup_set *cg)
{
	char fl[128];
	unsigned long base = m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	if (!cg || cg->v2) {
		flags_string(m->flags, fl, sizeof fl);
		SYS("mount", mount("cgroup", dest, "cgroup2", m->flags, NULL),
		    "mount cgroup2 on %s (%s)", m->destination, fl);
		return;
	}
	/* v1: a tmpfs with one directory per hierarchy, each a bind of our own cgroup. */
	SYS("mount", mount("tmpfs", dest, "tmpfs", base, "mode=755"),
	    "mount tmpfs on %s (cgroup v1 hierarchies)", m->destination);
	for (size_t i = 0; i < cg->n; i++) {
		const char *name = cg->names[i];
		if (!strncmp(name, "name=", 5))
			name += 5;
		char *sub = xasprintf("%s/%s", dest, name);
		SYS("mkdir", mkdir_p(sub, 0755), "mkdir %s", sub);
		SYS("mount", mount(cg->dirs[i], sub, NULL, MS_BIND, NULL), "bind %s on %s/%s",
		    cg->dirs[i], m->destination, name);
		if (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC))
			SYS("mount", remount_bind(sub, m->flags | base), "remount %s/%s read-only",
			    m->destination, name);
		free(sub);
	}
	/* Like runc, the tmpfs holding them stays writable: each hierarchy is read-only. */
	(void)s;
}

static void mount_one(const struct spec *s, const struct mount_spec *m, const struct cgroup_set *cg)
{
	char *dest = secure_join(s->rootfs, m->destination);
	char fl[256];
	if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2")) {
		SYS("mkdir", mkdir_p(dest, 0755), "mkdir %s", dest);
		mount_cgroups(s, m, dest, cg);
	} else if (m->bind) {
		struct stat st;
		if (stat(m->source, &st) < 0)
			die_errno("bind mount %s on %s: stat %s", m->source, m->destination, m->source);
		if (S_ISDIR(st.st_mode))
			SYS("mkdir", mkdir_p(dest, 0755), "mkdir %s", dest);
		else if (access(dest, F_OK) < 0)
			make_file(dest);
		flags_string(m->flags & (MS_BIND | MS_REC), fl, sizeof fl);
		SYS("mount", mount(m->source, dest, NULL, MS_BIND | (m->flags & MS_REC), NULL),
		    "mount %s on %s (%s)", m->source, m->destination, fl);
		if (m->flags & ~(MS_BIND | MS_REC)) {
			flags_string(m->flags & ~(MS_BIND | MS_REC), fl, sizeof fl);
			SYS("mount", remount_bind(dest, m->flags), "remount %s (%s)", m->destination,
			    fl);
		}
	} else {
		SYS("mkdir", mkdir_p(dest, 0755), "mkdir %s", dest);
		flags_string(m->flags, fl, sizeof fl);
		SYS("mount", mount(*m->source ? m->source : m->type, dest, m->type, m->flags, m->data),
		    "mount %s on %s type %s (%s%s%s)", *m->source ? m->source : m->type,
		    m->destination, m->type, fl, m->data ? "," : "", m->data ? m->data : "");
	}
	if (m->propagation)
		SYS("mount", mount(NULL, dest, NULL, m->propagation, NULL), "make %s %s",
		    m->destination, prop_name(m->propagation));
	free(dest);
}

static const struct device_spec DEFAULT_DEVICES[] = {
	{"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
	{"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
	{"/dev/random", 'c', 1, 8, 0666, 0, 0},  {"/dev/urandom", 'c', 1, 9, 0666, 0, 0},
};

static int mknod_exact(const char *path, const struct device_spec *d)
{
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	/* umask 0 for the call: the mode is exactly the one asked for (no chmod). */
	mode_t old_mask = umask(0);
	int r = mknod(path, type | (d->mode & 07777), makedev((unsigned)d->major, (unsigned)d->minor));
	int e = errno;
	umask(old_mask);
	errno = e;
	return r;
}

/* dev: the rootfs's /dev, resolved, when d is directly in it (the defaults); else NULL. */
static void create_device(const struct spec *s, const struct device_spec *d, bool bind,
			  const char *dev)
{
	char *path = dev ? xasprintf("%s/%s", dev, d->path + 5) : secure_join(s->rootfs, d->path);
	if (!dev) {
		char *dir = xstrdup(path);
		*strrchr(dir, '/') = '\0';
		if (access(dir, F_OK) < 0)
			SYS("mkdir", mkdir_p(dir, 0755), "mkdir %s", dir);
		free(dir);
	}
	if (!bind) {
		uint64_t t0 = trace_now();
		/* Usually a fresh /dev: mknod straight away. Something there already (a /dev
		 * kept on the rootfs's disk, or a symlink a hostile image put there): unlink it,
		 * never follow it, and mknod again. */
		int r = mknod_exact(path, d);
		if (r < 0 && errno == EEXIST && unlink(path) == 0)
			r = mknod_exact(path, d);
		int e = errno;
		trace_step("mknod", r == 0, t0, r ? e : 0, "mknod %s %c %lld:%lld mode %04o", d->path,
			   d->type, d->major, d->minor, d->mode & 07777);
		if (r == 0) {
			if (d->uid != geteuid() || d->gid != getegid())
				SYS("chown", chown(path, d->uid, d->gid), "chown %s", d->path);
			free(path);
			return;
		}
		if (e != EPERM) {
			errno = e;
			die_errno("mknod %s", d->path);
		}
	}
	/* In a user namespace mknod is not allowed: bind the host's device instead. */
	unlink(path);
	make_file(path);
	SYS("mount", mount(d->path, path, NULL, MS_BIND, NULL), "bind host %s on %s", d->path,
	    d->path);
	free(path);
}

static void dev_symlink(const char *dev, const char *name, const char *target)
{
	char *p = xasprintf("%s/%s", dev, name);
	unlink(p);
	SYS("symlink", symlink(target, p), "symlink /dev/%s -> %s", name, target);
	free(p);
}

static void setup_dev(const struct spec *s)
{
	bool userns = spec_has_ns(s, CLONE_NEWUSER);
	/* The links themselves, not what they point to (a /dev kept on the rootfs's disk has
	 * them from the last run: /dev/fd resolved would be /proc/self/fd). */
	char *dev = secure_join(s->rootfs, "/dev");
	if (access(dev, F_OK) < 0)
		SYS("mkdir", mkdir_p(dev, 0755), "mkdir %s", dev);
	for (size_t i = 0; i < sizeof DEFAULT_DEVICES / sizeof DEFAULT_DEVICES[0]; i++) {
		bool dup = false;
		for (size_t k = 0; k < s->n_devices; k++)
			if (!strcmp(s->devices[k].path, DEFAULT_DEVICES[i].path))
				dup = true;
		if (!dup)
			create_device(s, &DEFAULT_DEVICES[i], userns, dev);
	}
	for (size_t k = 0; k < s->n_devices; k++)
		create_device(s, &s->devices[k], userns, NULL);
	static const char *LINKS[][2] = {{"/proc/self/fd", "fd"},
					 {"/proc/self/fd/0", "stdin"},
					 {"/proc/self/fd/1", "stdout"},
					 {"/proc/self/fd/2", "stderr"}};
	for (size_t i = 0; i < 4; i++)
		dev_symlink(dev, LINKS[i][1], LINKS[i][0]);
	/* /dev/ptmx must be the container's own devpts instance, not the host's. */
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].type, "devpts") &&
		    !strcmp(s->mounts[i].destination, "/dev/pts"))
			dev_symlink(dev, "ptmx", "pts/ptmx");
	free(dev);
}

void mounts_prepare_rootfs(const struct spec *s, const struct cgroup_set *cg, enum root_mode mode)
{
	if (mode != ROOT_CHROOT) {
		/* Everything stays a slave of the host (a private copy for rootfsPropagation
		 * private): nothing mounted from here on can leak back. The propagation asked
		 * for applies to the new root once it is "/" (mounts_enter_root). */
		unsigned long prop = s->rootfs_propagation & MS_PRIVATE ? MS_PRIVATE | MS_REC
									: MS_SLAVE | MS_REC;
		SYS("mount", mount(NULL, "/", NULL, prop, NULL),
		    "make / %s (nothing leaks to the host)", prop_name(prop));
		/* Recursive: no mount here is shared any more, which is also what pivot_root
		 * needs of the new root and its parent. */
	}
	/* Without a mount namespace (ROOT_CHROOT) these mounts are the runtime's own, in its
	 * namespace: delete removes them (see create.c). */
	SYS("mount", mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL),
	    "bind mount rootfs %s onto itself", s->rootfs);
	bool dev_bound = false;
	for (size_t i = 0; i < s->n_mounts; i++) {
		mount_one(s, &s->mounts[i], cg);
		if (s->mounts[i].bind && !strcmp(s->mounts[i].destination, "/dev"))
			dev_bound = true;
	}
	if (!dev_bound)
		setup_dev(s);
}

void mounts_enter_root(const struct spec *s, enum root_mode mode)
{
	const char *rootfs = s->rootfs;
	if (mode == ROOT_CHROOT) {
		/* No mount namespace of its own: pivot_root would move the root of everyone
		 * sharing it. chroot changes only ours. */
		SYS("chdir", chdir(rootfs), "chdir %s", rootfs);
		SYS("chroot", chroot("."), "chroot %s (no mount namespace: the host's is shared)",
		    rootfs);
		SYS("chdir", chdir("/"), "chdir /");
	} else if (mode == ROOT_MOVE) {
		SYS("chdir", chdir(rootfs), "chdir %s", rootfs);
		SYS("mount", mount(rootfs, "/", NULL, MS_MOVE, NULL), "move %s to /", rootfs);
		SYS("chroot", chroot("."), "chroot %s (--no-pivot)", rootfs);
		SYS("chdir", chdir("/"), "chdir /");
	} else {
		int oldroot, newroot;
		SYS("open", oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC), "open old root /");
		SYS("open", newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC), "open %s",
		    rootfs);
		SYS("chdir", fchdir(newroot), "chdir %s", rootfs);
		/* pivot_root(".", ".") stacks the old root on top of the new one ... */
		SYS("pivot_root", syscall(SYS_pivot_root, ".", "."), "pivot_root %s", rootfs);
		SYS("chdir", fchdir(oldroot), "chdir to the old root");
		/* ... so it can be detached without a directory to hold it. */
		SYS("mount", mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL),
		    "make the old root rslave");
		SYS("umount", umount2(".", MNT_DETACH), "detach the old root");
		SYS("chdir", chdir("/"), "chdir /");
		close(oldroot);
		close(newroot);
	}
	/* rootfsPropagation: only now, on the new "/" (pivot_root refuses a shared new root,
	 * and made shared before, the rootfs would be a peer of the host's mount). "shared"
	 * makes it a new peer group of its own: nested mounts propagate within the container. */
	if (s->rootfs_propagation)
		SYS("mount", mount(NULL, "/", NULL, s->rootfs_propagation, NULL), "make / %s (rootfsPropagation)",
		    prop_name(s->rootfs_propagation));
}

void mounts_write_sysctls(const struct spec *s)
{
	for (size_t i = 0; i < s->n_sysctl; i++) {
		char *path = xasprintf("/proc/sys/%s", s->sysctl_keys[i]);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		SYS("sysctl", write_file(path, s->sysctl_values[i]), "write sysctl %s=%s",
		    s->sysctl_keys[i], s->sysctl_values[i]);
		free(path);
	}
}

void mounts_finalize(const struct spec *s)
{
	for (size_t i = 0; i < s->n_readonly; i++) {
		const char *p = s->readonly[i];
		struct stat st;
		if (lstat(p, &st) < 0 && errno == ENOENT)
			continue;
		SYS("mount", mount(p, p, NULL, MS_BIND | MS_REC, NULL), "bind %s onto itself", p);
		SYS("readonly", remount_bind(p, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_REC),
		    "remount %s read-only", p);
	}
	for (size_t i = 0; i < s->n_masked; i++) {
		const char *p = s->masked[i];
		struct stat st;
		if (stat(p, &st) < 0) {
			if (errno == ENOENT)
				continue;
			die_errno("mask %s: stat", p);
		}
		if (S_ISDIR(st.st_mode))
			SYS("mask", mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL),
			    "mask %s with a read-only tmpfs", p);
		else
			SYS("mask", mount("/dev/null", p, NULL, MS_BIND, NULL), "mask %s with /dev/null",
			    p);
	}
	if (s->root_readonly)
		SYS("readonly", remount_bind("/", MS_RDONLY), "remount / read-only (root.readonly)");
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

json_object *mounts_under(const char *dir)
{
	json_object *out = json_object_new_array();
	char *mi = read_file("/proc/self/mountinfo", NULL);
	if (!mi)
		die_errno("read /proc/self/mountinfo");
	size_t dl = strlen(dir);
	while (dl && dir[dl - 1] == '/') /* "/" matches everything */
		dl--;
	char *save = NULL;
	for (char *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int id;
		char mp[PATH_MAX];
		if (sscanf(line, "%d %*s %*s %*s %4095s", &id, mp) != 2)
			continue;
		unescape_octal(mp);
		if (strncmp(mp, dir, dl) || (mp[dl] != '/' && mp[dl] != '\0'))
			continue;
		json_object *m = json_object_new_object();
		json_object_object_add(m, "id", json_object_new_int(id));
		json_object_object_add(m, "path", json_object_new_string(mp));
		json_object_array_add(out, m);
	}
	free(mi);
	return out;
}

static bool listed(json_object *list, int id)
{
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *v;
		if (json_object_object_get_ex(json_object_array_get_idx(list, i), "id", &v) &&
		    json_object_get_int(v) == id)
			return true;
	}
	return false;
}

json_object *mounts_made_since(json_object *before, const char *dir)
{
	json_object *now = mounts_under(dir);
	json_object *made = json_object_new_array();
	/* mountinfo lists parents before children: newest last, removed first. */
	for (size_t i = json_object_array_length(now); i-- > 0;) {
		json_object *m = json_object_array_get_idx(now, i), *id;
		if (json_object_object_get_ex(m, "id", &id) && !listed(before, json_object_get_int(id)))
			json_object_array_add(made, json_object_get(m));
	}
	json_object_put(now);
	return made;
}

void mounts_remove(json_object *made)
{
	if (!made)
		return;
	json_object *still = mounts_under("/");
	for (size_t i = 0; i < json_object_array_length(made); i++) {
		json_object *m = json_object_array_get_idx(made, i), *id, *path;
		if (!json_object_object_get_ex(m, "id", &id) ||
		    !json_object_object_get_ex(m, "path", &path) ||
		    !listed(still, json_object_get_int(id)))
			continue; /* gone already (or its parent took it along) */
		const char *p = json_object_get_string(path);
		uint64_t t0 = trace_now();
		int r = umount2(p, MNT_DETACH), e = errno;
		trace_step("umount", r == 0 || e == EINVAL || e == ENOENT, t0, r ? e : 0,
			   "unmount %s (made in the runtime's mount namespace)", p);
	}
	json_object_put(still);
}
