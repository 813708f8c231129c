/* committee: the committee's commands, from the shell and by mail: the
 * command table, the report of each line, the confirmation round trip for
 * mail that is not authenticated, and the pairs' life they drive. */
#include "fixture.h"

static void test_without_cohort(void **state)
{
	struct fx *f = *state;

	fx_expect_report(f, "cohort open 2027", "cohort open: 2026 is still open; close it first");
	fx_expect_report(f, "cohort close", "cohort close: 2026 is closed");
	fx_expect_report(f, "match", "match: no cohort is open (cohort open NAME starts one)");
	fx_expect_report(f, "approve all", "approve: no cohort is open");
	fx_expect_report(f, "cohort open 2026", "a cohort named 2026 existed already");
	fx_expect_report(f, "cohort open 2027", "cohort open: 2027 is open");
	fx_expect_report(f, "approve all", "approve: no proposal is waiting (send match first)");
}

static void test_match_proposes_and_approve_introduces(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	fx_applicant(f, "eve@example.org", FX_EVE);
	fx_expect_report(f, "match", "match: a proposal of 1 pair sent to the committee; 1 without a partner");
	fx_out(f, "proposal", NULL, &o);
	assert_non_null(strstr(o.to, "chair@example.org"));
	assert_non_null(strstr(o.to, "vice@example.org"));
	assert_string_equal(o.ref_kind, "proposal");
	assert_non_null(strstr(o.data, "Alice Martin"));
	fx_out_deinit(&o);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'proposed'"), 1);
	assert_int_equal(fx_count(f, "introduction"), 0);
	fx_expect_report(f, "approve 7", "approve 7: the latest proposal has no pair 7 waiting for a decision");
	fx_expect_report(f, "approve all", "approve 1: pair 1 approved: Alice Martin and Chlo");
	fx_out(f, "introduction", "alice@example.org", &o);
	assert_non_null(strstr(o.to, "chloe@example.org"));
	/* no shared language: both */
	assert_non_null(strstr(o.data, "Content-Language: en, fr"));
	assert_string_equal(o.ref_kind, "pair");
	fx_out_deinit(&o);
	/* Eve is told she has no partner, once */
	assert_int_equal(fx_count(f, "waitlist"), 1);
	assert_true(fx_out_has(f, "waitlist", "eve@example.org", "No partner this time"));
	fx_expect_report(f, "match", "match: a proposal of 0 pairs");
	fx_expect_report(f, "approve all", "the proposal is settled");
	assert_int_equal(fx_count(f, "waitlist"), 1);
	/* the audit log names the actor */
	assert_true(fx_int(f, "SELECT count(*) FROM audit WHERE actor = 'test'") >= 4);
}

static void test_reject_and_a_newer_proposal(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	free(fx_command(f, "match"));
	/* a second match replaces the first proposal */
	fx_expect_report(f, "match", "a proposal of 1 pair sent");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'rejected'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM proposals WHERE status = 'closed'"), 1);
	fx_expect_report(f, "reject 1", "reject 1: pair rejected");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'rejected'"), 2);
	assert_int_equal(fx_count(f, "introduction"), 0);
	assert_int_equal(fx_count(f, "waitlist"), 2);
}

static void test_pair_and_unpair(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "eve@example.org", FX_EVE);
	fx_expect_report(f, "pair eve@example.org alice@example.org",
	    "pair: eve@example.org has no confirmed mentor application in this cohort");
	fx_expect_report(f, "pair alice@example.org eve@example.org",
	    "pair: pair 1 approved: Alice Martin and Eve Adams introduced");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"
	    " AND reasons = 'paired by the committee'"), 1);
	fx_expect_report(f, "pair alice@example.org eve@example.org",
	    "pair: not paired: Eve Adams is in pair 1 already");
	/* a refusal makes no pair: no number is lost */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs"), 1);
	fx_expect_report(f, "unpair 9 gone", "unpair 9: no such active pair");
	fx_expect_report(f, "unpair 1 they asked", "unpair 1: Alice Martin and Eve Adams are no longer paired");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'ended'"
	    " AND end_reason = 'they asked'"), 1);
	assert_int_equal(fx_count(f, "withdrawn"), 2);
	/* the reason stays with the committee */
	assert_false(fx_out_has(f, "withdrawn", "eve@example.org", "they asked"));
}

