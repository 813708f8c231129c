/* choice: a mentee's ranked choice of mentor profiles, read from her
 * reply (doc/DESIGN.md 3.8). Pure.
 *
 * The reply (already stripped of quotes and signature) is read line by
 * line, at most CHOICE_LINES_MAX of them. The choice line is the first
 * that starts with a keyword, "choices", "choice", "my choices", "choix",
 * "mes choix", "mon choix" (a ':' after it or not), or else the first
 * that holds only profile numbers and the words between them: "3, 7, 1",
 * "3, 7 and 1", "first 3 then 7", "d'abord 3 puis 7", "#3 > #7",
 * "1st: 3, 2nd: 7". Case, accents and punctuation do not matter (the
 * line is compared after str_fold). Its numbers, in order, are the
 * ranking: at most CHOICE_MAX of them, each a profile number from 1 to
 * the number of profiles sent, none twice. Ordinals ("1st", "2e",
 * "3ème") only mark ranks and are not profile numbers.
 *
 * The motivation is a line after the choice line that starts with
 * "Motivation", "Why", "Because", "Pourquoi", "Parce que" or "Car" (kept
 * whole, its "Key:" removed), or else the lines that follow the choice
 * line in the same paragraph; made one printable line of at most
 * CHOICE_MOTIVATION_BYTES_MAX bytes. Only the committee reads it. */
#ifndef MENTORD_CHOICE_H
#define MENTORD_CHOICE_H

#include <stddef.h>

#define CHOICE_MAX 3

enum choice_error {
	CHOICE_OK,
	CHOICE_EMPTY,    /* a keyword and no number */
	CHOICE_WORDS,    /* a keyword, then words that are neither numbers nor linking words */
	CHOICE_RANGE,    /* a number that is no profile (bad: the number) */
	CHOICE_TOO_MANY, /* more than CHOICE_MAX numbers */
	CHOICE_REPEAT,   /* a number given twice (bad: the number) */
};

struct choice_reply {
	long ranked[CHOICE_MAX]; /* profile numbers, 1st choice first */
	size_t n;
	char *motivation;        /* allocated, NULL if none */
	enum choice_error error;
	long bad;
};

/* Reads the reply. Returns 1 with r->ranked and r->motivation, 0 when
 * the text holds no choice line (it is not an answer to the profiles),
 * -1 when the choice line is refused (r->error and r->bad say why; n
 * and motivation are not set). r is overwritten: give one filled before
 * to choice_reply_deinit() first. */
int choice_parse(const char *text, long n_profiles, struct choice_reply *r);
void choice_reply_deinit(struct choice_reply *r);

#endif
