/* address: a recursive-descent reader of one RFC 5322 mailbox, over a
 * cursor; address.h has the grammar and what is refused. Nothing is
 * allocated: the address and the name are written into struct address,
 * whose sizes are the limits. */
#include "address.h"

#include <string.h>

#include "util.h"

/* Nesting of comments: (a (b (c))) is three. */
#define COMMENT_DEPTH_MAX 32
/* RFC 1035 2.3.4 */
#define LABEL_BYTES_MAX 63

struct cur {
	const unsigned char *s;
	size_t n, i;
};

/* Text being collected, cut (and marked so) at its size. */
struct out {
	char *s;
	size_t n, size;
	int cut;
};

static int peek(const struct cur *c)
{
	return c->i < c->n ? c->s[c->i] : -1;
}

static int at_end(const struct cur *c)
{
	return c->i >= c->n;
}

static void put(struct out *o, int ch)
{
	if (o == NULL)
		return;
	if (o->n + 1 >= o->size) {
		o->cut = 1;
		return;
	}
	o->s[o->n++] = (char)ch;
	o->s[o->n] = '\0';
}

/* White space of an unfolded header: FWS (3.2.2), CR and LF of a fold. */
static int is_wsp(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* A control character no text of an address may hold (obs-ctext and
 * obs-qtext allow them; we do not). */
static int is_ctl(int ch)
{
	return (ch < 0x20 && !is_wsp(ch)) || ch == 0x7f;
}

/* atext (RFC 5322 3.2.3), and UTF8-non-ascii (RFC 6532 3.2), whose
 * sequences are checked once the address is whole. */
static int is_atext(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch >= 0x80 || (ch > 0 && strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL);
}

/* One comment, the cursor on its '('; its text (quoted pairs resolved,
 * inner parentheses kept) goes to text. -1 when it is not closed, nests
 * too deep or holds a control character. */
static int comment(struct cur *c, struct out *text)
{
	int depth = 0, ch;

	do {
		ch = c->s[c->i++];
		if (ch == '\\') {
			if (at_end(c) || is_ctl(c->s[c->i]))
				return -1;
			put(text, c->s[c->i++]);
		} else if (ch == '(') {
			if (++depth > COMMENT_DEPTH_MAX)
				return -1;
			if (depth > 1)
				put(text, ch);
		} else if (ch == ')') {
			if (--depth > 0)
				put(text, ch);
		} else if (is_ctl(ch)) {
			return -1;
		} else {
			put(text, ch == '\t' || ch == '\r' || ch == '\n' ? ' ' : ch);
		}
		if (depth > 0 && at_end(c))
			return -1;
	} while (depth > 0);
	return 0;
}

/* CFWS (3.2.2). The text of the first comment goes to text (when not
 * NULL). -1 on a broken comment. */
static int cfws(struct cur *c, struct out *text)
{
	for (;;) {
		while (!at_end(c) && is_wsp(c->s[c->i]))
			c->i++;
		if (peek(c) != '(')
			return 0;
		if (comment(c, text != NULL && text->n == 0 ? text : NULL) < 0)
			return -1;
	}
}

/* A quoted-string (3.2.4), the cursor on its '"'; its content, quoted
 * pairs resolved, goes to text. -1 when it is not closed or holds a
 * control character. */
static int quoted(struct cur *c, struct out *text)
{
	int ch;

	c->i++;
	for (;;) {
		if (at_end(c))
			return -1;
		ch = c->s[c->i++];
		if (ch == '"')
			return 0;
		if (ch == '\\') {
			/* quoted-pair = "\" (VCHAR / WSP) */
			if (at_end(c) || is_ctl(c->s[c->i]) || c->s[c->i] == '\r' || c->s[c->i] == '\n')
				return -1;
			ch = c->s[c->i++];
		} else if (is_ctl(ch)) {
			return -1;
		} else if (ch == '\r' || ch == '\n') {
			continue; /* a fold: unfolding removes the line break */
		}
		put(text, ch == '\t' ? ' ' : ch);
	}
}

/* dot-atom-text (3.2.3): atoms joined by single dots, none at either end.
 * Its length, 0 (cursor unmoved) when there is none. */
static size_t dot_atom(struct cur *c)
{
	size_t start = c->i, a;

	for (;;) {
		a = c->i;
		while (!at_end(c) && is_atext(c->s[c->i]))
			c->i++;
		if (c->i == a) {
			c->i = start;
			return 0;
		}
		if (peek(c) != '.')
			return c->i - start;
		c->i++;
	}
}

/* A host name (RFC 1035 2.3.1, RFC 5890 U-labels as UTF-8): labels of
 * letters, digits and hyphens, not starting or ending with one. */
static int host_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, start;

	if (n == 0 || n > ADDRESS_DOMAIN_BYTES_MAX)
		return 0;
	while (i <= n) {
		start = i;
		while (i < n && s[i] != '.') {
			if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] >= 0x80))
				return 0;
			i++;
		}
		if (i == start || i - start > LABEL_BYTES_MAX || s[start] == '-' || s[i - 1] == '-')
			return 0;
		i++;
	}
	return 1;
}

