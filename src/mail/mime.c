/* mime: see mime.h.
 *
 * The work is done in four passes over one message:
 *   1. scan_bounds(): a scan of the raw bytes that bounds the nesting and
 *      the number of parts libetpan would build, before it is called;
 *   2. mailmime_parse(): libetpan splits the message into parts;
 *   3. walk(): our own reading of each part's header block (RFC 2045
 *      parameters with RFC 2231 continuations, odd transfer encodings),
 *      decoding of the parts that matter and choice of the body text;
 *   4. envelope(): identifiers, addresses, subject and date of the top
 *      header block, decoded with the body's charset as a hint for raw
 *      8-bit headers. */
#include "mime.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <libetpan/libetpan.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "charset.h"
#include "html.h"
#include "util.h"

#define PARAMS_MAX 64
#define RFC2231_SECTIONS_MAX 100
#define IDS_MAX 100

/* UTF-8 text cut at most at max bytes, on a character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}


/* The final form of every text: LF line ends, no NUL, no byte-order mark,
 * valid UTF-8. */
static const char *finish(struct arena *a, const char *s, size_t n)
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
static const char *one_line(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s), *p;

	for (p = r; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

/* ---- transfer encodings (RFC 2045 6) ---- */

enum cte { CTE_IDENTITY, CTE_QP, CTE_BASE64 };

/* Odd spellings seen in the wild: "quoted printable", "Quoted-printable;",
 * "7-bit", "8bits", "plain", "" all read as what they mean. */
static enum cte cte_kind(const char *v)
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

static void cte_decode(struct buf *b, enum cte cte, const char *s, size_t n)
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
static const char *decode_words(struct arena *a, const char *v, const char *fallback)
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
	r = one_line(a, finish(a, w.out.s, w.out.len));
	buf_deinit(&w.out);
	buf_deinit(&w.pend);
	return r;
}

const char *mime_decode_words(struct arena *a, const char *value)
{
	return decode_words(a, value, NULL);
}

/* ---- header blocks (RFC 5322 2.2) ---- */

struct hblock {
	struct mime_header *h; /* raw values */
	size_t n;
	size_t body;           /* offset where the body starts */
};

/* Does the line start a field: a name of printable ASCII, then a colon
 * (obsolete syntax allows white space before it, RFC 5322 4.5)? */
static int is_field_start(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n && s[i] != ':'; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			for (j = i; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
				;
			return i > 0 && j < n && s[j] == ':';
		}
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return 0;
	}
	return i > 0 && i < n;
}

static int hblock_add(struct arena *a, struct mime_header **h, size_t *n, size_t *cap,
    const char *name, const struct buf *val)
{
	char *v;

	if (*n >= HEADER_FIELDS_MAX)
		return -1;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*h = xrealloc(*h, *cap * sizeof(**h));
	}
	v = arena_strndup(a, val->s != NULL ? val->s : "", val->len);
	(*h)[*n].name = name;
	(*h)[*n].value = str_trim(v);
	(*n)++;
	return 0;
}

/* Reads the header block at s: the fields end at the empty line, or at the
 * first line that is neither a field nor a continuation, where the body then
 * starts (as libetpan decides too). Values are unfolded (RFC 5322 2.2.3)
 * and left raw. -1 over HEADER_BYTES_MAX or HEADER_FIELDS_MAX. */
static int header_block(struct arena *a, const char *s, size_t len, struct hblock *hb, const char **why)
{
	struct mime_header *h = NULL;
	size_t n = 0, cap = 0, i = 0, end, lend, next;
	const char *nl, *colon, *name = NULL;
	const char *err = "header over the size limit";
	struct buf val;
	int ret = -1;

	buf_init(&val, HEADER_BYTES_MAX);
	hb->body = len;
	while (i < len) {
		nl = memchr(s + i, '\n', len - i);
		end = nl != NULL ? (size_t)(nl - s) : len;
		next = nl != NULL ? end + 1 : len;
		lend = end > i && s[end - 1] == '\r' ? end - 1 : end;
		if (lend == i) {
			hb->body = next;
			break;
		}
		if (next > HEADER_BYTES_MAX)
			goto out;
		if ((s[i] == ' ' || s[i] == '\t') && name != NULL) {
			if (buf_add(&val, s + i, lend - i) < 0)
				goto out;
		} else if (is_field_start(s + i, lend - i)) {
			if (name != NULL && hblock_add(a, &h, &n, &cap, name, &val) < 0) {
				err = "too many header fields";
				goto out;
			}
			colon = memchr(s + i, ':', lend - i);
			name = str_trim(arena_strndup(a, s + i, (size_t)(colon - (s + i))));
			buf_reset(&val);
			if (buf_add(&val, colon + 1, lend - (size_t)(colon + 1 - s)) < 0)
				goto out;
		} else {
			hb->body = i;
			break;
		}
		i = next;
	}
	if (name != NULL && hblock_add(a, &h, &n, &cap, name, &val) < 0) {
		err = "too many header fields";
		goto out;
	}
	hb->h = arena_alloc(a, (n ? n : 1) * sizeof(*h));
	if (n > 0)
		memcpy(hb->h, h, n * sizeof(*h));
	hb->n = n;
	ret = 0;
out:
	if (ret < 0)
		*why = err;
	free(h);
	buf_deinit(&val);
	return ret;
}

static const char *hblock_get(const struct hblock *hb, const char *name)
{
	size_t i;

	for (i = 0; i < hb->n; i++)
		if (strcasecmp(hb->h[i].name, name) == 0)
			return hb->h[i].value;
	return NULL;
}

/* A raw header value made presentable: valid UTF-8, no control character. */
static const char *header_clean(struct arena *a, const char *v)
{
	size_t n = strlen(v);

	if (!utf8_valid(v, n))
		v = mime_to_utf8(a, v, n, NULL);
	return one_line(a, v);
}

const char *mime_block_header(struct arena *a, const char *block, const char *name)
{
	struct hblock hb;
	const char *why, *v;

	if (block == NULL)
		return NULL;
	if (header_block(a, block, strlen(block), &hb, &why) < 0)
		return NULL;
	v = hblock_get(&hb, name);
	return v != NULL ? header_clean(a, v) : NULL;
}

const char *mime_header_n(const struct mime_msg *msg, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < msg->n_headers; i++)
		if (strcasecmp(msg->headers[i].name, name) == 0 && nth-- == 0)
			return msg->headers[i].value;
	return NULL;
}

const char *mime_header(const struct mime_msg *msg, const char *name)
{
	return mime_header_n(msg, name, 0);
}

/* ---- structured values: Content-Type, Content-Disposition ---- */

