/* provider: the presets, one table per provider (doc/mentord.conf.5 lists
 * the same values; tests/unit/test_config.c checks each one applies). */
#include "provider.h"

#include <string.h>

#include "util.h"

static const struct provider_default microsoft365[] = {
	{ "imap", "host", "outlook.office365.com" },
	{ "imap", "port", "993" },
	{ "imap", "security", "tls" },
	{ "imap", "auth", "xoauth2" },
	{ "imap", "processed_mailbox", PROVIDER_HANDLED_FOLDER },
	/* SMTP AUTH with XOAUTH2 (Exchange offers no OAUTHBEARER), and the
	 * service's limits: 30 messages a minute, 10,000 recipients a day */
	{ "smtp", "url", "smtp://smtp.office365.com:587" },  /* STARTTLS, by its scheme */
	{ "smtp", "auth", "xoauth2" },
	{ "smtp", "max_per_minute", "30" },
	{ "smtp", "max_recipients_per_day", "10000" },
	/* the delegated scopes; the endpoints follow from [oauth2] tenant,
	 * which the organisation gives with its client_id (app-only access
	 * writes its own scope, https://outlook.office365.com/.default) */
	{ "oauth2", "scope", "https://outlook.office.com/IMAP.AccessAsUser.All"
	    " https://outlook.office.com/SMTP.Send offline_access" },
};

/* Exchange Server: the organisation's own host, its own login */
static const struct provider_default exchange[] = {
	{ "imap", "processed_mailbox", PROVIDER_HANDLED_FOLDER },
	/* [smtp] and [oauth2]: the organisation's servers */
};

static const struct provider_default google[] = {
	{ "imap", "host", "imap.gmail.com" },
	{ "imap", "port", "993" },
	{ "imap", "security", "tls" },
	{ "imap", "auth", "xoauth2" },
	{ "imap", "processed_mailbox", PROVIDER_HANDLED_FOLDER },
	{ "committee", "authserv_id", "mx.google.com" },
	{ "smtp", "url", "smtps://smtp.gmail.com:465" },     /* TLS, by its scheme */
	{ "smtp", "auth", "xoauth2" },
	{ "smtp", "max_recipients_per_day", "2000" },
	/* Google's endpoints; no device_url: its device flow refuses the
	 * mail scope, so `mentord oauth2 login` opens a browser (PKCE) */
	{ "oauth2", "token_url", "https://oauth2.googleapis.com/token" },
	{ "oauth2", "auth_url", "https://accounts.google.com/o/oauth2/v2/auth" },
	{ "oauth2", "scope", "https://mail.google.com/" },
};

static const struct {
	const char *name;
	const struct provider_default *defaults;
	size_t n;
} providers[] = {
	[PROVIDER_OTHER] = { "other", NULL, 0 },
	[PROVIDER_MICROSOFT365] = { "microsoft365", microsoft365, ARRAY_SIZE(microsoft365) },
	[PROVIDER_EXCHANGE] = { "exchange", exchange, ARRAY_SIZE(exchange) },
	[PROVIDER_GOOGLE] = { "google", google, ARRAY_SIZE(google) },
};

_Static_assert(ARRAY_SIZE(providers) == PROVIDER_GOOGLE + 1, "a name and a table for each provider");

int provider_parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(providers); i++)
		if (strcmp(providers[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *provider_name(enum provider p)
{
	return (size_t)p < ARRAY_SIZE(providers) ? providers[p].name : "?";
}

const struct provider_default *provider_defaults(enum provider p, size_t *n_r)
{
	*n_r = (size_t)p < ARRAY_SIZE(providers) ? providers[p].n : 0;
	return *n_r > 0 ? providers[p].defaults : NULL;
}
