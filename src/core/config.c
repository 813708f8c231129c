#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"

enum key_type { K_STR, K_PATH, K_LONG, K_BOOL, K_LIST, K_SEC, K_AUTH, K_WEEKDAY, K_TIME, K_DOUBLE, K_LANG,
	K_DURATION, K_GRANT, K_PROVIDER };

/* Where a key's value came from (config.origins) */
enum origin { FROM_BUILT_IN, FROM_FILE, FROM_PROVIDER };

struct key {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset;
	long min, max;
};

#define OFF(f) offsetof(struct config, f)

static const struct key keys[] = {
	{ "programme", "name", K_STR, OFF(programme.name), 0, 0 },
	{ "programme", "address", K_STR, OFF(programme.address), 0, 0 },
	{ "programme", "display_name", K_STR, OFF(programme.display_name), 0, 0 },
	{ "programme", "language", K_LANG, OFF(programme.language), 0, 0 },
	{ "programme", "timezone", K_STR, OFF(programme.timezone), 0, 0 },
	{ "programme", "list_id", K_STR, OFF(programme.list_id), 0, 0 },
	{ "programme", "subject_tag", K_STR, OFF(programme.subject_tag), 0, 0 },
	{ "programme", "retention_days", K_LONG, OFF(programme.retention_days), 0, 36500 },
	{ "programme", "max_answers_per_day", K_LONG, OFF(programme.max_answers_per_day), 1, 10000 },
	{ "programme", "confirm_days", K_LONG, OFF(programme.confirm_days), 1, 365 },
	{ "programme", "max_unproven_per_hour", K_LONG, OFF(programme.max_unproven_per_hour), 1, 100000 },
	{ "programme", "max_answers_per_unproven_address", K_LONG, OFF(programme.max_answers_per_unproven_address), 1, 1000 },
	{ "programme", "provider", K_PROVIDER, OFF(programme.provider), 0, 0 },
	{ "committee", "members", K_LIST, OFF(committee.members), 0, 0 },
	{ "committee", "authserv_id", K_STR, OFF(committee.authserv_id), 0, 0 },
	{ "committee", "trust_spf", K_BOOL, OFF(committee.trust_spf), 0, 0 },
	{ "committee", "domains", K_LIST, OFF(committee.domains), 0, 0 },
	{ "committee", "max_notices_per_sender", K_LONG, OFF(committee.max_notices_per_sender), 1, 10000 },
	{ "committee", "max_notices_per_day", K_LONG, OFF(committee.max_notices_per_day), 1, 100000 },
	{ "committee", "notify", K_LIST, OFF(committee.notify), 0, 0 },
	{ "imap", "host", K_STR, OFF(imap.host), 0, 0 },
	{ "imap", "port", K_LONG, OFF(imap.port), 1, 65535 },
	{ "imap", "security", K_SEC, OFF(imap.security), 0, 0 },
	{ "imap", "user", K_STR, OFF(imap.user), 0, 0 },
	{ "imap", "password_file", K_PATH, OFF(imap.password_file), 0, 0 },
	{ "imap", "auth", K_AUTH, OFF(imap.auth), 0, 0 },
	{ "imap", "mailbox", K_STR, OFF(imap.mailbox), 0, 0 },
	{ "imap", "processed_mailbox", K_STR, OFF(imap.processed_mailbox), 0, 0 },
	{ "imap", "idle", K_BOOL, OFF(imap.idle), 0, 0 },
	{ "imap", "poll_seconds", K_LONG, OFF(imap.poll_seconds), 1, 86400 },
	/* RFC 2177 section 3: a client re-issues IDLE at least every 29 minutes */
	{ "imap", "idle_seconds", K_LONG, OFF(imap.idle_seconds), 1, 29 * 60 - 1 },
	{ "imap", "timeout_seconds", K_LONG, OFF(imap.timeout_seconds), 1, 3600 },
	{ "imap", "ca_file", K_PATH, OFF(imap.ca_file), 0, 0 },
	{ "smtp", "url", K_STR, OFF(smtp.url), 0, 0 },
	{ "smtp", "security", K_SEC, OFF(smtp.security), 0, 0 },
	{ "smtp", "user", K_STR, OFF(smtp.user), 0, 0 },
	{ "smtp", "password_file", K_PATH, OFF(smtp.password_file), 0, 0 },
	{ "smtp", "auth", K_AUTH, OFF(smtp.auth), 0, 0 },
	{ "smtp", "timeout_seconds", K_LONG, OFF(smtp.timeout_seconds), 1, 3600 },
	{ "smtp", "queue_lifetime", K_DURATION, OFF(smtp.queue_lifetime), 60, 60L * 86400 },
	{ "smtp", "max_per_minute", K_LONG, OFF(smtp.max_per_minute), 1, 100000 },
	{ "smtp", "max_recipients_per_day", K_LONG, OFF(smtp.max_recipients_per_day), 1, 10000000 },
	{ "smtp", "max_attempts", K_LONG, OFF(smtp.max_attempts), 1, 100 },
	{ "smtp", "ca_file", K_PATH, OFF(smtp.ca_file), 0, 0 },
	{ "oauth2", "token_url", K_STR, OFF(oauth2.token_url), 0, 0 },
	{ "oauth2", "tenant", K_STR, OFF(oauth2.tenant), 0, 0 },
	{ "oauth2", "device_url", K_STR, OFF(oauth2.device_url), 0, 0 },
	{ "oauth2", "auth_url", K_STR, OFF(oauth2.auth_url), 0, 0 },
	{ "oauth2", "client_id", K_STR, OFF(oauth2.client_id), 0, 0 },
	{ "oauth2", "client_secret_file", K_PATH, OFF(oauth2.client_secret_file), 0, 0 },
	{ "oauth2", "scope", K_STR, OFF(oauth2.scope), 0, 0 },
	{ "oauth2", "grant", K_GRANT, OFF(oauth2.grant), 0, 0 },
	{ "oauth2", "refresh_token_file", K_PATH, OFF(oauth2.refresh_token_file), 0, 0 },
	{ "oauth2", "ca_file", K_PATH, OFF(oauth2.ca_file), 0, 0 },
	{ "oauth2", "timeout_seconds", K_LONG, OFF(oauth2.timeout_seconds), 1, 600 },
	{ "schedule", "checkin_first_days", K_LONG, OFF(schedule.checkin_first_days), 1, 365 },
	{ "schedule", "checkin_every_days", K_LONG, OFF(schedule.checkin_every_days), 1, 365 },
	{ "schedule", "nudge_after_days", K_LONG, OFF(schedule.nudge_after_days), 1, 365 },
	{ "schedule", "digest_weekday", K_WEEKDAY, OFF(schedule.digest_weekday), 0, 0 },
	{ "schedule", "digest_time", K_TIME, OFF(schedule.digest_hour), 0, 0 },
	{ "schedule", "programme_months", K_LONG, OFF(schedule.programme_months), 1, 60 },
	{ "schedule", "feedback_days", K_LONG, OFF(schedule.feedback_days), 1, 365 },
	{ "schedule", "fit_check_weeks", K_LONG, OFF(schedule.fit_check_weeks), 1, 52 },
	{ "matching", "department", K_DOUBLE, OFF(matching.department), 0, 100 },
	{ "matching", "field", K_DOUBLE, OFF(matching.field), 0, 100 },
	{ "matching", "topics", K_DOUBLE, OFF(matching.topics), 0, 100 },
	{ "matching", "language", K_DOUBLE, OFF(matching.language), 0, 100 },
	{ "matching", "preferences", K_DOUBLE, OFF(matching.preferences), 0, 100 },
	{ "matching", "profile_fields", K_LIST, OFF(matching.profile_fields), 0, 0 },
	{ "matching", "choices_days", K_LONG, OFF(matching.choices_days), 1, 365 },
	{ "matching", "consent", K_BOOL, OFF(matching.consent), 0, 0 },
	{ "matching", "consent_days", K_LONG, OFF(matching.consent_days), 1, 60 },
	{ "matching", "departments", K_STR, OFF(matching.departments), 0, 0 },
	{ "paths", "database", K_PATH, OFF(paths.database), 0, 0 },
	{ "paths", "spool", K_PATH, OFF(paths.spool), 0, 0 },
	{ "paths", "templates", K_PATH, OFF(paths.templates), 0, 0 },
	{ "paths", "quarantine_max_mb", K_LONG, OFF(paths.quarantine_max_mb), 1, 1000000 },
	{ "paths", "quarantine_days", K_LONG, OFF(paths.quarantine_days), 1, 36500 },
};

