/* words: the words the robot reads, per language, as data.
 *
 * Each language folder of the templates holds a file "words" beside the
 * templates it writes (templates/en/words, templates/fr/words). Lookup is
 * the templates' own: the site folder ([paths] templates) first, then the
 * shipped folder. Every folder holding a file "words" is a language the
 * robot reads; English and French come first, the others after them in
 * the order of their names. A copy of the shipped files is built into the
 * program and read until words_load() is called (the unit tests use it).
 *
 * The format, line by line (UTF-8, at most WORDS_LINE_BYTES_MAX bytes):
 *
 *     # a comment; blank lines are ignored
 *     LIST VALUE: PHRASE | PHRASE | ...
 *
 * LIST is one of the lists below (words_list_name()), VALUE one of the
 * values the list allows (the command, the role, the answer...; a number
 * or a language code for the lists that say so), then one or more
 * phrases separated by '|'. A phrase is compared folded as its list says:
 * most with str_fold() (case, accents and punctuation do not matter), the
 * role words with their accents (WORDS_FOLD_ACCENTS: case and punctuation
 * do not matter, accents do: French "mentore" is a mentor, "mentorée" a
 * mentee). A phrase may not fold to nothing, nor hold '|' or a control
 * character; one phrase may not have two values in one list of a language.
 *
 * What the lists hold and the values they allow: see words.c (the
 * registry) and the comments of templates/en/words. */
#ifndef MENTORD_WORDS_H
#define MENTORD_WORDS_H

#include <stddef.h>

#include "template.h"

#define WORDS_LINE_BYTES_MAX 1024
#define WORDS_PHRASE_BYTES_MAX 120
#define WORDS_FILE_BYTES_MAX (256 * 1024)
#define WORDS_LANGS_MAX 16
#define WORDS_LANG_BYTES_MAX 16

enum words_list {
	WL_PREFIX,            /* reply and forward prefixes of subjects: prefix */
	WL_APPLICANT,         /* applicant subject keywords: apply confirm ... forget */
	WL_COMMITTEE,         /* committee command words: commands match ... report cohort */
	WL_APPROVE_ALL,       /* "approve all": all; "all except 9": except */
	WL_RSVP,              /* one-line invitation answers: yes no maybe */
	WL_CHECKIN,           /* check-in answers: ok met problem pause end */
	WL_COURTESY,          /* words that may follow an answer: courtesy */
	WL_FORM_KEY,          /* form keys: role name department field language ... gender */
	WL_FORM_HINT,         /* hints of the blank form left as values: language preference */
	WL_ROLE,              /* role words, accents kept: mentor mentee */
	WL_GENDER,            /* woman man nonbinary undisclosed */
	WL_LANGUAGE,          /* the form's Language: a language code as value */
	WL_DEPT_PREF,         /* same-department other-department any */
	WL_PREF_FILLER,       /* words of a gender preference left out: filler */
	WL_YES_NO,            /* survey answers: yes no maybe */
	WL_NUMBER,            /* survey numbers written as words: a number as value */
	WL_NEGATION,          /* words that turn a yes into a no: negation */
	WL_SURVEY_ROLE,       /* roles in a survey answer, accents kept: mentor mentee either */
	WL_APPLICANT_ALIAS,   /* other words for an applicant command: its value */
	WL_COMMITTEE_ALIAS,   /* other words for a committee command: its value */
	WL_INTENT,            /* plain-word requests: help issue withdraw erase status apply */
	WL_ORDINARY,          /* human words never taken for a misspelt command: ordinary */
	WL_MONTH,             /* month names in a date: the month's number as value */
	WL_GREETING,          /* greetings, which tell a message's language: greeting */
	WL_PAIR_WITH,         /* "pair NAME with NAME": with */
	WL_COUNT
};

enum words_fold { WORDS_FOLD_PLAIN, WORDS_FOLD_ACCENTS };

