#include "template.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util.h"

/* Every template the robot sends and the variables it gives it, besides
 * the common ones: programme (its name), address (the programme's address),
 * name (the recipient's name, or their address when unknown), tag (the
 * programme's subject_tag, which ends a subject, before a [token]). Every value
 * is plain text; flags (st_*) are "1" or "", exactly one of them "1".
 * Multi-line values (summary, errors, commands, proposal, unmatched,
 * results, digest, text, recorded, unclear, report, help, suggestions)
 * come formatted, one item a line; role may be empty in announcement. days (in
 * confirm-reminder) counts the days since the confirmation request; next
 * (no-cohort) is free text such as "September 2026", or "". A template
 * never puts a value that may hold confidential text (text, about, errors,
 * summary, unclear) in its subject. calendar-entry is no mail: its subject and body
 * are the SUMMARY and DESCRIPTION of an invitation's event, in the
 * person's language (cancelled is "1" in a CANCEL, else ""), where
 * calendars show them. template_check_all() renders each with exactly
 * these variables, so a site template naming another one is reported by
 * check-config. */
static const struct {
	const char *name;
	const char *vars;
} registry[] = {
	{ "help", "" },
	{ "suggestion", "command wrote" },
	{ "passed-on", "" },
	{ "confirm-request", "token role cohort summary" },
	{ "confirm-reminder", "token role cohort days" },
	{ "confirm-withdraw", "token cohort" },
	{ "confirm-update", "token role cohort change summary" },
	{ "confirm-forget", "token" },
	{ "confirm-command", "token commands" },
	{ "confirmed", "role cohort summary profile" },
	{ "updated", "role cohort summary profile" },
	{ "form-errors", "errors applied summary" },
	{ "both-roles", "role cohort" },
	{ "no-cohort", "next" },
	{ "nothing-to-confirm", "" },
	{ "status", "role cohort st_none st_pending st_confirmed st_matched st_withdrawn "
	    "st_waitlisted partner_name partner_address token summary opened next" },
	{ "withdrawn", "cohort" },
	{ "partner-withdrawn", "partner_name" },
	{ "pair-ended", "partner_name" },
	{ "committee-withdrawn", "who role pair" },
	{ "waitlist", "role cohort no_room narrowed other field next" },
	{ "introduction", "mentor_name mentor_address mentor_department mentor_field "
	    "mentor_topics mentor_about mentee_name mentee_address mentee_department "
	    "mentee_field mentee_topics mentee_about cohort" },
	{ "invitation", "title date weekday time end_time duration location timezone" },
	{ "invitation-update", "title date weekday time end_time duration location timezone" },
	{ "invitation-cancel", "title date weekday time location" },
	{ "calendar-entry", "title date weekday time end_time duration location timezone cancelled" },
	{ "training-reminder", "title date weekday time end_time duration location" },
	{ "checkin-first", "partner_name number" },
	{ "checkin", "partner_name number" },
	{ "checkin-nudge", "partner_name number asked" },
	{ "issue-ack", "case" },
	{ "issue-added", "case" },
	{ "issue-notice", "case reporter reporter_name unverified role pair text" },
	{ "checkin-end", "who pair" },
	{ "proposal", "cohort count proposal unmatched" },
	{ "command-result", "results" },
	{ "committee-help", "help" },
	{ "committee-commands", "" },
	{ "committee-command", "commands match approve reject pair unpair training training_update "
	    "training_cancel close cohort_open cohort_close digest status report help "
	    "training_answers resend profiles rematch" },
	{ "committee-unclear", "subject problem suggestions" },
	{ "digest", "date digest" },
	{ "feedback", "cohort" },
	{ "feedback-nudge", "cohort asked" },
	{ "feedback-received", "who recorded unclear text" },
	{ "report", "cohort file pdf report feedback_asked feedback_nudged feedback_answered" },
	{ "announcement", "cohort role summary" },
	{ "carry-over", "cohort previous role summary token until reminder" },
	{ "notice-limit", "who limit" },
	{ "notice-limit-all", "limit waiting" },
	{ "erased", "" },
	{ "restore-notice", "backup_date restored_date count sent replaced" },
	{ "profiles", "cohort profiles count until" },
	{ "choices", "recorded problem closed until" },
	{ "rematch", "partner_name mentee" },
	{ "fit-check", "partner_name" },
	{ "consent", "profile until partner_role" },
	{ "consent-nudge", "profile until partner_role" },
	{ "consent-closed", "" },
	{ "consent-declined", "pair pair_names who declined" },
};

