#include "health.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "marking.h"
#include "store.h"
#include "util.h"

#define META_FETCHED "imap_fetched_at"

struct health_ctx {
	const struct config *cfg;
	struct store *st;
	time_t now;
};

/* A concern writes one line of text and says how it stands; a database
 * error is CRITICAL, the report cannot vouch for anything then. */
typedef enum health_state (*concern_fn)(const struct health_ctx *c, char *text, size_t size);

static const char *const state_names[] = { "OK", "WARNING", "CRITICAL" };

void health_age(long s, char *out, size_t size)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, size, "%ld s", s);
	else if (s < 120 * 60)
		snprintf(out, size, "%ld min", s / 60);
	else if (s < 48 * 3600)
		snprintf(out, size, "%ld h", s / 3600);
	else
		snprintf(out, size, "%ld days", s / 86400);
}

static enum health_state by_age(long age, long warn, long crit)
{
	return age >= crit ? HEALTH_CRITICAL : age >= warn ? HEALTH_WARNING : HEALTH_OK;
}

static enum health_state db_failed(char *text, size_t size)
{
	snprintf(text, size, "cannot read the database");
	return HEALTH_CRITICAL;
}

static enum health_state check_imap(const struct health_ctx *c, char *text, size_t size)
{
	int64_t at = 0;
	char age[32];

	if (store_query_int(c->st, &at, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", "s",
	    META_FETCHED) < 0)
		return db_failed(text, size);
	if (at <= 0) {
		snprintf(text, size, "no successful fetch yet from %s (is the daemon running?)",
		    c->cfg->imap.host);
		return HEALTH_CRITICAL;
	}
	health_age((long)(c->now - at), age, sizeof(age));
	snprintf(text, size, "last successful fetch from %s %s ago", c->cfg->imap.host, age);
	return by_age((long)(c->now - at), HEALTH_FETCH_WARN_S, HEALTH_FETCH_CRIT_S);
}

/* The queue held by a refusal of the account (store.h): what the server
 * said and what an administrator must do, whole. */
static int held(const struct health_ctx *c, char *text, size_t size)
{
	int64_t until = 0;
	char *why = NULL, when[32];

	if (store_query_text(c->st, &why, "SELECT value FROM meta WHERE key = ?", "s",
	    STORE_META_SMTP_HOLD) < 0 || store_query_int(c->st, &until, "SELECT CAST(value AS INTEGER)"
	    " FROM meta WHERE key = ?", "s", STORE_META_SMTP_HOLD_UNTIL) < 0)
		return -1;
	if (why == NULL)
		return 0;
	time_local_str((time_t)until, when, sizeof(when));
	snprintf(text, size, "sending held, %s %s: %s", (time_t)until > c->now ? "next try at"
	    : "tried again since", when, why);
	free(why);
	return 1;
}

static enum health_state check_smtp(const struct health_ctx *c, char *text, size_t size)
{
	int64_t last = 0, due = 0, oldest = 0;
	char age[32];
	long waited;
	int h = held(c, text, size);

	if (h != 0)
		return h < 0 ? db_failed(text, size) : HEALTH_CRITICAL;
	if (store_query_int(c->st, &last, "SELECT coalesce(max(sent_at), 0) FROM outbound", NULL) < 0 ||
	    store_query_int(c->st, &due, "SELECT count(*) FROM outbound WHERE status = 'queued'"
	    " AND data IS NOT NULL AND next_attempt <= ?", "t", c->now) < 0 ||
	    store_query_int(c->st, &oldest, "SELECT coalesce(min(created_at), 0) FROM outbound"
	    " WHERE status = 'queued' AND data IS NOT NULL AND next_attempt <= ?", "t", c->now) < 0)
		return db_failed(text, size);
	if (last > 0)
		health_age((long)(c->now - last), age, sizeof(age));
	if (due == 0) {
		if (last > 0)
			snprintf(text, size, "last successful delivery %s ago; nothing due", age);
		else
			snprintf(text, size, "no delivery yet; nothing due");
		return HEALTH_OK;
	}
	/* mail waits: since the last delivery, or since it waits if later */
	waited = (long)(c->now - (last > oldest ? last : oldest));
	if (last > 0)
		snprintf(text, size, "%" PRId64 " message(s) due; last successful delivery %s ago", due, age);
	else
		snprintf(text, size, "%" PRId64 " message(s) due; no delivery yet", due);
	return by_age(waited, HEALTH_SMTP_WARN_S, HEALTH_SMTP_CRIT_S);
}

