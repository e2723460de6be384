/*
 * State: what the runtime remembers between commands. Lesson concept: `create`, `start`,
 * `kill` and `delete` are separate processes, so everything they share lives on disk in
 * the state dir (--root, default /run/contlab-runtime):
 *
 *   ROOT/ID/state.json   id, init's pid *and its start time*, bundle, cgroup dirs
 *   ROOT/ID/creating.json  the same, while create is still at work (and who does it)
 *   ROOT/ID/config.json  the config.json it was created from (exec, hooks, delete)
 *   ROOT/ID/exec.fifo    exists while the container is "created": init is blocked
 *                        opening it until `start` reads from it
 *
 * Every file is written once, under a name nobody has written yet: renaming over an
 * existing file makes ext4 flush the new one to disk first (its auto_da_alloc), which
 * costs milliseconds on a busy disk. (On tmpfs, where /run usually is, none of it does.)
 *
 * The status is never stored, it is observed: init gone -> stopped; its cgroup frozen ->
 * paused; exec.fifo still there -> created; otherwise running. A PID alone is not an
 * identity (PIDs are reused), so init's start time (field 22 of /proc/PID/stat) is kept
 * and compared before anything is signalled.
 */
#include "runtime.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

const char *status_name(enum status s)
{
	switch (s) {
	case ST_CREATING: return "creating";
	case ST_CREATED: return "created";
	case ST_RUNNING: return "running";
	case ST_PAUSED: return "paused";
	case ST_STOPPED: return "stopped";
	case ST_NONE: break;
	}
	return "unknown";
}

char *state_dir(const char *id) { return xasprintf("%s/%s", g_opts.root, id); }

/* Field 22 of /proc/PID/stat; 0 if the process is gone or a zombie. */
unsigned long long proc_starttime(pid_t pid)
{
	if (pid <= 0)
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	char *s = read_file(path, NULL);
	if (!s)
		return 0;
	char *p = strrchr(s, ')');
	unsigned long long start = 0;
	if (p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X') {
		p += 2;
		/* p is at field 3 (state); advance to field 22. */
		for (int field = 3; field < 22 && p; field++) {
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		if (p)
			start = strtoull(p, NULL, 10);
	}
	free(s);
	return start;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : "";
}

static long long jint(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

int state_load(const char *id, struct state *st)
{
	memset(st, 0, sizeof *st);
	if (!valid_id(id))
		return -1;
	st->dir = state_dir(id);
	struct stat sb;
	if (stat(st->dir, &sb) < 0) {
		free(st->dir);
		st->dir = NULL;
		return -1;
	}
	st->id = xstrdup(id);
	char *path = xasprintf("%s/state.json", st->dir);
	char *text = read_file(path, NULL);
	free(path);
	if (!text) {
		path = xasprintf("%s/creating.json", st->dir);
		text = read_file(path, NULL);
		free(path);
	}
	st->json = text ? json_tokener_parse(text) : NULL;
	free(text);
	if (!st->json)
		st->json = json_object_new_object();
	st->bundle = xstrdup(jstr(st->json, "bundle"));
	st->rootfs = xstrdup(jstr(st->json, "rootfs"));
	st->created = xstrdup(jstr(st->json, "created"));
	st->pid = (pid_t)jint(st->json, "pid");
	st->starttime = (unsigned long long)jint(st->json, "starttime");
	json_object *v;
	st->creating = json_object_object_get_ex(st->json, "creating", &v) &&
		       json_object_get_boolean(v);
	if (json_object_object_get_ex(st->json, "cgroups", &v))
		st->cgroups = cgroups_from_json(v);
	return 0;
}

void state_must_load(const char *id, struct state *st)
{
	if (!id)
		die("container id cannot be empty");
	if (state_load(id, st) < 0)
		die("container does not exist");
}

void state_save(const struct state *st, json_object *cgroups_json)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_add(o, "starttime", json_object_new_int64((int64_t)st->starttime));
	json_object_object_add(o, "creator", json_object_new_int(getpid()));
	static unsigned long long creator_starttime;
	if (!creator_starttime)
		creator_starttime = proc_starttime(getpid());
	json_object_object_add(o, "creator_starttime",
			       json_object_new_int64((int64_t)creator_starttime));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs ? st->rootfs : ""));
	json_object_object_add(o, "created", json_object_new_string(st->created));
	json_object_object_add(o, "creating", json_object_new_boolean(st->creating));
	if (cgroups_json)
		json_object_object_add(o, "cgroups", cgroups_json);
	/* Carried over from what create learned: annotations, the mounts it made in the
	 * runtime's own namespace (no mount namespace) that delete must remove, and whether
	 * init has a pid namespace of its own (then killing init kills all). */
	static const char *KEEP[] = {"annotations", "mounts", "own_pid_ns"};
	for (size_t i = 0; i < sizeof KEEP / sizeof KEEP[0]; i++) {
		json_object *v;
		if (st->json && json_object_object_get_ex(st->json, KEEP[i], &v))
			json_object_object_add(o, KEEP[i], json_object_get(v));
	}
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (st->creating) {
		/* A new file in a new dir, one write: readers see all of it or no file. */
		char *path = xasprintf("%s/creating.json", st->dir);
		if (write_file_new(path, text) < 0)
			die_errno("write %s", path);
		free(path);
	} else {
		char *path = xasprintf("%s/state.json", st->dir);
		if (write_file_atomic(path, text) < 0)
			die_errno("write %s", path);
		free(path);
		path = xasprintf("%s/creating.json", st->dir);
		unlink(path);
		free(path);
	}
	json_object_put(o);
}

