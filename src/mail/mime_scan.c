/* mime_scan: the first pass of mime_parse() (mime_private.h): the raw
 * bytes are scanned to bound what libetpan would build, before it is given
 * them, and defused of what it cannot read safely. No allocation but one
 * scan state; the message is only read, except by mime_scan_defuse(). */
#include "mime_private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "util.h"

/* ---- bounds, before libetpan ----
 *
 * libetpan's mailmime_parse() recurses once per multipart or message level
 * and reads the whole region of each level again: a message nested
 * thousands of levels deep would exhaust its stack or the CPU. This scan
 * follows the nesting on the raw bytes, line by line (a line ends at LF, as
 * for libetpan), and refuses a message that would go past MIME_DEPTH_MAX
 * levels or MIME_PARTS_MAX parts before libetpan sees it.
 *
 * Every Content-Type line whose type may be composite opens a level. A
 * level is trusted when its Content-Type is the first of a header block
 * that starts where libetpan starts one (the top, after a delimiter of a
 * trusted level, after the header of a trusted message/rfc822 part) and is
 * written so simply (a plain or quoted boundary, no comment, no escape, no
 * RFC 2231 section) that libetpan cannot read another boundary from it.
 * Only a delimiter line of a trusted level closes the levels opened inside
 * it, so a level opened by mistake (a Content-Type line in a text body, a
 * second Content-Type in one header) can only make the count higher than
 * libetpan's, never lower. A close delimiter closes its level only when no
 * delimiter of that level follows before one of an enclosing level
 * (libetpan reads past a close delimiter when the boundary occurs again);
 * what follows it up to the next delimiter of an enclosing level is an
 * epilogue libetpan never reads, and opens nothing. libetpan's depth is at most
 * twice the scan's plus two (a multipart/digest part without Content-Type
 * is a message level of its own), and mailmime_parse() stays bounded. */

#define SCAN_VALUE_MAX 2048

enum scan_kind { SK_DISCRETE, SK_MULTIPART, SK_MESSAGE, SK_OTHER };

struct scan_level {
	char bnd[MIME_BOUNDARY_MAX + 1];
	size_t blen;      /* 0: unknown */
	int trusted;
	int opened;       /* its first delimiter was seen */
	size_t ext_until; /* a delimiter of this level is known to be there */
};

struct scan {
	struct scan_level lv[MIME_DEPTH_MAX + 1];
	int depth;
	int hdr;          /* in a header block */
	int hdr_ct;       /* a Content-Type was seen in this block */
	int hdr_message;  /* it was a trusted message/rfc822 */
	int skip_blank;   /* blank lines after a first delimiter are skipped */
	int dead;         /* in an epilogue: nothing opens until a delimiter */
	size_t parts;     /* trusted delimiters and levels */
	size_t loose;     /* delimiter-like lines inside untrusted levels */
	int backslash;    /* a Content-Type field holds a backslash */
	const char *why;
};

static int is_ct_line(const char *s, size_t n)
{
	return n >= 12 && strncasecmp(s, "content-type", 12) == 0;
}

static int is_token_char(int c)
{
	return isalnum(c) || (c != 0 && strchr("'+_-.=!#$%&*^`{|}~/?@", c) != NULL);
}

/* One parameter of a simple Content-Type: name=token or name="quoted"
 * (no escape, no fold). Returns the index after it, 0 if not simple. */
static size_t scan_param(const char *v, size_t i, struct scan_level *lv, int *nb)
{
	size_t ns = i, ne, vs, ve;

	while (is_token_char((unsigned char)v[i]) && v[i] != '=')
		i++;
	ne = i;
	while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n')
		i++;
	if (ne == ns || v[i++] != '=')
		return 0;
	while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n')
		i++;
	if (v[i] == '"') {
		for (vs = ++i; v[i] != '\0' && v[i] != '"'; i++)
			if (v[i] == '\\' || v[i] == '\n')
				return 0;
		if (v[i] != '"')
			return 0;
		ve = i++;
	} else {
		for (vs = i; is_token_char((unsigned char)v[i]); i++)
			;
		ve = i;
	}
	if (ne - ns >= 8 && strncasecmp(v + ns, "boundary", 8) == 0) {
		if (ne - ns > 8 || ve == vs || ve - vs > MIME_BOUNDARY_MAX)
			return 0; /* boundary*0= and the like, or odd sizes */
		memcpy(lv->bnd, v + vs, ve - vs);
		lv->blen = ve - vs;
		(*nb)++;
	}
	while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n')
		i++;
	return v[i] == ';' || v[i] == '\0' ? i : 0;
}

/* What a Content-Type value may make of its part; for a simple multipart
 * the boundary goes to lv (blen stays 0 when it is not simple). */
static enum scan_kind scan_ctype(const char *v, struct scan_level *lv, int *simple)
{
	size_t i = 0, t;
	int nb = 0;

