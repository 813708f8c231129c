/* notify: the one rule for the language a person is written in, and the
 * ways of writing to people: the sender (threaded, limited per day), the
 * committee, a person, a pair. */
#include "fixture.h"

#include "notify.h"
#include "outbox.h"
#include "roster.h"

static int setup(void **state)
{
	*state = fx_new("[committee]\nnotify = cases@example.org\n");
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fx_free(&f);
	return 0;
}

static void test_language_rule(void **state)
{
	static const struct {
		const char *chosen, *written;
		int known;
		const char *want;
	} cases[] = {
		{ "fr", "en", 0, "fr" },      /* what they chose comes first */
		{ "fr", NULL, 1, "fr" },
		{ NULL, "fr", 0, "fr" },      /* else what they wrote in */
		{ "de", "fr", 1, "fr" },      /* only en and fr count */
		{ NULL, NULL, 1, "en" },      /* someone known: the programme's */
		{ "de", "xx", 1, "en" },
		{ NULL, NULL, 0, NULL },      /* a stranger: both */
		{ "", "de", 0, NULL },
	};
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = notify_language(&f->e, cases[i].chosen, cases[i].written, cases[i].known);

		if (cases[i].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].want);
	}
}

/* A message being handled, as the dispatcher gives it to a feature. */
static void ctx(struct fx *f, struct msgctx *c, const struct mime_msg *m)
{
	memset(c, 0, sizeof(*c));
	memset(&f->h, 0, sizeof(f->h));
	c->e = &f->e;
	c->m = m;
	c->h = &f->h;
	c->text = f->templates + strlen(f->templates); /* "" */
}

static void test_answer_is_threaded_and_limited(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct msgctx c;
	struct fx_out o;
	char *err = NULL;
	long i;

	ctx(f, &c, fx_msg(f, "Bob Dupont <bob@example.net>", "help", ""));
	c.inbound_id = 7;
	/* Bob has shown the address is his: only the daily limit holds */
	assert_int_equal(outbox_proven(&f->e, "bob@example.net"), 0);
	assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v, .lang = "fr",
	    .ref_kind = "x", .ref_id = 3, .person_id = 0 }, &err), 0);
	fx_out(f, "help", "bob@example.net", &o);
	assert_non_null(strstr(o.data, "In-Reply-To: <test.1@client.example.com>"));
	assert_non_null(strstr(o.data, "Content-Language: fr"));
	assert_non_null(strstr(o.data, "Bob Dupont"));
	assert_string_equal(o.ref_kind, "x");
	assert_int_equal(o.ref_id, 3);
	fx_out_deinit(&o);
	assert_int_equal(fx_int(f, "SELECT cause_inbound FROM outbound"), 7);
	for (i = 1; i < f->cfg->programme.max_answers_per_day; i++)
		assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v }, &err), 0);
	assert_null(f->h.withheld);
	/* one more today: nothing queued, and the dispatcher is told */
	assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v }, &err), 0);
	assert_string_equal(f->h.withheld, "help");
	assert_string_equal(f->h.withheld_why, "daily answer limit reached");
	assert_int_equal(fx_count(f, "help"), f->cfg->programme.max_answers_per_day);
	vars_deinit(&v);
	assert_null(err);
}

/* An address not proven is sent nothing it did not ask for; each message
 * of its that asks for an answer gets one, up to
 * max_answers_per_unproven_address a day; the committee is never held. */
