#include "inbound.h"

#include <stdarg.h>
#include <stdio.h>

#include "auth.h"
#include "classify.h"
#include "config.h"
#include "engine.h"

void inbound_outcome(struct msgctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->h->outcome, sizeof(c->h->outcome), fmt, ap);
	va_end(ap);
}

void inbound_leave(struct msgctx *c, const char *why)
{
	c->h->needs_flag = 0;
	c->h->class_name = classify_name(CLASS_HUMAN);
	inbound_outcome(c, "left for the committee: %s", why);
}

int inbound_sender_proven(const struct engine *e, const struct mime_msg *m)
{
	const struct config *cfg = e->cfg;
	struct auth_policy p = {
		.authserv_id = cfg->committee.authserv_id,
		.trust_spf = cfg->committee.trust_spf,
		.exchange = PROVIDER_IS_EXCHANGE(cfg->programme.provider),
		.google = cfg->programme.provider == PROVIDER_GOOGLE,
		.domains = (const char *const *)cfg->committee.domains.v,
		.n_domains = cfg->committee.domains.n,
	};

	return auth_message_ok(m, &p);
}