struct param {
	const char *name;  /* lower case, RFC 2231 sections already joined */
	const char *value; /* decoded UTF-8 */
};

struct hvalue {
	char token[128];   /* "text/plain", "attachment": lower case */
	struct param *p;
	size_t n;
};

/* Skips white space, line breaks and (nested) comments, RFC 5322 3.2.2. */
static const char *skip_cfws(const char *p)
{
	int depth;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		for (depth = 0; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

/* One parameter value at p: a quoted string (backslash escapes) or, leniently,
 * everything up to the next ';' (unquoted file names with spaces exist). */
static const char *param_value(struct arena *a, const char **pp, int *quoted)
{
	const char *p = *pp, *start;
	struct buf b;
	const char *r;

	buf_init(&b, HEADER_BYTES_MAX);
	buf_add(&b, "", 0);
	*quoted = *p == '"';
	if (*quoted) {
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			buf_addc(&b, *p);
		}
		if (*p == '"')
			p++;
		while (*p != '\0' && *p != ';')
			p++;
	} else {
		for (start = p; *p != '\0' && *p != ';'; p++)
			if ((*p == ' ' || *p == '\t') && p[1] == '(')
				break;
		buf_add(&b, start, (size_t)(p - start));
		while (*p != '\0' && *p != ';')
			p++;
	}
	*pp = p;
	r = arena_strndup(a, b.s, b.len);
	buf_deinit(&b);
	return r;
}

/* Splits "type/sub; a=b; c=\"d\"" (RFC 2045 5.1) into token and raw
 * parameters; comments are skipped. */
static void hvalue_split(struct arena *a, const char *v, struct hvalue *hv, int *quoted)
{
	const char *p = skip_cfws(v), *s;
	size_t o = 0;

	hv->n = 0;
	hv->p = arena_alloc(a, PARAMS_MAX * sizeof(*hv->p));
	while (*p != '\0' && *p != ';') {
		if (*p == '(') {
			p = skip_cfws(p);
			continue;
		}
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && o + 1 < sizeof(hv->token))
			hv->token[o++] = (char)tolower((unsigned char)*p);
		p++;
	}
	hv->token[o] = '\0';
	while (*p == ';' && hv->n < PARAMS_MAX) {
		char *name;

		p = skip_cfws(p + 1);
		for (s = p; *p != '\0' && *p != '=' && *p != ';' && *p != ' ' && *p != '\t' && *p != '('; p++)
			;
		name = arena_strndup(a, s, (size_t)(p - s));
		str_lower_ascii(name);
		p = skip_cfws(p);
		if (*p != '=') {
			while (*p != '\0' && *p != ';')
				p++;
			continue;
		}
		p = skip_cfws(p + 1);
		hv->p[hv->n].name = name;
		hv->p[hv->n].value = param_value(a, &p, &quoted[hv->n]);
		if (name[0] != '\0')
			hv->n++;
	}
}

/* %XX of RFC 2231 extended values. */
static void pct_decode(struct buf *b, const char *s)
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

/* Section number of "name*3" or "name*3*" for base; -1 if not one. The
 * single extended form "name*" is section 0. *ext is set for the forms
 * whose value is charset'language'%XX encoded (RFC 2231 3, 4). */
static int rfc2231_section(const char *name, const char *base, int *ext)
{
	size_t bl = strlen(base);
	const char *p = name + bl;
	int n = 0;

	if (strncmp(name, base, bl) != 0 || *p != '*')
		return -1;
	p++;
	if (*p == '\0') {
		*ext = 1;
		return 0;
	}
	if (!isdigit((unsigned char)*p) || (*p == '0' && isdigit((unsigned char)p[1])))
		return -1;
	for (; isdigit((unsigned char)*p) && n < RFC2231_SECTIONS_MAX; p++)
		n = n * 10 + (*p - '0');
	*ext = *p == '*';
	if (*p == '*')
		p++;
	return *p == '\0' && n < RFC2231_SECTIONS_MAX ? n : -1;
}

/* Joins the RFC 2231 sections of base into one decoded value, or NULL when
 * there are none. */
static const char *rfc2231_join(struct arena *a, const struct hvalue *hv, const char *base)
{
	char charset[CHARSET_NAME_MAX + 1] = "";
	struct buf raw;
	const char *r = NULL, *v;
	int sec, ext, want;
	size_t i;

	buf_init(&raw, HEADER_BYTES_MAX);
	buf_add(&raw, "", 0);
	for (want = 0; want < RFC2231_SECTIONS_MAX; want++) {
		for (i = 0; i < hv->n; i++)
			if ((sec = rfc2231_section(hv->p[i].name, base, &ext)) == want)
				break;
		if (i == hv->n)
			break;
		v = hv->p[i].value;
		if (ext && want == 0 && strchr(v, '\'') != NULL && strchr(strchr(v, '\'') + 1, '\'') != NULL) {
			size_t cl = (size_t)(strchr(v, '\'') - v);

			if (cl <= CHARSET_NAME_MAX) {
				memcpy(charset, v, cl);
				charset[cl] = '\0';
			}
			v = strchr(strchr(v, '\'') + 1, '\'') + 1;
		}
		if (ext)
			pct_decode(&raw, v);
		else
			buf_adds(&raw, v);
	}
	if (want > 0)
		r = mime_to_utf8(a, raw.s, raw.len, charset[0] != '\0' ? charset : NULL);
	buf_deinit(&raw);
	return r;
}

/* Parses a structured header value; parameter values come out decoded:
 * RFC 2231 sections joined and converted, RFC 2047 words (which clients
 * put in file names against the rules) decoded, raw 8-bit as UTF-8 or
 * windows-1252. */
static void hvalue_parse(struct arena *a, const char *v, struct hvalue *hv)
{
	int quoted[PARAMS_MAX];
	struct param *out;
	size_t i, o = 0;

	hvalue_split(a, v != NULL ? v : "", hv, quoted);
	out = arena_alloc(a, (hv->n * 2 + 1) * sizeof(*out));
	for (i = 0; i < hv->n; i++) {
		char *star = strchr(hv->p[i].name, '*'), *base;
		const char *joined;

		if (star == NULL)
			continue;
		base = arena_strndup(a, hv->p[i].name, (size_t)(star - hv->p[i].name));
		if (base[0] == '\0' || (joined = rfc2231_join(a, hv, base)) == NULL)
			continue;
		/* RFC 2231 values come first, so that they win over a plain
		 * parameter of the same name */
		out[o].name = base;
		out[o++].value = joined;
	}
	for (i = 0; i < hv->n; i++) {
		const char *val = hv->p[i].value;

		if (strchr(hv->p[i].name, '*') != NULL)
			continue;
		out[o].name = hv->p[i].name;
		out[o++].value = strstr(val, "=?") != NULL ? decode_words(a, val, NULL)
		    : one_line(a, mime_to_utf8(a, val, strlen(val), NULL));
	}
	(void)quoted;
	hv->p = out;
	hv->n = o;
}

