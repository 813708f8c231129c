/* match with choices: a mentee's ranked choice of mentors is honoured as a
 * preference, never at the cost of a pair. Hand-checked cases, then random
 * small instances against an exhaustive search of the documented
 * objective (match.h). */
#include "testutil.h"

#include "match.h"

static const struct match_weights W = { 4, 4, 1, 2, 3 };

#define MENTOR(i, n, d, f, c) \
	{ .id = (i), .name = (n), .address = n "@x.org", .department = (d), .fields = (f), \
	  .language = "en", .capacity = (c) }
#define MENTEE(i, n, d, f, pref, c1, c2, c3) \
	{ .id = (i), .name = (n), .address = n "@x.org", .department = (d), .fields = (f), \
	  .language = "en", .capacity = 1, .preference = (pref), .choices = { (c1), (c2), (c3) } }

/* The pair (mentor, mentee) is in r, with that choice rank. */
static void has_pair(const struct match_result *r, size_t m, size_t e, int choice)
{
	size_t i;

	for (i = 0; i < r->n_pairs; i++)
		if (r->pairs[i].mentor == m && r->pairs[i].mentee == e) {
			assert_int_equal(r->pairs[i].choice, choice);
			return;
		}
	fail_msg("pair %zu-%zu not proposed", m, e);
}

/* A choice outweighs what a pair shares, and allows a pair the rules
 * would not make. */
static void test_choice_over_score(void **state)
{
	const struct match_person mentors[] = {
		MENTOR(10, "ann", "IT", "software", 1),
		MENTOR(11, "bea", "HR", "law", 1),
	};
	const struct match_person mentees[] = {
		MENTEE(20, "eve", "IT", "software", NULL, 11, 0, 0),
	};
	struct match_result r;

	(void)state;
	assert_int_equal(match_propose(mentors, 2, mentees, 1, &W, &r), 0);
	assert_int_equal(r.n_pairs, 1);
	has_pair(&r, 1, 0, 1);
	assert_string_equal(r.pairs[0].reasons, "mentee's 1st choice; same language (en) +2");
	assert_int_equal(r.pairs[0].score, 200); /* the choice's weight is not in the score */
	assert_int_equal(r.total_score, 200);
	match_result_free(&r);
}

