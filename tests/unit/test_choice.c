/* choice and profile: a mentee's ranked choice read from replies of many
 * shapes, in English and French, quoted text ignored; what is refused;
 * anonymous profiles that never show a name or an address. */
#include "testutil.h"

#include "bounds.h"
#include "choice.h"
#include "profile.h"
#include "quote.h"

/* ret: choice_parse()'s; ranked: the numbers as digits ("371"), or the
 * error for -1; motivation: NULL for none. Ten profiles were sent. */
struct want {
	const char *text;
	int ret;
	const char *ranked;
	enum choice_error error;
	long bad;
	const char *motivation;
};

static const struct want cases[] = {
	/* the documented shapes */
	{ "Choices: 3, 7, 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "Choix : 3, 7, 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "choices:3,7,1", 1, "371", CHOICE_OK, 0, NULL },
	{ "CHOICES 3 7 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "3, 7 and 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "3, 7 et 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "first 3 then 7", 1, "37", CHOICE_OK, 0, NULL },
	{ "First 3, then 7, and finally 1.", 1, "371", CHOICE_OK, 0, NULL },
	{ "d'abord 3 puis 7", 1, "37", CHOICE_OK, 0, NULL },
	{ "D\xe2\x80\x99" "abord le 3", 0, "", CHOICE_OK, 0, NULL },
	{ "en premier 3, ensuite 7, enfin 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "Mes choix : 2", 1, "2", CHOICE_OK, 0, NULL },
	{ "My choices: #3 > #7 > #1", 1, "371", CHOICE_OK, 0, NULL },
	{ "1st: 3, 2nd: 7, 3rd: 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "1er : 3, 2e : 7, 3\xc3\xa8me : 1", 1, "371", CHOICE_OK, 0, NULL },
	{ "Profile 3, then profile 7", 1, "37", CHOICE_OK, 0, NULL },
	{ "Choix : profil 10", 1, "a", CHOICE_OK, 0, NULL },
	{ "7", 1, "7", CHOICE_OK, 0, NULL },
	/* the numbers on the lines below the keyword */
	{ "Choices:\n1. 3\n2. 7\n3. 1\n", 1, "371", CHOICE_OK, 0, NULL },
	{ "Choix :\n\n- 3\n- 7\n", 1, "37", CHOICE_OK, 0, NULL },
	{ "Choices:\n3\n7\nMotivation: I want to learn", 1, "37", CHOICE_OK, 0, "I want to learn" },
	{ "3. 7. 1", 1, "371", CHOICE_OK, 0, NULL },
	/* a greeting first, a sign-off after a blank line */
	{ "Hello,\n\nChoices: 3, 7\n\nThanks,\nAna", 1, "37", CHOICE_OK, 0, NULL },
	{ "Bonjour,\r\n\r\nChoix : 3, 7\r\n\r\nMerci,\r\nAna\r\n", 1, "37", CHOICE_OK, 0, NULL },
	/* motivation: keyed anywhere below, or the rest of the paragraph */
	{ "Choices: 3, 7\nMotivation: her topics match mine", 1, "37", CHOICE_OK, 0,
	    "her topics match mine" },
	{ "Choix : 3\nPourquoi : ses sujets", 1, "3", CHOICE_OK, 0, "ses sujets" },
	{ "Choices: 3\nBecause of leadership.", 1, "3", CHOICE_OK, 0, "Because of leadership." },
	{ "Choices: 3\nI like\nthe topics\n\nBest, Ana", 1, "3", CHOICE_OK, 0, "I like the topics" },
	{ "Choices: 3\n\nBest, Ana\n\nWhy: career change", 1, "3", CHOICE_OK, 0, "career change" },
	{ "Choices: 3\nMotivation: a\x01" "b\xe2\x80\xae" "c", 1, "3", CHOICE_OK, 0, "abc" },
	/* refused */
	{ "Choices: 3, 7, 1, 2", -1, "", CHOICE_TOO_MANY, 0, NULL },
	{ "Choices: 3, 3", -1, "", CHOICE_REPEAT, 3, NULL },
	{ "Choices: 11", -1, "", CHOICE_RANGE, 11, NULL },
	{ "Choices: 0", -1, "", CHOICE_RANGE, 0, NULL },
	{ "Choix : 3, 99999999999", -1, "", CHOICE_WORDS, 0, NULL },
	{ "Choices: the one in physics", -1, "", CHOICE_WORDS, 0, NULL },
	{ "Choices: 3 because she is nice", -1, "", CHOICE_WORDS, 0, NULL },
	{ "Choices:", -1, "", CHOICE_EMPTY, 0, NULL },
	{ "Choices:\n\nThank you all", -1, "", CHOICE_EMPTY, 0, NULL },
	{ "3, 7, 1, 2", -1, "", CHOICE_TOO_MANY, 0, NULL },
	{ "3 and 3", -1, "", CHOICE_REPEAT, 3, NULL },
	/* not a choice at all: left for a person */
	{ "", 0, "", CHOICE_OK, 0, NULL },
	{ "Thank you, I will think about it.", 0, "", CHOICE_OK, 0, NULL },
	{ "I have 2 kids and 2 cats", 0, "", CHOICE_OK, 0, NULL },
	{ "Can I choose profile 3?", 0, "", CHOICE_OK, 0, NULL },
	{ "choicest 3", 0, "", CHOICE_OK, 0, NULL },
};

static void digits(const struct choice_reply *r, char *out)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		out[i] = r->ranked[i] < 10 ? (char)('0' + r->ranked[i]) : (char)('a' + r->ranked[i] - 10);
	out[r->n] = '\0';
}

static void check(const struct want *w, const char *text)
{
	struct choice_reply r;
	char got[CHOICE_MAX + 1];
	int ret = choice_parse(text, 10, &r);

	digits(&r, got);
	if (ret != w->ret || strcmp(got, w->ranked) != 0 || (ret < 0 && (r.error != w->error ||
	    r.bad != w->bad)))
		fail_msg("\"%s\": got %d \"%s\" error %d bad %ld", w->text, ret, got, r.error, r.bad);
	if (ret == 1 && (w->motivation == NULL ? r.motivation != NULL
	    : r.motivation == NULL || strcmp(r.motivation, w->motivation) != 0))
		fail_msg("\"%s\": motivation \"%s\"", w->text, r.motivation ? r.motivation : "(none)");
	choice_reply_deinit(&r);
}

static void test_shapes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i], cases[i].text);
}

