/* applicant: what applicants ask by email, through the dispatcher as the
 * daemon runs it: apply, confirm, update, status, withdraw, issue, forget. */
#include "fixture.h"

static void test_apply_asks_confirmation_in_the_writers_language(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "candidature", FX_CHLOE)), 0);
	fx_out(f, "confirm-request", "chloe@example.org", &o);
	assert_non_null(strstr(o.data, "Content-Language: fr"));
	assert_non_null(strstr(o.subject, "[MT-"));
	assert_string_equal(o.ref_kind, "application");
	assert_int_equal(o.ref_id, 1);
	assert_true(o.person_id > 0);
	fx_out_deinit(&o);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE language = 'fr'"), 1);
}

static void test_form_errors_store_nothing(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "gus@example.org", "apply",
	    "Role: both\nDepartment: IT\nCapacity: lots\n")), 0);
	assert_string_equal(f->h.outcome, "form with errors answered; nothing stored");
	assert_true(fx_out_has(f, "form-errors", "gus@example.org", "Name"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications"), 0);
	/* "apply" without any form says so (to a sender who answers what he
	 * was sent: one message is all an unproven address gets) */
	{
		struct fx_out o;

		fx_out(f, "form-errors", "gus@example.org", &o);
		assert_int_equal(fx_handle(f, fx_mail(f, "gus@example.org", "apply", "Here I am\n",
		    o.message_id, NULL)), 0);
		fx_out_deinit(&o);
	}
	assert_true(fx_out_has(f, "form-errors", "gus@example.org", "No application form was found"));
}

static void test_no_open_cohort(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, "cohort close"));
	assert_int_equal(fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE)), 0);
	assert_string_equal(f->h.outcome, "application while no cohort is open; told so");
	assert_true(fx_out_has(f, "status", "eve@example.org", "not open yet"));
}

static void test_confirm_by_token_and_only_from_the_address(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *subject;

	fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE));
	fx_out(f, "confirm-request", "eve@example.org", &o);
	/* a forger quoting the token confirms nothing */
	subject = xasprintf("confirm %s", strstr(o.subject, "MT-"));
	subject[strlen(subject) - 1] = '\0';
	assert_int_equal(fx_handle(f, fx_msg(f, "mallory@example.net", subject, "")), 0);
	assert_string_equal(f->h.outcome, "left for the committee: confirmation from another address");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'pending'"), 1);
	assert_int_equal(fx_handle(f, fx_msg(f, "Eve@Example.org", subject, "")), 0);
	assert_string_equal(f->h.outcome, "application #1 confirmed");
	/* once more: already confirmed, nothing sent again */
	assert_int_equal(fx_handle(f, fx_msg(f, "eve@example.org", subject, "")), 0);
	assert_string_equal(f->h.outcome, "already confirmed");
	assert_int_equal(fx_count(f, "confirmed"), 1);
	free(subject);
	fx_out_deinit(&o);
}

static void test_a_long_confirmation_is_also_left_for_a_person(void **state)
{
	struct fx *f = *state;
	struct buf b;
	int i;

	buf_init(&b, 4096);
	for (i = 0; i < 30; i++)
		buf_adds(&b, "word ");
	fx_handle(f, fx_msg(f, "eve@example.org", "apply", FX_EVE));
	assert_int_equal(fx_handle(f, fx_reply(f, "eve@example.org", "confirm-request", b.s, NULL)), 0);
	assert_string_equal(f->h.outcome, "application #1 confirmed");
	assert_int_equal(f->h.needs_flag, 0);
	buf_deinit(&b);
}