/* Two pairs rather than one honoured choice. */
static void test_pairs_first(void **state)
{
	const struct match_person mentors[] = {
		MENTOR(10, "ann", "IT", "software", 1),
		MENTOR(11, "bea", "HR", "software", 1),
	};
	const struct match_person mentees[] = {
		/* chose ann, whom the rules would not give her; bea shares her department */
		MENTEE(20, "eve", "HR", "law", NULL, 10, 0, 0),
		/* only ann: the same department, as she asked */
		MENTEE(21, "fay", "IT", "optics", "same-department", 0, 0, 0),
	};
	struct match_result r;

	(void)state;
	assert_int_equal(match_propose(mentors, 2, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 2);
	has_pair(&r, 1, 0, 0);
	has_pair(&r, 0, 1, 0);
	match_result_free(&r);
}

/* Ranks: one 2nd and one 1st choice beat one 1st choice and one mentee
 * not chosen for; a mentor named twice counts at the first rank. */
static void test_ranks(void **state)
{
	const struct match_person mentors[] = {
		MENTOR(10, "ann", "IT", "software", 1),
		MENTOR(11, "bea", "IT", "software", 1),
	};
	const struct match_person mentees[] = {
		MENTEE(20, "eve", "IT", "software", NULL, 10, 11, 10),
		MENTEE(21, "fay", "IT", "software", NULL, 10, 10, 99),
	};
	struct match_result r;

	(void)state;
	assert_int_equal(match_propose(mentors, 2, mentees, 2, &W, &r), 0);
	assert_int_equal(r.n_pairs, 2);
	has_pair(&r, 1, 0, 2);
	has_pair(&r, 0, 1, 1);
	assert_non_null(strstr(r.pairs[0].reasons, "mentee's 1st choice"));
	assert_non_null(strstr(r.pairs[1].reasons, "mentee's 2nd choice"));
	match_result_free(&r);
}

/* Never herself, never a partner of an earlier cohort, chosen or not. */
static void test_choice_keeps_the_bans(void **state)
{
	struct match_person mentors[] = {
		MENTOR(10, "ann", "IT", "software", 1),
		MENTOR(11, "bea", "HR", "law", 1),
	};
	struct match_person mentees[] = {
		MENTEE(20, "eve", "HR", "law", NULL, 10, 11, 0),
	};
	struct match_result r;
	long score;
	char *why;

	(void)state;
	mentees[0].past_partners = "bea@x.org";
	mentors[0].address = "eve@x.org";
	assert_int_equal(match_propose(mentors, 2, mentees, 1, &W, &r), 0);
	assert_int_equal(r.n_pairs, 0);
	match_result_free(&r);
	assert_int_equal(match_score(&mentors[1], &mentees[0], &W, &score, &why), 0);
	assert_string_equal(why, "paired in an earlier cohort");
	free(why);
}

/* A partner of this cohort whose pairing was ended (a rematch) is never
 * proposed again, chosen or not, and the reasons say why. */
static void test_ended_partner(void **state)
{
	struct match_person mentors[] = {
		MENTOR(10, "ann", "IT", "software", 1),
		MENTOR(11, "bea", "IT", "software", 1),
	};
	struct match_person mentees[] = {
		MENTEE(20, "eve", "IT", "software", NULL, 10, 0, 0),
	};
	struct match_result r;

	(void)state;
	mentees[0].ended_partners = "ann@x.org";
	assert_int_equal(match_propose(mentors, 2, mentees, 1, &W, &r), 0);
	assert_int_equal(r.n_pairs, 1);
	has_pair(&r, 1, 0, 0);
	assert_non_null(strstr(r.pairs[0].reasons,
	    "not proposed again with ann: their pairing in this cohort ended or did not go ahead"));
	assert_int_equal(r.n_unmatched, 1);
	assert_string_equal(r.unmatched[0].why,
	    "not proposed again with eve: their pairing in this cohort ended or did not go ahead");
	match_result_free(&r);
}

/* ---- random small instances against an exhaustive search ---- */

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

static const char *const depts[] = { "IT", "HR", "Finance" };
static const char *const fields[] = { "software", "law", "data", "software, law", "optics" };
static const char *const prefs[] = { NULL, "same-department", "other-department" };
static const char *const names[] = { "m0", "m1", "m2", "m3", "m4" };

struct inst {
	struct match_person m[5], e[7];
	size_t n_m, n_e;
	long weight[5][7]; /* score and choice weight; -1: not allowed */
	int rank[5][7];
	struct match_weights w;
};

static void inst_random(struct inst *in, struct rng *g)
{
	static const struct match_weights ws[] = { { 4, 4, 1, 2, 3 }, { 1, 1, 1, 1, 1 }, { 0, 0, 0, 0, 0 } };
	long c;
	size_t i, j, k;
	int any = 0;

	memset(in, 0, sizeof(*in));
	in->n_m = rnd(g, 5);
	in->n_e = rnd(g, 7);
	in->w = ws[rnd(g, 3)];
	for (i = 0; i < in->n_m; i++) {
		in->m[i] = (struct match_person){ .id = 100 + (int64_t)i, .name = names[i],
			.address = names[i], .department = depts[rnd(g, 3)], .fields = fields[rnd(g, 5)],
			.language = "en", .capacity = 1 + (int)rnd(g, 2) };
	}
	for (j = 0; j < in->n_e; j++) {
		in->e[j] = (struct match_person){ .id = 200 + (int64_t)j, .name = "e", .address = "e",
			.department = depts[rnd(g, 3)], .fields = fields[rnd(g, 5)], .language = "fr",
			.capacity = 1, .preference = prefs[rnd(g, 3)] };
		if (rnd(g, 5) == 0)
			in->e[j].past_partners = names[rnd(g, 5)];
		if (rnd(g, 6) == 0)
			in->e[j].ended_partners = names[rnd(g, 5)];
		for (k = 0; k < MATCH_CHOICES_MAX && rnd(g, 3) != 0; k++)
			in->e[j].choices[k] = 100 + (int64_t)rnd(g, 6); /* 105: nobody's */
	}
	/* the documented weight of a choice: one more than the best score */
	c = (long)(in->w.department * 100) + 2 * (long)(in->w.field * 100) +
	    3 * (long)(in->w.topics * 100) + (long)(in->w.language * 100) +
	    4 * (long)(in->w.preferences * 100) + 1;
	for (i = 0; i < in->n_m; i++)
		for (j = 0; j < in->n_e; j++)
			for (k = 0; k < MATCH_CHOICES_MAX; k++)
				if (in->e[j].choices[k] == in->m[i].id && in->rank[i][j] == 0)
					in->rank[i][j] = (int)k + 1;
	for (i = 0; i < in->n_m; i++)
		for (j = 0; j < in->n_e; j++)
			any |= in->rank[i][j] > 0;
	for (i = 0; i < in->n_m; i++) {
		for (j = 0; j < in->n_e; j++) {
			struct match_person plain = in->e[j];
			long s = 0;
			char *why = NULL;
			int by_rules, banned, allowed;

			memset(plain.choices, 0, sizeof(plain.choices));
			by_rules = match_score(&in->m[i], &plain, &in->w, &s, &why);
			free(why);
			banned = (in->e[j].past_partners != NULL &&
			    strcmp(in->e[j].past_partners, in->m[i].address) == 0) ||
			    (in->e[j].ended_partners != NULL &&
			    strcmp(in->e[j].ended_partners, in->m[i].address) == 0);
			allowed = match_score(&in->m[i], &in->e[j], &in->w, &s, &why);
			free(why);
			assert_int_equal(allowed, by_rules || (in->rank[i][j] > 0 && !banned));
			in->weight[i][j] = !allowed ? -1 : s + (any && in->rank[i][j] > 0 ?
			    (4 - in->rank[i][j]) * c : 0);
		}
	}
}

static void brute(const struct inst *in, size_t e, int *load, long pairs, long total,
    long *best_pairs, long *best_total)
{
	size_t m;

	if (e == in->n_e) {
		if (pairs > *best_pairs || (pairs == *best_pairs && total > *best_total)) {
			*best_pairs = pairs;
			*best_total = total;
		}
		return;
	}
	brute(in, e + 1, load, pairs, total, best_pairs, best_total);
	for (m = 0; m < in->n_m; m++) {
		if (in->weight[m][e] < 0 || load[m] >= in->m[m].capacity)
			continue;
		load[m]++;
		brute(in, e + 1, load, pairs + 1, total + in->weight[m][e], best_pairs, best_total);
		load[m]--;
	}
}

static void test_exhaustive(void **state)
{
	struct rng g = { 0x2545f4914f6cdd1du };
	struct inst in;
	struct match_result r;
	int k, load[5], honoured = 0, passed_over = 0;
	size_t i;

	(void)state;
	for (k = 0; k < 1500; k++) {
		long bp = 0, bt = 0, total = 0;

		inst_random(&in, &g);
		memset(load, 0, sizeof(load));
		brute(&in, 0, load, 0, 0, &bp, &bt);
		assert_int_equal(match_propose(in.m, in.n_m, in.e, in.n_e, &in.w, &r), 0);
		for (i = 0; i < r.n_pairs; i++) {
			const struct match_pair *p = &r.pairs[i];

			assert_true(in.weight[p->mentor][p->mentee] >= 0);
			assert_int_equal(p->choice, in.rank[p->mentor][p->mentee]);
			assert_true(++load[p->mentor] <= in.m[p->mentor].capacity);
			total += in.weight[p->mentor][p->mentee];
			honoured += p->choice == 1;
			passed_over += p->choice == 0 && in.e[p->mentee].choices[0] != 0 &&
			    in.e[p->mentee].choices[0] < 105;
		}
		if ((long)r.n_pairs != bp || total != bt)
			fail_msg("instance %d: %zu pairs, weight %ld; optimum %ld, %ld", k, r.n_pairs,
			    total, bp, bt);
		match_result_free(&r);
	}
	/* the instances are not trivial: choices honoured, and some passed over */
	assert_true(honoured > 200 && passed_over > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice_over_score),
		cmocka_unit_test(test_pairs_first),
		cmocka_unit_test(test_ranks),
		cmocka_unit_test(test_choice_keeps_the_bans),
		cmocka_unit_test(test_ended_partner),
		cmocka_unit_test(test_exhaustive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
