/*
 * The console: a terminal for the container. Lesson concept: a pseudo-terminal is a
 * pair, master and slave. The container's program gets the slave as its stdin, stdout
 * and stderr (and as its controlling terminal); whoever talks to the user keeps the
 * master. The pty is allocated *inside* the container (from its own devpts instance,
 * /dev/ptmx -> pts/ptmx) and the master is handed out over a unix socket with
 * SCM_RIGHTS to --console-socket: that is how containerd's shim gets it.
 */
#include "runtime.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

int console_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof addr.sun_path)
		die("console socket path too long: %s", path);
	strcpy(addr.sun_path, path);
	int fd;
	SYS("console", fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket for %s", path);
	SYS("console", connect(fd, (struct sockaddr *)&addr, sizeof addr),
	    "connect to console socket %s", path);
	return fd;
}

/* Like send_fd, with the pty's name as the payload (what runc sends). */
static int send_master(int sock, int fd, const char *name)
{
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof u.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

void console_setup(int sock, const struct process_spec *p)
{
	int master, slave;
	SYS("console", master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC),
	    "open /dev/ptmx in the container");
	SYS("console", unlockpt(master), "unlockpt");
	char name[128];
	if (ptsname_r(master, name, sizeof name) != 0)
		die_errno("ptsname");
	SYS("console", slave = open(name, O_RDWR | O_NOCTTY), "open %s", name);
	if (p->cons_height || p->cons_width) {
		struct winsize ws = {.ws_row = (unsigned short)p->cons_height,
				     .ws_col = (unsigned short)p->cons_width};
		SYS("console", ioctl(slave, TIOCSWINSZ, &ws), "set %s to %ux%u", name,
		    p->cons_width, p->cons_height);
	}
	SYS("console", send_master(sock, master, name), "send the pty master %s over SCM_RIGHTS",
	    name);
	close(master);
	close(sock);
	SYS("setsid", setsid(), "setsid");
	SYS("console", ioctl(slave, TIOCSCTTY, 0), "make %s the controlling terminal", name);
	for (int fd = 0; fd < 3; fd++)
		SYS("console", dup2(slave, fd), "dup2 %s to fd %d", name, fd);
	if (slave > 2)
		close(slave);
}
