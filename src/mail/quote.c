#include "quote.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Attributions and header fields are short: a longer line is text. This also
 * bounds the work spent on each line. */
#define QUOTE_HEADER_BYTES_MAX 512
/* Lines an attribution may be wrapped over (Gmail wraps at 78 columns). */
#define QUOTE_ATTRIBUTION_LINES_MAX 4
/* Lines after "From:" searched for the rest of an Outlook header block. */
#define QUOTE_BLOCK_LINES_MAX 6
/* Longest key of a header field ("Envoyé le", "Reply-To"). */
#define QUOTE_KEY_BYTES_MAX 24

struct line {
	const char *s;
	size_t len;       /* without the line end */
	const char *next; /* start of the following line */
};

/* LF, CRLF and a lone CR all end a line. */
static void line_at(const char *p, const char *end, struct line *l)
{
	const char *q = p;

	while (q < end && *q != '\n' && *q != '\r')
		q++;
	l->s = p;
	l->len = (size_t)(q - p);
	if (q < end && *q == '\r') {
		q++;
		if (q < end && *q == '\n')
			q++;
	} else if (q < end && *q == '\n') {
		q++;
	}
	l->next = q;
}

static size_t lead_ws(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i;
}

/* Length without trailing white space. */
static size_t trimmed_len(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
}

/* White space only; a no-break space (U+00A0) counts as space, as the
 * blank lines of converted HTML are often made of it. */
static int is_blank(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		if (l->s[i] == '\xc2' && i + 1 < l->len && l->s[i + 1] == '\xa0')
			i++;
		else if (!isspace((unsigned char)l->s[i]))
			return 0;
	}
	return 1;
}

static int is_quoted(const struct line *l)
{
	size_t i = lead_ws(l);

	return i < l->len && l->s[i] == '>';
}

/* RFC 3676 4.3: "-- " alone on a line starts the signature; "--" without
 * the space is what many clients and people write. */
static int is_sig_sep(const struct line *l)
{
	return l->len >= 2 && l->s[0] == '-' && l->s[1] == '-' && trimmed_len(l->s, l->len) == 2;
}

/* A line drawn with '-', '_' or '=' only, like the one Outlook puts above
 * its header block. */
static int is_rule(const struct line *l)
{
	size_t i = lead_ws(l), n = trimmed_len(l->s, l->len);

	if (n < i + 5)
		return 0;
	for (; i < n; i++)
		if (l->s[i] != '-' && l->s[i] != '_' && l->s[i] != '=')
			return 0;
	return 1;
}

