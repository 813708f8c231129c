/* template: the texts the robot sends, as data.
 *
 * A template is the file templates/<lang>/<name>: a first line
 * "Subject: ...", an empty line, then the body. {{var}} is replaced by the
 * variable's value, as it is (a value is never read for placeholders);
 * {{#var}}...{{/var}} is kept only when var is not empty and
 * {{^var}}...{{/var}} only when it is. Sections may nest (not a section
 * inside one of the same name); a section whose tags stand on lines of their
 * own leaves no empty line behind. A placeholder naming no variable, even in
 * a hidden section, is an error, so a typo in a site's template is found by
 * check-config rather than mailed out. A subject is one line: line breaks a
 * value brings into it become spaces.
 *
 * The rendered body keeps every line within TEXT_LINE_MAX characters
 * (RFC 5322 2.1.1), never cutting a word: a paragraph of running text that
 * grew too long is refilled; a form, a table, a list item and the lines of
 * a multi-line value keep their lines, one too long wrapped under the
 * column where its value starts (template.c says exactly how).
 *
 * Every template the robot sends is in a registry with the variables it is
 * given (template_registry()), besides four common ones: programme (the
 * programme's name), address (its mailbox), name (the recipient's name, or
 * empty when unknown: a greeting is "Hello{{#name}} {{name}}{{/name}},",
 * never an address), tag (the programme's subject_tag: a subject says what
 * the message is first, then " – tag", then a [token] if any, so that a
 * list of mail shows what each one is).
 *
 * Lookup order, file by file: the site folder ([paths] templates), then the
 * shipped folder (TEMPLATEDIR, where `make install` puts templates/). A
 * person's language picks the folder; mail to a sender whose language is
 * unknown is bilingual: template_render_bilingual() joins the English and
 * French texts. */
#ifndef MENTORD_TEMPLATE_H
#define MENTORD_TEMPLATE_H

#include <stddef.h>

#define VARS_MAX 48

struct vars {
	const char *name[VARS_MAX];
	char *value[VARS_MAX];
	size_t n;
};

/* Sets (or replaces) a variable. The name is kept as a pointer (it must
 * outlive v); the value is copied, without its trailing line ends, and NULL
 * counts as "". */
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
/* The same for a reader that wraps lines itself (a calendar's
 * DESCRIPTION, RFC 5545 3.8.1.5, whose folding is no line break): each
 * paragraph of running text is one line, whatever its length; forms,
 * indented lines and list items keep their lines. */
int template_render_paragraphs(const struct template_dirs *dirs, const char *lang,
    const char *name, const struct vars *v, char **subject_r, char **body_r, char **error_r);
/* English and French in one message, for a sender whose language is
 * unknown: both bodies, English first, and the subject "English / French"
 * ("How to take part / Comment participer – T" when both end with the
 * programme's tag T, and a [token] after it, written once). */
int template_render_bilingual(const struct template_dirs *dirs, const char *name,
    const struct vars *v, char **subject_r, char **body_r, char **error_r);

/* Renders every registry template in both languages with sample values of
 * exactly the variables the robot provides, reporting each problem (a
 * missing or malformed template, a placeholder the robot does not provide)
 * as a line of the allocated *report_r. Returns the number of problems. */
int template_check_all(const struct template_dirs *dirs, char **report_r);

/* The i-th registry entry: the template's name and its variables (names
 * separated by one space; "" for none), besides the common three. Returns 0,
 * or -1 when i is past the end. */
int template_registry(size_t i, const char **name_r, const char **vars_r);

#endif
