/* choosing: anonymous profiles sent by the committee's "profiles", a
 * mentee's ranked choice replied and changed, what is refused, the
 * digest's view, and match following the choice. */
#include "fixture.h"

#define ALICE "Alice Martin <alice@example.org>"
#define BEA "B\xc3\xa9" "a Morel <bea@example.org>"
#define EVE "Eve Adams <eve@example.org>"
#define ZOE "Zo\xc3\xa9 Roux <zoe@example.org>"

static const char ALICE_FORM[] = "Role: mentor\nName: Alice Martin\nDepartment: IT\n"
    "Field: Software\nTopics: leadership\nAbout: Twenty years in IT; ask Eve Adams about me.\n"
    "Capacity: 1\n";
static const char BEA_FORM[] = "R\xc3\xb4le : mentor\nNom : B\xc3\xa9" "a Morel\n"
    "D\xc3\xa9partement : IT\nDomaine : Software\nLangue : fr\n";
static const char ZOE_FORM[] = "R\xc3\xb4le : mentor\xc3\xa9" "e\nNom : Zo\xc3\xa9 Roux\n"
    "D\xc3\xa9partement : Finance\nDomaine : Comptabilit\xc3\xa9\n";

/* Two mentors (Alice, then Béa), two mentees (Eve, Zoé). */
static int64_t alice, bea, eve, zoe;

static void cast(struct fx *f)
{
	eve = fx_applicant(f, EVE, FX_EVE);
	alice = fx_applicant(f, ALICE, ALICE_FORM);
	bea = fx_applicant(f, BEA, BEA_FORM);
	zoe = fx_applicant(f, ZOE, ZOE_FORM);
}

/* A mentor is shown her profile when she confirms, without her name;
 * "about" names someone of the programme: withheld. */
static void test_mentor_sees_her_profile(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	cast(f);
	fx_out(f, "confirmed", "alice@example.org", &o);
	assert_non_null(strstr(o.data, "Mentees will choose"));
	assert_non_null(strstr(o.data, "  Field: Software"));
	assert_non_null(strstr(o.data, "  About: (not shown: this text names someone"));
	fx_out_deinit(&o);
	/* a mentee's confirmation says nothing of profiles */
	assert_false(fx_out_has(f, "confirmed", "eve@example.org", "anonymous profiles"));
}

static void test_profiles_sent_once_without_names(void **state)
{
	struct fx *f = *state;
	struct fx_out o;

	cast(f);
	fx_expect_report(f, "profiles", "profiles: 2 mentor profile(s) sent to 2 mentee(s)");
	assert_int_equal(fx_count(f, "profiles"), 2);
	fx_out(f, "profiles", "eve@example.org", &o);
	assert_string_equal(o.ref_kind, "profiles");
	assert_int_equal(o.ref_id, eve);
	assert_non_null(strstr(o.data, "Profile 1"));
	assert_non_null(strstr(o.data, "Profile 2"));
	assert_non_null(strstr(o.data, "Choices: 3, 7, 1"));
	assert_null(strstr(o.data, "Alice"));
	assert_null(strstr(o.data, "Martin"));
	assert_null(strstr(o.data, "Morel"));
	assert_null(strstr(o.data, "alice@"));
	assert_null(strstr(o.data, "bea@"));
	assert_null(strstr(o.data, "Department"));
	fx_out_deinit(&o);
	/* in her language */
	assert_true(fx_out_has(f, "profiles", "zoe@example.org", "Profil 2"));
	/* the numbers stay the mentors' */
	assert_int_equal(fx_int(f, "SELECT mentor_app FROM profiles WHERE number = 1"), alice);
	/* sent once */
	fx_expect_report(f, "profils", "had the profiles already");
	assert_int_equal(fx_count(f, "profiles"), 2);
}

