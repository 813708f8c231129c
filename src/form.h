/* form: the application form of DESIGN.md section 3.3.
 *
 * "Key: value" lines (French "Clé : valeur" too); a value may continue on
 * following indented lines; keys are case- and accent-insensitive, English
 * or French. Lines that are not form lines (greetings, sign-offs) are
 * ignored. The text given must already be stripped of quotes and signature.
 *
 * form_parse() returns 1 when the text holds a form (a Role/Rôle line, or at
 * least two recognised keys), 0 when it holds none. Every problem found is
 * appended to errors, as a sentence in the language the form was written in,
 * so that one answer can list them all. Pure. */
#ifndef MENTORD_FORM_H
#define MENTORD_FORM_H

#include "util.h"

enum form_role { ROLE_NONE, ROLE_MENTOR, ROLE_MENTEE };

/* bits of struct form.present */
enum form_key {
	FK_ROLE = 1 << 0,
	FK_NAME = 1 << 1,
	FK_DEPARTMENT = 1 << 2,
	FK_FIELD = 1 << 3,
	FK_LANGUAGE = 1 << 4,
	FK_TOPICS = 1 << 5,
	FK_PREFERENCE = 1 << 6,
	FK_CAPACITY = 1 << 7,
	FK_ABOUT = 1 << 8,
};

struct form {
	enum form_role role;
	char *name;
	char *department;
	char *field;        /* comma-separated list as written, trimmed */
	char *language;     /* "en" or "fr": the Language key, else written_lang */
	char *topics;       /* comma-separated list */
	char *preference;   /* "same-department", "other-department" or "any" */
	char *pref_gender;  /* "woman", "man", "nonbinary" or NULL */
	char *pref_mentors; /* up to 3 addresses, comma-separated, or NULL */
	long capacity;      /* mentors; default 1 */
	char *about;
	const char *written_lang; /* "en" or "fr": the language of the keys */
	unsigned present;   /* enum form_key bits of the keys given */
	struct strlist errors;
};

void form_init(struct form *f);
void form_deinit(struct form *f);
/* mode FORM_NEW requires the required keys; FORM_UPDATE accepts any subset. */
enum form_mode { FORM_NEW, FORM_UPDATE };
int form_parse(const char *text, enum form_mode mode, struct form *f);
/* Cheap test used by the classifier: does text hold a form? */
int form_detect(const char *text);
const char *form_role_name(enum form_role role); /* "mentor", "mentee" */

#endif
