/* Does a quote name someone? Its words and the names' words are compared
 * whole, after both are brought to a skeleton in the manner of UTS #39
 * (Unicode's security mechanisms, section 4): letters that look alike
 * are made one (a Cyrillic or Greek letter shaped like a Latin one, a
 * fullwidth or mathematical letter, "rn" for "m", "0" for "o", "1" for
 * "l"), invisible characters and combining marks are dropped, then
 * accents and case are folded (util.h str_fold). The table is the small
 * part of Unicode's confusables.txt that maps to the Latin letters names
 * are written with. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const struct {
	uint32_t cp;
	char to;        /* 0: dropped */
} confusables[] = {
	/* invisible: a word must not be split or hidden by them */
	{ 0x00ad, 0 }, { 0x034f, 0 }, { 0x200b, 0 }, { 0x200c, 0 }, { 0x200d, 0 },
	{ 0x2060, 0 }, { 0xfeff, 0 },
	/* Latin look-alikes */
	{ 0x0131, 'i' }, { 0x01c0, 'l' }, { 0x0261, 'g' }, { 0x0269, 'i' }, { 0x2113, 'l' },
	{ 0x212a, 'K' }, { 0x212e, 'e' },
	/* Greek */
	{ 0x0391, 'A' }, { 0x0392, 'B' }, { 0x0395, 'E' }, { 0x0396, 'Z' }, { 0x0397, 'H' },
	{ 0x0399, 'I' }, { 0x039a, 'K' }, { 0x039c, 'M' }, { 0x039d, 'N' }, { 0x039f, 'O' },
	{ 0x03a1, 'P' }, { 0x03a4, 'T' }, { 0x03a5, 'Y' }, { 0x03a7, 'X' }, { 0x03b1, 'a' },
	{ 0x03b9, 'i' }, { 0x03ba, 'k' }, { 0x03bd, 'v' }, { 0x03bf, 'o' }, { 0x03c1, 'p' },
	{ 0x03c5, 'u' }, { 0x03f2, 'c' }, { 0x03f3, 'j' },
	/* Cyrillic */
	{ 0x0405, 'S' }, { 0x0406, 'I' }, { 0x0408, 'J' }, { 0x0410, 'A' }, { 0x0412, 'B' },
	{ 0x0415, 'E' }, { 0x041a, 'K' }, { 0x041c, 'M' }, { 0x041d, 'H' }, { 0x041e, 'O' },
	{ 0x0420, 'P' }, { 0x0421, 'C' }, { 0x0422, 'T' }, { 0x0423, 'Y' }, { 0x0425, 'X' },
	{ 0x0430, 'a' }, { 0x0435, 'e' }, { 0x043e, 'o' }, { 0x0440, 'p' }, { 0x0441, 'c' },
	{ 0x0443, 'y' }, { 0x0445, 'x' }, { 0x0455, 's' }, { 0x0456, 'i' }, { 0x0458, 'j' },
	{ 0x04bb, 'h' }, { 0x04c0, 'l' }, { 0x04cf, 'l' }, { 0x0501, 'd' }, { 0x051b, 'q' },
	{ 0x051d, 'w' },
};

static size_t decode(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (n == 0) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return i;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

/* Look-alike letters made Latin; capital_l: read a capital I as an l
 * (they are one shape in most sans-serif fonts). Allocated. */
static char *skeleton(const char *s, int capital_l)
{
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	uint32_t cp;
	size_t l, i;
	char *folded, *q, *w;

	buf_init(&b, strlen(s) * 2 + 16);
	buf_add(&b, "", 0);
	while (*p != '\0') {
		l = decode(p, &cp);
		for (i = 0; i < ARRAY_SIZE(confusables) && confusables[i].cp != cp; i++)
			;
		if (cp == 'I' && capital_l) {
			buf_addc(&b, 'l');
		} else if (i < ARRAY_SIZE(confusables)) {
			if (confusables[i].to != 0)
				buf_addc(&b, confusables[i].to);
		} else if (cp >= 0xff21 && cp <= 0xff3a) {
			buf_addc(&b, (char)('A' + (cp - 0xff21)));
		} else if (cp >= 0xff41 && cp <= 0xff5a) {
			buf_addc(&b, (char)('a' + (cp - 0xff41)));
		} else if (cp >= 0x1d400 && cp <= 0x1d6a3) {
			/* mathematical alphanumerics: runs of A-Z a-z in 13 styles */
			buf_addc(&b, letters[(cp - 0x1d400) % 52]);
		} else if (cp >= 0x0300 && cp <= 0x036f) {
			; /* a combining mark */
		} else {
			buf_add(&b, p, l);
		}
		p += l;
	}
	folded = str_fold(b.s);
	buf_deinit(&b);
	/* the look-alikes within ASCII, once case is gone */
	for (q = w = folded; *q != '\0'; q++) {
		if (q[0] == 'r' && q[1] == 'n') {
			*w++ = 'm';
			q++;
		} else if (q[0] == 'v' && q[1] == 'v') {
			*w++ = 'w';
			q++;
		} else {
			*w++ = *q == '0' ? 'o' : *q == '1' ? 'l' : *q;
		}
	}
	*w = '\0';
	return folded;
}

/* The words of s's skeletons (both readings of a capital I) to l. */
static void words(struct strlist *l, const char *s, size_t min)
{
	struct strlist w = { NULL, 0 };
	char *k;
	size_t i;
	int capital_l;

	for (capital_l = 0; capital_l <= 1; capital_l++) {
		k = skeleton(s, capital_l);
		strlist_split(&w, k, ' ');
		for (i = 0; i < w.n; i++)
			if (strlen(w.v[i]) >= min)
				strlist_add(l, w.v[i]);
		strlist_deinit(&w);
		free(k);
	}
}

void report_name_words(struct strlist *l, const char *name)
{
	/* a single letter is an initial, not a name */
	words(l, name, 2);
}

int report_names_someone(const struct strlist *name_words, const char *quote)
{
	struct strlist w = { NULL, 0 };
	size_t i, j;
	int found = strchr(quote, '@') != NULL;

	words(&w, quote, 1);
	for (i = 0; i < w.n && !found; i++)
		for (j = 0; j < name_words->n && !found; j++)
			found = strcmp(w.v[i], name_words->v[j]) == 0;
	strlist_deinit(&w);
	return found;
}