struct loader {
	struct config *cfg;
	const char *file;
	char *dir;
	struct buf errors;
	unsigned char seen[ARRAY_SIZE(keys)];
	int lines[ARRAY_SIZE(keys)];   /* where each key was given */
	int line;
};

static void err(struct loader *l, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void err(struct loader *l, int line, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		buf_printf(&l->errors, "%s:%d: %s\n", l->file, line, s);
	else
		buf_printf(&l->errors, "%s: %s\n", l->file, s);
	free(s);
}

static void warn(struct loader *l, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(struct loader *l, int line, const char *fmt, ...)
{
	va_list ap;
	char *s, *w;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	w = line > 0 ? xasprintf("%s:%d: %s", l->file, line, s) : xasprintf("%s: %s", l->file, s);
	strlist_add(&l->cfg->warnings, w);
	free(w);
	free(s);
}

static void set_defaults(struct config *c)
{
	c->programme.retention_days = 365;
	c->programme.max_answers_per_day = 10;
	c->programme.confirm_days = 14;
	c->programme.max_unproven_per_hour = 30;
	c->programme.max_answers_per_unproven_address = 3;
	c->committee.max_notices_per_sender = 5;
	c->committee.max_notices_per_day = 50;
	c->paths.quarantine_max_mb = 100;
	c->paths.quarantine_days = 30;
	c->imap.security = SEC_TLS;
	c->imap.auth = AUTH_PLAIN;
	c->imap.idle = 1;
	c->imap.poll_seconds = 60;
	c->imap.idle_seconds = 600;
	c->imap.timeout_seconds = 60;
	c->smtp.security = (enum config_security)-1;
	c->smtp.auth = AUTH_PLAIN;
	c->smtp.timeout_seconds = 60;
	c->smtp.queue_lifetime = 5L * 86400;
	c->oauth2.grant = GRANT_REFRESH_TOKEN;
	c->oauth2.timeout_seconds = 30;
	c->schedule.checkin_first_days = 14;
	c->schedule.checkin_every_days = 42;
	c->schedule.nudge_after_days = 10;
	c->schedule.digest_weekday = 1;
	c->schedule.digest_hour = 8;
	c->schedule.digest_minute = 0;
	c->schedule.programme_months = 6;
	c->schedule.feedback_days = 21;
	c->schedule.fit_check_weeks = 4;
	c->matching.department = 4;
	c->matching.field = 4;
	c->matching.topics = 1;
	c->matching.language = 2;
	c->matching.preferences = 3;
	c->matching.choices_days = 7;
	c->matching.consent_days = 3;
}

static int parse_weekday(const char *v)
{
	static const char *const names[][3] = {
		{ "sunday", "dimanche", "sun" }, { "monday", "lundi", "mon" },
		{ "tuesday", "mardi", "tue" }, { "wednesday", "mercredi", "wed" },
		{ "thursday", "jeudi", "thu" }, { "friday", "vendredi", "fri" },
		{ "saturday", "samedi", "sat" },
	};
	long n;
	int i, j;

	for (i = 0; i < 7; i++)
		for (j = 0; j < 3; j++)
			if (strcasecmp(v, names[i][j]) == 0)
				return i;
	if (str_to_long(v, 0, 7, &n) == 0)
		return (int)(n % 7);
	return -1;
}

/* "90", "90s", "30m", "12h", "5d": seconds into [min, max]. */
static int parse_duration(const char *v, long min, long max, long *r)
{
	static const struct {
		char unit;
		long seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char digits[24];
	size_t n = strlen(v), i;
	long scale = 1, d;

	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, v, n + 1);
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (digits[n - 1] == units[i].unit) {
			scale = units[i].seconds;
			digits[--n] = '\0';
			break;
		}
	if (str_to_long(digits, 0, max / scale, &d) < 0 || d * scale < min)
		return -1;
	*r = d * scale;
	return 0;
}

static char *resolve_path(struct loader *l, const char *v)
{
	if (v[0] == '/' || str_has_prefix(v, "credential:"))
		return xstrdup(v);
	return xasprintf("%s/%s", l->dir, v);
}

static int set_value(struct loader *l, const struct key *k, const char *v)
{
	void *field = (char *)l->cfg + k->offset;
	char *end = NULL;
	long n;
	int h, m;
	double d;

	switch (k->type) {
	case K_STR:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case K_PATH:
		free(*(char **)field);
		*(char **)field = resolve_path(l, v);
		return 0;
	case K_LANG:
		if (strcmp(v, "en") != 0 && strcmp(v, "fr") != 0)
			return err(l, l->line, "%s: expected en or fr", k->name), -1;
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case K_LONG:
		if (str_to_long(v, k->min, k->max, &n) < 0)
			return err(l, l->line, "%s: expected a whole number from %ld to %ld",
			    k->name, k->min, k->max), -1;
		*(long *)field = n;
		return 0;
	case K_DURATION:
		if (parse_duration(v, k->min, k->max, &n) < 0)
			return err(l, l->line, "%s: expected a duration from %ld s to %ld days, like 5d,"
			    " 12h or 30m", k->name, k->min, k->max / 86400), -1;
		*(long *)field = n;
		return 0;
	case K_DOUBLE:
		errno = 0;
		d = strtod(v, &end);
		if (errno != 0 || end == v || *end != '\0' || d < (double)k->min || d > (double)k->max)
			return err(l, l->line, "%s: expected a number from %ld to %ld",
			    k->name, k->min, k->max), -1;
		*(double *)field = d;
		return 0;
	case K_BOOL:
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
			*(int *)field = 1;
		else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
			*(int *)field = 0;
		else
			return err(l, l->line, "%s: expected yes or no", k->name), -1;
		return 0;
	case K_LIST:
		strlist_deinit(field);
		strlist_split(field, v, ',');
		return 0;
	case K_SEC:
		if (strcasecmp(v, "tls") == 0)
			*(enum config_security *)field = SEC_TLS;
		else if (strcasecmp(v, "starttls") == 0)
			*(enum config_security *)field = SEC_STARTTLS;
		else if (strcasecmp(v, "none") == 0)
			*(enum config_security *)field = SEC_NONE;
		else
			return err(l, l->line, "%s: expected tls, starttls or none", k->name), -1;
		return 0;
	case K_AUTH:
		if (strcasecmp(v, "plain") == 0)
			*(enum config_auth *)field = AUTH_PLAIN;
		else if (strcasecmp(v, "login") == 0)
			*(enum config_auth *)field = AUTH_LOGIN;
		else if (strcasecmp(v, "xoauth2") == 0)
			*(enum config_auth *)field = AUTH_XOAUTH2;
		else if (strcasecmp(v, "oauthbearer") == 0)
			*(enum config_auth *)field = AUTH_OAUTHBEARER;
		else
			return err(l, l->line, "%s: expected plain, login, xoauth2 or oauthbearer", k->name), -1;
		return 0;
	case K_PROVIDER:
		if (provider_parse(v) < 0)
			return err(l, l->line, "%s: expected microsoft365, exchange, google or other",
			    k->name), -1;
		*(enum provider *)field = (enum provider)provider_parse(v);
		return 0;
	case K_GRANT:
		if (strcmp(v, "refresh_token") == 0)
			*(enum config_grant *)field = GRANT_REFRESH_TOKEN;
		else if (strcmp(v, "client_credentials") == 0)
			*(enum config_grant *)field = GRANT_CLIENT_CREDENTIALS;
		else
			return err(l, l->line, "%s: expected refresh_token or client_credentials", k->name), -1;
		return 0;
	case K_WEEKDAY:
		n = parse_weekday(v);
		if (n < 0)
			return err(l, l->line, "%s: expected a day name (monday) or 0-7", k->name), -1;
		*(int *)field = (int)n;
		return 0;
	case K_TIME:
		if (strlen(v) != 5 || v[2] != ':' || !isdigit((unsigned char)v[0]) ||
		    !isdigit((unsigned char)v[1]) || !isdigit((unsigned char)v[3]) ||
		    !isdigit((unsigned char)v[4]))
			return err(l, l->line, "%s: expected HH:MM", k->name), -1;
		h = (v[0] - '0') * 10 + (v[1] - '0');
		m = (v[3] - '0') * 10 + (v[4] - '0');
		if (h > 23 || m > 59)
			return err(l, l->line, "%s: expected HH:MM", k->name), -1;
		l->cfg->schedule.digest_hour = h;
		l->cfg->schedule.digest_minute = m;
		return 0;
	}
	return -1;
}

/* Edits from a to b: insertions, deletions, substitutions and swaps of two
 * neighbours (optimal string alignment), case and '-' for '_' free; keys
 * are short, and a longer word is too far from any (SIZE_MAX). */
static size_t key_distance(const char *a, const char *b)
{
	enum { N = 48 };
	size_t d[N + 1][N + 1], la = strlen(a), lb = strlen(b), i, j, c, best;

	if (la > N || lb > N)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			unsigned char x = (unsigned char)(a[i - 1] == '-' ? '_' : a[i - 1]);
			unsigned char y = (unsigned char)b[j - 1];

			c = tolower(x) == y ? 0 : 1;
			best = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == b[j - 2] &&
			    tolower((unsigned char)a[i - 2]) == y && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* What to add to "unknown key KEY in [SECTION]": the nearest key of the
 * section, if it is near enough to be a slip (about a third of its
 * letters), else the section where a key of that name belongs; "" if
 * none. */
static void key_suggestion(const char *section, const char *key, char *out, size_t size)
{
	const char *near = NULL, *elsewhere = NULL;
	size_t i, dist, best = SIZE_MAX;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		dist = key_distance(key, keys[i].name);
		if (strcmp(keys[i].section, section) != 0) {
			if (dist == 0 && elsewhere == NULL)
				elsewhere = keys[i].section;
			continue;
		}
		if (dist < best) {
			best = dist;
			near = keys[i].name;
		}
	}
	out[0] = '\0';
	if (near != NULL && best <= 1 + strlen(near) / 3)
		snprintf(out, size, " (did you mean %s?)", near);
	else if (elsewhere != NULL)
		snprintf(out, size, " (%s belongs in [%s])", key, elsewhere);
}

static void parse_line(struct loader *l, char *line, char *section, size_t section_size)
{
	char *eq, *key, *value, *end, hint[128];
	size_t i;
	int known_section = 0;

	str_trim(line);
	if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
		return;
	if (line[0] == '[') {
		end = strchr(line, ']');
		if (end == NULL || end[1] != '\0') {
			err(l, l->line, "malformed section header");
			section[0] = '\0';
			return;
		}
		*end = '\0';
		str_copy(section, section_size, str_trim(line + 1));
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (strcmp(keys[i].section, section) == 0)
				known_section = 1;
		if (!known_section) {
			err(l, l->line, "unknown section [%s]", section);
			section[0] = '\0';
		}
		return;
	}
	eq = strchr(line, '=');
	if (eq == NULL) {
		err(l, l->line, "expected key = value");
		return;
	}
	*eq = '\0';
	key = str_trim(line);
	value = str_trim(eq + 1);
	if (section[0] == '\0') {
		err(l, l->line, "%s: not inside a known section", key);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].name, key) != 0)
			continue;
		if (l->seen[i])
			err(l, l->line, "%s: given twice in [%s]", key, section);
		l->seen[i] = 1;
		l->lines[i] = l->line;
		if (str_has_ctl(value))
			err(l, l->line, "%s: control characters are not allowed", key);
		else
			set_value(l, &keys[i], value);
		if (strcmp(section, "smtp") == 0 && strcmp(key, "max_attempts") == 0)
			warn(l, l->line, "max_attempts is no longer used: a temporary failure is retried"
			    " until queue_lifetime (default 5d) has passed; remove the line");
		return;
	}
	key_suggestion(section, key, hint, sizeof(hint));
	err(l, l->line, "unknown key %s in [%s]%s", key, section, hint);
}