static enum health_state check_queue(const struct health_ctx *c, char *text, size_t size)
{
	int64_t n = 0, oldest = 0;
	char age[32];

	if (store_query_int(c->st, &n, "SELECT count(*) FROM outbound WHERE status = 'queued'", NULL) < 0 ||
	    store_query_int(c->st, &oldest, "SELECT coalesce(min(created_at), 0) FROM outbound"
	    " WHERE status = 'queued'", NULL) < 0)
		return db_failed(text, size);
	if (n == 0) {
		snprintf(text, size, "nothing queued");
		return HEALTH_OK;
	}
	health_age((long)(c->now - oldest), age, sizeof(age));
	snprintf(text, size, "%" PRId64 " queued, the oldest for %s", n, age);
	return by_age((long)(c->now - oldest), HEALTH_QUEUE_WARN_S, HEALTH_QUEUE_CRIT_S);
}

static enum health_state check_failed(const struct health_ctx *c, char *text, size_t size)
{
	int64_t n = 0;

	if (store_query_int(c->st, &n, "SELECT count(*) FROM outbound WHERE status = 'failed'", NULL) < 0)
		return db_failed(text, size);
	if (n == 0) {
		snprintf(text, size, "no failed delivery");
		return HEALTH_OK;
	}
	snprintf(text, size, "%" PRId64 " failed deliveries (mentord queue list; retry or drop)", n);
	return n >= HEALTH_FAILED_CRIT ? HEALTH_CRITICAL : HEALTH_WARNING;
}

/* The server refuses to mark handled mail (marking.h): new mail is read
 * all the same, but an operator has something to do. */
static enum health_state check_marking(const struct health_ctx *c, char *text, size_t size)
{
	struct marking_state m;
	char age[32];

	if (marking_get(c->st, &m) < 0)
		return db_failed(text, size);
	if (m.failures < MARKING_REPORT_AFTER) {
		snprintf(text, size, "handled mail is marked on the server");
		marking_state_deinit(&m);
		return HEALTH_OK;
	}
	health_age((long)(c->now - m.since), age, sizeof(age));
	snprintf(text, size, "handled mail not marked on %s for %s: %s; %s", c->cfg->imap.host, age,
	    m.error != NULL ? m.error : "?", marking_advice(c->cfg->imap.processed_mailbox));
	marking_state_deinit(&m);
	return HEALTH_WARNING;
}

static enum health_state check_quarantine(const struct health_ctx *c, char *text, size_t size)
{
	int64_t recent = 0, all = 0;

	if (store_query_int(c->st, &all, "SELECT count(*) FROM inbound WHERE class = 'quarantined'",
	    NULL) < 0 ||
	    store_query_int(c->st, &recent, "SELECT count(*) FROM inbound WHERE class = 'quarantined'"
	    " AND received_at >= ?", "t", c->now - (time_t)HEALTH_QUARANTINE_DAYS * 86400) < 0)
		return db_failed(text, size);
	snprintf(text, size, "%" PRId64 " quarantined in the last %d days, %" PRId64 " in all%s%s%s",
	    recent, HEALTH_QUARANTINE_DAYS, all, all > 0 ? " (" : "",
	    all > 0 ? c->cfg->paths.spool : "", all > 0 ? "/quarantine)" : "");
	return recent > 0 ? HEALTH_WARNING : HEALTH_OK;
}

/* Answers to addresses not proven that wait for the hourly limit
 * (doc/DESIGN.md 7): how many, and the oldest wait. A day is long for a
 * confirmation request. */
static enum health_state check_unproven(const struct health_ctx *c, char *text, size_t size)
{
	int64_t n = 0, oldest = 0;
	char age[32];