/* What clients send: the choice above the quoted profiles, which hold
 * numbers of their own ("Profile 3"), under an attribution line. */
static void test_client_shapes(void **state)
{
	static const struct {
		const char *raw;
		const char *ranked;
	} replies[] = {
		/* Gmail */
		{ "Choices: 4, 2\n\nOn Mon, 7 Dec 2026 at 09:00, Mentoring <m@example.org> wrote:\n"
		  "> Profile 1\n>   Field: physics\n> Profile 2\n", "42" },
		/* Outlook, top-posted, French */
		{ "Choix : 2\r\n\r\n________________________________\r\nDe : Mentoring <m@example.org>\r\n"
		  "Envoy\xc3\xa9 : lundi 7 d\xc3\xa9" "cembre 2026 09:00\r\n\xc3\x80 : Ana\r\n"
		  "Objet : profils\r\n\r\nProfil 1\r\n  Domaine : physique\r\n", "2" },
		/* Apple Mail, French attribution, signature */
		{ "d'abord 5 puis 1\n\n-- \nAna, b\xc3\xa2timent 40, 1 2 3\n\nLe 7 d\xc3\xa9" "c. 2026 "
		  "\xc3\xa0 09:00, Mentoring <m@example.org> a \xc3\xa9" "crit :\n> Profil 5\n", "51" },
		/* only the quote holds numbers: no choice */
		{ "Thanks!\n\nOn Mon, 7 Dec 2026, Mentoring wrote:\n> Choices: 3, 7\n", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(replies); i++) {
		char *own = quote_strip(replies[i].raw);
		struct want w = { replies[i].raw, replies[i].ranked[0] ? 1 : 0, replies[i].ranked,
			CHOICE_OK, 0, NULL };
		struct choice_reply r;

		if (choice_parse(own, 10, &r) == 1 && r.motivation != NULL)
			fail_msg("reply %zu: motivation \"%s\" from a quote", i, r.motivation);
		choice_reply_deinit(&r);
		check(&w, own);
		free(own);
	}
}

/* Every prefix of every case, and the motivation cut to its bound on a
 * character boundary. */
static void test_prefixes_and_bounds(void **state)
{
	struct choice_reply r;
	struct buf b;
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (n = 0; n <= strlen(cases[i].text); n++) {
			char *cut = xstrndup(cases[i].text, n);
			int ret = choice_parse(cut, 10, &r);

			assert_true(ret >= -1 && ret <= 1);
			assert_true(r.n <= CHOICE_MAX);
			assert_true(ret == 1 ? r.n > 0 : r.n == 0);
			choice_reply_deinit(&r);
			free(cut);
		}
	}
	buf_init(&b, 1u << 20);
	buf_adds(&b, "Choices: 1\nMotivation: ");
	for (i = 0; i < CHOICE_MOTIVATION_BYTES_MAX; i++)
		buf_adds(&b, "\xc3\xa9");
	assert_int_equal(choice_parse(b.s, 1, &r), 1);
	assert_non_null(r.motivation);
	assert_true(strlen(r.motivation) <= CHOICE_MOTIVATION_BYTES_MAX);
	assert_true(utf8_valid(r.motivation, strlen(r.motivation)));
	choice_reply_deinit(&r);
	/* the choice line past the lines read is not found */
	buf_reset(&b);
	for (i = 0; i < CHOICE_LINES_MAX; i++)
		buf_adds(&b, "hello\n");
	buf_adds(&b, "Choices: 1\n");
	assert_int_equal(choice_parse(b.s, 1, &r), 0);
	choice_reply_deinit(&r);
	buf_deinit(&b);
}

