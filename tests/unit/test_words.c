#include "testutil.h"

#include "form.h"
#include "words.h"

/* ---- role words: accents carry meaning ---- */

static const struct {
	const char *word;
	enum form_role role;
} role_cases[] = {
	{ "mentor", ROLE_MENTOR },
	{ "Mentor", ROLE_MENTOR },
	{ "mentors", ROLE_MENTOR },
	{ "mentore", ROLE_MENTOR },
	{ "Mentore", ROLE_MENTOR },
	{ "mentores", ROLE_MENTOR },
	{ "mentor\xc2\xb7" "e", ROLE_MENTOR },
	{ "mentor.e", ROLE_MENTOR },
	{ "mentee", ROLE_MENTEE },
	{ "mentees", ROLE_MENTEE },
	{ "mentor\xc3\xa9", ROLE_MENTEE },
	{ "MENTOR\xc3\x89", ROLE_MENTEE },
	{ "mentor\xc3\xa9" "e", ROLE_MENTEE },
	{ "mentor\xc3\xa9\xc2\xb7" "e", ROLE_MENTEE },
	{ "mentor\xc3\xa9" "s", ROLE_MENTEE },
	{ "mentor\xc3\xa9" "es", ROLE_MENTEE },
	{ "mentor\xc3\xa9-e", ROLE_MENTEE },
	{ "mentoree", ROLE_MENTEE },
	{ "mentorat", ROLE_NONE },
	{ "ment", ROLE_NONE },
	{ "", ROLE_NONE },
};

static void test_roles(void **state)
{
	struct form f;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(role_cases); i++) {
		form_init(&f);
		text = xasprintf("Role: %s\nName: A\n", role_cases[i].word);
		form_parse(text, FORM_UPDATE, &f);
		if (f.role != role_cases[i].role)
			fail_msg("role '%s': %d, expected %d", role_cases[i].word, f.role,
			    role_cases[i].role);
		free(text);
		form_deinit(&f);
	}
}

/* ---- nearest command ---- */

static const struct {
	enum words_audience audience;
	const char *text;
	const char *first;  /* the best suggestion's value, NULL: none */
	const char *phrase; /* its word, or NULL not to check */
	const char *never;  /* a value that must not be suggested, or NULL */
} near_cases[] = {
	{ WORDS_APPLICANT, "stauts", "status", "status", NULL },
	{ WORDS_APPLICANT, "staus", "status", "status", NULL },
	{ WORDS_APPLICANT, "statuts", "status", "statut", NULL },
	{ WORDS_APPLICANT, "Statut ?", "status", "statut", NULL },
	{ WORDS_APPLICANT, "withdraw me", "withdraw", NULL, NULL },
	{ WORDS_APPLICANT, "withdarw", "withdraw", NULL, NULL },
	{ WORDS_APPLICANT, "aplly", "apply", NULL, NULL },
	{ WORDS_APPLICANT, "candidatrue", "apply", "candidature", NULL },
	{ WORDS_APPLICANT, "modifer", "update", "modifier", NULL },
	{ WORDS_APPLICANT, "hepl", "help", NULL, NULL },
	{ WORDS_APPLICANT, "probleme", "issue", NULL, NULL },
	{ WORDS_APPLICANT, "hello", NULL, NULL, "help" },
	{ WORDS_APPLICANT, "Hello there", NULL, NULL, "help" },
	{ WORDS_APPLICANT, "apple", NULL, NULL, "apply" },
	{ WORDS_APPLICANT, "state", NULL, NULL, "status" },
	{ WORDS_APPLICANT, "hi", NULL, NULL, NULL },
	{ WORDS_APPLICANT, "Question about the programme and my manager", NULL, NULL, NULL },
	{ WORDS_APPLICANT, "", NULL, NULL, NULL },
	{ WORDS_APPLICANT, "pairs", NULL, NULL, NULL },
	{ WORDS_COMMITTEE, "stauts", "status", NULL, NULL },
	{ WORDS_COMMITTEE, "pairs", "match", NULL, "pair" },
	{ WORDS_COMMITTEE, "end pair 13", "unpair", NULL, NULL },
	{ WORDS_COMMITTEE, "unpiar 13 moved", "unpair", NULL, NULL },
	{ WORDS_COMMITTEE, "aprove all", "approve", NULL, NULL },
	{ WORDS_COMMITTEE, "approuve tout", "approve", "approuver", NULL },
	{ WORDS_COMMITTEE, "trainig", "training", NULL, NULL },
	{ WORDS_COMMITTEE, "formaton", "training", "formation", NULL },
	{ WORDS_COMMITTEE, "diegst", "digest", NULL, NULL },
	{ WORDS_COMMITTEE, "raport", "report", "rapport", NULL },
	{ WORDS_COMMITTEE, "hello", NULL, NULL, NULL },
	{ WORDS_COMMITTEE, "watch", NULL, NULL, "match" },
	{ WORDS_COMMITTEE, "paires", "match", NULL, NULL },
};

