/* profile: a mentor as the mentees see her before they choose, with
 * nothing that names her (doc/DESIGN.md 3.8). Pure.
 *
 * A profile shows what the mentor wrote in her form: her field, her
 * topics and her "about" text, and her department only when the
 * programme says so (`[matching] profile_fields`). Never her name nor her
 * address. Each value is made printable (controls and bidirectional
 * marks dropped, line breaks and runs of space made one space) and cut to
 * PROFILE_VALUE_BYTES_MAX bytes on a character boundary; a value that
 * holds an address ('@') or a word of a name of the programme's people
 * (its words split at spaces, punctuation and digits, compared after
 * str_fold) is withheld, as the edition report withholds a quote: the line says so and
 * shows none of it. */
#ifndef MENTORD_PROFILE_H
#define MENTORD_PROFILE_H

#include <stddef.h>

struct strlist;

/* What a profile may show: the fields of a mentor's form. */
struct profile_in {
	const char *department;
	const char *field;
	const char *topics;
	const char *about;
};

/* Which fields the programme shows (the bits of [matching] profile_fields). */
enum {
	PROFILE_DEPARTMENT = 1 << 0,
	PROFILE_FIELD = 1 << 1,
	PROFILE_TOPICS = 1 << 2,
	PROFILE_ABOUT = 1 << 3,
	PROFILE_DEFAULT = PROFILE_FIELD | PROFILE_TOPICS | PROFILE_ABOUT,
};

/* The bit of one field's name ("department", "field", "topics", "about",
 * or their French names), 0 if it is none. */
int profile_field_bit(const char *name);

/* The bits of a list of field names ([matching] profile_fields); names
 * that are none are skipped. */
unsigned profile_fields_bits(const struct strlist *names);

/* The words of the people's names a profile must not show, from their
 * names as written: each name's folded words (str_fold) of at least 3
 * letters, added to *words. */
void profile_name_words(struct strlist *words, const char *name);

/* Does text hold an address or one of words? */
int profile_names_someone(const struct strlist *words, const char *text);

/* The profile as "Key: value" lines in lang ("en" or "fr"), each value
 * filled under itself within TEXT_LINE_MAX columns, after a first line
 * "Profile N" when number > 0 (the mentor's own preview has none).
 * Empty values are left out; a profile with nothing to show says so.
 * Allocated. */
char *profile_render(const struct profile_in *in, unsigned fields, const struct strlist *words,
    const char *lang, long number);

#endif
