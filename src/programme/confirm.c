#include "confirm.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "command.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "outbox.h"
#include "store.h"
#include "template.h"
#include "util.h"

/* A reply longer than this many words says more than "yes". */
#define SUBSTANTIAL_WORDS 25

#define CONFIRMATION_COLS "SELECT rowid, token, kind, address, coalesce(ref_id, 0), payload," \
	" done_at FROM confirmations"

int confirm_substantial(const char *text)
{
	const char *p = text;
	int words = 0, in = 0;

	for (; *p != '\0'; p++) {
		int space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';

		if (!space && !in)
			words++;
		in = !space;
	}
	return words > SUBSTANTIAL_WORDS;
}

int confirm_new_for(struct engine *e, const char *address, const char *kind, int64_t ref_id,
    const char *payload, char token_r[16], int64_t *rowid_r)
{
	char token[TOKEN_LEN + 1];

	token_new(token);
	if (store_exec(e->st, "INSERT INTO confirmations(token, kind, address, ref_id, payload,"
	    " created_at) VALUES(?, ?, ?, nullif(?, 0), ?, ?)", "sssist", token, kind,
	    address, ref_id, payload, e->now) < 0)
		return -1;
	*rowid_r = store_last_id(e->st);
	str_copy(token_r, 16, token);
	return 0;
}

int confirm_new(struct msgctx *c, const char *kind, int64_t ref_id, const char *payload,
    char token_r[16], int64_t *rowid_r)
{
	return confirm_new_for(c->e, c->m->from_addr, kind, ref_id, payload, token_r, rowid_r);
}

int confirm_close(struct engine *e, int64_t rowid)
{
	return store_exec(e->st, "UPDATE confirmations SET done_at = ?, payload = NULL WHERE rowid = ?",
	    "ti", e->now, rowid);
}

int confirm_reopen(struct engine *e, int64_t rowid)
{
	return store_exec(e->st, "UPDATE confirmations SET done_at = NULL WHERE rowid = ?", "i", rowid);
}

static int confirmation_row(const struct store_row *row, void *arg)
{
	struct confirmation *k = arg;
	const char *s;

	k->rowid = store_row_int(row, 0);
	k->token = xstrdup(store_row_text(row, 1));
	k->kind = xstrdup(store_row_text(row, 2));
	k->address = xstrdup(store_row_text(row, 3));
	k->ref_id = store_row_int(row, 4);
	s = store_row_text(row, 5);
	k->payload = s != NULL ? xstrdup(s) : NULL;
	k->done = !store_row_is_null(row, 6);
	return 1;
}

void confirm_deinit(struct confirmation *k)
{
	free(k->token);
	free(k->kind);
	free(k->address);
	free(k->payload);
	memset(k, 0, sizeof(*k));
}

int confirm_by_id(struct engine *e, int64_t rowid, struct confirmation *k)
{
	memset(k, 0, sizeof(*k));
	if (store_query(e->st, CONFIRMATION_COLS " WHERE rowid = ?", confirmation_row, k, "i",
	    rowid) < 0)
		return -1;
	return k->rowid != 0;
}

int confirm_by_token(struct engine *e, const char *token, struct confirmation *k)
{
	memset(k, 0, sizeof(*k));
	if (store_query(e->st, CONFIRMATION_COLS " WHERE token = ?", confirmation_row, k, "s",
	    token) < 0)
		return -1;
	return k->rowid != 0;
}

int confirm_gate(struct msgctx *c, const char *address, enum confirm_state st)
{
	if (address == NULL || c->m->from_addr == NULL || !str_eq_ci(address, c->m->from_addr)) {
		inbound_leave(c, "confirmation from another address");
		return 0;
	}
	/* the sender answered with what only this address was sent: the
	 * reply to our request, or its token */
	if (outbox_proven(c->e, address) < 0)
		return -1;
	if (st == CONFIRM_WAITING)
		return 1;
	if (st == CONFIRM_DONE && !confirm_substantial(c->text))
		inbound_outcome(c, "already confirmed");
	else
		inbound_leave(c, "reply to a request already settled");
	return 0;
}

int confirm_settle(struct msgctx *c, const struct confirmation *k)
{
	int r = confirm_gate(c, k->address, k->done ? CONFIRM_DONE : CONFIRM_WAITING);

	if (r <= 0)
		return r;
	if (store_exec(c->e->st, "UPDATE confirmations SET done_at = ? WHERE rowid = ?", "ti",
	    c->e->now, k->rowid) < 0)
		return -1;
	return 1;
}

int confirm_nothing(struct msgctx *c, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	int ret;

	ret = notify_answer(c, &(struct notice){ .kind = "status", .tmpl = "nothing-to-confirm",
	    .vars = &v }, error_r);
	vars_deinit(&v);
	inbound_outcome(c, "reference matches nothing pending");
	return ret;
}

enum rsvp_answer confirm_answer(const struct msgctx *c)
{
	enum rsvp_answer answer = command_rsvp_answer(c->text);
	const char *lang = NULL;
	char *arg = NULL;

	if (command_applicant(c->m->subject, &arg, &lang) == ACMD_CONFIRM)
		answer = RSVP_YES;
	free(arg);
	return answer;
}
