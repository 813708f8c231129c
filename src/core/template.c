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
 * name (the recipient's name, or their address when unknown). Every value
 * is plain text; flags (st_*) are "1" or "", exactly one of them "1".
 * Multi-line values (summary, errors, commands, proposal, unmatched,
 * results, digest, text, recorded, unclear, report) come formatted, one
 * item a line; role may be empty in announcement. days (in
 * confirm-reminder) counts the days since the confirmation request; next
 * (no-cohort) is free text such as "September 2026", or "".
 * A template never puts a value that may hold confidential text (text,
 * about, errors, summary, unclear) in its subject. template_check_all() renders each with exactly
 * these variables, so a site template naming another one is reported by
 * check-config. */
static const struct {
	const char *name;
	const char *vars;
} registry[] = {
	{ "help", "" },
	{ "confirm-request", "token role cohort summary" },
	{ "confirm-reminder", "token role cohort days" },
	{ "confirm-withdraw", "token cohort" },
	{ "confirm-forget", "token" },
	{ "confirm-command", "token commands" },
	{ "confirmed", "role cohort summary" },
	{ "updated", "role cohort summary" },
	{ "form-errors", "errors" },
	{ "both-roles", "role cohort" },
	{ "no-cohort", "next" },
	{ "nothing-to-confirm", "" },
	{ "status", "role cohort st_none st_pending st_confirmed st_matched st_withdrawn "
	    "partner_name partner_address token" },
	{ "withdrawn", "cohort" },
	{ "partner-withdrawn", "partner_name" },
	{ "pair-ended", "partner_name" },
	{ "committee-withdrawn", "who role pair" },
	{ "waitlist", "role cohort" },
	{ "introduction", "mentor_name mentor_address mentor_department mentor_field "
	    "mentor_topics mentor_about mentee_name mentee_address mentee_department "
	    "mentee_field mentee_topics mentee_about cohort" },
	{ "invitation", "title date time end_time duration location timezone" },
	{ "invitation-update", "title date time end_time duration location timezone" },
	{ "invitation-cancel", "title date time location" },
	{ "training-reminder", "title date time end_time duration location" },
	{ "checkin-first", "partner_name number" },
	{ "checkin", "partner_name number" },
	{ "checkin-nudge", "partner_name number" },
	{ "issue-ack", "case" },
	{ "issue-notice", "case reporter reporter_name role pair text" },
	{ "checkin-end", "who pair" },
	{ "proposal", "cohort count proposal unmatched" },
	{ "command-result", "results" },
	{ "digest", "date digest" },
	{ "feedback", "cohort" },
	{ "feedback-nudge", "cohort" },
	{ "feedback-received", "who recorded unclear text" },
	{ "report", "cohort file report" },
	{ "announcement", "cohort role" },
	{ "carry-over", "cohort previous role summary token" },
	{ "erased", "" },
};

static const char *const common_vars[] = { "programme", "address", "name" };

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
		free(path);
	}
	*error_r = xasprintf("template %s/%s: not found in %s%s%s", lang, name,
	    dirs->site != NULL ? dirs->site : "", dirs->site != NULL ? " or " : "", dirs->shipped);
	return -1;
}

struct subst {
	const struct vars *v;
	const char *where;
	const char *base; /* start of the whole text, to tell line starts */
	char **error_r;
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
		if (out != NULL)
			buf_adds(out, value);
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
    struct buf *out, char **error_r)
{
	struct subst s = { v, where, text, error_r };

	return substitute(&s, text, strlen(text), out, 0);
}

int template_render(const struct template_dirs *dirs, const char *lang, const char *name,
    const struct vars *v, char **subject_r, char **body_r, char **error_r)
{
	char *data = NULL, *where = xasprintf("template %s/%s", lang, name);
	char *nl, *body;
	struct buf subject, out;
	int ret = -1;

	buf_init(&subject, 4096);
	buf_init(&out, 4 * TEMPLATE_BYTES_MAX + 1024 * 1024);
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
	if (substitute_text(v, where, data + strlen("Subject:"), &subject, error_r) < 0 ||
	    substitute_text(v, where, body, &out, error_r) < 0)
		goto out;
	if (subject.toobig || out.toobig) {
		*error_r = xasprintf("%s: rendered text too long", where);
		goto out;
	}
	/* a subject is one line, whatever the variables held */
	for (nl = subject.s; nl != NULL && *nl != '\0'; nl++)
		if (*nl == '\n' || *nl == '\r' || *nl == '\t')
			*nl = ' ';
	*subject_r = str_trim(buf_steal(&subject));
	*body_r = buf_steal(&out);
	ret = 0;
out:
	free(where);
	free(data);
	buf_deinit(&subject);
	buf_deinit(&out);
	return ret;
}

/* "WIT: how to take part / comment participer": the French subject drops
 * the programme's name when both start with it, so that the subject stays
 * short enough to read in a list. */
static char *bilingual_subject(const char *en, const char *fr, const char *programme)
{
	size_t pl = programme != NULL ? strlen(programme) : 0;
	const char *rest;

	if (strcmp(en, fr) == 0)
		return xstrdup(en);
	if (pl > 0 && strncmp(en, programme, pl) == 0 && en[pl] == ':' &&
	    strncmp(fr, programme, pl) == 0 && (fr[pl] == ':' || str_has_prefix(fr + pl, " :"))) {
		rest = fr + pl + (fr[pl] == ':' ? 1 : 2);
		while (*rest == ' ')
			rest++;
		if (*rest != '\0')
			return xasprintf("%s / %s", en, rest);
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
	*subject_r = bilingual_subject(s_en, s_fr, vars_get(v, "programme"));
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