static const char *param_get(const struct hvalue *hv, const char *name)
{
	size_t i;

	for (i = 0; i < hv->n; i++)
		if (strcmp(hv->p[i].name, name) == 0)
			return hv->p[i].value;
	return NULL;
}

/* "type/subtype" checked: "text" alone is text/plain (cpython msg_14), and
 * anything unreadable is the default type. */
static void ctype_norm(char *token, size_t size, const char *deftype)
{
	const char *slash = strchr(token, '/');
	const char *p;

	if (strcmp(token, "text") == 0) {
		str_copy(token, size, "text/plain");
		return;
	}
	for (p = token; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("!#$&^_.+-/", *p) == NULL)
			break;
	if (slash == NULL || slash == token || slash[1] == '\0' || *p != '\0' ||
	    strchr(slash + 1, '/') != NULL)
		str_copy(token, size, deftype);
}

/* ---- identifiers and addresses ---- */

static int id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= SUBJECT_BYTES_MAX || !utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '<' || s[i] == '>')
			return 0;
	return 1;
}

/* Every <id> in a header value (RFC 5322 3.6.4), in order. Bare tokens with
 * '@' are accepted too: some clients drop the brackets. */
static void parse_ids(struct arena *a, const char *v, const char ***ids, size_t *n, size_t max)
{
	const char *p = v, *end;
	size_t l;

	while (p != NULL && *p != '\0' && *n < max) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '<') {
			end = strchr(p, '>');
			if (end == NULL)
				break;
			if (id_ok(p + 1, (size_t)(end - p - 1))) {
				*ids = xrealloc(*ids, (*n + 1) * sizeof(char *));
				(*ids)[(*n)++] = arena_strndup(a, p + 1, (size_t)(end - p - 1));
			}
			p = end + 1;
		} else {
			l = strcspn(p, " \t,<");
			if (memchr(p, '@', l) != NULL && id_ok(p, l)) {
				*ids = xrealloc(*ids, (*n + 1) * sizeof(char *));
				(*ids)[(*n)++] = arena_strndup(a, p, l);
			}
			p += l;
		}
	}
}

static const char *first_id(struct arena *a, const char *v)
{
	const char **ids = NULL;
	const char *r = NULL;
	size_t n = 0;

	if (v == NULL)
		return NULL;
	parse_ids(a, v, &ids, &n, 1);
	if (n > 0)
		r = ids[0];
	free(ids);
	return r;
}

/* A display name: surrounding quotes removed (libetpan keeps them around
 * an encoded word), decoded; NULL when empty. */
static const char *display_name(struct arena *a, const char *raw, size_t n, const char *fallback)
{
	char *name = str_trim(arena_strndup(a, raw, n));
	size_t l = strlen(name);

	if (l >= 2 && name[0] == '"' && name[l - 1] == '"') {
		name[l - 1] = '\0';
		name++;
	}
	name = str_trim(arena_strdup(a, decode_words(a, name, fallback)));
	return name[0] != '\0' ? name : NULL;
}

/* Without libetpan's strict parse: <addr>, or the first word with an @. */
static const char *lenient_address(struct arena *a, const char *value, const char **name_r,
    const char *fallback)
{
	const char *lt = strchr(value, '<'), *gt = lt != NULL ? strchr(lt, '>') : NULL;
	const char *p = value;
	size_t l;

	if (lt != NULL) {
		/* "Name <addr>", the closing bracket possibly lost */
		size_t al = gt != NULL ? (size_t)(gt - lt - 1) : strcspn(lt + 1, " \t,;>");

		if (name_r != NULL)
			*name_r = display_name(a, value, (size_t)(lt - value), fallback);
		if (al > 0)
			return arena_strndup(a, lt + 1, al);
	}
	while (*p != '\0') {
		l = strcspn(p, " \t,;\"()<>");
		if (l > 0 && memchr(p, '@', l) != NULL)
			return arena_strndup(a, p, l);
		p += l;
		if (*p != '\0')
			p++;
	}
	return NULL;
}

static int address_ok(const char *r)
{
	const char *at = r != NULL ? strchr(r, '@') : NULL;

	return at != NULL && at != r && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	    strlen(r) <= ADDRESS_BYTES_MAX && !str_has_ctl(r) && strpbrk(r, " <>\"(),;") == NULL &&
	    utf8_valid(r, strlen(r));
}

static const char *address_parse(struct arena *a, const char *value, const char **name_r,
    const char *fallback)
{
	struct mailimf_mailbox_list *list = NULL;
	struct mailimf_mailbox *mb;
	size_t idx = 0;
	const char *r = NULL;
	char *addr;

	if (name_r != NULL)
		*name_r = NULL;
	if (value == NULL)
		return NULL;
	if (mailimf_mailbox_list_parse(value, strlen(value), &idx, &list) == MAILIMF_NO_ERROR &&
	    list != NULL && clist_count(list->mb_list) > 0) {
		mb = clist_content(clist_begin(list->mb_list));
		/* libetpan reads "a@b c@d" as one address, "Rémi <r@x" as one */
		if (address_ok(mb->mb_addr_spec)) {
			r = arena_strdup(a, mb->mb_addr_spec);
			if (name_r != NULL && mb->mb_display_name != NULL)
				*name_r = display_name(a, mb->mb_display_name, strlen(mb->mb_display_name),
				    fallback);
		}
	}
	if (list != NULL)
		mailimf_mailbox_list_free(list);
	if (r == NULL)
		r = lenient_address(a, value, name_r, fallback);
	if (!address_ok(r))
		return NULL;
	addr = arena_strdup(a, r);
	str_lower_ascii(addr);
	return addr;
}

const char *mime_address(struct arena *a, const char *value, const char **name_r)
{
	return address_parse(a, value, name_r, NULL);
}

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

#define SCAN_BOUNDARY_MAX 200
#define SCAN_VALUE_MAX 2048

enum scan_kind { SK_DISCRETE, SK_MULTIPART, SK_MESSAGE, SK_OTHER };

struct scan_level {
	char bnd[SCAN_BOUNDARY_MAX + 1];
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
		if (ne - ns > 8 || ve == vs || ve - vs > SCAN_BOUNDARY_MAX)
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
	if (sc->hdr && !is_field_start(s + i, n))
		scan_end_block(sc);
	return next;
}

/* 0 if libetpan may be given the message, -1 (and *why) if not. */
static int scan_bounds(const char *s, size_t len, int *backslash_r, const char **why)
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
static void scan_defuse(char *s, size_t len)
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

