/*
 * The parent/child protocol: how the runtime and the process it forked take turns.
 * Lesson concept: a container is set up by two processes that must wait for each other
 * (the parent writes the child's uid_map, the child cannot become root in its user
 * namespace before that; the child must be blocked while hooks look at it ...). They talk
 * over a SOCK_SEQPACKET socketpair: one datagram per message, so a message is never
 * split or merged, and the end of the conversation is visible (EOF) when the child dies
 * or execs (its end is close-on-exec).
 *
 * A message is one byte, its kind (enum sync_msg in runtime.h), followed for
 * SYNC_ERROR by the text of the error.
 */
#include "runtime.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *sync_name(enum sync_msg m)
{
	switch (m) {
	case SYNC_EOF: return "end of the conversation";
	case SYNC_GO: return "go";
	case SYNC_GO_START: return "go, then start";
	case SYNC_HOOKS: return "hooks";
	case SYNC_RESUME: return "resume";
	case SYNC_READY: return "ready";
	case SYNC_START: return "start";
	case SYNC_ERROR: return "error";
	}
	return "unknown message";
}

int sync_send(int fd, enum sync_msg m, const char *text)
{
	char buf[4096];
	size_t len = 1;
	buf[0] = (char)m;
	if (text) {
		size_t tl = strlen(text);
		if (tl > sizeof buf - 1)
			tl = sizeof buf - 1;
		memcpy(buf + 1, text, tl);
		len += tl;
	}
	ssize_t w;
	do
		w = send(fd, buf, len, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -1 : 0;
}

enum sync_msg sync_recv(int fd, char *text, size_t len)
{
	char buf[4096];
	ssize_t r;
	do
		r = recv(fd, buf, sizeof buf, 0);
	while (r < 0 && errno == EINTR);
	if (text && len)
		text[0] = '\0';
	if (r <= 0 || buf[0] <= SYNC_EOF || buf[0] > SYNC_ERROR)
		return SYNC_EOF;
	if (text && len) {
		size_t n = (size_t)r - 1 < len - 1 ? (size_t)r - 1 : len - 1;
		memcpy(text, buf + 1, n);
		text[n] = '\0';
	}
	return (enum sync_msg)buf[0];
}

enum sync_msg sync_expect(int fd, enum sync_msg want, enum sync_msg also)
{
	enum sync_msg got = sync_recv(fd, NULL, 0);
	if (got == SYNC_EOF)
		_exit(1); /* the parent is gone (it reported its own error): nothing to say */
	if (got != want && (also == SYNC_EOF || got != also))
		die("internal error: expected \"%s\" from the runtime, got \"%s\"", sync_name(want),
		    sync_name(got));
	return got;
}
