/* html: see html.h. One pass over the input: a tokenizer (text, tags,
 * comments, character references) drives a small layout state (owed line
 * breaks, owed space, quote depth, open quoting and hidden containers). */
#include "html.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "util.h"

#define CONTAINERS_MAX 32
#define QUOTE_DEPTH_MAX 20
#define ATTR_MAX 160
#define WORD_MAX 4096
#define PEEK_MAX 2048

enum container_kind { C_QUOTE, C_HIDDEN };

/* An element whose content is quoted or hidden, and how many elements of
 * its name are open inside it (itself included). */
struct container {
	char tag[16];
	int open;
	enum container_kind kind;
};

struct conv {
	struct buf out;
	struct buf word;    /* the word being read */
	int nl;             /* owed: 1 ends the line, 2 also leaves an empty line */
	int tail;           /* output ends mid-line (0), after LF (1), after an empty line (2) */
	int space;          /* a space is owed */
	int quote;          /* quote depth */
	int pre;            /* inside pre */
	int head;           /* inside head: no text */
	int hidden;         /* inside display:none */
	int rest_quoted;    /* after a reply header everything is quoted */
	struct container c[CONTAINERS_MAX];
	int n_c;
};

struct tag {
	char name[16];      /* lower case */
	int end;            /* </name> */
	int self_closing;   /* <name/> */
	char class_[ATTR_MAX];
	char id[ATTR_MAX];
	char style[ATTR_MAX];
};

