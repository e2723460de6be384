/*
 * Capabilities: root's powers, split into ~41 pieces. Lesson concept: uid 0 inside a
 * container is not the host's root because most of its capabilities are gone. A
 * process has five sets:
 *
 *   bounding     the ceiling: nothing outside it can ever be gained again (dropped with
 *                prctl(PR_CAPBSET_DROP) while we still hold CAP_SETPCAP)
 *   permitted    what it may turn on
 *   effective    what the kernel checks right now
 *   inheritable  what survives execve into a program with matching file capabilities
 *   ambient      what survives execve into any program (for non-root users)
 *
 * Order matters: drop the bounding set first, keep capabilities across setuid
 * (PR_SET_KEEPCAPS), switch user, then capset(2) the final sets and raise ambient.
 */
#include "runtime.h"

#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int last_cap(void)
{
	static int last = -1;
	if (last < 0) {
		char *v = read_file("/proc/sys/kernel/cap_last_cap", NULL);
		last = v ? atoi(v) : 40;
		free(v);
		if (last > 63 || last < 0)
			last = 40;
	}
	return last;
}

static void caps_string(uint64_t set, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int c = 0; c <= last_cap(); c++) {
		if (!(set & (1ULL << c)))
			continue;
		if (buf[0])
			strncat(buf, ",", len - strlen(buf) - 1);
		strncat(buf, cap_name(c) + 4, len - strlen(buf) - 1);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

void caps_set_all(struct caps_spec *c)
{
	uint64_t all = last_cap() >= 63 ? ~0ULL : (1ULL << (last_cap() + 1)) - 1;
	c->bounding = c->effective = c->permitted = c->inheritable = all;
	c->ambient = 0;
}

void caps_drop_bounding(const struct caps_spec *c)
{
	uint64_t t0 = trace_now();
	uint64_t dropped = 0;
	for (int cap = 0; cap <= last_cap(); cap++) {
		if (c->bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			die_errno("drop %s from the bounding set", cap_name(cap));
		dropped |= 1ULL << cap;
	}
	char kept[2048];
	caps_string(c->bounding, kept, sizeof kept);
	trace_step("caps.bounding", true, t0, 0, "bounding set now %s (%d dropped)", kept,
		   __builtin_popcountll(dropped));
}

void caps_keep_for_setuid(void)
{
	SYS("prctl", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");
}

void caps_apply(const struct caps_spec *c)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	data[0].effective = (uint32_t)c->effective;
	data[1].effective = (uint32_t)(c->effective >> 32);
	data[0].permitted = (uint32_t)c->permitted;
	data[1].permitted = (uint32_t)(c->permitted >> 32);
	data[0].inheritable = (uint32_t)c->inheritable;
	data[1].inheritable = (uint32_t)(c->inheritable >> 32);
	char eff[2048];
	caps_string(c->effective, eff, sizeof eff);
	SYS("caps", syscall(SYS_capset, &hdr, data),
	    "capset effective=%s (permitted %d, inheritable %d)", eff,
	    __builtin_popcountll(c->permitted), __builtin_popcountll(c->inheritable));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		die_errno("clear the ambient capability set");
	/* The kernel only raises an ambient capability that is also permitted and
	 * inheritable; like runc, a refused one is skipped (and shows in the trace). */
	for (int cap = 0; cap <= last_cap(); cap++) {
		if (!(c->ambient & (1ULL << cap)))
			continue;
		uint64_t t0 = trace_now();
		int r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
		trace_step("caps.ambient", r == 0, t0, r ? errno : 0, "raise ambient %s%s",
			   cap_name(cap), r ? " (skipped: not permitted and inheritable)" : "");
	}
	SYS("prctl", prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "prctl(PR_SET_KEEPCAPS, 0)");
}

void caps_mask_to_host(struct caps_spec *c)
{
	uint64_t wanted = c->bounding | c->effective | c->permitted | c->inheritable | c->ambient;
	uint64_t missing = 0;
	for (int cap = 0; cap <= last_cap(); cap++)
		if ((wanted & (1ULL << cap)) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			missing |= 1ULL << cap;
	if (!missing)
		return;
	c->bounding &= ~missing;
	c->effective &= ~missing;
	c->permitted &= ~missing;
	c->inheritable &= ~missing;
	c->ambient &= ~missing;
	char names[2048] = "";
	for (int cap = 0; cap <= last_cap(); cap++)
		if (missing & (1ULL << cap))
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 names[0] ? " " : "", cap_name(cap));
	TRACE("caps", "not in this host's bounding set, skipped: %s", names);
	warnx_("ignoring capabilities this host does not have (not in its bounding set): %s", names);
}
