#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

void fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("<2>mentord: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70); /* EX_SOFTWARE */
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatal("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		fatal("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		fatal("out of memory");
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void xfree(char **p)
{
	free(*p);
	*p = NULL;
}

/* ---- buffers ---- */

void buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void buf_deinit(struct buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->toobig = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

int buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->toobig || n > b->max || b->len > b->max - n) {
		b->toobig = 1;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	ret = buf_adds(b, s);
	free(s);
	return ret;
}

int buf_add_base64(struct buf *b, const void *data, size_t n, int url)
{
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *tbl = url ? safe : std;
	const unsigned char *p = data;
	char q[4];
	size_t i, k, out;
	uint32_t v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);
		/* 2, 3 or 4 characters carry the 1, 2 or 3 bytes left */
		out = n - i >= 3 ? 4 : n - i + 1;
		for (k = 0; k < 4; k++)
			q[k] = k < out ? tbl[(v >> (18 - 6 * k)) & 63] : '=';
		if (buf_add(b, q, url ? out : 4) < 0)
			return -1;
	}
	return 0;
}

int buf_add_utf8(struct buf *b, uint32_t cp)
{
	char s[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(b, s, n);
}

char *buf_steal(struct buf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	b->toobig = 0;
	return s;
}

/* ---- arenas ---- */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct arena_block *head;
};

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena **ap)
{
	struct arena_block *b, *next;

	if (*ap == NULL)
		return;
	for (b = (*ap)->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(*ap);
	*ap = NULL;
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct arena_block *b = a->head;
	void *p;

	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > 16384 ? n : 16384;

		b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

size_t arena_size(const struct arena *a)
{
	const struct arena_block *b;
	size_t n = 0;

	for (b = a->head; b != NULL; b = b->next)
		n += sizeof(*b) + b->size;
	return n;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *s, *r;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	r = arena_strdup(a, s);
	free(s);
	return r;
}

/* ---- strings ---- */

int str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int str_eq_ci(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcasecmp(a, b) == 0;
}

char *str_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	if (i > 0)
		memmove(s, s + i, n - i + 1);
	return s;
}

void str_lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

int str_to_long(const char *s, long min, long max, long *r)
{
	char *end = NULL;
	long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*r = v;
	return 0;
}

int str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return -1;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int str_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

size_t utf8_seq(const char *str, size_t n, uint32_t *cp_r)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		if (cp_r != NULL)
			*cp_r = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp_r != NULL)
		*cp_r = c;
	return len;
}

int utf8_valid(const char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = utf8_seq(s + i, n - i, NULL);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

size_t utf8_offset(const char *s, size_t chars)
{
	size_t i = 0;

	for (; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars-- == 0)
			break;
	return i;
}

size_t buf_add_fit(struct buf *b, const char *s, size_t width)
{
	size_t n = s != NULL ? utf8_len(s) : 0;

	if (n <= width) {
		buf_adds(b, s != NULL ? s : "");
		return n;
	}
	if (width == 0)
		return 0;
	buf_add(b, s, utf8_offset(s, width - 1));
	buf_adds(b, "\xe2\x80\xa6"); /* U+2026 */
	return width;
}

void buf_fill(struct buf *b, const char *s, size_t n, size_t col, size_t indent, size_t width,
    const char *eol)
{
	size_t i = 0, w, wc, k, c;
	int first = 1;

	for (;;) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		for (w = i, wc = 0; w < n && s[w] != ' '; w++)
			wc += ((unsigned char)s[w] & 0xc0) != 0x80;
		if (!first && col + 1 + wc > width) {
			buf_adds(b, eol);
			for (k = 0; k < indent; k++)
				buf_addc(b, ' ');
			col = indent;
			first = 1;
		}
		c = first ? 0 : 1;
		if (c)
			buf_addc(b, ' ');
		buf_add(b, s + i, w - i);
		col += c + wc;
		first = 0;
		i = w;
	}
	buf_adds(b, eol);
}

/* Bytes at s of a character that must not be shown as it is: a C1 control
 * (U+0080..U+009F), or a bidirectional embedding, override or isolate
 * (U+202A..U+202E, U+2066..U+2069, Unicode UAX #9), which reorders the
 * text around it; 0 for any other. */
static size_t unshown_at(const unsigned char *s)
{
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	if (s[0] == 0xe2 && ((s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
	    (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)))
		return 3;
	return 0;
}

int str_has_unshown(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || unshown_at(p) > 0)
			return 1;
	return 0;
}

