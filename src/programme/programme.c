/* The dispatcher. It decides nothing itself: the class a message is given
 * (classify.h) picks a handler from `classes`; a reply goes by what our
 * message referred to (`replies`), a confirmed request by its kind
 * (`confirmed`), a subject keyword by `keywords`. The handlers are the
 * features'; they follow applicant.h's return rule (1 handled, 0 not mine,
 * -1 error with *error_r). A reply that is no answer we act on is read
 * again as a fresh message: it may hold a command or a form. */
#include "programme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant.h"
#include "applicant_change.h"
#include "auth.h"
#include "cases.h"
#include "bounce.h"
#include "choosing.h"
#include "classify.h"
#include "command.h"
#include "committee.h"
#include "compose.h"
#include "config.h"
#include "confirm.h"
#include "edition.h"
#include "engine.h"
#include "followup.h"
#include "form.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "pairing.h"
#include "quote.h"
#include "repair.h"
#include "store.h"
#include "training.h"
#include "util.h"
#include "words.h"

typedef int (*keyword_fn)(struct msgctx *c, const char *arg, const char *lang, char **error_r);
typedef int (*confirmed_fn)(struct msgctx *c, const struct confirmation *k, char **error_r);
typedef int (*reply_fn)(struct msgctx *c, int64_t ref_id, char **error_r);
typedef int (*class_fn)(struct msgctx *c, const struct classification *cl, char **error_r);

static int keyword_confirm(struct msgctx *c, const char *arg, const char *lang, char **error_r);
static const char *sender_unusable(const struct engine *e, const struct mime_msg *m);
static int reply_confirmation(struct msgctx *c, int64_t rowid, char **error_r);

/* An applicant's subject keyword (command.h). */
static const struct {
	enum applicant_cmd cmd;
	keyword_fn fn;
} keywords[] = {
	{ ACMD_APPLY, applicant_apply },
	{ ACMD_CONFIRM, keyword_confirm },
	{ ACMD_UPDATE, applicant_update },
	{ ACMD_WITHDRAW, applicant_withdraw },
	{ ACMD_STATUS, applicant_status },
	{ ACMD_ISSUE, applicant_issue },
	{ ACMD_HELP, applicant_help },
	{ ACMD_FORGET, applicant_forget },
};

/* What a confirmed request does, by its kind (confirm.h). */
static const struct {
	const char *kind;
	confirmed_fn fn;
} confirmed[] = {
	{ "withdraw", applicant_withdraw_confirmed },
	{ "forget", applicant_forget_confirmed },
	{ "commands", committee_confirmed },
	{ "carry-over", edition_carry_confirmed },
	{ "update", applicant_change_confirmed },
};

/* A reply to one of our messages, by the ref_kind that message was queued
 * with (outbox.h); some answers count only from a committee member. */
static const struct {
	const char *ref_kind;
	int members_only;
	reply_fn fn;
} replies[] = {
	{ "application", 0, applicant_reply },
	{ "form", 0, applicant_draft_reply },
	{ "case", 0, cases_reply },
	{ "confirmation", 0, reply_confirmation },
	{ "proposal", 1, committee_reply },
	{ "event", 0, training_text_reply },
	{ "checkin", 0, followup_checkin_reply },
	{ "feedback", 0, followup_feedback_reply },
	{ "profiles", 0, choosing_reply },
	{ "fit", 0, repair_fit_reply },
	{ "consent", 0, pairing_consent_reply },
};

static int is_ours(const char *message_id, void *arg)
{
	struct engine *e = arg;

	return store_outbound_by_message_id(e->st, message_id, NULL, NULL, NULL, NULL, NULL) == 1;
}

static int is_member(const char *address, void *arg)
{
	struct engine *e = arg;

	return config_is_member(e->cfg, address);
}

/* ---- confirmations ---- */

static int settle(struct msgctx *c, const struct confirmation *k, char **error_r)
{
	size_t i;
	int r = confirm_settle(c, k);

	if (r <= 0)
		return r < 0 ? -1 : 1;
	for (i = 0; i < ARRAY_SIZE(confirmed); i++)
		if (strcmp(k->kind, confirmed[i].kind) == 0)
			return confirmed[i].fn(c, k, error_r);
	inbound_leave(c, "unknown confirmation");
	return 1;
}

