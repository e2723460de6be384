/*
 * Hooks: programs config.json asks the runtime to run at fixed moments of a container's
 * life. Lesson concept: this is how tools plug into a container without being its runtime
 * (the classic example: a network hook that sets up a veth pair once the network namespace
 * exists, before the container's program starts). Each hook gets the container's OCI state
 * (id, pid, bundle, status) as JSON on its stdin and runs in the runtime's namespaces:
 *
 *   createRuntime (and prestart, its deprecated name)  during create, after the namespaces
 *                 and cgroups exist, before pivot_root: init waits for them. A failure
 *                 fails create (and removes everything it made).
 *   poststart     after start has let the program run; a failure is only reported.
 *   poststop      after delete; a failure is only reported.
 *
 * (createContainer and startContainer, which would run inside the container, are not
 * supported: spec.c refuses them by name.)
 */
#include "runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Runs one hook; returns 0, or -1 with a description of the failure in err. */
static int run_hook(const struct hook_spec *h, const char *state, char *err, size_t errlen)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	uint64_t t0 = trace_now();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* stdin: the state; stdout and stderr: a pipe we read for the error message
		 * (never the runtime's own stdout, which may be the container's). */
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		static const char *no_env[] = {NULL};
		execve(h->path, (char *const *)h->args,
		       (char *const *)(h->env ? h->env : no_env));
		dprintf(2, "exec %s: %s", h->path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	/* The state is small (under a pipe buffer): this write does not block. */
	ssize_t w = write(in[1], state, strlen(state));
	(void)w;
	close(in[1]);
	char output[1024];
	size_t used = 0;
	int status = 0;
	bool timed_out = false;
	uint64_t deadline = t0 + (uint64_t)(h->timeout > 0 ? h->timeout : 60) * 1000000ULL;
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n = read(out[0], output + used, sizeof output - 1 - used);
		if (n > 0)
			used += (size_t)n;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (trace_now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			timed_out = true;
			break;
		}
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	ssize_t n = read(out[0], output + used, sizeof output - 1 - used);
	if (n > 0)
		used += (size_t)n;
	close(out[0]);
	output[used] = '\0';
	while (used && output[used - 1] == '\n')
		output[--used] = '\0';
	bool ok = !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (timed_out)
		snprintf(err, errlen, "timed out after %d s", h->timeout > 0 ? h->timeout : 60);
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "killed by signal %d", WTERMSIG(status));
	else if (!ok)
		snprintf(err, errlen, "exit status %d", WEXITSTATUS(status));
	if (!ok && used)
		snprintf(err + strlen(err), errlen - strlen(err), ": %s", output);
	trace_step("hook", ok, t0, 0, "%s %s%s%s", h->kind, h->path, ok ? "" : ": ", ok ? "" : err);
	return ok ? 0 : -1;
}

int hooks_run(const struct spec *s, const char *kind, const struct state *st, const char *status,
	      bool fatal)
{
	if (!s->n_hooks)
		return 0;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle ? st->bundle : ""));
	if (s->annotations)
		json_object_object_add(o, "annotations", json_object_get(s->annotations));
	const char *state = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	int ret = 0;
	for (size_t i = 0; i < s->n_hooks; i++) {
		const struct hook_spec *h = &s->hooks[i];
		if (strcmp(h->kind, kind) && !(!strcmp(kind, "createRuntime") && !strcmp(h->kind, "prestart")))
			continue;
		char err[1536];
		if (run_hook(h, state, err, sizeof err) == 0)
			continue;
		ret = -1;
		if (fatal) {
			json_object_put(o);
			die("%s hook %s: %s", h->kind, h->path, err);
		}
		warnx_("%s hook %s: %s", h->kind, h->path, err);
	}
	json_object_put(o);
	return ret;
}

bool hooks_has(const struct spec *s, const char *kind)
{
	for (size_t i = 0; i < s->n_hooks; i++)
		if (!strcmp(s->hooks[i].kind, kind) ||
		    (!strcmp(kind, "createRuntime") && !strcmp(s->hooks[i].kind, "prestart")))
			return true;
	return false;
}

void hooks_run_saved(const struct state *st, const char *kind, const char *status)
{
	char *path = xasprintf("%s/config.json", st->dir);
	size_t len;
	char *text = read_file(path, &len);
	free(path);
	/* Most containers have no hooks: skip the parse unless the word is there. */
	if (!text || !strstr(text, "\"hooks\"")) {
		free(text);
		return;
	}
	struct spec s;
	char err[2048];
	if (spec_parse(text, len, &s, err, sizeof err) == 0)
		hooks_run(&s, kind, st, status, false);
	spec_free(&s);
	free(text);
}