static void test_apply_again_updates_and_one_role_a_cohort(void **state)
{
	struct fx *f = *state;

	fx_applicant(f, "eve@example.org", FX_EVE);
	/* a message the receiving server vouches for changes it at once */
	assert_int_equal(fx_handle(f, fx_mail(f, "eve@example.org", "apply",
	    "Role: mentee\nName: Eve Adams\nDepartment: Legal\nField: Law\n", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "application sent again: updated");
	assert_true(fx_out_has(f, "confirmed", "eve@example.org", "Legal"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications"), 1);
	assert_int_equal(fx_handle(f, fx_msg(f, "eve@example.org", "apply",
	    "Role: mentor\nName: Eve Adams\nDepartment: HR\nField: Law\n")), 0);
	assert_string_equal(f->h.outcome, "second role refused");
	assert_int_equal(fx_count(f, "form-errors"), 1);
}

static void test_update(void **state)
{
	struct fx *f = *state;

	/* without an application: the status says so (the receiving server
	 * vouches for her, so that she may be written to again) */
	assert_int_equal(fx_handle(f, fx_mail(f, "eve@example.org", "update", "Field: Tax\n", NULL,
	    FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "update without an application; status sent");
	fx_applicant(f, "eve@example.org", FX_EVE);
	assert_int_equal(fx_handle(f, fx_mail(f, "eve@example.org", "update",
	    "Field: Tax law\nLanguage: fr\n", NULL, FX_DKIM_OK)), 0);
	assert_string_equal(f->h.outcome, "application updated");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE field = 'Tax law'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE language = 'fr'"), 1);
	assert_true(fx_out_has(f, "confirmed", "eve@example.org", "Content-Language: fr"));
	assert_int_equal(fx_handle(f, fx_msg(f, "eve@example.org", "update", "nothing here\n")), 0);
	assert_true(fx_out_has(f, "form-errors", "eve@example.org", "No \"Key: value\" line"));
}

static void test_status(void **state)
{
	struct fx *f = *state;

	fx_paired(f);
	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "statut", "")), 0);
	assert_string_equal(f->h.outcome, "status sent");
	assert_true(fx_out_has(f, "status", "chloe@example.org", "Alice Martin"));
	assert_true(fx_out_has(f, "status", "chloe@example.org", "Content-Language: fr"));
}

static void test_withdraw_tells_the_partner_and_the_committee(void **state)
{
	struct fx *f = *state;

	fx_paired(f);
	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "retrait", "")), 0);
	assert_string_equal(f->h.outcome, "withdrawal asked; confirmation requested");
	assert_true(fx_out_has(f, "confirm-request", "chloe@example.org", "retrait") ||
	    fx_out_has(f, "confirm-request", "chloe@example.org", "Content-Language: fr"));
	/* nothing changes before the confirmation */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'active'"), 1);
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "confirm-request", "oui\n",
	    NULL)), 0);
	assert_string_equal(f->h.outcome, "application #2 withdrawn");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'ended'"
	    " AND end_reason = 'withdrawal'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE status = 'withdrawn'"), 1);
	assert_true(fx_out_has(f, "withdrawn", "alice@example.org", "left the"));
	assert_true(fx_out_has(f, "withdrawn", "chair@example.org", "has withdrawn"));
	assert_int_equal(fx_count(f, "withdrawn"), 3);
	/* the same confirmation again is settled */
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "confirm-request", "oui\n",
	    NULL)), 0);
	assert_string_equal(f->h.outcome, "already confirmed");
}

static void test_withdraw_without_application_sends_status(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_handle(f, fx_msg(f, "eve@example.org", "withdraw", "")), 0);
	assert_string_equal(f->h.outcome, "withdrawal without an application; status sent");
	assert_int_equal(fx_count(f, "status"), 1);
}

static void test_issue_opens_a_confidential_case(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_paired(f);
	assert_int_equal(fx_handle(f, fx_msg(f, "chloe@example.org", "issue: my mentor",
	    "We never manage to meet.\n")), 0);
	assert_string_equal(f->h.outcome, "case 1 opened");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM cases WHERE status = 'open' AND pair_id = 1"), 1);
	fx_out(f, "issue-ack", "chloe@example.org", &o);
	assert_null(strstr(o.data, "never manage"));
	fx_out_deinit(&o);
	fx_out(f, "issue-notice", NULL, &o);
	assert_non_null(strstr(o.data, "never manage to meet"));
	assert_non_null(strstr(o.data, "Alice Martin"));
	assert_non_null(strstr(o.to, "chair@example.org"));
	assert_null(strstr(o.to, "alice@example.org"));
	assert_non_null(strstr(o.data, "Reply-To: chloe@example.org"));
	assert_string_equal(o.ref_kind, "case");
	fx_out_deinit(&o);
}

static void test_forget_me_after_confirmation(void **state)
{
	struct fx *f = *state;

	fx_paired(f);
	assert_int_equal(fx_handle(f, fx_msg(f, "Alice Martin <alice@example.org>", "forget me", "")), 0);
	assert_string_equal(f->h.outcome, "erasure asked; confirmation requested");
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL"), 0);
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "confirm-request", "yes\n",
	    NULL)), 0);
	assert_string_equal(f->h.outcome, "personal data erased");
	assert_int_equal(fx_count(f, "erased"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL"
	    " AND address LIKE 'erased-%@invalid'"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM applications WHERE name IS NULL"
	    " AND status = 'withdrawn'"), 1);
	/* her partner heard of it */
	assert_true(fx_out_has(f, "withdrawn", "chloe@example.org", "Content-Language: fr"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM pairs WHERE status = 'ended'"), 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup_cohort, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_apply_asks_confirmation_in_the_writers_language),
		T(test_form_errors_store_nothing),
		T(test_no_open_cohort),
		T(test_confirm_by_token_and_only_from_the_address),
		T(test_a_long_confirmation_is_also_left_for_a_person),
		T(test_apply_again_updates_and_one_role_a_cohort),
		T(test_update),
		T(test_status),
		T(test_withdraw_tells_the_partner_and_the_committee),
		T(test_withdraw_without_application_sends_status),
		T(test_issue_opens_a_confidential_case),
		T(test_forget_me_after_confirmation),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
