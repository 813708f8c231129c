/* refusal: the refusals that concern the sender or the account (held,
 * never a message's failure) against those that concern one message or
 * one recipient, with the providers' own words. */
#include "testutil.h"

#include "refusal.h"

static const struct {
	const char *command;
	long code;
	const char *reply;
	int account;
	long hold;
	const char *advice_has; /* NULL: no advice */
} cases[] = {
	/* Microsoft 365 */
	{ "end of data", 554, "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException."
	  "MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with"
	  " message Cannot submit message.", 1, 0, "Add-RecipientPermission -Identity"
	  " committee@example.org -Trustee robot@example.org -AccessRights SendAs" },
	{ "AUTH", 535, "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled"
	  " for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", 1, 0,
	  "Set-CASMailbox -Identity robot@example.org -SmtpClientAuthenticationDisabled $false" },
	{ "end of data", 550, "550 5.7.60 SMTP; Client does not have permissions to send as this"
	  " sender", 1, 0, "-AccessRights SendAs" },
	{ "MAIL FROM", 550, "550 5.7.60 SMTP; Client does not have permissions to send as this"
	  " sender", 1, 0, "-AccessRights SendAs" },
	{ "end of data", 554, "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceeded"
	  "Exception; Failed to process message due to a permanent exception", 1, REFUSAL_QUOTA_HOLD,
	  "24 hours" },
	{ "MAIL FROM", 550, "550 5.7.708 Service unavailable. Access denied, traffic not accepted"
	  " from this IP.", 1, 0, "Restricted entities" },
	{ "RCPT TO", 550, "550 5.7.705 Access denied, tenant has exceeded threshold.", 1, 0,
	  "Restricted entities" },
	{ "MAIL FROM", 530, "530 5.7.57 Client not authenticated to send mail.", 1, 0,
	  "set [smtp] user" },
	/* Google */
	{ "end of data", 550, "550-5.4.5 Daily user sending limit exceeded. For more information on"
	  " Gmail sending limits go to / 550 5.4.5  https://support.google.com/a/answer/166852", 1,
	  REFUSAL_QUOTA_HOLD, "max_recipients_per_day = 2000" },
	{ "AUTH", 535, "535-5.7.8 Username and Password not accepted. / 535 5.7.8 https://support.google.com",
	  1, 0, "check [smtp] user" },
	/* any server */
	{ "AUTH", 0, NULL, 1, 0, "oauth2 login" },
	{ "MAIL FROM", 553, "553 5.7.1 <committee@example.org>: Sender address rejected: not owned by"
	  " user robot@example.org", 1, 0, "give robot@example.org the right to send as" },
	{ "MAIL FROM", 530, "530 5.7.0 authentication required", 1, 0, "send as" },
	/* one message, one recipient: not the account's */
	{ "MAIL FROM", 552, "552 5.3.4 Message size exceeds fixed limit", 0, 0, NULL },
	{ "MAIL FROM", 451, "451 4.3.0 try later", 0, 0, NULL },
	{ "RCPT TO", 550, "550 5.1.1 User unknown", 0, 0, NULL },
	{ "RCPT TO", 550, "550 5.7.1 relaying denied", 0, 0, NULL },
	{ "RCPT TO", 554, "554 5.2.0 mailbox unavailable", 0, 0, NULL },
	{ "end of data", 554, "554 5.6.0 message content rejected", 0, 0, NULL },
	{ "end of data", 550, "550 5.7.600 not this one", 0, 0, NULL },
	{ "end of data", 550, "550 5.7.6 not this one either", 0, 0, NULL },
	{ "end of data", 550, "550 5.7.6000 too long a detail", 0, 0, NULL },
	{ "EHLO", 554, "554 5.7.1 go away", 0, 0, NULL },
	{ NULL, 554, "554 no SMTP service here", 0, 0, NULL },
	{ "end of data", 250, "250 2.6.0 SendAsDenied is only a word here", 0, 0, NULL },
	{ "end of data", 554, "554", 0, 0, NULL },
	{ "end of data", 554, "", 0, 0, NULL },
	{ "end of data", 554, NULL, 0, 0, NULL },
};

static void test_table(void **state)
{
	struct refusal r;
	char *advice;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		refusal_classify(cases[i].command, cases[i].code, cases[i].reply, &r);
		advice = refusal_advice(&r, "robot@example.org", "committee@example.org");
		if (r.account != cases[i].account || r.hold_seconds != cases[i].hold ||
		    (cases[i].advice_has == NULL) != (advice == NULL) ||
		    (advice != NULL && strstr(advice, cases[i].advice_has) == NULL))
			fail_msg("case %zu (%s): account %d hold %ld advice %s", i,
			    cases[i].reply != NULL ? cases[i].reply : "(none)", r.account, r.hold_seconds,
			    advice != NULL ? advice : "(none)");
		/* every placeholder is filled in */
		if (advice != NULL)
			assert_null(strchr(advice, '{'));
		free(advice);
	}
}

/* Without [smtp] user the advice names the setting. */
static void test_advice_without_user(void **state)
{
	struct refusal r;
	char *advice;

	(void)state;
	refusal_classify("end of data", 554, "554 5.2.0 ...SendAsDeniedException...", &r);
	advice = refusal_advice(&r, NULL, "committee@example.org");
	assert_non_null(strstr(advice, "-Trustee [smtp] user -AccessRights SendAs"));
	free(advice);
}

/* Every prefix of a refusal, as a reply cut short: never a crash, and a
 * Send As refusal is told only once its word is whole. */
static void test_cut_replies(void **state)
{
	const char *full = "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.Mapi";
	size_t n, whole = strstr(full, "SendAsDenied") - full + strlen("SendAsDenied");
	struct refusal r;
	char cut[128];

	(void)state;
	for (n = 0; n <= strlen(full); n++) {
		memcpy(cut, full, n);
		cut[n] = '\0';
		refusal_classify("end of data", 554, cut, &r);
		assert_int_equal(r.account, n >= whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_advice_without_user),
		cmocka_unit_test(test_cut_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