/* addr-spec (3.4.1), the cursor on its first character; written into
 * a->addr, ASCII lower-cased except inside a quoted local part. */
static int addr_spec(struct cur *c, struct address *a)
{
	size_t ls = c->i, ll, ds, dl, i, o = 0;

	if (peek(c) == '"') {
		if (quoted(c, NULL) < 0)
			return -1;
		/* the local part is kept as it is written: a fold, or a tab,
		 * inside it would reach an envelope address */
		for (i = ls; i < c->i; i++)
			if (c->s[i] == '\t' || c->s[i] == '\r' || c->s[i] == '\n')
				return -1;
		a->quoted_local = 1;
	} else if (dot_atom(c) == 0) {
		return -1;
	}
	ll = c->i - ls;
	if (ll > ADDRESS_LOCAL_BYTES_MAX || cfws(c, NULL) < 0 || peek(c) != '@')
		return -1;
	c->i++;
	if (cfws(c, NULL) < 0 || peek(c) == '[')
		return -1; /* a domain literal names no host we would write to */
	ds = c->i;
	dl = dot_atom(c);
	if (dl == 0 || !host_ok(c->s + ds, dl) || ll + 1 + dl > ADDRESS_BYTES_MAX)
		return -1;
	for (i = 0; i < ll; i++) {
		unsigned char ch = c->s[ls + i];

		a->addr[o++] = (char)(a->quoted_local || ch < 'A' || ch > 'Z' ? ch : ch + 32);
	}
	a->addr[o++] = '@';
	for (i = 0; i < dl; i++) {
		unsigned char ch = c->s[ds + i];

		a->addr[o++] = (char)(ch < 'A' || ch > 'Z' ? ch : ch + 32);
	}
	a->addr[o] = '\0';
	for (i = 0; i < o; i++)
		if ((unsigned char)a->addr[i] >= 0x80)
			a->utf8 = 1;
	return a->utf8 && !utf8_valid(a->addr, o) ? -1 : 0;
}

/* display-name = phrase (3.2.5): words, and dots where obs-phrase (4.1)
 * allows them, with CFWS between; the words go to name joined by one space
 * where the sender had space. 0 with the cursor after it (a phrase may be
 * empty), -1 on a broken comment or quoted string. */
static int phrase(struct cur *c, struct out *name)
{
	size_t before, start;
	int ch;

	for (;;) {
		before = c->i;
		if (cfws(c, NULL) < 0)
			return -1;
		ch = peek(c);
		if (ch != '"' && !(ch == '.' && name->n > 0) && !(ch >= 0 && is_atext(ch)))
			return 0;
		if (c->i > before && name->n > 0)
			put(name, ' ');
		if (ch == '"') {
			if (quoted(c, name) < 0)
				return -1;
		} else if (ch == '.') {
			put(name, '.');
			c->i++;
		} else {
			for (start = c->i; !at_end(c) && is_atext(c->s[c->i]); c->i++)
				put(name, c->s[c->i]);
			if (c->i == start)
				return 0;
		}
	}
}

static int mailbox(struct cur *c, struct address *a, struct out *name)
{
	if (phrase(c, name) == 0 && peek(c) == '<') {
		/* angle-addr; a source route (obs-route, "<@a,@b:x@y>") is refused */
		c->i++;
		if (cfws(c, NULL) < 0 || peek(c) == '@' || addr_spec(c, a) < 0 || cfws(c, NULL) < 0 ||
		    peek(c) != '>')
			return -1;
		c->i++;
		return cfws(c, NULL);
	}
	/* a bare addr-spec; a comment after it is the old way of a name */
	c->i = 0;
	name->n = 0;
	name->s[0] = '\0';
	name->cut = 0;
	memset(a, 0, sizeof(*a));
	if (cfws(c, NULL) < 0 || addr_spec(c, a) < 0)
		return -1;
	return cfws(c, name);
}

int address_parse(const char *value, size_t len, struct address *a)
{
	struct cur c = { (const unsigned char *)value, len, 0 };
	struct out name = { a->name, 0, sizeof(a->name), 0 };

	memset(a, 0, sizeof(*a));
	if (value == NULL || mailbox(&c, a, &name) < 0 || !at_end(&c)) {
		memset(a, 0, sizeof(*a));
		return 0;
	}
	if (name.cut) {
		a->name_cut = 1;
		a->name[0] = '\0';
	}
	/* trailing space of a fold or of a comment */
	while (name.n > 0 && a->name[name.n - 1] == ' ')
		a->name[--name.n] = '\0';
	return 1;
}
