#include "cases.h"

#include <inttypes.h>

#include "command.h"
#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "store.h"
#include "template.h"
#include "util.h"

int cases_open(struct msgctx *c, const struct case_report *r, int64_t *id_r, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	int64_t id;
	int ret = -1, allowed;

	*id_r = 0;
	allowed = notify_committee_from(c, error_r);
	if (allowed <= 0)
		return allowed;
	/* the cohort, for the edition report: the pair's, else the open one,
	 * else the reporter's latest */
	if (store_exec(c->e->st, "INSERT INTO cases(person_id, pair_id, text, status, opened_at,"
	    " inbound_id, cohort_id) VALUES(?1, nullif(?2, 0), ?3, 'open', ?4, ?5,"
	    " coalesce((SELECT cohort_id FROM pairs WHERE id = ?2),"
	    " (SELECT id FROM cohorts WHERE status = 'open' ORDER BY id DESC LIMIT 1),"
	    " (SELECT max(cohort_id) FROM applications WHERE person_id = ?1)))", "iisti",
	    r->person_id, r->pair_id, r->text, c->e->now, c->inbound_id) < 0)
		return -1;
	id = store_last_id(c->e->st);
	vars_setf(&v, "case", "%" PRId64, id);
	if (notify_answer(c, &(struct notice){ .kind = "issue-ack", .lang = r->lang, .vars = &v,
	    .person_id = r->person_id }, error_r) < 0)
		goto out;
	vars_set(&v, "reporter", c->m->from_addr);
	vars_set(&v, "reporter_name", c->m->from_name != NULL ? c->m->from_name : c->m->from_addr);
	/* From proves nothing unless the receiving server vouches for it */
	vars_set(&v, "unverified", inbound_sender_proven(c->e, c->m) ? "" : "1");
	vars_set(&v, "role", r->role);
	vars_set(&v, "pair", r->pair);
	vars_set(&v, "text", r->text);
	if (notify_committee(c->e, &(struct notice){ .kind = "issue-notice", .vars = &v,
	    .reply_to = c->m->from_addr, .cause = c->inbound_id, .ref_kind = "case", .ref_id = id },
	    error_r) < 0)
		goto out;
	*id_r = id;
	ret = 0;
out:
	vars_deinit(&v);
	return ret;
}

int cases_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	(void)cause;
	(void)error_r;
	if (cmd->n_nums != 1)
		return 0;
	if (store_exec(e->st, "UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ?"
	    " AND status = 'open'", "ti", e->now, (int64_t)cmd->nums[0]) < 0)
		return -1;
	buf_printf(out, "close %ld: %s\n", cmd->nums[0], store_changes(e->st) == 0
	    ? "no such open case" : "case closed");
	return 0;
}
