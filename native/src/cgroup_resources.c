/*
 * Resource limits: config.json's linux.resources written into cgroup files, one
 * controller at a time. Lesson concept: a limit is a number in a file, and the two
 * cgroup versions name the same limit differently:
 *
 *   controller  config.json            cgroup v1                     cgroup v2
 *   memory      limit                  memory.limit_in_bytes         memory.max
 *               reservation            memory.soft_limit_in_bytes    memory.low
 *               swap (memory+swap)     memory.memsw.limit_in_bytes   memory.swap.max (swap only)
 *               kernelTCP              memory.kmem.tcp.limit_in_bytes  -
 *               swappiness             memory.swappiness               -
 *               disableOOMKiller       memory.oom_control              -
 *               kernel                 memory.kmem.limit_in_bytes (Linux >= 6.1 ignores it)
 *   cpu         shares                 cpu.shares                    cpu.weight (rescaled)
 *               quota, period          cpu.cfs_quota_us, _period_us  cpu.max "quota period"
 *   cpuset      cpus, mems             cpuset.cpus, cpuset.mems      the same names
 *   pids        limit                  pids.max                      pids.max
 *   blkio/io    weight                 blkio.weight                  io.weight (rescaled)
 *   devices     devices[]              devices.allow / devices.deny  an eBPF program (not here)
 *
 * Only what config.json sets is written. A field the kernel no longer has is a warning,
 * not a failure (like runc): the container runs without that limit.
 */
#include "runtime.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_file(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	bool ok = access(path, F_OK) == 0;
	free(path);
	return ok;
}

static void write_ll(const char *dir, const char *file, long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	cgroups_write(dir, file, buf);
}

/* "max" for -1 (unlimited), the number otherwise: v2's way of saying it. */
static void write_max(const char *dir, const char *file, long long v)
{
	if (v < 0)
		cgroups_write(dir, file, "max");
	else
		write_ll(dir, file, v);
}

/* ------------------------------------------------------------------ memory */

static bool memory_wanted(const struct resources *r)
{
	return r->has_mem_limit || r->has_mem_reservation || r->has_mem_swap ||
	       r->has_mem_kernel || r->has_mem_kernel_tcp || r->has_mem_swappiness ||
	       r->disable_oom_killer;
}

/* kmem: still a file in v1, but Linux 6.1 stopped enforcing it (it reads back
 * unlimited): say so instead of pretending. */
static void memory_kernel_v1(const char *d, long long v)
{
	if (v < 0)
		return;
	if (!has_file(d, "memory.kmem.limit_in_bytes")) {
		warnx_("linux.resources.memory.kernel ignored: this kernel has no "
		       "memory.kmem.limit_in_bytes");
		return;
	}
	char *path = xasprintf("%s/memory.kmem.limit_in_bytes", d);
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	uint64_t t0 = trace_now();
	int r = write_file(path, buf), e = errno;
	char *back = r == 0 ? read_file(path, NULL) : NULL;
	bool taken = back && strtoll(back, NULL, 10) <= v;
	trace_step("cgroup.write", r == 0, t0, r ? e : 0, "write %s to %s%s", buf, path,
		   taken ? "" : " (not enforced by this kernel)");
	if (!taken)
		warnx_("linux.resources.memory.kernel ignored: this kernel no longer enforces a "
		       "separate kernel memory limit (kernel memory counts in memory.limit)");
	free(back);
	free(path);
}

static void memory_v1(const char *d, const struct resources *r)
{
	bool memsw = has_file(d, "memory.memsw.limit_in_bytes");
	bool swap_first = false;
	if (r->has_mem_swap && memsw && r->has_mem_limit) {
		char *p = xasprintf("%s/memory.memsw.limit_in_bytes", d);
		char *cur = read_file(p, NULL);
		/* Raising: memsw must grow before the limit may. */
		swap_first = cur && (r->mem_swap == -1 ||
				     (unsigned long long)r->mem_swap > strtoull(cur, NULL, 10));
		free(cur);
		free(p);
	}
	if (swap_first)
		write_ll(d, "memory.memsw.limit_in_bytes", r->mem_swap);
	if (r->has_mem_limit)
		write_ll(d, "memory.limit_in_bytes", r->mem_limit);
	if (r->has_mem_swap && !swap_first) {
		if (memsw)
			write_ll(d, "memory.memsw.limit_in_bytes", r->mem_swap);
		else
			warnx_("linux.resources.memory.swap ignored: no memory.memsw files (swap "
			       "accounting is off in this kernel)");
	}
	if (r->has_mem_reservation)
		write_ll(d, "memory.soft_limit_in_bytes", r->mem_reservation);
	if (r->has_mem_kernel)
		memory_kernel_v1(d, r->mem_kernel);
	if (r->has_mem_kernel_tcp) {
		if (has_file(d, "memory.kmem.tcp.limit_in_bytes"))
			write_ll(d, "memory.kmem.tcp.limit_in_bytes", r->mem_kernel_tcp);
		else
			warnx_("linux.resources.memory.kernelTCP ignored: this kernel has no "
			       "memory.kmem.tcp.limit_in_bytes");
	}
	if (r->has_mem_swappiness) {
		if (has_file(d, "memory.swappiness"))
			write_ll(d, "memory.swappiness", (long long)r->mem_swappiness);
		else
			warnx_("linux.resources.memory.swappiness ignored: this kernel has no "
			       "memory.swappiness");
	}
	if (r->disable_oom_killer)
		cgroups_write(d, "memory.oom_control", "1");
}

