#include "quote.h"

#include <string.h>

#include "util.h"

char *quote_strip(const char *text)
{
	struct buf b;
	const char *p = text, *nl;
	size_t l;

	buf_init(&b, strlen(text) + 1);
	buf_add(&b, "", 0);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		l = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (l == 3 && strncmp(p, "-- ", 3) == 0)
			break;
		if (p[0] != '>') {
			buf_add(&b, p, l);
			buf_addc(&b, '\n');
		}
		p += l;
		if (*p == '\n')
			p++;
	}
	return buf_steal(&b);
}
