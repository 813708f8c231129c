/* repair: the committee's rematch (repair.h). */
#include "repair.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "engine.h"
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
