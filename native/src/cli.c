/*
 * runc's command line. Lesson concept: an OCI runtime is driven by a higher-level
 * manager (containerd's shim, docker, or you) through a small, fixed command line:
 *
 *   contlab-runtime [--root R] [--log F --log-format json] [--trace F] COMMAND ...
 *     create --bundle B --pid-file P [--console-socket S] ID
 *     start ID | state ID | kill [--all] ID [SIGNAL] | delete [--force] ID
 *     run | exec | ps | pause | resume | update | list | spec | features
 *
 * Flags are parsed the way runc's (Go) parser does: -flag, --flag, --flag=value, all
 * flags before the positional arguments. Global flags runc accepts but that mean nothing
 * here (--systemd-cgroup, --criu, --rootless) are accepted and ignored.
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct global_opts g_opts = {.root = DEFAULT_ROOT};
char **g_argv;

int parse_flags(const char *cmd, int argc, char **argv, struct flag *flags)
{
	int i;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		const char *name = a + 1;
		if (*name == '-')
			name++;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		struct flag *f = NULL;
		for (struct flag *k = flags; k->name; k++)
			if ((strlen(k->name) == nlen && !strncmp(k->name, name, nlen)) ||
			    (k->alias && strlen(k->alias) == nlen && !strncmp(k->alias, name, nlen)))
				f = k;
		if (!strncmp(name, "help", nlen) || (nlen == 1 && name[0] == 'h')) {
			printf("usage: %s [global flags] %s [flags] <container-id>\n", RUNTIME_NAME, cmd);
			exit(0);
		}
		if (!f)
			die("%s: flag provided but not defined: -%.*s", cmd, (int)nlen, name);
		if (f->has_value) {
			const char *v;
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else
				die("%s: flag needs an argument: -%.*s", cmd, (int)nlen, name);
			if (f->multi) {
				size_t n = 0;
				while (*f->multi && (*f->multi)[n])
					n++;
				const char **nv = realloc((void *)*f->multi, (n + 2) * sizeof(char *));
				if (!nv)
					die("out of memory");
				nv[n] = v;
				nv[n + 1] = NULL;
				*f->multi = nv;
			} else {
				*f->value = v;
			}
		} else if (f->set) {
			*f->set = !eq || !strcmp(eq + 1, "true") || !strcmp(eq + 1, "1");
		}
	}
	return i;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
	bool sealed; /* runs container code: re-exec from a sealed copy first */
} COMMANDS[] = {
	{"create", cmd_create, true}, {"run", cmd_run, true},       {"exec", cmd_exec, true},
	{"start", cmd_start, false},  {"state", cmd_state, false},  {"list", cmd_list, false},
	{"kill", cmd_kill, false},    {"delete", cmd_delete, false}, {"ps", cmd_ps, false},
	{"pause", cmd_pause, false},  {"resume", cmd_resume, false}, {"update", cmd_update, false},
	{"spec", cmd_spec, false},    {"features", cmd_features, false},
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [global flags] <command> [flags] [args]\n\n"
		"A small, traced, runc-compatible OCI runtime (the contlab lab).\n\n"
		"commands:\n"
		"  create   create a container (init waits for start)\n"
		"  start    start the process of a created container\n"
		"  run      create and start, wait for it (unless --detach)\n"
		"  exec     run another process in a container\n"
		"  state    print the OCI state of a container\n"
		"  list     list containers\n"
		"  kill     send a signal to init (--all: to every process)\n"
		"  ps       list the host pids in the container's cgroup\n"
		"  pause    freeze every process of the container\n"
		"  resume   thaw them\n"
		"  update   change cgroup limits (--resources FILE|-)\n"
		"  delete   remove a stopped container (--force: kill it first)\n"
		"  spec     write a default config.json (--rootless)\n"
		"  features print what this runtime supports (JSON)\n\n"
		"global flags:\n"
		"  --root DIR          state directory (default " DEFAULT_ROOT ")\n"
		"  --log FILE          log errors to FILE\n"
		"  --log-format FMT    text or json\n"
		"  --trace FILE        one JSON line per kernel step (or CONTLAB_TRACE_FD=N)\n"
		"  --systemd-cgroup, --debug, --criu PATH, --rootless VALUE: accepted\n"
		"  --version, -v       print the version\n\n"
		"environment: CONTLAB_PAUSE_AT=STEP stops the runtime (SIGSTOP) after a traced step\n",
		RUNTIME_NAME);
}

int main(int argc, char **argv)
{
	g_argv = argv;
	const char *log_format = "text", *ignored = NULL;
	bool version = false, help = false;
	struct flag f[] = {
		{"root", NULL, true, &g_opts.root, NULL, NULL},
		{"log", NULL, true, &g_opts.log_path, NULL, NULL},
		{"log-format", NULL, true, &log_format, NULL, NULL},
		{"trace", NULL, true, &g_opts.trace_path, NULL, NULL},
		{"debug", NULL, false, NULL, &g_opts.debug, NULL},
		{"systemd-cgroup", NULL, false, NULL, &g_opts.systemd_cgroup, NULL},
		{"criu", NULL, true, &ignored, NULL, NULL},
		{"rootless", NULL, true, &ignored, NULL, NULL},
		{"version", "v", false, NULL, &version, NULL},
		{NULL, NULL, false, NULL, NULL, NULL},
	};
	/* --help is handled here rather than by parse_flags, which would print a sub-usage. */
	for (int i = 1; i < argc && argv[i][0] == '-'; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			help = true;
	if (help) {
		usage(stdout);
		return 0;
	}
	int i = parse_flags("", argc, argv, f);
	g_opts.log_json = !strcmp(log_format, "json");
	if (strcmp(log_format, "json") && strcmp(log_format, "text"))
		die("invalid log-format: %s", log_format);
	if (version) {
		printf("%s version %s\nspec: %s\n", RUNTIME_NAME, RUNTIME_VERSION, OCI_VERSION);
		return 0;
	}
	log_open();
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	const char *cmd = argv[i];
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (g_opts.root[0] != '/') {
		char *abs = realpath(g_opts.root, NULL);
		if (abs)
			g_opts.root = abs;
	}
	for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++) {
		if (strcmp(COMMANDS[k].name, cmd))
			continue;
		trace_open();
		if (COMMANDS[k].sealed)
			ensure_cloned_binary();
		return COMMANDS[k].fn(argc - i, argv + i);
	}
	die("No help topic for '%s'", cmd);
}
