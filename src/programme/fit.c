/* fit: the answer to the fit check (fit.h). */
#include "fit.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Folded phrases; the "not" ones first, so that none is read as a
 * shorter phrase of another answer. */
static const struct {
	const char *phrase;
	enum fit_answer answer;
} phrases[] = {
	{ "not a good fit", FIT_NOT }, { "not a fit", FIT_NOT }, { "pas le bon choix", FIT_NOT },
	{ "pas un bon choix", FIT_NOT },
	{ "still deciding", FIT_UNSURE }, { "not sure yet", FIT_UNSURE },
	{ "je ne sais pas encore", FIT_UNSURE }, { "pas encore sur", FIT_UNSURE },
	{ "pas encore sure", FIT_UNSURE },
	{ "a good fit", FIT_GOOD }, { "good fit", FIT_GOOD }, { "it fits", FIT_GOOD },
	{ "un bon choix", FIT_GOOD }, { "bon choix", FIT_GOOD },
};

static size_t words(const char *s)
{
	size_t n = 0;

	while (*s != '\0') {
		s += strspn(s, " ");
		if (*s == '\0')
			break;
		n++;
		s += strcspn(s, " ");
	}
	return n;
}

enum fit_answer fit_parse(const char *text)
{
	const char *p = text;
	enum fit_answer a = FIT_NONE;
	char *line, *f;
	size_t i, n;

	while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
		p++;
	line = xstrndup(p, strcspn(p, "\r\n"));
	f = str_fold(line);
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]) && a == FIT_NONE; i++) {
		n = strlen(phrases[i].phrase);
		if (strncmp(f, phrases[i].phrase, n) == 0 && (f[n] == '\0' ||
		    (f[n] == ' ' && words(f + n) <= FIT_EXTRA_WORDS_MAX)))
			a = phrases[i].answer;
	}
	free(f);
	free(line);
	return a;
}

const char *fit_name(enum fit_answer a)
{
	static const char *const names[] = { NULL, "good", "unsure", "not" };

	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : NULL;
}
