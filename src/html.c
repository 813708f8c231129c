#include "html.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct conv {
	struct buf out;
	int quote;      /* blockquote depth */
	int at_line;    /* nothing written on the current line yet */
	int space;      /* a space is pending */
	int pre;        /* inside <pre> */
	int blank;      /* number of pending line breaks */
};

static const char *const block_tags[] = {
	"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
	"blockquote", "pre", "hr", "dl", "dt", "dd", "section", "article", "header",
	"footer", "address", "center", "form", "fieldset", "body", "html", "title",
};

static void put_raw(struct conv *c, const char *s, size_t n)
{
	int i;

	if (n == 0)
		return;
	if (c->blank > 0) {
		for (i = 0; i < c->blank && c->out.len > 0; i++) {
			if (i > 0)
				for (int q = 0; q < c->quote; q++)
					buf_adds(&c->out, q + 1 < c->quote ? "> " : ">");
			buf_addc(&c->out, '\n');
		}
		c->blank = 0;
		c->at_line = 1;
		c->space = 0;
	}
	if (c->at_line) {
		for (i = 0; i < c->quote; i++)
			buf_adds(&c->out, "> ");
		c->at_line = 0;
		c->space = 0;
	}
	if (c->space) {
		buf_addc(&c->out, ' ');
		c->space = 0;
	}
	buf_add(&c->out, s, n);
}

static void line_break(struct conv *c, int n)
{
	if (c->out.len == 0 && c->blank == 0) {
		return;
	}
	if (n > c->blank)
		c->blank = n;
	c->space = 0;
}

static void put_utf8(struct conv *c, uint32_t cp)
{
	char s[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp == 0xa0) {
		put_raw(c, " ", 1);
		return;
	}
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
	put_raw(c, s, n);
}

/* Decodes a character reference at s (after '&'); returns bytes used, 0 if
 * it is not one. */
static size_t entity(struct conv *c, const char *s, size_t n)
{
	static const struct { const char *name; uint32_t cp; } names[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", 0xa0 }, { "eacute", 0xe9 }, { "egrave", 0xe8 }, { "ecirc", 0xea },
		{ "euml", 0xeb }, { "agrave", 0xe0 }, { "acirc", 0xe2 }, { "auml", 0xe4 },
		{ "ccedil", 0xe7 }, { "icirc", 0xee }, { "iuml", 0xef }, { "ocirc", 0xf4 },
		{ "ouml", 0xf6 }, { "ugrave", 0xf9 }, { "ucirc", 0xfb }, { "uuml", 0xfc },
		{ "Eacute", 0xc9 }, { "Egrave", 0xc8 }, { "Ecirc", 0xca }, { "Agrave", 0xc0 },
		{ "Ccedil", 0xc7 }, { "oelig", 0x153 }, { "OElig", 0x152 }, { "laquo", 0xab },
		{ "raquo", 0xbb }, { "rsquo", 0x2019 }, { "lsquo", 0x2018 }, { "ldquo", 0x201c },
		{ "rdquo", 0x201d }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 },
		{ "euro", 0x20ac }, { "copy", 0xa9 }, { "reg", 0xae }, { "middot", 0xb7 },
		{ "szlig", 0xdf }, { "ntilde", 0xf1 }, { "aacute", 0xe1 }, { "iacute", 0xed },
		{ "oacute", 0xf3 }, { "uacute", 0xfa }, { "bull", 0x2022 }, { "shy", 0xad },
	};
	size_t i, l;
	uint32_t cp = 0;

	if (n > 1 && s[0] == '#') {
		int hex = n > 2 && (s[1] == 'x' || s[1] == 'X');

		for (i = hex ? 2 : 1; i < n && i < 10; i++) {
			int ch = (unsigned char)s[i];

			if (hex && isxdigit(ch))
				cp = cp * 16 + (uint32_t)(isdigit(ch) ? ch - '0' : tolower(ch) - 'a' + 10);
			else if (!hex && isdigit(ch))
				cp = cp * 10 + (uint32_t)(ch - '0');
			else
				break;
		}
		if (i == (hex ? 2u : 1u))
			return 0;
		if (cp == 0xad)
			return i + (i < n && s[i] == ';');
		put_utf8(c, cp);
		return i + (i < n && s[i] == ';');
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		l = strlen(names[i].name);
		if (l < n && strncmp(s, names[i].name, l) == 0 && s[l] == ';') {
			if (names[i].cp != 0xad)
				put_utf8(c, names[i].cp);
			return l + 1;
		}
	}
	return 0;
}

