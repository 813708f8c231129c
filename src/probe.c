#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "compose.h"
#include "config.h"
#include "log.h"
#include "refusal.h"
#include "smtp.h"
#include "util.h"

/* For the operator who asked for it, in both languages of the templates:
 * %1$s is [smtp] user, %2$s the programme's address. */
#define PROBE_BODY "This message was sent by `mentord test-send` to check that the mail\n" \
	"server takes mail from %1$s as %2$s.\n" \
	"It arrived: nothing more to do, and no answer is needed.\n" \
	"\n" \
	"Ce message a \xc3\xa9t\xc3\xa9 envoy\xc3\xa9 par `mentord test-send` pour v\xc3\xa9rifier que le\n" \
	"serveur de messagerie accepte le courrier de %1$s au nom de %2$s.\n" \
	"Il est arriv\xc3\xa9 : rien d'autre \xc3\xa0 faire, et nulle r\xc3\xa9ponse n'est attendue.\n"

static const char *const result_names[] = { "accepted", "refused for now", "refused",
	"not sent" };

int probe_send(const struct config *cfg, const char *address, time_t now)
{
	const char *cerr = NULL, *user = cfg->smtp.user != NULL ? cfg->smtp.user : "(no [smtp] user)";
	struct compose_addr to = { NULL, address };
	struct compose c;
	struct smtp *smtp = NULL;
	const struct refusal *rf;
	enum smtp_result r;
	char *msg = NULL, *body = NULL, *subject = NULL, *mid = NULL, *err = NULL, *advice = NULL;
	char hex[17], reply[SMTP_REPLY_BYTES_MAX];
	size_t len = 0;
	int ret = 1;

	if (!compose_address_ok(address) || strchr(address, '@') == NULL) {
		fprintf(stderr, "mentord: test-send: not an address: %s\n", address);
		return 2;
	}
	if (random_hex(hex, 8) < 0) {
		fprintf(stderr, "mentord: test-send: no random bytes\n");
		return 1;
	}
	body = xasprintf(PROBE_BODY, user, cfg->programme.address);
	subject = xasprintf("%s: test message", cfg->programme.name);
	mid = xasprintf("test-send.%s@%s", hex, cfg->programme.domain);
	memset(&c, 0, sizeof(c));
	c.from_name = cfg->programme.display_name;
	c.from_addr = cfg->programme.address;
	c.to = &to;
	c.n_to = 1;
	c.subject = subject;
	c.body = body;
	c.language = "en, fr";
	c.message_id = mid;
	c.date = now;
	c.auto_submitted = "auto-generated";
	c.kind = "test-send";
	c.loop = cfg->programme.address;
	if (compose_render(&c, &msg, &len, &cerr) < 0) {
		fprintf(stderr, "mentord: test-send: %s\n", cerr);
		ret = 2;
		goto out;
	}
	if (smtp_open(cfg, &smtp, &err) < 0) {
		fprintf(stderr, "mentord: test-send: %s\n", err);
		goto out;
	}
	r = smtp_send(smtp, cfg->programme.address, address, msg, len, &err);
	if (r == SMTP_OK) {
		log_escape(smtp_last_reply(smtp), reply, sizeof(reply));
		printf("test-send: %s accepted the message from %s to %s (Message-ID <%s>): %s\n",
		    cfg->smtp.url, cfg->programme.address, address, mid, reply);
		ret = 0;
		goto out;
	}
	rf = smtp_refusal(smtp);
	advice = rf != NULL ? refusal_advice(rf, cfg->smtp.user, cfg->programme.address) : NULL;
	fprintf(stderr, "mentord: test-send: %s: %s: %s%s%s\n", cfg->smtp.url,
	    rf != NULL ? "refused the account" : result_names[r], err,
	    advice != NULL ? "\n" : "", advice != NULL ? advice : "");
out:
	smtp_close(&smtp);
	free(advice);
	free(err);
	free(msg);
	free(body);
	free(subject);
	free(mid);
	return ret;
}
