/*
 * What contlab-procwatch writes besides events: error lines (on stdout, where the lab
 * reads them, and on stderr for a human running it by hand) and percent-encoded text.
 */
#include "procwatch.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static void verror(const char *suffix, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* A line break in the message would split the line the lab parses. */
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("error %s%s\n", msg, suffix);
	fflush(stdout);
	fprintf(stderr, "contlab-procwatch: %s%s\n", msg, suffix);
}

void pw_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror("", fmt, ap);
	va_end(ap);
}

void pw_error_errno(const char *fmt, ...)
{
	char suffix[160];
	snprintf(suffix, sizeof suffix, ": %s", strerror(errno));
	va_list ap;
	va_start(ap, fmt);
	verror(suffix, fmt, ap);
	va_end(ap);
}

void pw_put_encoded(FILE *out, const char *text, size_t len)
{
	if (len == 0) {
		fputc('-', out);
		return;
	}
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		/* "-" alone means empty: a real "-" is encoded when it is the whole field. */
		bool dash_alone = c == '-' && len == 1;
		if (c <= ' ' || c >= 0x7f || c == '%' || dash_alone) {
			fputc('%', out);
			fputc(hex[c >> 4], out);
			fputc(hex[c & 15], out);
		} else {
			fputc(c, out);
		}
	}
}
