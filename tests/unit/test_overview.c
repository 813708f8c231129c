/* overview: the committee's view of the state, read from the tables: each
 * section, the capped lists, and never a case's text. */
#include "fixture.h"

#include "overview.h"

static char *render(struct fx *f)
{
	struct buf b;

	buf_init(&b, 4u * 1024 * 1024);
	buf_add(&b, "", 0);
	assert_int_equal(overview_render(&f->e, &b), 0);
	return buf_steal(&b);
}

static void expect(const char *text, const char *want)
{
	if (strstr(text, want) == NULL)
		fail_msg("expected \"%s\" in:\n%s", want, text);
}

static void test_sections(void **state)
{
	struct fx *f = *state;
	char *t;

	fx_paired(f);
	fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE));
	t = render(f);
	expect(t, "Cohort 2026\n");
	expect(t, "awaiting the applicant's confirmation  1\n");
	expect(t, "confirmed mentors                      1 (room for 2 mentees)\n");
	expect(t, "confirmed mentees                      1 (1 paired, 0 waiting)\n");
	expect(t, "  Eve Adams                 mentee   HR                  pending     2026-03-02\n");
	expect(t, "  1     Alice Martin            Chlo\xc3\xa9 Petit             2026-03-02  -\n");
	expect(t, "Training\n  (no training planned)\n");
	expect(t, "answers this week: none\n");
	expect(t, "Open cases (the text is in each case's notice)\n");
	expect(t, "Messages that could not be delivered: 0\n");
	free(t);
}

static void test_cases_by_number_never_by_text(void **state)
{
	struct fx *f = *state;
	char *t;

	fx_handle(f, fx_msg(f, "eve@example.org", "issue", "My manager shouts at me.\n"));
	fx_days(f, 3);
	t = render(f);
	expect(t, "  1       2026-03-02  3 d     open\n");
	assert_null(strstr(t, "shouts"));
	free(t);
}

static void test_problems_and_human_mail(void **state)
{
	struct fx *f = *state;
	char *t;

	assert_int_equal(store_exec(f->st, "INSERT INTO people(address, bouncing, bounce_info,"
	    " created_at) VALUES('gone@example.net', 1, '5.1.1: no such user', ?)", "t", f->e.now), 0);
	fx_handle(f, fx_msg(f, "Bob <bob@example.net>", "Lunch?", "Are you free?\n"));
	t = render(f);
	expect(t, "gone@example.net                5.1.1: no such user\n");
	expect(t, "bob@example.net                 Lunch?\n");
	free(t);
}

static void test_long_lists_say_what_they_left_out(void **state)
{
	struct fx *f = *state;
	char *t, address[32];
	int i;

	for (i = 0; i < 203; i++) {
		snprintf(address, sizeof(address), "b%03d@example.net", i);
		assert_int_equal(store_exec(f->st, "INSERT INTO people(address, bouncing, created_at)"
		    " VALUES(?, 1, 0)", "s", address), 0);
	}
	t = render(f);
	expect(t, "  ... and 3 more\n");
	free(t);
}

static void test_no_cohort(void **state)
{
	struct fx *f = *state;
	char *t;

	free(fx_command(f, "cohort close"));
	t = render(f);
	expect(t, "No cohort is open (the last one was 2026).\n");
	free(t);
}

/* An open cohort is compared with the one before, at the same point of
 * its call; the first cohort has nothing to be compared with. */
static void test_compared_with_the_previous_cohort(void **state)
{
	struct fx *f = *state;
	char *t;

	t = render(f);
	assert_null(strstr(t, "Compared with"));
	free(t);
	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_days(f, 3);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	fx_days(f, 17);
	fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE));
	fx_days(f, 180);
	free(fx_command(f, "cohort close"));
	f->e.now = FX_NOW + 365 * FX_DAY;
	fx_cohort(f, "2027");
	fx_days(f, 1);
	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_days(f, 8);
	t = render(f);
	expect(t, "Cohort 2027\n\nCompared with the previous cohort (week 2 of the call)\n"
	    "  applications so far                   1 (mentors 1, mentees 0)\n"
	    "  cohort 2026 at the same point         2 (mentors 1, mentees 1; 3 in all)\n\n");
	free(t);
	/* the digest shows it too */
	free(fx_command(f, "digest"));
	assert_true(fx_out_has(f, "digest", "chair@example.org", "cohort 2026 at the same point"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_sections),
		T(test_cases_by_number_never_by_text),
		T(test_problems_and_human_mail),
		T(test_long_lists_say_what_they_left_out),
		T(test_no_cohort),
		T(test_compared_with_the_previous_cohort),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