char *str_shown(const char *s, int lines)
{
	const unsigned char *p = (const unsigned char *)s;
	char *r = xmalloc(strlen(s) + 1), *o = r;
	size_t l;

	while (*p != '\0') {
		if ((l = unshown_at(p)) > 0) {
			p += l;
		} else if (*p == 0x7f || (*p < 0x20 && !(lines && (*p == '\n' || *p == '\t')))) {
			/* a line break or tab of a one-line field is a space */
			if (*p == '\n' || *p == '\t' || *p == '\r')
				*o++ = ' ';
			p++;
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = '\0';
	return r;
}

/* Base letter of a Latin-1 or Latin Extended-A code point, lower case;
 * 0 if none. "oe" and "ae" ligatures return two letters via *second. */
static char fold_latin(uint32_t cp, char *second)
{
	static const char latin1[] =
	    /* C0 */ "aaaaaaaceeeeiiii"
	    /* D0 */ "dnooooo_ouuuuyts"
	    /* E0 */ "aaaaaaaceeeeiiii"
	    /* F0 */ "dnooooo_ouuuuyty";
	static const char exta[] =
	    /* 100 */ "aaaaaaccccccccdd"
	    /* 110 */ "ddeeeeeeeeeegggg"
	    /* 120 */ "gggghhhhiiiiiiii"
	    /* 130 */ "iiiijjkkklllllll"
	    /* 140 */ "lllnnnnnnnnnoooo"
	    /* 150 */ "oooorrrrrrssssss"
	    /* 160 */ "ssttttttuuuuuuuu"
	    /* 170 */ "uuuuwwyyyzzzzzzs";
	char c;

	*second = 0;
	if (cp >= 0xc0 && cp <= 0xff) {
		if (cp == 0xc6 || cp == 0xe6) {
			*second = 'e';
			return 'a';
		}
		if (cp == 0xdf) {
			*second = 's';
			return 's';
		}
		c = latin1[cp - 0xc0];
		return c == '_' ? 0 : c;
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		if (cp == 0x152 || cp == 0x153) {
			*second = 'e';
			return 'o';
		}
		return exta[cp - 0x100];
	}
	return 0;
}

char *str_fold(const char *s)
{
	size_t n = strlen(s), i = 0, l;
	struct buf b;
	int space = 0;
	uint32_t cp;
	char c, second;

	buf_init(&b, n * 2 + 16);
	buf_add(&b, "", 0);
	while (i < n) {
		l = utf8_seq(s + i, n - i, &cp);
		if (l == 0) {
			i++;
			continue;
		}
		i += l;
		if (cp < 0x80 && isalnum((int)cp)) {
			c = (char)tolower((int)cp);
			second = 0;
		} else if (cp >= 0x80 && (c = fold_latin(cp, &second)) != 0) {
			;
		} else if (cp >= 0x80 && cp != 0xa0 && !(cp >= 0x2000 && cp <= 0x206f)) {
			/* Other scripts are kept as they are. */
			if (space && b.len > 0)
				buf_addc(&b, ' ');
			space = 0;
			buf_add(&b, s + i - l, l);
			continue;
		} else {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			buf_addc(&b, ' ');
		space = 0;
		buf_addc(&b, c);
		if (second)
			buf_addc(&b, second);
	}
	return buf_steal(&b);
}

void strlist_add(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(char *));
	l->v[l->n++] = xstrdup(s);
}

void strlist_deinit(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int strlist_contains_ci(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void strlist_split(struct strlist *l, const char *s, char sep)
{
	const char *start = s, *p;
	char *item;

	for (p = s;; p++) {
		if (*p == sep || *p == '\0') {
			item = xstrndup(start, (size_t)(p - start));
			str_trim(item);
			if (*item != '\0')
				strlist_add(l, item);
			free(item);
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
}

/* ---- time ---- */

static int parse_digits(const char **pp, int n, int *r)
{
	const char *p = *pp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*pp = p + n;
	*r = v;
	return 0;
}

static struct tm tm_of(int year, int mon, int day, int hour, int min, int sec)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	return tm;
}

time_t time_from_local(int year, int mon, int day, int hour, int min)
{
	struct tm tm;
	time_t t;

	time_t c[2];

	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 ||
	    hour > 23 || min < 0 || min > 59)
		return -1;
	/* shown twice: the first; skipped: mktime() moves it on by the jump */
	if (time_local_candidates(year, mon, day, hour, min, c) > 0)
		return c[0];
	tm = tm_of(year, mon, day, hour, min, 0);
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != day)
		return -1;
	return t;
}

/* The zone's arithmetic, on glibc's tz database (TZ is the programme's):
 * a wall-clock time is found from the offsets in force a day either side
 * of it, so that any change of offset counts, not only summer time. */
int time_local_candidates(int year, int mon, int day, int hour, int min, time_t out[2])
{
	struct tm tm = tm_of(year, mon, day, hour, min, 0), got;
	time_t naive, probe, t;
	long offs[2];
	int i, n = 0;

	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0 || min > 59)
		return 0;
	naive = timegm(&tm);
	for (i = 0; i < 2; i++) {
		probe = naive + (i == 0 ? -86400 : 86400);
		localtime_r(&probe, &got);
		offs[i] = got.tm_gmtoff;
	}
	for (i = 0; i < 2; i++) {
		if (i == 1 && offs[1] == offs[0])
			break;
		t = naive - offs[i];
		localtime_r(&t, &got);
		if (got.tm_year != tm.tm_year || got.tm_mon != tm.tm_mon || got.tm_mday != day ||
		    got.tm_hour != hour || got.tm_min != min)
			continue;
		if (n == 1 && t < out[0]) {
			out[1] = out[0];
			out[0] = t;
		} else {
			out[n] = t;
		}
		n++;
	}
	return n;
}

time_t time_add_days(time_t t, long days)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday += (int)days;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t time_from_utc(int year, int mon, int day, int hour, int min, int sec)
{
	struct tm tm = tm_of(year, mon, day, hour, min, sec);

	return timegm(&tm);
}

int time_parse_iso8601(const char *s, time_t *r)
{
	int y, mo, d, h = 0, mi = 0, se = 0, zh, zm, sign;
	const char *p = s;
	time_t t;

	if (parse_digits(&p, 4, &y) < 0 || *p++ != '-' ||
	    parse_digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    parse_digits(&p, 2, &d) < 0)
		return -1;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (parse_digits(&p, 2, &h) < 0 || *p++ != ':' ||
		    parse_digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (parse_digits(&p, 2, &se) < 0 || se > 60)
				return -1;
		}
	}
	if (*p == '\0') {
		t = time_from_local(y, mo, d, h, mi);
		if (t == (time_t)-1)
			return -1;
		*r = t + se;
		return 0;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return -1;
	t = time_from_utc(y, mo, d, h, mi, se);
	if (*p == 'Z' && p[1] == '\0') {
		*r = t;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '+' ? 1 : -1;
	if (parse_digits(&p, 2, &zh) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (parse_digits(&p, 2, &zm) < 0 || *p != '\0' || zh > 23 || zm > 59)
		return -1;
	*r = t - sign * (zh * 3600 + zm * 60);
	return 0;
}

void time_rfc5322(time_t t, char *out, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	/* English names whatever the locale, RFC 5322 section 3.3. */
	if (strftime(out, size, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0 && size > 0)
		out[0] = '\0';
}

void time_local_str(time_t t, char *out, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	if (strftime(out, size, "%Y-%m-%d %H:%M", &tm) == 0 && size > 0)
		out[0] = '\0';
}

void time_local_date(time_t t, char *out, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	if (strftime(out, size, "%Y-%m-%d", &tm) == 0 && size > 0)
		out[0] = '\0';
}

void time_local_hm(time_t t, char *out, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	if (strftime(out, size, "%H:%M", &tm) == 0 && size > 0)
		out[0] = '\0';
}

/* Names of days and months, whatever the process's locale: mail is in
 * the reader's language, not the server's. */
static const char *const weekdays[2][7] = {
	{ "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" },
	{ "dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi" },
};
static const char *const months[2][12] = {
	{ "January", "February", "March", "April", "May", "June", "July", "August", "September",
	  "October", "November", "December" },
	{ "janvier", "f\xc3\xa9vrier", "mars", "avril", "mai", "juin", "juillet", "ao\xc3\xbbt",
	  "septembre", "octobre", "novembre", "d\xc3\xa9" "cembre" },
};

static int lang_index(const char *lang)
{
	return lang != NULL && strcmp(lang, "fr") == 0;
}

const char *time_local_weekday(time_t t, const char *lang)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return weekdays[lang_index(lang)][tm.tm_wday % 7];
}

void time_local_day(time_t t, time_t now, const char *lang, int weekday, char *out,
    size_t size)
{
	struct tm tm, tn;
	int l = lang_index(lang);
	char year[16] = "";

	localtime_r(&t, &tm);
	localtime_r(&now, &tn);
	if (tm.tm_year != tn.tm_year)
		snprintf(year, sizeof(year), " %d", tm.tm_year + 1900);
	/* French writes the first of a month "1er" */
	snprintf(out, size, "%s%s%d%s %s%s", weekday ? weekdays[l][tm.tm_wday % 7] : "",
	    weekday ? " " : "", tm.tm_mday, l == 1 && tm.tm_mday == 1 ? "er" : "",
	    months[l][tm.tm_mon % 12], year);
}

/* ---- misc ---- */

uint64_t hash64(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int random_hex(char *out, size_t nbytes)
{
	unsigned char raw[64];
	size_t i;

	if (nbytes > sizeof(raw))
		return -1;
	if (getrandom(raw, nbytes, 0) != (ssize_t)nbytes)
		return -1;
	for (i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	out[2 * nbytes] = '\0';
	return 0;
}

int file_read(const char *path, size_t max, char **data_r, size_t *len_r)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd, ret = -1;

	buf_init(&b, max);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf_add(&b, "", 0);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (buf_add(&b, chunk, (size_t)n) < 0) {
			errno = EFBIG;
			goto out;
		}
	}
	*len_r = b.len;
	*data_r = buf_steal(&b);
	ret = 0;
out:
	close(fd);
	buf_deinit(&b);
	return ret;
}

/* fsync(2) of the directory holding path: a new name in it is on disk. */
static int dir_sync(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/")
	    : xstrndup(path, (size_t)(slash - path));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = -1, saved;

	free(dir);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

int file_sync_rename(const char *from, const char *to)
{
	int fd = open(from, O_RDONLY | O_CLOEXEC), saved;

	if (fd < 0)
		return -1;
	if (fsync(fd) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0 || rename(from, to) < 0)
		return -1;
	return dir_sync(to);
}

int file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	const char *p = data;
	ssize_t n;
	int fd, ret = -1, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		goto out;
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n < 0 ? errno : EIO;
			close(fd);
			unlink(tmp);
			errno = saved;
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	/* order is important: the data must be on disk before the rename
	 * makes the file visible under its final name, and the rename (the
	 * directory) before the caller relies on the file being there */
	saved = fsync(fd) < 0 ? errno : 0;
	if (close(fd) < 0 && saved == 0)
		saved = errno;
	if (saved != 0 || rename(tmp, path) < 0) {
		if (saved == 0)
			saved = errno;
		unlink(tmp);
		errno = saved;
		goto out;
	}
	ret = dir_sync(path);
out:
	free(tmp);
	return ret;
}

/* Undoes the octal escapes of /proc/self/mountinfo (\040 for a space). */
static void mountinfo_unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* When /proc/self/mountinfo does not show the file system (in a chroot,
 * whose file system is mounted outside it, or without /proc): the root,
 * if it is that file system, else the folder itself; the type from its
 * magic number, for the common ones. */
static void mount_guess(dev_t dev, const char *real, struct fs_space *r)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} types[] = {
		{ 0xEF53, "ext4" }, { 0x01021994, "tmpfs" }, { 0x58465342, "xfs" },
		{ 0x9123683E, "btrfs" }, { 0x794C7630, "overlay" }, { 0x2FC12FC1, "zfs" },
		{ 0x6969, "nfs" }, { 0xFF534D42, "cifs" },
	};
	struct statfs v;
	struct stat sb;
	size_t i;

	if (stat("/", &sb) == 0 && sb.st_dev == dev)
		str_copy(r->mount, sizeof(r->mount), "/");
	else
		str_copy(r->mount, sizeof(r->mount), real);
	if (statfs(real, &v) < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if ((unsigned long)v.f_type == types[i].magic)
			str_copy(r->type, sizeof(r->type), types[i].name);
}

/* The mount point and type of the file system of device dev; of several
 * (bind mounts), the longest mount point that holds real. */
static void mount_of(dev_t dev, const char *real, struct fs_space *r)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[1024], type[64];
	unsigned maj, min;
	size_t best = 0, n;

	str_copy(r->mount, sizeof(r->mount), "?");
	str_copy(r->type, sizeof(r->type), "?");
	if (f == NULL) {
		mount_guess(dev, real, r);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *dash = strstr(line, " - ");

		/* id parent major:minor root mount-point options ... - type source */
		if (dash == NULL || sscanf(line, "%*u %*u %u:%u %*s %1023s", &maj, &min, mnt) != 3 ||
		    sscanf(dash + 3, "%63s", type) != 1 || makedev(maj, min) != dev)
			continue;
		mountinfo_unescape(mnt);
		n = strlen(mnt);
		if (best != 0 && (n <= best || strncmp(real, mnt, n) != 0))
			continue;
		best = n;
		str_copy(r->mount, sizeof(r->mount), mnt);
		str_copy(r->type, sizeof(r->type), type);
	}
	fclose(f);
	if (best == 0)
		mount_guess(dev, real, r);
}

int fs_space(const char *path, struct fs_space *r)
{
	char *dir = NULL, *real = NULL;
	struct statvfs v;
	struct stat sb;
	const char *slash;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	/* the file may not exist yet: its folder then */
	if (stat(path, &sb) == 0) {
		dir = xstrdup(path);
	} else {
		slash = strrchr(path, '/');
		dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/")
		    : xstrndup(path, (size_t)(slash - path));
		if (stat(dir, &sb) < 0)
			goto out;
	}
	if (statvfs(dir, &v) < 0)
		goto out;
	r->avail = (uint64_t)v.f_bavail * v.f_frsize;
	r->total = (uint64_t)v.f_blocks * v.f_frsize;
	real = realpath(dir, NULL);
	mount_of(sb.st_dev, real != NULL ? real : dir, r);
	ret = 0;
out:
	free(dir);
	free(real);
	return ret;
}

int fd_wait_readable(int fd, int64_t timeout_ms, volatile sig_atomic_t *flag)
{
	struct pollfd p = { fd, POLLIN, 0 };
	struct timespec ts;
	sigset_t block, old;
	int r;

	/* the flag is looked at with the signals blocked, and ppoll() lets
	 * them in again atomically: one that comes after the look still ends
	 * the wait at once (EINTR), with no timer to close the race */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (flag != NULL && *flag) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	ts.tv_sec = (time_t)(timeout_ms / 1000);
	ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
	r = ppoll(fd >= 0 ? &p : NULL, fd >= 0 ? 1 : 0, &ts, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r > 0)
		return 1;
	if (r == 0 || errno == EINTR)
		return 0;
	return -1;
}

int mkdir_p(const char *path, int mode)
{
	char *p = xstrdup(path), *s;
	int ret = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
			ret = -1;
		*s = '/';
	}
	if (ret == 0 && mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
		ret = -1;
	free(p);
	return ret;
}

/* The user this process runs as, by name, else by number (which chown
 * takes as well). */
static void run_user(char *out, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name[0] != '\0')
		snprintf(out, size, "%s", pw->pw_name);
	else
		snprintf(out, size, "%u", (unsigned)geteuid());
}

/* The first folder on the way to path that this process may not enter,
 * allocated, or NULL. */
static char *closed_folder(const char *path)
{
	char *p = xstrdup(path), *s;

	for (s = strchr(p + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (faccessat(AT_FDCWD, p, X_OK, AT_EACCESS) < 0 && errno == EACCES)
			return p;
		*s = '/';
	}
	free(p);
	return NULL;
}

char *file_error(const char *path, int err)
{
	char user[256], *dir = NULL, *slash, *msg;
	struct stat sb;

	if (err != EACCES && err != EPERM)
		return xasprintf("%s: %s", path, strerror(err));
	run_user(user, sizeof(user));
	dir = closed_folder(path);
	if (dir != NULL) {
		msg = xasprintf("%s: %s: the user %s, whom mentord runs as, cannot enter the folder"
		    " %s (chmod a+x %s)", path, strerror(err), user, dir, dir);
	} else if (stat(path, &sb) == 0) {
		if (sb.st_uid == geteuid())
			msg = xasprintf("%s: %s to its owner %s, whom mentord runs as (chmod u+rw %s)",
			    path, strerror(err), user, path);
		else
			msg = xasprintf("%s: %s to the user %s, whom mentord runs as (chown %s %s)",
			    path, strerror(err), user, user, path);
	} else {
		/* not there yet: the folder it is made in is not writable */
		slash = strrchr(path, '/');
		dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/")
		    : xstrndup(path, (size_t)(slash - path));
		msg = xasprintf("%s: %s: the user %s, whom mentord runs as, cannot write in the"
		    " folder %s (chown %s %s, or choose a folder %s owns)", path, strerror(err),
		    user, dir, user, dir, user);
	}
	free(dir);
	return msg;
}
