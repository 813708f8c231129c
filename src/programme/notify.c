#include "notify.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "inbound.h"
#include "mime.h"
#include "outbox.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "words.h"

static int lang_ok(const char *lang)
{
	return words_language_known(lang);
}

const char *notify_language(const struct engine *e, const char *chosen, const char *written,
    int known)
{
	if (lang_ok(chosen))
		return chosen;
	if (lang_ok(written))
		return written;
	return known ? e->cfg->programme.language : NULL;
}

int notify_answer_allowed(struct engine *e, const char *address)
{
	char day[16];
	long count = 0;

	if (config_is_member(e->cfg, address))
		return 1;
	time_local_date(e->now, day, sizeof(day));
	if (store_answer_count(e->st, address, day, &count) < 0)
		return -1;
	return count <= e->cfg->programme.max_answers_per_day;
}

/* The outbox message for a notice, without its recipients. */
static void message_of(const struct notice *n, const char *lang, struct outbox_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = n->kind;
	m->tmpl = n->tmpl;
	m->lang = lang;
	m->vars = n->vars;
	m->person_id = n->person_id;
	m->cause_inbound = n->cause;
	m->ref_kind = n->ref_kind;
	m->ref_id = n->ref_id;
	m->alt_type = n->alt_type;
	m->alt_body = n->alt_body;
	m->attach_type = n->attach_type;
	m->attach_name = n->attach_name;
	m->attach_body = n->attach_body;
	m->file_type = n->file_type;
	m->file_name = n->file_name;
	m->file_data = n->file_data;
	m->file_len = n->file_len;
	m->scrub = n->scrub;
}

int notify_answer(struct msgctx *c, const struct notice *n, char **error_r)
{
	struct outbox_msg m;
	int64_t id = 0;
	char *known = NULL;
	const char *name = c->m->from_name;
	int allowed = notify_answer_allowed(c->e, c->m->from_addr), ret = -1;

	if (allowed < 0)
		return -1;
	if (allowed == 0) {
		c->h->withheld = n->kind;
		c->h->withheld_why = "daily answer limit reached";
		return 0;
	}
	/* a sender whose mail gives no name is greeted by the one the
	 * programme knows for the address, rather than by the address */
	if ((name == NULL || name[0] == '\0') && store_query_text(c->e->st, &known,
	    "SELECT name FROM people WHERE address = ? AND erased_at IS NULL", "s",
	    c->m->from_addr) < 0)
		return -1;
	if (known != NULL && known[0] != '\0')
		name = known;
	message_of(n, n->lang, &m);
	outbox_to(&m, name, c->m->from_addr);
	m.answer_to = c->m;
	m.cause_inbound = c->inbound_id;
	if (outbox_queue(c->e, &m, &id, error_r) < 0)
		goto out;
	if (id == 0) {
		c->h->withheld = n->kind;
		c->h->withheld_why = outbox_held_why(c->e, &m);
	}
	ret = 0;
out:
	free(known);
	return ret;
}

int notify_committee(struct engine *e, const struct notice *n, char **error_r)
{
	const struct strlist *to = n->all_members ? &e->cfg->committee.members : &e->cfg->committee.notify;
	struct compose_addr rt = { NULL, n->reply_to };
	struct outbox_msg m;
	size_t i;

	message_of(n, notify_language(e, NULL, NULL, 1), &m);
	for (i = 0; i < to->n && i < OUTBOX_TO_MAX; i++)
		outbox_to(&m, NULL, to->v[i]);
	m.reply_to = n->reply_to != NULL ? &rt : NULL;
	if (vars_get(n->vars, "name") == NULL)
		vars_set(n->vars, "name", "");
	return outbox_queue(e, &m, NULL, error_r);
}

/* The day's notices from all senders together, counted in notices under
 * the address "*" (no address is): past max_notices_per_day the message
 * stays in the mailbox, and one notice, replaced while it has not gone,
 * says how many wait. */
