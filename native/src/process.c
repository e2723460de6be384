/*
 * The process: who runs, with what, and where. Lesson concept: after the namespaces,
 * mounts and cgroups are in place, the last steps turn our forked runtime into the
 * container's program, in an order that matters for security:
 *
 *   rlimits and oom_score_adj   while we still have CAP_SYS_RESOURCE
 *   chdir(cwd)                  only after pivot_root, so the cwd cannot be a host
 *                               directory leaked through an fd (CVE-2024-21626)
 *   bounding set, user, caps    see capabilities.c
 *   no_new_privs                setuid binaries can no longer gain anything
 *   seccomp                     see seccomp.c
 *   close every fd but stdio    (marked close-on-exec, so nothing of the host leaks)
 *   execve                      the container's program replaces the runtime
 */
#include "runtime.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

void process_set_rlimits(const struct process_spec *p)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct rlimit_spec *r = &p->rlimits[i];
		struct rlimit now = {0, 0};
		getrlimit(r->resource, &now);
		rlim_t soft = r->soft > now.rlim_cur ? r->soft : now.rlim_cur;
		struct rlimit rl = {.rlim_cur = soft < r->hard ? soft : r->hard, .rlim_max = r->hard};
		uint64_t t0 = trace_now();
		int res = setrlimit(r->resource, &rl), e = errno;
		trace_step("rlimit", res == 0, t0, res ? e : 0, "setrlimit %s hard=%llu (soft %llu at execve)",
			   r->name, r->hard, r->soft);
		if (res == 0)
			continue;
		errno = e;
		if (e == EPERM && r->hard > now.rlim_max &&
		    prctl(PR_CAPBSET_READ, CAP_SYS_RESOURCE, 0, 0, 0) == 0)
			die_errno("setrlimit %s hard=%llu (above the runtime's %llu: raising a hard limit "
				  "needs CAP_SYS_RESOURCE, which this host's bounding set lacks)",
				  r->name, r->hard, (unsigned long long)now.rlim_max);
		die_errno("setrlimit %s soft=%llu hard=%llu", r->name, r->soft, r->hard);
	}
}

void process_set_soft_rlimits(const struct process_spec *p)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct rlimit_spec *r = &p->rlimits[i];
		struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
		SYS("rlimit", setrlimit(r->resource, &rl), "setrlimit %s soft=%llu hard=%llu",
		    r->name, r->soft, r->hard);
	}
}

void process_set_oom_score_adj(const struct process_spec *p)
{
	if (!p->has_oom_score_adj)
		return;
	char v[16];
	snprintf(v, sizeof v, "%d", p->oom_score_adj);
	SYS("oom_score_adj", write_file("/proc/self/oom_score_adj", v),
	    "write %s to /proc/self/oom_score_adj", v);
}

void process_set_user(const struct process_spec *p, bool setgroups_allowed)
{
	if (setgroups_allowed)
		SYS("setgroups", setgroups(p->n_add_gids, p->add_gids), "setgroups (%zu groups)",
		    p->n_add_gids);
	else if (p->n_add_gids)
		die("additionalGids need setgroups, which this user namespace denies");
	SYS("setgid", setresgid(p->gid, p->gid, p->gid), "setresgid %u", (unsigned)p->gid);
	SYS("setuid", setresuid(p->uid, p->uid, p->uid), "setresuid %u", (unsigned)p->uid);
}

static const char *env_path(const struct process_spec *p)
{
	for (size_t i = 0; i < p->n_env; i++)
		if (!strncmp(p->env[i], "PATH=", 5))
			return p->env[i] + 5;
	return DEFAULT_PATH_ENV + 5;
}

static bool executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *process_lookup(const struct process_spec *p)
{
	const char *name = p->args[0];
	if (strchr(name, '/')) {
		if (!executable(name))
			die("exec: \"%s\": %s", name, access(name, F_OK) ? "no such file or directory"
									: "permission denied");
		return xstrdup(name);
	}
	char *dirs = xstrdup(env_path(p));
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *d ? d : ".", name);
		if (executable(cand)) {
			free(dirs);
			return cand;
		}
		free(cand);
	}
	free(dirs);
	die("exec: \"%s\": executable file not found in $PATH", name);
}

void process_close_fds(int preserve_fds)
{
	unsigned first = 3 + (unsigned)(preserve_fds > 0 ? preserve_fds : 0);
	/* Close-on-exec rather than close: the runtime still needs some until execve. */
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) {
		TRACE("close_fds", "every fd >= %u is close-on-exec", first);
		return;
	}
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		die_errno("open /proc/self/fd");
	struct dirent *e;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd >= (int)first && fd != dirfd(d)) {
			int fl = fcntl(fd, F_GETFD);
			if (fl >= 0)
				fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
		}
	}
	closedir(d);
	TRACE("close_fds", "every fd >= %u is close-on-exec", first);
}

void process_finalize(const struct process_spec *p, const struct spec *s, bool in_userns)
{
	SYS("chdir", chdir(p->cwd), "chdir to cwd %s", p->cwd);
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd))
		die_errno("cwd %s is outside the container", p->cwd);
	struct caps_spec caps = p->caps;
	bool seccomp_late = p->no_new_privs;
	if (s && s->has_seccomp && !seccomp_late)
		seccomp_load_spec(&s->seccomp);
	caps_drop_bounding(&caps);
	caps_keep_for_setuid();
	bool setgroups_ok = true;
	if (in_userns) {
		char *v = read_file("/proc/self/setgroups", NULL);
		setgroups_ok = !v || strncmp(v, "deny", 4) != 0;
		free(v);
	}
	process_set_user(p, setgroups_ok);
	caps_apply(&caps);
	if (p->umask >= 0) {
		umask((mode_t)p->umask);
		TRACE("umask", "umask %04o", p->umask);
	}
	if (p->no_new_privs)
		SYS("no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");
}

void process_exec(const struct process_spec *p, const char *path)
{
	static const char *default_env[] = {DEFAULT_PATH_ENV, NULL};
	char *const *env = (char *const *)(p->env ? p->env : default_env);
	char args[1024] = "";
	for (size_t i = 0; i < p->n_args; i++) {
		if (i)
			strncat(args, " ", sizeof args - strlen(args) - 1);
		strncat(args, p->args[i], sizeof args - strlen(args) - 1);
	}
	TRACE("execve", "execve %s (%s)", path, args);
	execve(path, (char *const *)p->args, env);
	die_errno("exec %s", path);
}