/* HTML 4 character entity names (and apos), sorted for bsearch. */
static const struct entity {
	const char *name;
	uint32_t cp;
} entities[] = {
	{ "AElig", 0xc6 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 }, { "Agrave", 0xc0 }, { "Alpha", 0x391 },
	{ "Aring", 0xc5 }, { "Atilde", 0xc3 }, { "Auml", 0xc4 }, { "Beta", 0x392 }, { "Ccedil", 0xc7 },
	{ "Chi", 0x3a7 }, { "Dagger", 0x2021 }, { "Delta", 0x394 }, { "ETH", 0xd0 }, { "Eacute", 0xc9 },
	{ "Ecirc", 0xca }, { "Egrave", 0xc8 }, { "Epsilon", 0x395 }, { "Eta", 0x397 }, { "Euml", 0xcb },
	{ "Gamma", 0x393 }, { "Iacute", 0xcd }, { "Icirc", 0xce }, { "Igrave", 0xcc }, { "Iota", 0x399 },
	{ "Iuml", 0xcf }, { "Kappa", 0x39a }, { "Lambda", 0x39b }, { "Mu", 0x39c }, { "Ntilde", 0xd1 },
	{ "Nu", 0x39d }, { "OElig", 0x152 }, { "Oacute", 0xd3 }, { "Ocirc", 0xd4 }, { "Ograve", 0xd2 },
	{ "Omega", 0x3a9 }, { "Omicron", 0x39f }, { "Oslash", 0xd8 }, { "Otilde", 0xd5 },
	{ "Ouml", 0xd6 }, { "Phi", 0x3a6 }, { "Pi", 0x3a0 }, { "Prime", 0x2033 }, { "Psi", 0x3a8 },
	{ "Rho", 0x3a1 }, { "Scaron", 0x160 }, { "Sigma", 0x3a3 }, { "THORN", 0xde }, { "Tau", 0x3a4 },
	{ "Theta", 0x398 }, { "Uacute", 0xda }, { "Ucirc", 0xdb }, { "Ugrave", 0xd9 },
	{ "Upsilon", 0x3a5 }, { "Uuml", 0xdc }, { "Xi", 0x39e }, { "Yacute", 0xdd }, { "Yuml", 0x178 },
	{ "Zeta", 0x396 }, { "aacute", 0xe1 }, { "acirc", 0xe2 }, { "acute", 0xb4 }, { "aelig", 0xe6 },
	{ "agrave", 0xe0 }, { "alefsym", 0x2135 }, { "alpha", 0x3b1 }, { "amp", 0x26 }, { "and", 0x2227 },
	{ "ang", 0x2220 }, { "apos", 0x27 }, { "aring", 0xe5 }, { "asymp", 0x2248 }, { "atilde", 0xe3 },
	{ "auml", 0xe4 }, { "bdquo", 0x201e }, { "beta", 0x3b2 }, { "brvbar", 0xa6 }, { "bull", 0x2022 },
	{ "cap", 0x2229 }, { "ccedil", 0xe7 }, { "cedil", 0xb8 }, { "cent", 0xa2 }, { "chi", 0x3c7 },
	{ "circ", 0x2c6 }, { "clubs", 0x2663 }, { "cong", 0x2245 }, { "copy", 0xa9 }, { "crarr", 0x21b5 },
	{ "cup", 0x222a }, { "curren", 0xa4 }, { "dArr", 0x21d3 }, { "dagger", 0x2020 },
	{ "darr", 0x2193 }, { "deg", 0xb0 }, { "delta", 0x3b4 }, { "diams", 0x2666 }, { "divide", 0xf7 },
	{ "eacute", 0xe9 }, { "ecirc", 0xea }, { "egrave", 0xe8 }, { "empty", 0x2205 },
	{ "emsp", 0x2003 }, { "ensp", 0x2002 }, { "epsilon", 0x3b5 }, { "equiv", 0x2261 },
	{ "eta", 0x3b7 }, { "eth", 0xf0 }, { "euml", 0xeb }, { "euro", 0x20ac }, { "exist", 0x2203 },
	{ "fnof", 0x192 }, { "forall", 0x2200 }, { "frac12", 0xbd }, { "frac14", 0xbc },
	{ "frac34", 0xbe }, { "frasl", 0x2044 }, { "gamma", 0x3b3 }, { "ge", 0x2265 }, { "gt", 0x3e },
	{ "hArr", 0x21d4 }, { "harr", 0x2194 }, { "hearts", 0x2665 }, { "hellip", 0x2026 },
	{ "iacute", 0xed }, { "icirc", 0xee }, { "iexcl", 0xa1 }, { "igrave", 0xec }, { "image", 0x2111 },
	{ "infin", 0x221e }, { "int", 0x222b }, { "iota", 0x3b9 }, { "iquest", 0xbf }, { "isin", 0x2208 },
	{ "iuml", 0xef }, { "kappa", 0x3ba }, { "lArr", 0x21d0 }, { "lambda", 0x3bb }, { "lang", 0x2329 },
	{ "laquo", 0xab }, { "larr", 0x2190 }, { "lceil", 0x2308 }, { "ldquo", 0x201c }, { "le", 0x2264 },
	{ "lfloor", 0x230a }, { "lowast", 0x2217 }, { "loz", 0x25ca }, { "lrm", 0x200e },
	{ "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", 0x3c }, { "macr", 0xaf }, { "mdash", 0x2014 },
	{ "micro", 0xb5 }, { "middot", 0xb7 }, { "minus", 0x2212 }, { "mu", 0x3bc }, { "nabla", 0x2207 },
	{ "nbsp", 0xa0 }, { "ndash", 0x2013 }, { "ne", 0x2260 }, { "ni", 0x220b }, { "not", 0xac },
	{ "notin", 0x2209 }, { "nsub", 0x2284 }, { "ntilde", 0xf1 }, { "nu", 0x3bd }, { "oacute", 0xf3 },
	{ "ocirc", 0xf4 }, { "oelig", 0x153 }, { "ograve", 0xf2 }, { "oline", 0x203e },
	{ "omega", 0x3c9 }, { "omicron", 0x3bf }, { "oplus", 0x2295 }, { "or", 0x2228 }, { "ordf", 0xaa },
	{ "ordm", 0xba }, { "oslash", 0xf8 }, { "otilde", 0xf5 }, { "otimes", 0x2297 }, { "ouml", 0xf6 },
	{ "para", 0xb6 }, { "part", 0x2202 }, { "permil", 0x2030 }, { "perp", 0x22a5 }, { "phi", 0x3c6 },
	{ "pi", 0x3c0 }, { "piv", 0x3d6 }, { "plusmn", 0xb1 }, { "pound", 0xa3 }, { "prime", 0x2032 },
	{ "prod", 0x220f }, { "prop", 0x221d }, { "psi", 0x3c8 }, { "quot", 0x22 }, { "rArr", 0x21d2 },
	{ "radic", 0x221a }, { "rang", 0x232a }, { "raquo", 0xbb }, { "rarr", 0x2192 },
	{ "rceil", 0x2309 }, { "rdquo", 0x201d }, { "real", 0x211c }, { "reg", 0xae },
	{ "rfloor", 0x230b }, { "rho", 0x3c1 }, { "rlm", 0x200f }, { "rsaquo", 0x203a },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "scaron", 0x161 }, { "sdot", 0x22c5 },
	{ "sect", 0xa7 }, { "shy", 0xad }, { "sigma", 0x3c3 }, { "sigmaf", 0x3c2 }, { "sim", 0x223c },
	{ "spades", 0x2660 }, { "sub", 0x2282 }, { "sube", 0x2286 }, { "sum", 0x2211 }, { "sup", 0x2283 },
	{ "sup1", 0xb9 }, { "sup2", 0xb2 }, { "sup3", 0xb3 }, { "supe", 0x2287 }, { "szlig", 0xdf },
	{ "tau", 0x3c4 }, { "there4", 0x2234 }, { "theta", 0x3b8 }, { "thetasym", 0x3d1 },
	{ "thinsp", 0x2009 }, { "thorn", 0xfe }, { "tilde", 0x2dc }, { "times", 0xd7 },
	{ "trade", 0x2122 }, { "uArr", 0x21d1 }, { "uacute", 0xfa }, { "uarr", 0x2191 },
	{ "ucirc", 0xfb }, { "ugrave", 0xf9 }, { "uml", 0xa8 }, { "upsih", 0x3d2 }, { "upsilon", 0x3c5 },
	{ "uuml", 0xfc }, { "weierp", 0x2118 }, { "xi", 0x3be }, { "yacute", 0xfd }, { "yen", 0xa5 },
	{ "yuml", 0xff }, { "zeta", 0x3b6 }, { "zwj", 0x200d }, { "zwnj", 0x200c },
};

