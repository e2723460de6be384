/*
 * The proc connector: a netlink socket on which the kernel multicasts an event for every
 * fork, exec, exit and id change of every task on the host. Most are not the lab's and
 * cost one bit test (procwatch_pids.c). Threads are left out: a thread's fork and exit say
 * nothing about the lab's processes (an exec replaces the whole thread group anyway).
 */
#include "procwatch.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Room for a burst (a fork loop) while the lab's side is busy: the kernel drops beyond it. */
#define RCVBUF_BYTES (4 * 1024 * 1024)

int cn_open(void)
{
	int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0) {
		pw_error_errno("socket(PF_NETLINK, NETLINK_CONNECTOR)");
		return -1;
	}
	int size = RCVBUF_BYTES;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0)
		pw_error_errno("setsockopt(SO_RCVBUF, %d) (keeping the default buffer)", size);
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		pw_error_errno("bind the proc connector socket (group CN_IDX_PROC)");
		close(fd);
		return -1;
	}
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) msg;
	memset(&msg, 0, sizeof msg);
	msg.nl.nlmsg_len = sizeof msg;
	msg.nl.nlmsg_type = NLMSG_DONE;
	msg.nl.nlmsg_pid = (__u32)getpid();
	msg.cn.id.idx = CN_IDX_PROC;
	msg.cn.id.val = CN_VAL_PROC;
	msg.cn.len = sizeof msg.op;
	msg.op = PROC_CN_MCAST_LISTEN;
	if (send(fd, &msg, sizeof msg, 0) != (ssize_t)sizeof msg) {
		pw_error_errno("subscribe to process events (PROC_CN_MCAST_LISTEN; needs root)");
		close(fd);
		return -1;
	}
	return fd;
}

static void handle(const struct proc_event *ev, const char *cgroup_text)
{
	unsigned long long t = (unsigned long long)ev->timestamp_ns;
	switch (ev->what) {
	case PROC_EVENT_FORK: {
		const struct fork_proc_event *f = &ev->event_data.fork;
		if (f->child_pid != f->child_tgid || !pids_has(f->parent_tgid))
			return;
		pids_add(f->child_tgid);
		printf("fork %llu %d %d", t, (int)f->parent_tgid, (int)f->child_tgid);
		proc_put_namespaces(stdout, f->child_tgid);
		putchar('\n');
		return;
	}
	case PROC_EVENT_EXEC: {
		pid_t pid = ev->event_data.exec.process_tgid;
		if (!pids_has(pid)) {
			if (cgroup_text == NULL || !proc_cgroup_contains(pid, cgroup_text))
				return;
			pids_add(pid);
		}
		printf("exec %llu %d", t, (int)pid);
		if (!proc_put_exec(stdout, pid))
			printf(" 0 0 - - - - - -"); /* gone already: the event without its details */
		putchar('\n');
		return;
	}
	case PROC_EVENT_EXIT: {
		const struct exit_proc_event *e = &ev->event_data.exit;
		if (e->process_pid != e->process_tgid || !pids_has(e->process_tgid))
			return;
		pids_remove(e->process_tgid);
		printf("exit %llu %d %u\n", t, (int)e->process_tgid, e->exit_code);
		return;
	}
	case PROC_EVENT_UID:
	case PROC_EVENT_GID: {
		const struct id_proc_event *i = &ev->event_data.id;
		if (i->process_pid != i->process_tgid || !pids_has(i->process_tgid))
			return;
		printf("%s %llu %d %u %u\n", ev->what == PROC_EVENT_UID ? "uid" : "gid", t,
		       (int)i->process_tgid, i->r.ruid, i->e.euid);
		return;
	}
	case PROC_EVENT_SID:
		if (!pids_has(ev->event_data.sid.process_tgid))
			return;
		printf("sid %llu %d\n", t, (int)ev->event_data.sid.process_tgid);
		return;
	case PROC_EVENT_COMM: {
		const struct comm_proc_event *c = &ev->event_data.comm;
		if (c->process_pid != c->process_tgid || !pids_has(c->process_tgid))
			return;
		printf("comm %llu %d ", t, (int)c->process_tgid);
		pw_put_encoded(stdout, c->comm, strnlen(c->comm, sizeof c->comm));
		putchar('\n');
		return;
	}
	default:
		return;
	}
}

bool cn_drain(int fd, const char *cgroup_text)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The kernel dropped events: say so, and go on with the next ones. */
				puts("lost");
				continue;
			}
			pw_error_errno("recv on the proc connector socket");
			return false;
		}
		if (n == 0)
			return true;
		for (struct nlmsghdr *nl = (struct nlmsghdr *)buf; NLMSG_OK(nl, (size_t)n);
		     nl = NLMSG_NEXT(nl, n)) {
			if (nl->nlmsg_type == NLMSG_ERROR || nl->nlmsg_type == NLMSG_NOOP)
				continue;
			const struct cn_msg *cn = NLMSG_DATA(nl);
			if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
			    cn->len < sizeof(struct proc_event) - sizeof(((struct proc_event *)0)->event_data))
				continue;
			handle((const struct proc_event *)cn->data, cgroup_text);
		}
	}
}