	*simple = 0;
	while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
		i++;
	for (t = i; is_token_char((unsigned char)v[i]) && v[i] != '/'; i++)
		;
	if (i == t)
		return SK_OTHER;
	if (!(i - t == 9 && strncasecmp(v + t, "multipart", 9) == 0) &&
	    !(i - t == 7 && strncasecmp(v + t, "message", 7) == 0))
		return v[i] == '/' || v[i] == ';' || v[i] == ' ' || v[i] == '\0' ? SK_DISCRETE : SK_OTHER;
	if (v[i] != '/')
		return SK_OTHER;
	if (i - t == 7) {
		*simple = strncasecmp(v + i, "/rfc822", 7) == 0 && strchr(v, '(') == NULL &&
		    !is_token_char((unsigned char)v[i + 7]);
		return *simple ? SK_MESSAGE : SK_OTHER;
	}
	for (i++; is_token_char((unsigned char)v[i]) && v[i] != '/'; i++)
		;
	while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n')
		i++;
	while (v[i] == ';') {
		for (i++; v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == ';'; i++)
			;
		if (v[i] == '\0')
			break;
		if ((i = scan_param(v, i, lv, &nb)) == 0)
			break;
	}
	*simple = i != 0 && v[i] == '\0' && nb == 1;
	if (!*simple)
		lv->blen = 0;
	return SK_MULTIPART;
}

/* A Content-Type field at s[i] (with its continuation lines): opens a level
 * when composite. Returns the index after the field, 0 to refuse. */
static size_t scan_ct(struct scan *sc, const char *s, size_t len, size_t i)
{
	char v[SCAN_VALUE_MAX + 1];
	size_t o = 0, j;
	struct scan_level lv;
	enum scan_kind kind;
	int simple, first = sc->hdr && !sc->hdr_ct, overflow = 0;

	memset(&lv, 0, sizeof(lv));
	for (j = i; j < len && s[j] != ':' && s[j] != '\n'; j++)
		;
	j = j < len && s[j] == ':' ? j + 1 : j;
	for (;;) {
		for (; j < len && s[j] != '\n'; j++) {
			if (s[j] == '\\')
				sc->backslash = 1;
			if (o < SCAN_VALUE_MAX && s[j] != '\r')
				v[o++] = s[j];
			else if (s[j] != '\r')
				overflow = 1;
		}
		if (j + 1 < len && (s[j + 1] == ' ' || s[j + 1] == '\t')) {
			if (o < SCAN_VALUE_MAX)
				v[o++] = '\n'; /* marks the fold */
			j++;
			continue;
		}
		break;
	}
	v[o] = '\0';
	kind = scan_ctype(v, &lv, &simple);
	if (sc->dead)
		return j < len ? j + 1 : len;
	if (sc->hdr) {
		sc->hdr_ct = 1;
		sc->hdr_message = kind == SK_MESSAGE && first && simple && !overflow;
	}
	if (kind != SK_DISCRETE) {
		if (sc->depth >= MIME_DEPTH_MAX || ++sc->parts > MIME_PARTS_MAX) {
			sc->why = sc->depth >= MIME_DEPTH_MAX ? "MIME nesting over the depth limit"
			    : "too many MIME parts";
			return 0;
		}
		lv.trusted = kind == SK_MULTIPART && first && simple && !overflow && lv.blen > 0;
		sc->lv[sc->depth++] = lv;
	}
	return j < len ? j + 1 : len;
}

/* The lowest trusted level whose delimiter the line [s, s+n) is, or -1:
 * before a level's first delimiter any line starting with "--boundary"
 * (libetpan's preamble rule), after it "--boundary" and white space only. */
