/* template: the texts the robot sends, as data.
 *
 * A template is the file templates/<lang>/<name>: a first line
 * "Subject: ...", an empty line, then the body. {{var}} is replaced by the
 * variable's value; {{#var}}...{{/var}} is kept only when var is not empty
 * and {{^var}}...{{/var}} only when it is. A placeholder naming no variable
 * is an error, so a typo in a site's template is found by check-config
 * rather than mailed out.
 *
 * Lookup order: the site folder ([paths] templates), then the shipped folder
 * (TEMPLATEDIR, where `make install` puts templates/). A person's language
 * picks the folder; mail to a sender whose language is unknown is bilingual:
 * template_render_bilingual() joins the English and French texts. */
#ifndef MENTORD_TEMPLATE_H
#define MENTORD_TEMPLATE_H

#include <stddef.h>

#define VARS_MAX 48

struct vars {
	const char *name[VARS_MAX];
	char *value[VARS_MAX];
	size_t n;
};

/* Sets (or replaces) a variable; value is copied. */
void vars_set(struct vars *v, const char *name, const char *value);
void vars_setf(struct vars *v, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *vars_get(const struct vars *v, const char *name);
void vars_deinit(struct vars *v);

struct template_dirs {
	const char *site;    /* may be NULL */
	const char *shipped;
};

/* Renders templates/<lang>/<name>. Returns -1 with an allocated reason when
 * the template is missing, malformed, or names an unknown variable. */
int template_render(const struct template_dirs *dirs, const char *lang, const char *name,
    const struct vars *v, char **subject_r, char **body_r, char **error_r);
/* English and French in one message: "English / Français" subject and both
 * bodies, English first. */
int template_render_bilingual(const struct template_dirs *dirs, const char *name,
    const struct vars *v, char **subject_r, char **body_r, char **error_r);

/* Renders every template in both languages with sample values of the
 * variables the robot provides, reporting each problem as a line. Returns the
 * number of problems. */
int template_check_all(const struct template_dirs *dirs, char **report_r);

#endif
