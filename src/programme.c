#include "programme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "command.h"
#include "config.h"
#include "engine.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "store.h"
#include "template.h"
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

int programme_answer_allowed(struct engine *e, const char *address)
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

/* The language to answer in: the person's recorded one, else the keyword's,
 * else NULL (bilingual). */
static const char *person_language(struct engine *e, const char *address, const char *fallback)
{
	char *lang = NULL;
	const char *r = fallback;

	if (store_query_text(e->st, &lang, "SELECT language FROM people WHERE address = ?", "s",
	    address) == 0 && lang != NULL) {
		if (strcmp(lang, "fr") == 0)
			r = "fr";
		else if (strcmp(lang, "en") == 0)
			r = "en";
	}
	free(lang);
	return r;
}

static int answer_help(struct engine *e, const struct mime_msg *m, int64_t inbound_id,
    struct handled *h, char **error_r)
{
	struct outbox_msg out;
	struct vars v = { { NULL }, { NULL }, 0 };
	int allowed, ret;

	allowed = programme_answer_allowed(e, m->from_addr);
	if (allowed < 0)
		return -1;
	if (allowed == 0) {
		snprintf(h->outcome, sizeof(h->outcome), "help request; daily answer limit reached");
		return 0;
	}
	memset(&out, 0, sizeof(out));
	out.kind = "help";
	/* the help text is bilingual on purpose: it is what a newcomer sees */
	out.lang = NULL;
	outbox_to(&out, m->from_name, m->from_addr);
	out.answer_to = m;
	out.vars = &v;
	out.cause_inbound = inbound_id;
	ret = outbox_queue(e, &out, NULL, error_r);
	vars_deinit(&v);
	if (ret == 0)
		snprintf(h->outcome, sizeof(h->outcome), "help sent");
	return ret;
}

static int handle_command(struct engine *e, const struct mime_msg *m, int64_t inbound_id,
    struct handled *h, char **error_r)
{
	const char *lang = NULL;
	char *arg = NULL;
	enum applicant_cmd cmd = command_applicant(m->subject, &arg, &lang);
	int ret = 0;

	(void)person_language;
	free(arg);
	switch (cmd) {
	case ACMD_HELP:
		ret = answer_help(e, m, inbound_id, h, error_r);
		break;
	default:
		/* not understood by this version: leave it to the committee */
		h->needs_flag = 0;
		h->class_name = classify_name(CLASS_HUMAN);
		snprintf(h->outcome, sizeof(h->outcome), "left for the committee");
		break;
	}
	return ret;
}

int programme_handle(struct engine *e, const struct mime_msg *m, int64_t inbound_id,
    struct handled *h, char **error_r)
{
	struct classify_ctx cc = { e->cfg->programme.address, e->cfg->programme.domain, is_ours,
		is_member, e };
	struct classification c;

	memset(h, 0, sizeof(*h));
	classify(m, &cc, &c);
	h->class_name = classify_name(c.cls);
	h->needs_flag = 1;
	switch (c.cls) {
	case CLASS_OWN:
		snprintf(h->outcome, sizeof(h->outcome), "own message, archived");
		return 0;
	case CLASS_BOUNCE:
		snprintf(h->outcome, sizeof(h->outcome), "delivery report recorded");
		return 0;
	case CLASS_AUTOREPLY:
		snprintf(h->outcome, sizeof(h->outcome), "automatic reply recorded, not answered");
		return 0;
	case CLASS_COMMAND:
		if (m->from_addr == NULL)
			break;
		return handle_command(e, m, inbound_id, h, error_r);
	case CLASS_CALENDAR:
	case CLASS_REPLY:
	case CLASS_HUMAN:
		break;
	}
	h->needs_flag = 0;
	snprintf(h->outcome, sizeof(h->outcome), "left for the committee");
	return 0;
}
