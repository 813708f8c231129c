/* outbox: a decision to write becomes one queued, fully rendered row: the
 * deterministic Message-ID, the envelope, the threading of an answer, the
 * bilingual text, a second alternative, and nothing queued on an error. */
#include "fixture.h"

#include "mac.h"
#include "outbox.h"

static void test_row_and_message_id(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct outbox_msg m;
	struct fx_out o;
	char *err = NULL, *mid, *want;
	int64_t id = 0;

	memset(&m, 0, sizeof(m));
	m.kind = "help";
	m.lang = "en";
	outbox_to(&m, "Bob", "bob@example.net");
	outbox_to(&m, NULL, "eve@example.net");
	m.vars = &v;
	m.person_id = 9;
	m.ref_kind = "application";
	m.ref_id = 2;
	assert_int_equal(outbox_queue(&f->e, &m, &id, &err), 0);
	assert_true(id > 0);
	fx_out(f, "help", NULL, &o);
	assert_int_equal(o.id, id);
	assert_string_equal(o.to, "bob@example.net,eve@example.net");
	mid = outbox_message_id(&f->e, id);
	{
		char text[64], tag[21];

		/* mentord.ID.TAG: TAG keyed with the instance's secret, never
		 * the instance seen in every message */
		snprintf(text, sizeof(text), "mentord.%lld.%s", (long long)id, store_instance(f->st));
		mac_tag(store_key(f->st), text, tag, 20);
		want = xasprintf("mentord.%lld.%s@example.org", (long long)id, tag);
	}
	assert_string_equal(mid, want);
	assert_string_equal(o.message_id, mid);
	assert_null(strstr(mid, store_instance(f->st)));
	free(want);
	/* deterministic: the same row, the same identifier */
	want = outbox_message_id(&f->e, id);
	assert_string_equal(want, mid);
	free(want);
	want = outbox_message_id(&f->e, id + 1);
	assert_string_not_equal(want, mid);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE rcpt = ',bob@example.net,eve@example.net,'"), 1);
	{
		char *ref_kind = NULL;
		int64_t ref_id = 0;

		/* a reply counts from a recipient only, and only to our own identifier */
		assert_int_equal(outbox_sent_to(&f->e, mid, "EVE@example.net", &ref_kind, &ref_id), 1);
		assert_string_equal(ref_kind, "application");
		assert_int_equal(ref_id, 2);
		free(ref_kind);
		assert_int_equal(outbox_sent_to(&f->e, mid, "mallory@example.net", &ref_kind, &ref_id), 0);
		assert_int_equal(outbox_sent_to(&f->e, mid, "ve@example.net", &ref_kind, &ref_id), 0);
		assert_int_equal(outbox_sent_to(&f->e, want, "eve@example.net", &ref_kind, &ref_id), 0);
		assert_null(ref_kind);
	}
	free(want);
	want = NULL;
	assert_int_equal(o.person_id, 9);
	assert_string_equal(o.ref_kind, "application");
	/* the common variables: the name is the first recipient's */
	assert_string_equal(vars_get(&v, "programme"), "WIT Mentoring");
	assert_string_equal(vars_get(&v, "address"), "mentoring@example.org");
	assert_string_equal(vars_get(&v, "name"), "Bob");
	assert_string_equal(vars_get(&v, "tag"), "WIT Mentoring");
	assert_non_null(strstr(o.data, "X-Mentord-Kind: help"));
	assert_non_null(strstr(o.data, "List-Id:"));
	assert_non_null(strstr(o.data, "X-Loop: mentoring@example.org"));
	assert_non_null(strstr(o.data, "Auto-Submitted: auto-generated"));
	assert_null(strstr(o.data, "In-Reply-To:"));
	assert_string_equal(o.subject, "How to take part \xe2\x80\x93 WIT Mentoring");
	fx_out_deinit(&o);
	free(mid);
	free(want);
	vars_deinit(&v);
}