/* ---- the walk over libetpan's tree ---- */

/* Where a part sits: in the body the sender wrote, among the machine parts
 * of a report, or inside an attached or returned message (whose words are
 * not the sender's and whose calendars and reports are not ours). */
enum ctx { CTX_BODY, CTX_REPORT, CTX_INNER };

/* A second libetpan parse: a part libetpan could not split (RFC 2231
 * boundary), or a returned message in a transfer encoding. */
struct sub {
	struct sub *next;
	char *buf;
	struct mailmime *root;
};

struct cand {
	const char *text;  /* decoded; HTML when html is set */
	int html;
	int blank;         /* white space only */
	int plain_inline;  /* text/plain without a file name */
	const char *charset;
};

struct walk {
	struct mime_msg *m;
	struct arena *a;
	const char *why;          /* set when over a limit */
	struct sub *subs;
	const char *fwd_headers;  /* first attached message outside reports */
	const char *fwd_text;
};

struct part {
	struct hblock hb;
	struct hvalue ct;         /* ct.token: "type/subtype" */
	struct hvalue disp;
	enum cte cte;
	int attachment;
	const char *filename;
	const char *data;         /* the body, transfer-encoded */
	size_t len;
};

static void node(struct walk *w, struct mailmime *mm, const char *hdr, int depth, enum ctx ctx,
    const char *deftype, struct cand *out);

/* Reads a part's own header block: [hdr, start of its body). */
static int part_read(struct walk *w, struct mailmime *mm, const char *hdr, const char *deftype,
    struct part *p)
{
	const struct mailmime_data *d = mm->mm_type == MAILMIME_SINGLE ? mm->mm_data.mm_single : mm->mm_body;
	const char *why = NULL;

	memset(p, 0, sizeof(*p));
	if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT && d->dt_data.dt_text.dt_data != NULL) {
		p->data = d->dt_data.dt_text.dt_data;
		p->len = d->dt_data.dt_text.dt_length;
	} else {
		p->data = hdr;
	}
	if (header_block(w->a, hdr, p->data >= hdr ? (size_t)(p->data - hdr) : 0, &p->hb, &why) < 0) {
		w->why = why;
		return -1;
	}
	hvalue_parse(w->a, hblock_get(&p->hb, "Content-Type"), &p->ct);
	ctype_norm(p->ct.token, sizeof(p->ct.token), deftype);
	hvalue_parse(w->a, hblock_get(&p->hb, "Content-Disposition"), &p->disp);
	p->attachment = strcmp(p->disp.token, "attachment") == 0;
	p->filename = param_get(&p->disp, "filename");
	if (p->filename == NULL)
		p->filename = param_get(&p->ct, "name");
	p->cte = cte_kind(hblock_get(&p->hb, "Content-Transfer-Encoding"));
	return 0;
}

/* An HTML part without a charset parameter often names it in a <meta>. */
static const char *html_meta_charset(struct arena *a, const char *s, size_t n)
{
	const char *p;
	size_t l;
	char head[2049];

	if (n > sizeof(head) - 1)
		n = sizeof(head) - 1;
	memcpy(head, s, n);
	head[n] = '\0';
	if ((p = strcasestr(head, "charset=")) == NULL)
		return NULL;
	p += 8;
	while (*p == '"' || *p == '\'' || *p == ' ')
		p++;
	l = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");
	return l > 0 && l <= CHARSET_NAME_MAX ? arena_strndup(a, p, l) : NULL;
}

/* The content of a single part, transfer- and charset-decoded. */
static const char *part_text(struct walk *w, const struct part *p, const char **charset_r)
{
	const char *charset = param_get(&p->ct, "charset");
	struct buf raw, out;
	const char *r;

	buf_init(&raw, p->len + 16);
	buf_add(&raw, "", 0);
	cte_decode(&raw, p->cte, p->data, p->len);
	if (charset == NULL && strcmp(p->ct.token, "text/html") == 0)
		charset = html_meta_charset(w->a, raw.s, raw.len);
	buf_init(&out, raw.len * CHARSET_DECODE_GROWTH + 16);
	buf_add(&out, "", 0);
	charset_decode(&out, raw.s, raw.len, charset);
	r = finish(w->a, out.s, out.len);
	buf_deinit(&raw);
	buf_deinit(&out);
	if (charset_r != NULL)
		*charset_r = charset;
	return r;
}

/* RFC 3676 4.2: a line ending in a space continues on the next one (the
 * space is deleted too with DelSp=yes), quote depth must match, and a
 * leading space is stuffing. The signature separator "-- " stays fixed. */
static const char *unflow(struct arena *a, const char *t, int delsp)
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

static int is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static void text_cand(struct walk *w, const struct part *p, struct cand *out)
{
	const char *fmt = param_get(&p->ct, "format"), *delsp = param_get(&p->ct, "delsp");

	out->html = strcmp(p->ct.token, "text/html") == 0;
	out->text = part_text(w, p, &out->charset);
	if (!out->html && fmt != NULL && strcasecmp(fmt, "flowed") == 0)
		out->text = unflow(w->a, out->text, delsp != NULL && strcasecmp(delsp, "yes") == 0);
	out->blank = is_blank(out->text);
	out->plain_inline = !out->html && p->filename == NULL;
}

/* The text of a candidate, HTML converted. */
static const char *cand_text(struct walk *w, const struct cand *c)
{
	char *t;
	const char *r;

	if (c->text == NULL)
		return NULL;
	if (!c->html)
		return c->text;
	t = html_to_text(c->text, strlen(c->text), TEXT_BYTES_MAX);
	r = finish(w->a, t, strlen(t));
	free(t);
	return r;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), l = strlen(suffix);

	return n >= l && strcasecmp(s + n - l, suffix) == 0;
}

/* RFC 5545 3.7.2 METHOD, for a calendar sent without the method= parameter:
 * a property of the calendar, before its first component; lines unfolded
 * (RFC 5545 3.1), which libical's own samples fold even after the name. */
static const char *ical_method(struct arena *a, const char *cal)
{
	struct buf b;
	const char *p, *r = NULL;
	size_t i, l;

	buf_init(&b, ICAL_BYTES_MAX);
	buf_add(&b, "", 0);
	for (i = 0; cal[i] != '\0' && !b.toobig; i++) {
		if (cal[i] == '\n' && (cal[i + 1] == ' ' || cal[i + 1] == '\t'))
			i++;
		else
			buf_addc(&b, cal[i]);
	}
	for (p = b.s; p != NULL && *p != '\0'; p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL) {
		if (strncasecmp(p, "BEGIN:V", 7) == 0 && strncasecmp(p, "BEGIN:VCALENDAR", 15) != 0)
			break;
		if (strncasecmp(p, "METHOD:", 7) == 0) {
			l = strcspn(p + 7, "\r\n; \t");
			r = arena_strndup(a, p + 7, l);
			break;
		}
	}
	buf_deinit(&b);
	return r;
}

