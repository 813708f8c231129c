#include "csv.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

/* "-", "-3", "+4.5", "12%": what a spreadsheet reads as a value, not a formula */
static int plain_number(const char *s)
{
	const char *p = s + (s[0] == '-' || s[0] == '+');
	int digits = 0;

	if (strcmp(s, "-") == 0)
		return 1;
	for (; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits = 1;
		else if (*p != '.' && !(*p == '%' && p[1] == '\0'))
			return 0;
	}
	return digits;
}

void csv_cell(struct buf *b, const char *s)
{
	const char *p;
	int formula;

	if (s == NULL)
		return;
	formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL && !plain_number(s);
	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	if (formula)
		buf_addc(b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}