static char *fold_span(const char *s, size_t n)
{
	char *raw = xstrndup(s, n), *f = str_fold(raw);

	free(raw);
	return f;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static size_t count_words(const char *folded)
{
	size_t n = *folded != '\0';

	for (; *folded != '\0'; folded++)
		n += *folded == ' ';
	return n;
}

/* "Sent from my iPhone" and its kin: a short line with no comma, so that
 * "Sent from my desk, which is easier" stays text. */
static int is_signoff(const struct line *l)
{
	static const char *const raw_starts[] = {
		"sent ", "envoy", "get outlook", "obtenir outlook", "t\xc3\xa9l\xc3\xa9" "charger",
		"telecharger", "von meinem", "gesendet von",
	};
	static const char *const starts[] = {
		"sent from ", "sent with ", "sent via ", "envoye de ", "envoye depuis ",
		"envoye avec ", "get outlook for ", "obtenir outlook pour ",
		"telecharger outlook pour ", "von meinem ", "gesendet von ",
	};
	size_t i = lead_ws(l), n = trimmed_len(l->s, l->len), k;
	const char *lt;
	char head[24];
	char *f;
	int r = 0;

	if (n <= i || n - i > 120 || memchr(l->s + i, ',', n - i) != NULL)
		return 0;
	/* Outlook appends its link: "Get Outlook for iOS<https://aka.ms/...>" */
	if ((lt = memchr(l->s + i, '<', n - i)) != NULL)
		n = trimmed_len(l->s, (size_t)(lt - l->s));
	if (n <= i || n - i > 80)
		return 0;
	k = n - i < sizeof(head) - 1 ? n - i : sizeof(head) - 1;
	memcpy(head, l->s + i, k);
	head[k] = '\0';
	for (k = 0; k < ARRAY_SIZE(raw_starts); k++)
		if (str_has_prefix_ci(head, raw_starts[k]))
			break;
	if (k == ARRAY_SIZE(raw_starts))
		return 0;
	f = fold_span(l->s + i, n - i);
	for (k = 0; k < ARRAY_SIZE(starts) && !r; k++)
		r = str_has_prefix(f, starts[k]) && count_words(f) <= 7;
	free(f);
	return r;
}

/* "-----Original Message-----", "Begin forwarded message:" and the like. */
static int is_separator(const struct line *l)
{
	static const char *const names[] = {
		"original message", "message d origine", "message original", "forwarded message",
		"message transfere", "message reexpedie", "begin forwarded message",
		"debut du message reexpedie", "ursprungliche nachricht", "weitergeleitete nachricht",
		"anfang der weitergeleiteten nachricht",
	};
	size_t i = lead_ws(l), n = trimmed_len(l->s, l->len);
	char *f;
	int r;

	if (n <= i || n - i > 200)
		return 0;
	if (l->s[i] != '-' && l->s[i] != '_' && l->s[i] != '=' && l->s[n - 1] != ':')
		return 0;
	f = fold_span(l->s + i, n - i);
	r = in_list(f, names, ARRAY_SIZE(names));
	free(f);
	return r;
}

enum hkey { HK_NONE, HK_FROM, HK_OTHER };

/* The key of a header field line as Outlook quotes it: "From:", "*From:*"
 * (bold turned to text), "De :" with a (non-breaking) space before the
 * colon. */
static enum hkey header_key(const struct line *l)
{
	/* English, French and German, then the Dutch, Spanish, Italian,
	 * Portuguese and Chinese clients seen in real replies */
	static const char *const from[] = {
		"from", "de", "von", "van", "da", "\xe5\x8f\x91\xe4\xbb\xb6\xe4\xba\xba",
	};
	static const char *const other[] = {
		"sent", "date", "to", "cc", "bcc", "subject", "reply to", "envoye", "envoye le",
		"a", "objet", "cci", "repondre a", "gesendet", "an", "betreff", "datum", "kopie",
		"verzonden", "aan", "onderwerp", "enviado", "enviada", "para", "asunto", "assunto",
		"inviato", "oggetto", "\xe5\x8f\x91\xe9\x80\x81\xe6\x97\xb6\xe9\x97\xb4",
		"\xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba", "\xe4\xb8\xbb\xe9\xa2\x98",
	};
	size_t i = lead_ws(l), j;
	enum hkey r = HK_NONE;
	char *f;

	while (i < l->len && l->s[i] == '*')
		i++;
	for (j = i; j < l->len && j - i <= QUOTE_KEY_BYTES_MAX && l->s[j] != ':'; j++)
		;
	if (j >= l->len || l->s[j] != ':' || j == i || j - i > QUOTE_KEY_BYTES_MAX)
		return HK_NONE;
	f = fold_span(l->s + i, j - i);
	if (in_list(f, from, ARRAY_SIZE(from)))
		r = HK_FROM;
	else if (in_list(f, other, ARRAY_SIZE(other)))
		r = HK_OTHER;
	free(f);
	return r;
}

static int contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

/* A "From:" line followed, before any blank line, by another field of the
 * block; or the whole block run into one line by an HTML conversion. */
static int header_block_at(const struct line *first, const char *end)
{
	static const char *const inline_keys[] = {
		"Sent:", "Envoy\xc3\xa9 :", "Envoy\xc3\xa9\xc2\xa0:", "Envoy\xc3\xa9 le :",
		"Envoy\xc3\xa9:", "Gesendet:",
	};
	struct line l = *first;
	size_t k;
	int i;

	if (first->len > QUOTE_HEADER_BYTES_MAX || header_key(first) != HK_FROM)
		return 0;
	for (k = 0; k < ARRAY_SIZE(inline_keys); k++)
		if (contains(first->s, first->len, inline_keys[k]))
			return 1;
	for (i = 0; i < QUOTE_BLOCK_LINES_MAX && l.next < end; i++) {
		line_at(l.next, end, &l);
		if (is_blank(&l))
			break;
		switch (header_key(&l)) {
		case HK_OTHER:
			return 1;
		case HK_FROM: /* another block may start there: it is tried then */
			return 0;
		case HK_NONE:
			break;
		}
	}
	return 0;
}

static int attribution_start(const struct line *l)
{
	size_t i = lead_ws(l);
	const char *s;

	while (i < l->len && (l->s[i] == '-' || l->s[i] == ' '))
		i++;
	s = l->s + i;
	if (l->len - i >= 3 && s[2] == ' ' &&
	    (strncasecmp(s, "on", 2) == 0 || strncasecmp(s, "le", 2) == 0 ||
	    strncasecmp(s, "am", 2) == 0))
		return 1;
	return contains(l->s, l->len, "schrieb");
}

static int folded_is_attribution(const char *f)
{
	size_t n = strlen(f);

	if (strpbrk(f, "0123456789") == NULL)
		return 0;
	if (str_has_prefix(f, "on ") && n > 6 && strcmp(f + n - 6, " wrote") == 0)
		return 1;
	if (str_has_prefix(f, "le ") && n > 8 && strcmp(f + n - 8, " a ecrit") == 0)
		return 1;
	if (str_has_prefix(f, "am ") && (strstr(f, " schrieb ") != NULL ||
	    (n > 8 && strcmp(f + n - 8, " schrieb") == 0)))
		return 1;
	return strstr(f, " schrieb am ") != NULL;
}

/* "On <date>, <name> wrote:" over one to four lines; *after_r is the line
 * after it. A short quoted line may end it: Gmail's wrap can put "> wrote:"
 * (the end of "<a@b>") at the start of a line. */
static int attribution_at(const struct line *first, const char *end, const char **after_r)
{
	char joined[QUOTE_HEADER_BYTES_MAX + QUOTE_ATTRIBUTION_LINES_MAX];
	struct line l = *first;
	size_t jl = 0, n;
	char *f;
	int i, r;

	if (!attribution_start(first))
		return 0;
	for (i = 0; i < QUOTE_ATTRIBUTION_LINES_MAX; i++) {
		if (i > 0) {
			if (l.next >= end)
				return 0;
			line_at(l.next, end, &l);
			if (is_blank(&l) || (is_quoted(&l) && l.len > 16))
				return 0;
		}
		n = trimmed_len(l.s, l.len);
		if (jl + n + 1 >= sizeof(joined))
			return 0;
		if (jl > 0)
			joined[jl++] = ' ';
		memcpy(joined + jl, l.s, n);
		jl += n;
		joined[jl] = '\0';
		if (jl > 0 && joined[jl - 1] == ':') {
			f = str_fold(joined);
			r = folded_is_attribution(f);
			free(f);
			if (r)
				*after_r = l.next;
			return r;
		}
	}
	return 0;
}

/* Is the next non-blank line from p a quoted one? */
static int quote_follows(const char *p, const char *end)
{
	struct line l;

	while (p < end) {
		line_at(p, end, &l);
		if (!is_blank(&l))
			return is_quoted(&l);
		p = l.next;
	}
	return 0;
}

static int next_is_quoted(const char *p, const char *end)
{
	struct line l;

	if (p >= end)
		return 0;
	line_at(p, end, &l);
	return is_quoted(&l);
}

static int ends_text(const struct line *l, const char *end)
{
	return is_sig_sep(l) || is_signoff(l) || is_separator(l) || header_block_at(l, end);
}

struct out {
	struct buf b;
	size_t keep;   /* length up to the end of the last content line */
	size_t blanks; /* blank lines seen since the last line written */
	int dropped;   /* quoted lines dropped since the last line written */
};

static void emit(struct out *o, const struct line *l)
{
	size_t i, blanks = o->blanks;

	/* a removed quote leaves one paragraph break, not the blank lines
	 * that stood on both of its sides */
	if (o->dropped && blanks > 1)
		blanks = 1;
	if (o->b.len > 0) {
		buf_addc(&o->b, '\n');
		for (i = 0; i < blanks; i++)
			buf_addc(&o->b, '\n');
	}
	buf_add(&o->b, l->s, trimmed_len(l->s, l->len));
	if (!is_rule(l))
		o->keep = o->b.len;
	o->blanks = 0;
	o->dropped = 0;
}

char *quote_strip(const char *text)
{
	const char *p = text, *end = text + strlen(text), *after = NULL;
	struct out o;
	struct line l;
	int prev_quoted = 0;

	memset(&o, 0, sizeof(o));
	/* the output is never longer than the input: lines are only dropped
	 * and line ends only shortened */
	buf_init(&o.b, (size_t)(end - text) + 1);
	buf_add(&o.b, "", 0);
	while (p < end) {
		line_at(p, end, &l);
		p = l.next;
		if (is_quoted(&l)) {
			prev_quoted = 1;
			o.dropped = 1;
			continue;
		}
		if (is_blank(&l)) {
			prev_quoted = 0;
			if (o.b.len > 0)
				o.blanks++;
			continue;
		}
		if (ends_text(&l, end))
			break;
		if (attribution_at(&l, end, &after)) {
			if (!quote_follows(after, end))
				break;
			p = after;
			o.dropped = 1;
			continue;
		}
		/* a quoted line that a client wrapped without its ">" */
		if (prev_quoted && next_is_quoted(p, end)) {
			o.dropped = 1;
			continue;
		}
		prev_quoted = 0;
		emit(&o, &l);
	}
	o.b.len = o.keep;
	o.b.s[o.keep] = '\0';
	return buf_steal(&o.b);
}