static const char *const block_tags[] = {
	"address", "article", "aside", "body", "caption", "center", "dd", "details", "dialog",
	"dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
	"header", "hgroup", "html", "legend", "main", "menu", "nav", "ol", "section",
	"summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
};

/* Raw text elements: their content is never shown. */
static const char *const skip_tags[] = { "script", "style", "title", "noscript", "template" };

/* ---- output ---- */

static void put_prefix(struct conv *c, int trailing_space)
{
	int i;

	for (i = 0; i < c->quote; i++)
		buf_addc(&c->out, '>');
	if (c->quote > 0 && trailing_space)
		buf_addc(&c->out, ' ');
}

/* Writes the owed line breaks: an empty line inside a quote keeps its ">";
 * never more than one empty line in a row, none at the start. */
static void flush_breaks(struct conv *c)
{
	if (c->out.len == 0)
		c->nl = 0;
	while (c->tail < c->nl) {
		if (c->tail > 0)
			put_prefix(c, 0);
		buf_addc(&c->out, '\n');
		c->tail++;
	}
	c->nl = 0;
}

/* Emits the word read so far, with the owed space or line prefix. */
static void flush_word(struct conv *c)
{
	if (c->word.len == 0)
		return;
	if (!c->hidden && !c->head) {
		flush_breaks(c);
		if (c->tail > 0 || c->out.len == 0)
			put_prefix(c, 1);
		else if (c->space)
			buf_addc(&c->out, ' ');
		c->space = 0;
		c->tail = 0;
		buf_add(&c->out, c->word.s, c->word.len);
	}
	buf_reset(&c->word);
}

static void owe_space(struct conv *c)
{
	flush_word(c);
	c->space = 1;
}

/* n = 1: a line break; n = 2: a paragraph (one empty line). */
static void owe_break(struct conv *c, int n)
{
	flush_word(c);
	if (c->nl < n)
		c->nl = n;
	c->space = 0;
}