static const char *const common_vars[] = { "programme", "address", "name", "tag" };

int template_registry(size_t i, const char **name_r, const char **vars_r)
{
	if (i >= ARRAY_SIZE(registry))
		return -1;
	*name_r = registry[i].name;
	*vars_r = registry[i].vars;
	return 0;
}

/* A multi-line value (a summary, a list) usually ends with a line end; a
 * template puts its own after the placeholder. */
static char *value_dup(const char *value)
{
	size_t n = value != NULL ? strlen(value) : 0;

	while (n > 0 && (value[n - 1] == '\n' || value[n - 1] == '\r'))
		n--;
	return xstrndup(value != NULL ? value : "", n);
}

void vars_set(struct vars *v, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		if (strcmp(v->name[i], name) == 0) {
			free(v->value[i]);
			v->value[i] = value_dup(value);
			return;
		}
	}
	if (v->n == VARS_MAX)
		fatal("template: too many variables");
	v->name[v->n] = name;
	v->value[v->n] = value_dup(value);
	v->n++;
}

void vars_setf(struct vars *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	vars_set(v, name, s);
	free(s);
}

const char *vars_get(const struct vars *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->name[i], name) == 0)
			return v->value[i];
	return NULL;
}

void vars_deinit(struct vars *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->value[i]);
	v->n = 0;
}

static int load(const struct template_dirs *dirs, const char *lang, const char *name,
    char **data_r, char **error_r)
{
	const char *roots[2] = { dirs->site, dirs->shipped };
	char *path;
	size_t len = 0, i;

	if (strchr(name, '/') != NULL || strchr(lang, '/') != NULL)
		fatal("template: bad name %s/%s", lang, name);
	for (i = 0; i < 2; i++) {
		if (roots[i] == NULL)
			continue;
		path = xasprintf("%s/%s/%s", roots[i], lang, name);
		if (file_read(path, TEMPLATE_BYTES_MAX, data_r, &len) == 0) {
			free(path);
			if (memchr(*data_r, '\0', len) != NULL || !utf8_valid(*data_r, len)) {
				xfree(data_r);
				*error_r = xasprintf("template %s/%s: not UTF-8 text", lang, name);
				return -1;
			}
			return 0;
		}
		if (errno == EACCES || errno == EPERM) {
			/* there, but not to be read by this user */
			char *why = file_error(path, errno);

			*error_r = xasprintf("template %s/%s: %s", lang, name, why);
			free(why);
			free(path);
			return -1;
		}
		free(path);
	}
	*error_r = xasprintf("template %s/%s: not found in %s%s%s", lang, name,
	    dirs->site != NULL ? dirs->site : "", dirs->site != NULL ? " or " : "", dirs->shipped);
	return -1;
}

/* Where the values went in the rendered text, [start, end) and whether
 * the value holds a line break: reflowing never joins the lines a
 * producer laid out, nor a value standing on its own line with the text
 * around it. */
struct spans {
	size_t (*v)[3];
	size_t n;
};

struct subst {
	const struct vars *v;
	const char *where;
	const char *base; /* start of the whole text, to tell line starts */
	char **error_r;
	struct spans *kept; /* NULL: not recorded */
};

static int section(struct subst *s, const char *name, const char *open, const char *inner,
    const char *end, struct buf *out, int depth, const char **next_r);

/* {{var}} is replaced; {{#var}}...{{/var}} is kept only when var is
 * non-empty, {{^var}}...{{/var}} only when it is empty. Sections may nest.
 * out NULL checks the text without writing it: a hidden section is checked
 * all the same, so that a typo in it is found before the day it shows. */