static int all_senders(struct msgctx *c, const char *day, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	long max = c->e->cfg->committee.max_notices_per_day;
	int64_t n = 0, day_key = (int64_t)(c->e->now / 86400);
	int ret;

	if (store_exec(c->e->st, "INSERT INTO notices(address, day, count) VALUES('*', ?, 1)"
	    " ON CONFLICT(address, day) DO UPDATE SET count = count + 1", "s", day) < 0 ||
	    store_query_int(c->e->st, &n, "SELECT count FROM notices WHERE address = '*' AND day = ?",
	    "s", day) < 0)
		return -1;
	if (n <= max)
		return 1;
	inbound_leave(c, "more messages for the committee today, from all senders, than are passed"
	    " on one by one");
	if (store_exec(c->e->st, "UPDATE outbound SET status = 'dropped', data = NULL"
	    " WHERE kind = 'notice-limit' AND ref_kind = 'notices' AND ref_id = ?"
	    " AND status = 'queued'", "i", day_key) < 0)
		return -1;
	vars_setf(&v, "limit", "%ld", max);
	vars_setf(&v, "waiting", "%lld", (long long)(n - max));
	ret = notify_committee(c->e, &(struct notice){ .kind = "notice-limit",
	    .tmpl = "notice-limit-all", .vars = &v, .ref_kind = "notices", .ref_id = day_key,
	    .cause = c->inbound_id }, error_r);
	vars_deinit(&v);
	return ret < 0 ? -1 : 0;
}

int notify_committee_from(struct msgctx *c, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	const char *from = c->m->from_addr;
	long max = c->e->cfg->committee.max_notices_per_sender;
	char day[16];
	int64_t n = 0;
	int ret;

	if (config_is_member(c->e->cfg, from))
		return 1;
	time_local_date(c->e->now, day, sizeof(day));
	if (store_exec(c->e->st, "INSERT INTO notices(address, day, count) VALUES(?, ?, 1)"
	    " ON CONFLICT(address, day) DO UPDATE SET count = count + 1", "ss", from, day) < 0 ||
	    store_query_int(c->e->st, &n, "SELECT count FROM notices WHERE address = ? AND day = ?",
	    "ss", from, day) < 0)
		return -1;
	if (n <= max)
		return all_senders(c, day, error_r);
	inbound_leave(c, "more messages for the committee today than are passed on one by one");
	if (n > max + 1)
		return 0;
	/* the first one over: one notice stands for all the others */
	vars_set(&v, "who", c->m->from_name != NULL ? c->m->from_name : from);
	vars_setf(&v, "limit", "%ld", max);
	ret = notify_committee(c->e, &(struct notice){ .kind = "notice-limit", .vars = &v,
	    .reply_to = from, .cause = c->inbound_id }, error_r);
	vars_deinit(&v);
	return ret < 0 ? -1 : 0;
}

int notify_to(struct engine *e, const char *name, const char *address, const char *chosen,
    const struct notice *n, char **error_r)
{
	struct outbox_msg m;

	message_of(n, notify_language(e, chosen, NULL, 1), &m);
	outbox_to(&m, name, address);
	return outbox_queue(e, &m, NULL, error_r);
}

int notify_person(struct engine *e, const struct application *a, const struct notice *n,
    char **error_r)
{
	struct notice own = *n;

	if (own.person_id == 0)
		own.person_id = a->person_id;
	if (vars_get(n->vars, "name") == NULL && a->name != NULL)
		vars_set(n->vars, "name", a->name);
	return notify_to(e, a->name, a->address, a->language, &own, error_r);
}

int notify_pair(struct engine *e, const struct application *mentor,
    const struct application *mentee, const struct notice *n, char **error_r)
{
	const char *a = notify_language(e, mentor->language, NULL, 0);
	const char *b = notify_language(e, mentee->language, NULL, 0);
	struct outbox_msg m;

	message_of(n, a != NULL && b != NULL && strcmp(a, b) == 0 ? a : NULL, &m);
	outbox_to(&m, mentor->name, mentor->address);
	outbox_to(&m, mentee->name, mentee->address);
	return outbox_queue(e, &m, NULL, error_r);
}