static int valid_address(const char *a)
{
	const char *at = strchr(a, '@');

	return at != NULL && at != a && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	    strlen(a) <= ADDRESS_BYTES_MAX && !str_has_ctl(a) && strpbrk(a, " <>,;\"") == NULL;
}

/* The line where [section] name was given, 0 if it was not. */
static int key_line(const struct loader *l, const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return l->lines[i];
	return 0;
}

static void check_secret_file(struct loader *l, const char *section, const char *name,
    const char *file)
{
	char *secret = NULL, *e = NULL;

	if (file == NULL)
		return;
	/* a credential is the service manager's to hand over: from a shell,
	 * the commands that need no server still work (check-config says
	 * what it could not check) */
	if (str_has_prefix(file, "credential:") && getenv("CREDENTIALS_DIRECTORY") == NULL)
		return;
	if (config_read_secret(file, &secret, &e) < 0) {
		err(l, key_line(l, section, name), "[%s] %s: %s", section, name, e);
		free(e);
	}
	free(secret);
}

/* The [oauth2] section (src/net/oauth2.h): used once token_url or tenant
 * is given. */
static void validate_oauth2(struct loader *l)
{
	struct config *c = l->cfg;
	struct stat st;

	c->oauth2.enabled = c->oauth2.token_url != NULL || c->oauth2.tenant != NULL;
	if (!c->oauth2.enabled) {
		if (c->oauth2.client_id != NULL || c->oauth2.refresh_token_file != NULL)
			err(l, 0, "[oauth2] needs token_url, or tenant for Microsoft 365");
		return;
	}
	if (c->oauth2.tenant != NULL) {
		if (c->oauth2.token_url != NULL)
			err(l, 0, "[oauth2] give tenant or token_url, not both");
		else if (c->oauth2.tenant[0] == '\0' || strspn(c->oauth2.tenant,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
		    strlen(c->oauth2.tenant))
			err(l, 0, "[oauth2] tenant: expected a tenant name (contoso.onmicrosoft.com) or id");
		else {
			/* Microsoft identity platform v2.0 endpoints */
			c->oauth2.token_url = xasprintf("https://login.microsoftonline.com/%s/oauth2/v2.0/token",
			    c->oauth2.tenant);
			if (c->oauth2.device_url == NULL)
				c->oauth2.device_url = xasprintf(
				    "https://login.microsoftonline.com/%s/oauth2/v2.0/devicecode", c->oauth2.tenant);
			if (c->oauth2.auth_url == NULL)
				c->oauth2.auth_url = xasprintf(
				    "https://login.microsoftonline.com/%s/oauth2/v2.0/authorize", c->oauth2.tenant);
		}
	}
	if (c->oauth2.token_url != NULL && !config_url_secure(c->oauth2.token_url))
		err(l, 0, "[oauth2] token_url: expected https://, or http:// to a loopback host only");
	if (c->oauth2.auth_url != NULL && !config_url_secure(c->oauth2.auth_url))
		err(l, 0, "[oauth2] auth_url: expected https://, or http:// to a loopback host only");
	if (c->oauth2.device_url != NULL && !config_url_secure(c->oauth2.device_url))
		err(l, 0, "[oauth2] device_url: expected https://, or http:// to a loopback host only");
	if (c->oauth2.client_id == NULL)
		err(l, 0, "[oauth2] client_id is required (the application's id at the provider)");
	if (c->oauth2.scope == NULL)
		err(l, 0, "[oauth2] scope is required (see the example configuration)");
	if (c->oauth2.grant == GRANT_CLIENT_CREDENTIALS && c->oauth2.client_secret_file == NULL)
		err(l, 0, "[oauth2] grant = client_credentials needs client_secret_file");
	if (c->oauth2.grant == GRANT_REFRESH_TOKEN) {
		if (c->oauth2.refresh_token_file == NULL)
			err(l, 0, "[oauth2] grant = refresh_token needs refresh_token_file");
		else if (str_has_prefix(c->oauth2.refresh_token_file, "credential:"))
			err(l, 0, "[oauth2] refresh_token_file: the provider replaces refresh tokens, so"
			    " it must be a file mentord can rewrite, not a credential");
		/* it may not exist yet: `mentord oauth2 login` writes it */
		else if (stat(c->oauth2.refresh_token_file, &st) == 0)
			check_secret_file(l, "oauth2", "refresh_token_file", c->oauth2.refresh_token_file);
	}
	check_secret_file(l, "oauth2", "client_secret_file", c->oauth2.client_secret_file);
}

/* The programme's name as the end of a subject, short enough to leave
 * room for what the message is in a list of mail: the name itself up to
 * SUBJECT_TAG_SHORT characters; else its first word when that is an
 * acronym ("WIT Mentoring Programme": "WIT"); else its first words up to
 * that length (the first word whole). */
#define SUBJECT_TAG_SHORT 16

static char *short_name(const char *name)
{
	size_t n = strlen(name), fits = utf8_offset(name, SUBJECT_TAG_SHORT), i, caps = 0, cut = 0;

	if (fits == n)
		return xstrdup(name);
	for (i = 0; i < n && name[i] != ' '; i++)
		caps += (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9');
	if (i >= 2 && caps == i && i <= 8)
		return xstrndup(name, i);
	for (i = 0; i < n; i++)
		if (name[i] == ' ' && (cut == 0 || i <= fits))
			cut = i;
	return xstrndup(name, cut > 0 ? cut : n);
}

/* [programme] provider: its defaults for every key the file leaves out
 * (provider.h). Applied before validate(), which sees them as if written. */
static void apply_provider(struct loader *l)
{
	const struct provider_default *d;
	size_t n, i, k;

	l->cfg->origins = xcalloc(ARRAY_SIZE(keys), 1);
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		if (l->seen[k])
			l->cfg->origins[k] = FROM_FILE;
	d = provider_defaults(l->cfg->programme.provider, &n);
	l->line = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (strcmp(keys[k].section, d[i].section) == 0 && strcmp(keys[k].name, d[i].key) == 0)
				break;
		if (k == ARRAY_SIZE(keys))
			fatal("provider %s: no key %s in [%s]", provider_name(l->cfg->programme.provider),
			    d[i].key, d[i].section);
		if (l->seen[k])
			continue;
		if (set_value(l, &keys[k], d[i].value) == 0)
			l->cfg->origins[k] = FROM_PROVIDER;
	}
}

/* Did the provider's preset give this key its value? */
static int from_provider(const struct config *c, const char *section, const char *name)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(keys); k++)
		if (strcmp(keys[k].section, section) == 0 && strcmp(keys[k].name, name) == 0)
			return c->origins != NULL && c->origins[k] == FROM_PROVIDER;
	return 0;
}

