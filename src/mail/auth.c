/* auth: RFC 8601 2.2, read over a cursor:
 *
 *   authres-payload = [CFWS] authserv-id [CFWS authres-version]
 *                     (no-result / 1*resinfo) [CFWS]
 *   resinfo    = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
 *   methodspec = [CFWS] method [CFWS] "=" [CFWS] result
 *   method     = Keyword [[CFWS] "/" [CFWS] method-version]
 *   reasonspec = "reason" [CFWS] "=" [CFWS] value
 *   propspec   = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *   pvalue     = [CFWS] (value / [[local-part] "@"] domain-name) [CFWS]
 *
 * value is an RFC 2045 token or a quoted string. */
#include "auth.h"

#include <string.h>
#include <strings.h>

#include "mime.h"
#include "util.h"

#define AR_HEADERS_READ 5
#define COMMENT_DEPTH_MAX 32

struct cur {
	const unsigned char *s;
	size_t n, i;
};

static int peek(const struct cur *c)
{
	return c->i < c->n ? c->s[c->i] : -1;
}

static int is_wsp(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* CFWS (RFC 5322 3.2.2): white space and comments, nested, with quoted
 * pairs. -1 when a comment is not closed. */
static int cfws(struct cur *c)
{
	int depth;

	for (;;) {
		while (c->i < c->n && is_wsp(c->s[c->i]))
			c->i++;
		if (peek(c) != '(')
			return 0;
		depth = 0;
		do {
			int ch = c->s[c->i++];

			if (ch == '\\' && c->i < c->n)
				c->i++;
			else if (ch == '(' && ++depth > COMMENT_DEPTH_MAX)
				return -1;
			else if (ch == ')')
				depth--;
			if (depth > 0 && c->i >= c->n)
				return -1;
		} while (depth > 0);
	}
}

/* Appends ch to out (size bytes); -1 when it does not fit. */
static int put(char *out, size_t size, size_t *o, int ch)
{
	if (*o + 1 >= size)
		return -1;
	out[(*o)++] = (char)ch;
	out[*o] = '\0';
	return 0;
}

/* A quoted string, the cursor on its '"': its content, quoted pairs
 * resolved, appended to out. */
static int quoted(struct cur *c, char *out, size_t size, size_t *o)
{
	int ch;

	for (c->i++;;) {
		if (c->i >= c->n)
			return -1;
		ch = c->s[c->i++];
		if (ch == '"')
			return 0;
		if (ch == '\\') {
			if (c->i >= c->n)
				return -1;
			ch = c->s[c->i++];
		}
		if (put(out, size, o, ch) < 0)
			return -1;
	}
}

/* RFC 2045 5.1 token: any CHAR but SPACE, CTLs and tspecials. */
static int is_token(int ch)
{
	return ch > 0x20 && ch < 0x7f && strchr("()<>@,;:\\\"/[]?=", ch) == NULL;
}

/* Keyword (RFC 8601 2.2: ldh-str, with '_' as servers write it). */
static int keyword(struct cur *c, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	while (c->i < c->n && ((c->s[c->i] >= 'a' && c->s[c->i] <= 'z') ||
	    (c->s[c->i] >= 'A' && c->s[c->i] <= 'Z') || (c->s[c->i] >= '0' && c->s[c->i] <= '9') ||
	    c->s[c->i] == '-' || c->s[c->i] == '_')) {
		int ch = c->s[c->i++];

		if (put(out, size, &o, ch >= 'A' && ch <= 'Z' ? ch + 32 : ch) < 0)
			return -1;
	}
	return o > 0 ? 0 : -1;
}

/* value: a token or a quoted string. */
static int value(struct cur *c, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	if (peek(c) == '"')
		return quoted(c, out, size, &o);
	while (c->i < c->n && is_token(c->s[c->i]))
		if (put(out, size, &o, c->s[c->i++]) < 0)
			return -1;
	return o > 0 ? 0 : -1;
}

/* pvalue: a value, or an address or domain, whose local part may be a
 * quoted string: pieces that touch are one value. */
static int pvalue(struct cur *c, char *out, size_t size)
{
	size_t o = 0;
	int ch;

	out[0] = '\0';
	for (;;) {
		ch = peek(c);
		if (ch == '"') {
			if (quoted(c, out, size, &o) < 0)
				return -1;
		} else if (ch > 0x20 && ch != 0x7f && ch != '(' && ch != ';') {
			if (put(out, size, &o, ch) < 0)
				return -1;
			c->i++;
		} else {
			return 0;
		}
	}
}

/* One resinfo after its ';': the method, its result and the properties
 * kept in r. lenient: a "name=value" where a property belongs (Exchange's
 * "action=none") is passed over. */
static int resinfo(struct cur *c, struct auth_result *r, int lenient)
{
	char ptype[32], property[32], v[AUTH_VALUE_MAX], version[16];
	const char *at;

	memset(r, 0, sizeof(*r));
	if (cfws(c) < 0 || keyword(c, r->method, sizeof(r->method)) < 0 || cfws(c) < 0)
		return -1;
	if (peek(c) == '/') {
		c->i++;
		if (cfws(c) < 0 || keyword(c, version, sizeof(version)) < 0 || cfws(c) < 0)
			return -1;
	}
	if (peek(c) != '=')
		return -1;
	c->i++;
	if (cfws(c) < 0 || keyword(c, r->result, sizeof(r->result)) < 0)
		return -1;
	for (;;) {
		if (cfws(c) < 0)
			return -1;
		if (c->i >= c->n || peek(c) == ';')
			return 0;
		if (keyword(c, ptype, sizeof(ptype)) < 0 || cfws(c) < 0)
			return -1;
		if (strcmp(ptype, "reason") == 0) {
			if (peek(c) != '=')
				return -1;
			c->i++;
			if (cfws(c) < 0 || value(c, v, sizeof(v)) < 0)
				return -1;
			continue;
		}
		if (lenient && peek(c) == '=') {
			c->i++;
			if (cfws(c) < 0 || pvalue(c, v, sizeof(v)) < 0)
				return -1;
			continue;
		}
		if (peek(c) != '.')
			return -1;
		c->i++;
		if (cfws(c) < 0 || keyword(c, property, sizeof(property)) < 0 || cfws(c) < 0 ||
		    peek(c) != '=')
			return -1;
		c->i++;
		if (cfws(c) < 0 || pvalue(c, v, sizeof(v)) < 0)
			return -1;
		if (strcmp(ptype, "header") == 0 && strcmp(property, "d") == 0)
			str_copy(r->header_d, sizeof(r->header_d), v);
		else if (strcmp(ptype, "header") == 0 && strcmp(property, "i") == 0)
			str_copy(r->header_i, sizeof(r->header_i), (at = strrchr(v, '@')) != NULL ? at + 1 : v);
		else if (strcmp(ptype, "header") == 0 && strcmp(property, "from") == 0)
			str_copy(r->header_from, sizeof(r->header_from), v);
		else if (strcmp(ptype, "smtp") == 0 && strcmp(property, "mailfrom") == 0)
			str_copy(r->mailfrom, sizeof(r->mailfrom), (at = strrchr(v, '@')) != NULL ? at + 1 : v);
	}
}

int auth_parse(const char *text, size_t len, struct auth_results *out)
{
	struct cur c = { (const unsigned char *)text, len, 0 };
	struct auth_result r;
	char version[16];
	size_t save;

	memset(out, 0, sizeof(*out));
	if (cfws(&c) < 0 || value(&c, out->authserv_id, sizeof(out->authserv_id)) < 0)
		return -1;
	if (cfws(&c) < 0)
		goto malformed;
	/* authres-version: digits before the first ';' */
	save = c.i;
	if (keyword(&c, version, sizeof(version)) == 0 && strspn(version, "0123456789") == strlen(version)) {
		if (cfws(&c) < 0)
			goto malformed;
	} else {
		c.i = save;
	}
	for (;;) {
		if (c.i >= c.n)
			return 1;
		if (peek(&c) != ';')
			goto malformed;
		c.i++;
		/* no-result: "; none" and nothing after it */
		save = c.i;
		if (cfws(&c) == 0 && keyword(&c, version, sizeof(version)) == 0 &&
		    strcmp(version, "none") == 0 && cfws(&c) == 0 && c.i >= c.n && out->n == 0)
			return 1;
		c.i = save;
		if (resinfo(&c, &r, 0) < 0)
			goto malformed;
		if (out->n < AUTH_RESULTS_MAX)
			out->r[out->n++] = r;
	}
malformed:
	out->n = 0;
	return 0;
}

/* Past the rest of a clause: up to the next ';' outside comments and
 * quoted strings, or the end. -1 on a comment or string not closed. */
static int skip_clause(struct cur *c)
{
	while (c->i < c->n && peek(c) != ';') {
		if (peek(c) == '(') {
			if (cfws(c) < 0)
				return -1;
			continue;
		}
		if (peek(c) == '"') {
			for (c->i++; c->i < c->n && c->s[c->i] != '"'; c->i++)
				if (c->s[c->i] == '\\')
					c->i++;
			if (c->i >= c->n)
				return -1;
		}
		c->i++;
	}
	return 0;
}

int auth_parse_exchange(const char *text, size_t len, struct auth_results *out)
{
	struct cur c = { (const unsigned char *)text, len, 0 };
	struct auth_result r;
	char first[AUTH_VALUE_MAX];
	size_t start;

	memset(out, 0, sizeof(*out));
	/* an authserv-id is a value not followed by '=' */
	if (cfws(&c) < 0)
		return -1;
	start = c.i;
	if (value(&c, first, sizeof(first)) == 0) {
		if (cfws(&c) < 0)
			return -1;
		if (peek(&c) != '=' && peek(&c) != '/')
			return 0;
	}
	c.i = start;
	for (;;) {
		start = c.i;
		if (resinfo(&c, &r, 1) == 0 && (c.i >= c.n || peek(&c) == ';')) {
			if (out->n < AUTH_RESULTS_MAX)
				out->r[out->n++] = r;
		} else {
			/* a stray token: the clause is passed over */
			c.i = start;
			if (skip_clause(&c) < 0)
				break;
		}
		if (c.i >= c.n)
			break;
		c.i++; /* the ';' */
	}
	return out->n > 0 ? 1 : -1;
}

static const char *domain_of(const char *addr)
{
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	return at != NULL ? at + 1 : addr;
}

static int vouches(const struct auth_results *ar, const char *from_domain, const struct auth_policy *p)
{
	size_t i;

	for (i = 0; i < ar->n; i++) {
		const struct auth_result *r = &ar->r[i];

		if (strcmp(r->result, "pass") != 0)
			continue;
		if (strcmp(r->method, "dmarc") == 0 && strcasecmp(r->header_from, from_domain) == 0)
			return 1;
		if (strcmp(r->method, "dkim") == 0 && strcasecmp(r->header_d, from_domain) == 0)
			return 1;
		/* Gmail writes header.i=@domain and no header.d */
		if (p->google && strcmp(r->method, "dkim") == 0 && r->header_d[0] == '\0' &&
		    strcasecmp(r->header_i, from_domain) == 0)
			return 1;
		if (p->trust_spf && strcmp(r->method, "spf") == 0 && strcasecmp(r->mailfrom, from_domain) == 0)
			return 1;
	}
	return 0;
}

/* A verdict of Exchange's that no other result may outweigh. */
static int exchange_failed(const struct auth_results *ar)
{
	size_t i;

	for (i = 0; i < ar->n; i++)
		if (strcmp(ar->r[i].result, "fail") == 0 && (strcmp(ar->r[i].method, "dmarc") == 0 ||
		    strcmp(ar->r[i].method, "compauth") == 0))
			return 1;
	return 0;
}

/* The only value of header name, or NULL when it is missing or repeated. */
static const char *only_header(const struct mime_msg *m, const char *name)
{
	const char *v = mime_header_n(m, name, 0);

	return v != NULL && mime_header_n(m, name, 1) == NULL ? v : NULL;
}

/* A host name as Exchange writes AuthSource: letters, digits, '-' and '.',
 * with a dot, around white space. */
static int host_name(const char *v)
{
	size_t b = strspn(v, " \t"), n = strspn(v + b, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");

	return n > 0 && memchr(v + b, '.', n) != NULL && v[b + n + strspn(v + b + n, " \t\r\n")] == '\0';
}

/* Exchange vouches for a user of the organisation it took the message from
 * (auth.h): 1, or 0. */
static int exchange_internal(const struct mime_msg *m, const char *from_domain,
    const struct auth_policy *p)
{
	const char *as = only_header(m, "X-MS-Exchange-Organization-AuthAs");
	const char *source = only_header(m, "X-MS-Exchange-Organization-AuthSource");
	size_t i, b;

	if (as == NULL || source == NULL || !host_name(source))
		return 0;
	b = strspn(as, " \t");
	if (strncasecmp(as + b, "Internal", 8) != 0 || as[b + 8 + strspn(as + b + 8, " \t\r\n")] != '\0')
		return 0;
	for (i = 0; i < p->n_domains; i++)
		if (strcasecmp(p->domains[i], from_domain) == 0)
			return 1;
	return 0;
}

int auth_message_ok(const struct mime_msg *m, const struct auth_policy *p)
{
	struct auth_results ar;
	const char *v, *from_domain;
	size_t i;
	int r;

	if (m->from_addr == NULL)
		return 0;
	from_domain = domain_of(m->from_addr);
	if (p->exchange) {
		/* Exchange's own header is the topmost, and has no authserv-id */
		v = mime_header_n(m, "Authentication-Results", 0);
		r = v != NULL ? auth_parse_exchange(v, strlen(v), &ar) : 0;
		if (r == 1 && exchange_failed(&ar))
			return 0;
		if (exchange_internal(m, from_domain, p))
			return 1;
		if (r == 1)
			return vouches(&ar, from_domain, p);
	}
	if (p->authserv_id == NULL)
		return 0;
	for (i = 0; i < AR_HEADERS_READ && (v = mime_header_n(m, "Authentication-Results", i)) != NULL; i++) {
		r = auth_parse(v, strlen(v), &ar);
		/* only the topmost header of our server counts: a sender can
		 * put a forged one below it */
		if (r >= 0 && strcasecmp(ar.authserv_id, p->authserv_id) == 0)
			return r == 1 && vouches(&ar, from_domain, p);
	}
	return 0;
}