static void test_choice_replied_changed_refused(void **state)
{
	struct fx *f = *state;
	char *status;

	cast(f);
	free(fx_command(f, "profiles"));
	/* a choice and a motivation */
	assert_int_equal(fx_handle(f, fx_reply(f, EVE, "profiles",
	    "Hello,\n\nChoices: 2, 1\nMotivation: I want to move to IT\n\nEve\n", NULL)), 0);
	assert_true(fx_out_has(f, "choices", "eve@example.org", "1st choice: profile 2"));
	assert_true(fx_out_has(f, "choices", "eve@example.org", "2nd choice: profile 1"));
	assert_int_equal(fx_int(f, "SELECT choice1 FROM choices WHERE mentee_app = (SELECT id FROM"
	    " applications WHERE name = 'Eve Adams')"), bea);
	/* refused: nothing changes, she is told why */
	assert_int_equal(fx_handle(f, fx_reply(f, EVE, "choices", "Choices: 9", NULL)), 0);
	assert_true(fx_out_has(f, "choices", "eve@example.org", "there is no profile 9"));
	assert_int_equal(fx_int(f, "SELECT choice2 FROM choices WHERE choice1 > 0"), alice);
	/* changed by a reply to the acknowledgement, in French words */
	assert_int_equal(fx_handle(f, fx_reply(f, ZOE, "profiles", "d'abord 1 puis 2", NULL)), 0);
	assert_true(fx_out_has(f, "choices", "zoe@example.org", "1er choix : profil 1"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM choices WHERE chosen_at IS NOT NULL"), 2);
	/* words that are no choice: left for a person, no answer */
	assert_int_equal(fx_handle(f, fx_reply(f, EVE, "profiles", "Thank you, I will think.",
	    NULL)), 0);
	assert_int_equal(fx_count(f, "choices"), 3);
	/* from another address: not hers */
	assert_int_equal(fx_handle(f, fx_reply_as(f, ALICE, "eve@example.org", "profiles",
	    "Choices: 1", NULL)), 0);
	assert_int_equal(fx_count(f, "choices"), 3);
	assert_int_equal(fx_int(f, "SELECT choice1 FROM choices WHERE mentee_app = (SELECT id FROM"
	    " applications WHERE name = 'Eve Adams')"), bea);
	/* the digest: who chose whom, and why */
	free(fx_command(f, "digest"));
	status = fx_out_read(f, "digest", NULL);
	assert_non_null(strstr(status, "Mentees' choices (profiles sent to 2, 2 chose)"));
	assert_non_null(strstr(status, "1. B\xc3\xa9" "a Morel, 2. Alice Martin"));
	assert_non_null(strstr(status, "why: I want to move to IT"));
	free(status);
	/* after choices_days, a new choice changes nothing */
	fx_days(f, 8);
	assert_int_equal(fx_handle(f, fx_reply(f, EVE, "profiles", "Choices: 1", NULL)), 0);
	assert_true(fx_out_has(f, "choices", "eve@example.org", "The time to choose ended"));
	assert_int_equal(fx_int(f, "SELECT choice1 FROM choices WHERE mentee_app = (SELECT id FROM"
	    " applications WHERE name = 'Eve Adams')"), bea);
}

/* match follows the choices: Eve (HR, law) gets Béa (IT, software),
 * whom the rules alone would not give her, as her 1st choice. */
static void test_match_follows_choices(void **state)
{
	struct fx *f = *state;

	cast(f);
	free(fx_command(f, "profiles"));
	assert_int_equal(fx_handle(f, fx_reply(f, EVE, "profiles", "Choices: 2", NULL)), 0);
	fx_expect_report(f, "match", "a proposal of");
	assert_true(fx_out_has(f, "proposal", NULL, "mentee's 1st choice"));
	assert_int_equal(fx_int(f, "SELECT mentor_app FROM pairs WHERE choice_rank = 1"), bea);
	assert_int_equal(fx_int(f, "SELECT mentee_app FROM pairs WHERE choice_rank = 1"), eve);
	(void)zoe;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mentor_sees_her_profile, fx_setup_cohort, fx_teardown),
		cmocka_unit_test_setup_teardown(test_profiles_sent_once_without_names, fx_setup_cohort,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_choice_replied_changed_refused, fx_setup_cohort,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_match_follows_choices, fx_setup_cohort, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