static void memory_v2(const char *d, const struct resources *r)
{
	if (r->has_mem_limit)
		write_max(d, "memory.max", r->mem_limit);
	if (r->has_mem_reservation)
		write_ll(d, "memory.low", r->mem_reservation < 0 ? 0 : r->mem_reservation);
	if (r->has_mem_swap) {
		if (has_file(d, "memory.swap.max")) {
			/* OCI's swap is memory+swap; v2's swap.max is swap alone. */
			long long swap = r->mem_swap;
			if (swap >= 0 && r->has_mem_limit && r->mem_limit >= 0)
				swap = swap > r->mem_limit ? swap - r->mem_limit : 0;
			write_max(d, "memory.swap.max", swap);
		} else {
			warnx_("linux.resources.memory.swap ignored: no memory.swap.max (swap "
			       "accounting is off in this kernel)");
		}
	}
	if (r->has_mem_kernel)
		warnx_("linux.resources.memory.kernel ignored: cgroup v2 has no separate kernel "
		       "memory limit (kernel memory counts in memory.max)");
	if (r->has_mem_kernel_tcp)
		warnx_("linux.resources.memory.kernelTCP ignored: cgroup v2 has no separate TCP "
		       "memory limit (socket buffers count in memory.max)");
	if (r->has_mem_swappiness)
		warnx_("linux.resources.memory.swappiness ignored: cgroup v2 has no per-cgroup "
		       "swappiness");
	if (r->disable_oom_killer)
		warnx_("linux.resources.memory.disableOOMKiller ignored: cgroup v2 cannot turn the "
		       "OOM killer off");
}

static void memory_apply(const char *d, bool v2, const struct resources *r)
{
	if (v2)
		memory_v2(d, r);
	else
		memory_v1(d, r);
}

/* --------------------------------------------------------------------- cpu */

static bool cpu_wanted(const struct resources *r)
{
	return (r->has_cpu_shares && r->cpu_shares) || r->has_cpu_period || r->has_cpu_quota;
}

static void cpu_apply(const char *d, bool v2, const struct resources *r)
{
	char v[64];
	if (!v2) {
		if (r->has_cpu_shares && r->cpu_shares)
			write_ll(d, "cpu.shares", (long long)r->cpu_shares);
		if (r->has_cpu_period)
			write_ll(d, "cpu.cfs_period_us", (long long)r->cpu_period);
		if (r->has_cpu_quota)
			write_ll(d, "cpu.cfs_quota_us", r->cpu_quota);
		return;
	}
	if (r->has_cpu_shares && r->cpu_shares) {
		/* shares [2, 262144] onto weight [1, 10000], the mapping runc and crun use. */
		unsigned long long s = r->cpu_shares < 2 ? 2 : r->cpu_shares > 262144 ? 262144
										 : r->cpu_shares;
		write_ll(d, "cpu.weight", (long long)(1 + ((s - 2) * 9999) / 262142));
	}
	if (r->has_cpu_quota || r->has_cpu_period) {
		unsigned long long period = r->has_cpu_period && r->cpu_period ? r->cpu_period : 100000;
		if (r->has_cpu_quota && r->cpu_quota > 0)
			snprintf(v, sizeof v, "%lld %llu", r->cpu_quota, period);
		else
			snprintf(v, sizeof v, "max %llu", period);
		cgroups_write(d, "cpu.max", v);
	}
}

/* ------------------------------------------------------------------ cpuset */

static bool cpuset_wanted(const struct resources *r)
{
	return (r->cpus && *r->cpus) || (r->mems && *r->mems);
}

static void cpuset_apply(const char *d, bool v2, const struct resources *r)
{
	(void)v2; /* the same files in both versions */
	if (r->cpus && *r->cpus)
		cgroups_write(d, "cpuset.cpus", r->cpus);
	if (r->mems && *r->mems)
		cgroups_write(d, "cpuset.mems", r->mems);
}