static int substitute(struct subst *s, const char *text, size_t len, struct buf *out, int depth)
{
	const char *p = text, *end = text + len, *open, *close, *value;
	char name[64];
	size_t l;

	if (depth > 8) {
		*s->error_r = xasprintf("%s: sections nested too deep", s->where);
		return -1;
	}
	while (p < end && (open = memmem(p, (size_t)(end - p), "{{", 2)) != NULL) {
		if (out != NULL)
			buf_add(out, p, (size_t)(open - p));
		close = memmem(open + 2, (size_t)(end - open - 2), "}}", 2);
		l = close != NULL ? (size_t)(close - open - 2) : 0;
		if (close == NULL) {
			*s->error_r = xasprintf("%s: {{ without }}", s->where);
			return -1;
		}
		if (l == 0 || l >= sizeof(name) || memchr(open + 2, '\n', l) != NULL) {
			*s->error_r = xasprintf("%s: bad placeholder", s->where);
			return -1;
		}
		memcpy(name, open + 2, l);
		name[l] = '\0';
		str_trim(name);
		if (name[0] == '#' || name[0] == '^') {
			if (section(s, name, open, close + 2, end, out, depth, &p) < 0)
				return -1;
			continue;
		}
		if (name[0] == '/') {
			*s->error_r = xasprintf("%s: {{%s}} without its opening", s->where, name);
			return -1;
		}
		value = vars_get(s->v, name);
		if (value == NULL) {
			*s->error_r = xasprintf("%s: unknown placeholder {{%s}}", s->where, name);
			return -1;
		}
		if (out != NULL) {
			/* a value from data is shown without what would hide or
			 * reorder the text around it (bidirectional overrides,
			 * control characters): util.h str_shown() */
			char *shown = str_shown(value, 1);

			if (s->kept != NULL && shown[0] != '\0') {
				s->kept->v = xrealloc(s->kept->v, (s->kept->n + 1) * sizeof(*s->kept->v));
				s->kept->v[s->kept->n][0] = out->len;
				s->kept->v[s->kept->n][1] = out->len + strlen(shown);
				s->kept->v[s->kept->n][2] = strchr(shown, '\n') != NULL;
				s->kept->n++;
			}
			buf_adds(out, shown);
			free(shown);
		}
		p = close + 2;
	}
	if (p < end && out != NULL)
		buf_add(out, p, (size_t)(end - p));
	return 0;
}

/* The section opened by {{#name}} or {{^name}} at open, its text starting at
 * inner; *next_r is where the text goes on after its {{/name}}. A section
 * whose tags stand on lines of their own leaves no empty line. */
static int section(struct subst *s, const char *name, const char *open, const char *inner,
    const char *end, struct buf *out, int depth, const char **next_r)
{
	const char *stop, *value, *p;
	char closing[72];
	int show;

	snprintf(closing, sizeof(closing), "{{/%s}}", name + 1);
	stop = memmem(inner, (size_t)(end - inner), closing, strlen(closing));
	if (stop == NULL) {
		*s->error_r = xasprintf("%s: {{%s}} without {{/%s}}", s->where, name, name + 1);
		return -1;
	}
	value = vars_get(s->v, name + 1);
	if (value == NULL) {
		*s->error_r = xasprintf("%s: unknown placeholder {{%s}}", s->where, name + 1);
		return -1;
	}
	show = (name[0] == '#') == (value[0] != '\0');
	if (inner < stop && *inner == '\n' && (open == s->base || open[-1] == '\n'))
		inner++;
	if (substitute(s, inner, (size_t)(stop - inner), show ? out : NULL, depth + 1) < 0)
		return -1;
	p = stop + strlen(closing);
	if (out != NULL && p < end && *p == '\n' && (out->len == 0 || out->s[out->len - 1] == '\n'))
		p++;
	*next_r = p;
	return 0;
}

static int substitute_text(const struct vars *v, const char *where, const char *text,
    struct buf *out, struct spans *kept, char **error_r)
{
	struct subst s = { v, where, text, error_r, kept };

	return substitute(&s, text, strlen(text), out, 0);
}