/* ---- profiles ---- */

static void names(struct strlist *w)
{
	profile_name_words(w, "Marie-Claire Dupont");
	profile_name_words(w, "Jo Li");
	profile_name_words(w, "\xc3\x89lodie Z\xc3\xbcrcher");
}

static void test_profile_fields(void **state)
{
	struct strlist w = { NULL, 0 };
	struct profile_in in = { "IT Department", "physics, computing", "leadership",
		"Twenty years in accelerator controls." };
	char *p;

	(void)state;
	names(&w);
	p = profile_render(&in, PROFILE_DEFAULT, &w, "en", 3);
	assert_string_equal(p, "Profile 3\n  Field: physics, computing\n  Topics: leadership\n"
	    "  About: Twenty years in accelerator controls.\n");
	free(p);
	p = profile_render(&in, PROFILE_DEFAULT | PROFILE_DEPARTMENT, &w, "fr", 0);
	assert_string_equal(p, "  D\xc3\xa9partement : IT Department\n  Domaine : physics, computing\n"
	    "  Sujets : leadership\n  \xc3\x80 propos : Twenty years in accelerator controls.\n");
	free(p);
	in = (struct profile_in){ NULL, "", "  ", NULL };
	p = profile_render(&in, PROFILE_DEFAULT, &w, "en", 1);
	assert_string_equal(p, "Profile 1\n  (nothing to show)\n");
	free(p);
	assert_int_equal(profile_field_bit("Department"), PROFILE_DEPARTMENT);
	assert_int_equal(profile_field_bit("d\xc3\xa9partement"), PROFILE_DEPARTMENT);
	assert_int_equal(profile_field_bit("\xc3\x80 propos"), PROFILE_ABOUT);
	assert_int_equal(profile_field_bit("name"), 0);
	assert_int_equal(profile_field_bit("address"), 0);
	strlist_deinit(&w);
}

