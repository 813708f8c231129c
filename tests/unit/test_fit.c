/* fit: the one-line answer to the fit check, in English and French, with
 * what is no answer (never guessed), and every prefix of each case. */
#include "testutil.h"

#include "fit.h"

static const struct {
	const char *text;
	enum fit_answer want;
} cases[] = {
	{ "good fit", FIT_GOOD }, { "Good fit!", FIT_GOOD }, { "  good fit, thanks\n", FIT_GOOD },
	{ "A good fit.", FIT_GOOD }, { "it fits", FIT_GOOD }, { "bon choix", FIT_GOOD },
	{ "Bon choix, merci !", FIT_GOOD }, { "Un bon choix", FIT_GOOD },
	{ "still deciding", FIT_UNSURE }, { "Still deciding...", FIT_UNSURE },
	{ "not sure yet", FIT_UNSURE }, { "je ne sais pas encore", FIT_UNSURE },
	{ "Je ne sais pas encore.", FIT_UNSURE }, { "pas encore s\xc3\xbbre", FIT_UNSURE },
	{ "not a fit", FIT_NOT }, { "Not a fit.", FIT_NOT }, { "not a good fit", FIT_NOT },
	{ "pas le bon choix", FIT_NOT }, { "Pas le bon choix.", FIT_NOT },
	{ "pas un bon choix", FIT_NOT },
	{ "\r\n\r\nnot a fit\r\n\r\nregards", FIT_NOT },
	/* no answer */
	{ "", FIT_NONE }, { "good", FIT_NONE }, { "fit", FIT_NONE }, { "yes", FIT_NONE },
	{ "oui", FIT_NONE }, { "choix", FIT_NONE }, { "not", FIT_NONE },
	{ "good fit but only if we meet more often than we do now", FIT_NONE },
	{ "I am not sure it is a good fit", FIT_NONE },
	{ "Hello,\ngood fit", FIT_NONE },
};

static void test_answers(void **state)
{
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (fit_parse(cases[i].text) != cases[i].want)
			fail_msg("\"%s\": got %d, want %d", cases[i].text, fit_parse(cases[i].text),
			    cases[i].want);
		for (n = 0; n < strlen(cases[i].text); n++) {
			char *cut = xstrndup(cases[i].text, n);
			enum fit_answer a = fit_parse(cut);

			assert_true(a >= FIT_NONE && a <= FIT_NOT);
			free(cut);
		}
	}
	assert_string_equal(fit_name(FIT_GOOD), "good");
	assert_string_equal(fit_name(FIT_UNSURE), "unsure");
	assert_string_equal(fit_name(FIT_NOT), "not");
	assert_null(fit_name(FIT_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