/* ---- reflowing ----
 *
 * Once the values are in, every line of the body is kept within
 * TEXT_LINE_MAX characters (RFC 5322 2.1.1), never cutting a word (an
 * address is one), by these rules:
 * - a paragraph of running text (lines that start with a word, up to an
 *   empty line) is refilled to TEXT_FILL when one of its lines is too
 *   long, and left as written otherwise; a value standing alone on its
 *   line (someone's words under "In their own words:") is a paragraph of
 *   its own;
 * - a form ("Key: value" lines, each of them), an indented line (a table),
 *   a list item ("- ", "1. ") and every line of a multi-line value (laid
 *   out by its producer: a digest, a summary, someone's words) keep their
 *   lines: one that is too long is wrapped alone, its continuation lines
 *   indented to where its value starts, so that a table keeps its columns
 *   and a form field stays one field (a form value may go on over
 *   indented lines, doc/DESIGN.md 3.3). */

struct line {
	const char *s;
	size_t len;   /* without the line end */
	int crlf;     /* ended with CR LF */
	int kept;     /* holds part of a multi-line value */
	int alone;    /* is one value, alone on its line */
	int valued;   /* holds a one-line value (a name) */
};

static size_t chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Bytes of a "Key:" or "Clé :" opening the text (up to four words of
 * letters, then a colon ending it or followed by a space), else 0. */
static size_t form_key(const char *s, size_t n)
{
	size_t i = 0, words = 1;

	if (n == 0 || s[0] == ' ' || s[0] == '-')
		return 0;
	for (; i < n && i < 40 && s[i] != ':'; i++) {
		if (s[i] == ' ' && i + 1 < n && s[i + 1] != ':' && ++words > 4)
			return 0;
		if (strchr(",.;!?()<>\"", s[i]) != NULL)
			return 0;
	}
	if (i == n || s[i] != ':' || (i + 1 < n && s[i + 1] != ' '))
		return 0;
	return i + 1 < n ? i + 2 : i + 1;
}