static int reply_confirmation(struct msgctx *c, int64_t rowid, char **error_r)
{
	struct confirmation k;
	int r = confirm_by_id(c->e, rowid, &k);

	if (r == 1)
		r = settle(c, &k, error_r);
	confirm_deinit(&k);
	return r;
}

/* A token in the subject or given with "confirm": an application's, or a
 * request's, or nothing waiting. */
static int by_token(struct msgctx *c, const char *text, char **error_r)
{
	struct confirmation k;
	char token[TOKEN_LEN + 1];
	int r;

	if (!token_find(text, token)) {
		inbound_leave(c, "unknown reference");
		return 0;
	}
	r = applicant_token(c, token, error_r);
	if (r != 0)
		return r;
	r = confirm_by_token(c->e, token, &k);
	if (r == 1)
		r = settle(c, &k, error_r);
	else if (r == 0)
		r = confirm_nothing(c, error_r) < 0 ? -1 : 1;
	confirm_deinit(&k);
	return r;
}

static int keyword_confirm(struct msgctx *c, const char *arg, const char *lang, char **error_r)
{
	(void)lang;
	if (arg != NULL)
		return by_token(c, arg, error_r);
	inbound_leave(c, "confirm without a reference");
	return 1;
}

/* ---- the classes ---- */

static int on_bounce(struct msgctx *c, const struct classification *cl, char **error_r)
{
	(void)cl;
	return bounce_report(c, error_r);
}

static int on_calendar(struct msgctx *c, const struct classification *cl, char **error_r)
{
	(void)cl;
	return training_calendar_reply(c, error_r);
}

/* A request in plain words, by the first intent found (words.h), the
 * strongest first: erasure (which withdraws too), withdrawal, a
 * confidential issue, status, help. */
static const struct {
	const char *intent;
	keyword_fn fn;
} intents[] = {
	{ "erase", applicant_forget },
	{ "withdraw", applicant_withdraw },
	{ "issue", applicant_issue },
	{ "status", applicant_status },
	{ "help", applicant_help },
	{ "apply", applicant_help },
};

/* The subject and the first lines of the sender's words, where a request
 * in plain words is looked for; *subject_r: the subject without prefixes
 * ("" for a reply). */
#define PLAIN_LINES 3
#define PLAIN_BYTES_MAX 1000

static char *plain_text(const struct msgctx *c, char **subject_r)
{
	struct buf b;
	const char *p = c->text, *e;
	int lines = 0;

	/* the subject of a reply is often ours ("how to take part"): only the
	 * sender's own words count then */
	*subject_r = c->m->n_references > 0 ? xstrdup("") : command_subject_strip(c->m->subject);
	buf_init(&b, PLAIN_BYTES_MAX);
	buf_adds(&b, *subject_r);
	while (*p != '\0' && lines < PLAIN_LINES) {
		e = p + strcspn(p, "\r\n");
		if (e > p) {
			buf_addc(&b, '\n');
			buf_add(&b, p, (size_t)(e - p));
			lines++;
		}
		p = *e != '\0' ? e + 1 : e;
	}
	return buf_steal(&b);
}

/* Mail no keyword names, from someone not on the committee: a request in
 * plain words, else the closest command suggested, else a note that a
 * person will read it. A member's is left as it is. */
static int plain_words(struct msgctx *c, const char *why, char **error_r)
{
	char *subject = NULL, *text;
	const char *lang = NULL;
	unsigned found;
	size_t i;
	int r = 0;

	if (sender_unusable(c->e, c->m) != NULL || config_is_member(c->e->cfg, c->m->from_addr)) {
		inbound_leave(c, why);
		return 1;
	}
	text = plain_text(c, &subject);
	found = words_intents_lang(text, &lang);
	for (i = 0; i < ARRAY_SIZE(intents) && r == 0; i++)
		if (found & words_intent_bit(intents[i].intent))
			r = intents[i].fn(c, subject, lang, error_r);
	free(text);
	free(subject);
	if (r == 0)
		r = applicant_suggest(c, error_r);
	if (r == 0)
		r = applicant_passed_on(c, why, error_r);
	return r;
}

