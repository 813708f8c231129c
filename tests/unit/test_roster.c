/* roster: people, cohorts, applications and pairs over a temporary store;
 * above all, that a pair's status moves only along the legal transitions. */
#include "fixture.h"

#include "classify.h"
#include "form.h"
#include "roster.h"

struct rfx {
	struct fx *f;
	int64_t cohort, mentor, mentee;
};

static int64_t application(struct fx *f, int64_t cohort, const char *address, const char *text)
{
	struct application a;
	struct form fm;
	int64_t person = 0, id;

	form_init(&fm);
	assert_int_equal(form_parse(text, FORM_NEW, &fm), 1);
	assert_int_equal(fm.errors.n, 0);
	assert_int_equal(roster_person(&f->e, address, fm.name, fm.language, &person), 0);
	assert_int_equal(roster_application_new(&f->e, cohort, person, &fm, &a), 0);
	id = a.id;
	assert_string_equal(a.status, "pending");
	assert_int_equal(strlen(a.token), TOKEN_LEN);
	roster_application_deinit(&a);
	form_deinit(&fm);
	return id;
}

static int setup(void **state)
{
	struct rfx *r = xcalloc(1, sizeof(*r));
	char *name = NULL;

	r->f = fx_new(NULL);
	fx_cohort(r->f, "2026");
	assert_int_equal(roster_open_cohort(&r->f->e, &r->cohort, &name), 1);
	assert_string_equal(name, "2026");
	free(name);
	r->mentor = application(r->f, r->cohort, "alice@example.org", FX_ALICE);
	r->mentee = application(r->f, r->cohort, "chloe@example.org", FX_CHLOE);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rfx *r = *state;

	fx_free(&r->f);
	free(r);
	return 0;
}

static const char *status_of(struct fx *f, int64_t pair)
{
	static char s[16];
	char *v = NULL;

	assert_int_equal(store_query_text(f->st, &v, "SELECT status FROM pairs WHERE id = ?", "i",
	    pair), 0);
	str_copy(s, sizeof(s), v != NULL ? v : "(none)");
	free(v);
	return s;
}

static int64_t new_pair(struct rfx *r)
{
	int64_t id = 0;

	assert_int_equal(roster_pair_new(&r->f->e, &(struct pair_proposal){ .cohort_id = r->cohort,
	    .mentor_app = r->mentor, .mentee_app = r->mentee, .score = 0.5, .reasons = "test" },
	    &id), 0);
	assert_string_equal(status_of(r->f, id), "proposed");
	return id;
}

static void test_legal_moves(void **state)
{
	struct rfx *r = *state;
	int64_t pair = new_pair(r), got = 0, partner = 0;

	assert_int_equal(roster_active_pair_of(&r->f->e, r->mentor, &got, &partner), 0);
	assert_int_equal(roster_pair_move(&r->f->e, pair, PAIR_ACTIVE, NULL), 1);
	assert_string_equal(status_of(r->f, pair), "active");
	assert_int_equal(fx_int(r->f, "SELECT introduced_at FROM pairs"), FX_NOW);
	assert_int_equal(roster_active_pair_of(&r->f->e, r->mentor, &got, &partner), 1);
	assert_int_equal(got, pair);
	assert_int_equal(partner, r->mentee);
	assert_int_equal(roster_active_pair_of(&r->f->e, r->mentee, &got, &partner), 1);
	assert_int_equal(partner, r->mentor);
	assert_int_equal(roster_pair_move(&r->f->e, pair, PAIR_ENDED, "moved away"), 1);
	assert_string_equal(status_of(r->f, pair), "ended");
	assert_int_equal(fx_int(r->f, "SELECT count(*) FROM pairs WHERE end_reason = 'moved away'"
	    " AND ended_at IS NOT NULL"), 1);
}

static void test_illegal_moves_are_refused(void **state)
{
	struct rfx *r = *state;
	int64_t pair = new_pair(r), other = new_pair(r);

	/* proposed cannot end, nor go back to proposed */
	assert_int_equal(roster_pair_move(&r->f->e, pair, PAIR_ENDED, "x"), 0);
	assert_int_equal(roster_pair_move(&r->f->e, pair, PAIR_PROPOSED, NULL), 0);
	assert_string_equal(status_of(r->f, pair), "proposed");
	/* rejected is final */
	assert_int_equal(roster_pair_move(&r->f->e, pair, PAIR_REJECTED, NULL), 1);
	assert_int_equal(roster_pair_move(&r->f->e, pair, PAIR_ACTIVE, NULL), 0);
	assert_int_equal(roster_pair_move(&r->f->e, pair, PAIR_REJECTED, NULL), 0);
	assert_string_equal(status_of(r->f, pair), "rejected");
	/* active cannot be rejected, ended is final */
	assert_int_equal(roster_pair_move(&r->f->e, other, PAIR_ACTIVE, NULL), 1);
	assert_int_equal(roster_pair_move(&r->f->e, other, PAIR_REJECTED, NULL), 0);
	assert_int_equal(roster_pair_move(&r->f->e, other, PAIR_ACTIVE, NULL), 0);
	assert_int_equal(roster_pair_move(&r->f->e, other, PAIR_ENDED, NULL), 1);
	assert_int_equal(roster_pair_move(&r->f->e, other, PAIR_ACTIVE, NULL), 0);
	assert_int_equal(roster_pair_move(&r->f->e, other, PAIR_ENDED, NULL), 0);
	assert_string_equal(status_of(r->f, other), "ended");
	assert_int_equal(roster_pair_move(&r->f->e, 999, PAIR_ACTIVE, NULL), 0);
}

