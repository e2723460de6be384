/*
 * libFuzzer harness for the config.json parser (spec.c): any byte string must either
 * parse or produce one "config.json: .path: problem" line; never crash, leak or hang.
 *   make -C native fuzz && native/build/fuzz-spec -max_total_time=60 native/fuzz/corpus
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct global_opts g_opts = {.root = DEFAULT_ROOT};
char **g_argv;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct spec s;
	char err[2048] = "";
	int r = spec_parse(text, size, &s, err, sizeof err);
	if (r < 0 && strncmp(err, "config.json: ", 13))
		abort(); /* every error names the file and a path */
	spec_free(&s);
	free(text);
	return 0;
}