/* "- item", "* item" or "12. item" */
static int list_item(const char *s, size_t n)
{
	size_t i;

	if (n >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ')
		return 1;
	for (i = 0; i < n && i < 3 && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i > 0 && i + 1 < n && s[i] == '.' && s[i + 1] == ' ';
}

/* The byte where the wrapped part of a line starts; continuation lines are
 * indented to its column. */
static size_t hang_at(const char *s, size_t n)
{
	size_t lead = 0, i, k;

	while (lead < n && s[lead] == ' ')
		lead++;
	if (list_item(s + lead, n - lead)) {
		for (i = lead; s[i] != ' '; i++)
			;
		return i + 1;
	}
	if ((k = form_key(s + lead, n - lead)) > 0)
		return lead + k;
	/* a table row: "  Key     value", the value after a run of spaces */
	for (i = lead; lead > 0 && i + 2 < n && i < lead + 30; i++)
		if (s[i] != ' ' && s[i + 1] == ' ' && s[i + 2] == ' ') {
			for (k = i + 1; k < n && s[k] == ' '; k++)
				;
			return k < n ? k : lead;
		}
	return lead;
}

/* prefix, then the words of s in lines of at most TEXT_FILL characters,
 * each next one after indent spaces. */
static void fill(struct buf *out, const char *prefix, size_t prefix_len, const char *s, size_t n,
    size_t indent, const char *eol)
{
	buf_add(out, prefix, prefix_len);
	buf_fill(out, s, n, chars(prefix, prefix_len), indent, TEXT_FILL, eol);
}

static void emit_line(struct buf *out, const struct line *l)
{
	size_t h;

	if (chars(l->s, l->len) <= TEXT_LINE_MAX) {
		buf_add(out, l->s, l->len);
		buf_adds(out, l->crlf ? "\r\n" : "\n");
		return;
	}
	h = hang_at(l->s, l->len);
	/* a hang past the middle would leave no room for the words */
	if (chars(l->s, h) > TEXT_FILL / 2)
		h = 0;
	fill(out, l->s, h, l->s + h, l->len - h, chars(l->s, h), l->crlf ? "\r\n" : "\n");
}

/* Lines a to b (excluded) of running text: refilled when one is too long,
 * or when a value came into it (the template's lines were broken for
 * the placeholder, not for the name that took its place), except in the
 * closing (last) paragraph, whose lines are a greeting and a signature;
 * joined into one line when unwrap is set (a reader that wraps lines
 * itself). */
static void emit_paragraph(struct buf *out, const struct line *l, size_t a, size_t b, int last,
    int unwrap)
{
	struct buf joined;
	size_t i;
	int form = 1, long_line = 0, valued = 0;

	for (i = a; i < b; i++) {
		form &= form_key(l[i].s, l[i].len) > 0;
		long_line |= chars(l[i].s, l[i].len) > TEXT_LINE_MAX;
		valued |= l[i].valued && b - a > 1 && !last;
	}
	if ((!long_line && !valued && !unwrap) || form) {
		for (i = a; i < b; i++)
			emit_line(out, &l[i]);
		return;
	}
	buf_init(&joined, out->max);
	for (i = a; i < b; i++) {
		if (i > a)
			buf_addc(&joined, ' ');
		buf_add(&joined, l[i].s, l[i].len);
	}
	if (unwrap) {
		buf_add(out, joined.s, joined.len);
		buf_adds(out, l[a].crlf ? "\r\n" : "\n");
	} else {
		fill(out, "", 0, joined.s, joined.len, 0, l[a].crlf ? "\r\n" : "\n");
	}
	buf_deinit(&joined);
}

/* Marks the line [from, to) of the text: kept, alone. */
static void line_values(const struct spans *kept, size_t from, size_t to, struct line *l)
{
	size_t i;

	l->kept = l->alone = l->valued = 0;
	for (i = 0; i < kept->n; i++) {
		if (kept->v[i][2] && kept->v[i][0] <= to && kept->v[i][1] > from)
			l->kept = 1;
		if (!kept->v[i][2] && kept->v[i][0] < to && kept->v[i][1] > from)
			l->valued = 1;
		if (kept->v[i][0] == from && kept->v[i][1] == to)
			l->alone = 1;
	}
}

static int running(const struct line *l)
{
	return !l->kept && l->len > 0 && l->s[0] != ' ' && !list_item(l->s, l->len);
}

/* Do the lines from j to n hold no more text? */
static int last_text(const struct line *l, size_t j, size_t n)
{
	for (; j < n; j++)
		if (l[j].len > 0)
			return 0;
	return 1;
}

/* The rendered body text, reflowed into out (the rules above). */
static void reflow(const char *text, size_t len, const struct spans *kept, int unwrap,
    struct buf *out)
{
	struct line *l = NULL;
	size_t n = 0, i, j, start;
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = xrealloc(l, (n + 1) * sizeof(*l));
		l[n].s = p;
		l[n].len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		l[n].crlf = l[n].len > 0 && p[l[n].len - 1] == '\r';
		if (l[n].crlf)
			l[n].len--;
		start = (size_t)(p - text);
		line_values(kept, start, start + l[n].len, &l[n]);
		n++;
		p = nl != NULL ? nl + 1 : end;
	}
	for (i = 0; i < n; i = j) {
		if (!running(&l[i])) {
			emit_line(out, &l[i]);
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < n && running(&l[j]) && !l[j].alone && !l[j - 1].alone; j++)
			;
		emit_paragraph(out, l, i, j, last_text(l, j, n), unwrap);
	}
	/* a text without a last line end stays so */
	if (len > 0 && text[len - 1] != '\n' && out->len > 0 && out->s[out->len - 1] == '\n') {
		out->len -= out->len > 1 && out->s[out->len - 2] == '\r' ? 2 : 1;
		out->s[out->len] = '\0';
	}
	free(l);
}

/* A short one-line value (a name, a title) is never cut at the end of a
 * line, nor French quotes from what they quote, nor a colon from its word:
 * those spaces are held as NAME_SPACE while the text is reflowed (hide),
 * then given back (!hide, spans unused). A value never holds
 * NAME_SPACE (str_shown() drops control characters); a text that does is
 * left alone. */
#define NAME_SPACE '\x01'
#define NAME_WHOLE_MAX 32

/* Characters of the word before (dir -1) or after (dir 1) the space at k. */
static size_t word_chars(const struct buf *b, size_t k, int dir)
{
	size_t from = k, to = k;

	if (dir < 0) {
		while (from > 0 && b->s[from - 1] != ' ' && b->s[from - 1] != '\n')
			from--;
	} else {
		to = ++from;
		while (to < b->len && b->s[to] != ' ' && b->s[to] != '\n')
			to++;
	}
	return chars(b->s + from, to - from);
}

static void keep_names_whole(struct buf *b, const struct spans *kept, int hide)
{
	size_t i, k;

	if (!hide) {
		for (k = 0; k < b->len; k++)
			if (b->s[k] == NAME_SPACE)
				b->s[k] = ' ';
		return;
	}
	if (memchr(b->s, NAME_SPACE, b->len) != NULL)
		return;
	/* French typography: the space inside « » and before : ; ! ? is
	 * no place for a line break, beside a word short enough to share
	 * a line with */
	for (k = 1; k + 1 < b->len; k++) {
		if (b->s[k] != ' ' || b->s[k - 1] == ' ' || b->s[k - 1] == '\n' ||
		    word_chars(b, k, -1) > NAME_WHOLE_MAX || word_chars(b, k, 1) > NAME_WHOLE_MAX)
			continue;
		if ((k >= 2 && (unsigned char)b->s[k - 2] == 0xc2 && (unsigned char)b->s[k - 1] == 0xab) ||
		    (b->s[k + 1] != '\0' && strchr(":;!?", b->s[k + 1]) != NULL) ||
		    (k + 2 < b->len && (unsigned char)b->s[k + 1] == 0xc2 &&
		    (unsigned char)b->s[k + 2] == 0xbb))
			b->s[k] = NAME_SPACE;
	}
	for (i = 0; i < kept->n; i++)
		if (!kept->v[i][2] && chars(b->s + kept->v[i][0],
		    kept->v[i][1] - kept->v[i][0]) <= NAME_WHOLE_MAX)
			for (k = kept->v[i][0]; k < kept->v[i][1]; k++)
				if (b->s[k] == ' ')
					b->s[k] = NAME_SPACE;
}

static int render(const struct template_dirs *dirs, const char *lang, const char *name,
    const struct vars *v, int unwrap, char **subject_r, char **body_r, char **error_r)
{
	char *data = NULL, *where = xasprintf("template %s/%s", lang, name);
	char *nl, *body;
	struct buf subject, out, flowed;
	struct spans kept = { NULL, 0 };
	int ret = -1;

	buf_init(&subject, 4096);
	buf_init(&out, 4 * TEMPLATE_BYTES_MAX + 1024 * 1024);
	buf_init(&flowed, 2 * out.max);
	if (load(dirs, lang, name, &data, error_r) < 0)
		goto out;
	if (!str_has_prefix(data, "Subject:") || (nl = strchr(data, '\n')) == NULL) {
		*error_r = xasprintf("%s: the first line must be \"Subject: ...\"", where);
		goto out;
	}
	*nl = '\0';
	body = nl + 1;
	if (*body == '\n')
		body++;
	else if (body[0] == '\r' && body[1] == '\n')
		body += 2;
	buf_add(&subject, "", 0);
	buf_add(&out, "", 0);
	if (substitute_text(v, where, data + strlen("Subject:"), &subject, NULL, error_r) < 0 ||
	    substitute_text(v, where, body, &out, &kept, error_r) < 0)
		goto out;
	buf_add(&flowed, "", 0);
	keep_names_whole(&out, &kept, 1);
	reflow(out.s, out.len, &kept, unwrap, &flowed);
	keep_names_whole(&flowed, NULL, 0);
	if (subject.toobig || out.toobig || flowed.toobig) {
		*error_r = xasprintf("%s: rendered text too long", where);
		goto out;
	}
	/* a subject is one line, whatever the variables held */
	for (nl = subject.s; nl != NULL && *nl != '\0'; nl++)
		if (*nl == '\n' || *nl == '\r' || *nl == '\t')
			*nl = ' ';
	*subject_r = str_trim(buf_steal(&subject));
	*body_r = buf_steal(&flowed);
	ret = 0;
out:
	free(where);
	free(data);
	free(kept.v);
	buf_deinit(&subject);
	buf_deinit(&out);
	buf_deinit(&flowed);
	return ret;
}

int template_render(const struct template_dirs *dirs, const char *lang, const char *name,
    const struct vars *v, char **subject_r, char **body_r, char **error_r)
{
	return render(dirs, lang, name, v, 0, subject_r, body_r, error_r);
}

int template_render_paragraphs(const struct template_dirs *dirs, const char *lang,
    const char *name, const struct vars *v, char **subject_r, char **body_r, char **error_r)
{
	return render(dirs, lang, name, v, 1, subject_r, body_r, error_r);
}

/* Where the end both subjects share starts: " – TAG" and what follows it
 * (a [token]), or NULL. */
static const char *shared_end(const char *s, const char *tail)
{
	size_t sl = strlen(s), tl = strlen(tail);

	return sl > tl && strcmp(s + sl - tl, tail) == 0 ? s + sl - tl : NULL;
}

/* "How to take part / Comment participer – WIT": the end both subjects
 * share, from the dash before the programme's tag (and a [token] after
 * it), is written once, so that the subject stays short enough to read
 * in a list. */
static char *bilingual_subject(const char *en, const char *fr, const char *tag)
{
	const char *e, *f, *tail;

	if (strcmp(en, fr) == 0)
		return xstrdup(en);
	if (tag != NULL && tag[0] != '\0') {
		char *mark = xasprintf(" \xe2\x80\x93 %s", tag);

		tail = NULL;
		for (e = strstr(en, mark); e != NULL; e = strstr(e + 1, mark))
			tail = e;
		free(mark);
		if (tail != NULL && (f = shared_end(fr, tail)) != NULL && tail > en && f > fr)
			return xasprintf("%.*s / %.*s%s", (int)(tail - en), en, (int)(f - fr), fr, tail);
	}
	return xasprintf("%s / %s", en, fr);
}

int template_render_bilingual(const struct template_dirs *dirs, const char *name,
    const struct vars *v, char **subject_r, char **body_r, char **error_r)
{
	char *s_en = NULL, *b_en = NULL, *s_fr = NULL, *b_fr = NULL;
	int ret = -1;

	if (template_render(dirs, "en", name, v, &s_en, &b_en, error_r) < 0 ||
	    template_render(dirs, "fr", name, v, &s_fr, &b_fr, error_r) < 0)
		goto out;
	*subject_r = bilingual_subject(s_en, s_fr, vars_get(v, "tag"));
	*body_r = xasprintf("(Le texte en français suit l'anglais.)\n\n%s\n"
	    "------------------------------------------------------------\n\n%s", b_en, b_fr);
	ret = 0;
out:
	free(s_en);
	free(b_en);
	free(s_fr);
	free(b_fr);
	return ret;
}

int template_check_all(const struct template_dirs *dirs, char **report_r)
{
	static const char *const langs[] = { "en", "fr" };
	struct buf report;
	size_t i, j, k;
	int problems = 0;

	buf_init(&report, 1024 * 1024);
	buf_add(&report, "", 0);
	for (i = 0; i < ARRAY_SIZE(registry); i++) {
		for (j = 0; j < ARRAY_SIZE(langs); j++) {
			struct vars v = { { NULL }, { NULL }, 0 };
			struct strlist l = { NULL, 0 };
			char *subject = NULL, *body = NULL, *e = NULL;

			/* the names live in l until the vars are gone */
			strlist_split(&l, registry[i].vars, ' ');
			for (k = 0; k < ARRAY_SIZE(common_vars); k++)
				vars_set(&v, common_vars[k], "sample");
			for (k = 0; k < l.n; k++)
				vars_set(&v, l.v[k], "sample");
			if (template_render(dirs, langs[j], registry[i].name, &v, &subject, &body, &e) < 0) {
				buf_printf(&report, "%s\n", e);
				problems++;
			}
			vars_deinit(&v);
			strlist_deinit(&l);
			free(subject);
			free(body);
			free(e);
		}
	}
	*report_r = buf_steal(&report);
	buf_deinit(&report);
	return problems;
}
