/* erase: a walk of every table and column the schema has, after a person
 * took part in everything the programme does and asked to be forgotten:
 * no cell still holds her address, her name or the words of her case. A
 * table added without erasure reaching it fails here, whatever its name. */
#include "fixture.h"

#include "applicant.h"
#include "sched.h"

struct cells {
	struct strlist tables;
	struct strlist columns; /* "table\tcolumn" */
};

static int table_row(const struct store_row *row, void *arg)
{
	strlist_add(&((struct cells *)arg)->tables, store_row_text(row, 0));
	return 0;
}

static int column_row(const struct store_row *row, void *arg)
{
	struct cells *c = arg;
	char *tc = xasprintf("%s\t%s", store_row_text(row, 0), store_row_text(row, 1));

	strlist_add(&c->columns, tc);
	free(tc);
	return 0;
}

/* Every cell of every table, searched for each needle (any case); the
 * places found, one line each, in an allocated string ("" for none). */
static char *cells_holding(struct fx *f, const char *const *needles, size_t n)
{
	struct cells c = { { NULL, 0 }, { NULL, 0 } };
	struct buf found;
	size_t i, k;

	buf_init(&found, 1 << 16);
	buf_add(&found, "", 0);
	assert_int_equal(store_query(f->st, "SELECT name FROM sqlite_master WHERE type = 'table'"
	    " ORDER BY name", table_row, &c, NULL), 0);
	assert_true(c.tables.n >= 20);
	for (i = 0; i < c.tables.n; i++)
		assert_int_equal(store_query(f->st, "SELECT ?, name FROM pragma_table_info(?)",
		    column_row, &c, "ss", c.tables.v[i], c.tables.v[i]), 0);
	for (i = 0; i < c.columns.n; i++) {
		char *tab = c.columns.v[i], *col = strchr(tab, '\t');
		char *sql;

		*col++ = '\0';
		sql = xasprintf("SELECT count(*) FROM \"%s\" WHERE instr(lower(CAST(\"%s\" AS TEXT)),"
		    " lower(?)) > 0", tab, col);
		for (k = 0; k < n; k++) {
			int64_t hits = 0;

			assert_int_equal(store_query_int(f->st, &hits, sql, "s", needles[k]), 0);
			if (hits > 0)
				buf_printf(&found, "%s.%s holds \"%s\" (%lld row(s))\n", tab, col,
				    needles[k], (long long)hits);
		}
		free(sql);
	}
	strlist_deinit(&c.tables);
	strlist_deinit(&c.columns);
	return buf_steal(&found);
}

static int queued_row(const struct store_row *row, void *arg)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)store_row_int(row, 0));
	strlist_add(arg, id);
	return 0;
}

static void run_at(struct fx *f, double days)
{
	f->e.now = FX_NOW + (time_t)(days * FX_DAY);
	assert_int_equal(sched_run(&f->e), 0);
}

/* Alice is paired, invited, checked in, reports a case, answers the
 * feedback with a quote, is named in the audit and the committee's
 * notices; then she is forgotten. */
static void test_erasure_reaches_every_table(void **state)
{
	struct fx *f = *state;
	static const char *const alice[] = {
		"alice@example.org", "Alice Martin", "my mentee never turns up",
		"My best year with Chloe",
	};
	static const char *const chloe[] = { "chloe@example.org" };
	char *err = NULL, *before, *after, *kept;
	struct strlist queued = { NULL, 0 };
	size_t i;

	free(fx_command(f, "training 2026-04-14 14:00 2h Room 1"));
	run_at(f, 14);
	fx_handle(f, fx_reply(f, "alice@example.org", "checkin", "ok\n", NULL));
	fx_handle(f, fx_msg(f, "Alice Martin <alice@example.org>", "issue",
	    "my mentee never turns up to our meetings\n"));
	fx_handle(f, fx_msg(f, "Alice Martin <alice@example.org>", "status", "\n"));
	run_at(f, 185);
	fx_handle(f, fx_reply(f, "alice@example.org", "feedback", "1. 4\n5. My best year with Chloe\n"
	    "6. yes\n", NULL));
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent'", NULL), 0);
	/* the walk finds her before: it can fail */
	before = cells_holding(f, alice, ARRAY_SIZE(alice));
	assert_non_null(strstr(before, "people.address"));
	assert_non_null(strstr(before, "cases.text"));
	assert_non_null(strstr(before, "feedback.quote"));
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(applicant_erase(&f->e, "alice@example.org", &err), 0);
	assert_int_equal(store_commit(f->st), 0);
	/* her partner and the committee are still to be told she left, by
	 * name: those messages lose their words once sent */
	assert_int_equal(store_query(f->st, "SELECT id FROM outbound WHERE status = 'queued'",
	    queued_row, &queued, NULL), 0);
	assert_true(queued.n > 0);
	for (i = 0; i < queued.n; i++)
		assert_int_equal(store_outbound_mark_sent(f->st, strtoll(queued.v[i], NULL, 10),
		    f->e.now), 0);
	strlist_deinit(&queued);
	after = cells_holding(f, alice, ARRAY_SIZE(alice));
	assert_string_equal(after, "");
	/* and the others are still there */
	kept = cells_holding(f, chloe, ARRAY_SIZE(chloe));
	assert_non_null(strstr(kept, "people.address"));
	free(before);
	free(after);
	free(kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_erasure_reaches_every_table, fx_setup_paired,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
