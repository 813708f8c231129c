/* config: the INI configuration of doc/DESIGN.md section 5.
 *
 * config_load() reads and validates a file. Every problem found is reported,
 * not only the first: errors are returned as "FILE:LINE: text" lines in one
 * allocated string. The loaded configuration is frozen afterwards: nothing
 * modifies it, and SIGHUP replaces it as a whole.
 *
 * Paths in the file are taken relative to the file's folder. Secrets are
 * never in the file: *password_file names a file readable by its owner only,
 * or "credential:NAME" for a systemd credential ($CREDENTIALS_DIRECTORY). */
#ifndef MENTORD_CONFIG_H
#define MENTORD_CONFIG_H

#include <stddef.h>

#include "provider.h"
#include "util.h"

enum config_security { SEC_TLS, SEC_STARTTLS, SEC_NONE };
enum config_auth { AUTH_NONE, AUTH_PLAIN, AUTH_LOGIN, AUTH_XOAUTH2, AUTH_OAUTHBEARER };
enum config_grant { GRANT_REFRESH_TOKEN, GRANT_CLIENT_CREDENTIALS };

/* A bearer-token mechanism (XOAUTH2 or OAUTHBEARER, RFC 7628)? */
#define CONFIG_AUTH_BEARER(a) ((a) == AUTH_XOAUTH2 || (a) == AUTH_OAUTHBEARER)

struct config {
	char *path;
	/* what the file still says but should not ("FILE:LINE: text"): the
	 * caller logs them; they do not stop the load */
	struct strlist warnings;
	/* what set each key, for config_report(): private to config.c */
	unsigned char *origins;

	struct {
		char *name;         /* "WIT Mentoring" */
		char *address;      /* the mailbox's own address */
		char *domain;       /* derived: the part after '@' */
		char *display_name; /* From display name; default: name */
		char *language;     /* "en" or "fr" */
		char *timezone;     /* Olson name, e.g. Europe/Zurich */
		char *list_id;      /* List-Id identifier, e.g. mentoring.example.org */
		char *subject_tag;  /* ends every subject; default: a short form of name */
		long retention_days;
		long max_answers_per_day; /* answers to one sender per day */
		long confirm_days;        /* an unconfirmed application expires */
		long max_unproven_per_hour; /* messages to addresses not proven, all together */
		long max_answers_per_unproven_address; /* a day, to one such address */
		enum provider provider; /* provider.h: whose defaults apply */
	} programme;

	struct {
		struct strlist members;
		char *authserv_id; /* NULL: commands need the round trip */
		int trust_spf;     /* spf=pass alone vouches for From (auth.h) */
		struct strlist domains; /* the organisation's; default: programme.domain */
		long max_notices_per_sender; /* a day, one by one; the rest in one notice */
		long max_notices_per_day;    /* the same, all senders together */
		struct strlist notify;
	} committee;

	struct {
		char *host;
		long port;
		enum config_security security;
		char *user;
		char *password_file;
		enum config_auth auth;
		char *mailbox;
		char *processed_mailbox; /* NULL: keyword only */
		int idle;
		long poll_seconds;
		long idle_seconds;     /* one IDLE at most, then DONE, NOOP, IDLE */
		long timeout_seconds;
		char *ca_file; /* extra trust anchors (tests, private CAs) */
	} imap;

	struct {
		char *url;
		enum config_security security;
		char *user; /* NULL: no authentication */
		char *password_file;
		enum config_auth auth;
		long timeout_seconds;
		long queue_lifetime;  /* seconds a temporary failure is retried */
		long max_per_minute;  /* 0: unpaced */
		long max_recipients_per_day; /* 0: no daily cap */
		long max_attempts;    /* read for old files only; not used */
		char *ca_file;
	} smtp;

	/* OAuth 2 tokens obtained by mentord itself (src/net/oauth2.h), for
	 * [imap] and [smtp] with a bearer mechanism; enabled when token_url or
	 * tenant is set. Without it, a bearer mechanism reads a token from
	 * password_file as it is. */
	struct {
		int enabled;
		char *token_url;     /* derived from tenant when not given */
		char *tenant;        /* Microsoft Entra tenant: name or id */
		char *device_url;    /* device authorization (RFC 8628), for login */
		char *auth_url;      /* authorization endpoint (RFC 6749 3.1), for
		                      * login by browser (RFC 7636, RFC 8252) */
		char *client_id;
		char *client_secret_file; /* NULL: a public client */
		char *scope;
		enum config_grant grant;
		char *refresh_token_file; /* refresh_token grant: rewritten on rotation */
		char *ca_file;
		long timeout_seconds;
	} oauth2;

	struct {
		long checkin_first_days;
		long checkin_every_days;
		long nudge_after_days;
		int digest_weekday; /* 0 = Sunday .. 6 = Saturday */
		int digest_hour;
		int digest_minute;
		long programme_months;
		long feedback_days;  /* the feedback period: the edition report after it */
		long fit_check_weeks; /* the fit check at the latest, after an introduction */
	} schedule;

	struct {
		double department;
		double field;
		double topics;
		double language;
		double preferences;
		struct strlist profile_fields; /* what a mentor's anonymous profile shows; empty: the default */
		long choices_days;  /* a mentee may change her choice this long after the profiles */
		int consent;        /* both sides agree before an introduction */
		long consent_days;  /* to answer; once more after a nudge */
		/* "IT = Information Technology, IT dept; HR = Human Resources":
		 * the departments, each with its other names (form.h
		 * form_department()); NULL: departments kept as written */
		char *departments;
	} matching;

	struct {
		char *database;
		char *spool;
		char *templates; /* site templates, looked up before the shipped ones */
		long quarantine_max_mb; /* SPOOL/quarantine/ at most, the newest kept */
		long quarantine_days;   /* a raw copy is kept this long */
	} paths;
};

/* Loads and validates. On error returns -1 and sets *errors_r to every
 * problem, one per line (the caller frees). */
int config_load(const char *path, struct config **cfg_r, char **errors_r);
void config_free(struct config **cfg);

/* Reads a secret file named by the configuration, refusing one that group
 * or others may read. Trailing newlines are removed. */
int config_read_secret(const char *file, char **secret_r, char **error_r);

/* Is host a loopback name or address? Plaintext is allowed only there. */
int config_host_is_loopback(const char *host);

/* The values in force of the keys a provider may set, one a line, each
 * with where it came from: "[imap] host = outlook.office365.com (provider
 * microsoft365)", "... (set in the file)", "... (built in)", or "[imap]
 * processed_mailbox is not set". Allocated. */
char *config_report(const struct config *cfg);

/* Is addr one of the committee members? */
int config_is_member(const struct config *cfg, const char *addr);

const char *config_security_name(enum config_security s);
const char *config_auth_name(enum config_auth a);
const char *config_grant_name(enum config_grant g);

/* Is url https://, or http:// to a loopback host? Only then may it carry
 * secrets (a client secret, a refresh token). */
int config_url_secure(const char *url);

#endif