static int calendar_part(struct walk *w, const struct part *p)
{
	struct mime_msg *m = w->m;
	const char *t = p->ct.token, *text, *method;
	char *up;

	if (strcmp(t, "text/calendar") != 0 && strcmp(t, "application/ics") != 0 &&
	    (p->filename == NULL || !ends_with_ci(p->filename, ".ics")))
		return 0;
	if (m->calendar != NULL)
		return 1;
	text = part_text(w, p, NULL);
	if (strcmp(t, "text/calendar") != 0 && strcmp(t, "application/ics") != 0 &&
	    strncasecmp(text + strspn(text, " \t\n"), "BEGIN:VCALENDAR", 15) != 0)
		return 0;
	if (strlen(text) > ICAL_BYTES_MAX) {
		w->why = "calendar part over the size limit";
		return 1;
	}
	m->calendar = text;
	method = param_get(&p->ct, "method");
	if (method == NULL)
		method = ical_method(w->a, text);
	if (method != NULL && method[0] != '\0') {
		up = arena_strdup(w->a, method);
		for (char *c = up; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		m->calendar_method = one_line(w->a, up);
	}
	return 1;
}

/* The parts of a report meant for programs (RFC 3464, RFC 6522, RFC 6533). */
static int report_part(struct walk *w, const struct part *p)
{
	const char *t = p->ct.token;
	struct mime_msg *m = w->m;

	if (strcmp(t, "message/delivery-status") == 0 || strcmp(t, "message/global-delivery-status") == 0) {
		if (m->delivery_status == NULL)
			m->delivery_status = part_text(w, p, NULL);
		return 1;
	}
	if (strcmp(t, "text/rfc822-headers") == 0 || strcmp(t, "text/rfc822-header") == 0 ||
	    strcmp(t, "message/rfc822-headers") == 0 || strcmp(t, "message/global-headers") == 0) {
		if (m->original_headers == NULL)
			m->original_headers = part_text(w, p, NULL);
		return 1;
	}
	return 0;
}

/* The header block of a message at s, as text. */
static const char *header_text(struct arena *a, const char *s, size_t len)
{
	struct hblock hb;
	const char *why;
	size_t n = len < HEADER_BYTES_MAX ? len : HEADER_BYTES_MAX;

	if (header_block(a, s, len, &hb, &why) == 0)
		n = hb.body;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n > 0 ? finish(a, s, n) : NULL;
}

/* Keeps what an attached message says: in a report it is the returned
 * message; elsewhere the first one is kept for non-standard bounces. */
static void keep_attached(struct walk *w, enum ctx ctx, const char *headers, const char *text)
{
	struct mime_msg *m = w->m;

	if (ctx == CTX_REPORT) {
		if (m->original_headers == NULL)
			m->original_headers = headers;
		if (m->original_text == NULL)
			m->original_text = text;
	} else if (ctx == CTX_BODY && w->fwd_headers == NULL) {
		w->fwd_headers = headers;
		w->fwd_text = text;
	}
}

/* A second parse by libetpan of a buffer of ours (owned by w from now on),
 * under the same bounds. Returns the body part of its message, or NULL. */
static struct mailmime *subparse(struct walk *w, char *buf, size_t len)
{
	struct sub *s = xcalloc(1, sizeof(*s));
	const char *why = NULL;
	size_t idx = 0;
	int bs = 0;

	s->buf = buf;
	s->next = w->subs;
	w->subs = s;
	if (scan_bounds(buf, len, &bs, &why) < 0) {
		w->why = why;
		return NULL;
	}
	if (bs)
		scan_defuse(buf, len);
	if (mailmime_parse(buf, len, &idx, &s->root) != MAILIMF_NO_ERROR) {
		s->root = NULL;
		return NULL;
	}
	return s->root->mm_type == MAILMIME_MESSAGE ? s->root->mm_data.mm_message.mm_msg_mime : NULL;
}

/* message/rfc822 that libetpan left whole (base64 or quoted-printable, as
 * some servers return messages) and message/global (RFC 6532). */
static void encoded_message(struct walk *w, const struct part *p, int depth, enum ctx ctx)
{
	struct buf raw;
	struct mailmime *inner;
	struct cand c;
	const char *headers;
	char *copy;
	size_t len;

	if (ctx == CTX_BODY)
		w->m->has_attachments = 1;
	if (ctx == CTX_INNER)
		return;
	buf_init(&raw, p->len + 16);
	buf_add(&raw, "", 0);
	cte_decode(&raw, p->cte, p->data, p->len);
	len = raw.len;
	copy = buf_steal(&raw);
	headers = header_text(w->a, copy, len);
	memset(&c, 0, sizeof(c));
	if ((inner = subparse(w, copy, len)) != NULL)
		node(w, inner, copy, depth + 1, CTX_INNER, "text/plain", &c);
	keep_attached(w, ctx, headers, cand_text(w, &c));
}

static void single(struct walk *w, const struct part *p, int depth, enum ctx ctx, struct cand *out)
{
	const char *t = p->ct.token;

	if (ctx != CTX_INNER && (calendar_part(w, p) || report_part(w, p)))
		return;
	if (strcmp(t, "message/rfc822") == 0 || strcmp(t, "message/global") == 0) {
		encoded_message(w, p, depth, ctx);
		return;
	}
	if (p->attachment || ctx == CTX_REPORT) {
		if (ctx == CTX_BODY)
			w->m->has_attachments = 1;
		return;
	}
	if (strcmp(t, "text/plain") == 0 || strcmp(t, "text/html") == 0)
		text_cand(w, p, out);
	else if (ctx == CTX_BODY)
		w->m->has_attachments = 1;
}

/* 3: non-empty plain text, 2: non-empty HTML, 1: an empty text, 0: none. */
static int cand_score(const struct cand *c)
{
	if (c->text == NULL)
		return 0;
	if (c->blank)
		return 1;
	return c->html ? 2 : 3;
}

/* Folds the candidate of a child into the candidate of its multipart. */
static void cand_merge(struct walk *w, const char *sub, int first, struct cand *out, const struct cand *c)
{
	char *joined;

	if (strcmp(sub, "alternative") == 0) {
		/* RFC 2046 5.1.4: we take plain text over richer forms */
		if (cand_score(c) > cand_score(out))
			*out = *c;
	} else if (strcmp(sub, "related") == 0 || strcmp(sub, "signed") == 0) {
		if (first)
			*out = *c; /* RFC 2387 root; RFC 1847 signed content */
	} else if (strcmp(sub, "encrypted") == 0) {
		return;
	} else if (cand_score(out) <= 1) {
		if (cand_score(c) > cand_score(out))
			*out = *c;
	} else if (!out->html && out->plain_inline && cand_score(c) == 3 && c->plain_inline) {
		/* inline text parts around a picture (Apple Mail) */
		joined = arena_printf(w->a, "%s%s%s", out->text,
		    out->text[strlen(out->text) - 1] == '\n' ? "" : "\n", c->text);
		out->text = joined;
	}
}

/* Starts a multipart: its subtype, the default type of its parts, and the
 * report type when it is a report. */
static const char *mp_begin(struct walk *w, const struct part *p, enum ctx ctx, const char **deftype_r,
    int *report_r)
{
	const char *sub = str_has_prefix(p->ct.token, "multipart/") ? p->ct.token + 10 : "mixed";

	*deftype_r = strcmp(sub, "digest") == 0 ? "message/rfc822" : "text/plain";
	*report_r = strcmp(sub, "report") == 0;
	if (*report_r && ctx == CTX_BODY && w->m->report_type == NULL) {
		const char *rt = param_get(&p->ct, "report-type");
		char *lower = arena_strdup(w->a, rt != NULL && rt[0] != '\0' ? rt : "unknown");

		str_lower_ascii(lower);
		w->m->report_type = lower;
	}
	return sub;
}

/* RFC 6522 3: the first part of a report is for people, the others for
 * programs. */
static enum ctx mp_child_ctx(int report, int i, enum ctx ctx)
{
	return report && i > 0 && ctx == CTX_BODY ? CTX_REPORT : ctx;
}

/* Is the line at s the delimiter "--boundary" (close: followed by "--")?
 * Strict: only white space may follow (RFC 2046 5.1.1). */
static int is_delimiter(const char *s, size_t n, const char *b, size_t bl, int *close)
{
	size_t j = bl + 2;

	*close = 0;
	if (n < j || s[0] != '-' || s[1] != '-' || memcmp(s + 2, b, bl) != 0)
		return 0;
	if (n >= j + 2 && s[j] == '-' && s[j + 1] == '-') {
		*close = 1;
		j += 2;
	}
	for (; j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'); j++)
		;
	return j == n;
}

/* The parts of a multipart body as RFC 2046 5.1.1 has them: after the
 * first line starting with "--boundary" (libetpan's preamble rule), up to
 * the close delimiter; a part ends before the line break of the next
 * delimiter. Returns the number of parts (at most max are stored), -1 when
 * there is no delimiter at all. */
static long split_scan(const char *s, size_t len, const char *b, size_t *starts, size_t *ends, size_t max)
{
	size_t bl = strlen(b), i = 0, end, start = 0, n = 0, pe;
	const char *nl;
	int found = 0, close, delim;

	while (i < len) {
		nl = memchr(s + i, '\n', len - i);
		end = nl != NULL ? (size_t)(nl - s) : len;
		delim = is_delimiter(s + i, end - i, b, bl, &close);
		if (!found && !delim)
			delim = end - i >= bl + 2 && s[i] == '-' && s[i + 1] == '-' && memcmp(s + i + 2, b, bl) == 0;
		if (delim) {
			pe = i > start + 1 && s[i - 2] == '\r' ? i - 2 : (i > start ? i - 1 : start);
			if (found && n < max) {
				starts[n] = start;
				ends[n] = pe;
			}
			n += found;
			found = 1;
			if (close)
				return (long)n;
			start = nl != NULL ? end + 1 : len;
		}
		i = nl != NULL ? end + 1 : len;
	}
	if (!found)
		return -1;
	if (start < len) {
		if (n < max) {
			starts[n] = start;
			ends[n] = len;
		}
		n++;
	}
	return (long)n;
}

/* One part of a multipart split here, read by libetpan as a message of
 * its own. */
static void split_one(struct walk *w, const char *s, size_t n, int depth, enum ctx ctx, const char *deftype,
    struct cand *c)
{
	struct mailmime *inner;
	char *copy = xmalloc(n + 1);

	memcpy(copy, s, n);
	copy[n] = '\0';
	memset(c, 0, sizeof(*c));
	if ((inner = subparse(w, copy, n)) != NULL)
		node(w, inner, copy, depth, ctx, deftype, c);
}

/* A multipart split here rather than by libetpan (RFC 2231 boundary,
 * cpython msg_33; an empty part, which makes libetpan drop them all;
 * doubled delimiters). Returns -1 when the body holds no delimiter. */
static int split_parts(struct walk *w, const struct part *p, int depth, enum ctx ctx, struct cand *out)
{
	const char *b = param_get(&p->ct, "boundary"), *deftype, *sub;
	size_t *starts, *ends, i;
	long n;
	int report, k = 0;
	struct cand c;

	if (b == NULL || b[0] == '\0' || strlen(b) > SCAN_BOUNDARY_MAX || strpbrk(b, "\r\n") != NULL)
		return -1;
	starts = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	ends = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	n = split_scan(p->data, p->len, b, starts, ends, MIME_PARTS_MAX + 1);
	if (n > 0) {
		sub = mp_begin(w, p, ctx, &deftype, &report);
		for (i = 0; i < (size_t)n && i <= MIME_PARTS_MAX && w->why == NULL; i++) {
			if (ends[i] <= starts[i])
				continue;
			split_one(w, p->data + starts[i], ends[i] - starts[i], depth + 1,
			    mp_child_ctx(report, k, ctx), deftype, &c);
			cand_merge(w, sub, k == 0, out, &c);
			k++;
		}
	}
	free(starts);
	free(ends);
	return n >= 0 ? 0 : -1;
}

/* A multipart without a usable boundary is read as text, as other mail
 * readers do (cpython msg_25, msg_31, msg_41). */
static void as_plain_text(struct walk *w, const struct part *p, struct cand *out)
{
	struct part q = *p;

	str_copy(q.ct.token, sizeof(q.ct.token), "text/plain");
	text_cand(w, &q, out);
}

/* Does libetpan's split agree with RFC 2046's: as many parts, ending at
 * the same places? It does not with empty parts (it drops them all),
 * doubled delimiters or a close delimiter right after the first one. */
static int split_agrees(const struct part *p, clist *list, const char *b)
{
	size_t *starts, *ends, i = 0;
	clistiter *it;
	long n;
	int ok;

	if (b == NULL || b[0] == '\0' || list == NULL)
		return 0;
	starts = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	ends = xcalloc(MIME_PARTS_MAX + 1, sizeof(size_t));
	n = split_scan(p->data, p->len, b, starts, ends, MIME_PARTS_MAX + 1);
	ok = n >= 0 && n <= MIME_PARTS_MAX && (size_t)n == (size_t)clist_count(list);
	for (it = clist_begin(list); ok && it != NULL; it = clist_next(it), i++) {
		const struct mailmime *child = clist_content(it);

		ok = child->mm_mime_start + child->mm_length == p->data + ends[i];
	}
	free(starts);
	free(ends);
	return ok;
}

static void multipart(struct walk *w, struct mailmime *mm, const struct part *p, int depth,
    enum ctx ctx, struct cand *out)
{
	clist *list = mm->mm_data.mm_multipart.mm_mp_list;
	const char *deftype, *sub;
	struct cand c;
	clistiter *it;
	int report, i = 0;

	if (!split_agrees(p, list, param_get(&p->ct, "boundary"))) {
		if (split_parts(w, p, depth, ctx, out) < 0)
			as_plain_text(w, p, out);
		return;
	}
	sub = mp_begin(w, p, ctx, &deftype, &report);
	for (it = clist_begin(list); it != NULL && w->why == NULL; it = clist_next(it), i++) {
		struct mailmime *child = clist_content(it);

		node(w, child, child->mm_mime_start, depth + 1, mp_child_ctx(report, i, ctx), deftype, &c);
		cand_merge(w, sub, i == 0, out, &c);
	}
}

/* An attached message/rfc822 (or the one a report returns). */
static void message(struct walk *w, struct mailmime *mm, const struct part *p, int depth, enum ctx ctx)
{
	struct mailmime *inner = mm->mm_data.mm_message.mm_msg_mime;
	const char *ihdr = p->data, *headers;
	struct cand c;

	memset(&c, 0, sizeof(c));
	if (inner != NULL)
		node(w, inner, ihdr, depth + 1, CTX_INNER, "text/plain", &c);
	if (ctx == CTX_INNER)
		return;
	if (ctx == CTX_BODY)
		w->m->has_attachments = 1;
	headers = header_text(w->a, ihdr, p->len);
	keep_attached(w, ctx, headers, cand_text(w, &c));
}

static void node(struct walk *w, struct mailmime *mm, const char *hdr, int depth, enum ctx ctx,
    const char *deftype, struct cand *out)
{
	struct part p;

	memset(out, 0, sizeof(*out));
	if (w->why != NULL)
		return;
	if (++w->m->n_parts > MIME_PARTS_MAX) {
		w->why = "too many MIME parts";
		return;
	}
	if (depth > MIME_DEPTH_MAX) {
		w->why = "MIME nesting over the depth limit";
		return;
	}
	if (depth > w->m->depth)
		w->m->depth = depth;
	if (part_read(w, mm, hdr, deftype, &p) < 0)
		return;
	switch (mm->mm_type) {
	case MAILMIME_MULTIPLE:
		multipart(w, mm, &p, depth, ctx, out);
		break;
	case MAILMIME_MESSAGE:
		message(w, mm, &p, depth, ctx);
		break;
	default:
		if (!str_has_prefix(p.ct.token, "multipart/"))
			single(w, &p, depth, ctx, out);
		else if (split_parts(w, &p, depth, ctx, out) < 0)
			as_plain_text(w, &p, out);
		break;
	}
}

/* ---- the top level ---- */

static void envelope_date(struct mime_msg *m, const char *v)
{
	struct mailimf_date_time *dt = NULL;
	size_t idx = 0;

	if (v == NULL || mailimf_date_time_parse(v, strlen(v), &idx, &dt) != MAILIMF_NO_ERROR || dt == NULL)
		return;
	if (dt->dt_year >= 1970 && dt->dt_year <= 9999 && dt->dt_month >= 1 && dt->dt_month <= 12 &&
	    dt->dt_day >= 1 && dt->dt_day <= 31 && dt->dt_hour >= 0 && dt->dt_hour <= 23 &&
	    dt->dt_min >= 0 && dt->dt_min <= 59 && dt->dt_sec >= 0 && dt->dt_sec <= 60 &&
	    dt->dt_zone >= -9959 && dt->dt_zone <= 9959) {
		m->date = time_from_utc(dt->dt_year, dt->dt_month, dt->dt_day, dt->dt_hour,
		    dt->dt_min, dt->dt_sec) - (dt->dt_zone / 100) * 3600 - (dt->dt_zone % 100) * 60;
	}
	mailimf_date_time_free(dt);
}

static void envelope_ids(struct mime_msg *m, const struct hblock *hb)
{
	const char **refs = NULL;
	size_t i, n = 0;

	m->message_id = first_id(m->arena, hblock_get(hb, "Message-ID"));
	m->in_reply_to = first_id(m->arena, hblock_get(hb, "In-Reply-To"));
	for (i = 0; i < hb->n; i++)
		if (strcasecmp(hb->h[i].name, "References") == 0)
			parse_ids(m->arena, hb->h[i].value, &refs, &n, IDS_MAX);
	for (i = 0; i < hb->n; i++)
		if (strcasecmp(hb->h[i].name, "In-Reply-To") == 0)
			parse_ids(m->arena, hb->h[i].value, &refs, &n, IDS_MAX + 10);
	if (n > 0) {
		m->references = arena_alloc(m->arena, n * sizeof(char *));
		memcpy(m->references, refs, n * sizeof(char *));
		m->n_references = n;
	}
	free(refs);
}

/* The top header block: identifiers, addresses, subject, date; raw 8-bit
 * text is read in the body's charset when it is not UTF-8 (old Japanese
 * and Russian clients do that). */
static void envelope(struct mime_msg *m, const struct hblock *hb, const char *fallback)
{
	struct arena *a = m->arena;
	const char *v;
	size_t i;

	envelope_ids(m, hb);
	m->from_addr = address_parse(a, hblock_get(hb, "From"), &m->from_name, fallback);
	m->reply_to_addr = address_parse(a, hblock_get(hb, "Reply-To"), NULL, fallback);
	v = hblock_get(hb, "Return-Path");
	if (v != NULL) {
		char *rp = str_trim(arena_strdup(a, v));

		m->return_path = strcmp(rp, "<>") == 0 || rp[0] == '\0' || strcmp(rp, "< >") == 0 ? ""
		    : address_parse(a, rp, NULL, NULL);
		if (m->return_path == NULL)
			m->return_path = header_clean(a, rp);
	}
	v = hblock_get(hb, "Subject");
	m->subject = v != NULL ? str_trim(arena_strdup(a, decode_words(a, v, fallback))) : "";
	if (strlen(m->subject) > SUBJECT_BYTES_MAX)
		m->subject = arena_strndup(a, m->subject, utf8_cut(m->subject, strlen(m->subject), SUBJECT_BYTES_MAX));
	envelope_date(m, hblock_get(hb, "Date"));
	m->headers = arena_alloc(a, (hb->n ? hb->n : 1) * sizeof(*m->headers));
	for (i = 0; i < hb->n; i++) {
		m->headers[i].name = header_clean(a, hb->h[i].name);
		m->headers[i].value = header_clean(a, hb->h[i].value);
	}
	m->n_headers = hb->n;
}

/* A message libetpan could not read as MIME: its body in the transfer
 * encoding and charset its header names. */
static void flat_body(struct walk *w, const struct hblock *hb, const char *s, size_t n, struct cand *out)
{
	struct part p;

	memset(&p, 0, sizeof(p));
	memset(out, 0, sizeof(*out));
	p.hb = *hb;
	hvalue_parse(w->a, hblock_get(hb, "Content-Type"), &p.ct);
	ctype_norm(p.ct.token, sizeof(p.ct.token), "text/plain");
	p.cte = cte_kind(hblock_get(hb, "Content-Transfer-Encoding"));
	p.data = s + hb->body;
	p.len = n - hb->body;
	if (strcmp(p.ct.token, "text/html") != 0)
		str_copy(p.ct.token, sizeof(p.ct.token), "text/plain");
	text_cand(w, &p, out);
}

static const char *over_text_limit(const struct mime_msg *m)
{
	const char *texts[] = { m->text, m->text_html, m->delivery_status, m->original_headers,
		m->original_text };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++)
		if (texts[i] != NULL && strlen(texts[i]) > TEXT_BYTES_MAX)
			return "decoded text over the size limit";
	return NULL;
}

/* The bytes given to libetpan: lone CRs (old Mac mail) become LFs, since
 * libetpan only breaks lines at LF, and an mbox "From " line is skipped.
 * *own_r is set when a copy had to be made. */
static const char *input_prepare(const char *raw, size_t len, size_t *n_r, char **own_r)
{
	const char *s = raw, *nl;
	size_t i;

	*own_r = NULL;
	*n_r = len;
	if (memchr(raw, '\n', len) == NULL && memchr(raw, '\r', len) != NULL) {
		*own_r = xmalloc(len + 1);
		for (i = 0; i < len; i++)
			(*own_r)[i] = raw[i] == '\r' ? '\n' : raw[i];
		(*own_r)[len] = '\0';
		s = *own_r;
	}
	/* lines of white space before the header (flanker iphone.eml) */
	while (*n_r > 0 && (s[0] == ' ' || s[0] == '\t') && (nl = memchr(s, '\n', *n_r)) != NULL) {
		for (i = 0; s + i < nl && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'); i++)
			;
		if (s + i != nl)
			break;
		*n_r -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
	if (*n_r >= 5 && memcmp(s, "From ", 5) == 0 && (nl = memchr(s, '\n', *n_r)) != NULL) {
		*n_r -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
	return s;
}

/* Parses [s, s+n) into w->m; returns the body candidate through out. */
static int parse_body(struct walk *w, const char *s, size_t n, const struct hblock *hb, struct cand *out,
    struct mailmime **root_r, char **own)
{
	const char *why = NULL;
	size_t idx = 0;
	int bs = 0;

	if (scan_bounds(s, n, &bs, &why) < 0) {
		w->why = why;
		return -1;
	}
	if (bs) {
		char *copy = xmalloc(n + 1);

		memcpy(copy, s, n);
		copy[n] = '\0';
		scan_defuse(copy, n);
		free(*own);
		*own = copy;
		s = copy;
	}
	if (mailmime_parse(s, n, &idx, root_r) == MAILIMF_NO_ERROR && *root_r != NULL &&
	    (*root_r)->mm_type == MAILMIME_MESSAGE && (*root_r)->mm_data.mm_message.mm_msg_mime != NULL)
		node(w, (*root_r)->mm_data.mm_message.mm_msg_mime, s, 0, CTX_BODY, "text/plain", out);
	else
		flat_body(w, hb, s, n, out);
	return w->why != NULL ? -1 : 0;
}

static void walk_free(struct walk *w, struct mailmime **root)
{
	struct sub *s, *next;

	for (s = w->subs; s != NULL; s = next) {
		next = s->next;
		if (s->root != NULL)
			mailmime_free(s->root);
		free(s->buf);
		free(s);
	}
	w->subs = NULL;
	if (*root != NULL)
		mailmime_free(*root);
	*root = NULL;
}

int mime_parse(const char *raw, size_t len, struct mime_msg **msg_r, const char **error_r)
{
	struct mailmime *root = NULL;
	struct mime_msg *m;
	struct hvalue ct;
	struct hblock hb;
	struct walk w;
	struct cand body;
	struct arena *a;
	char *own = NULL;
	const char *s, *why = NULL;
	size_t n;

	*msg_r = NULL;
	if (len > MSG_BYTES_MAX) {
		*error_r = "message over the size limit";
		return -1;
	}
	s = input_prepare(raw, len, &n, &own);
	a = arena_new();
	m = arena_alloc(a, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->raw_len = len;
	memset(&w, 0, sizeof(w));
	memset(&body, 0, sizeof(body));
	w.m = m;
	w.a = a;
	if (header_block(a, s, n, &hb, &why) < 0 || parse_body(&w, s, n, &hb, &body, &root, &own) < 0)
		goto fail;
	hvalue_parse(a, hblock_get(&hb, "Content-Type"), &ct);
	ctype_norm(ct.token, sizeof(ct.token), "text/plain");
	m->content_type = arena_strdup(a, ct.token);
	m->text = body.text != NULL ? cand_text(&w, &body) : "";
	m->text_from_html = body.text != NULL && body.html;
	m->text_html = m->text_from_html ? body.text : NULL;
	if (m->original_headers == NULL && m->report_type == NULL) {
		m->original_headers = w.fwd_headers;
		m->original_text = w.fwd_text;
	}
	envelope(m, &hb, body.charset != NULL ? body.charset : param_get(&ct, "charset"));
	if ((why = over_text_limit(m)) != NULL)
		goto fail;
	walk_free(&w, &root);
	free(own);
	*msg_r = m;
	return 0;
fail:
	if (why == NULL)
		why = w.why != NULL ? w.why : "message cannot be parsed";
	walk_free(&w, &root);
	free(own);
	arena_free(&a);
	*error_r = why;
	return -1;
}

void mime_free(struct mime_msg **mp)
{
	struct arena *a;

	if (*mp == NULL)
		return;
	a = (*mp)->arena;
	arena_free(&a);
	*mp = NULL;
}