bool state_pid_alive(const struct state *st)
{
	return st->pid > 0 && st->starttime && proc_starttime(st->pid) == st->starttime;
}

enum status state_status(const struct state *st)
{
	if (st->creating) {
		pid_t creator = (pid_t)jint(st->json, "creator");
		unsigned long long cst = (unsigned long long)jint(st->json, "creator_starttime");
		if (creator > 0 && cst && proc_starttime(creator) == cst)
			return ST_CREATING;
		return ST_STOPPED;
	}
	if (!state_pid_alive(st))
		return ST_STOPPED;
	if (st->cgroups && cgroups_frozen(st->cgroups))
		return ST_PAUSED;
	char *fifo = xasprintf("%s/exec.fifo", st->dir);
	bool created = access(fifo, F_OK) == 0;
	free(fifo);
	return created ? ST_CREATED : ST_RUNNING;
}

json_object *state_oci_json(const struct state *st)
{
	enum status s = state_status(st);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "pid", json_object_new_int(s == ST_STOPPED ? 0 : st->pid));
	json_object_object_add(o, "status", json_object_new_string(status_name(s)));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs));
	json_object_object_add(o, "created", json_object_new_string(st->created));
	json_object_object_add(o, "owner", json_object_new_string(""));
	json_object *ann;
	if (json_object_object_get_ex(st->json, "annotations", &ann))
		json_object_object_add(o, "annotations", json_object_get(ann));
	return o;
}

void state_print(const struct state *st, bool pretty)
{
	json_object *o = state_oci_json(st);
	printf("%s\n", json_object_to_json_string_ext(
			       o, (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN) |
					  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void state_free(struct state *st)
{
	free(st->id);
	free(st->dir);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	if (st->json)
		json_object_put(st->json);
	if (st->cgroups) {
		for (size_t i = 0; i < st->cgroups->n; i++) {
			free(st->cgroups->dirs[i]);
			free(st->cgroups->names[i]);
			free(st->cgroups->top[i]);
		}
		free(st->cgroups->rel);
		free(st->cgroups);
	}
	memset(st, 0, sizeof *st);
}

int state_lock(const char *id)
{
	char *dir = state_dir(id);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void write_pid_file(const char *path, pid_t pid)
{
	if (!path || !*path)
		return;
	char buf[32];
	snprintf(buf, sizeof buf, "%d", (int)pid);
	SYS("pid-file", write_file_atomic(path, buf), "write pid file %s", path);
}
