#include "cases.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bounds.h"

#include "command.h"
#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "store.h"
#include "template.h"
#include "util.h"

/* A case's reference for its reporter: 4 characters of an alphabet
 * without look-alikes, random, unique among the cases. */
#define CASE_REF_LEN 4
static const char ref_alphabet[] = "ACDEFGHJKMNPQRTUVWXY34679";

static int new_ref(struct engine *e, char ref[CASE_REF_LEN + 1])
{
	unsigned char raw[CASE_REF_LEN];
	int64_t taken = 1;
	int tries, i;

	for (tries = 0; tries < 100 && taken != 0; tries++) {
		if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
			fatal("no random bytes");
		for (i = 0; i < CASE_REF_LEN; i++)
			ref[i] = ref_alphabet[raw[i] % (sizeof(ref_alphabet) - 1)];
		ref[CASE_REF_LEN] = '\0';
		if (store_query_int(e->st, &taken, "SELECT count(*) FROM cases WHERE ref = ?", "s",
		    ref) < 0)
			return -1;
	}
	/* 25^4 references: a programme that used them up takes a longer one */
	return taken == 0 ? 0 : -1;
}

/* Who reported case id, as the committee's notice shows it. From proves
 * nothing unless the receiving server vouches for it, or the message
 * answers one the robot sent that address alone. */
static void reporter_vars(struct msgctx *c, struct vars *v, int64_t id)
{
	vars_setf(v, "case", "%" PRId64, id);
	vars_set(v, "reporter", c->m->from_addr);
	vars_set(v, "reporter_name", c->m->from_name != NULL ? c->m->from_name : c->m->from_addr);
	vars_set(v, "unverified", c->replied || inbound_sender_proven(c->e, c->m) ? "" : "1");
}

int cases_open(struct msgctx *c, const struct case_report *r, int64_t *id_r, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char ref[CASE_REF_LEN + 1];
	int64_t id;
	int ret = -1, allowed;

	*id_r = 0;
	allowed = notify_committee_from(c, error_r);
	if (allowed <= 0)
		return allowed;
	/* the cohort, for the edition report: the pair's, else the open one,
	 * else the reporter's latest */
	if (new_ref(c->e, ref) < 0)
		return -1;
	if (store_exec(c->e->st, "INSERT INTO cases(person_id, pair_id, text, status, opened_at,"
	    " inbound_id, cohort_id, ref) VALUES(?1, nullif(?2, 0), ?3, 'open', ?4, ?5,"
	    " coalesce((SELECT cohort_id FROM pairs WHERE id = ?2),"
	    " (SELECT id FROM cohorts WHERE status = 'open' ORDER BY id DESC LIMIT 1),"
	    " (SELECT max(cohort_id) FROM applications WHERE person_id = ?1)), ?6)", "iistis",
	    r->person_id, r->pair_id, r->text, c->e->now, c->inbound_id, ref) < 0)
		return -1;
	id = store_last_id(c->e->st);
	/* the reporter's reference; a reply to the acknowledgement adds to it */
	vars_set(&v, "case", ref);
	if (notify_answer(c, &(struct notice){ .kind = "issue-ack", .lang = r->lang, .vars = &v,
	    .person_id = r->person_id, .ref_kind = "case", .ref_id = id }, error_r) < 0)
		goto out;
	reporter_vars(c, &v, id);
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

int cases_reply(struct msgctx *c, int64_t case_id, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *ref = NULL, *reporter = NULL, *lang = NULL;
	size_t n = strlen(c->text);
	int64_t person = 0;
	int ret = -1;

	if (store_query_text(c->e->st, &reporter, "SELECT p.address FROM cases k JOIN people p"
	    " ON p.id = k.person_id WHERE k.id = ?", "i", case_id) < 0)
		return -1;
	/* only the reporter adds to a case, and only with words */
	if (reporter == NULL || !str_eq_ci(reporter, c->m->from_addr) || n == 0) {
		free(reporter);
		return 0;
	}
	if (n > CASE_TEXT_BYTES_MAX / 2) {
		n = CASE_TEXT_BYTES_MAX / 2;
		while (n > 0 && ((unsigned char)c->text[n] & 0xc0) == 0x80)
			n--;
	}
	if (store_exec(c->e->st, "UPDATE cases SET text = substr(coalesce(text, '') || char(10)"
	    " || char(10) || substr(?1, 1, ?2), 1, ?3) WHERE id = ?4", "siii", c->text, (int64_t)n,
	    (int64_t)CASE_TEXT_BYTES_MAX, case_id) < 0 ||
	    store_query_text(c->e->st, &ref, "SELECT coalesce(ref, id) FROM cases WHERE id = ?", "i",
	    case_id) < 0 ||
	    store_query_int(c->e->st, &person, "SELECT person_id FROM cases WHERE id = ?", "i",
	    case_id) < 0 ||
	    store_query_text(c->e->st, &lang, "SELECT language FROM people WHERE id = ?", "i",
	    person) < 0)
		goto out;
	vars_set(&v, "case", ref);
	if (notify_answer(c, &(struct notice){ .kind = "issue-ack", .tmpl = "issue-added",
	    .lang = notify_language(c->e, lang, NULL, 0), .vars = &v, .person_id = person,
	    .ref_kind = "case", .ref_id = case_id }, error_r) < 0)
		goto out;
	reporter_vars(c, &v, case_id);
	vars_set(&v, "role", "");
	vars_set(&v, "pair", "");
	vars_set(&v, "text", c->text);
	if (notify_committee(c->e, &(struct notice){ .kind = "issue-notice", .vars = &v,
	    .reply_to = c->m->from_addr, .cause = c->inbound_id, .ref_kind = "case",
	    .ref_id = case_id }, error_r) < 0)
		goto out;
	/* the log names the case number only: its text is confidential */
	inbound_outcome(c, "added to case %" PRId64, case_id);
	ret = 1;
out:
	vars_deinit(&v);
	free(ref);
	free(reporter);
	free(lang);
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
