#include "template.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util.h"

/* Every template and the variables the robot gives it, besides the common
 * ones: programme (its name), address (the programme's address), name (the
 * recipient's name, or a greeting word when unknown). */
static const struct {
	const char *name;
	const char *vars;
} registry[] = {
	{ "help", "" },
};

static const char *const common_vars[] = { "programme", "address", "name" };


void vars_set(struct vars *v, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		if (strcmp(v->name[i], name) == 0) {
			free(v->value[i]);
			v->value[i] = xstrdup(value != NULL ? value : "");
			return;
		}
	}
	if (v->n == VARS_MAX)
		fatal("template: too many variables");
	v->name[v->n] = name;
	v->value[v->n] = xstrdup(value != NULL ? value : "");
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

/* {{var}} is replaced; {{#var}}...{{/var}} is kept only when var is
 * non-empty, {{^var}}...{{/var}} only when it is empty. Sections may nest. */
static int substitute(const char *text, size_t len, const struct vars *v, const char *where,
    struct buf *out, int depth, char **error_r)
{
	const char *p = text, *end = text + len, *open, *close, *value;
	char name[64], closing[72];
	size_t l;

	if (depth > 8) {
		*error_r = xasprintf("%s: sections nested too deep", where);
		return -1;
	}
	while (p < end && (open = memmem(p, (size_t)(end - p), "{{", 2)) != NULL) {
		buf_add(out, p, (size_t)(open - p));
		close = memmem(open + 2, (size_t)(end - open - 2), "}}", 2);
		if (close == NULL) {
			*error_r = xasprintf("%s: {{ without }}", where);
			return -1;
		}
		l = (size_t)(close - open - 2);
		if (l == 0 || l >= sizeof(name)) {
			*error_r = xasprintf("%s: bad placeholder", where);
			return -1;
		}
		memcpy(name, open + 2, l);
		name[l] = '\0';
		str_trim(name);
		if (name[0] == '#' || name[0] == '^') {
			const char *inner = close + 2, *stop;
			int show;

			snprintf(closing, sizeof(closing), "{{/%s}}", name + 1);
			stop = memmem(inner, (size_t)(end - inner), closing, strlen(closing));
			if (stop == NULL) {
				*error_r = xasprintf("%s: {{%s}} without {{/%s}}", where, name, name + 1);
				return -1;
			}
			value = vars_get(v, name + 1);
			if (value == NULL) {
				*error_r = xasprintf("%s: unknown placeholder {{%s}}", where, name + 1);
				return -1;
			}
			show = (name[0] == '#') == (value[0] != '\0');
			/* a section on lines of its own leaves no empty line */
			if (*inner == '\n')
				inner++;
			if (show && substitute(inner, (size_t)(stop - inner), v, where, out, depth + 1,
			    error_r) < 0)
				return -1;
			p = stop + strlen(closing);
			if (*p == '\n' && (out->len == 0 || out->s[out->len - 1] == '\n'))
				p++;
			continue;
		}
		if (name[0] == '/') {
			*error_r = xasprintf("%s: {{%s}} without its opening", where, name);
			return -1;
		}
		value = vars_get(v, name);
		if (value == NULL) {
			*error_r = xasprintf("%s: unknown placeholder {{%s}}", where, name);
			return -1;
		}
		buf_adds(out, value);
		p = close + 2;
	}
	if (p < end)
		buf_add(out, p, (size_t)(end - p));
	return 0;
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
	if (substitute(data + strlen("Subject:"), strlen(data + strlen("Subject:")), v, where,
	    &subject, 0, error_r) < 0 || substitute(body, strlen(body), v, where, &out, 0, error_r) < 0)
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

int template_render_bilingual(const struct template_dirs *dirs, const char *name,
    const struct vars *v, char **subject_r, char **body_r, char **error_r)
{
	char *s_en = NULL, *b_en = NULL, *s_fr = NULL, *b_fr = NULL;
	int ret = -1;

	if (template_render(dirs, "en", name, v, &s_en, &b_en, error_r) < 0 ||
	    template_render(dirs, "fr", name, v, &s_fr, &b_fr, error_r) < 0)
		goto out;
	*subject_r = strcmp(s_en, s_fr) == 0 ? xstrdup(s_en) : xasprintf("%s / %s", s_en, s_fr);
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