static void test_unproven_address_gets_the_answers_it_asked_for(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	long max = f->cfg->programme.max_answers_per_unproven_address, i;
	struct msgctx c;
	char *err = NULL;

	assert_int_equal(max, 3);
	ctx(f, &c, fx_msg(f, "eve@example.net", "help", ""));
	c.inbound_id = 1;
	assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v }, &err), 0);
	assert_null(f->h.withheld);
	assert_int_equal(fx_int(f, "SELECT unproven FROM outbound"), 1);
	/* one answer to one message */
	assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "status", .tmpl = "nothing-to-confirm",
	    .vars = &v }, &err), 0);
	assert_string_equal(f->h.withheld, "status");
	assert_string_equal(f->h.withheld_why, "address not proven, and its message had its answer");
	/* nothing it did not ask for */
	assert_int_equal(notify_to(&f->e, NULL, "eve@example.net", NULL, &(struct notice){ .kind = "status",
	    .tmpl = "nothing-to-confirm", .vars = &v }, &err), 0);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 1);
	/* her next messages are answered, up to the day's limit */
	for (i = 2; i <= max + 1; i++) {
		f->h.withheld = NULL;
		ctx(f, &c, fx_msg(f, "eve@example.net", "help", ""));
		c.inbound_id = i;
		assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v }, &err), 0);
	}
	assert_int_equal(fx_count(f, "help"), max);
	assert_string_equal(f->h.withheld_why, "address not proven, and it had its answers for today");
	/* the next day, again */
	f->e.now += 86400;
	f->h.withheld = NULL;
	ctx(f, &c, fx_msg(f, "eve@example.net", "help", ""));
	c.inbound_id = 10;
	assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v }, &err), 0);
	assert_null(f->h.withheld);
	assert_int_equal(fx_count(f, "help"), max + 1);
	vars_set(&v, "who", "Eve");
	vars_set(&v, "recorded", "");
	vars_set(&v, "unclear", "");
	vars_set(&v, "text", "x");
	assert_int_equal(notify_committee(&f->e, &(struct notice){ .kind = "feedback",
	    .tmpl = "feedback-received", .vars = &v, .reply_to = "eve@example.net" }, &err), 0);
	assert_int_equal(fx_count(f, "feedback"), 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE unproven = 1"), max + 1);
	/* once proven, she is written to */
	assert_int_equal(outbox_proven(&f->e, "eve@example.net"), 0);
	assert_int_equal(notify_to(&f->e, NULL, "eve@example.net", NULL, &(struct notice){ .kind = "status",
	    .tmpl = "nothing-to-confirm", .vars = &v }, &err), 0);
	assert_int_equal(fx_count(f, "status"), 1);
	vars_deinit(&v);
	assert_null(err);
}

/* Answers to unproven addresses, across all of them, at most
 * max_unproven_per_hour an hour: the others wait for an hour with room. */
static void test_unproven_answers_wait_for_the_hourly_limit(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	long cap = f->cfg->programme.max_unproven_per_hour, i;
	time_t hour = f->e.now - f->e.now % 3600;
	struct msgctx c;
	char *err = NULL;

	for (i = 0; i < 2 * cap + 1; i++) {
		char *from = xasprintf("forged%ld@example.net", i);

		ctx(f, &c, fx_msg(f, from, "help", ""));
		assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v }, &err), 0);
		free(from);
	}
	assert_int_equal(fx_count(f, "help"), 2 * cap + 1);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE next_attempt <= 1772438400"), cap);
	{
		int64_t n = 0;

		assert_int_equal(store_query_int(f->st, &n, "SELECT count(*) FROM outbound"
		    " WHERE next_attempt = ?", "t", hour + 3600), 0);
		assert_int_equal(n, cap);
		assert_int_equal(store_query_int(f->st, &n, "SELECT count(*) FROM outbound"
		    " WHERE next_attempt = ?", "t", hour + 7200), 0);
		assert_int_equal(n, 1);
	}
	/* each hour taken is one counted row, not a read of every message */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM unproven_hours"), 3);
	assert_int_equal(fx_int(f, "SELECT sum(count) FROM unproven_hours"), 2 * cap + 1);
	/* an hour later, the next ones go as they come */
	f->e.now += 3 * 3600;
	ctx(f, &c, fx_msg(f, "late@example.net", "help", ""));
	assert_int_equal(notify_answer(&c, &(struct notice){ .kind = "help", .vars = &v }, &err), 0);
	{
		int64_t n = 0;

		assert_int_equal(store_query_int(f->st, &n, "SELECT count(*) FROM outbound"
		    " WHERE next_attempt = ?", "t", f->e.now), 0);
		assert_int_equal(n, 1);
	}
	/* the hours gone by are forgotten */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM unproven_hours"), 1);
	vars_deinit(&v);
}

static void test_committee_notify_list_or_all_members(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct fx_out o;
	char *err = NULL;

	vars_set(&v, "who", "Eve");
	vars_set(&v, "recorded", "");
	vars_set(&v, "unclear", "");
	vars_set(&v, "text", "thanks");
	assert_int_equal(notify_committee(&f->e, &(struct notice){ .kind = "feedback",
	    .tmpl = "feedback-received", .vars = &v, .reply_to = "eve@example.org" }, &err), 0);
	fx_out(f, "feedback", NULL, &o);
	assert_string_equal(o.to, "cases@example.org");
	assert_non_null(strstr(o.data, "Reply-To: eve@example.org"));
	assert_non_null(strstr(o.data, "Content-Language: en"));
	assert_non_null(strstr(o.data, "Auto-Submitted: auto-generated"));
	fx_out_deinit(&o);
	assert_int_equal(notify_committee(&f->e, &(struct notice){ .kind = "feedback",
	    .tmpl = "feedback-received", .vars = &v, .all_members = 1 }, &err), 0);
	fx_out(f, "feedback", NULL, &o);
	assert_string_equal(o.to, "chair@example.org,vice@example.org");
	assert_null(strstr(o.data, "Reply-To:"));
	fx_out_deinit(&o);
	vars_deinit(&v);
}

