/*
 * config.json: the OCI runtime spec, parsed into `struct spec`.
 *
 * Lesson concept: a container is *described* before it is made. Everything the kernel
 * will be asked to do later (which namespaces, which mounts, which capabilities) is
 * decided here, and a mistake is reported with the JSON path that holds it:
 *
 *   config.json: .process.args: expected an array of strings
 *   config.json: .linux.namespaces[2].type: unknown namespace "pidd"
 *
 * Strings point into the json-c tree, which the spec keeps alive (spec->json).
 */
#include "runtime.h"

#include <linux/sched.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *source_name = "config.json";
void spec_set_source(const char *name) { source_name = name; }

typedef struct {
	char *err;
	size_t len;
} E;

static int fail(E *e, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(E *e, const char *path, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(e->err, e->len, "%s: %s: %s", source_name, path, msg);
	return -1;
}

static const char *type_name(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "something else";
}

/* Looks up key in obj; *out is NULL when absent (or null). */
static int field(E *e, json_object *obj, const char *path, const char *key, bool required,
		 json_type want, const char *want_name, json_object **out, char *sub, size_t sublen)
{
	strfmt(sub, sublen, "%s.%s", path, key);
	json_object *v = NULL;
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
		if (required)
			return fail(e, sub, "required field is missing");
		return 0;
	}
	if (!json_object_is_type(v, want)) {
		if (want == json_type_int && json_object_is_type(v, json_type_double))
			return fail(e, sub, "expected %s, got a fractional number", want_name);
		return fail(e, sub, "expected %s, got %s", want_name, type_name(v));
	}
	*out = v;
	return 0;
}

#define P 512

static int get_str(E *e, json_object *obj, const char *path, const char *key, bool required,
		   const char **out)
{
	char sub[P];
	json_object *v;
	if (field(e, obj, path, key, required, json_type_string, "a string", &v, sub, P) < 0)
		return -1;
	if (v)
		*out = json_object_get_string(v);
	return 0;
}

static int get_bool(E *e, json_object *obj, const char *path, const char *key, bool *out)
{
	char sub[P];
	json_object *v;
	if (field(e, obj, path, key, false, json_type_boolean, "a boolean", &v, sub, P) < 0)
		return -1;
	if (v)
		*out = json_object_get_boolean(v);
	return 0;
}

/* An integer in [min, max]; *has set when present. */
static int get_int(E *e, json_object *obj, const char *path, const char *key, bool required,
		   long long min, long long max, long long *out, bool *has)
{
	char sub[P];
	json_object *v;
	if (field(e, obj, path, key, required, json_type_int, "an integer", &v, sub, P) < 0)
		return -1;
	if (!v)
		return 0;
	errno = 0;
	long long x = json_object_get_int64(v);
	if (errno == ERANGE || x < min || x > max)
		return fail(e, sub, "%s out of range [%lld, %lld]", json_object_get_string(v), min,
			    max);
	*out = x;
	if (has)
		*has = true;
	return 0;
}

static int get_u64(E *e, json_object *obj, const char *path, const char *key,
		   unsigned long long *out, bool *has)
{
	char sub[P];
	json_object *v;
	if (field(e, obj, path, key, false, json_type_int, "an integer", &v, sub, P) < 0)
		return -1;
	if (!v)
		return 0;
	if (json_object_get_int64(v) < 0 && json_object_get_uint64(v) == 0)
		return fail(e, sub, "expected a non-negative integer");
	*out = json_object_get_uint64(v);
	if (has)
		*has = true;
	return 0;
}

static int get_obj(E *e, json_object *obj, const char *path, const char *key, bool required,
		   json_object **out, char *sub)
{
	return field(e, obj, path, key, required, json_type_object, "an object", out, sub, P);
}

static int get_arr(E *e, json_object *obj, const char *path, const char *key, bool required,
		   json_object **out, char *sub, const char *what)
{
	return field(e, obj, path, key, required, json_type_array, what, out, sub, P);
}

/* An array of strings; NULL-terminated copy of pointers into the tree. */
static int get_str_array(E *e, json_object *obj, const char *path, const char *key,
			 bool required, const char ***out, size_t *n)
{
	char sub[P];
	json_object *a;
	if (get_arr(e, obj, path, key, required, &a, sub, "an array of strings") < 0)
		return -1;
	if (!a)
		return 0;
	size_t len = json_object_array_length(a);
	const char **v = xcalloc(len + 1, sizeof *v);
	for (size_t i = 0; i < len; i++) {
		json_object *x = json_object_array_get_idx(a, i);
		if (!json_object_is_type(x, json_type_string)) {
			free(v);
			return fail(e, sub, "expected an array of strings (element %zu is %s)", i,
				    type_name(x));
		}
		v[i] = json_object_get_string(x);
	}
	free((void *)*out);
	*out = v;
	*n = len;
	return 0;
}