static void word_add(struct conv *c, const char *s, size_t n)
{
	if (c->word.len + n > WORD_MAX)
		flush_word(c);
	buf_add(&c->word, s, n);
}

/* ---- character references ---- */

static int entity_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct entity *)elem)->name);
}

static uint32_t numeric_ref(const char *s, size_t n, size_t *used)
{
	int hex = n > 1 && (s[1] == 'x' || s[1] == 'X');
	size_t i = hex ? 2 : 1, start = i;
	uint32_t cp = 0;

	for (; i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++)
		if (cp <= 0x10ffff)
			cp = cp * (hex ? 16 : 10) + (uint32_t)(isdigit((unsigned char)s[i]) ? s[i] - '0'
			    : tolower((unsigned char)s[i]) - 'a' + 10);
	if (i == start)
		return 0;
	*used = i + (i < n && s[i] == ';');
	/* what browsers make of &#128; to &#159;, one table with MIME's */
	if (cp >= 0x80 && cp <= 0x9f)
		return charset_cp1252((unsigned char)cp);
	return cp == 0 || cp > 0x10ffff ? 0xfffd : cp;
}

/* A character reference at s (after '&'): its code point, 0 if it is none.
 * A name without ';' is taken when no letter or digit follows it, as
 * browsers do for the legacy names. */
static uint32_t char_ref(const char *s, size_t n, size_t *used)
{
	char name[12];
	const struct entity *e;
	size_t l;

	if (n > 0 && s[0] == '#')
		return numeric_ref(s, n, used);
	for (l = 0; l < n && l + 1 < sizeof(name) && isalnum((unsigned char)s[l]); l++)
		name[l] = s[l];
	name[l] = '\0';
	if (l == 0 || (l < n && isalnum((unsigned char)s[l])))
		return 0;
	e = bsearch(name, entities, ARRAY_SIZE(entities), sizeof(entities[0]), entity_cmp);
	if (e == NULL || (!(l < n && s[l] == ';') && e->cp > 0xff))
		return 0;
	*used = l + (l < n && s[l] == ';');
	return e->cp;
}

/* ---- text ---- */

static void pre_newline(struct conv *c)
{
	flush_word(c);
	c->nl = c->tail + c->nl + 1 > 2 ? 2 : c->tail + c->nl + 1;
	c->space = 0;
}

