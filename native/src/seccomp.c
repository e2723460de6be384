/*
 * Seccomp: which system calls the process may make at all. Lesson concept: a filter
 * (a small BPF program) runs on every syscall and returns allow, an errno, or kill.
 * config.json's linux.seccomp lists a default action and rules per syscall name;
 * libseccomp compiles them for each listed architecture.
 *
 * It is loaded last, after no_new_privs (an unprivileged filter requires it) and just
 * before execve, so the runtime's own setup is not filtered.
 */
#include "runtime.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_action(const char *name, unsigned errno_ret, uint32_t *out)
{
	if (!strcmp(name, "SCMP_ACT_ALLOW")) *out = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO")) *out = SCMP_ACT_ERRNO(errno_ret);
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS")) *out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP")) *out = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_TRACE")) *out = SCMP_ACT_TRACE(errno_ret);
	else if (!strcmp(name, "SCMP_ACT_LOG")) *out = SCMP_ACT_LOG;
	else return -1;
	return 0;
}

static int parse_op(const char *name)
{
	static const struct {
		const char *n;
		int op;
	} OPS[] = {{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
		   {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
		   {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
		   {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
	for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
		if (!strcmp(OPS[i].n, name))
			return OPS[i].op;
	return -1;
}

static int err(char *e, size_t len, const char *path, const char *msg, const char *what)
{
	snprintf(e, len, "config.json: %s: %s%s%s%s", path, msg, what ? " \"" : "",
		 what ? what : "", what ? "\"" : "");
	return -1;
}

static int get_string(json_object *o, const char *key, const char **out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = json_object_get_string(v);
	return 0;
}

int seccomp_check_spec(json_object *o, const char *path, struct seccomp_spec *sc, char *e,
		       size_t len)
{
	char p[512];
	const char *def = NULL;
	unsigned def_errno = 1; /* EPERM */
	json_object *v;
	strfmt(p, sizeof p, "%s.defaultAction", path);
	if (get_string(o, "defaultAction", &def) < 0)
		return err(e, len, p, "expected a string", NULL);
	if (!def)
		return err(e, len, p, "required field is missing", NULL);
	if (json_object_object_get_ex(o, "defaultErrnoRet", &v) && v) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
			return err(e, len, p, "expected a non-negative integer", NULL);
		def_errno = (unsigned)json_object_get_int64(v);
	}
	if (parse_action(def, def_errno, &sc->default_action) < 0)
		return err(e, len, p, "unknown action", def);
	strfmt(p, sizeof p, "%s.architectures", path);
	if (json_object_object_get_ex(o, "architectures", &v) && v) {
		if (!json_object_is_type(v, json_type_array))
			return err(e, len, p, "expected an array of strings", NULL);
		sc->n_archs = json_object_array_length(v);
		sc->archs = xcalloc(sc->n_archs + 1, sizeof(char *));
		for (size_t i = 0; i < sc->n_archs; i++) {
			json_object *a = json_object_array_get_idx(v, i);
			if (!json_object_is_type(a, json_type_string))
				return err(e, len, p, "expected an array of strings", NULL);
			sc->archs[i] = json_object_get_string(a);
			if (strncmp(sc->archs[i], "SCMP_ARCH_", 10))
				return err(e, len, p, "unknown architecture", sc->archs[i]);
		}
	}
	strfmt(p, sizeof p, "%s.syscalls", path);
	if (!json_object_object_get_ex(o, "syscalls", &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return err(e, len, p, "expected an array of objects", NULL);
	sc->n_rules = json_object_array_length(v);
	sc->rules = xcalloc(sc->n_rules, sizeof *sc->rules);
	for (size_t i = 0; i < sc->n_rules; i++) {
		struct seccomp_rule *r = &sc->rules[i];
		json_object *ro = json_object_array_get_idx(v, i), *names, *x;
		char rp[600];
		strfmt(rp, sizeof rp, "%s.syscalls[%zu]", path, i);
		if (!json_object_is_type(ro, json_type_object))
			return err(e, len, rp, "expected an object", NULL);
		strfmt(p, sizeof p, "%s.names", rp);
		if (!json_object_object_get_ex(ro, "names", &names) ||
		    !json_object_is_type(names, json_type_array))
			return err(e, len, p, "expected an array of strings", NULL);
		r->n_names = json_object_array_length(names);
		r->names = xcalloc(r->n_names + 1, sizeof(char *));
		for (size_t k = 0; k < r->n_names; k++) {
			json_object *n = json_object_array_get_idx(names, k);
			if (!json_object_is_type(n, json_type_string))
				return err(e, len, p, "expected an array of strings", NULL);
			r->names[k] = json_object_get_string(n);
		}
		unsigned eret = 1;
		if (json_object_object_get_ex(ro, "errnoRet", &x) && x) {
			strfmt(p, sizeof p, "%s.errnoRet", rp);
			if (!json_object_is_type(x, json_type_int) || json_object_get_int64(x) < 0)
				return err(e, len, p, "expected a non-negative integer", NULL);
			eret = (unsigned)json_object_get_int64(x);
		}
		const char *action = NULL;
		strfmt(p, sizeof p, "%s.action", rp);
		if (get_string(ro, "action", &action) < 0 || !action)
			return err(e, len, p, "expected a string", NULL);
		if (parse_action(action, eret, &r->action) < 0)
			return err(e, len, p, "unknown action", action);
		if (json_object_object_get_ex(ro, "args", &x) && x) {
			strfmt(p, sizeof p, "%s.args", rp);
			if (!json_object_is_type(x, json_type_array))
				return err(e, len, p, "expected an array of objects", NULL);
			r->n_args = json_object_array_length(x);
			r->args = xcalloc(r->n_args, sizeof *r->args);
			for (size_t k = 0; k < r->n_args; k++) {
				json_object *a = json_object_array_get_idx(x, k), *f;
				char ap[700];
				strfmt(ap, sizeof ap, "%s[%zu]", p, k);
				if (!json_object_is_type(a, json_type_object))
					return err(e, len, ap, "expected an object", NULL);
				if (!json_object_object_get_ex(a, "index", &f) ||
				    !json_object_is_type(f, json_type_int) ||
				    json_object_get_int64(f) < 0 || json_object_get_int64(f) > 5)
					return err(e, len, ap, "index must be an integer 0..5", NULL);
				r->args[k].index = (unsigned)json_object_get_int64(f);
				if (json_object_object_get_ex(a, "value", &f))
					r->args[k].value = json_object_get_uint64(f);
				if (json_object_object_get_ex(a, "valueTwo", &f))
					r->args[k].value_two = json_object_get_uint64(f);
				const char *op = NULL;
				if (get_string(a, "op", &op) < 0 || !op)
					return err(e, len, ap, "op: expected a string", NULL);
				r->args[k].op = parse_op(op);
				if (r->args[k].op < 0)
					return err(e, len, ap, "unknown op", op);
			}
		}
	}
	return 0;
}

static uint32_t arch_token(const char *name)
{
	char lower[64];
	size_t i;
	const char *n = name + 10; /* after SCMP_ARCH_ */
	for (i = 0; n[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] + 32 : n[i]);
	lower[i] = '\0';
	if (!strcmp(lower, "x86_64")) return SCMP_ARCH_X86_64;
	if (!strcmp(lower, "x86")) return SCMP_ARCH_X86;
	if (!strcmp(lower, "x32")) return SCMP_ARCH_X32;
	return seccomp_arch_resolve_name(lower);
}

void seccomp_load_spec(const struct seccomp_spec *sc)
{
	uint64_t t0 = trace_now();
	scmp_filter_ctx ctx = seccomp_init(sc->default_action);
	if (!ctx)
		die("seccomp_init failed");
	/* We set no_new_privs ourselves when config.json asks for it. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; i < sc->n_archs; i++) {
		uint32_t a = arch_token(sc->archs[i]);
		if (!a)
			continue; /* an architecture libseccomp does not know: skip, like runc */
		int r = seccomp_arch_add(ctx, a);
		if (r < 0 && r != -EEXIST) {
			errno = -r;
			die_errno("seccomp: add architecture %s", sc->archs[i]);
		}
	}
	size_t n_rules = 0;
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct seccomp_rule *r = &sc->rules[i];
		if (r->action == sc->default_action)
			continue;
		for (size_t k = 0; k < r->n_names; k++) {
			int nr = seccomp_syscall_resolve_name(r->names[k]);
			if (nr == __NR_SCMP_ERROR)
				continue; /* unknown to this kernel/libseccomp: ignored, like runc */
			/* Several conditions on the same argument mean OR: one rule each. */
			bool same_index = false;
			for (size_t a = 0; a < r->n_args; a++)
				for (size_t b = a + 1; b < r->n_args; b++)
					if (r->args[a].index == r->args[b].index)
						same_index = true;
			struct scmp_arg_cmp cmp[6];
			int rc = 0;
			if (!same_index) {
				unsigned n = 0;
				for (size_t a = 0; a < r->n_args && n < 6; a++, n++)
					cmp[n] = (struct scmp_arg_cmp){r->args[a].index,
								       (enum scmp_compare)r->args[a].op,
								       r->args[a].value,
								       r->args[a].value_two};
				rc = seccomp_rule_add_array(ctx, r->action, nr, n, cmp);
			} else {
				for (size_t a = 0; a < r->n_args && rc == 0; a++) {
					cmp[0] = (struct scmp_arg_cmp){r->args[a].index,
								       (enum scmp_compare)r->args[a].op,
								       r->args[a].value, r->args[a].value_two};
					rc = seccomp_rule_add_array(ctx, r->action, nr, 1, cmp);
				}
			}
			if (rc < 0) {
				errno = -rc;
				die_errno("seccomp: add rule for %s", r->names[k]);
			}
			n_rules++;
		}
	}
	int rc = seccomp_load(ctx);
	seccomp_release(ctx);
	trace_step("seccomp", rc == 0, t0, rc < 0 ? -rc : 0, "load filter (%zu syscall rules)",
		   n_rules);
	if (rc < 0) {
		errno = -rc;
		die_errno("seccomp: load filter");
	}
}