static void validate(struct loader *l)
{
	struct config *c = l->cfg;
	char tzfile[512];
	size_t i;

	if (c->programme.name == NULL)
		err(l, 0, "[programme] name is required");
	if (c->programme.address == NULL)
		err(l, 0, "[programme] address is required");
	else if (!valid_address(c->programme.address))
		err(l, 0, "[programme] address: not an e-mail address: %s", c->programme.address);
	else
		c->programme.domain = xstrdup(strchr(c->programme.address, '@') + 1);
	if (c->programme.display_name == NULL && c->programme.name != NULL)
		c->programme.display_name = xstrdup(c->programme.name);
	if (c->programme.language == NULL)
		c->programme.language = xstrdup("en");
	if (c->programme.timezone == NULL)
		c->programme.timezone = xstrdup("UTC");
	snprintf(tzfile, sizeof(tzfile), "/usr/share/zoneinfo/%s", c->programme.timezone);
	if (strstr(c->programme.timezone, "..") != NULL || access(tzfile, R_OK) != 0)
		err(l, 0, "[programme] timezone: unknown time zone %s (is tzdata installed?)",
		    c->programme.timezone);
	if (c->programme.list_id == NULL && c->programme.domain != NULL)
		c->programme.list_id = xasprintf("mentoring.%s", c->programme.domain);
	if (c->programme.subject_tag == NULL && c->programme.name != NULL)
		c->programme.subject_tag = short_name(c->programme.name);

	if (c->committee.members.n == 0)
		err(l, 0, "[committee] members is required (a comma-separated list of addresses)");
	for (i = 0; i < c->committee.members.n; i++)
		if (!valid_address(c->committee.members.v[i]))
			err(l, 0, "[committee] members: not an e-mail address: %s", c->committee.members.v[i]);
	if (c->committee.domains.n == 0 && c->programme.domain != NULL)
		strlist_add(&c->committee.domains, c->programme.domain);
	for (i = 0; i < c->committee.domains.n; i++)
		if (c->committee.domains.v[i][0] == '\0' || strpbrk(c->committee.domains.v[i], " @<>\"") != NULL)
			err(l, 0, "[committee] domains: not a domain name: %s", c->committee.domains.v[i]);
	if (c->committee.notify.n == 0)
		for (i = 0; i < c->committee.members.n; i++)
			strlist_add(&c->committee.notify, c->committee.members.v[i]);
	for (i = 0; i < c->committee.notify.n; i++)
		if (!valid_address(c->committee.notify.v[i]))
			err(l, 0, "[committee] notify: not an e-mail address: %s", c->committee.notify.v[i]);

	if (c->matching.profile_fields.n == 0)
		strlist_split(&c->matching.profile_fields, "field, topics, about", ',');
	for (i = 0; i < c->matching.profile_fields.n; i++)
		if (strcasecmp(c->matching.profile_fields.v[i], "department") != 0 &&
		    strcasecmp(c->matching.profile_fields.v[i], "field") != 0 &&
		    strcasecmp(c->matching.profile_fields.v[i], "topics") != 0 &&
		    strcasecmp(c->matching.profile_fields.v[i], "about") != 0)
			err(l, 0, "[matching] profile_fields: %s is none of department, field, topics,"
			    " about", c->matching.profile_fields.v[i]);

	if (c->imap.host == NULL)
		err(l, 0, "[imap] host is required");
	if (c->imap.user == NULL)
		err(l, 0, "[imap] user is required");
	validate_oauth2(l);
	if (c->imap.password_file == NULL && CONFIG_AUTH_BEARER(c->imap.auth) && !c->oauth2.enabled)
		err(l, 0, "[imap] auth = %s needs an [oauth2] section, or a password_file holding"
		    " a token", config_auth_name(c->imap.auth));
	else if (c->imap.password_file == NULL && !CONFIG_AUTH_BEARER(c->imap.auth))
		err(l, 0, "[imap] password_file is required");
	if (c->imap.port == 0)
		c->imap.port = c->imap.security == SEC_TLS ? 993 : 143;
	if (c->imap.security == SEC_NONE && c->imap.host != NULL && !config_host_is_loopback(c->imap.host))
		err(l, 0, "[imap] security = none is allowed only to a loopback host, not %s", c->imap.host);
	if (c->imap.mailbox == NULL)
		c->imap.mailbox = xstrdup("INBOX");
	check_secret_file(l, "imap", "password_file", c->imap.password_file);

	if (c->smtp.url == NULL) {
		err(l, 0, "[smtp] url is required (smtp://host:port or smtps://host:port)");
	} else if (!str_has_prefix(c->smtp.url, "smtp://") && !str_has_prefix(c->smtp.url, "smtps://")) {
		err(l, 0, "[smtp] url: expected smtp://host:port or smtps://host:port");
	} else {
		if ((int)c->smtp.security == -1)
			c->smtp.security = str_has_prefix(c->smtp.url, "smtps://") ? SEC_TLS : SEC_STARTTLS;
		if (str_has_prefix(c->smtp.url, "smtps://") && c->smtp.security != SEC_TLS)
			err(l, 0, "[smtp] an smtps:// url needs security = tls");
		if (str_has_prefix(c->smtp.url, "smtp://") && c->smtp.security == SEC_TLS)
			err(l, 0, "[smtp] security = tls needs an smtps:// url");
		if (c->smtp.security == SEC_NONE) {
			char host[256];
			const char *h = c->smtp.url + strlen("smtp://");
			size_t n = strcspn(h, ":/");

			if (h[0] == '[')
				n = strcspn(++h, "]");
			snprintf(host, sizeof(host), "%.*s", (int)(n < 255 ? n : 255), h);
			if (!config_host_is_loopback(host))
				err(l, 0, "[smtp] security = none is allowed only to a loopback host, not %s", host);
		}
	}
	if (c->smtp.user != NULL && c->smtp.password_file == NULL && CONFIG_AUTH_BEARER(c->smtp.auth) &&
	    !c->oauth2.enabled)
		err(l, 0, "[smtp] auth = %s needs an [oauth2] section, or a password_file holding"
		    " a token", config_auth_name(c->smtp.auth));
	else if (c->smtp.user != NULL && c->smtp.password_file == NULL &&
	    !CONFIG_AUTH_BEARER(c->smtp.auth))
		err(l, 0, "[smtp] user is set but password_file is not");
	if (c->oauth2.enabled && !CONFIG_AUTH_BEARER(c->imap.auth) &&
	    !(c->smtp.user != NULL && CONFIG_AUTH_BEARER(c->smtp.auth)))
		warn(l, 0, "[oauth2] is set, but neither [imap] nor [smtp] has auth = xoauth2 or"
		    " oauthbearer: it is not used");
	/* the provider's own server takes mail only from a signed-in
	 * account: which one is the organisation's to say (a relay of its
	 * own, written in the file, may need none) */
	if (c->smtp.user == NULL && from_provider(c, "smtp", "url"))
		err(l, 0, "[smtp] user is required with provider = %s: the account that sends (the"
		    " mailbox itself, or the delegate allowed to send as it)",
		    provider_name(c->programme.provider));
	if (c->smtp.user == NULL)
		c->smtp.auth = AUTH_NONE;
	check_secret_file(l, "smtp", "password_file", c->smtp.password_file);

	if (c->paths.database == NULL)
		c->paths.database = xstrdup("/var/lib/mentord/mentord.db");
	if (c->paths.spool == NULL)
		c->paths.spool = xstrdup("/var/lib/mentord/spool");
}

