#include "programme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant.h"
#include "classify.h"
#include "command.h"
#include "committee.h"
#include "config.h"
#include "dsn.h"
#include "engine.h"
#include "followup.h"
#include "form.h"
#include "log.h"
#include "mime.h"
#include "notify.h"
#include "quote.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "training.h"
#include "util.h"

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

/* ---- bounces ---- */

static int handle_bounce(struct msgctx *c)
{
	struct dsn d;
	char *kind = NULL, info[300];
	int64_t out_id = 0, person = 0;
	int r = 0;

	memset(&d, 0, sizeof(d));
	if (dsn_parse(c->m->arena, c->m, &d) != 1 || (!d.permanent && !d.temporary)) {
		snprintf(c->h->outcome, sizeof(c->h->outcome), "report recorded (not a failed delivery)");
		return 0;
	}
	if (d.original_message_id != NULL)
		r = store_outbound_by_message_id(c->e->st, d.original_message_id, &out_id, &kind, NULL,
		    NULL, &person);
	free(kind);
	if (r < 0)
		return -1;
	if (!d.permanent) {
		snprintf(c->h->outcome, sizeof(c->h->outcome), "delivery delayed for a recipient");
		return 0;
	}
	snprintf(info, sizeof(info), "%s%s%s", d.status != NULL ? d.status : "failed",
	    d.diagnostic != NULL ? ": " : "", d.diagnostic != NULL ? d.diagnostic : "");
	if (r == 1 && store_outbound_mark_bounced(c->e->st, out_id, info) < 0)
		return -1;
	if (d.recipient != NULL && store_exec(c->e->st, "UPDATE people SET bouncing = 1, bounce_info = ?"
	    " WHERE address = ?", "ss", info, d.recipient) < 0)
		return -1;
	snprintf(c->h->outcome, sizeof(c->h->outcome), "bounce%s%s", r == 1 ? " of our message" : "",
	    d.recipient != NULL ? "; address marked bouncing" : "");
	return 0;
}

/* ---- replies ---- */

/* A reply to one of our messages: what it refers to decides. Returns 1 if
 * handled, 0 to treat it as a fresh message. */
static int handle_reply(struct msgctx *c, const struct classification *cl)
{
	char *kind = NULL, *ref_kind = NULL;
	int64_t ref_id = 0, person = 0;
	int r = 0;

	if (cl->our_message != NULL) {
		r = store_outbound_by_message_id(c->e->st, cl->our_message, NULL, &kind, &ref_kind,
		    &ref_id, &person);
		if (r < 0)
			return -1;
	}
	if (r == 1 && ref_kind != NULL) {
		if (strcmp(ref_kind, "application") == 0 || strcmp(ref_kind, "confirmation") == 0)
			r = applicant_reply(c, ref_kind, ref_id);
		else if (strcmp(ref_kind, "proposal") == 0 && config_is_member(c->e->cfg, c->m->from_addr))
			r = committee_reply(c, ref_id) < 0 ? -1 : 1;
		else if (strcmp(ref_kind, "event") == 0)
			r = training_text_reply(c, ref_id) < 0 ? -1 : 1;
		else if (strcmp(ref_kind, "checkin") == 0)
			r = followup_checkin_reply(c, ref_id) < 0 ? -1 : 1;
		else if (strcmp(ref_kind, "feedback") == 0)
			r = followup_feedback_reply(c, ref_id) < 0 ? -1 : 1;
		else
			r = 0;
	} else if (cl->token[0] != '\0') {
		r = applicant_token(c, cl->token);
	} else {
		r = 0;
	}
	free(kind);
	free(ref_kind);
	return r;
}

/* ---- commands ---- */

static int answer_help(struct msgctx *c, const char *kw_lang)
{
	struct vars v = { { NULL }, { NULL }, 0 };
	char *err = NULL, *lang = roster_person_language(c->e, c->m->from_addr);
	int ret;

	(void)kw_lang;
	/* a known person gets their language; a newcomer both */
	ret = notify_answer(c, &(struct notice){ .kind = "help", .vars = &v,
	    .lang = notify_language(c->e, lang, NULL, 0) }, &err);
	vars_deinit(&v);
	free(lang);
	if (ret < 0) {
		log_err("%s", err);
		free(err);
		return -1;
	}
	snprintf(c->h->outcome, sizeof(c->h->outcome), "help sent");
	return 0;
}

static int handle_command(struct msgctx *c)
{
	struct committee_command cc;
	const char *lang = NULL;
	char *arg = NULL, *subject;
	enum applicant_cmd cmd;
	int r, ret = 0;

	/* a member's "status" is the committee's command (classify.c agrees) */
	if (config_is_member(c->e->cfg, c->m->from_addr)) {
		subject = command_subject_strip(c->m->subject);
		r = command_committee_parse(subject, &cc) == 1 && cc.error == NULL;
		command_committee_deinit(&cc);
		free(subject);
		if (r)
			return committee_message(c);
	}
	cmd = command_applicant(c->m->subject, &arg, &lang);
	if (cmd == ACMD_HELP)
		ret = answer_help(c, lang);
	else if (cmd != ACMD_NONE)
		ret = applicant_command(c, cmd, arg, lang);
	free(arg);
	if (cmd != ACMD_NONE)
		return ret;
	if (form_detect(c->text))
		return applicant_form(c, NULL);
	inbound_leave(c, "not understood");
	return 0;
}

int programme_handle(struct engine *e, const struct mime_msg *m, int64_t inbound_id,
    struct handled *h, char **error_r)
{
	struct classify_ctx cc = { e->cfg->programme.address, e->cfg->programme.domain, is_ours,
		is_member, e };
	struct classification cl;
	struct msgctx c = { e, m, inbound_id, h, NULL };
	int r = 0;

	memset(h, 0, sizeof(*h));
	classify(m, &cc, &cl);
	h->class_name = classify_name(cl.cls);
	h->needs_flag = 1;
	c.text = quote_strip(m->text);
	switch (cl.cls) {
	case CLASS_OWN:
		snprintf(h->outcome, sizeof(h->outcome), "own message, archived");
		break;
	case CLASS_BOUNCE:
		r = handle_bounce(&c);
		break;
	case CLASS_AUTOREPLY:
		snprintf(h->outcome, sizeof(h->outcome), "automatic reply recorded, not answered");
		break;
	case CLASS_CALENDAR:
		r = training_calendar_reply(&c);
		break;
	case CLASS_REPLY:
		r = handle_reply(&c, &cl);
		if (r == 0) {
			/* not an answer we act on: maybe a command or a form */
			h->class_name = classify_name(CLASS_REPLY);
			r = m->from_addr != NULL ? handle_command(&c) : 0;
		} else if (r == 1) {
			r = 0;
		}
		break;
	case CLASS_COMMAND:
		if (m->from_addr != NULL)
			r = handle_command(&c);
		else
			inbound_leave(&c, "no sender address");
		break;
	case CLASS_HUMAN:
		inbound_leave(&c, "human mail");
		break;
	}
	free(c.text);
	if (h->withheld != NULL)
		log_warn("daily answer limit reached for a sender; %s not sent", h->withheld);
	if (r < 0 && *error_r == NULL)
		*error_r = xstrdup("processing failed (see the log)");
	return r < 0 ? -1 : 0;
}
