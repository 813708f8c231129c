#include "marking.h"

#include <stdlib.h>

#include "store.h"
#include "util.h"

#define META_FAILURES "marking_failures"
#define META_SINCE "marking_failing_since"
#define META_ERROR "marking_error"

static int meta_put_int(struct store *st, const char *key, int64_t v)
{
	return store_exec(st, "INSERT INTO meta(key, value) VALUES(?, ?)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value", "si", key, v);
}

int marking_failed(struct store *st, time_t now, const char *error, int *report_r,
    int64_t *failures_r)
{
	int64_t n = 0;

	*report_r = 0;
	if (store_query_int(st, &n, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", "s",
	    META_FAILURES) < 0)
		return -1;
	n++;
	if (store_begin(st) < 0)
		return -1;
	if (meta_put_int(st, META_FAILURES, n) < 0 || (n == 1 && meta_put_int(st, META_SINCE, now) < 0) ||
	    store_exec(st, "INSERT INTO meta(key, value) VALUES(?, ?)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value", "ss", META_ERROR, error) < 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st) < 0)
		return -1;
	*report_r = n == MARKING_REPORT_AFTER;
	*failures_r = n;
	return 0;
}

int marking_ok(struct store *st)
{
	int64_t n = 0;

	if (store_query_int(st, &n, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", "s",
	    META_FAILURES) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (store_exec(st, "DELETE FROM meta WHERE key IN (?, ?, ?)", "sss", META_FAILURES, META_SINCE,
	    META_ERROR) < 0)
		return -1;
	return 1;
}

int marking_get(struct store *st, struct marking_state *s)
{
	s->failures = 0;
	s->since = 0;
	s->error = NULL;
	if (store_query_int(st, &s->failures, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?",
	    "s", META_FAILURES) < 0 ||
	    store_query_int(st, &s->since, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?",
	    "s", META_SINCE) < 0 ||
	    store_query_text(st, &s->error, "SELECT value FROM meta WHERE key = ?", "s", META_ERROR) < 0) {
		marking_state_deinit(s);
		return -1;
	}
	return 0;
}

void marking_state_deinit(struct marking_state *s)
{
	xfree(&s->error);
}

const char *marking_advice(const char *processed_mailbox)
{
	if (processed_mailbox != NULL)
		return "new mail is still read and answered, and handled mail stays where it is; check"
		    " that the mailbox's account may create and write to the folder named by"
		    " [imap] processed_mailbox, or name another one";
	return "new mail is still read and answered, but handled mail is not marked; set [imap]"
	    " processed_mailbox to a folder, so that handled mail is moved there instead";
}
