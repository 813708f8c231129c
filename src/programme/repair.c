/* repair: the committee's rematch (repair.h). */
#include "repair.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "engine.h"
#include "fit.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

struct pair_apps {
	int64_t mentor, mentee;
};

static int pair_apps_row(const struct store_row *row, void *arg)
{
	struct pair_apps *p = arg;

	p->mentor = store_row_int(row, 0);
	p->mentee = store_row_int(row, 1);
	return 1;
}

int repair_rematch(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	struct pair_apps p = { 0, 0 };
	struct application a[2];
	int64_t pair = cmd->n_nums == 1 ? (int64_t)cmd->nums[0] : 0;
	int i, ret = -1;

	memset(a, 0, sizeof(a));
	if (store_query(e->st, "SELECT mentor_app, mentee_app FROM pairs WHERE id = ?"
	    " AND status = 'active'", pair_apps_row, &p, "i", pair) < 0)
		return -1;
	if (p.mentor == 0) {
		buf_printf(out, "rematch %" PRId64 ": no such active pair\n", pair);
		return 0;
	}
	if (roster_pair_move(e, pair, PAIR_ENDED, "rematch") != 1 ||
	    store_exec(e->st, "UPDATE pairs SET rematched_at = ? WHERE id = ?", "ti", e->now, pair) < 0 ||
	    roster_application_by_id(e, p.mentor, &a[0]) != 1 ||
	    roster_application_by_id(e, p.mentee, &a[1]) != 1)
		goto out;
	/* the same neutral words to both: nobody is named as the cause */
	for (i = 0; i < 2; i++) {
		struct vars v = { { NULL }, { NULL }, 0 };
		int r;

		vars_set(&v, "partner_name", a[1 - i].name);
		vars_set(&v, "mentee", i == 1 ? "1" : "");
		r = notify_person(e, &a[i], &(struct notice){ .kind = "rematch", .vars = &v,
		    .cause = cause }, error_r);
		vars_deinit(&v);
		if (r < 0)
			goto out;
	}
	buf_printf(out, "rematch %" PRId64 ": %s and %s are no longer paired, without blame; both were"
	    " told. %s waits for a new mentor, ahead of newcomers of an equal score: the next match"
	    " proposes one, never %s again\n", pair, a[0].name, a[1].name, a[1].name, a[0].name);
	ret = 0;
out:
	roster_application_deinit(&a[0]);
	roster_application_deinit(&a[1]);
	return ret;
}

/* ---- the fit check ---- */

static int ask_fit(struct engine *e, int64_t pair, const struct pair_apps *p, char **error_r)
{
	struct application a[2];
	int i, ret = -1;

	memset(a, 0, sizeof(a));
	if (roster_application_by_id(e, p->mentor, &a[0]) != 1 ||
	    roster_application_by_id(e, p->mentee, &a[1]) != 1)
		goto out;
	for (i = 0; i < 2; i++) {
		struct vars v = { { NULL }, { NULL }, 0 };
		int r;

		if (store_exec(e->st, "INSERT OR IGNORE INTO fits(pair_id, person_id, asked_at)"
		    " VALUES(?, ?, ?)", "iit", pair, a[i].person_id, e->now) < 0)
			goto out;
		if (store_changes(e->st) == 0)
			continue;
		vars_set(&v, "partner_name", a[1 - i].name);
		r = notify_person(e, &a[i], &(struct notice){ .kind = "fit-check", .vars = &v,
		    .ref_kind = "fit", .ref_id = store_last_id(e->st) }, error_r);
		vars_deinit(&v);
		if (r < 0)
			goto out;
	}
	ret = 0;
out:
	roster_application_deinit(&a[0]);
	roster_application_deinit(&a[1]);
	return ret;
}

struct due_pairs {
	int64_t *id;
	struct pair_apps *apps;
	size_t n;
};

static int due_row(const struct store_row *row, void *arg)
{
	struct due_pairs *d = arg;

	d->id = xrealloc(d->id, (d->n + 1) * sizeof(*d->id));
	d->apps = xrealloc(d->apps, (d->n + 1) * sizeof(*d->apps));
	d->id[d->n] = store_row_int(row, 0);
	d->apps[d->n].mentor = store_row_int(row, 1);
	d->apps[d->n].mentee = store_row_int(row, 2);
	d->n++;
	return 0;
}

static int fits_due(struct engine *e, char **error_r)
{
	struct due_pairs d = { NULL, NULL, 0 };
	time_t cutoff = time_add_days(e->now, -7 * e->cfg->schedule.fit_check_weeks);
	size_t i;
	int ret = -1;

	if (store_query(e->st, "SELECT p.id, p.mentor_app, p.mentee_app FROM pairs p"
	    " WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM fits f WHERE f.pair_id = p.id)"
	    " AND (p.introduced_at <= ? OR EXISTS (SELECT 1 FROM checkins k WHERE k.pair_id = p.id"
	    " AND k.answer = 'met')) ORDER BY p.id", due_row, &d, "t", cutoff) < 0)
		goto out;
	for (i = 0; i < d.n; i++)
		if (ask_fit(e, d.id[i], &d.apps[i], error_r) < 0)
			goto out;
	ret = 0;
out:
	free(d.id);
	free(d.apps);
	return ret;
}

int repair_fit_due(struct engine *e, char **error_r)
{
	return roster_transaction(e, fits_due, error_r);
}

int repair_next_due(struct engine *e, time_t *next)
{
	return roster_next_due(e, "SELECT coalesce(min(p.introduced_at), 0) FROM pairs p"
	    " WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM fits f WHERE f.pair_id = p.id)",
	    7 * e->cfg->schedule.fit_check_weeks, next);
}

static int fit_row(const struct store_row *row, void *arg)
{
	char **address = arg;

	*address = store_row_text(row, 0) != NULL ? xstrdup(store_row_text(row, 0)) : NULL;
	return 1;
}

int repair_fit_reply(struct msgctx *c, int64_t fit_id, char **error_r)
{
	char *address = NULL;
	enum fit_answer a;

	(void)error_r;
	if (store_query(c->e->st, "SELECT p.address FROM fits f JOIN people p ON p.id = f.person_id"
	    " WHERE f.id = ?", fit_row, &address, "i", fit_id) < 0)
		return -1;
	if (address == NULL || !str_eq_ci(address, c->m->from_addr)) {
		free(address);
		inbound_leave(c, "fit answer from another address");
		return 0;
	}
	free(address);
	a = fit_parse(c->text);
	if (a == FIT_NONE) {
		/* words the robot cannot read: a person will */
		inbound_leave(c, "fit answer in words");
		return 1;
	}
	/* the latest answer counts: a person may change her mind */
	if (store_exec(c->e->st, "UPDATE fits SET answer = ?, answered_at = ? WHERE id = ?", "sti",
	    fit_name(a), c->e->now, fit_id) < 0)
		return -1;
	inbound_outcome(c, "fit answer recorded");
	return 1;
}