int config_load(const char *path, struct config **cfg_r, char **errors_r)
{
	struct loader l;
	char *data = NULL, *line, *next, *slash;
	char section[64] = "";
	size_t len = 0;
	int ret = -1;

	memset(&l, 0, sizeof(l));
	l.file = path;
	buf_init(&l.errors, 64 * 1024);
	l.cfg = xcalloc(1, sizeof(struct config));
	l.cfg->path = xstrdup(path);
	set_defaults(l.cfg);
	slash = strrchr(path, '/');
	l.dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));

	if (file_read(path, CONFIG_BYTES_MAX, &data, &len) < 0) {
		char *e = file_error(path, errno);

		buf_printf(&l.errors, "%s\n", e);
		free(e);
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		err(&l, 0, "the file holds a NUL byte");
		goto out;
	}
	for (line = data, l.line = 1; line != NULL; line = next, l.line++) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		parse_line(&l, line, section, sizeof(section));
	}
	apply_provider(&l);
	validate(&l);
out:
	free(data);
	free(l.dir);
	if (l.errors.len > 0) {
		*errors_r = buf_steal(&l.errors);
		config_free(&l.cfg);
	} else {
		*cfg_r = l.cfg;
		ret = 0;
	}
	buf_deinit(&l.errors);
	return ret;
}

