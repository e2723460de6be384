/*
 * `spec`: the starting point every lesson copies. Lesson concept: a default config.json
 * is a sensible, locked-down container: new pid, network, ipc, uts and mount namespaces,
 * three capabilities, a read-only root, /proc and /sys partly masked. It is the same
 * document `runc spec` writes; `--rootless` adapts it for an unprivileged user (a user
 * namespace mapping your uid to root, no network namespace, /sys bind-mounted).
 */
#include "runtime.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char DEFAULT_SPEC[] =
	"{\"ociVersion\":\"" OCI_VERSION "\","
	"\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
	"\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
	"\"TERM=xterm\"],\"cwd\":\"/\","
	"\"capabilities\":{"
	"\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
	"\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
	"\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
	"\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
	"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
	"\"noNewPrivileges\":true},"
	"\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	"\"hostname\":\"contlab\","
	"\"mounts\":["
	"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	"\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
	"\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\","
	"\"gid=5\"]},"
	"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
	"{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
	"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
	"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
	"\"linux\":{"
	"\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
	"\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
	"{\"type\":\"uts\"},{\"type\":\"mount\"}],"
	"\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
	"\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\","
	"\"/proc/sched_debug\",\"/sys/firmware\",\"/proc/scsi\"],"
	"\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
	"\"/proc/sysrq-trigger\"]}}";

static json_object *idmap(unsigned id)
{
	json_object *a = json_object_new_array();
	json_object *m = json_object_new_object();
	json_object_object_add(m, "containerID", json_object_new_int(0));
	json_object_object_add(m, "hostID", json_object_new_int64(id));
	json_object_object_add(m, "size", json_object_new_int(1));
	json_object_array_add(a, m);
	return a;
}

static void make_rootless(json_object *spec)
{
	json_object *linux_, *mounts, *ns;
	json_object_object_get_ex(spec, "linux", &linux_);
	json_object_object_del(linux_, "resources");
	json_object_object_add(linux_, "uidMappings", idmap((unsigned)getuid()));
	json_object_object_add(linux_, "gidMappings", idmap((unsigned)getgid()));
	json_object_object_get_ex(linux_, "namespaces", &ns);
	json_object *newns = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(ns); i++) {
		json_object *n = json_object_array_get_idx(ns, i), *t;
		json_object_object_get_ex(n, "type", &t);
		if (strcmp(json_object_get_string(t), "network"))
			json_object_array_add(newns, json_object_get(n));
	}
	json_object *user = json_object_new_object();
	json_object_object_add(user, "type", json_object_new_string("user"));
	json_object_array_add(newns, user);
	json_object_object_add(linux_, "namespaces", newns);
	json_object_object_get_ex(spec, "mounts", &mounts);
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		json_object *m = json_object_array_get_idx(mounts, i), *d, *opts;
		json_object_object_get_ex(m, "destination", &d);
		json_object_object_get_ex(m, "options", &opts);
		const char *dest = json_object_get_string(d);
		if (!strcmp(dest, "/sys")) {
			json_object_object_add(m, "type", json_object_new_string("none"));
			json_object_object_add(m, "source", json_object_new_string("/sys"));
			json_object *o = json_object_new_array();
			const char *v[] = {"rbind", "nosuid", "noexec", "nodev", "ro"};
			for (int k = 0; k < 5; k++)
				json_object_array_add(o, json_object_new_string(v[k]));
			json_object_object_add(m, "options", o);
		} else if (!strcmp(dest, "/dev/pts") && opts) {
			json_object *o = json_object_new_array();
			for (size_t k = 0; k < json_object_array_length(opts); k++) {
				json_object *x = json_object_array_get_idx(opts, k);
				if (strcmp(json_object_get_string(x), "gid=5"))
					json_object_array_add(o, json_object_get(x));
			}
			json_object_object_add(m, "options", o);
		}
	}
}

int cmd_spec(int argc, char **argv)
{
	const char *bundle = NULL;
	bool rootless = false;
	struct flag f[] = {{"bundle", "b", true, &bundle, NULL, NULL},
			   {"rootless", NULL, false, NULL, &rootless, NULL},
			   {NULL, NULL, false, NULL, NULL, NULL}};
	parse_flags("spec", argc, argv, f);
	json_object *spec = json_tokener_parse(DEFAULT_SPEC);
	if (!spec)
		die("internal error: the default spec does not parse");
	if (rootless)
		make_rootless(spec);
	char *path = bundle ? xasprintf("%s/config.json", bundle) : xstrdup("config.json");
	if (access(path, F_OK) == 0)
		die("File %s exists. Remove it first", "config.json");
	const char *text = json_object_to_json_string_ext(
		spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB |
			      JSON_C_TO_STRING_NOSLASHESCAPE);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		die_errno("create %s", path);
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		die_errno("write %s", path);
	close(fd);
	free(path);
	json_object_put(spec);
	return 0;
}
