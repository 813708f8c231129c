/* fit: the one-line answer to "does this pairing fit?" (doc/DESIGN.md
 * 3.8). Pure.
 *
 * The first non-empty line of the text (already stripped of quotes and
 * signature) is compared after str_fold: it must be one of the phrases
 * below, alone or followed by at most FIT_EXTRA_WORDS_MAX more words
 * ("good fit, thanks", "bon choix merci !"). Anything else is no answer,
 * never guessed.
 *   good fit, a good fit, it fits / bon choix, un bon choix
 *   still deciding, not sure yet / je ne sais pas encore, pas encore sur(e)
 *   not a fit, not a good fit / pas le bon choix, pas un bon choix */
#ifndef MENTORD_FIT_H
#define MENTORD_FIT_H

#define FIT_EXTRA_WORDS_MAX 4

enum fit_answer { FIT_NONE, FIT_GOOD, FIT_UNSURE, FIT_NOT };

enum fit_answer fit_parse(const char *text);
/* "good", "unsure", "not" (what the store keeps), NULL for FIT_NONE. */
const char *fit_name(enum fit_answer a);

#endif
