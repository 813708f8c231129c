#include "testutil.h"

#include <limits.h>
#include <math.h>

#include "match.h"

/* The configuration's default weights: 400, 400, 100, 200, 300 hundredths. */
static const struct match_weights W = { 4, 4, 1, 2, 3 };

#define MENTOR(n, a, d, f, t, l, g, c) \
	{ .name = (n), .address = (a), .department = (d), .fields = (f), .topics = (t), \
	  .language = (l), .gender = (g), .capacity = (c) }
#define MENTEE(n, a, d, f, t, l, pref, pg, pm) \
	{ .name = (n), .address = (a), .department = (d), .fields = (f), .topics = (t), \
	  .language = (l), .gender = "woman", .capacity = 1, .preference = (pref), \
	  .pref_gender = (pg), .pref_mentors = (pm) }

/* ---- the scoring rules, one by one ---- */

struct score_case {
	const char *what;
	struct match_person mentor, mentee;
	int allowed;
	long score;
	const char *reasons; /* exact text, or why not */
};

static const struct score_case score_cases[] = {
	{ "same department only",
	  MENTOR("Ann", "ann@x.org", "IT", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "law", NULL, "fr", NULL, NULL, NULL),
	  1, 400, "same department (IT) +4" },
	{ "one shared field, other departments",
	  MENTOR("Ann", "ann@x.org", "IT", "software, data", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "Software", NULL, "fr", NULL, NULL, NULL),
	  1, 400, "shared field: Software +4" },
	{ "two shared fields",
	  MENTOR("Ann", "ann@x.org", "IT", "software, data", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "data, software", NULL, "fr", NULL, NULL, NULL),
	  1, 800, "shared fields: data, software +8" },
	{ "shared fields count at most twice, all are listed",
	  MENTOR("Ann", "ann@x.org", "IT", "a, b, c", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "c, b, a", NULL, "fr", NULL, NULL, NULL),
	  1, 800, "shared fields: c, b, a +8" },
	{ "a field listed twice counts once",
	  MENTOR("Ann", "ann@x.org", "IT", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "software, SOFTWARE", NULL, "fr", NULL, NULL, NULL),
	  1, 400, "shared field: software +4" },
	{ "one shared topic",
	  MENTOR("Ann", "ann@x.org", "IT", "x", "leadership, writing", "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "x", "Leadership", "fr", NULL, NULL, NULL),
	  1, 500, "shared field: x +4; shared topic: Leadership +1" },
	{ "shared topics count at most three times",
	  MENTOR("Ann", "ann@x.org", "IT", "x", "a, b, c, d", "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "x", "a, b, c, d", "fr", NULL, NULL, NULL),
	  1, 700, "shared field: x +4; shared topics: a, b, c, d +3" },
	{ "same language",
	  MENTOR("Ann", "ann@x.org", "IT", "x", NULL, "fr", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "x", NULL, "FR", NULL, NULL, NULL),
	  1, 600, "shared field: x +4; same language (FR) +2" },
	{ "the full example",
	  MENTOR("Ann", "ann@x.org", "IT", "software", "leadership, public speaking", "fr", "man", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "software", "leadership, public speaking", "fr", NULL, NULL,
	      "ann@x.org"),
	  1, 400 + 400 + 200 + 200 + 600,
	  "same department (IT) +4; shared field: software +4; shared topics: leadership, public speaking +2; same language (fr) +2; mentor named by the mentee +6" },
	{ "nothing shared but the language",
	  MENTOR("Ann", "ann@x.org", "IT", "software", "a", "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "HR", "law", "a", "en", NULL, NULL, "ann@x.org"),
	  0, 0, "no shared department or field" },
	{ "same-department satisfied",
	  MENTOR("Ann", "ann@x.org", "IT", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "law", NULL, "fr", "same-department", NULL, NULL),
	  1, 700, "same department (IT) +4, as the mentee asked +3" },
	{ "same-department refuses a shared field elsewhere",
	  MENTOR("Ann", "ann@x.org", "HR", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "software", NULL, "fr", "same-department", NULL, NULL),
	  0, 0, "different departments, and the mentee asked for the same department" },
	{ "other-department satisfied",
	  MENTOR("Ann", "ann@x.org", "Finance", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "software", NULL, "fr", "other-department", NULL, NULL),
	  1, 700, "other department (Finance), as the mentee asked +3; shared field: software +4" },
	{ "other-department refuses the same department",
	  MENTOR("Ann", "ann@x.org", "IT", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", " it ", "software", NULL, "fr", "other-department", NULL, NULL),
	  0, 0, "same department, and the mentee asked for another department" },
	{ "other-department still needs a field",
	  MENTOR("Ann", "ann@x.org", "Finance", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "law", NULL, "fr", "other-department", NULL, NULL),
	  0, 0, "no shared field" },
	{ "any is no preference",
	  MENTOR("Ann", "ann@x.org", "IT", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "law", NULL, "fr", "any", "any", NULL),
	  1, 400, "same department (IT) +4" },
	{ "preferred gender matched",
	  MENTOR("Ann", "ann@x.org", "IT", "x", NULL, "en", "nonbinary", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "y", NULL, "fr", NULL, "Nonbinary", NULL),
	  1, 700, "same department (IT) +4; preferred mentor gender (Nonbinary) +3" },
	{ "preferred gender not matched",
	  MENTOR("Ann", "ann@x.org", "IT", "x", NULL, "en", "man", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "y", NULL, "fr", NULL, "woman", NULL),
	  1, 400, "same department (IT) +4" },
	{ "preferred gender, mentor gave none",
	  MENTOR("Ann", "ann@x.org", "IT", "x", NULL, "en", NULL, 1),
	  MENTEE("Eve", "eve@x.org", "IT", "y", NULL, "fr", NULL, "woman", NULL),
	  1, 400, "same department (IT) +4" },
	{ "named mentor, address in another case and spaced",
	  MENTOR("Ann", "ann@x.org", "IT", "x", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "y", NULL, "fr", NULL, NULL, "bob@x.org,  Ann@X.org "),
	  1, 1000, "same department (IT) +4; mentor named by the mentee +6" },
	{ "only the first three named mentors count",
	  MENTOR("Ann", "ann@x.org", "IT", "x", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "IT", "y", NULL, "fr", NULL, NULL, "a@x.org, b@x.org, c@x.org, ann@x.org"),
	  1, 400, "same department (IT) +4" },
	{ "departments fold case, accents and punctuation",
	  MENTOR("Ann", "ann@x.org", "departement it", "x", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "Département  IT", "y", NULL, "fr", NULL, NULL, NULL),
	  1, 400, "same department (Département  IT) +4" },
	{ "fields fold too, the mentee's spelling is shown",
	  MENTOR("Ann", "ann@x.org", "A", "genie logiciel", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", "B", "Génie-Logiciel", NULL, "fr", NULL, NULL, NULL),
	  1, 400, "shared field: Génie-Logiciel +4" },
	{ "nobody is paired with themself",
	  MENTOR("Ann", "ann@x.org", "IT", "software", NULL, "en", "woman", 1),
	  MENTEE("Ann", "ANN@x.org", "IT", "software", NULL, "en", NULL, NULL, NULL),
	  0, 0, "the mentor and the mentee are the same person" },
	{ "an empty department matches nothing",
	  MENTOR("Ann", "ann@x.org", "", "software", NULL, "en", "woman", 1),
	  MENTEE("Eve", "eve@x.org", " - ", "law", NULL, "en", NULL, NULL, NULL),
	  0, 0, "no shared department or field" },
};

static void test_score_rules(void **state)
{
	size_t i;
	long score;
	char *reasons;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(score_cases); i++) {
		const struct score_case *c = &score_cases[i];

		r = match_score(&c->mentor, &c->mentee, &W, &score, &reasons);
		if (r != c->allowed || score != c->score || strcmp(reasons, c->reasons) != 0)
			fail_msg("%s: got %d, %ld, \"%s\"; expected %d, %ld, \"%s\"", c->what, r, score,
			    reasons, c->allowed, c->score, c->reasons);
		free(reasons);
	}
}

struct weight_case {
	struct match_weights w;
	int ok;
	long score; /* of the full example above */
};

static void test_weights(void **state)
{
	static const struct weight_case cases[] = {
		{ { 4, 4, 1, 2, 3 }, 1, 1800 },
		{ { 0, 0, 0, 0, 0 }, 1, 0 },
		{ { 1.25, 0.5, 0.01, 0, 2 }, 1, 125 + 50 + 2 + 0 + 400 },
		{ { 100, 100, 100, 100, 100 }, 1, 10000 * (1 + 1 + 2 + 1 + 2) },
		{ { -1, 4, 1, 2, 3 }, 0, 0 },
		{ { 4, 100.5, 1, 2, 3 }, 0, 0 },
		{ { 4, 4, NAN, 2, 3 }, 0, 0 },
		{ { 4, 4, 1, INFINITY, 3 }, 0, 0 },
	};
	const struct score_case *full = &score_cases[8];
	struct match_result res;
	long score;
	char *reasons;
	size_t i;

	(void)state;
	assert_string_equal(full->what, "the full example");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = match_score(&full->mentor, &full->mentee, &cases[i].w, &score, &reasons);

		if (!cases[i].ok) {
			assert_int_equal(r, -1);
			assert_null(reasons);
			assert_int_equal(match_propose(&full->mentor, 1, &full->mentee, 1, &cases[i].w, &res), -1);
			assert_non_null(res.error);
			assert_int_equal(res.n_pairs, 0);
			continue;
		}
		assert_int_equal(r, 1);
		if (score != cases[i].score)
			fail_msg("case %zu: score %ld, expected %ld", i, score, cases[i].score);
		free(reasons);
	}
}

/* ---- whole proposals ---- */

static void expect_pair(const struct match_result *r, size_t i, size_t mentor, size_t mentee, long score,
    const char *reasons)
{
	assert_true(i < r->n_pairs);
	assert_int_equal(r->pairs[i].mentor, mentor);
	assert_int_equal(r->pairs[i].mentee, mentee);
	assert_int_equal(r->pairs[i].score, score);
	if (reasons != NULL)
		assert_string_equal(r->pairs[i].reasons, reasons);
}

static void expect_unmatched(const struct match_result *r, size_t i, size_t who, int is_mentor, const char *why)
{
	assert_true(i < r->n_unmatched);
	assert_int_equal(r->unmatched[i].mentee_or_mentor, who);
	assert_int_equal(r->unmatched[i].is_mentor, is_mentor);
	assert_string_equal(r->unmatched[i].why, why);
}

static void test_reasons_and_why(void **state)
{
	const struct match_person mentors[] = {
		MENTOR("Ann Lee", "ann@x.org", "Département IT", "software", "leadership", "fr", "woman", 1),
		MENTOR("Bob Roy", "bob@x.org", "HR", "law", NULL, "en", "man", 2),
		MENTOR("Cy Ng", "cy@x.org", "Physics", "optics", NULL, "en", "man", 1),
		MENTOR("Di Ho", "di@x.org", "Legal", "contracts", NULL, "en", "woman", 1),
	};
	const struct match_person mentees[] = {
		MENTEE("E0", "e0@x.org", "departement it", "Software", "Leadership", "fr", NULL, NULL, NULL),
		MENTEE("E1", "e1@x.org", "Facilities", "Safety", NULL, "en", NULL, NULL, NULL),
		MENTEE("E2", "e2@x.org", "HR", "law", NULL, "en", "same-department", NULL, NULL),
		MENTEE("E3", "e3@x.org", "Legal Service", "law", NULL, "en", "same-department", NULL, NULL),
		MENTEE("E4", "e4@x.org", "IT", "software", NULL, "en", NULL, NULL, NULL),
		MENTEE("E5", "e5@x.org", "Legal", "Trade, Tax", NULL, "en", "other-department", NULL, NULL),
		MENTEE("E6", "e6@x.org", "Works", "Safety, Chemistry", NULL, "en", NULL, NULL, NULL),
	};
	struct match_result r;

	(void)state;
	assert_int_equal(match_propose(mentors, 4, mentees, 7, &W, &r), 0);
	assert_null(r.error);
	assert_int_equal(r.n_pairs, 2);
	expect_pair(&r, 0, 0, 0, 400 + 400 + 100 + 200,
	    "same department (departement it) +4; shared field: Software +4; shared topic: Leadership +1; same language (fr) +2");
	expect_pair(&r, 1, 1, 2, 400 + 400 + 200 + 300, "same department (HR) +4, as the mentee asked +3; shared field: law +4; same language (en) +2");
	assert_int_equal(r.total_score, 1100 + 1300);
	assert_int_equal(r.n_unmatched, 7);
	expect_unmatched(&r, 0, 1, 0, "no mentor in department Facilities or in field Safety");
	expect_unmatched(&r, 1, 3, 0, "no mentor in department Legal Service (asked for the same department)");
	expect_unmatched(&r, 2, 4, 0, "all suitable mentors are at capacity: Ann Lee");
	expect_unmatched(&r, 3, 5, 0,
	    "no mentor in fields Trade, Tax outside department Legal (asked for another department)");
	expect_unmatched(&r, 4, 6, 0, "no mentor in department Works or in fields Safety, Chemistry");
	expect_unmatched(&r, 5, 2, 1, "no mentee in department Physics or in field optics");
	expect_unmatched(&r, 6, 3, 1,
	    "no mentee in department Legal or in field contracts whose department preference allows this mentor");
	match_result_free(&r);
	assert_null(r.pairs);
	assert_int_equal(r.n_pairs, 0);
	match_result_free(&r); /* twice is harmless */
	match_result_free(NULL);
}

static void test_capacity_names_and_more(void **state)
{
	struct match_person mentors[5], mentees[6];
	struct match_result r;
	size_t i;
	static const char *names[] = { "M0", "M1", "M2", "M3", "M4" };

	(void)state;
	for (i = 0; i < 5; i++)
		mentors[i] = (struct match_person)MENTOR(names[i], names[i], "IT", "x", NULL, "en", NULL, 1);
	for (i = 0; i < 6; i++)
		mentees[i] = (struct match_person)MENTEE("E", NULL, "IT", "y", NULL, "en", NULL, NULL, NULL);
	mentors[1].capacity = 2;
	assert_int_equal(match_propose(mentors, 4, mentees, 6, &W, &r), 0);
	assert_int_equal(r.n_pairs, 5);
	for (i = 0; i < 5; i++)
		expect_pair(&r, i, i < 2 ? i : i - 1, i, 600, "same department (IT) +4; same language (en) +2");
	assert_int_equal(r.n_unmatched, 1);
	expect_unmatched(&r, 0, 5, 0, "all suitable mentors are at capacity: M0, M1, M2 and 1 more");
	match_result_free(&r);

	/* a sixth place elsewhere: everybody is paired */
	mentors[4] = (struct match_person)MENTOR("M4", "m4", "HR", "y", NULL, "en", NULL, 1);
	assert_int_equal(match_propose(mentors, 5, mentees, 6, &W, &r), 0);
	assert_int_equal(r.n_pairs, 6);
	assert_int_equal(r.n_unmatched, 0);
	match_result_free(&r);
	/* one place, two mentees who fit only there */
	mentees[0].fields = "z";
	mentees[1].fields = "z";
	assert_int_equal(match_propose(&mentors[3], 1, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 1);
	expect_pair(&r, 0, 0, 0, 600, NULL);
	expect_unmatched(&r, 0, 1, 0, "all suitable mentors are at capacity: M3");
	match_result_free(&r);
	/* two equal mentors for one mentee: the second is told why */
	assert_int_equal(match_propose(&mentors[3], 2, &mentees[2], 1, &W, &r), 0);
	expect_pair(&r, 0, 0, 0, 600, "same department (IT) +4; same language (en) +2");
	expect_unmatched(&r, 0, 1, 1, "the only suitable mentee has another mentor");
	match_result_free(&r);
	/* the same mentee asking for the same department cannot have M4 */
	mentees[2].preference = "same-department";
	assert_int_equal(match_propose(&mentors[3], 2, &mentees[2], 1, &W, &r), 0);
	expect_pair(&r, 0, 0, 0, 900, NULL);
	expect_unmatched(&r, 0, 1, 1,
	    "no mentee in department HR or in field y whose department preference allows this mentor");
	match_result_free(&r);

	/* a capacity below 1 is refused */
	mentors[2].capacity = 0;
	assert_int_equal(match_propose(mentors, 3, mentees, 2, &W, &r), -1);
	assert_string_equal(r.error, "a mentor's capacity is below 1");
	assert_int_equal(r.n_pairs, 0);
}

/* The pair count comes before the score: a greedy pick of the best
 * pair (E0 with M0) would leave E1, who accepts only M0, alone. */
static void test_pairs_before_score(void **state)
{
	const struct match_person mentors[] = {
		MENTOR("M0", "m0", "IT", "software, data", "a, b, c", "en", NULL, 1),
		MENTOR("M1", "m1", "HR", "software", NULL, "fr", NULL, 1),
	};
	const struct match_person mentees[] = {
		MENTEE("E0", "e0", "IT", "software, data", "a, b, c", "en", NULL, NULL, NULL),
		MENTEE("E1", "e1", "IT", "law", NULL, "fr", "same-department", NULL, NULL),
	};
	struct match_result r;

	(void)state;
	assert_int_equal(match_propose(mentors, 2, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 2);
	expect_pair(&r, 0, 0, 1, 700, NULL);
	expect_pair(&r, 1, 1, 0, 400, NULL);
	assert_int_equal(r.total_score, 1100);
	assert_int_equal(r.n_unmatched, 0);
	match_result_free(&r);
}

/* Same number of pairs, the best total: E0 is the better fit for both
 * mentors but only E1 gains much more from M0. */
static void test_best_total(void **state)
{
	const struct match_person mentors[] = {
		MENTOR("M0", "m0", "IT", "software", "a, b, c", "en", NULL, 1),
		MENTOR("M1", "m1", "IT", "law", NULL, "en", NULL, 1),
	};
	const struct match_person mentees[] = {
		MENTEE("E0", "e0", "IT", "software, law", NULL, "en", NULL, NULL, NULL),
		MENTEE("E1", "e1", "IT", "software", "a, b, c", "en", NULL, NULL, NULL),
	};
	struct match_result r;

	(void)state;
	/* E0: M0 1000, M1 1000; E1: M0 1300, M1 600 */
	assert_int_equal(match_propose(mentors, 2, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 2);
	expect_pair(&r, 0, 0, 1, 1300, NULL);
	expect_pair(&r, 1, 1, 0, 1000, NULL);
	match_result_free(&r);
}

/* Equal candidates are served in input order, whatever that order. */
static void test_ties_in_input_order(void **state)
{
	struct match_person mentors[3], mentees[4];
	struct match_result r;
	static const char *names[] = { "A", "B", "C", "D" };
	size_t i, first;

	(void)state;
	for (first = 0; first < 4; first++) {
		for (i = 0; i < 4; i++)
			mentees[i] = (struct match_person)MENTEE(names[(first + i) % 4], names[(first + i) % 4],
			    "IT", "x", NULL, "en", NULL, NULL, NULL);
		for (i = 0; i < 3; i++)
			mentors[i] = (struct match_person)MENTOR(names[(first + i) % 3], "m", "IT", "x", NULL, "en", NULL, 1);
		mentors[1].address = "n";
		mentors[2].address = "o";
		/* one place, four equal mentees: the first one gets it */
		assert_int_equal(match_propose(mentors, 1, mentees, 4, &W, &r), 0);
		assert_int_equal(r.n_pairs, 1);
		assert_int_equal(r.pairs[0].mentee, 0);
		match_result_free(&r);
		/* three equal mentors, one mentee: the first one is chosen */
		assert_int_equal(match_propose(mentors, 3, mentees, 1, &W, &r), 0);
		assert_int_equal(r.n_pairs, 1);
		assert_int_equal(r.pairs[0].mentor, 0);
		assert_int_equal(r.n_unmatched, 2);
		match_result_free(&r);
		/* two places, four mentees: the first two */
		assert_int_equal(match_propose(mentors, 2, mentees, 4, &W, &r), 0);
		assert_int_equal(r.n_pairs, 2);
		assert_int_equal(r.pairs[0].mentee + r.pairs[1].mentee, 0 + 1);
		match_result_free(&r);
	}
}

/* A pair of an earlier cohort is never proposed again, and the reasons
 * say so; a mentee carried over from a waitlist, put first, wins a tie
 * and the reasons say that too, but a better newcomer still wins. */
static void test_earlier_partners_and_carried(void **state)
{
	struct match_person mentors[] = {
		MENTOR("Ann Lee", "ann@x.org", "IT", "software", NULL, "en", "woman", 1),
		MENTOR("Bob Roy", "bob@x.org", "IT", "hardware", NULL, "en", "man", 1),
	};
	struct match_person mentees[] = {
		MENTEE("Eve", "eve@x.org", "IT", "software", NULL, "en", NULL, NULL, NULL),
		MENTEE("Fay", "fay@x.org", "HR", "software", NULL, "fr", NULL, NULL, NULL),
	};
	struct match_result r;
	long score;
	char *why;

	(void)state;
	/* Eve would have Ann; she had her in an earlier cohort */
	mentees[0].past_partners = "Ann@X.org, zed@x.org";
	assert_int_equal(match_propose(mentors, 2, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 2);
	expect_pair(&r, 0, 0, 1, 400, "shared field: software +4");
	expect_pair(&r, 1, 1, 0, 400 + 200, "same department (IT) +4; same language (en) +2; not proposed again with Ann Lee: paired in an earlier cohort");
	match_result_free(&r);
	/* with only Ann there, Eve is left out, and told why */
	assert_int_equal(match_propose(mentors, 1, mentees, 1, &W, &r), 0);
	assert_int_equal(r.n_pairs, 0);
	expect_unmatched(&r, 0, 0, 0, "not proposed again with Ann Lee: paired in an earlier cohort");
	expect_unmatched(&r, 1, 0, 1, "not proposed again with Eve: paired in an earlier cohort");
	match_result_free(&r);
	assert_int_equal(match_score(&mentors[0], &mentees[0], &W, &score, &why), 0);
	assert_string_equal(why, "paired in an earlier cohort");
	free(why);
	/* a tie: the mentee carried over, put first, gets the place */
	mentees[0] = (struct match_person)MENTEE("Gil", "gil@x.org", "HR", "software", NULL, "fr",
	    NULL, NULL, NULL);
	mentees[0].carried_from = "2026";
	assert_int_equal(match_propose(mentors, 1, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 1);
	expect_pair(&r, 0, 0, 0, 400, "shared field: software +4; mentee carried over from the waitlist of 2026, ranked before newcomers of an equal score");
	match_result_free(&r);
	/* a newcomer with a better score still gets it */
	mentees[1].department = "IT";
	assert_int_equal(match_propose(mentors, 1, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 1);
	assert_int_equal(r.pairs[0].mentee, 1);
	match_result_free(&r);
}

static void test_limits(void **state)
{
	struct match_person *many = xcalloc(MATCH_PEOPLE_MAX + 1, sizeof(*many));
	struct match_result r;
	size_t i;

	(void)state;
	for (i = 0; i <= MATCH_PEOPLE_MAX; i++) {
		many[i].capacity = 1;
		many[i].department = "IT";
		many[i].fields = "x";
	}
	assert_int_equal(match_propose(many, 1, many, MATCH_PEOPLE_MAX, &W, &r), -1);
	assert_string_equal(r.error, "too many people to match (more than 20000)");
	assert_int_equal(match_propose(many, MATCH_PEOPLE_MAX + 1, NULL, 0, &W, &r), -1);
	assert_int_equal(match_propose(NULL, 1, many, 1, &W, &r), -1);
	assert_int_equal(match_propose(many, 1, NULL, 1, &W, &r), -1);
	assert_int_equal(match_propose(many, 1, many, 1, NULL, &r), -1);
	/* nobody at all, or on one side only */
	assert_int_equal(match_propose(NULL, 0, NULL, 0, &W, &r), 0);
	assert_int_equal(r.n_pairs + r.n_unmatched, 0);
	match_result_free(&r);
	assert_int_equal(match_propose(NULL, 0, many, 3, &W, &r), 0);
	assert_int_equal(r.n_unmatched, 3);
	assert_string_equal(r.unmatched[0].why, "no mentor in department IT or in field x");
	match_result_free(&r);
	free(many);
}

/* ---- random instances: exhaustive optimum, exact optimum, greedy ---- */

struct rng {
	uint64_t s;
};

static unsigned rnd(struct rng *g, unsigned n)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (unsigned)((g->s >> 11) % n);
}

/* Spellings that fold alike, so the folding is exercised throughout. */
static const char *const depts[][2] = {
	{ "IT", "It" }, { "Département RH", "departement rh" }, { "Finance", "FINANCE " },
	{ "Sécurité", "securite" }, { "Legal", "legal" },
};
static const char *const words[][2] = {
	{ "software", "Software" }, { "data", "DATA" }, { "génie civil", "Genie-Civil" },
	{ "law", " law" }, { "safety", "Safety" }, { "optics", "optics" },
};
static const char *const prefs[] = { NULL, NULL, "any", "same-department", "other-department" };
static const char *const genders[] = { NULL, "woman", "man", "nonbinary" };

struct inst {
	struct match_person *m, *e;
	size_t n_m, n_e;
	struct strlist owned;
	long *score; /* n_m x n_e, -1 where not allowed */
	struct match_weights w;
};

static const char *keep(struct inst *in, char *s)
{
	strlist_add(&in->owned, s);
	free(s);
	return in->owned.v[in->owned.n - 1];
}

static const char *word_list(struct inst *in, struct rng *g, unsigned n_words, unsigned max)
{
	struct buf b;
	unsigned i, n = rnd(g, max + 1);

	buf_init(&b, 1000);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", words[rnd(g, n_words)][rnd(g, 2)]);
	return keep(in, buf_steal(&b));
}

static void person_random(struct inst *in, struct rng *g, struct match_person *p, int mentee, size_t i,
    unsigned n_depts)
{
	memset(p, 0, sizeof(*p));
	p->name = keep(in, xasprintf("%s%zu", mentee ? "E" : "M", i));
	p->address = keep(in, xasprintf("%s%zu@x.org", mentee ? "e" : "m", i));
	p->department = depts[rnd(g, n_depts)][rnd(g, 2)];
	p->fields = word_list(in, g, 4, 2);
	p->topics = rnd(g, 3) ? word_list(in, g, 6, 3) : NULL;
	p->language = rnd(g, 2) ? "en" : "fr";
	p->gender = genders[rnd(g, 4)];
	p->capacity = mentee ? 1 : 1 + (int)rnd(g, 2);
	if (!mentee)
		return;
	p->preference = prefs[rnd(g, ARRAY_SIZE(prefs))];
	p->pref_gender = genders[rnd(g, 4)];
	if (rnd(g, 3) == 0)
		p->pref_mentors = keep(in, xasprintf("m%u@x.org, M%u@X.org", rnd(g, 4), rnd(g, 4)));
	if (rnd(g, 20) == 0)
		p->address = keep(in, xasprintf("m%u@x.org", rnd(g, 4))); /* applies on both sides */
	if (rnd(g, 4) == 0)
		p->past_partners = keep(in, xasprintf("M%u@x.org,m%u@x.org", rnd(g, 4), rnd(g, 4)));
}

static void inst_random(struct inst *in, struct rng *g, size_t n_m, size_t n_e, unsigned n_depts)
{
	static const struct match_weights ws[] = {
		{ 4, 4, 1, 2, 3 }, { 1, 1, 1, 1, 1 }, { 0, 2.5, 0.37, 0, 9 }, { 7, 0, 0, 3, 0 },
	};
	size_t i, j;
	char *reasons;

	memset(in, 0, sizeof(*in));
	in->n_m = n_m;
	in->n_e = n_e;
	in->m = xcalloc(n_m + 1, sizeof(*in->m));
	in->e = xcalloc(n_e + 1, sizeof(*in->e));
	in->w = ws[rnd(g, ARRAY_SIZE(ws))];
	for (i = 0; i < n_m; i++)
		person_random(in, g, &in->m[i], 0, i, n_depts);
	for (i = 0; i < n_e; i++)
		person_random(in, g, &in->e[i], 1, i, n_depts);
	in->score = xcalloc(n_m * n_e + 1, sizeof(*in->score));
	for (i = 0; i < n_m; i++) {
		for (j = 0; j < n_e; j++) {
			long s;
			int r = match_score(&in->m[i], &in->e[j], &in->w, &s, &reasons);

			assert_true(r >= 0);
			in->score[i * n_e + j] = r ? s : -1;
			free(reasons);
		}
	}
}

static void inst_free(struct inst *in)
{
	strlist_deinit(&in->owned);
	free(in->m);
	free(in->e);
	free(in->score);
}

/* The result is a valid proposal for in: allowed pairs with their own
 * score, capacities kept, each person once, everybody else explained. */
static void check_valid(const struct inst *in, const struct match_result *r)
{
	size_t i, n_m_unmatched = 0, n_e_unmatched = 0;
	int *load = xcalloc(in->n_m + 1, sizeof(*load)), *got = xcalloc(in->n_e + 1, sizeof(*got));
	long total = 0;

	for (i = 0; i < r->n_pairs; i++) {
		const struct match_pair *p = &r->pairs[i];

		assert_true(p->mentor < in->n_m && p->mentee < in->n_e);
		assert_int_equal(p->score, in->score[p->mentor * in->n_e + p->mentee]);
		assert_true(p->score >= 0 && p->reasons != NULL && p->reasons[0] != '\0');
		assert_false(got[p->mentee]++);
		assert_true(++load[p->mentor] <= in->m[p->mentor].capacity);
		if (i > 0)
			assert_true(r->pairs[i - 1].mentor < p->mentor ||
			    (r->pairs[i - 1].mentor == p->mentor && r->pairs[i - 1].mentee < p->mentee));
		total += p->score;
	}
	assert_int_equal(total, r->total_score);
	for (i = 0; i < r->n_unmatched; i++) {
		const struct match_unmatched *u = &r->unmatched[i];

		assert_true(u->why != NULL && u->why[0] != '\0');
		if (u->is_mentor) {
			assert_int_equal(load[u->mentee_or_mentor], 0);
			n_m_unmatched++;
		} else {
			assert_int_equal(got[u->mentee_or_mentor], 0);
			assert_int_equal(n_m_unmatched, 0); /* mentees come first */
			n_e_unmatched++;
		}
	}
	assert_int_equal(n_e_unmatched, in->n_e - r->n_pairs);
	for (i = 0; i < in->n_m; i++)
		n_m_unmatched -= load[i] == 0;
	assert_int_equal(n_m_unmatched, 0);
	free(load);
	free(got);
}

static void brute(const struct inst *in, size_t e, int *load, long pairs, long total, long *best_pairs,
    long *best_total)
{
	size_t m;
	long s;

	if (e == in->n_e) {
		if (pairs > *best_pairs || (pairs == *best_pairs && total > *best_total)) {
			*best_pairs = pairs;
			*best_total = total;
		}
		return;
	}
	brute(in, e + 1, load, pairs, total, best_pairs, best_total);
	for (m = 0; m < in->n_m; m++) {
		s = in->score[m * in->n_e + e];
		if (s < 0 || load[m] >= in->m[m].capacity)
			continue;
		load[m]++;
		brute(in, e + 1, load, pairs + 1, total + s, best_pairs, best_total);
		load[m]--;
	}
}

static void test_brute_force(void **state)
{
	struct rng g = { 0x9e3779b97f4a7c15u };
	struct inst in;
	struct match_result r;
	int load[8], k, some_unmatched = 0, some_full = 0;
	long bp, bt;

	(void)state;
	for (k = 0; k < 600; k++) {
		inst_random(&in, &g, rnd(&g, 5), rnd(&g, 7), 2 + rnd(&g, 3));
		memset(load, 0, sizeof(load));
		bp = 0;
		bt = 0;
		brute(&in, 0, load, 0, 0, &bp, &bt);
		assert_int_equal(match_propose(in.m, in.n_m, in.e, in.n_e, &in.w, &r), 0);
		check_valid(&in, &r);
		if ((long)r.n_pairs != bp || r.total_score != bt)
			fail_msg("instance %d (%zu mentors, %zu mentees): %zu pairs, score %ld; optimum %ld, %ld",
			    k, in.n_m, in.n_e, r.n_pairs, r.total_score, bp, bt);
		some_unmatched += r.n_unmatched > 0;
		some_full += r.n_unmatched > 0 && strstr(r.unmatched[0].why, "at capacity") != NULL;
		match_result_free(&r);
		inst_free(&in);
	}
	/* the instances are not trivial */
	assert_true(some_unmatched > 100 && some_full > 20);
}

/* An independent exact optimum: the Hungarian method (O(n^2 m)) on the
 * mentees x (mentor places + one "alone" column per mentee) matrix, with
 * a bonus per pair larger than any total score. */
struct hung {
	const struct inst *in;
	size_t *col_m; /* column -> mentor + 1, 0 for an "alone" column */
	long long big;
};

/* Cost of mentee i - 1 in column j (both from 1): -(bonus + score) for an
 * allowed pair, 0 for being alone. */
static long long hung_cost(const struct hung *h, size_t i, size_t j)
{
	long s = h->col_m[j] ? h->in->score[(h->col_m[j] - 1) * h->in->n_e + i - 1] : -1;

	return s >= 0 ? -(h->big + s) : 0;
}

static void hungarian_optimum(const struct inst *in, long *pairs_r, long *total_r)
{
	struct hung h = { in, NULL, 0 };
	size_t n = in->n_e, cols = n, i, j, j0, j1, m, k;
	long long *u = xcalloc(n + 1, sizeof(*u)), *v, *minv, delta, cur, best = 0, smax = 1;
	size_t *p, *way;
	int *used;

	for (m = 0; m < in->n_m; m++)
		cols += (size_t)in->m[m].capacity;
	h.col_m = xcalloc(cols + 1, sizeof(*h.col_m));
	for (m = 0, j = 1; m < in->n_m; m++)
		for (k = 0; k < (size_t)in->m[m].capacity; k++)
			h.col_m[j++] = m + 1;
	for (i = 0; i < in->n_m * n; i++)
		smax = in->score[i] > smax ? in->score[i] : smax;
	h.big = smax * (long long)(n + 1) + 1;
	v = xcalloc(cols + 1, sizeof(*v));
	minv = xcalloc(cols + 1, sizeof(*minv));
	p = xcalloc(cols + 1, sizeof(*p));
	way = xcalloc(cols + 1, sizeof(*way));
	used = xcalloc(cols + 1, sizeof(*used));
	for (i = 1; i <= n; i++) {
		p[0] = i;
		j0 = 0;
		for (j = 0; j <= cols; j++) {
			minv[j] = LLONG_MAX;
			used[j] = 0;
		}
		do {
			used[j0] = 1;
			delta = LLONG_MAX;
			j1 = 0;
			for (j = 1; j <= cols; j++) {
				if (used[j])
					continue;
				cur = hung_cost(&h, p[j0], j) - u[p[j0]] - v[j];
				if (cur < minv[j]) {
					minv[j] = cur;
					way[j] = j0;
				}
				if (minv[j] < delta) {
					delta = minv[j];
					j1 = j;
				}
			}
			for (j = 0; j <= cols; j++) {
				if (used[j]) {
					u[p[j]] += delta;
					v[j] -= delta;
				} else {
					minv[j] -= delta;
				}
			}
			j0 = j1;
		} while (p[j0] != 0);
		for (; j0 != 0; j0 = j1) {
			j1 = way[j0];
			p[j0] = p[j1];
		}
	}
	for (j = 1; j <= cols; j++)
		if (p[j] != 0)
			best -= hung_cost(&h, p[j], j);
	*pairs_r = (long)(best / h.big);
	*total_r = (long)(best % h.big);
	free(h.col_m);
	free(u);
	free(v);
	free(minv);
	free(p);
	free(way);
	free(used);
}

struct cand {
	size_t m, e;
	long s;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	return (x->e > y->e) - (x->e < y->e);
}

/* Best remaining pair first. */
static void greedy(const struct inst *in, long *pairs_r, long *total_r)
{
	struct cand *c = xcalloc(in->n_m * in->n_e + 1, sizeof(*c));
	int *load = xcalloc(in->n_m + 1, sizeof(*load)), *got = xcalloc(in->n_e + 1, sizeof(*got));
	size_t n = 0, i, j;

	for (i = 0; i < in->n_m; i++)
		for (j = 0; j < in->n_e; j++)
			if (in->score[i * in->n_e + j] >= 0)
				c[n++] = (struct cand){ i, j, in->score[i * in->n_e + j] };
	qsort(c, n, sizeof(*c), cand_cmp);
	*pairs_r = 0;
	*total_r = 0;
	for (i = 0; i < n; i++) {
		if (got[c[i].e] || load[c[i].m] >= in->m[c[i].m].capacity)
			continue;
		got[c[i].e] = 1;
		load[c[i].m]++;
		++*pairs_r;
		*total_r += c[i].s;
	}
	free(c);
	free(load);
	free(got);
}

static void test_midsize_exact_and_greedy(void **state)
{
	struct rng g = { 0x2545f4914f6cdd1du };
	struct inst in;
	struct match_result r, again;
	long hp, ht, gp, gt;
	int k, beaten = 0;
	size_t i;

	(void)state;
	for (k = 0; k < 25; k++) {
		inst_random(&in, &g, 20 + rnd(&g, 40), 40 + rnd(&g, 80), 3 + rnd(&g, 3));
		assert_int_equal(match_propose(in.m, in.n_m, in.e, in.n_e, &in.w, &r), 0);
		check_valid(&in, &r);
		hungarian_optimum(&in, &hp, &ht);
		if ((long)r.n_pairs != hp || r.total_score != ht)
			fail_msg("instance %d: %zu pairs, score %ld; exact optimum %ld, %ld", k, r.n_pairs,
			    r.total_score, hp, ht);
		greedy(&in, &gp, &gt);
		assert_true((long)r.n_pairs > gp || ((long)r.n_pairs == gp && r.total_score >= gt));
		beaten += (long)r.n_pairs > gp || r.total_score > gt;
		/* the same input gives the same proposal, texts included */
		assert_int_equal(match_propose(in.m, in.n_m, in.e, in.n_e, &in.w, &again), 0);
		assert_int_equal(again.n_pairs, r.n_pairs);
		for (i = 0; i < r.n_pairs; i++) {
			assert_int_equal(again.pairs[i].mentor, r.pairs[i].mentor);
			assert_int_equal(again.pairs[i].mentee, r.pairs[i].mentee);
			assert_string_equal(again.pairs[i].reasons, r.pairs[i].reasons);
		}
		for (i = 0; i < r.n_unmatched; i++)
			assert_string_equal(again.unmatched[i].why, r.unmatched[i].why);
		match_result_free(&again);
		match_result_free(&r);
		inst_free(&in);
	}
	/* greedy is not optimal on most of these, so the comparison has teeth */
	assert_true(beaten > 10);
}

/* Shuffled input: the same optimum, and each pair found has the score the
 * pair has in the original order. */
static void test_shuffled(void **state)
{
	struct rng g = { 0x853c49e6748fea9bu };
	struct inst in;
	struct match_result r, s;
	struct match_person *pm, *pe;
	size_t *perm_m, *perm_e, i, j, t;
	int k;

	(void)state;
	for (k = 0; k < 20; k++) {
		inst_random(&in, &g, 10 + rnd(&g, 20), 20 + rnd(&g, 40), 3);
		perm_m = xcalloc(in.n_m + 1, sizeof(*perm_m));
		perm_e = xcalloc(in.n_e + 1, sizeof(*perm_e));
		for (i = 0; i < in.n_m; i++)
			perm_m[i] = i;
		for (i = 0; i < in.n_e; i++)
			perm_e[i] = i;
		for (i = in.n_m; i > 1; i--) {
			j = rnd(&g, (unsigned)i);
			t = perm_m[i - 1], perm_m[i - 1] = perm_m[j], perm_m[j] = t;
		}
		for (i = in.n_e; i > 1; i--) {
			j = rnd(&g, (unsigned)i);
			t = perm_e[i - 1], perm_e[i - 1] = perm_e[j], perm_e[j] = t;
		}
		pm = xcalloc(in.n_m + 1, sizeof(*pm));
		pe = xcalloc(in.n_e + 1, sizeof(*pe));
		for (i = 0; i < in.n_m; i++)
			pm[i] = in.m[perm_m[i]];
		for (i = 0; i < in.n_e; i++)
			pe[i] = in.e[perm_e[i]];
		assert_int_equal(match_propose(in.m, in.n_m, in.e, in.n_e, &in.w, &r), 0);
		assert_int_equal(match_propose(pm, in.n_m, pe, in.n_e, &in.w, &s), 0);
		assert_int_equal(s.n_pairs, r.n_pairs);
		assert_int_equal(s.total_score, r.total_score);
		for (i = 0; i < s.n_pairs; i++)
			assert_int_equal(s.pairs[i].score,
			    in.score[perm_m[s.pairs[i].mentor] * in.n_e + perm_e[s.pairs[i].mentee]]);
		match_result_free(&r);
		match_result_free(&s);
		free(pm);
		free(pe);
		free(perm_m);
		free(perm_e);
		inst_free(&in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score_rules),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_reasons_and_why),
		cmocka_unit_test(test_capacity_names_and_more),
		cmocka_unit_test(test_pairs_before_score),
		cmocka_unit_test(test_best_total),
		cmocka_unit_test(test_ties_in_input_order),
		cmocka_unit_test(test_earlier_partners_and_carried),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_brute_force),
		cmocka_unit_test(test_midsize_exact_and_greedy),
		cmocka_unit_test(test_shuffled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
