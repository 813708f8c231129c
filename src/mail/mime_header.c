/* mime_header: header blocks (RFC 5322 2.2) and structured values
 * (RFC 2045 5.1 parameters, RFC 2231 continuations and charsets), for every
 * pass of mime_parse() (mime_private.h), and the header lookups of mime.h.
 * A header block fails only over HEADER_BYTES_MAX or HEADER_FIELDS_MAX; a
 * structured value is read as well as can be, comments and all. */
#include "mime_private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "charset.h"
#include "util.h"

#define PARAMS_MAX 64
#define RFC2231_SECTIONS_MAX 100

/* ---- header blocks (RFC 5322 2.2) ---- */

/* Does the line start a field: a name of printable ASCII, then a colon
 * (obsolete syntax allows white space before it, RFC 5322 4.5)? */
int mime_is_field_start(const char *s, size_t n)
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
int mime_header_block(struct arena *a, const char *s, size_t len, struct hblock *hb, const char **why)
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
		} else if (mime_is_field_start(s + i, lend - i)) {
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

const char *mime_hblock_get(const struct hblock *hb, const char *name)
{
	size_t i;

	for (i = 0; i < hb->n; i++)
		if (strcasecmp(hb->h[i].name, name) == 0)
			return hb->h[i].value;
	return NULL;
}

/* A raw header value made presentable: valid UTF-8, no control character. */
const char *mime_header_clean(struct arena *a, const char *v)
{
	size_t n = strlen(v);

	if (!utf8_valid(v, n))
		v = mime_to_utf8(a, v, n, NULL);
	return mime_one_line(a, v);
}

const char *mime_block_header(struct arena *a, const char *block, const char *name)
{
	struct hblock hb;
	const char *why, *v;

	if (block == NULL)
		return NULL;
	if (mime_header_block(a, block, strlen(block), &hb, &why) < 0)
		return NULL;
	v = mime_hblock_get(&hb, name);
	return v != NULL ? mime_header_clean(a, v) : NULL;
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
			mime_pct_decode(&raw, v);
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
void mime_hvalue_parse(struct arena *a, const char *v, struct hvalue *hv)
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
		out[o++].value = strstr(val, "=?") != NULL ? mime_decode_words_as(a, val, NULL)
		    : mime_one_line(a, mime_to_utf8(a, val, strlen(val), NULL));
	}
	(void)quoted;
	hv->p = out;
	hv->n = o;
}

const char *mime_param_get(const struct hvalue *hv, const char *name)
{
	size_t i;

	for (i = 0; i < hv->n; i++)
		if (strcmp(hv->p[i].name, name) == 0)
			return hv->p[i].value;
	return NULL;
}

/* "type/subtype" checked: "text" alone is text/plain (cpython msg_14), and
 * anything unreadable is the default type. */
void mime_ctype_norm(char *token, size_t size, const char *deftype)
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
