/* mime_decode: the third pass of mime_parse() (mime_private.h), used by the
 * others: transfer encodings (RFC 2045 6), RFC 2047 encoded words, RFC 2231
 * %XX values and format=flowed text (RFC 3676) decoded, and every text made
 * valid UTF-8 through charset.h. Each decoder is lenient, as mail readers
 * are: what does not decode is kept or becomes U+FFFD, never an error. */
#include "mime_private.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "charset.h"
#include "util.h"

/* ---- the form of every text ---- */

/* The final form of every text: LF line ends, no NUL, no byte-order mark,
 * valid UTF-8. */
const char *mime_finish(struct arena *a, const char *s, size_t n)
{
	char *r = arena_alloc(a, n + 1);
	size_t i, o = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	else
		i = 0;
	for (; i < n; i++) {
		if (s[i] == '\r') {
			r[o++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else if (s[i] != '\0') {
			r[o++] = s[i];
		}
	}
	r[o] = '\0';
	if (!utf8_valid(r, o)) {
		struct buf b;

		buf_init(&b, o * CHARSET_DECODE_GROWTH + 16);
		buf_add(&b, "", 0);
		charset_mend(&b, r, o);
		r = arena_strndup(a, b.s, b.len);
		buf_deinit(&b);
	}
	return r;
}

const char *mime_to_utf8(struct arena *a, const char *data, size_t len, const char *charset)
{
	struct buf b;
	size_t i, o = 0;
	char *s;

	buf_init(&b, len * CHARSET_DECODE_GROWTH + 16);
	buf_add(&b, "", 0);
	charset_decode(&b, data, len, charset);
	s = arena_alloc(a, b.len + 1);
	for (i = 0; i < b.len; i++)
		if (b.s[i] != '\0')
			s[o++] = b.s[i];
	s[o] = '\0';
	buf_deinit(&b);
	return s;
}

/* Control characters (CR, LF, TAB, NUL...) of a header value become spaces:
 * a decoded header is one line and can never smuggle a line break. */
const char *mime_one_line(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s), *p;

	for (p = r; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

/* ---- transfer encodings (RFC 2045 6) ---- */

/* Odd spellings seen in the wild: "quoted printable", "Quoted-printable;",
 * "7-bit", "8bits", "plain", "" all read as what they mean. */
enum cte mime_cte_kind(const char *v)
{
	char s[32];
	size_t o = 0;

	if (v == NULL)
		return CTE_IDENTITY;
	for (; *v != '\0' && o + 1 < sizeof(s); v++)
		if (isalnum((unsigned char)*v))
			s[o++] = (char)tolower((unsigned char)*v);
	s[o] = '\0';
	if (strstr(s, "quoted") != NULL || strcmp(s, "qp") == 0)
		return CTE_QP;
	if (strstr(s, "base64") != NULL || strcmp(s, "b64") == 0)
		return CTE_BASE64;
	return CTE_IDENTITY;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Quoted-printable, leniently: "=XX" in either case, soft line breaks with
 * trailing white space, a stray "=" kept as it is. In an encoded word
 * (RFC 2047 4.2) "_" is a space. */
static void qp_decode(struct buf *b, const char *s, size_t n, int word)
{
	size_t i = 0, j;
	int hi, lo;

	while (i < n) {
		if (s[i] == '_' && word) {
			buf_addc(b, ' ');
			i++;
			continue;
		}
		if (s[i] != '=') {
			for (j = i; j < n && s[j] != '=' && !(word && s[j] == '_'); j++)
				;
			buf_add(b, s + i, j - i);
			i = j;
			continue;
		}
		for (j = i + 1; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j >= n || s[j] == '\n' || s[j] == '\r') {
			/* soft line break */
			i = j < n && s[j] == '\r' && j + 1 < n && s[j + 1] == '\n' ? j + 2 : j + 1;
			continue;
		}
		hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
		lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
		if (hi >= 0 && lo >= 0) {
			buf_addc(b, (char)(hi * 16 + lo));
			i += 3;
		} else {
			buf_addc(b, '=');
			i++;
		}
	}
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64, leniently: characters outside the alphabet are skipped, and "="
 * ends a quantum, so that concatenated encoded blocks decode too. */
static void b64_decode(struct buf *b, const char *s, size_t n)
{
	uint32_t acc = 0;
	int bits = 0, v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			acc = 0;
			bits = 0;
			continue;
		}
		if ((v = b64val((unsigned char)s[i])) < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(b, (char)((acc >> bits) & 0xff));
			acc &= (1u << bits) - 1;
		}
	}
}

void mime_cte_decode(struct buf *b, enum cte cte, const char *s, size_t n)
{
	if (cte == CTE_QP)
		qp_decode(b, s, n, 0);
	else if (cte == CTE_BASE64)
		b64_decode(b, s, n);
	else
		buf_add(b, s, n);
}

/* ---- RFC 2047 encoded words ---- */

struct eword {
	char charset[CHARSET_NAME_MAX + 1];
	char enc;          /* 'b' or 'q' */
	const char *text;
	size_t len;
};

/* An encoded word "=?charset?B|Q?text?=" at s: returns its length, 0 when
 * s does not start one. Lenient as mail readers are: the text may hold
 * spaces (broken encoders), never a line break. */
static size_t eword_scan(const char *s, size_t n, struct eword *e)
{
	size_t i = 2, c = 0, t;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	for (; i < n && s[i] != '?'; i++) {
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f || c >= CHARSET_NAME_MAX)
			return 0;
		e->charset[c++] = s[i];
	}
	e->charset[c] = '\0';
	if (c == 0 || i + 3 >= n || s[i + 2] != '?')
		return 0;
	e->enc = (char)tolower((unsigned char)s[i + 1]);
	if (e->enc != 'b' && e->enc != 'q')
		return 0;
	t = i + 3;
	for (i = t; i + 1 < n && !(s[i] == '?' && s[i + 1] == '='); i++)
		if (s[i] == '\r' || s[i] == '\n' || i - t > SUBJECT_BYTES_MAX)
			return 0;
	if (i + 1 >= n)
		return 0;
	e->text = s + t;
	e->len = i - t;
	return i + 2;
}

struct words {
	struct buf out;
	struct buf pend;   /* decoded bytes of adjacent words in one charset */
	char cs[CHARSET_NAME_MAX + 1];
	const char *fallback;
};

static void words_flush(struct words *w)
{
	if (w->pend.len > 0)
		charset_decode(&w->out, w->pend.s, w->pend.len, w->cs);
	buf_reset(&w->pend);
	w->cs[0] = '\0';
}

/* Raw text between words: UTF-8 if valid, else the fallback charset. */
static void words_raw(struct words *w, const char *s, size_t n)
{
	if (!charset_has_8bit(s, n) || utf8_valid(s, n))
		charset_mend(&w->out, s, n);
	else
		charset_decode(&w->out, s, n, w->fallback);
}

/* RFC 2047 6.2: white space between adjacent encoded words is dropped, and
 * the bytes of adjacent words in the same charset are decoded together, so
 * that a character split across two words comes out whole. */
const char *mime_decode_words_kept(struct arena *a, const char *v, const char *fallback)
{
	struct words w;
	struct eword e;
	size_t n = strlen(v), i = 0, j, l;
	int prev_word = 0;
	const char *r;

	buf_init(&w.out, n * CHARSET_DECODE_GROWTH + 16);
	buf_init(&w.pend, n + 16);
	buf_add(&w.out, "", 0);
	w.cs[0] = '\0';
	w.fallback = fallback;
	while (i < n) {
		if ((l = eword_scan(v + i, n - i, &e)) > 0) {
			if (strcasecmp(w.cs, e.charset) != 0)
				words_flush(&w);
			str_copy(w.cs, sizeof(w.cs), e.charset);
			if (e.enc == 'b')
				b64_decode(&w.pend, e.text, e.len);
			else
				qp_decode(&w.pend, e.text, e.len, 1);
			i += l;
			prev_word = 1;
			continue;
		}
		for (j = i; j < n && (v[j] == ' ' || v[j] == '\t' || v[j] == '\r' || v[j] == '\n'); j++)
			;
		if (prev_word && j > i && j < n && eword_scan(v + j, n - j, &e) > 0) {
			i = j;
			continue;
		}
		words_flush(&w);
		prev_word = 0;
		/* raw text up to the next possible encoded word */
		for (j = i + 1; j < n && !(v[j] == '=' && j + 1 < n && v[j + 1] == '?'); j++)
			;
		words_raw(&w, v + i, j - i);
		i = j;
	}
	words_flush(&w);
	r = mime_finish(a, w.out.s, w.out.len);
	buf_deinit(&w.out);
	buf_deinit(&w.pend);
	return r;
}

const char *mime_decode_words_as(struct arena *a, const char *v, const char *fallback)
{
	return mime_one_line(a, mime_decode_words_kept(a, v, fallback));
}

const char *mime_decode_words(struct arena *a, const char *value)
{
	return mime_decode_words_as(a, value, NULL);
}

/* ---- RFC 2231 extended values, RFC 3676 flowed text ---- */

/* %XX of RFC 2231 extended values. */
void mime_pct_decode(struct buf *b, const char *s)
{
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (hi = hexval((unsigned char)s[1])) >= 0 && (lo = hexval((unsigned char)s[2])) >= 0) {
			buf_addc(b, (char)(hi * 16 + lo));
			s += 2;
		} else {
			buf_addc(b, *s);
		}
	}
}

