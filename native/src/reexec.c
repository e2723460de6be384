/*
 * CVE-2019-5736: a container that can get the runtime to execute /proc/self/exe from
 * inside the container (say, /bin/sh replaced by "#!/proc/self/exe") could reopen the
 * host's runtime binary for writing and overwrite it.
 *
 * Lesson concept: the runtime's code must never be the host file while container code
 * can reach it. Before create/run/exec we copy ourselves into a memfd, seal it (no
 * writes, no resizing, ever), and re-execute from the memfd. /proc/self/exe then points
 * at an anonymous, immutable copy. The container's init is then a fork of that copy;
 * it is never a re-exec of the host binary.
 */
#include "runtime.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

void ensure_cloned_binary(void)
{
	if (getenv("CONTLAB_RUNTIME_NO_REEXEC"))
		return;
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0)
		die_errno("open /proc/self/exe");
	int seals = fcntl(src, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS) {
		close(src); /* we are the sealed copy already */
		return;
	}
	uint64_t t0 = trace_now();
	struct stat st;
	if (fstat(src, &st) < 0)
		die_errno("stat /proc/self/exe");
	int mfd = memfd_create(RUNTIME_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		die_errno("memfd_create %s", RUNTIME_NAME);
	off_t left = st.st_size;
	while (left > 0) {
		ssize_t n = sendfile(mfd, src, NULL, (size_t)left);
		if (n <= 0)
			die_errno("copy /proc/self/exe into a memfd");
		left -= n;
	}
	close(src);
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		die_errno("seal the memfd copy of the runtime");
	trace_step("reexec", true, t0, 0, "sealed memfd copy of /proc/self/exe (%lld bytes)",
		   (long long)st.st_size);
	syscall(SYS_execveat, mfd, "", g_argv, environ, AT_EMPTY_PATH);
	die_errno("execveat the sealed memfd copy of the runtime");
}
