/*
 * The processes contlab-procwatch reports, as one bit per possible PID: every event of
 * every process on the host is checked against it, so the check must cost nothing. With
 * the default pid_max (4194304 at most) the bitmap is 512 KiB.
 */
#include "procwatch.h"

#include <errno.h>
#include <stdlib.h>

static uint64_t *bits;
static size_t nbits;

bool pids_init(void)
{
	unsigned long max = 4194304; /* PID_MAX_LIMIT on 64-bit: any pid_max is at most this */
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	if (f == NULL) {
		pw_error_errno("open /proc/sys/kernel/pid_max (assuming %lu)", max);
	} else {
		unsigned long v;
		if (fscanf(f, "%lu", &v) == 1 && v > 0 && v <= max)
			max = v;
		else
			pw_error("read /proc/sys/kernel/pid_max: not a number (assuming %lu)", max);
		fclose(f);
	}
	nbits = max + 1;
	bits = calloc((nbits + 63) / 64, sizeof *bits);
	if (bits == NULL) {
		pw_error_errno("allocate the PID set (%zu bytes)", (nbits + 63) / 64 * sizeof *bits);
		return false;
	}
	return true;
}

bool pids_has(pid_t pid)
{
	size_t i = (size_t)pid;
	return pid > 0 && i < nbits && (bits[i / 64] >> (i % 64)) & 1;
}

void pids_add(pid_t pid)
{
	size_t i = (size_t)pid;
	if (pid > 0 && i < nbits)
		bits[i / 64] |= (uint64_t)1 << (i % 64);
}

void pids_remove(pid_t pid)
{
	size_t i = (size_t)pid;
	if (pid > 0 && i < nbits)
		bits[i / 64] &= ~((uint64_t)1 << (i % 64));
}