static void test_moves_by_cohort_and_application(void **state)
{
	struct rfx *r = *state;
	int64_t a = new_pair(r), b = new_pair(r), c = new_pair(r);

	assert_int_equal(roster_pair_move(&r->f->e, a, PAIR_ACTIVE, NULL), 1);
	/* only the proposed ones of the application are rejected */
	assert_int_equal(roster_pairs_move(&r->f->e, 0, r->mentee, PAIR_REJECTED, NULL), 0);
	assert_string_equal(status_of(r->f, a), "active");
	assert_string_equal(status_of(r->f, b), "rejected");
	assert_string_equal(status_of(r->f, c), "rejected");
	assert_int_equal(roster_pairs_move(&r->f->e, r->cohort, 0, PAIR_ENDED, "cohort closed"), 0);
	assert_string_equal(status_of(r->f, a), "ended");
	assert_string_equal(status_of(r->f, b), "rejected");
	/* another cohort's pairs are not touched */
	assert_int_equal(roster_pairs_move(&r->f->e, r->cohort + 1, 0, PAIR_REJECTED, NULL), 0);
	assert_int_equal(fx_int(r->f, "SELECT count(*) FROM pairs WHERE end_reason = 'cohort closed'"), 1);
}

static void test_mentor_load(void **state)
{
	struct rfx *r = *state;
	int64_t pair = new_pair(r);
	long load = -1;

	assert_int_equal(roster_mentor_load(&r->f->e, r->mentor, &load), 0);
	assert_int_equal(load, 0);
	roster_pair_move(&r->f->e, pair, PAIR_ACTIVE, NULL);
	assert_int_equal(roster_mentor_load(&r->f->e, r->mentor, &load), 0);
	assert_int_equal(load, 1);
}

static void test_people_and_language(void **state)
{
	struct rfx *r = *state;
	char *lang, *address = NULL, *name = NULL, *plang = NULL;
	int64_t id = 0, again = 0;

	lang = roster_person_language(&r->f->e, "chloe@example.org");
	assert_string_equal(lang, "fr");
	free(lang);
	assert_null(roster_person_language(&r->f->e, "nobody@example.org"));
	assert_null(roster_person_language(&r->f->e, NULL));
	assert_int_equal(roster_person(&r->f->e, "bob@example.org", NULL, NULL, &id), 0);
	assert_int_equal(roster_person(&r->f->e, "bob@example.org", "Bob", "de", &again), 0);
	assert_int_equal(id, again);
	/* a language we do not write in is never given */
	assert_null(roster_person_language(&r->f->e, "bob@example.org"));
	assert_int_equal(roster_person_address(&r->f->e, id, &address, &name, &plang), 1);
	assert_string_equal(address, "bob@example.org");
	assert_string_equal(name, "Bob");
	free(address);
	free(name);
	free(plang);
	assert_int_equal(roster_person_address(&r->f->e, 999, &address, NULL, NULL), 0);
}

static void test_applications(void **state)
{
	struct rfx *r = *state;
	struct application a;
	struct form fm;
	char *summary;

	assert_int_equal(roster_application_live(&r->f->e, r->cohort, "alice@example.org", &a), 1);
	assert_int_equal(a.id, r->mentor);
	assert_int_equal(a.capacity, 2);
	summary = roster_summary(&a, "fr");
	assert_non_null(strstr(summary, "Capacit\xc3\xa9 : 2\n"));
	assert_non_null(strstr(summary, "R\xc3\xb4le : mentor\n"));
	free(summary);
	assert_int_equal(roster_application_set_status(&r->f->e, a.id, "confirmed"), 0);
	form_init(&fm);
	form_parse("Field: Security\nCapacity: 3\n", FORM_UPDATE, &fm);
	assert_int_equal(roster_application_update(&r->f->e, a.id, &fm), 0);
	form_deinit(&fm);
	roster_application_deinit(&a);
	assert_int_equal(roster_application_by_id(&r->f->e, r->mentor, &a), 1);
	assert_string_equal(a.field, "Security");
	assert_int_equal(a.capacity, 3);
	assert_string_equal(a.status, "confirmed");
	assert_true(a.confirmed_at == FX_NOW);
	roster_application_deinit(&a);
	assert_int_equal(roster_application_set_status(&r->f->e, r->mentor, "withdrawn"), 0);
	assert_int_equal(roster_application_live(&r->f->e, r->cohort, "alice@example.org", &a), 0);
	assert_int_equal(roster_application_by_token(&r->f->e, "MT-NONE-NONE", &a), 0);
	assert_string_equal(roster_role_word("mentee", "fr"), "mentor\xc3\xa9\xc2\xb7" "e");
	assert_string_equal(roster_role_word("mentee", NULL), "mentee");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_legal_moves),
		T(test_illegal_moves_are_refused),
		T(test_moves_by_cohort_and_application),
		T(test_mentor_load),
		T(test_people_and_language),
		T(test_applications),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