/* Text up to the next tag; returns where it stops. */
static size_t text(struct conv *c, const char *s, size_t n, size_t i)
{
	unsigned char ch;
	size_t used, l;
	uint32_t cp;
	struct buf tmp;

	while (i < n && s[i] != '<' && !c->out.toobig) {
		ch = (unsigned char)s[i];
		if (ch == '&' && (cp = char_ref(s + i + 1, n - i - 1, &used)) != 0) {
			i += used + 1;
			if (cp == 0xa0 && !c->pre) {
				owe_space(c);
			} else if (cp != 0xad) { /* a soft hyphen is invisible */
				buf_init(&tmp, 8);
				buf_add_utf8(&tmp, cp);
				word_add(c, tmp.s, tmp.len);
				buf_deinit(&tmp);
			}
		} else if (c->pre && ch == '\n') {
			pre_newline(c);
			i++;
		} else if (c->pre && (ch == ' ' || ch == '\t')) {
			word_add(c, s + i, 1);
			i++;
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
			owe_space(c);
			i++;
		} else if (ch < 0x20 || ch == 0x7f) {
			i++;
		} else if ((l = utf8_seq(s + i, n - i, NULL)) > 0) {
			word_add(c, s + i, l);
			i += l;
		} else {
			word_add(c, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	return i;
}

/* ---- tags ---- */

static int in_list(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/* Skips a comment, CDATA section, doctype or processing instruction at s[i]
 * ("<!" or "<?"); returns the index after it. */
static size_t skip_markup(const char *s, size_t n, size_t i)
{
	const char *e;

	if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		for (i += 4; i + 2 < n; i++)
			if (s[i] == '-' && s[i + 1] == '-' && (s[i + 2] == '>' ||
			    (s[i + 2] == '!' && i + 3 < n && s[i + 3] == '>')))
				return i + (s[i + 2] == '>' ? 3 : 4);
		return n;
	}
	if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
		for (i += 9; i + 2 < n; i++)
			if (s[i] == ']' && s[i + 1] == ']' && s[i + 2] == '>')
				return i + 3;
		return n;
	}
	e = memchr(s + i, '>', n - i);
	return e != NULL ? (size_t)(e - s) + 1 : n;
}

/* The end of a raw text element's content: its "</name". */
static size_t skip_raw(const char *s, size_t n, size_t i, const char *name)
{
	size_t l = strlen(name);
	const char *e;

	for (; i + l + 2 <= n; i++) {
		if (s[i] != '<' || s[i + 1] != '/' || strncasecmp(s + i + 2, name, l) != 0)
			continue;
		if (i + l + 2 < n && isalnum((unsigned char)s[i + l + 2]))
			continue;
		e = memchr(s + i, '>', n - i);
		return e != NULL ? (size_t)(e - s) + 1 : n;
	}
	return n;
}

static void attr_keep(struct tag *t, const char *name, size_t nl, const char *v, size_t vl)
{
	char *dst = NULL;

	if (nl == 5 && strncasecmp(name, "class", 5) == 0)
		dst = t->class_;
	else if (nl == 2 && strncasecmp(name, "id", 2) == 0)
		dst = t->id;
	else if (nl == 5 && strncasecmp(name, "style", 5) == 0)
		dst = t->style;
	if (dst == NULL)
		return;
	if (vl >= ATTR_MAX)
		vl = ATTR_MAX - 1;
	memcpy(dst, v, vl);
	dst[vl] = '\0';
}

/* Reads a tag at s[i] = '<' into t; returns the index after its '>'. */
static size_t tag_read(const char *s, size_t n, size_t i, struct tag *t)
{
	size_t k = 0, ns, ne, vs, ve;
	char q;

	memset(t, 0, sizeof(*t));
	i++;
	if (i < n && s[i] == '/') {
		t->end = 1;
		i++;
	}
	for (; i < n && (isalnum((unsigned char)s[i]) || s[i] == ':' || s[i] == '-'); i++)
		if (k + 1 < sizeof(t->name))
			t->name[k++] = (char)tolower((unsigned char)s[i]);
	while (i < n && s[i] != '>') {
		if (isspace((unsigned char)s[i]) || s[i] == '/') {
			t->self_closing = s[i] == '/';
			i++;
			continue;
		}
		for (ns = i; i < n && !isspace((unsigned char)s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/'; i++)
			;
		ne = i;
		if (ne == ns) {
			i++;
			continue;
		}
		t->self_closing = 0;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		vs = ve = i;
		if (i < n && s[i] == '=') {
			for (i++; i < n && isspace((unsigned char)s[i]); i++)
				;
			q = i < n && (s[i] == '"' || s[i] == '\'') ? s[i] : 0;
			vs = q ? i + 1 : i;
			for (i = vs; i < n && (q ? s[i] != q : !isspace((unsigned char)s[i]) && s[i] != '>'); i++)
				;
			ve = i;
			if (q && i < n)
				i++;
		}
		attr_keep(t, s + ns, ne - ns, s + vs, ve - vs);
	}
	return i < n ? i + 1 : n;
}

/* ---- quoting and hidden containers ---- */

static void container_push(struct conv *c, const char *tag, enum container_kind kind)
{
	if (c->n_c >= CONTAINERS_MAX)
		return;
	/* line breaks owed before the quote belong to the text before it */
	if (kind == C_QUOTE)
		flush_breaks(c);
	str_copy(c->c[c->n_c].tag, sizeof(c->c[0].tag), tag);
	c->c[c->n_c].open = 1;
	c->c[c->n_c].kind = kind;
	c->n_c++;
	if (kind == C_QUOTE && c->quote < QUOTE_DEPTH_MAX)
		c->quote++;
	else if (kind == C_HIDDEN)
		c->hidden++;
}

/* Another element of that name opens (+1) or closes (-1) inside the open
 * containers; a container whose own element closes ends. */
static void container_count(struct conv *c, const char *tag, int delta)
{
	int i;

	for (i = c->n_c - 1; i >= 0; i--) {
		if (strcmp(c->c[i].tag, tag) != 0)
			continue;
		c->c[i].open += delta;
		if (c->c[i].open > 0)
			continue;
		if (c->c[i].kind == C_QUOTE && c->quote > c->rest_quoted)
			c->quote--;
		else if (c->c[i].kind == C_HIDDEN && c->hidden > 0)
			c->hidden--;
		memmove(&c->c[i], &c->c[i + 1], (size_t)(c->n_c - i - 1) * sizeof(c->c[0]));
		c->n_c--;
	}
}

static int has_word(const char *list, const char *word)
{
	size_t l = strlen(word);
	const char *p = list;

	while ((p = strcasestr(p, word)) != NULL) {
		if ((p == list || isspace((unsigned char)p[-1])) && (p[l] == '\0' || isspace((unsigned char)p[l])))
			return 1;
		p += l;
	}
	return 0;
}

static int style_hidden(const char *style)
{
	char flat[ATTR_MAX];
	size_t o = 0;

	for (; *style != '\0' && o + 1 < sizeof(flat); style++)
		if (!isspace((unsigned char)*style))
			flat[o++] = (char)tolower((unsigned char)*style);
	flat[o] = '\0';
	return strstr(flat, "display:none") != NULL;
}

/* The first visible characters after s[i], tags and white space skipped. */
static void peek_text(const char *s, size_t n, size_t i, char *out, size_t size)
{
	size_t o = 0, end = i + PEEK_MAX < n ? i + PEEK_MAX : n;
	const char *e;

	while (i < end && o + 1 < size) {
		if (s[i] == '<') {
			e = memchr(s + i, '>', end - i);
			if (e == NULL)
				break;
			i = (size_t)(e - s) + 1;
		} else if (o == 0 && (isspace((unsigned char)s[i]) || (s[i] == '&' && end - i >= 6 &&
		    strncasecmp(s + i, "&nbsp;", 6) == 0))) {
			i += s[i] == '&' ? 6 : 1;
		} else if (s[i] == '&' && end - i >= 6 && strncasecmp(s + i, "&nbsp;", 6) == 0) {
			out[o++] = ' ';
			i += 6;
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
}

/* Does the text after s[i] open a reply header ("From: ...", "De : ...")? */
static int reply_header_next(const char *s, size_t n, size_t i)
{
	static const char *const starts[] = {
		"From:", "From :", "*From:*", "Date:", "Sent:", "De :", "De:", "Envoy", "Von:", "Van:",
		"Da:", "Od:", "Fra:", "Från:", "Lähettäjä:", "Kimden:", "Feladó:", "От:", "Від:",
		"Від кого:", "差出人:", "发件人:", "發件人:", "보낸 사람:",
	};
	char head[24];
	size_t k;

	peek_text(s, n, i, head, sizeof(head));
	for (k = 0; k < ARRAY_SIZE(starts); k++)
		if (strncasecmp(head, starts[k], strlen(starts[k])) == 0)
			return 1;
	return 0;
}

static void quote_rest(struct conv *c)
{
	owe_break(c, 1);
	flush_breaks(c);
	if (!c->rest_quoted && c->quote < QUOTE_DEPTH_MAX) {
		c->rest_quoted = 1;
		c->quote++;
	}
}

/* Starts of elements that mark quoted text (see html.h). */
static void start_quoting(struct conv *c, const struct tag *t, const char *s, size_t n, size_t i)
{
	if (strcmp(t->name, "blockquote") == 0 || has_word(t->class_, "gmail_quote") ||
	    has_word(t->class_, "yahoo_quoted") || strcasecmp(t->id, "OLK_SRC_BODY_SECTION") == 0)
		container_push(c, t->name, C_QUOTE);
	else if (strcasecmp(t->id, "divRplyFwdMsg") == 0 || strcasecmp(t->id, "appendonsend") == 0)
		quote_rest(c);
	else if ((strcmp(t->name, "hr") == 0 || strcasestr(t->style, "border-top") != NULL) &&
	    reply_header_next(s, n, i))
		quote_rest(c);
	if (!t->self_closing && style_hidden(t->style))
		container_push(c, t->name, C_HIDDEN);
}

static void start_tag(struct conv *c, const struct tag *t, const char *s, size_t n, size_t i)
{
	const char *name = t->name;

	if (!t->self_closing)
		container_count(c, name, +1);
	if (strcmp(name, "head") == 0) {
		c->head = 1;
		return;
	}
	if (strcmp(name, "body") == 0)
		c->head = 0;
	start_quoting(c, t, s, n, i);
	if (strcmp(name, "br") == 0) {
		/* each br ends a line: a second one leaves an empty line */
		flush_word(c);
		c->nl = c->tail + c->nl + 1 > 2 ? 2 : c->tail + c->nl + 1;
		c->space = 0;
	} else if (strcmp(name, "p") == 0 || (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])) {
		owe_break(c, 2);
	} else if (strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0 || strcmp(name, "xmp") == 0) {
		owe_break(c, 1);
		c->pre++;
	} else if (strcmp(name, "li") == 0) {
		owe_break(c, 1);
		word_add(c, "-", 1);
		owe_space(c);
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		owe_space(c);
	} else if (strcmp(name, "hr") == 0 || in_list(name, block_tags, ARRAY_SIZE(block_tags)) ||
	    strcmp(name, "blockquote") == 0) {
		owe_break(c, 1);
	}
}

static void end_tag(struct conv *c, const struct tag *t)
{
	const char *name = t->name;

	container_count(c, name, -1);
	if (strcmp(name, "head") == 0) {
		c->head = 0;
	} else if (strcmp(name, "p") == 0 || (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])) {
		owe_break(c, 2);
	} else if (strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0 || strcmp(name, "xmp") == 0) {
		owe_break(c, 1);
		if (c->pre > 0)
			c->pre--;
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		owe_space(c);
	} else if (strcmp(name, "li") == 0 || strcmp(name, "blockquote") == 0 ||
	    in_list(name, block_tags, ARRAY_SIZE(block_tags))) {
		owe_break(c, 1);
	}
}

/* A '<' at s[i]: a tag, markup to skip, or a plain '<'. */
static size_t markup(struct conv *c, const char *s, size_t n, size_t i)
{
	struct tag t;
	size_t next;

	/* a word ends where its container may end */
	flush_word(c);
	if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?'))
		return skip_markup(s, n, i);
	if (i + 1 >= n || !(isalpha((unsigned char)s[i + 1]) ||
	    (s[i + 1] == '/' && i + 2 < n && isalpha((unsigned char)s[i + 2])))) {
		word_add(c, "<", 1);
		return i + 1;
	}
	next = tag_read(s, n, i, &t);
	if (t.end) {
		end_tag(c, &t);
		return next;
	}
	if (in_list(t.name, skip_tags, ARRAY_SIZE(skip_tags)) && !t.self_closing)
		return skip_raw(s, n, next, t.name);
	start_tag(c, &t, s, n, next);
	/* a line break right after <pre> is not content (HTML 13.2.6.4.7) */
	if (c->pre && strcmp(t.name, "pre") == 0 && next < n && s[next] == '\n')
		next++;
	else if (c->pre && strcmp(t.name, "pre") == 0 && next + 1 < n && s[next] == '\r' && s[next + 1] == '\n')
		next += 2;
	return next;
}

char *html_to_text(const char *s, size_t n, size_t max)
{
	struct conv c;
	size_t i = 0;

	memset(&c, 0, sizeof(c));
	buf_init(&c.out, max);
	buf_init(&c.word, WORD_MAX + 8);
	buf_add(&c.out, "", 0);
	c.tail = 2;
	while (i < n && !c.out.toobig) {
		if (s[i] == '<')
			i = markup(&c, s, n, i);
		else
			i = text(&c, s, n, i);
	}
	flush_word(&c);
	if (c.out.len > 0 && c.out.s[c.out.len - 1] != '\n')
		buf_addc(&c.out, '\n');
	buf_deinit(&c.word);
	return buf_steal(&c.out);
}