	if (store_query_int(c->st, &n, "SELECT count(*) FROM outbound WHERE unproven = 1"
	    " AND status = 'queued' AND next_attempt > ?", "t", c->now) < 0 ||
	    store_query_int(c->st, &oldest, "SELECT coalesce(min(created_at), 0) FROM outbound"
	    " WHERE unproven = 1 AND status = 'queued' AND next_attempt > ?", "t", c->now) < 0)
		return db_failed(text, size);
	if (n == 0) {
		snprintf(text, size, "no answer to an unproven sender waits for the hourly limit");
		return HEALTH_OK;
	}
	health_age((long)(c->now - (time_t)oldest), age, sizeof(age));
	snprintf(text, size, "%" PRId64 " answer(s) to unproven senders wait for the hourly limit"
	    " (max_unproven_per_hour), the oldest for %s", n, age);
	return by_age((long)(c->now - (time_t)oldest), 6 * 3600, 24 * 3600);
}

static enum health_state check_disk(const struct health_ctx *c, char *text, size_t size)
{
	const char *db = c->cfg->paths.database, *slash = strrchr(db, '/');
	char *dir = slash == NULL ? xstrdup(".") : slash == db ? xstrdup("/")
	    : xstrndup(db, (size_t)(slash - db));
	struct statvfs vfs;
	unsigned long long avail, total;
	double pct;
	enum health_state s;

	if (statvfs(dir, &vfs) < 0) {
		snprintf(text, size, "cannot look at %s: %s", dir, strerror(errno));
		free(dir);
		return HEALTH_CRITICAL;
	}
	avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	total = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
	pct = total > 0 ? 100.0 * (double)avail / (double)total : 0;
	s = avail < HEALTH_DISK_CRIT_BYTES || pct < HEALTH_DISK_CRIT_PCT ? HEALTH_CRITICAL
	    : avail < HEALTH_DISK_WARN_BYTES || pct < HEALTH_DISK_WARN_PCT ? HEALTH_WARNING
	    : HEALTH_OK;
	snprintf(text, size, "%.1f MiB free (%.0f%%) on the file system of %s",
	    (double)avail / (1024.0 * 1024.0), pct, dir);
	free(dir);
	return s;
}

static const struct {
	const char *name;
	concern_fn fn;
} concerns[] = {
	{ "imap", check_imap },
	{ "marking", check_marking },
	{ "smtp", check_smtp },
	{ "queue", check_queue },
	{ "failed", check_failed },
	{ "quarantine", check_quarantine },
	{ "unproven", check_unproven },
	{ "disk", check_disk },
};

int health_run(const struct config *cfg, time_t now)
{
	struct health_ctx c;
	enum health_state s, worst = HEALTH_OK;
	char text[2 * SMTP_REPLY_BYTES_MAX > 1024 ? 2 * SMTP_REPLY_BYTES_MAX : 1024], *err = NULL;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.now = now;
	if (access(cfg->paths.database, F_OK) != 0) {
		printf("CRITICAL database: %s: %s (has the daemon run yet?)\n", cfg->paths.database,
		    strerror(errno));
		return HEALTH_CRITICAL;
	}
	if (store_open(cfg->paths.database, &c.st, &err) < 0) {
		printf("CRITICAL database: %s\n", err);
		free(err);
		return HEALTH_CRITICAL;
	}
	for (i = 0; i < ARRAY_SIZE(concerns); i++) {
		s = concerns[i].fn(&c, text, sizeof(text));
		printf("%s %s: %s\n", state_names[s], concerns[i].name, text);
		if (s > worst)
			worst = s;
	}
	store_close(&c.st);
	return (int)worst;
}

int health_mark_fetch(struct store *st, time_t now, time_t *marked_r)
{
	if (marked_r != NULL && *marked_r != 0 && now >= *marked_r && now - *marked_r < HEALTH_MARK_S)
		return 0;
	if (store_exec(st, "INSERT INTO meta(key, value) VALUES(?, ?)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value", "st", META_FETCHED, now) < 0)
		return -1;
	if (marked_r != NULL)
		*marked_r = now;
	return 0;
}