/* RFC 3676 4.2: a line ending in a space continues on the next one (the
 * space is deleted too with DelSp=yes), quote depth must match, and a
 * leading space is stuffing. The signature separator "-- " stays fixed. */
const char *mime_unflow(struct arena *a, const char *t, int delsp)
{
	struct buf b;
	const char *p = t, *nl;
	size_t l, q, cur_q = 0;
	int open = 0, flowed;
	const char *r;

	buf_init(&b, strlen(t) * 2 + 16);
	buf_add(&b, "", 0);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		l = nl != NULL ? (size_t)(nl - p) : strlen(p);
		for (q = 0; q < l && p[q] == '>'; q++)
			;
		if (open && q != cur_q) {
			buf_addc(&b, '\n');
			open = 0;
		}
		if (!open) {
			for (cur_q = 0; cur_q < q; cur_q++)
				buf_addc(&b, '>');
			if (q > 0)
				buf_addc(&b, ' ');
		}
		p += q;
		l -= q;
		/* unstuffing (RFC 3676 4.4), except before a '>' that would then
		 * be taken for a quote mark */
		if (l > 0 && *p == ' ' && !(q == 0 && l > 1 && p[1] == '>')) {
			p++;
			l--;
		}
		flowed = l > 0 && p[l - 1] == ' ' && !(l == 3 && strncmp(p, "-- ", 3) == 0);
		buf_add(&b, p, flowed && delsp ? l - 1 : l);
		open = flowed;
		if (!flowed)
			buf_addc(&b, '\n');
		p += l;
		if (*p == '\n')
			p++;
	}
	if (open)
		buf_addc(&b, '\n');
	r = arena_strndup(a, b.s, b.len);
	buf_deinit(&b);
	return r;
}
