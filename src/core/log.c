#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "log.h"
#include "util.h"

static int log_level = LOG_INFO;
static int log_buffered;

void log_set_level(int level)
{
	log_level = level;
}

void log_set_buffered(int on)
{
	static char buf[64 * 1024];

	if (on && !log_buffered)
		setvbuf(stderr, buf, _IOFBF, sizeof(buf));
	log_buffered = on;
}

void log_flush(void)
{
	fflush(stderr);
}

void log_escape(const char *s, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n = strlen(s), i = 0, l;

	if (size == 0)
		return;
	while (i < n && o + 5 < size) {
		l = 1;
		if (p[i] >= 0x80) {
			/* keep whole valid UTF-8 sequences only */
			l = (p[i] & 0xe0) == 0xc0 ? 2 : (p[i] & 0xf0) == 0xe0 ? 3
			    : (p[i] & 0xf8) == 0xf0 ? 4 : 0;
			if (l == 0 || i + l > n || !utf8_valid(s + i, l))
				l = 0;
		}
		if (l == 0 || p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\') {
			if (p[i] == '\\') {
				out[o++] = '\\';
				out[o++] = '\\';
			} else {
				snprintf(out + o, size - o, "\\x%02x", p[i]);
				o += 4;
			}
			i++;
			continue;
		}
		if (o + l + 4 >= size)
			break;
		memcpy(out + o, s + i, l);
		o += l;
		i += l;
	}
	if (i < n && o + 4 <= size) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

void log_msg(int prio, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	char *s;

	if (prio > log_level)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	log_escape(s, line, sizeof(line));
	free(s);
	fprintf(stderr, "<%d>%s\n", prio, line);
	if (!log_buffered || prio <= LOG_WARNING)
		fflush(stderr);
}