void config_free(struct config **cp)
{
	struct config *c = *cp;

	if (c == NULL)
		return;
	free(c->path);
	strlist_deinit(&c->warnings);
	free(c->origins);
	free(c->programme.name);
	free(c->programme.address);
	free(c->programme.domain);
	free(c->programme.display_name);
	free(c->programme.language);
	free(c->programme.timezone);
	free(c->programme.list_id);
	free(c->programme.subject_tag);
	strlist_deinit(&c->committee.members);
	free(c->committee.authserv_id);
	strlist_deinit(&c->committee.domains);
	strlist_deinit(&c->committee.notify);
	strlist_deinit(&c->matching.profile_fields);
	free(c->imap.host);
	free(c->imap.user);
	free(c->imap.password_file);
	free(c->imap.mailbox);
	free(c->imap.processed_mailbox);
	free(c->imap.ca_file);
	free(c->smtp.url);
	free(c->smtp.user);
	free(c->smtp.password_file);
	free(c->smtp.ca_file);
	free(c->oauth2.token_url);
	free(c->oauth2.tenant);
	free(c->oauth2.device_url);
	free(c->oauth2.auth_url);
	free(c->oauth2.client_id);
	free(c->oauth2.client_secret_file);
	free(c->oauth2.scope);
	free(c->oauth2.refresh_token_file);
	free(c->oauth2.ca_file);
	free(c->matching.departments);
	free(c->paths.database);
	free(c->paths.spool);
	free(c->paths.templates);
	free(c);
	*cp = NULL;
}