/* A member's committee command, an applicant's keyword, or a form. */
static int on_fresh(struct msgctx *c, char **error_r)
{
	const char *lang = NULL;
	char *arg = NULL;
	enum applicant_cmd cmd;
	size_t i;
	int r;

	/* a member's "status" is the committee's command (classify.c agrees) */
	if (config_is_member(c->e->cfg, c->m->from_addr)) {
		struct classify_ctx cc = { is_ours, is_member, c->e };

		/* but a member's answer to someone else's message, even in a
		 * thread of ours, is none (a participant's subject) */
		if (classify_foreign_answer(c->m, &cc)) {
			inbound_leave(c, "a member's reply to, or forward of, someone else's message");
			return 1;
		}
		r = committee_message(c, error_r);
		if (r != 0)
			return r;
	}
	cmd = command_applicant(c->m->subject, &arg, &lang);
	/* "withdraw" with "and delete my data": the erasure withdraws too */
	if (cmd == ACMD_WITHDRAW && (words_intents(c->text) & words_intent_bit("erase")))
		cmd = ACMD_FORGET;
	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (keywords[i].cmd == cmd) {
			r = keywords[i].fn(c, arg, lang, error_r);
			free(arg);
			return r;
		}
	free(arg);
	r = applicant_change_by_reply(c, error_r);
	if (r != 0)
		return r;
	if (form_detect(c->text))
		return applicant_form(c, error_r);
	if (config_is_member(c->e->cfg, c->m->from_addr))
		return committee_unclear(c, error_r);
	return plain_words(c, "not understood", error_r);
}

static int on_command(struct msgctx *c, const struct classification *cl, char **error_r)
{
	(void)cl;
	return on_fresh(c, error_r);
}

/* What the message we sent referred to decides, when it was sent to the
 * sender: a Message-ID of ours is keyed, so only its recipients know it,
 * and From alone proves nothing. A token in the subject stands for a
 * reference. */
static int by_reference(struct msgctx *c, const struct classification *cl, char **error_r)
{
	char *ref_kind = NULL;
	int64_t ref_id = 0;
	size_t i;
	int r = 0;

	if (cl->our_message != NULL) {
		r = outbox_sent_to(c->e, cl->our_message, c->m->from_addr, &ref_kind, &ref_id);
		/* an answer to what we sent it: the address is who it claims */
		if (r < 0 || (r == 1 && outbox_proven(c->e, c->m->from_addr) < 0)) {
			free(ref_kind);
			return -1;
		}
	}
	if (r == 1) {
		c->replied = 1;
		r = 0;
		for (i = 0; ref_kind != NULL && i < ARRAY_SIZE(replies); i++)
			if (strcmp(ref_kind, replies[i].ref_kind) == 0 && (!replies[i].members_only ||
			    config_is_member(c->e->cfg, c->m->from_addr))) {
				r = replies[i].fn(c, ref_id, error_r);
				break;
			}
		/* a member's reply to anything else we sent her: commands */
		if (r == 0 && config_is_member(c->e->cfg, c->m->from_addr))
			r = committee_reply_any(c, ref_kind, error_r);
	} else {
		r = cl->token[0] != '\0' ? by_token(c, cl->token, error_r) : 0;
	}
	free(ref_kind);
	return r;
}

static int on_reply(struct msgctx *c, const struct classification *cl, char **error_r)
{
	int r = by_reference(c, cl, error_r);

	if (r != 0)
		return r;
	/* not an answer we act on: maybe a command or a form */
	c->h->class_name = classify_name(CLASS_REPLY);
	return on_fresh(c, error_r);
}

static int on_human(struct msgctx *c, const struct classification *cl, char **error_r)
{
	(void)cl;
	/* a member is never met with silence when she writes to us alone */
	if (c->m->from_addr != NULL && config_is_member(c->e->cfg, c->m->from_addr))
		return committee_unclear(c, error_r);
	return plain_words(c, "human mail", error_r);
}

/* Did the SMTP server offer SMTPUTF8 (RFC 6531) when the sender last
 * spoke to it? Not known yet reads as no. */