static int scan_delim(const struct scan *sc, const char *s, size_t n, int has_nl)
{
	const struct scan_level *lv;
	size_t j;
	int k;

	for (k = 0; k < sc->depth; k++) {
		lv = &sc->lv[k];
		if (!lv->trusted || n < 2 + lv->blen || memcmp(s + 2, lv->bnd, lv->blen) != 0)
			continue;
		if (!lv->opened)
			return k;
		for (j = 2 + lv->blen; j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'); j++)
			;
		if (j == n && has_nl)
			return k;
	}
	return -1;
}

/* Is the line a strict delimiter "--boundary" of that level? */
static int scan_strict(const struct scan_level *lv, const char *s, size_t n)
{
	size_t j;

	if (!lv->trusted || n < 2 + lv->blen || s[0] != '-' || s[1] != '-' ||
	    memcmp(s + 2, lv->bnd, lv->blen) != 0)
		return 0;
	for (j = 2 + lv->blen; j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'); j++)
		;
	return j == n;
}

/* After a close delimiter of level k at s[i]: does a delimiter of level k
 * follow before one of an enclosing level? Then libetpan's last part of k
 * runs on past the close delimiter. The answer is kept, so that no byte is
 * read twice for one level. */
static int scan_extends(struct scan *sc, const char *s, size_t len, size_t i, int k)
{
	struct scan_level *lv = &sc->lv[k];
	const char *nl;
	size_t end;
	int j;

	if (lv->ext_until > i)
		return 1;
	while (i < len) {
		nl = memchr(s + i, '\n', len - i);
		if (nl == NULL)
			break;
		end = (size_t)(nl - s);
		if (end - i >= 2 && s[i] == '-' && s[i + 1] == '-') {
			if (scan_strict(lv, s + i, end - i)) {
				lv->ext_until = end;
				return 1;
			}
			for (j = 0; j < k; j++)
				if (sc->lv[j].opened && scan_strict(&sc->lv[j], s + i, end - i))
					return 0;
		}
		i = end + 1;
	}
	return 0;
}

/* A close delimiter "--boundary--" of an opened trusted level: closes it
 * when libetpan does. */
static void scan_close(struct scan *sc, const char *s, size_t len, size_t i, size_t n)
{
	const struct scan_level *lv;
	int k;

	for (k = 0; k < sc->depth; k++) {
		lv = &sc->lv[k];
		if (!lv->trusted || !lv->opened || n < 4 + lv->blen || memcmp(s + i + 2, lv->bnd, lv->blen) != 0 ||
		    s[i + 2 + lv->blen] != '-' || s[i + 3 + lv->blen] != '-')
			continue;
		if (!scan_extends(sc, s, len, i + n, k)) {
			sc->depth = k;
			sc->dead = 1;
			sc->hdr = 0;
		}
		return;
	}
}

/* A "--" line that no trusted level claims: counted when some untrusted
 * multipart level could take it for a delimiter. */
static int scan_loose(struct scan *sc, const char *s, size_t n)
{
	int k;

	for (k = 0; k < sc->depth; k++) {
		const struct scan_level *lv = &sc->lv[k];

		if (lv->trusted || (lv->blen > 0 && (n < 2 + lv->blen || memcmp(s + 2, lv->bnd, lv->blen) != 0)))
			continue;
		if (++sc->loose > 4 * (size_t)MIME_PARTS_MAX) {
			sc->why = "too many MIME parts";
			return -1;
		}
		break;
	}
	return 0;
}

static void scan_end_block(struct scan *sc)
{
	/* the body of a message/rfc822 part is a message: a header block */
	sc->hdr = sc->hdr_message;
	sc->hdr_ct = 0;
	sc->hdr_message = 0;
}

/* One line [i, end) of the message; returns the index of the next line, 0
 * to refuse. */
static size_t scan_line(struct scan *sc, const char *s, size_t len, size_t i, size_t end)
{
	size_t n = end - i, next = end < len ? end + 1 : len;
	int k, blank = n == 0 || (n == 1 && s[i] == '\r');

	if (n >= 2 && s[i] == '-' && s[i + 1] == '-') {
		if ((k = scan_delim(sc, s + i, n, end < len)) >= 0) {
			sc->dead = 0;
			sc->skip_blank = !sc->lv[k].opened;
			sc->lv[k].opened = 1;
			sc->depth = k + 1;
			sc->hdr = 1;
			sc->hdr_ct = sc->hdr_message = 0;
			if (++sc->parts > MIME_PARTS_MAX) {
				sc->why = "too many MIME parts";
				return 0;
			}
			return next;
		}
		scan_close(sc, s, len, i, n);
		if (scan_loose(sc, s + i, n) < 0)
			return 0;
	}
	if (sc->hdr && blank) {
		if (!sc->skip_blank)
			scan_end_block(sc);
		return next;
	}
	sc->skip_blank = 0;
	if (s[i] == ' ' || s[i] == '\t')
		return next;
	if (is_ct_line(s + i, n))
		return scan_ct(sc, s, len, i);
	if (sc->hdr && !mime_is_field_start(s + i, n))
		scan_end_block(sc);
	return next;
}

/* 0 if libetpan may be given the message, -1 (and *why) if not. */
int mime_scan_bounds(const char *s, size_t len, int *backslash_r, const char **why)
{
	struct scan *sc = xcalloc(1, sizeof(*sc));
	const char *nl;
	size_t i = 0, end;
	int ret = -1;

	sc->hdr = 1;
	while (i < len) {
		nl = memchr(s + i, '\n', len - i);
		end = nl != NULL ? (size_t)(nl - s) : len;
		if ((i = scan_line(sc, s, len, i, end)) == 0)
			goto out;
	}
	*backslash_r = sc->backslash;
	ret = 0;
out:
	*why = sc->why;
	free(sc);
	return ret;
}

/* libetpan 1.9.4 reads past its buffer when a boundary parameter unquotes
 * to a single '"' (mailmime_extract_boundary); no quoted pair, no such
 * value: backslashes in Content-Type fields become '/'. */
void mime_scan_defuse(char *s, size_t len)
{
	size_t i = 0;
	int in_ct = 0;

	while (i < len) {
		if (i == 0 || s[i - 1] == '\n') {
			if (is_ct_line(s + i, len - i))
				in_ct = 1;
			else if (s[i] != ' ' && s[i] != '\t')
				in_ct = 0;
		}
		if (in_ct && s[i] == '\\')
			s[i] = '/';
		i++;
	}
}