/* ------------------------------------------------------------ capabilities */

static const char *CAPS[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
#define N_CAPS ((int)(sizeof CAPS / sizeof CAPS[0]))

int cap_from_name(const char *name)
{
	for (int i = 0; i < N_CAPS; i++)
		if (!strcasecmp(CAPS[i], name) || !strcasecmp(CAPS[i] + 4, name))
			return i;
	return -1;
}

const char *cap_name(int cap) { return cap >= 0 && cap < N_CAPS ? CAPS[cap] : "CAP_UNKNOWN"; }

static int get_caps(E *e, json_object *obj, const char *path, const char *key, uint64_t *out)
{
	const char **names = NULL;
	size_t n = 0;
	char sub[P];
	if (get_str_array(e, obj, path, key, false, &names, &n) < 0)
		return -1;
	strfmt(sub, P, "%s.%s", path, key);
	for (size_t i = 0; i < n; i++) {
		int c = cap_from_name(names[i]);
		if (c < 0) {
			int r = fail(e, sub, "unknown capability \"%s\"", names[i]);
			free(names);
			return r;
		}
		*out |= 1ULL << c;
	}
	free(names);
	return 0;
}

/* ------------------------------------------------------------ process */

static const struct {
	const char *name;
	int res;
} RLIMITS[] = {
	{"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
	{"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
	{"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
	{"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
	{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
	{"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
	{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

int spec_parse_process(json_object *o, const char *path, struct process_spec *p, char *err,
		       size_t errlen)
{
	E ev = {err, errlen}, *e = &ev;
	char sub[P], sub2[P];
	json_object *v;
	long long x;
	p->umask = -1;
	if (get_bool(e, o, path, "terminal", &p->terminal) < 0)
		return -1;
	if (get_obj(e, o, path, "consoleSize", false, &v, sub) < 0)
		return -1;
	if (v) {
		x = 0;
		if (get_int(e, v, sub, "height", false, 0, 65535, &x, NULL) < 0)
			return -1;
		p->cons_height = (unsigned)x;
		x = 0;
		if (get_int(e, v, sub, "width", false, 0, 65535, &x, NULL) < 0)
			return -1;
		p->cons_width = (unsigned)x;
	}
	p->cwd = "/";
	if (get_str(e, o, path, "cwd", false, &p->cwd) < 0)
		return -1;
	if (p->cwd[0] != '/') {
		strfmt(sub, P, "%s.cwd", path);
		return fail(e, sub, "must be an absolute path, got \"%s\"", p->cwd);
	}
	if (get_str_array(e, o, path, "args", true, &p->args, &p->n_args) < 0)
		return -1;
	if (p->n_args == 0 || !*p->args[0]) {
		strfmt(sub, P, "%s.args", path);
		return fail(e, sub, "must name a program to run (it is empty)");
	}
	if (get_str_array(e, o, path, "env", false, &p->env, &p->n_env) < 0)
		return -1;
	if (get_obj(e, o, path, "user", false, &v, sub) < 0)
		return -1;
	if (v) {
		x = 0;
		if (get_int(e, v, sub, "uid", false, 0, UINT32_MAX - 1, &x, NULL) < 0)
			return -1;
		p->uid = (uid_t)x;
		x = 0;
		if (get_int(e, v, sub, "gid", false, 0, UINT32_MAX - 1, &x, NULL) < 0)
			return -1;
		p->gid = (gid_t)x;
		bool has = false;
		x = 0;
		if (get_int(e, v, sub, "umask", false, 0, 0777, &x, &has) < 0)
			return -1;
		if (has)
			p->umask = (int)x;
		json_object *g;
		if (get_arr(e, v, sub, "additionalGids", false, &g, sub2, "an array of integers") < 0)
			return -1;
		if (g) {
			p->n_add_gids = json_object_array_length(g);
			p->add_gids = xcalloc(p->n_add_gids, sizeof(gid_t));
			for (size_t i = 0; i < p->n_add_gids; i++) {
				json_object *gi = json_object_array_get_idx(g, i);
				if (!json_object_is_type(gi, json_type_int) ||
				    json_object_get_int64(gi) < 0)
					return fail(e, sub2, "expected an array of integers");
				p->add_gids[i] = (gid_t)json_object_get_int64(gi);
			}
		}
	}
	if (get_obj(e, o, path, "capabilities", false, &v, sub) < 0)
		return -1;
	if (v) {
		p->has_caps = true;
		if (get_caps(e, v, sub, "bounding", &p->caps.bounding) < 0 ||
		    get_caps(e, v, sub, "effective", &p->caps.effective) < 0 ||
		    get_caps(e, v, sub, "inheritable", &p->caps.inheritable) < 0 ||
		    get_caps(e, v, sub, "permitted", &p->caps.permitted) < 0 ||
		    get_caps(e, v, sub, "ambient", &p->caps.ambient) < 0)
			return -1;
	}
	if (get_arr(e, o, path, "rlimits", false, &v, sub, "an array of objects") < 0)
		return -1;
	if (v) {
		p->n_rlimits = json_object_array_length(v);
		p->rlimits = xcalloc(p->n_rlimits, sizeof *p->rlimits);
		for (size_t i = 0; i < p->n_rlimits; i++) {
			json_object *r = json_object_array_get_idx(v, i);
			strfmt(sub2, P, "%s[%zu]", sub, i);
			if (!json_object_is_type(r, json_type_object))
				return fail(e, sub2, "expected an object, got %s", type_name(r));
			const char *type = NULL;
			if (get_str(e, r, sub2, "type", true, &type) < 0)
				return -1;
			int res = -1;
			for (size_t k = 0; k < sizeof RLIMITS / sizeof RLIMITS[0]; k++)
				if (!strcmp(RLIMITS[k].name, type))
					res = RLIMITS[k].res;
			if (res < 0) {
				char s3[P];
				strfmt(s3, P, "%s.type", sub2);
				return fail(e, s3, "unknown rlimit \"%s\"", type);
			}
			p->rlimits[i].resource = res;
			p->rlimits[i].name = type;
			if (get_u64(e, r, sub2, "soft", &p->rlimits[i].soft, NULL) < 0 ||
			    get_u64(e, r, sub2, "hard", &p->rlimits[i].hard, NULL) < 0)
				return -1;
		}
	}
	if (get_bool(e, o, path, "noNewPrivileges", &p->no_new_privs) < 0)
		return -1;
	x = 0;
	if (get_int(e, o, path, "oomScoreAdj", false, -1000, 1000, &x, &p->has_oom_score_adj) < 0)
		return -1;
	p->oom_score_adj = (int)x;
	return 0;
}

/* ------------------------------------------------------------ mounts */

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} MOUNT_FLAGS[] = {
	{"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
	{"nosuid", false, MS_NOSUID},      {"suid", true, MS_NOSUID},
	{"nodev", false, MS_NODEV},        {"dev", true, MS_NODEV},
	{"noexec", false, MS_NOEXEC},      {"exec", true, MS_NOEXEC},
	{"sync", false, MS_SYNCHRONOUS},   {"async", true, MS_SYNCHRONOUS},
	{"dirsync", false, MS_DIRSYNC},    {"remount", false, MS_REMOUNT},
	{"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},
	{"noatime", false, MS_NOATIME},    {"atime", true, MS_NOATIME},
	{"nodiratime", false, MS_NODIRATIME}, {"diratime", true, MS_NODIRATIME},
	{"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME},
	{"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
	{"lazytime", false, MS_LAZYTIME},  {"nolazytime", true, MS_LAZYTIME},
	{"silent", false, MS_SILENT},      {"loud", true, MS_SILENT},
};

static const struct {
	const char *name;
	unsigned long flag;
} PROPAGATION[] = {
	{"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
	{"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
	{"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
	{"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static unsigned long propagation_flag(const char *name)
{
	for (size_t k = 0; k < sizeof PROPAGATION / sizeof PROPAGATION[0]; k++)
		if (!strcmp(PROPAGATION[k].name, name))
			return PROPAGATION[k].flag;
	return 0;
}

static int parse_mount(E *e, json_object *m, const char *path, struct mount_spec *ms)
{
	char sub[P];
	if (!json_object_is_type(m, json_type_object))
		return fail(e, path, "expected an object, got %s", type_name(m));
	if (get_str(e, m, path, "destination", true, &ms->destination) < 0)
		return -1;
	if (ms->destination[0] != '/') {
		strfmt(sub, P, "%s.destination", path);
		return fail(e, sub, "must be an absolute path, got \"%s\"", ms->destination);
	}
	ms->type = "";
	ms->source = "";
	if (get_str(e, m, path, "type", false, &ms->type) < 0 ||
	    get_str(e, m, path, "source", false, &ms->source) < 0)
		return -1;
	const char **opts = NULL;
	size_t n = 0;
	if (get_str_array(e, m, path, "options", false, &opts, &n) < 0)
		return -1;
	size_t dlen = 0;
	char *data = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i];
		bool known = false;
		if (!strcmp(o, "bind") || !strcmp(o, "rbind")) {
			ms->bind = true;
			ms->flags |= MS_BIND | (o[0] == 'r' ? MS_REC : 0);
			continue;
		}
		for (size_t k = 0; k < sizeof MOUNT_FLAGS / sizeof MOUNT_FLAGS[0]; k++) {
			if (strcmp(MOUNT_FLAGS[k].name, o))
				continue;
			known = true;
			if (MOUNT_FLAGS[k].clear) {
				ms->flags &= ~MOUNT_FLAGS[k].flag;
				ms->clear |= MOUNT_FLAGS[k].flag;
			} else {
				ms->flags |= MOUNT_FLAGS[k].flag;
				ms->clear &= ~MOUNT_FLAGS[k].flag;
			}
		}
		unsigned long pf = propagation_flag(o);
		if (pf) {
			ms->propagation = pf;
			known = true;
		}
		if (known)
			continue;
		/* Anything else is for the filesystem itself: mode=755, size=64k, newinstance. */
		size_t ol = strlen(o);
		char *nd = realloc(data, dlen + ol + 2);
		if (!nd)
			die("out of memory");
		data = nd;
		if (dlen)
			data[dlen++] = ',';
		memcpy(data + dlen, o, ol + 1);
		dlen += ol;
	}
	free(opts);
	if (!strcmp(ms->type, "bind"))
		ms->bind = true, ms->flags |= MS_BIND;
	ms->data = data;
	return 0;
}

/* ------------------------------------------------------------ resources */

int spec_parse_resources(json_object *o, const char *path, struct resources *r, char *err,
			 size_t errlen)
{
	E ev = {err, errlen}, *e = &ev;
	char sub[P], sub2[P];
	json_object *v;
	if (get_obj(e, o, path, "memory", false, &v, sub) < 0)
		return -1;
	if (v) {
		if (get_int(e, v, sub, "limit", false, -1, INT64_MAX, &r->mem_limit,
			    &r->has_mem_limit) < 0 ||
		    get_int(e, v, sub, "reservation", false, -1, INT64_MAX, &r->mem_reservation,
			    &r->has_mem_reservation) < 0 ||
		    get_int(e, v, sub, "swap", false, -1, INT64_MAX, &r->mem_swap,
			    &r->has_mem_swap) < 0 ||
		    get_int(e, v, sub, "kernel", false, -1, INT64_MAX, &r->mem_kernel,
			    &r->has_mem_kernel) < 0 ||
		    get_int(e, v, sub, "kernelTCP", false, -1, INT64_MAX, &r->mem_kernel_tcp,
			    &r->has_mem_kernel_tcp) < 0 ||
		    get_bool(e, v, sub, "disableOOMKiller", &r->disable_oom_killer) < 0)
			return -1;
		long long sw = 0;
		if (get_int(e, v, sub, "swappiness", false, 0, 100, &sw, &r->has_mem_swappiness) < 0)
			return -1;
		r->mem_swappiness = (unsigned long long)sw;
	}
	if (get_obj(e, o, path, "cpu", false, &v, sub) < 0)
		return -1;
	if (v) {
		if (get_u64(e, v, sub, "shares", &r->cpu_shares, &r->has_cpu_shares) < 0 ||
		    get_int(e, v, sub, "quota", false, -1, INT64_MAX, &r->cpu_quota,
			    &r->has_cpu_quota) < 0 ||
		    get_u64(e, v, sub, "period", &r->cpu_period, &r->has_cpu_period) < 0 ||
		    get_str(e, v, sub, "cpus", false, &r->cpus) < 0 ||
		    get_str(e, v, sub, "mems", false, &r->mems) < 0)
			return -1;
	}
	if (get_obj(e, o, path, "pids", false, &v, sub) < 0)
		return -1;
	if (v && get_int(e, v, sub, "limit", false, -1, INT64_MAX, &r->pids_limit,
			 &r->has_pids_limit) < 0)
		return -1;
	if (get_obj(e, o, path, "blockIO", false, &v, sub) < 0)
		return -1;
	if (v) {
		long long w = 0;
		if (get_int(e, v, sub, "weight", false, 0, 1000, &w, &r->has_blkio_weight) < 0)
			return -1;
		if (r->has_blkio_weight && w != 0 && w < 10) {
			strfmt(sub2, P, "%s.weight", sub);
			return fail(e, sub2, "must be between 10 and 1000");
		}
		r->blkio_weight = (unsigned)w;
		r->has_blkio_weight = r->has_blkio_weight && w != 0;
	}
	if (get_arr(e, o, path, "devices", false, &v, sub, "an array of objects") < 0)
		return -1;
	if (v) {
		r->n_devices = json_object_array_length(v);
		r->devices = xcalloc(r->n_devices, sizeof *r->devices);
		for (size_t i = 0; i < r->n_devices; i++) {
			json_object *d = json_object_array_get_idx(v, i);
			struct device_rule *dr = &r->devices[i];
			strfmt(sub2, P, "%s[%zu]", sub, i);
			if (!json_object_is_type(d, json_type_object))
				return fail(e, sub2, "expected an object, got %s", type_name(d));
			const char *type = "a";
			dr->major = dr->minor = -1;
			dr->access = "rwm";
			json_object *al;
			char s3[P];
			if (field(e, d, sub2, "allow", true, json_type_boolean, "a boolean", &al, s3,
				  P) < 0)
				return -1;
			dr->allow = json_object_get_boolean(al);
			if (get_str(e, d, sub2, "type", false, &type) < 0 ||
			    get_int(e, d, sub2, "major", false, -1, INT32_MAX, &dr->major, NULL) < 0 ||
			    get_int(e, d, sub2, "minor", false, -1, INT32_MAX, &dr->minor, NULL) < 0 ||
			    get_str(e, d, sub2, "access", false, &dr->access) < 0)
				return -1;
			if (strlen(type) != 1 || !strchr("acb", type[0])) {
				strfmt(s3, P, "%s.type", sub2);
				return fail(e, s3, "must be \"a\", \"c\" or \"b\", got \"%s\"", type);
			}
			dr->type = type[0];
			if (strspn(dr->access, "rwm") != strlen(dr->access)) {
				strfmt(s3, P, "%s.access", sub2);
				return fail(e, s3, "must be made of r, w and m, got \"%s\"", dr->access);
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------ linux */

static int parse_idmaps(E *e, json_object *l, const char *path, const char *key,
			struct idmap **out, size_t *n)
{
	char sub[P], sub2[P];
	json_object *a;
	if (get_arr(e, l, path, key, false, &a, sub, "an array of objects") < 0)
		return -1;
	if (!a)
		return 0;
	*n = json_object_array_length(a);
	*out = xcalloc(*n, sizeof **out);
	for (size_t i = 0; i < *n; i++) {
		json_object *m = json_object_array_get_idx(a, i);
		strfmt(sub2, P, "%s[%zu]", sub, i);
		if (!json_object_is_type(m, json_type_object))
			return fail(e, sub2, "expected an object, got %s", type_name(m));
		long long c = 0, h = 0, s = 0;
		if (get_int(e, m, sub2, "containerID", true, 0, UINT32_MAX, &c, NULL) < 0 ||
		    get_int(e, m, sub2, "hostID", true, 0, UINT32_MAX, &h, NULL) < 0 ||
		    get_int(e, m, sub2, "size", true, 1, UINT32_MAX, &s, NULL) < 0)
			return -1;
		(*out)[i] = (struct idmap){(unsigned long)c, (unsigned long)h, (unsigned long)s};
	}
	return 0;
}

static int parse_linux(E *e, json_object *l, struct spec *s)
{
	const char *path = ".linux";
	char sub[P], sub2[P], sub3[P];
	json_object *v;
	if (get_arr(e, l, path, "namespaces", false, &v, sub, "an array of objects") < 0)
		return -1;
	if (v) {
		s->n_namespaces = json_object_array_length(v);
		s->namespaces = xcalloc(s->n_namespaces, sizeof *s->namespaces);
		int seen = 0;
		for (size_t i = 0; i < s->n_namespaces; i++) {
			json_object *n = json_object_array_get_idx(v, i);
			strfmt(sub2, P, "%s[%zu]", sub, i);
			if (!json_object_is_type(n, json_type_object))
				return fail(e, sub2, "expected an object, got %s", type_name(n));
			const char *type = NULL;
			if (get_str(e, n, sub2, "type", true, &type) < 0)
				return -1;
			int flag = ns_flag_from_name(type);
			strfmt(sub3, P, "%s.type", sub2);
			if (!flag)
				return fail(e, sub3,
					    "unknown namespace \"%s\" (expected pid, network, mount, "
					    "ipc, uts, user, cgroup or time)",
					    type);
			if (seen & flag)
				return fail(e, sub3, "namespace \"%s\" is listed twice", type);
			seen |= flag;
			s->namespaces[i].flag = flag;
			s->namespaces[i].name = type;
			if (get_str(e, n, sub2, "path", false, &s->namespaces[i].path) < 0)
				return -1;
			if (s->namespaces[i].path && !*s->namespaces[i].path)
				s->namespaces[i].path = NULL;
		}
	}
	if (parse_idmaps(e, l, path, "uidMappings", &s->uid_maps, &s->n_uid_maps) < 0 ||
	    parse_idmaps(e, l, path, "gidMappings", &s->gid_maps, &s->n_gid_maps) < 0)
		return -1;
	const struct ns_spec *user = spec_ns(s, CLONE_NEWUSER);
	if (user && !user->path && (!s->n_uid_maps || !s->n_gid_maps))
		return fail(e, s->n_uid_maps ? ".linux.gidMappings" : ".linux.uidMappings",
			    "a new user namespace needs uid and gid mappings");
	if ((s->n_uid_maps || s->n_gid_maps) && (!user || user->path))
		return fail(e, ".linux.uidMappings",
			    "mappings need a new user namespace in .linux.namespaces");
	if (get_arr(e, l, path, "devices", false, &v, sub, "an array of objects") < 0)
		return -1;
	if (v) {
		s->n_devices = json_object_array_length(v);
		s->devices = xcalloc(s->n_devices, sizeof *s->devices);
		for (size_t i = 0; i < s->n_devices; i++) {
			json_object *d = json_object_array_get_idx(v, i);
			struct device_spec *ds = &s->devices[i];
			strfmt(sub2, P, "%s[%zu]", sub, i);
			if (!json_object_is_type(d, json_type_object))
				return fail(e, sub2, "expected an object, got %s", type_name(d));
			const char *type = NULL;
			long long mode = 0666, uid = 0, gid = 0;
			if (get_str(e, d, sub2, "path", true, &ds->path) < 0 ||
			    get_str(e, d, sub2, "type", true, &type) < 0 ||
			    get_int(e, d, sub2, "major", false, 0, INT32_MAX, &ds->major, NULL) < 0 ||
			    get_int(e, d, sub2, "minor", false, 0, INT32_MAX, &ds->minor, NULL) < 0 ||
			    get_int(e, d, sub2, "fileMode", false, 0, 07777, &mode, NULL) < 0 ||
			    get_int(e, d, sub2, "uid", false, 0, UINT32_MAX, &uid, NULL) < 0 ||
			    get_int(e, d, sub2, "gid", false, 0, UINT32_MAX, &gid, NULL) < 0)
				return -1;
			if (strlen(type) != 1 || !strchr("cbup", type[0])) {
				strfmt(sub3, P, "%s.type", sub2);
				return fail(e, sub3, "must be c, b, u or p, got \"%s\"", type);
			}
			if (ds->path[0] != '/' || strncmp(ds->path, "/dev/", 5)) {
				strfmt(sub3, P, "%s.path", sub2);
				return fail(e, sub3, "must be under /dev, got \"%s\"", ds->path);
			}
			ds->type = type[0] == 'u' ? 'c' : type[0];
			ds->mode = (unsigned)mode;
			ds->uid = (unsigned)uid;
			ds->gid = (unsigned)gid;
		}
	}
	if (get_obj(e, l, path, "sysctl", false, &v, sub) < 0)
		return -1;
	if (v) {
		s->n_sysctl = (size_t)json_object_object_length(v);
		s->sysctl_keys = xcalloc(s->n_sysctl, sizeof(char *));
		s->sysctl_values = xcalloc(s->n_sysctl, sizeof(char *));
		size_t i = 0;
		json_object_object_foreach(v, key, val)
		{
			strfmt(sub2, P, "%s[\"%s\"]", sub, key);
			if (!json_object_is_type(val, json_type_string))
				return fail(e, sub2, "expected a string, got %s", type_name(val));
			if (strstr(key, "..") || strchr(key, '/') == key)
				return fail(e, sub2, "not a sysctl name");
			s->sysctl_keys[i] = key;
			s->sysctl_values[i++] = json_object_get_string(val);
		}
	}
	if (get_str(e, l, path, "cgroupsPath", false, &s->cgroups_path) < 0)
		return -1;
	if (get_obj(e, l, path, "resources", false, &v, sub) < 0)
		return -1;
	if (v && spec_parse_resources(v, sub, &s->resources, e->err, e->len) < 0)
		return -1;
	if (get_obj(e, l, path, "seccomp", false, &v, sub) < 0)
		return -1;
	if (v) {
		s->has_seccomp = true;
		if (seccomp_check_spec(v, sub, &s->seccomp, e->err, e->len) < 0)
			return -1;
	}
	if (get_str_array(e, l, path, "maskedPaths", false, &s->masked, &s->n_masked) < 0 ||
	    get_str_array(e, l, path, "readonlyPaths", false, &s->readonly, &s->n_readonly) < 0)
		return -1;
	const char *prop = NULL;
	if (get_str(e, l, path, "rootfsPropagation", false, &prop) < 0)
		return -1;
	if (prop && *prop) {
		s->rootfs_propagation = propagation_flag(prop);
		if (!s->rootfs_propagation)
			return fail(e, ".linux.rootfsPropagation",
				    "unknown propagation \"%s\" (expected private, rprivate, "
				    "slave, rslave, shared, rshared, unbindable or runbindable)",
				    prop);
	}
	return 0;
}

/* ------------------------------------------------------------ hooks */

static int parse_hooks(E *e, json_object *h, struct spec *s)
{
	static const char *KINDS[] = {"prestart", "createRuntime", "poststart", "poststop"};
	char sub[P], sub2[P];
	for (const char *bad[] = {"createContainer", "startContainer"}, **k = bad; k < bad + 2; k++) {
		json_object *v;
		if (json_object_object_get_ex(h, *k, &v) && json_object_is_type(v, json_type_array) &&
		    json_object_array_length(v) > 0) {
			strfmt(sub, P, ".hooks.%s", *k);
			return fail(e, sub, "not supported by this runtime");
		}
	}
	for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++) {
		json_object *a;
		if (get_arr(e, h, ".hooks", KINDS[k], false, &a, sub, "an array of objects") < 0)
			return -1;
		if (!a)
			continue;
		size_t n = json_object_array_length(a);
		struct hook_spec *nh = realloc(s->hooks, (s->n_hooks + n + 1) * sizeof *nh);
		if (!nh)
			die("out of memory");
		s->hooks = nh;
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_array_get_idx(a, i);
			struct hook_spec *hk = &s->hooks[s->n_hooks];
			memset(hk, 0, sizeof *hk);
			strfmt(sub2, P, "%s[%zu]", sub, i);
			if (!json_object_is_type(o, json_type_object))
				return fail(e, sub2, "expected an object, got %s", type_name(o));
			hk->kind = KINDS[k];
			s->n_hooks++; /* counted now, so spec_free frees what is parsed below */
			size_t na = 0, ne = 0;
			long long t = 0;
			if (get_str(e, o, sub2, "path", true, &hk->path) < 0 ||
			    get_str_array(e, o, sub2, "args", false, &hk->args, &na) < 0 ||
			    get_str_array(e, o, sub2, "env", false, &hk->env, &ne) < 0 ||
			    get_int(e, o, sub2, "timeout", false, 1, 3600, &t, NULL) < 0)
				return -1;
			if (hk->path[0] != '/') {
				char s3[P];
				strfmt(s3, P, "%s.path", sub2);
				return fail(e, s3, "must be an absolute path, got \"%s\"", hk->path);
			}
			if (!na) {
				free((void *)hk->args);
				hk->args = xcalloc(2, sizeof(char *));
				hk->args[0] = hk->path;
			}
			hk->timeout = (int)t;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ top level */

int spec_parse(const char *text, size_t len, struct spec *s, char *err, size_t errlen)
{
	E ev = {err, errlen}, *e = &ev;
	char sub[P];
	memset(s, 0, sizeof *s);
	s->process.umask = -1;
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		die("out of memory");
	json_object *root = json_tokener_parse_ex(tok, text, (int)(len > INT32_MAX ? INT32_MAX : len));
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t off = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		if (root)
			json_object_put(root);
		snprintf(err, errlen, "config.json: invalid JSON at byte %zu: %s", off,
			 jerr == json_tokener_continue ? "unexpected end of file"
						       : json_tokener_error_desc(jerr));
		return -1;
	}
	for (size_t i = off; i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			json_object_put(root);
			snprintf(err, errlen, "config.json: invalid JSON at byte %zu: trailing data", i);
			return -1;
		}
	}
	s->json = root;
	if (!json_object_is_type(root, json_type_object))
		return fail(e, ".", "expected an object, got %s", type_name(root));
	if (get_str(e, root, "", "ociVersion", true, &s->oci_version) < 0)
		return -1;
	json_object *v;
	if (get_obj(e, root, "", "root", true, &v, sub) < 0)
		return -1;
	if (get_str(e, v, sub, "path", true, &s->root_path) < 0 ||
	    get_bool(e, v, sub, "readonly", &s->root_readonly) < 0)
		return -1;
	if (!*s->root_path)
		return fail(e, ".root.path", "must not be empty");
	if (get_obj(e, root, "", "process", true, &v, sub) < 0)
		return -1;
	if (spec_parse_process(v, sub, &s->process, err, errlen) < 0)
		return -1;
	if (get_str(e, root, "", "hostname", false, &s->hostname) < 0)
		return -1;
	if (get_arr(e, root, "", "mounts", false, &v, sub, "an array of objects") < 0)
		return -1;
	if (v) {
		s->n_mounts = json_object_array_length(v);
		s->mounts = xcalloc(s->n_mounts, sizeof *s->mounts);
		for (size_t i = 0; i < s->n_mounts; i++) {
			char sub2[P];
			strfmt(sub2, P, ".mounts[%zu]", i);
			if (parse_mount(e, json_object_array_get_idx(v, i), sub2, &s->mounts[i]) < 0)
				return -1;
		}
	}
	if (get_obj(e, root, "", "linux", false, &v, sub) < 0)
		return -1;
	if (v && parse_linux(e, v, s) < 0)
		return -1;
	if (s->hostname && *s->hostname) {
		/* A uts namespace joined by path is fine too: the hostname is set there. */
		if (!spec_has_ns(s, CLONE_NEWUTS))
			return fail(e, ".hostname",
				    "setting the hostname needs a uts namespace in .linux.namespaces "
				    "(without one it would be the host's)");
	}
	if (get_obj(e, root, "", "annotations", false, &s->annotations, sub) < 0)
		return -1;
	if (get_obj(e, root, "", "hooks", false, &v, sub) < 0)
		return -1;
	if (v && parse_hooks(e, v, s) < 0)
		return -1;
	return 0;
}

bool spec_has_ns(const struct spec *s, int flag) { return spec_ns(s, flag) != NULL; }

const struct ns_spec *spec_ns(const struct spec *s, int flag)
{
	for (size_t i = 0; i < s->n_namespaces; i++)
		if (s->namespaces[i].flag == flag)
			return &s->namespaces[i];
	return NULL;
}

void spec_load(const char *bundle, struct spec *s)
{
	char *path = xasprintf("%s/config.json", bundle);
	size_t len;
	char *text = read_file(path, &len);
	if (!text)
		die_errno("open %s", path);
	char err[2048];
	if (spec_parse(text, len, s, err, sizeof err) < 0)
		die("%s", err);
	free(text);
	free(path);
	char *rootfs = s->root_path[0] == '/' ? xstrdup(s->root_path)
					      : xasprintf("%s/%s", bundle, s->root_path);
	char *real = realpath(rootfs, NULL);
	struct stat st;
	if (!real || stat(real, &st) < 0)
		die("config.json: .root.path: rootfs %s does not exist", rootfs);
	if (!S_ISDIR(st.st_mode))
		die("config.json: .root.path: rootfs %s is not a directory", rootfs);
	free(rootfs);
	s->rootfs = real;
}

void spec_free(struct spec *s)
{
	free(s->process.args);
	free(s->process.env);
	free(s->process.add_gids);
	free(s->process.rlimits);
	for (size_t i = 0; i < s->n_mounts; i++)
		free(s->mounts[i].data);
	free(s->mounts);
	free(s->namespaces);
	free(s->uid_maps);
	free(s->gid_maps);
	free(s->masked);
	free(s->readonly);
	free(s->devices);
	free(s->sysctl_keys);
	free(s->sysctl_values);
	free(s->resources.devices);
	for (size_t i = 0; i < s->seccomp.n_rules; i++) {
		free(s->seccomp.rules[i].names);
		free(s->seccomp.rules[i].args);
	}
	free(s->seccomp.rules);
	free(s->seccomp.archs);
	for (size_t i = 0; i < s->n_hooks; i++) {
		free((void *)s->hooks[i].args);
		free((void *)s->hooks[i].env);
	}
	free(s->hooks);
	free(s->rootfs);
	if (s->json)
		json_object_put(s->json);
	memset(s, 0, sizeof *s);
}