/* A name or an address anywhere in a value withholds the whole value;
 * the name itself is never among the fields a profile can show. */
static void test_profile_withholds(void **state)
{
	static const char *const hostile[] = {
		"Ask Marie-Claire about it",
		"I am DUPONT from building 40",
		"write to me: mc.dupont@example.org",
		"mc.dupont\xef\xbc\xa0" "example.org or m@x",
		"elodie here",
		"\xc3\x89LODIE here",
		"Zurcher",
		"me\xe2\x80\xae" "Dupont",
		"line one\nMarie\nline three",
	};
	struct strlist w = { NULL, 0 };
	size_t i;

	(void)state;
	names(&w);
	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		struct profile_in in = { hostile[i], hostile[i], hostile[i], hostile[i] };
		char *p = profile_render(&in, PROFILE_DEFAULT | PROFILE_DEPARTMENT, &w, "en", 2);

		if (strcmp(hostile[i], "mc.dupont\xef\xbc\xa0" "example.org or m@x") != 0 &&
		    strstr(p, "not shown") == NULL)
			fail_msg("shown: %s", p);
		assert_null(strstr(p, "@"));
		assert_null(strstr(p, "Dupont"));
		assert_null(strstr(p, "DUPONT"));
		assert_null(strstr(p, "Marie"));
		free(p);
	}
	/* a short name word (2 letters) is not withheld: too common */
	{
		struct profile_in in = { NULL, "Li ion batteries", NULL, NULL };
		char *p = profile_render(&in, PROFILE_DEFAULT, &w, "en", 0);

		assert_string_equal(p, "  Field: Li ion batteries\n");
		free(p);
	}
	strlist_deinit(&w);
}

/* Long, unbroken, control-laden values: cut to the bound on a character,
 * every line within 78 columns, nothing unprintable. */
static void test_profile_hostile_values(void **state)
{
	struct strlist w = { NULL, 0 };
	struct buf b;
	struct profile_in in;
	char *p, *line, *save = NULL;
	size_t i;

	(void)state;
	buf_init(&b, 1u << 20);
	for (i = 0; i < FORM_FIELD_BYTES_MAX / 2; i++)
		buf_adds(&b, i % 7 == 0 ? "\xc3\xa9 \t\r\n\x1b[31m " : "\xc3\xa9");
	buf_adds(&b, "\xe2\x80\x8f\x7f");
	in = (struct profile_in){ b.s, b.s, b.s, b.s };
	p = profile_render(&in, PROFILE_DEFAULT | PROFILE_DEPARTMENT, &w, "fr", 12);
	assert_true(utf8_valid(p, strlen(p)));
	for (line = strtok_r(p, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		assert_true(utf8_len(line) <= 78);
		assert_false(str_has_unshown(line));
	}
	free(p);
	/* one word longer than the bound: broken to fit, cut with an ellipsis */
	buf_reset(&b);
	for (i = 0; i < 700; i++)
		buf_adds(&b, "\xc3\xa9");
	in = (struct profile_in){ NULL, b.s, NULL, NULL };
	p = profile_render(&in, PROFILE_FIELD, &w, "en", 0);
	assert_non_null(strstr(p, "\xe2\x80\xa6"));
	assert_true(utf8_valid(p, strlen(p)));
	for (line = strtok_r(p, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		assert_true(utf8_len(line) <= 78);
	free(p);
	buf_deinit(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_client_shapes),
		cmocka_unit_test(test_prefixes_and_bounds),
		cmocka_unit_test(test_profile_fields),
		cmocka_unit_test(test_profile_withholds),
		cmocka_unit_test(test_profile_hostile_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