static int smtputf8_offered(const struct engine *e)
{
	char *v = NULL;
	int yes;

	if (store_query_text(e->st, &v, "SELECT value FROM meta WHERE key = 'smtputf8'", NULL) < 0)
		return 0;
	yes = v != NULL && strcmp(v, "1") == 0;
	free(v);
	return yes;
}

/* Why the sender's address cannot be acted on, or NULL: the robot writes
 * only to one plain mailbox (mime.h reads From strictly). A quoted local
 * part ("chair@example.org"@evil.example) is an address of its own, but one
 * a person should look at. An address in UTF-8 is answered only through a
 * server that offers SMTPUTF8; otherwise a person answers it. */
static const char *sender_unusable(const struct engine *e, const struct mime_msg *m)
{
	if (m->from_addr == NULL)
		return "no usable From address";
	if (m->from_addr[0] == '"')
		return "From address with a quoted local part";
	if (compose_address_utf8(m->from_addr) && !smtputf8_offered(e))
		return "From address in UTF-8 (RFC 6531), and the SMTP server does not offer SMTPUTF8";
	/* our own mail is known by its Message-ID (classify.h): this is not */
	if (str_eq_ci(m->from_addr, e->cfg->programme.address))
		return "From our own address, but not a message of ours";
	return NULL;
}

/* Each class to its handler; the robot only records what it never answers.
 * A class that acts for its sender wants a usable From. */
static const struct {
	enum msg_class cls;
	class_fn fn;
	const char *recorded;
	int acts_for_sender;
} classes[] = {
	{ CLASS_OWN, NULL, "own message, archived", 0 },
	{ CLASS_BOUNCE, on_bounce, NULL, 0 },
	{ CLASS_AUTOREPLY, NULL, "automatic reply recorded, not answered", 0 },
	{ CLASS_CALENDAR, on_calendar, NULL, 1 },
	{ CLASS_REPLY, on_reply, NULL, 1 },
	{ CLASS_COMMAND, on_command, NULL, 1 },
	{ CLASS_HUMAN, on_human, NULL, 0 },
};

/* The outcome says what happened: an answer held back was not sent. "help
 * sent" becomes "help held back (why)"; any other outcome says it too. The
 * top of the inbound path: the only place here that logs. */
static void withheld(struct msgctx *c)
{
	struct handled *h = c->h;
	size_t n = strlen(h->outcome);
	char was[sizeof(h->outcome)];

	log_warn("%s not sent to a sender: %s", h->withheld, h->withheld_why);
	str_copy(was, sizeof(was), h->outcome);
	if (n >= 5 && strcmp(was + n - 5, " sent") == 0) {
		was[n - 5] = '\0';
		inbound_outcome(c, "%s held back (%s)", was, h->withheld_why);
	} else {
		inbound_outcome(c, "%s%s%s held back (%s)", was, was[0] != '\0' ? "; " : "",
		    h->withheld, h->withheld_why);
	}
}

int programme_handle(struct engine *e, const struct mime_msg *m, int64_t inbound_id,
    struct handled *h, char **error_r)
{
	struct classify_ctx cc = { is_ours, is_member, e };
	struct classification cl;
	struct msgctx c = { e, m, inbound_id, h, NULL, 0 };
	size_t i;
	int r = 0;

	memset(h, 0, sizeof(*h));
	/* a From the receiving server vouches for is who it claims */
	if (m->from_addr != NULL && inbound_sender_proven(e, m) && outbox_proven(e, m->from_addr) < 0)
		return -1;
	classify(m, &cc, &cl);
	h->class_name = classify_name(cl.cls);
	h->needs_flag = 1;
	c.text = quote_strip(m->text);
	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		if (classes[i].cls != cl.cls)
			continue;
		if (classes[i].acts_for_sender && sender_unusable(e, m) != NULL)
			inbound_leave(&c, sender_unusable(e, m));
		else if (classes[i].fn != NULL)
			r = classes[i].fn(&c, &cl, error_r);
		else
			inbound_outcome(&c, "%s", classes[i].recorded);
	}
	free(c.text);
	if (h->withheld != NULL)
		withheld(&c);
	if (r < 0 && *error_r == NULL)
		*error_r = xstrdup("processing failed (see the log)");
	return r < 0 ? -1 : 0;
}
