/* What the recipients read: each message as its reader sees it (the
 * sentence, the figure, the name), whatever module wrote it. */
#include "fixture.h"

/* A sender whose mail gives no display name is greeted by the name the
 * programme knows for the address, not by the address. */
static void test_greeted_by_name(void **state)
{
	struct fx *f = *state;
	char *text;

	fx_paired(f);
	assert_int_equal(fx_handle(f, fx_msg(f, "alice@example.org", "status", "")), 0);
	text = fx_out_read(f, "status", "alice@example.org");
	if (strstr(text, "Hello Alice Martin,") == NULL)
		fail_msg("%s", text);
	free(text);
	/* somebody the programme does not know: the name the message gives,
	 * else none, never the address */
	assert_int_equal(fx_handle(f, fx_msg(f, "Zed Ames <zed@example.net>", "help", "")), 0);
	text = fx_out_read(f, "help", "zed@example.net");
	if (strstr(text, "Hello Zed Ames,") == NULL)
		fail_msg("%s", text);
	free(text);
	assert_int_equal(fx_handle(f, fx_msg(f, "yan@example.net", "help", "")), 0);
	text = fx_out_read(f, "help", "yan@example.net");
	if (strstr(text, "Hello, Thank you") == NULL || strstr(text, "Hello yan") != NULL ||
	    strstr(text, "Bonjour, Merci") == NULL)
		fail_msg("%s", text);
	free(text);
	/* a committee member, by name when the programme knows none */
	free(fx_command(f, "digest"));
	text = fx_out_read(f, "digest", "chair@example.org");
	if (strstr(text, "chair@example.org,") != NULL)
		fail_msg("%s", text);
	free(text);
}

/* The proposal says what a score is out of, and the summary of an
 * application says its language as a word, in the reader's language. */
static void test_score_and_language_read_as_words(void **state)
{
	struct fx *f = *state;
	char *text;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	free(fx_command(f, "match"));
	text = fx_out_read(f, "proposal", NULL);
	/* department 4 + 2 fields of 4 + 3 topics of 1 + language 2 + 4
	 * preferences of 3: 29 at best */
	if (strstr(text, " of 29: same department") == NULL ||
	    strstr(text, "A score adds up what a pair shares") == NULL)
		fail_msg("%s", text);
	free(text);
	text = fx_out_read(f, "confirm-request", "alice@example.org");
	if (strstr(text, "Language: English") == NULL)
		fail_msg("%s", text);
	free(text);
	text = fx_out_read(f, "confirm-request", "chloe@example.org");
	if (strstr(text, "Langue : fran\xc3\xa7" "ais") == NULL)
		fail_msg("%s", text);
	free(text);
}

/* French agreement: "adresses ... séparées". */
static void test_french_agreement(void **state)
{
	struct fx *f = *state;
	char *text;

	assert_int_equal(fx_handle(f, fx_msg(f, "zoe@example.net", "aide", "")), 0);
	text = fx_out_read(f, "help", "zoe@example.net");
	if (strstr(text, "jusqu'\xc3\xa0 trois adresses de mentors, s\xc3\xa9par\xc3\xa9" "es par des"
	    " virgules") == NULL)
		fail_msg("%s", text);
	free(text);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_greeted_by_name),
		T(test_score_and_language_read_as_words),
		T(test_french_agreement),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