int config_read_secret(const char *file, char **secret_r, char **error_r)
{
	char *path = NULL, *data = NULL;
	const char *credentials;
	struct stat st;
	size_t len = 0;
	int ret = -1;

	if (str_has_prefix(file, "credential:")) {
		credentials = getenv("CREDENTIALS_DIRECTORY");
		if (credentials == NULL) {
			*error_r = xasprintf("%s: CREDENTIALS_DIRECTORY is not set "
			    "(use LoadCredential= in the unit)", file);
			return -1;
		}
		path = xasprintf("%s/%s", credentials, file + strlen("credential:"));
	} else {
		path = xstrdup(file);
	}
	if (stat(path, &st) < 0) {
		*error_r = file_error(path, errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		*error_r = xasprintf("%s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		*error_r = xasprintf("%s: readable by group or others; refusing it "
		    "(chmod 600 %s)", path, path);
		goto out;
	}
	if (file_read(path, SECRET_BYTES_MAX, &data, &len) < 0) {
		*error_r = file_error(path, errno);
		goto out;
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		data[--len] = '\0';
	if (len == 0 || memchr(data, '\0', len) != NULL || str_has_ctl(data)) {
		*error_r = xasprintf("%s: empty, or holds control characters", path);
		goto out;
	}
	*secret_r = data;
	data = NULL;
	ret = 0;
out:
	free(data);
	free(path);
	return ret;
}

int config_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char bare[64];
	size_t n = strlen(host);

	if (strcmp(host, "localhost") == 0)
		return 1;
	/* literals only: "127.evil.example.org" is a name like any other */
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(bare)) {
		memcpy(bare, host + 1, n - 2);
		bare[n - 2] = '\0';
		host = bare;
	}
	return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* A key's value as the file would write it; NULL when unset. */
static char *value_text(const struct config *cfg, const struct key *k)
{
	const void *field = (const char *)cfg + k->offset;
	const struct strlist *list;
	struct buf b;
	size_t i;

	switch (k->type) {
	case K_STR:
	case K_PATH:
	case K_LANG:
		return *(char *const *)field != NULL ? xstrdup(*(char *const *)field) : NULL;
	case K_LONG:
	case K_DURATION:
		return xasprintf("%ld", *(const long *)field);
	case K_BOOL:
		return xstrdup(*(const int *)field ? "yes" : "no");
	case K_LIST:
		list = field;
		if (list->n == 0)
			return NULL;
		buf_init(&b, 64 * 1024);
		for (i = 0; i < list->n; i++)
			buf_printf(&b, "%s%s", i > 0 ? ", " : "", list->v[i]);
		return buf_steal(&b);
	case K_SEC:
		return xstrdup(config_security_name(*(const enum config_security *)field));
	case K_AUTH:
		return xstrdup(config_auth_name(*(const enum config_auth *)field));
	case K_GRANT:
		return xstrdup(config_grant_name(*(const enum config_grant *)field));
	case K_PROVIDER:
		return xstrdup(provider_name(*(const enum provider *)field));
	case K_DOUBLE:
		return xasprintf("%g", *(const double *)field);
	case K_WEEKDAY:
	case K_TIME:
		break;
	}
	return NULL;
}

/* Is keys[k] one a provider may set (or the provider setting itself)? */
static int provider_key(size_t k)
{
	const struct provider_default *d;
	size_t n, i;
	int p;

	if (strcmp(keys[k].name, "provider") == 0 || strcmp(keys[k].name, "domains") == 0)
		return 1;
	for (p = PROVIDER_OTHER; p <= PROVIDER_GOOGLE; p++) {
		d = provider_defaults((enum provider)p, &n);
		for (i = 0; i < n; i++)
			if (strcmp(keys[k].section, d[i].section) == 0 && strcmp(keys[k].name, d[i].key) == 0)
				return 1;
	}
	return 0;
}

char *config_report(const struct config *cfg)
{
	struct buf b;
	char *v;
	size_t k;

	buf_init(&b, 64 * 1024);
	buf_add(&b, "", 0);
	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		if (!provider_key(k))
			continue;
		v = value_text(cfg, &keys[k]);
		if (v == NULL)
			buf_printf(&b, "[%s] %s is not set\n", keys[k].section, keys[k].name);
		else if (cfg->origins != NULL && cfg->origins[k] == FROM_FILE)
			buf_printf(&b, "[%s] %s = %s (set in the file)\n", keys[k].section, keys[k].name, v);
		else if (cfg->origins != NULL && cfg->origins[k] == FROM_PROVIDER)
			buf_printf(&b, "[%s] %s = %s (provider %s)\n", keys[k].section, keys[k].name, v,
			    provider_name(cfg->programme.provider));
		else
			buf_printf(&b, "[%s] %s = %s (built in)\n", keys[k].section, keys[k].name, v);
		free(v);
	}
	return buf_steal(&b);
}

