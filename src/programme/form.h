/* form: the application form of doc/DESIGN.md section 3.3.
 *
 * "Key: value" lines, French typography "Clé : valeur" too (a space, U+00A0
 * or U+202F before the colon). Keys are case- and accent-insensitive,
 * English or French:
 *   Role/Rôle, Name/Nom, Department/Département/Service, Field/Domaine,
 *   Language/Langue, Topics/Sujets, Preference/Préférence,
 *   Capacity/Capacité, About/À propos, Gender/Genre.
 * A value may continue on the following indented lines, joined with a
 * space; About keeps its line breaks (and a blank line between indented
 * paragraphs). Any other line (greetings, sign-offs, "Subject:" or
 * "Key: value" with an unknown key) is ignored and ends a value. A value
 * left as the blank form's hint, "(...)", counts as not given. The text
 * given must already be stripped of quotes and signature (quote_strip).
 *
 * Values: single-line fields hold no control characters and runs of white
 * space become one space; About keeps its newlines only. Invalid UTF-8
 * becomes U+FFFD. Every value is at most FORM_FIELD_BYTES_MAX bytes.
 *
 * form_parse() returns 1 when the text holds a form (a Role/Rôle line, or at
 * least two recognised keys; one is enough for FORM_CHANGE, the lines an
 * applicant changes), 0 when it holds none (and then leaves f as
 * form_init() does). Every problem found is appended to errors, as one
 * sentence in written_lang naming the key in that language, so that one
 * answer can list them all. Pure. */
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
	FK_GENDER = 1 << 9,
};

struct form {
	enum form_role role;
	char *name;
	char *department;
	char *field;        /* items trimmed, joined with ", " (',' or ';' in) */
	char *language;     /* "en" or "fr": the Language key, else written_lang */
	char *topics;       /* items trimmed, joined with ", " */
	char *preference;   /* "same-department", "other-department", "any"; NULL if not said */
	char *pref_gender;  /* "woman", "man", "nonbinary" or NULL; dropped for a mentor */
	char *pref_mentors; /* up to 3 addresses, lower case, joined with ","; NULL; dropped for a mentor */
	long capacity;      /* 1..10, default 1; ignored (left 1) when Role is mentee */
	char *about;
	char *gender;       /* "woman", "man", "nonbinary" or NULL */
	const char *written_lang; /* "en" or "fr": French if most keys were French */
	unsigned present;   /* enum form_key bits of the keys given a value */
	struct strlist errors;
};

void form_init(struct form *f);
void form_deinit(struct form *f);
/* FORM_NEW requires Role, Name, Department and Field; FORM_UPDATE accepts
 * any subset; FORM_CHANGE too, and one key line is enough. Every value given is validated in both modes. f must have
 * been set up by form_init(); what it held is freed first. */
enum form_mode { FORM_NEW, FORM_UPDATE, FORM_CHANGE };
int form_parse(const char *text, enum form_mode mode, struct form *f);
/* The department of list ("IT = Information Technology, IT dept; HR =
 * Human Resources") that written names: its very name or another name,
 * compared folded, or one standing as whole words among others ("IT dept.
 * (infrastructure team)"). 1 with the listed name in *dept_r; 0 when none
 * is named (*dept_r NULL); -1 when several are, *dept_r listing them
 * ("IT, HR"). *dept_r is allocated. Pure. */
int form_department(const char *list, const char *written, char **dept_r);
/* A form text with the key lines of changes put in place of base's lines
 * of the same keys (and the lines that go on their values), for a form
 * completed in a second message. Allocated. Pure. */
char *form_merge(const char *base, const char *changes);
/* Cheap test used by the classifier: does text hold a form? */
int form_detect(const char *text);
const char *form_role_name(enum form_role role); /* "mentor", "mentee" */

#endif
