/* Applicants who write in their own words (doc/DESIGN.md 3.4b): the
 * closest command suggested for a near one, and a short note, once per
 * conversation, that a person will read what the robot leaves for the
 * committee. Each handler follows applicant.h's return rule. */
#include "applicant.h"

#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "engine.h"
#include "form.h"
#include "inbound.h"
#include "mime.h"
#include "notify.h"
#include "outbox.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "words.h"

/* The words a near-command is looked for in: the subject, or the first
 * line of the text when the subject says nothing or is a reply's (often
 * ours). Allocated. */
static char *near_words(const struct msgctx *c)
{
	char *s = c->m->n_references > 0 ? xstrdup("") : command_subject_strip(c->m->subject);
	const char *p = c->text;
	size_t n;

	if (*s != '\0')
		return s;
	free(s);
	while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "\r\n");
	return str_trim(xstrndup(p, n < 200 ? n : 200));
}

int applicant_suggest(struct msgctx *c, char **error_r)
{
	struct words_suggestion s[1];
	struct vars v = { { NULL }, { NULL }, 0 };
	char *wrote = near_words(c), *plang = NULL, *shown = NULL;
	int ret = 0;

	if (words_nearest(WORDS_APPLICANT, wrote, s, 1) == 0 || s[0].distance == 0)
		goto out;
	plang = roster_person_language(c->e, c->m->from_addr);
	shown = str_shown(wrote, 0);
	vars_set(&v, "command", s[0].shown);
	vars_set(&v, "wrote", shown);
	ret = notify_answer(c, &(struct notice){ .kind = "suggestion", .vars = &v,
	    .lang = notify_language(c->e, plang, s[0].lang, 0) }, error_r) < 0 ? -1 : 1;
	if (ret == 1)
		inbound_outcome(c, "near command: \"%s\" suggested", s[0].value);
out:
	vars_deinit(&v);
	free(shown);
	free(plang);
	free(wrote);
	return ret;
}

/* Does this message need no note? A note goes to a message that starts a
 * conversation, or answers one of ours; never again in a conversation
 * that had one, nor in one a member wrote in, nor in a thread we never
 * saw (people writing to each other, our address copied). Each identifier
 * of References and In-Reply-To is looked up: our note itself, a message
 * of theirs we answered with one, a member's message, any of ours. */
static int conversation_answered(struct msgctx *c)
{
	const struct mime_msg *m = c->m;
	int64_t n = 0, ours = 0;
	char *sender = NULL;
	size_t i;
	int member;

	for (i = 0; i < m->n_references; i++) {
		if (store_query_int(c->e->st, &n, "SELECT count(*) FROM outbound WHERE message_id = ?",
		    "s", m->references[i]) < 0)
			return -1;
		ours += n;
		if (store_query_int(c->e->st, &n, "SELECT count(*) FROM outbound WHERE message_id = ?"
		    " AND kind = 'passed-on'", "s", m->references[i]) < 0)
			return -1;
		if (n > 0)
			return 1;
		if (store_query_int(c->e->st, &n, "SELECT count(*) FROM outbound o JOIN inbound i"
		    " ON o.cause_inbound = i.id WHERE i.message_id = ? AND o.kind = 'passed-on'", "s",
		    m->references[i]) < 0)
			return -1;
		if (n > 0)
			return 1;
		if (store_query_text(c->e->st, &sender, "SELECT sender FROM inbound WHERE"
		    " message_id = ? LIMIT 1", "s", m->references[i]) < 0)
			return -1;
		member = sender != NULL && config_is_member(c->e->cfg, sender);
		xfree(&sender);
		if (member)
			return 1;
	}
	return m->n_references > 0 && ours == 0;
}

int applicant_passed_on(struct msgctx *c, const char *why, char **error_r)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *plang = NULL;
	int r = conversation_answered(c), ret;

	if (r != 0) {
		inbound_leave(c, why);
		return r < 0 ? -1 : 1;
	}
	plang = roster_person_language(c->e, c->m->from_addr);
	ret = notify_answer(c, &(struct notice){ .kind = "passed-on", .vars = &v,
	    .lang = notify_language(c->e, plang, NULL, 0) }, error_r);
	vars_deinit(&v);
	free(plang);
	if (ret < 0)
		return -1;
	/* left unread for the committee, as before; the note is in the queue */
	inbound_leave(c, why);
	return 1;
}

/* Is c->m an answer to one of our messages to its sender? 1, 0 or -1. */
static int answers_ours(struct msgctx *c)
{
	char *ref_kind = NULL;
	int64_t ref_id = 0;
	size_t i;
	int r = 0;

	for (i = 0; i < c->m->n_references && r == 0; i++) {
		r = outbox_sent_to(c->e, c->m->references[i], c->m->from_addr, &ref_kind, &ref_id);
		xfree(&ref_kind);
	}
	return r;
}

int applicant_change_by_reply(struct msgctx *c, char **error_r)
{
	struct application live;
	struct form f;
	int64_t cohort = 0;
	int r, lines;

	form_init(&f);
	lines = form_parse(c->text, FORM_CHANGE, &f);
	form_deinit(&f);
	if (!lines || c->m->n_references == 0)
		return 0;
	r = answers_ours(c);
	if (r == 1)
		r = roster_open_cohort(c->e, &cohort, NULL);
	memset(&live, 0, sizeof(live));
	if (r == 1)
		r = roster_application_live(c->e, cohort, c->m->from_addr, &live);
	roster_application_deinit(&live);
	if (r <= 0)
		return r;
	return applicant_update(c, NULL, NULL, error_r);
}
