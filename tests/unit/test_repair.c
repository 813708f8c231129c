/* repair: a pair to repair in the digest after a check-in "end", the
 * committee's rematch (neutral words to both, capacity freed, the mentee
 * back ahead of newcomers), and the next match never pairing them again. */
#include "fixture.h"

#include "sched.h"

/* The digest sent now, as the committee reads it: "to repair" is there. */
static char *digest(struct fx *f)
{
	free(fx_command(f, "digest"));
	return fx_out_read(f, "digest", NULL);
}

static void run_at(struct fx *f, double days)
{
	f->e.now = FX_NOW + (time_t)(days * FX_DAY);
	assert_int_equal(sched_run(&f->e), 0);
}

static void test_rematch(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *status;
	int64_t pair = fx_int(f, "SELECT id FROM pairs WHERE status = 'active'");

	/* Chloé answers a check-in "fin": a pair to repair */
	run_at(f, 14);
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "checkin", "fin\n", NULL)), 0);
	status = digest(f);
	assert_non_null(strstr(status, "To repair"));
	assert_non_null(strstr(status, "check-in: end"));
	free(status);
	/* refusals */
	fx_expect_report(f, "rematch", "rematch: expected one pair number, like rematch 3");
	fx_expect_report(f, "rematch 99", "rematch 99: no such active pair");
	/* the rematch, in French words */
	fx_expect_report(f, "r\xc3\xa9" "apparier 1", "are no longer paired, without blame");
	assert_int_equal(fx_count(f, "rematch"), 2);
	fx_out(f, "rematch", "chloe@example.org", &o);
	assert_non_null(strstr(o.data, "Content-Language: fr"));
	assert_non_null(strstr(o.data, "personne"));
	fx_out_deinit(&o);
	/* nothing says who asked for the end, or how */
	assert_false(fx_out_has(f, "rematch", "alice@example.org", "heck"));
	assert_false(fx_out_has(f, "rematch", "chloe@example.org", "bilan"));
	assert_true(fx_out_has(f, "rematch", "alice@example.org", "no one's fault"));
	assert_true(fx_out_has(f, "rematch", "alice@example.org", "Your place is free again"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'ended'"
	    " AND rematched_at IS NOT NULL"), 1);
	(void)pair;
	status = digest(f);
	assert_null(strstr(status, "To repair"));
	free(status);
	/* done once */
	fx_expect_report(f, "rematch 1", "rematch 1: no such active pair");
	assert_int_equal(fx_count(f, "rematch"), 2);
}

/* The next match: never Alice again for Chloé; Chloé ahead of a newcomer
 * of an equal score for the one place left. */
static void test_rematched_mentee_paired_again(void **state)
{
	struct fx *f = *state;
	char *out;

	free(fx_command(f, "rematch 1"));
	fx_applicant(f, "Dana Roy <dana@example.org>",
	    "Role: mentee\nName: Dana Roy\nDepartment: IT\nField: Software\nLanguage: fr\n");
	fx_applicant(f, "Bob Stone <bob@example.org>",
	    "Role: mentor\nName: Bob Stone\nDepartment: IT\nField: Software\nLanguage: en\n");
	out = fx_command(f, "match");
	assert_non_null(strstr(out, "a proposal of 2 pairs"));
	free(out);
	/* Alice takes Dana (Chloé may not have her again); Bob takes Chloé */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs p JOIN applications m"
	    " ON m.id = p.mentor_app JOIN applications t ON t.id = p.mentee_app"
	    " WHERE p.status = 'proposed' AND m.name = 'Bob Stone'"
	    " AND t.name = 'Chlo\xc3\xa9 Petit'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'proposed' AND reasons"
	    " LIKE '%not proposed again with Alice Martin: their pairing in this cohort ended"
	    " or did not go ahead%'"), 1);
}

/* Dana applied before Chloé, and waits; once Chloé is back from a
 * rematch, she comes first for the one place left at an equal score. */
static void test_rematched_mentee_first(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Dana Roy <dana@example.org>",
	    "Role: mentee\nName: Dana Roy\nDepartment: Finance\nField: Law\nLanguage: fr\n");
	fx_paired(f);
	free(fx_command(f, "rematch 1"));
	assert_int_equal(fx_handle(f, fx_msg(f, "dana@example.org", "update",
	    "Department: IT\nField: Software\n")), 0);
	fx_applicant(f, "Bob Stone <bob@example.org>",
	    "Role: mentor\nName: Bob Stone\nDepartment: IT\nField: Software\nLanguage: fr\n");
	assert_int_equal(store_exec(f->st, "UPDATE applications SET status = 'withdrawn'"
	    " WHERE name = 'Alice Martin'", NULL), 0);
	free(fx_command(f, "match"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'proposed'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs p JOIN applications t"
	    " ON t.id = p.mentee_app WHERE p.status = 'proposed' AND t.name = 'Chlo\xc3\xa9 Petit'"), 1);
}

/* The fit check after the first check-in that reports a meeting: each
 * asked privately, answers for the committee only. */
static void test_fit_check_after_a_meeting(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *status;
	int64_t to_alice;

	run_at(f, 14);
	assert_int_equal(fx_count(f, "fit-check"), 0);
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "checkin", "met\n", NULL)), 0);
	run_at(f, 14.1);
	assert_int_equal(fx_count(f, "fit-check"), 2);
	fx_out(f, "fit-check", "chloe@example.org", &o);
	assert_string_equal(o.ref_kind, "fit");
	assert_non_null(strstr(o.data, "pas le bon choix"));
	assert_non_null(strstr(o.data, "Alice Martin"));
	fx_out_deinit(&o);
	run_at(f, 40);
	assert_int_equal(fx_count(f, "fit-check"), 2); /* once */
	to_alice = fx_int(f, "SELECT count(*) FROM outbound WHERE envelope_to LIKE '%alice%'");
	/* Chloé: not a fit; nothing goes to Alice */
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "fit-check",
	    "Pas le bon choix.\n", NULL)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE envelope_to LIKE '%alice%'"),
	    to_alice);
	/* words that are no answer: left for a person, nothing recorded */
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "fit-check",
	    "Hard to say, we met once.\n", NULL)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM fits WHERE answer IS NOT NULL"), 1);
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "fit-check",
	    "Good fit, thanks!\n", NULL)), 0);
	status = digest(f);
	assert_non_null(strstr(status, "To repair"));
	assert_non_null(strstr(status, "not a fit: mentee"));
	assert_non_null(strstr(status, "Fit check (confidential)"));
	assert_non_null(strstr(status, "good fit not a fit"));
	free(status);
	/* from another address: not hers */
	assert_int_equal(fx_handle(f, fx_reply_as(f, "alice@example.org", "chloe@example.org",
	    "fit-check", "bon choix", NULL)), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM fits WHERE answer = 'not'"), 1);
}

/* No meeting reported: the fit check comes fit_check_weeks after the
 * introduction. */
static void test_fit_check_after_weeks(void **state)
{
	struct fx *f = *state;

	run_at(f, 27.9);
	assert_int_equal(fx_count(f, "fit-check"), 0);
	run_at(f, 28);
	assert_int_equal(fx_count(f, "fit-check"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rematch, fx_setup_paired, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rematched_mentee_paired_again, fx_setup_paired,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_rematched_mentee_first, fx_setup_cohort, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fit_check_after_a_meeting, fx_setup_paired, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fit_check_after_weeks, fx_setup_paired, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
