#include "digest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "command.h"
#include "notify.h"
#include "overview.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define DIGEST_BYTES_MAX (2u * 1024 * 1024)

/* The weekly digest (doc/DESIGN.md 3.6): the overview, queued to every
 * member, at most once a week whatever the restarts. */
int digest_send(struct engine *e, int64_t cause, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	struct buf b;
	char date[16];
	int ret = -1;

	buf_init(&b, DIGEST_BYTES_MAX);
	buf_add(&b, "", 0);
	if (overview_render(e, &b) < 0)
		goto out;
	time_local_date(e->now, date, sizeof(date));
	vars_set(&v, "date", date);
	vars_set(&v, "digest", b.s);
	vars_set(&v, "name", "");
	ret = notify_committee(e, &(struct notice){ .kind = "digest", .vars = &v, .all_members = 1,
	    .cause = cause }, error_r);
out:
	vars_deinit(&v);
	buf_deinit(&b);
	return ret;
}

int digest_status(struct engine *e, struct buf *out)
{
	return overview_render(e, out);
}

int digest_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	if (cmd->cmd == CCMD_STATUS)
		return overview_summary(e, out);
	if (digest_send(e, cause, error_r) < 0)
		return -1;
	buf_adds(out, "digest: sent to the committee\n");
	return 0;
}

/* The most recent weekly slot at or before now, in local time. */
static time_t last_slot(struct engine *e)
{
	struct tm tm;
	time_t t;
	int back;

	localtime_r(&e->now, &tm);
	back = (tm.tm_wday - e->cfg->schedule.digest_weekday + 7) % 7;
	t = time_from_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, e->cfg->schedule.digest_hour,
	    e->cfg->schedule.digest_minute);
	/* step back whole days through local midnight-safe arithmetic */
	if (back > 0 || t > e->now) {
		struct tm d = tm;

		if (back == 0)
			back = 7;
		d.tm_mday -= back;
		d.tm_hour = e->cfg->schedule.digest_hour;
		d.tm_min = e->cfg->schedule.digest_minute;
		d.tm_sec = 0;
		d.tm_isdst = -1;
		t = mktime(&d);
	}
	return t;
}

void digest_next_due(struct engine *e, time_t *next)
{
	time_t slot = last_slot(e), t;

	if (slot == (time_t)-1)
		return;
	/* the next weekly slot, at the same time of day */
	t = time_add_days(slot, 7);
	if (t > e->now && (*next == 0 || t < *next))
		*next = t;
}

int digest_due(struct engine *e, char **error_r)
{
	char key[48], date[16];
	time_t slot = last_slot(e);
	int64_t since = 0;
	int r;

	if (slot == (time_t)-1) {
		*error_r = xstrdup("digest: the weekly slot does not exist in the programme's time zone");
		return -1;
	}
	/* the first digest is the first slot after the robot started: a new
	 * installation does not mail a digest of nothing at once */
	if (store_exec(e->st, "INSERT OR IGNORE INTO meta(key, value) VALUES('digest_since', ?)", "t",
	    e->now) < 0 || store_query_int(e->st, &since, "SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = 'digest_since'", NULL) < 0)
		return -1;
	if (slot < since)
		return 0;
	time_local_date(slot, date, sizeof(date));
	snprintf(key, sizeof(key), "digest:%s", date);
	if (store_begin(e->st) < 0)
		return -1;
	/* a daemon that was down sends the latest missed digest once */
	r = store_job_claim(e->st, key, e->now);
	if (r == 1)
		r = digest_send(e, 0, error_r);
	if (r < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st);
}