static void test_person_and_pair(void **state)
{
	struct fx *f = *state;
	struct application alice, chloe;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct fx_out o;
	char alice_name[] = "Alice Martin", alice_addr[] = "alice@example.org", en[] = "en";
	char chloe_name[] = "Chlo\xc3\xa9 Petit", chloe_addr[] = "chloe@example.org", fr[] = "fr";
	char *err = NULL;

	memset(&alice, 0, sizeof(alice));
	memset(&chloe, 0, sizeof(chloe));
	/* participants have confirmed by reply: their addresses are proven */
	assert_int_equal(outbox_proven(&f->e, "alice@example.org"), 0);
	assert_int_equal(outbox_proven(&f->e, "chloe@example.org"), 0);
	alice.name = alice_name;
	alice.address = alice_addr;
	alice.language = en;
	alice.person_id = 4;
	chloe.name = chloe_name;
	chloe.address = chloe_addr;
	chloe.language = fr;
	vars_set(&v, "role", "mentee");
	vars_set(&v, "cohort", "2026");
	vars_set(&v, "no_room", "");
	vars_set(&v, "narrowed", "");
	vars_set(&v, "other", "mentor");
	vars_set(&v, "field", "Physique");
	vars_set(&v, "next", "");
	assert_int_equal(notify_person(&f->e, &chloe, &(struct notice){ .kind = "waitlist",
	    .vars = &v }, &err), 0);
	assert_string_equal(vars_get(&v, "name"), "Chlo\xc3\xa9 Petit");
	assert_true(fx_out_has(f, "waitlist", "chloe@example.org", "Content-Language: fr"));
	vars_deinit(&v);
	vars_set(&v, "role", "mentor");
	vars_set(&v, "cohort", "2026");
	vars_set(&v, "no_room", "1");
	vars_set(&v, "narrowed", "");
	vars_set(&v, "other", "mentee");
	vars_set(&v, "field", "Software");
	vars_set(&v, "next", "");
	assert_int_equal(notify_person(&f->e, &alice, &(struct notice){ .kind = "waitlist",
	    .vars = &v }, &err), 0);
	fx_out(f, "waitlist", "alice@example.org", &o);
	assert_int_equal(o.person_id, 4);
	fx_out_deinit(&o);
	vars_deinit(&v);
	/* a pair: one message to both, in both languages unless they share one */
	vars_set(&v, "partner_name", "x");
	assert_int_equal(notify_pair(&f->e, &alice, &chloe, &(struct notice){ .kind = "withdrawn",
	    .tmpl = "pair-ended", .vars = &v }, &err), 0);
	fx_out(f, "withdrawn", "alice@example.org", &o);
	assert_string_equal(o.to, "alice@example.org,chloe@example.org");
	assert_non_null(strstr(o.data, "Content-Language: en, fr"));
	fx_out_deinit(&o);
	chloe.language = en;
	assert_int_equal(notify_pair(&f->e, &alice, &chloe, &(struct notice){ .kind = "withdrawn",
	    .tmpl = "pair-ended", .vars = &v }, &err), 0);
	assert_true(fx_out_has(f, "withdrawn", "alice@example.org", "Content-Language: en\r\n"));
	vars_deinit(&v);
}

static void test_an_error_says_why_and_queues_nothing(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	char *err = NULL;

	assert_int_equal(outbox_proven(&f->e, "bob@example.net"), 0);
	assert_int_equal(notify_to(&f->e, NULL, "bob@example.net", "en", &(struct notice){
	    .kind = "help", .tmpl = "no-such-template", .vars = &v }, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "no-such-template"));
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound"), 0);
	free(err);
	vars_deinit(&v);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_language_rule),
		T(test_answer_is_threaded_and_limited),
		T(test_unproven_address_gets_the_answers_it_asked_for),
		T(test_unproven_answers_wait_for_the_hourly_limit),
		T(test_committee_notify_list_or_all_members),
		T(test_person_and_pair),
		T(test_an_error_says_why_and_queues_nothing),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