/* Reads the words file of every language folder (see above), replacing
 * what was read before when every file is well formed. Returns the number
 * of problems, each a line "words LANG line N: WHAT" of the allocated
 * *report_r (NULL when there is none); with a problem, nothing is
 * replaced. */
int words_load(const struct template_dirs *dirs, char **report_r);

/* Parses one words file (data, n bytes) for a check or a test: the number
 * of problems, reported as words_load() does with the name lang. */
int words_check(const char *lang, const char *data, size_t n, char **report_r);

/* Reads the words of a language from data rather than from the folders
 * (tests); it replaces the language's words or adds a language. 0, or -1
 * with *report_r when malformed. */
int words_add_language(const char *lang, const char *data, size_t n, char **report_r);

/* The languages read, English and French first; NULL past the end. */
const char *words_language(size_t i);
/* Is lang one of them? (NULL: no) */
int words_language_known(const char *lang);

const char *words_list_name(enum words_list list);

/* s folded as list compares its phrases (allocated). */
char *words_fold(enum words_list list, const char *s);

/* The value of the entry of list equal to text folded, in the first
 * language that has it: its name (borrowed), or NULL. *lang_r (may be
 * NULL) gets that language, *langs_r (may be NULL) how many languages
 * have the phrase. */
const char *words_find(enum words_list list, const char *text, const char **lang_r,
    int *langs_r);
/* The same for text already folded with words_fold(list, ...). */
const char *words_find_folded(enum words_list list, const char *folded, const char **lang_r,
    int *langs_r);

/* The index of value in the list's registry, from 1 (the enum values of
 * the programme follow the same order); 0 when value is NULL or unknown. */
int words_value_index(enum words_list list, const char *value);

/* The i-th entry of list over every language, in the order of the
 * languages then of the file: 0 with its folded phrase, value and
 * language (all borrowed), or -1 past the end. */
int words_entry(enum words_list list, size_t i, const char **folded_r, const char **value_r,
    const char **lang_r);

/* ---- understanding plain words ---- */

enum words_audience { WORDS_APPLICANT, WORDS_COMMITTEE };

#define WORDS_NEAREST_MAX 4

struct words_suggestion {
	const char *value;  /* the command's value name ("status", "unpair") */
	const char *phrase; /* the command word in lang ("statut"), folded */
	const char *lang;
	int distance;       /* 0: an alias or the word itself */
	size_t words;       /* words of text it stands for */
	const char *shown;  /* the command word as the words file writes it ("problème") */
};

/* The commands of the audience closest to the start of text (a subject or
 * a first line): an alias of the list's *_ALIAS entries at its start
 * ("pairs" -> match, "end pair 13" -> unpair), else a command word at a
 * Damerau-Levenshtein distance (adjacent swaps count one) of at most 1
 * for a word of up to 5 letters, 2 for a longer one, none for a word of
 * 3 letters or fewer, nor for an ORDINARY word, nor when text holds more
 * than WORDS_NEAREST_TEXT_WORDS words. Best first, one per value, the
 * language of text's word first; returns how many (0..max). */
#define WORDS_NEAREST_TEXT_WORDS 6
size_t words_nearest(enum words_audience audience, const char *text,
    struct words_suggestion *out, size_t max);

/* The intents (values of WL_INTENT: "help", "issue", "withdraw", "erase",
 * "status", "apply") whose phrases occur as whole words in text folded; a
 * bit (1u << (index - 1)) for each, by words_value_index(WL_INTENT, ...). */
unsigned words_intents(const char *text);
/* The same, *lang_r (may be NULL) set to the language of the first
 * phrase found, NULL when none is. */
unsigned words_intents_lang(const char *text, const char **lang_r);
/* The bit of an intent's value for words_intents(). */
unsigned words_intent_bit(const char *value);

/* The Damerau-Levenshtein distance (optimal string alignment) of two
 * strings of at most 64 bytes, by bytes; a larger value when longer. */
int words_distance(const char *a, const char *b);

#endif
