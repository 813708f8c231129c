/* survey: the feedback answers read from replies of many shapes, in
 * English and French; unclear answers kept as written, never guessed. */
#include "testutil.h"

#include "bounds.h"
#include "survey.h"

#define Y SURVEY_YES
#define N SURVEY_NO
#define M SURVEY_MAYBE
#define U SURVEY_UNSET

/* Expected values; -1 in a field means "do not look". unclear: the
 * questions (1-based digits) whose answers must be kept as unclear,
 * exactly. */
struct want {
	const char *text;
	int answered, useful;
	int meet;
	int cont, again, as;
	const char *quote; /* NULL: none */
	int quote_ok;
	const char *unclear;
};

static const struct want cases[] = {
	/* one usefulness in every shape */
	{ "4", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "4/5", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "4 / 5\n", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "4 - very useful", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "4 \xe2\x80\x93 tr\xc3\xa8s utile", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "5 - tr\xc3\xa8s utile", 1, 5, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "1. 5\n5 - tr\xc3\xa8s utile", 2, 5, MEET_UNSET, U, U, AS_UNSET, "tr\xc3\xa8s utile", U, "" },
	{ "5, very useful indeed!", 1, 5, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "4 out of 5", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "3 sur 5", 1, 3, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "four", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "4.", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "1. 4", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "1) 2", 1, 2, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "Q1: 5/5", 1, 5, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "Question 1 : 3", 1, 3, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "Usefulness: 4", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "Utilit\xc3\xa9 : 5", 1, 5, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "1. Usefulness (1 to 5): 4", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "1. Utilit\xc3\xa9 (de 1 \xc3\xa0 5) : 2", 1, 2, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	/* numbers that are not a usefulness from 1 to 5: kept, not guessed */
	{ "1. 4.5", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 4,5", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 3-4", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 3 or 4", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 8/10", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 10", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 0", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 6", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. very useful", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 4 out of 10", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. three and a half", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 4 et demi", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	/* replies that are no answers at all */
	{ "", 0, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "Thank you, it was great!", 0, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "It was great, we have even decided to continue our meet-ups.", 0, 0, MEET_UNSET, U, U,
	  AS_UNSET, NULL, U, "" },
	{ "4.5 would be fair", 0, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "10 out of 10!", 0, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	/* meetings */
	{ "2. weekly", 1, 0, MEET_WEEKLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. once a week", 1, 0, MEET_WEEKLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. twice a week", 1, 0, MEET_WEEKLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. chaque semaine", 1, 0, MEET_WEEKLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. 3x per week", 1, 0, MEET_WEEKLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. every two weeks", 1, 0, MEET_FORTNIGHTLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. every 2 weeks", 1, 0, MEET_FORTNIGHTLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. every other week", 1, 0, MEET_FORTNIGHTLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. twice a month", 1, 0, MEET_FORTNIGHTLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. tous les quinze jours", 1, 0, MEET_FORTNIGHTLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. toutes les deux semaines", 1, 0, MEET_FORTNIGHTLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. a few times a month", 1, 0, MEET_FORTNIGHTLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. monthly, which was about right", 1, 0, MEET_MONTHLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. once a month", 1, 0, MEET_MONTHLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. une fois par mois", 1, 0, MEET_MONTHLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. every 3 weeks", 1, 0, MEET_MONTHLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. every six weeks", 1, 0, MEET_RARELY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. every 6 weeks", 1, 0, MEET_RARELY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. less than once a month", 1, 0, MEET_RARELY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. rarement", 1, 0, MEET_RARELY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. de temps en temps", 1, 0, MEET_RARELY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. never", 1, 0, MEET_NEVER, U, U, AS_UNSET, NULL, U, "" },
	{ "2. jamais, h\xc3\xa9las", 1, 0, MEET_NEVER, U, U, AS_UNSET, NULL, U, "" },
	{ "2. weekly at first, then monthly", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "2" },
	{ "2. every few weeks", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "2" },
	{ "2. when we could", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "2" },
	{ "2. 4", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "2" },
	{ "How often did you meet? Every month", 1, 0, MEET_MONTHLY, U, U, AS_UNSET, NULL, U, "" },
	{ "2. How often did you meet? Every week", 1, 0, MEET_WEEKLY, U, U, AS_UNSET, NULL, U, "" },
	/* continuing after the programme */
	{ "3. yes", 1, 0, MEET_UNSET, Y, U, AS_UNSET, NULL, U, "" },
	{ "3. Oui !", 1, 0, MEET_UNSET, Y, U, AS_UNSET, NULL, U, "" },
	{ "3. bien s\xc3\xbbr", 1, 0, MEET_UNSET, Y, U, AS_UNSET, NULL, U, "" },
	{ "3. no", 1, 0, MEET_UNSET, N, U, AS_UNSET, NULL, U, "" },
	{ "3 - non", 1, 0, MEET_UNSET, N, U, AS_UNSET, NULL, U, "" },
	{ "3. maybe", 1, 0, MEET_UNSET, M, U, AS_UNSET, NULL, U, "" },
	{ "3. peut-\xc3\xaatre", 1, 0, MEET_UNSET, M, U, AS_UNSET, NULL, U, "" },
	{ "3. not sure yet", 1, 0, MEET_UNSET, M, U, AS_UNSET, NULL, U, "" },
	{ "3. we have even decided to continue our meet-ups", 1, 0, MEET_UNSET, Y, U, AS_UNSET,
	  NULL, U, "" },
	{ "3. we will keep in touch", 1, 0, MEET_UNSET, Y, U, AS_UNSET, NULL, U, "" },
	{ "3. we will not continue", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "3" },
	{ "3. we won't continue", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "3" },
	{ "3. depends on our managers", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "3" },
	{ "Continue: yes", 1, 0, MEET_UNSET, Y, U, AS_UNSET, NULL, U, "" },
	/* taking part again, and as what */
	{ "4. yes", 1, 0, MEET_UNSET, U, Y, AS_UNSET, NULL, U, "" },
	{ "4. oui, comme mentor", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. Oui, comme mentor\xc3\xa9" "e", 1, 0, MEET_UNSET, U, Y, AS_MENTEE, NULL, U, "" },
	/* accents carry meaning: a mentore is a mentor */
	{ "4. oui, comme mentore", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. oui, comme Mentore", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. oui, comme mentor\xc2\xb7" "e", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. oui, comme mentor\xc3\xa9", 1, 0, MEET_UNSET, U, Y, AS_MENTEE, NULL, U, "" },
	{ "4. oui, comme mentor\xc3\xa9\xc2\xb7" "e", 1, 0, MEET_UNSET, U, Y, AS_MENTEE, NULL, U,
	  "" },
	{ "4. oui, comme MENTOR\xc3\x89" "ES", 1, 0, MEET_UNSET, U, Y, AS_MENTEE, NULL, U, "" },
	{ "4. comme mentore", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. yes, as a mentee", 1, 0, MEET_UNSET, U, Y, AS_MENTEE, NULL, U, "" },
	{ "4. yes, as a mentee again", 1, 0, MEET_UNSET, U, Y, AS_MENTEE, NULL, U, "" },
	{ "4. yes, as a mentor or a mentee", 1, 0, MEET_UNSET, U, Y, AS_EITHER, NULL, U, "" },
	{ "4. yes, either", 1, 0, MEET_UNSET, U, Y, AS_EITHER, NULL, U, "" },
	{ "4. oui, l'un ou l'autre", 1, 0, MEET_UNSET, U, Y, AS_EITHER, NULL, U, "" },
	{ "4. as a mentor", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. comme mentor", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4 - yes as mentor", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. no", 1, 0, MEET_UNSET, U, N, AS_UNSET, NULL, U, "" },
	{ "4. not this time", 1, 0, MEET_UNSET, U, N, AS_UNSET, NULL, U, "" },
	{ "4. non merci", 1, 0, MEET_UNSET, U, N, AS_UNSET, NULL, U, "" },
	{ "4. maybe", 1, 0, MEET_UNSET, U, M, AS_UNSET, NULL, U, "" },
	{ "4. yes, but not as a mentee", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "4" },
	{ "4. if my manager agrees", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "4" },
	{ "Again: yes, as a mentor", 1, 0, MEET_UNSET, U, Y, AS_MENTOR, NULL, U, "" },
	{ "4. Would you take part again, and as what? Yes as a mentee", 1, 0, MEET_UNSET, U, Y,
	  AS_MENTEE, NULL, U, "" },
	/* the quote and the yes to quoting it */
	{ "5. It changed how I see my work.\n6. yes", 2, 0, MEET_UNSET, U, U, AS_UNSET,
	  "It changed how I see my work.", Y, "" },
	{ "5. \"A door opened.\"\n6. oui", 2, 0, MEET_UNSET, U, U, AS_UNSET, "A door opened.", Y, "" },
	{ "5. \xc2\xab Une belle aventure \xc2\xbb\n6. non", 2, 0, MEET_UNSET, U, U, AS_UNSET,
	  "Une belle aventure", N, "" },
	{ "5. none\n6. no", 2, 0, MEET_UNSET, U, U, AS_UNSET, NULL, N, "" },
	{ "5. -", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	{ "5. I learnt to say no.\n6. yes, but without my department", 2, 0, MEET_UNSET, U, U,
	  AS_UNSET, "I learnt to say no.", U, "6" },
	{ "5. I learnt a lot\nabout myself.\n\nThanks!\n6. yes", 2, 0, MEET_UNSET, U, U, AS_UNSET,
	  "I learnt a lot about myself.", Y, "" },
	{ "Quote: Mentoring made me braver.\nMay we quote it? Yes", 2, 0, MEET_UNSET, U, U,
	  AS_UNSET, "Mentoring made me braver.", Y, "" },
	{ "6. yes", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, Y, "" },
	{ "6. only if anonymous", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "6" },
	/* whole replies */
	{ "1. 4\n2. monthly\n3. yes\n4. oui, comme mentor\n5. Worth every minute.\n6. yes\n", 6, 4,
	  MEET_MONTHLY, Y, Y, AS_MENTOR, "Worth every minute.", Y, "" },
	{ "1) 5/5\r\n2) toutes les deux semaines\r\n3) oui\r\n4) non\r\n5) aucune\r\n6) non\r\n", 6,
	  5, MEET_FORTNIGHTLY, Y, N, AS_UNSET, NULL, N, "" },
	{ "Hello,\n\n1. 3 - useful enough\n2. when our diaries allowed\n4. yes\n\nBest,\nSam\n", 3,
	  3, MEET_UNSET, U, Y, AS_UNSET, NULL, U, "2" },
	{ "4\nmonthly\nyes\nyes, as a mentor\n", 4, 4, MEET_MONTHLY, Y, Y, AS_MENTOR, NULL, U, "" },
	{ "5\n\nevery week\n\nno\n", 3, 5, MEET_WEEKLY, N, U, AS_UNSET, NULL, U, "" },
	{ "4 - very useful\nmonthly\nyes\nyes\nA great year.\nyes\n", 6, 4, MEET_MONTHLY, Y, Y,
	  AS_UNSET, "A great year.", Y, "" },
	/* in order, a quote counts only with its yes or no after it */
	{ "4\nmonthly\nyes\nno\nThank you all!\n", 4, 4, MEET_MONTHLY, Y, N, AS_UNSET, NULL, U, "" },
	/* in order, reading stops at the first line that is no answer */
	{ "4\nwe met when we could\nyes\n", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	/* a later answer to the same question replaces the first */
	{ "1. 3\n1. sorry, 4\n", 1, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "1" },
	{ "1. 3\n1. 4\n", 1, 4, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
	/* the questions copied with the answers after them */
	{ "1. Usefulness (1 to 5): 5\n2. How often did you meet? weekly\n"
	  "3. Will you go on meeting after the programme? yes\n"
	  "4. Would you take part again, and as what? yes, as a mentor\n"
	  "5. A sentence about the programme we may quote (optional): Superb.\n"
	  "6. May we quote it without your name (yes or no)? yes\n", 6, 5, MEET_WEEKLY, Y, Y,
	  AS_MENTOR, "Superb.", Y, "" },
	{ "1. Utilit\xc3\xa9 (de 1 \xc3\xa0 5) : 4\n"
	  "2. \xc3\x80 quel rythme vous \xc3\xaates-vous vus ? une fois par mois\n"
	  "3. Continuerez-vous \xc3\xa0 vous voir apr\xc3\xa8s le programme ? oui\n"
	  "4. Participeriez-vous \xc3\xa0 nouveau, et comme quoi ? oui, comme mentor\n", 4, 4,
	  MEET_MONTHLY, Y, Y, AS_MENTOR, NULL, U, "" },
	/* answers on top, the request below copied without quote marks */
	{ "4\nmonthly\n\n  1. Usefulness, from 1 (not useful) to 5 (very useful):\n"
	  "  2. How often did you meet?\n     (weekly, every two weeks, monthly, less often, never)\n"
	  "  3. Will you go on meeting after the programme?\n     (yes, no, maybe)\n", 2, 4,
	  MEET_MONTHLY, U, U, AS_UNSET, NULL, U, "" },
	/* numbers outside the questions are plain text */
	{ "7. nothing\n0. zero\n10. ten\n", 0, 0, MEET_UNSET, U, U, AS_UNSET, NULL, U, "" },
};

static void check(const struct want *w, const struct survey *s)
{
	int q;

	if (s->answered != w->answered || s->usefulness != w->useful || (int)s->meetings != w->meet ||
	    (int)s->continuing != w->cont || (int)s->again != w->again || (int)s->again_as != w->as ||
	    (int)s->quote_ok != w->quote_ok)
		fail_msg("[%s]: answered %d useful %d meet %d cont %d again %d as %d quote_ok %d",
		    w->text, s->answered, s->usefulness, s->meetings, s->continuing, s->again,
		    s->again_as, s->quote_ok);
	if ((w->quote == NULL) != (s->quote == NULL) ||
	    (w->quote != NULL && strcmp(w->quote, s->quote) != 0))
		fail_msg("[%s]: quote [%s]", w->text, s->quote != NULL ? s->quote : "(none)");
	for (q = 0; q < SURVEY_QUESTIONS; q++) {
		int want = strchr(w->unclear, '1' + q) != NULL;

		if (want != (s->unclear[q] != NULL))
			fail_msg("[%s]: question %d unclear: %s", w->text, q + 1,
			    s->unclear[q] != NULL ? s->unclear[q] : "(no)");
	}
}

static void test_shapes(void **state)
{
	struct survey s;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		survey_parse(cases[i].text, &s);
		check(&cases[i], &s);
		survey_deinit(&s);
	}
}

/* An unclear answer is kept exactly as written, for the committee. */
static void test_unclear_kept_as_written(void **state)
{
	struct survey s;

	(void)state;
	assert_int_equal(survey_parse("1. Usefulness (1 to 5): four and a half\n"
	    "2. We met when our diaries allowed\n4. depends on my manager\n", &s), 3);
	assert_string_equal(s.unclear[SQ_USEFUL], "four and a half");
	assert_string_equal(s.unclear[SQ_MEETINGS], "We met when our diaries allowed");
	assert_string_equal(s.unclear[SQ_AGAIN], "depends on my manager");
	assert_int_equal(s.usefulness, 0);
	assert_int_equal(s.again, SURVEY_UNSET);
	survey_deinit(&s);
}

/* Long answers keep SURVEY_ANSWER_BYTES_MAX bytes, cut between characters;
 * lines after SURVEY_LINES_MAX are not read. */
static void test_bounds(void **state)
{
	struct buf b;
	struct survey s;
	size_t i;

	(void)state;
	buf_init(&b, 1u << 22);
	buf_adds(&b, "5. ");
	for (i = 0; i < SURVEY_ANSWER_BYTES_MAX; i++)
		buf_adds(&b, "\xc3\xa9");
	buf_adds(&b, "\n6. yes\n");
	survey_parse(b.s, &s);
	assert_non_null(s.quote);
	assert_true(strlen(s.quote) <= SURVEY_ANSWER_BYTES_MAX);
	assert_true(utf8_valid(s.quote, strlen(s.quote)));
	assert_int_equal(s.quote_ok, SURVEY_YES);
	survey_deinit(&s);
	buf_reset(&b);
	for (i = 0; i < SURVEY_LINES_MAX; i++)
		buf_adds(&b, "blah\n");
	buf_adds(&b, "1. 4\n");
	assert_int_equal(survey_parse(b.s, &s), 0);
	survey_deinit(&s);
	buf_deinit(&b);
}

/* Control characters in an answer are kept out of what is stored. */
static void test_control_characters(void **state)
{
	struct survey s;

	(void)state;
	survey_parse("5. a\x01quote\x1b[31m\n6. yes\n", &s);
	assert_string_equal(s.quote, "a quote [31m");
	survey_deinit(&s);
}

/* Every cut of every case parses; nothing read from a cut is wrong about
 * a question the whole answers clearly (a shorter text is fewer words,
 * never other ones). */
static void test_every_prefix(void **state)
{
	size_t i, k, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = strlen(cases[i].text);
		for (k = 0; k <= n; k++) {
			char *cut = xstrndup(cases[i].text, k);
			struct survey s;

			survey_parse(cut, &s);
			assert_true(s.answered >= 0 && s.answered <= SURVEY_QUESTIONS);
			assert_true(s.usefulness >= 0 && s.usefulness <= 5);
			survey_deinit(&s);
			free(cut);
		}
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(survey_meet_name(MEET_FORTNIGHTLY), "fortnightly");
	assert_null(survey_meet_name(MEET_UNSET));
	assert_string_equal(survey_answer_name(SURVEY_MAYBE), "maybe");
	assert_string_equal(survey_role_name(AS_EITHER), "either");
	assert_null(survey_role_name(AS_UNSET));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_unclear_kept_as_written),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