static int is_block(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(block_tags); i++)
		if (strcasecmp(name, block_tags[i]) == 0)
			return 1;
	return 0;
}

/* Skips to the end of a raw-text element such as <script>. */
static size_t skip_element(const char *s, size_t n, size_t i, const char *name)
{
	size_t l = strlen(name);

	for (; i + l + 2 < n; i++)
		if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, name, l) == 0) {
			const char *gt = memchr(s + i, '>', n - i);

			return gt ? (size_t)(gt - s) + 1 : n;
		}
	return n;
}

static size_t tag(struct conv *c, const char *s, size_t n, size_t i)
{
	char name[16];
	size_t j = i + 1, k = 0, end;
	int closing = 0;
	const char *gt;

	if (j < n && s[j] == '!') {
		if (j + 2 < n && s[j + 1] == '-' && s[j + 2] == '-') {
			const char *e = NULL;
			size_t p;

			for (p = j + 3; p + 2 < n; p++)
				if (s[p] == '-' && s[p + 1] == '-' && s[p + 2] == '>') {
					e = s + p + 3;
					break;
				}
			return e ? (size_t)(e - s) : n;
		}
	}
	if (j < n && s[j] == '/') {
		closing = 1;
		j++;
	}
	while (j < n && k + 1 < sizeof(name) && (isalnum((unsigned char)s[j]))) {
		name[k++] = s[j++];
	}
	name[k] = '\0';
	gt = memchr(s + i, '>', n - i);
	end = gt ? (size_t)(gt - s) + 1 : n;
	if (k == 0) {
		put_raw(c, "<", 1);
		return i + 1;
	}
	if (!closing && (strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0 ||
	    strcasecmp(name, "head") == 0 || strcasecmp(name, "title") == 0))
		return skip_element(s, n, end, name);
	if (strcasecmp(name, "br") == 0) {
		/* consecutive breaks make empty lines, unlike block edges */
		if (c->out.len > 0 && c->blank < 2)
			c->blank++;
		c->space = 0;
		return end;
	}
	if (strcasecmp(name, "blockquote") == 0) {
		line_break(c, 1);
		if (closing && c->quote > 0)
			c->quote--;
		else if (!closing && c->quote < 20)
			c->quote++;
		c->at_line = 1;
		return end;
	}
	if (strcasecmp(name, "pre") == 0)
		c->pre = !closing;
	if (strcasecmp(name, "p") == 0 || (name[0] == 'h' && isdigit((unsigned char)name[1])))
		line_break(c, 2);
	else if (is_block(name))
		line_break(c, 1);
	if (!closing && strcasecmp(name, "li") == 0)
		put_raw(c, "- ", 2);
	if (!closing && (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0) && !c->at_line)
		c->space = 1;
	return end;
}

char *html_to_text(const char *s, size_t n, size_t max)
{
	struct conv c;
	size_t i = 0, used;

	memset(&c, 0, sizeof(c));
	buf_init(&c.out, max);
	c.at_line = 1;
	buf_add(&c.out, "", 0);
	while (i < n && !c.out.toobig) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '<') {
			i = tag(&c, s, n, i);
		} else if (ch == '&') {
			used = entity(&c, s + i + 1, n - i - 1);
			if (used == 0)
				put_raw(&c, "&", 1);
			i += used + 1;
		} else if (!c.pre && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f')) {
			if (!c.at_line)
				c.space = 1;
			i++;
		} else if (c.pre && ch == '\n') {
			line_break(&c, 1);
			c.blank = 1;
			i++;
		} else if (ch < 0x20 && ch != '\t') {
			i++;
		} else {
			size_t start = i;

			while (i < n && s[i] != '<' && s[i] != '&' &&
			    (c.pre ? s[i] != '\n' : !isspace((unsigned char)s[i])) &&
			    ((unsigned char)s[i] >= 0x20 || s[i] == '\t'))
				i++;
			put_raw(&c, s + start, i - start);
		}
	}
	buf_addc(&c.out, '\n');
	if (c.out.toobig && c.out.len == 0)
		buf_add(&c.out, "", 0);
	return buf_steal(&c.out);
}