static void test_answer_threads_under_the_last_references(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct mime_msg *q = fx_msg(f, "bob@example.net", "help", "");
	const char *refs[30];
	struct outbox_msg m;
	struct fx_out o;
	char *err = NULL, *line;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(refs); i++)
		refs[i] = arena_printf(q->arena, "r%zu@example.net", i);
	refs[3] = "not an id";
	q->references = refs;
	q->n_references = ARRAY_SIZE(refs);
	memset(&m, 0, sizeof(m));
	m.kind = "help";
	outbox_to(&m, NULL, "bob@example.net");
	m.vars = &v;
	m.answer_to = q;
	assert_int_equal(outbox_queue(&f->e, &m, NULL, &err), 0);
	fx_out(f, "help", NULL, &o);
	assert_non_null(strstr(o.data, "In-Reply-To: <test.1@client.example.com>"));
	assert_non_null(strstr(o.data, "Auto-Submitted: auto-replied"));
	/* the last 19 of theirs, then their own Message-ID */
	assert_null(strstr(o.data, "<r10@example.net>"));
	assert_non_null(strstr(o.data, "<r11@example.net>"));
	assert_non_null(strstr(o.data, "<r29@example.net>"));
	line = strstr(o.data, "References:");
	assert_non_null(line);
	assert_non_null(strstr(line, "<test.1@client.example.com>"));
	/* no language given: both */
	assert_non_null(strstr(o.data, "Content-Language: en, fr"));
	assert_non_null(strstr(o.subject, " / "));
	fx_out_deinit(&o);
	vars_deinit(&v);
}

static void test_an_identifier_we_cannot_write_costs_only_the_threading(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct mime_msg *q = fx_msg(f, "bob@example.net", "help", "");
	struct outbox_msg m;
	struct fx_out o;
	char *err = NULL;

	q->message_id = "caf\xc3\xa9@example.net";
	memset(&m, 0, sizeof(m));
	m.kind = "help";
	m.lang = "fr";
	outbox_to(&m, NULL, "bob@example.net");
	m.vars = &v;
	m.answer_to = q;
	assert_int_equal(outbox_queue(&f->e, &m, NULL, &err), 0);
	fx_out(f, "help", NULL, &o);
	assert_null(strstr(o.data, "In-Reply-To:"));
	assert_null(strstr(o.data, "References:"));
	assert_non_null(strstr(o.data, "Auto-Submitted: auto-replied"));
	fx_out_deinit(&o);
	vars_deinit(&v);
}

static void test_second_alternative(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct outbox_msg m;
	struct fx_out o;
	char *err = NULL;

	memset(&m, 0, sizeof(m));
	m.kind = "help";
	m.lang = "en";
	outbox_to(&m, NULL, "bob@example.net");
	m.vars = &v;
	m.alt_type = "text/calendar; charset=UTF-8; method=REQUEST";
	m.alt_body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	assert_int_equal(outbox_queue(&f->e, &m, NULL, &err), 0);
	fx_out(f, "help", NULL, &o);
	assert_non_null(strstr(o.data, "multipart/alternative"));
	assert_non_null(strstr(o.data, "Content-Type: text/calendar; charset=UTF-8; method=REQUEST"));
	fx_out_deinit(&o);
	vars_deinit(&v);
}

static void test_errors_queue_nothing(void **state)
{
	struct fx *f = *state;
	struct vars v = { { NULL }, { NULL }, 0 };
	struct outbox_msg m;
	char *err = NULL;

	memset(&m, 0, sizeof(m));
	m.kind = "help";
	m.tmpl = "missing";
	m.lang = "en";
	outbox_to(&m, NULL, "bob@example.net");
	m.vars = &v;
	assert_int_equal(outbox_queue(&f->e, &m, NULL, &err), -1);
	assert_non_null(strstr(err, "missing"));
	xfree(&err);
	/* the template is fine, the message cannot be composed */
	m.tmpl = NULL;
	m.alt_type = "text/calendar";
	assert_int_equal(outbox_queue(&f->e, &m, NULL, &err), -1);
	assert_non_null(strstr(err, "composing help"));
	xfree(&err);
	/* the caller rolls the transaction back; the render failed before any row */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM outbound WHERE data IS NOT NULL"), 0);
	vars_deinit(&v);
}

/* The recipients here have proven their addresses: what an unproven one
 * may be sent is notify's tests' and the security tests' concern. */
static int setup(void **state)
{
	static const char *const proven[] = { "bob@example.net", "eve@example.net" };
	struct fx *f = fx_new(NULL);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(proven); i++)
		assert_int_equal(outbox_proven(&f->e, proven[i]), 0);
	*state = f;
	return 0;
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_row_and_message_id),
		T(test_answer_threads_under_the_last_references),
		T(test_an_identifier_we_cannot_write_costs_only_the_threading),
		T(test_second_alternative),
		T(test_errors_queue_nothing),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
