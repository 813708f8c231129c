/* consent: with [matching] consent = yes, an approved pair is introduced
 * only once both sides have said yes; a no, or silence after one
 * reminder, ends it: the other side learns only that it will not go
 * ahead, the committee who, and match never proposes it again. */
#include "fixture.h"

#include "report.h"
#include "sched.h"

static int setup(void **state)
{
	struct fx *f = fx_new("[matching]\nconsent = yes\n");

	fx_cohort(f, "2026");
	fx_applicant(f, "Alice Martin <alice@example.org>", FX_ALICE);
	fx_applicant(f, "chloe@example.org", FX_CHLOE);
	free(fx_command(f, "match"));
	*state = f;
	return 0;
}

static void run_at(struct fx *f, double days)
{
	f->e.now = FX_NOW + (time_t)(days * FX_DAY);
	assert_int_equal(sched_run(&f->e), 0);
}

static int64_t status_is(struct fx *f, const char *status)
{
	int64_t n = 0;

	assert_int_equal(store_query_int(f->st, &n, "SELECT count(*) FROM pairs WHERE status = ?", "s",
	    status), 0);
	return n;
}

static void test_both_yes(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	fx_expect_report(f, "approve all", "are asked to agree before the introduction");
	assert_int_equal(status_is(f, "consent"), 1);
	assert_int_equal(fx_count(f, "consent"), 2);
	assert_int_equal(fx_count(f, "introduction"), 0);
	assert_int_equal(fx_count(f, "waitlist"), 0);
	/* each sees the other's anonymous profile, in her language */
	fx_out(f, "consent", "chloe@example.org", &o);
	assert_string_equal(o.ref_kind, "consent");
	assert_non_null(strstr(o.data, "Domaine : Software"));
	assert_null(strstr(o.data, "Alice"));
	assert_null(strstr(o.data, "alice@"));
	fx_out_deinit(&o);
	fx_out(f, "consent", "alice@example.org", &o);
	assert_null(strstr(o.data, "Chlo"));
	assert_null(strstr(o.data, "chloe@"));
	fx_out_deinit(&o);
	/* words are no answer */
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "consent", "Who is it?", NULL)), 0);
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "consent", "Yes, gladly", NULL)), 0);
	assert_int_equal(fx_count(f, "introduction"), 0);
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "consent", "oui", NULL)), 0);
	assert_int_equal(fx_count(f, "introduction"), 1);
	assert_int_equal(status_is(f, "active"), 1);
	/* nothing more: no reminder, no end */
	run_at(f, 10);
	assert_int_equal(fx_count(f, "consent-nudge"), 0);
	assert_int_equal(fx_count(f, "consent-closed"), 0);
}

static void test_yes_then_no(void **state)
{
	struct fx *f = *state;
	struct fx_out o;
	char *out;

	free(fx_command(f, "approve all"));
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "consent", "yes", NULL)), 0);
	/* from another address: not hers */
	assert_int_equal(fx_handle(f, fx_reply_as(f, "alice@example.org", "chloe@example.org",
	    "consent", "non", NULL)), 0);
	assert_int_equal(status_is(f, "consent"), 1);
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "consent", "Non merci", NULL)), 0);
	assert_int_equal(status_is(f, "declined"), 1);
	assert_int_equal(fx_count(f, "introduction"), 0);
	/* Alice learns only that it will not go ahead */
	assert_int_equal(fx_count(f, "consent-closed"), 1);
	fx_out(f, "consent-closed", "alice@example.org", &o);
	assert_null(strstr(o.data, "Chlo"));
	assert_null(strstr(o.data, "declin"));
	assert_null(strstr(o.data, "no answer"));
	fx_out_deinit(&o);
	/* the committee, who */
	assert_true(fx_out_has(f, "consent-declined", "chair@example.org", "answered no"));
	assert_true(fx_out_has(f, "consent-declined", NULL, "(mentee)"));
	/* an answer now changes nothing */
	assert_int_equal(fx_handle(f, fx_reply(f, "chloe@example.org", "consent", "oui", NULL)), 0);
	assert_int_equal(status_is(f, "declined"), 1);
	/* both are back among those waiting; the pair is never proposed again */
	out = fx_command(f, "match");
	assert_non_null(strstr(out, "a proposal of 0 pairs"));
	free(out);
	assert_true(fx_out_has(f, "proposal", NULL, "not proposed again with"));
}

static void test_silence(void **state)
{
	struct fx *f = *state;

	free(fx_command(f, "approve all"));
	assert_int_equal(fx_handle(f, fx_reply(f, "alice@example.org", "consent", "yes", NULL)), 0);
	run_at(f, 2.9);
	assert_int_equal(fx_count(f, "consent-nudge"), 0);
	run_at(f, 3);
	assert_int_equal(fx_count(f, "consent-nudge"), 1);
	assert_true(fx_out_has(f, "consent-nudge", "chloe@example.org", "Domaine : Software"));
	run_at(f, 5.9);
	assert_int_equal(fx_count(f, "consent-nudge"), 1);
	assert_int_equal(status_is(f, "consent"), 1);
	run_at(f, 6);
	assert_int_equal(status_is(f, "declined"), 1);
	assert_int_equal(fx_count(f, "consent-closed"), 1);
	assert_true(fx_out_has(f, "consent-closed", "alice@example.org", "will not go ahead"));
	assert_true(fx_out_has(f, "consent-declined", NULL, "no answer from"));
	run_at(f, 12);
	assert_int_equal(fx_count(f, "consent-nudge"), 1);
	assert_int_equal(fx_count(f, "consent-declined"), 1);
	/* the edition report counts it, under its disclosure rules */
	{
		struct report r;
		struct buf text, csv;

		buf_init(&text, 1u << 20);
		buf_init(&csv, 1u << 20);
		buf_add(&text, "", 0);
		buf_add(&csv, "", 0);
		assert_int_equal(report_load(&f->e, fx_int(f, "SELECT id FROM cohorts"), &r), 0);
		assert_int_equal(r.consents_declined, 1);
		assert_int_equal(r.pairs, 0);
		report_text(&r, &text);
		report_csv(&r, &csv);
		assert_non_null(strstr(text.s, "Choice, consent and repair"));
		assert_non_null(strstr(text.s, "did not go ahead (consent)"));
		assert_null(strstr(text.s, "Chlo"));
		assert_non_null(strstr(csv.s, "\"choice, consent and repair\",did not go ahead (consent),"
		    "fewer than 3"));
		report_deinit(&r);
		buf_deinit(&text);
		buf_deinit(&csv);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_both_yes, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yes_then_no, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_silence, setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
