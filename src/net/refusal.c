#include "refusal.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define SEND_AS "the mail server does not let {user} send as {address}. An administrator" \
	" must give {user} the right to send as {address} (Microsoft 365, in Exchange Online" \
	" PowerShell: Add-RecipientPermission -Identity {address} -Trustee {user} -AccessRights" \
	" SendAs; Google Workspace: add {address} as a \"Send mail as\" address of {user});" \
	" mentord tries again by itself, and at once after a reload"
#define SMTP_AUTH_OFF "SMTP AUTH is disabled for {user}. An administrator must enable it for" \
	" this mailbox (Exchange Online PowerShell: Set-CASMailbox -Identity {user}" \
	" -SmtpClientAuthenticationDisabled $false; or for the whole organisation:" \
	" Set-TransportConfig -SmtpClientAuthenticationDisabled $false); mentord tries again" \
	" by itself, and at once after a reload"
#define QUOTA "the mailbox {user} has passed the provider's sending limit and may not send" \
	" for 24 hours: mentord waits that long, then goes on. To stay under the limit, set" \
	" [smtp] max_per_minute and max_recipients_per_day (Microsoft 365: 30 and 10000;" \
	" Google Workspace: max_recipients_per_day = 2000)"
#define BLOCKED "the provider has blocked the organisation from sending mail (a suspected" \
	" compromise, or a new tenant's limits). An administrator must have the block lifted" \
	" (Microsoft 365 Defender portal: Restricted entities; or a support request to" \
	" Microsoft); mentord tries again by itself"
#define ANONYMOUS "the server takes mail only after authentication: set [smtp] user and" \
	" auth (Microsoft 365: auth = xoauth2 with [oauth2])"
#define AUTH_FAILED "the server refused to authenticate {user}: check [smtp] user and its" \
	" password_file, or the OAuth 2 sign-in (mentord check-config --connect; mentord" \
	" oauth2 login); mentord tries again by itself, and at once after a reload"
#define SENDER_REFUSED "the server refuses {address} as the sender of mail from {user}: give" \
	" {user} the right to send as {address} (Microsoft 365: Add-RecipientPermission" \
	" -Identity {address} -Trustee {user} -AccessRights SendAs); mentord tries again by" \
	" itself, and at once after a reload"

/* Marks that say what a refusal is, at whatever command it comes: a word
 * in the text (case aside), or an enhanced status code (RFC 3463). */
static const struct {
	const char *word;
	const char *status;
	long hold;
	const char *advice;
} marks[] = {
	{ "SendAsDenied", NULL, 0, SEND_AS },
	{ "SubmissionQuotaExceeded", NULL, REFUSAL_QUOTA_HOLD, QUOTA },
	{ NULL, "5.7.60", 0, SEND_AS },
	{ NULL, "5.7.139", 0, SMTP_AUTH_OFF },
	{ NULL, "5.7.705", 0, BLOCKED },
	{ NULL, "5.7.708", 0, BLOCKED },
	{ NULL, "5.7.750", 0, BLOCKED },
	{ NULL, "5.7.57", 0, ANONYMOUS },
	{ NULL, "5.4.5", REFUSAL_QUOTA_HOLD, QUOTA },
};

/* The enhanced status code after the reply code ("554 5.2.0 ..." or
 * "554-5.2.0 ..."), copied into out; "" when there is none. */
static void enhanced(const char *reply, char *out, size_t size)
{
	const char *p = reply;
	size_t n = 0, dots = 0, digits = 0;

	out[0] = '\0';
	if (reply == NULL || strlen(reply) < 5 || (reply[3] != ' ' && reply[3] != '-'))
		return;
	p = reply + 4;
	while (p[n] != '\0' && n + 1 < size) {
		unsigned char c = (unsigned char)p[n];

		if (isdigit(c) && digits < 3) {
			digits++;
		} else if (c == '.' && digits > 0 && dots < 2) {
			dots++;
			digits = 0;
		} else {
			break;
		}
		n++;
	}
	/* class.subject.detail, and the detail complete */
	if (dots != 2 || digits == 0 || (p[n] != '\0' && !isspace((unsigned char)p[n])))
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

static int has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; s != NULL && *s != '\0'; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

void refusal_classify(const char *command, long code, const char *reply, struct refusal *r)
{
	char status[16];
	size_t i;

	memset(r, 0, sizeof(*r));
	enhanced(reply, status, sizeof(status));
	/* a 2xx or 3xx is no refusal, whatever its text says */
	if (code != 0 && code < 400)
		return;
	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		if (marks[i].word != NULL ? has_word(reply, marks[i].word)
		    : strcmp(status, marks[i].status) == 0) {
			r->account = 1;
			r->hold_seconds = marks[i].hold;
			r->advice = marks[i].advice;
			return;
		}
	}
	if (command == NULL)
		return;
	if (strcmp(command, "AUTH") == 0 && (code == 0 || code >= 500)) {
		r->account = 1;
		r->advice = AUTH_FAILED;
	} else if (strcmp(command, "MAIL FROM") == 0 && code >= 500 && code != 552) {
		r->account = 1;
		r->advice = SENDER_REFUSED;
	}
}

char *refusal_advice(const struct refusal *r, const char *user, const char *address)
{
	struct buf b;
	const char *p, *brace;

	if (r->advice == NULL)
		return NULL;
	buf_init(&b, 4096);
	for (p = r->advice; (brace = strchr(p, '{')) != NULL; ) {
		buf_add(&b, p, (size_t)(brace - p));
		if (str_has_prefix(brace, "{user}")) {
			buf_adds(&b, user != NULL ? user : "[smtp] user");
			p = brace + strlen("{user}");
		} else if (str_has_prefix(brace, "{address}")) {
			buf_adds(&b, address != NULL ? address : "[programme] address");
			p = brace + strlen("{address}");
		} else {
			buf_addc(&b, '{');
			p = brace + 1;
		}
	}
	buf_adds(&b, p);
	return buf_steal(&b);
}