static void test_nearest(void **state)
{
	struct words_suggestion s[WORDS_NEAREST_MAX];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(near_cases); i++) {
		n = words_nearest(near_cases[i].audience, near_cases[i].text, s, WORDS_NEAREST_MAX);
		if (near_cases[i].first == NULL && n != 0)
			fail_msg("'%s': suggested %s", near_cases[i].text, s[0].value);
		if (near_cases[i].first != NULL && (n == 0 ||
		    strcmp(s[0].value, near_cases[i].first) != 0))
			fail_msg("'%s': %s, expected %s", near_cases[i].text, n ? s[0].value : "none",
			    near_cases[i].first);
		if (near_cases[i].phrase != NULL && strcmp(s[0].phrase, near_cases[i].phrase) != 0)
			fail_msg("'%s': word %s, expected %s", near_cases[i].text, s[0].phrase,
			    near_cases[i].phrase);
		for (k = 0; k < n && near_cases[i].never != NULL; k++)
			if (strcmp(s[k].value, near_cases[i].never) == 0)
				fail_msg("'%s': suggested %s", near_cases[i].text, s[k].value);
	}
}

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(words_distance("status", "status"), 0);
	assert_int_equal(words_distance("stauts", "status"), 1);
	assert_int_equal(words_distance("staus", "status"), 1);
	assert_int_equal(words_distance("hello", "help"), 2);
	assert_int_equal(words_distance("", "abc"), 3);
	assert_int_equal(words_distance("ca", "abc"), 3);
}

/* ---- plain-word intents ---- */

#define I(x) (1u << (words_value_index(WL_INTENT, x) - 1))

static void test_intents(void **state)
{
	(void)state;
	assert_int_equal(words_intents("How do I apply?"), I("help"));
	assert_int_equal(words_intents("Hi, I'd like to join the mentoring programme"), I("help"));
	assert_int_equal(words_intents("Comment postuler ?"), I("help"));
	assert_int_equal(words_intents("Confidential issue"), I("issue"));
	assert_int_equal(words_intents("Harassment by a colleague"), I("issue"));
	assert_int_equal(words_intents("Problème confidentiel"), I("issue"));
	assert_int_equal(words_intents("Leaving \xe2\x80\x93 please withdraw and delete my data"),
	    I("withdraw") | I("erase"));
	assert_int_equal(words_intents("Je quitte l'entreprise, merci de supprimer mes donn\xc3\xa9"
	    "es"), I("withdraw") | I("erase"));
	assert_int_equal(words_intents("What is the status of my application?"), I("status"));
	/* look-alike human questions */
	assert_int_equal(words_intents("Is there anything I can do?"), 0);
	assert_int_equal(words_intents("How do I apply a patch to the build?") & I("erase"), 0);
	assert_int_equal(words_intents("Thanks for the session yesterday"), 0);
	assert_int_equal(words_intents("Pouvez-vous d\xc3\xa9placer la formation ?"), 0);
	assert_int_equal(words_intents(""), 0);
}

/* ---- the file format ---- */

static const struct {
	const char *text;
	int problems;
	const char *report; /* a part of the report, or NULL */
} parse_cases[] = {
	{ "", 0, NULL },
	{ "# only a comment\n\n   \n", 0, NULL },
	{ "applicant status: status | stat\n", 0, NULL },
	{ "applicant status: status\r\n", 0, NULL },
	{ "applicant status status\n", 1, "line 1: expected LIST VALUE: PHRASE" },
	{ "\nnolist x: y\n", 1, "line 2: no such list 'nolist'" },
	{ "applicant dance: tango\n", 1, "line 1: not a value of this list: 'dance'" },
	{ "applicant status: \n", 1, "line 1: an empty phrase" },
	{ "applicant status: a || b\n", 1, "an empty phrase" },
	{ "applicant status: ?!\n", 1, "an empty phrase" },
	{ "applicant status: x\napplicant help: X\n", 1, "line 2: a phrase with two values" },
	{ "applicant status: x\napplicant status: X\n", 0, NULL },
	{ "number 3: trois\nnumber x: y\n", 1, "line 2: not a value" },
	{ "language de: deutsch\n", 0, NULL },
	{ "language DE: deutsch\n", 1, "not a value" },
	{ "role mentor: a\x01 b\n", 1, "a control character" },
	{ "role mentor: \xff\n", 1, "not UTF-8" },
	{ ":\n", 1, "expected" },
	{ "applicant\n", 1, "expected" },
};

static void test_parse(void **state)
{
	char *report;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		n = words_check("xx", parse_cases[i].text, strlen(parse_cases[i].text), &report);
		if (n != parse_cases[i].problems)
			fail_msg("'%s': %d problems, expected %d (%s)", parse_cases[i].text, n,
			    parse_cases[i].problems, report ? report : "");
		if (parse_cases[i].report != NULL && (report == NULL ||
		    strstr(report, parse_cases[i].report) == NULL))
			fail_msg("'%s': report '%s'", parse_cases[i].text, report ? report : "");
		free(report);
	}
}

/* The shipped files read without a problem, and every value of the
 * committee's and applicants' lists has a word in both languages. */
static void test_shipped(void **state)
{
	const char *langs[] = { "en", "fr" };
	char *path, *data, *report;
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		path = xasprintf("templates/%s/words", langs[i]);
		data = tu_read_source(path, &len);
		assert_int_equal(words_check(langs[i], data, len, &report), 0);
		assert_null(report);
		free(data);
		free(path);
	}
	assert_string_equal(words_language(0), "en");
	assert_string_equal(words_language(1), "fr");
	assert_string_equal(words_find(WL_LANGUAGE, "Fran\xc3\xa7" "ais", NULL, NULL), "fr");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_intents),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