/* -------------------------------------------------------------------- pids */

static bool pids_wanted(const struct resources *r) { return r->has_pids_limit; }

static void pids_apply(const char *d, bool v2, const struct resources *r)
{
	(void)v2; /* pids.max in both; 0 or -1 mean no limit */
	write_max(d, "pids.max", r->pids_limit > 0 ? r->pids_limit : -1);
}

/* ------------------------------------------------------------------- blkio */

static bool blkio_wanted(const struct resources *r) { return r->has_blkio_weight; }

static void blkio_apply(const char *d, bool v2, const struct resources *r)
{
	char v[64];
	if (!v2) {
		write_ll(d, has_file(d, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight",
			 r->blkio_weight);
		return;
	}
	if (has_file(d, "io.bfq.weight")) {
		snprintf(v, sizeof v, "default %u", r->blkio_weight);
		cgroups_write(d, "io.bfq.weight", v);
	} else {
		/* weight [10, 1000] onto io.weight [1, 10000] */
		snprintf(v, sizeof v, "default %u", 1 + (r->blkio_weight - 10) * 9999 / 990);
		cgroups_write(d, "io.weight", v);
	}
}

/* ----------------------------------------------------------------- devices */

static bool devices_wanted(const struct resources *r) { return r->n_devices > 0; }

/* One rule per write(2), the way the devices controller reads them; the two files stay
 * open for all the rules (config.json's, in order, then the defaults). */
static void device_rule(int fds[2], const char *dir, bool allow, const char *rule)
{
	const char *file = allow ? "devices.allow" : "devices.deny";
	int *fd = &fds[allow];
	uint64_t t0 = trace_now();
	if (*fd < 0) {
		char *path = xasprintf("%s/%s", dir, file);
		*fd = open(path, O_WRONLY | O_CLOEXEC);
		free(path);
	}
	ssize_t w = *fd < 0 ? -1 : write(*fd, rule, strlen(rule));
	int e = errno;
	trace_step("cgroup.write", w >= 0, t0, w >= 0 ? 0 : e, "write %s to %s/%s", rule, dir, file);
	if (w < 0) {
		errno = e;
		die_errno("write %s to %s/%s", rule, dir, file);
	}
}

static void devices_apply(const char *d, bool v2, const struct resources *r)
{
	if (v2) {
		TRACE("cgroup.write", "device rules skipped: cgroup v2 needs an eBPF program");
		return;
	}
	/* What every container needs, allowed after config.json's rules (like runc). */
	static const char *DEFAULTS[] = {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
					 "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
					 "c 136:* rwm", "c 10:200 rwm"};
	int fds[2] = {-1, -1}; /* deny, allow */
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct device_rule *dr = &r->devices[i];
		char rule[64], maj[24] = "*", min[24] = "*";
		if (dr->major >= 0)
			snprintf(maj, sizeof maj, "%lld", dr->major);
		if (dr->minor >= 0)
			snprintf(min, sizeof min, "%lld", dr->minor);
		if (dr->type == 'a')
			snprintf(rule, sizeof rule, "a");
		else
			snprintf(rule, sizeof rule, "%c %s:%s %s", dr->type, maj, min,
				 *dr->access ? dr->access : "rwm");
		device_rule(fds, d, dr->allow, rule);
	}
	for (size_t i = 0; i < sizeof DEFAULTS / sizeof DEFAULTS[0]; i++)
		device_rule(fds, d, true, DEFAULTS[i]);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* -------------------------------------------------------------------- all */

static const struct controller {
	const char *v1; /* the v1 hierarchy's controller name */
	bool (*wanted)(const struct resources *r);
	void (*apply)(const char *dir, bool v2, const struct resources *r);
	bool optional; /* a host without it: skip quietly instead of failing */
} CONTROLLERS[] = {
	{"memory", memory_wanted, memory_apply, false},
	{"cpu", cpu_wanted, cpu_apply, false},
	{"cpuset", cpuset_wanted, cpuset_apply, false},
	{"pids", pids_wanted, pids_apply, false},
	{"blkio", blkio_wanted, blkio_apply, false},
	{"devices", devices_wanted, devices_apply, true},
};

void cgroups_apply(const struct cgroup_set *cg, const struct resources *r)
{
	for (size_t i = 0; i < sizeof CONTROLLERS / sizeof CONTROLLERS[0]; i++) {
		const struct controller *c = &CONTROLLERS[i];
		if (!c->wanted(r))
			continue;
		const char *dir = cgroups_dir(cg, c->v1);
		if (!dir) {
			if (c->optional)
				continue;
			die("cgroup controller %s is not available on this host", c->v1);
		}
		c->apply(dir, cg->v2, r);
	}
}