static void test_approve_refuses_a_withdrawn_person(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	free(fx_command(f, "match"));
	assert_int_equal(store_exec(f->st, "UPDATE applications SET status = 'withdrawn' WHERE id = 2",
	    NULL), 0);
	fx_expect_report(f, "approve all", "approve 1: not approved: Chlo");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'rejected'"), 1);
	assert_int_equal(fx_count(f, "introduction"), 0);
}

static void test_close_case(void **state)
{
	struct fx *f = *state;

	fx_handle(f, fx_msg(f, "eve@example.org", "issue", "A question.\n"));
	fx_expect_report(f, "close 1", "close 1: case closed");
	fx_expect_report(f, "close 1", "close 1: no such open case");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases WHERE status = 'closed'"), 1);
}

static void test_cohort_close_asks_feedback(void **state)
{
	struct fx *f = *state;

	fx_paired(f);
	fx_expect_report(f, "cohort close", "participants were asked for feedback");
	assert_int_equal(fx_count(f, "feedback"), 2);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'ended'"
	    " AND end_reason = 'cohort closed'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cohorts WHERE status = 'closed'"), 1);
}

static void test_by_mail_authenticated(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	assert_int_equal(fx_handle(f, fx_mail(f, "chair@example.org", "commands",
	    "match\nnonsense here\n\nclose 5\n", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "committee commands run");
	fx_out(f, "command-result", "chair@example.org", &o);
	assert_non_null(strstr(o.data, "> match"));
	assert_non_null(strstr(o.data, "not a command; nothing done"));
	assert_non_null(strstr(o.data, "close 5: no such open case"));
	fx_out_deinit(&o);
}

static void test_by_mail_unauthenticated_is_confirmed_first(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	assert_int_equal(fx_handle(f, fx_msg(f, "chair@example.org", "match", "")), 0);
	assert_string_equal(f->h.outcome, "committee commands held for confirmation");
	assert_true(fx_out_has(f, "confirm-request", "chair@example.org", "match"));
	assert_int_equal(fx_count(f, "proposal"), 0);
	/* someone else's reply does nothing: the request was not sent to them,
	 * so it is no answer of theirs */
	assert_int_equal(fx_handle(f, fx_reply_as(f, "vice@example.org", "chair@example.org",
	    "confirm-request", "ok\n", NULL)), 0);
	assert_string_equal(f->h.outcome, "left for the committee: not understood");
	assert_int_equal(fx_count(f, "proposal"), 0);
	assert_int_equal(fx_handle(f, fx_reply(f, "chair@example.org", "confirm-request", "ok\n",
	    NULL)), 0);
	assert_string_equal(f->h.outcome, "confirmed committee commands run");
	assert_int_equal(fx_count(f, "proposal"), 1);
	assert_int_equal(fx_count(f, "command-result"), 1);
}

static void test_reply_to_a_proposal_runs_its_lines(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	free(fx_command(f, "match"));
	assert_int_equal(fx_handle(f, fx_reply(f, "chair@example.org", "proposal", "approve all\n",
	    FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "committee commands run");
	assert_int_equal(fx_count(f, "introduction"), 1);
	/* from someone who is not a member, a reply to a proposal is not a command */
	assert_int_equal(fx_handle(f, fx_reply_as(f, "eve@example.org", "chair@example.org", "proposal",
	    "approve all\n", NULL)), 0);
	assert_string_equal(f->h.class_name, "human");
}

static void test_digest_and_status(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_paired(f);
	fx_expect_report(f, "status", "Cohort 2026");
	fx_expect_report(f, "digest", "digest: sent to the committee");
	fx_out(f, "digest", NULL, &o);
	assert_non_null(strstr(o.to, "vice@example.org"));
	assert_non_null(strstr(o.data, "Alice Martin"));
	fx_out_deinit(&o);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_without_cohort),
		T(test_match_proposes_and_approve_introduces),
		T(test_reject_and_a_newer_proposal),
		T(test_pair_and_unpair),
		T(test_approve_refuses_a_withdrawn_person),
		T(test_close_case),
		T(test_cohort_close_asks_feedback),
		T(test_by_mail_authenticated),
		T(test_by_mail_unauthenticated_is_confirmed_first),
		T(test_reply_to_a_proposal_runs_its_lines),
		T(test_digest_and_status),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