int config_is_member(const struct config *cfg, const char *addr)
{
	return addr != NULL && strlist_contains_ci(&cfg->committee.members, addr);
}

const char *config_security_name(enum config_security s)
{
	switch (s) {
	case SEC_TLS:
		return "tls";
	case SEC_STARTTLS:
		return "starttls";
	case SEC_NONE:
		return "none";
	}
	return "?";
}

const char *config_auth_name(enum config_auth a)
{
	switch (a) {
	case AUTH_NONE:
		return "none";
	case AUTH_PLAIN:
		return "plain";
	case AUTH_LOGIN:
		return "login";
	case AUTH_XOAUTH2:
		return "xoauth2";
	case AUTH_OAUTHBEARER:
		return "oauthbearer";
	}
	return "?";
}

const char *config_grant_name(enum config_grant g)
{
	return g == GRANT_CLIENT_CREDENTIALS ? "client_credentials" : "refresh_token";
}

int config_url_secure(const char *url)
{
	char host[256];
	const char *h;
	size_t n;

	if (str_has_prefix(url, "https://"))
		return url[8] != '\0';
	if (!str_has_prefix(url, "http://"))
		return 0;
	h = url + 7;
	if (*h == '[')
		n = strcspn(h, "]") + 1;
	else
		n = strcspn(h, ":/?#");
	if (n == 0 || n >= sizeof(host) || strcspn(h, "@") < strcspn(h, "/"))
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	return config_host_is_loopback(host);
}
