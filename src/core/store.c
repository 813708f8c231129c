#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "mac.h"
#include "util.h"

#define STMT_CACHE 96
/* Waiting for another connection's lock: the daemon's longest transaction
 * (a batch of IMAP_FETCH_BATCH messages, a `match` of thousands) is
 * seconds; ten minutes is a lock that someone forgot. */
#define STORE_BUSY_WAIT_MS (10 * 60 * 1000L)
#define STORE_BUSY_STEP_MS 50L

struct cached_stmt {
	char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *instance;
	unsigned char key[MAC_KEY_BYTES];
	struct cached_stmt cache[STMT_CACHE];
	size_t cache_next;
	int in_txn;
	long syncs;          /* store_sync() calls that reached the disk */
	long sync_usec;      /* and the time they took */
	int full;            /* the last failure was for lack of space */
	struct timespec busy_since; /* busy_wait(): when the wait began */
	int busy_said;
	volatile sig_atomic_t *interrupt;
	int wipe;   /* personal data was erased: empty the WAL after the commit */
};

struct store_row {
	sqlite3_stmt *stmt;
};

/* Migrations: entry i takes user_version i to i + 1. Never edit one that has
 * shipped; append a new one. */
static const char *const migrations[] = {
	/* 0 -> 1: the whole first schema */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE cohorts("
	" id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" status TEXT NOT NULL DEFAULT 'open',"       /* open, closed, anonymised */
	" opened_at INTEGER NOT NULL, closed_at INTEGER, anonymised_at INTEGER,"
	" feedback_at INTEGER);"
	"CREATE TABLE people("
	" id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" name TEXT, language TEXT, bouncing INTEGER NOT NULL DEFAULT 0,"
	" bounce_info TEXT, created_at INTEGER NOT NULL, erased_at INTEGER);"
	"CREATE TABLE applications("
	" id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL REFERENCES cohorts(id),"
	" person_id INTEGER NOT NULL REFERENCES people(id),"
	" role TEXT NOT NULL,"                         /* mentor, mentee */
	" name TEXT, department TEXT, field TEXT, language TEXT, topics TEXT,"
	" preference TEXT, pref_gender TEXT, pref_mentors TEXT, gender TEXT,"
	" capacity INTEGER NOT NULL DEFAULT 1, about TEXT,"
	" status TEXT NOT NULL,"                       /* pending, confirmed, withdrawn, expired */
	" token TEXT NOT NULL UNIQUE,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	" confirmed_at INTEGER, reminded_at INTEGER, waitlisted_at INTEGER,"
	" ended_at INTEGER);"
	"CREATE INDEX applications_person ON applications(person_id, cohort_id);"
	"CREATE TABLE proposals("
	" id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'open');"      /* open, closed */
	"CREATE TABLE pairs("
	" id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL,"
	" mentor_app INTEGER NOT NULL REFERENCES applications(id),"
	" mentee_app INTEGER NOT NULL REFERENCES applications(id),"
	" proposal_id INTEGER, number INTEGER,"
	" status TEXT NOT NULL,"                       /* proposed, rejected, active, ended */
	" score REAL, reasons TEXT, created_at INTEGER NOT NULL,"
	" introduced_at INTEGER, ended_at INTEGER, end_reason TEXT,"
	" paused INTEGER NOT NULL DEFAULT 0, feedback_at INTEGER);"
	"CREATE TABLE events("
	" id INTEGER PRIMARY KEY, cohort_id INTEGER, uid TEXT NOT NULL UNIQUE,"
	" sequence INTEGER NOT NULL DEFAULT 0, start_at INTEGER NOT NULL,"
	" duration_min INTEGER NOT NULL, location TEXT, title TEXT,"
	" status TEXT NOT NULL DEFAULT 'scheduled',"  /* scheduled, cancelled */
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE rsvps("
	" event_id INTEGER NOT NULL, person_id INTEGER NOT NULL,"
	" partstat TEXT NOT NULL DEFAULT 'NEEDS-ACTION', reply_seq INTEGER, reply_stamp INTEGER,"
	" source TEXT, invited_seq INTEGER, invited_at INTEGER, updated_at INTEGER,"
	" PRIMARY KEY(event_id, person_id));"
	"CREATE TABLE checkins("
	" id INTEGER PRIMARY KEY, pair_id INTEGER NOT NULL, person_id INTEGER NOT NULL,"
	" number INTEGER NOT NULL, sent_at INTEGER NOT NULL, message_id TEXT,"
	" answer TEXT, answered_at INTEGER, nudged_at INTEGER, flagged_at INTEGER,"
	" UNIQUE(pair_id, person_id, number));"
	"CREATE TABLE cases("
	" id INTEGER PRIMARY KEY, person_id INTEGER, pair_id INTEGER,"
	" text TEXT, status TEXT NOT NULL DEFAULT 'open',"
	" opened_at INTEGER NOT NULL, closed_at INTEGER, inbound_id INTEGER);"
	"CREATE TABLE confirmations("
	" token TEXT PRIMARY KEY, kind TEXT NOT NULL, address TEXT NOT NULL,"
	" ref_id INTEGER, payload TEXT, created_at INTEGER NOT NULL, done_at INTEGER);"
	"CREATE TABLE inbound("
	" id INTEGER PRIMARY KEY, mailbox TEXT NOT NULL, uidvalidity INTEGER NOT NULL,"
	" uid INTEGER NOT NULL, message_id TEXT NOT NULL, sender TEXT, subject TEXT,"
	" class TEXT, outcome TEXT, received_at INTEGER NOT NULL,"
	" needs_flag INTEGER NOT NULL DEFAULT 0, flagged INTEGER NOT NULL DEFAULT 0,"
	" quarantine TEXT, UNIQUE(mailbox, uidvalidity, uid));"
	"CREATE INDEX inbound_message_id ON inbound(message_id);"
	"CREATE INDEX inbound_unflagged ON inbound(mailbox, uidvalidity) WHERE needs_flag = 1 AND flagged = 0;"
	"CREATE TABLE outbound("
	" id INTEGER PRIMARY KEY, message_id TEXT UNIQUE, kind TEXT NOT NULL,"
	" envelope_to TEXT NOT NULL, person_id INTEGER, subject TEXT, data BLOB,"
	" status TEXT NOT NULL DEFAULT 'queued',"      /* queued, sent, failed, bounced, dropped */
	" attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL,"
	" last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER,"
	" cause_inbound INTEGER, ref_kind TEXT, ref_id INTEGER);"
	"CREATE INDEX outbound_due ON outbound(next_attempt) WHERE status = 'queued';"
	"CREATE INDEX outbound_ref ON outbound(ref_kind, ref_id);"
	"CREATE TABLE jobs(key TEXT PRIMARY KEY, done_at INTEGER NOT NULL);"
	"CREATE TABLE answers(address TEXT NOT NULL COLLATE NOCASE, day TEXT NOT NULL,"
	" count INTEGER NOT NULL, PRIMARY KEY(address, day));"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT,"
	" action TEXT NOT NULL, detail TEXT);",
	/* 1 -> 2: the delivery policy. priority 0 is an answer to a message,
	 * 1 the rest (sent first: doc/DESIGN.md 6); queued_at starts the
	 * queue lifetime (NULL: created_at; `queue retry` starts it again);
	 * smtp_sends has one row per transaction the server accepted, for the
	 * provider's limits */
	"ALTER TABLE outbound ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE outbound ADD COLUMN queued_at INTEGER;"
	"CREATE INDEX outbound_order ON outbound(priority, next_attempt, id) WHERE status = 'queued';"
	"CREATE TABLE smtp_sends(at INTEGER NOT NULL);"
	"CREATE INDEX smtp_sends_at ON smtp_sends(at);",
	/* 2 -> 3: feedback that can be counted, one row a person asked (the
	 * requests already sent become rows, and replies to them find theirs);
	 * what an edition report counts kept apart from the personal data
	 * that retention removes: whether a pair shares a department or a
	 * field, the cohort of a case; an application carried over from a
	 * waitlist names the one it copies */
	"CREATE TABLE feedback("
	" id INTEGER PRIMARY KEY, cohort_id INTEGER NOT NULL, pair_id INTEGER NOT NULL,"
	" person_id INTEGER NOT NULL, role TEXT NOT NULL,"   /* mentor, mentee */
	" sent_at INTEGER NOT NULL, nudged_at INTEGER, answered_at INTEGER,"
	" usefulness INTEGER, meetings TEXT, continuing TEXT, again TEXT, again_as TEXT,"
	" quote TEXT, quote_ok INTEGER NOT NULL DEFAULT 0, unclear TEXT, text TEXT,"
	" UNIQUE(pair_id, person_id));"
	"CREATE INDEX feedback_cohort ON feedback(cohort_id);"
	"INSERT INTO feedback(cohort_id, pair_id, person_id, role, sent_at)"
	" SELECT p.cohort_id, p.id, a.person_id, a.role, p.feedback_at FROM pairs p"
	" JOIN applications a ON a.id IN (p.mentor_app, p.mentee_app) WHERE p.feedback_at IS NOT NULL;"
	"UPDATE outbound SET ref_id = (SELECT f.id FROM feedback f WHERE f.pair_id = outbound.ref_id"
	" AND f.person_id = outbound.person_id) WHERE ref_kind = 'feedback' AND person_id IS NOT NULL;"
	"ALTER TABLE pairs ADD COLUMN same_department INTEGER;"
	"ALTER TABLE pairs ADD COLUMN shared_field INTEGER;"
	"ALTER TABLE cases ADD COLUMN cohort_id INTEGER;"
	"UPDATE cases SET cohort_id = coalesce((SELECT cohort_id FROM pairs WHERE pairs.id = cases.pair_id),"
	" (SELECT max(cohort_id) FROM applications a WHERE a.person_id = cases.person_id"
	" AND a.created_at <= cases.opened_at),"
	" (SELECT max(id) FROM cohorts WHERE opened_at <= cases.opened_at));"
	"ALTER TABLE applications ADD COLUMN carried_from INTEGER;",
	/* 3 -> 4: replies that prove themselves, backscatter, erasure.
	 * rcpt: ",a,b,", the recipients as queued, which delivery never shortens;
	 * unproven: written to an address that has not proven itself;
	 * scrub: the data goes once it is sent (an erased person's mail);
	 * rsvps.uid: the calendar UID of that person's own invitation;
	 * contacts: what an address has proven and been sent; notices: the
	 * committee notices caused by one sender on one day. */
	"ALTER TABLE outbound ADD COLUMN rcpt TEXT;"
	"ALTER TABLE outbound ADD COLUMN unproven INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE outbound ADD COLUMN scrub INTEGER NOT NULL DEFAULT 0;"
	"UPDATE outbound SET rcpt = ',' || lower(envelope_to) || ',';"
	"CREATE INDEX outbound_unproven ON outbound(next_attempt) WHERE unproven = 1;"
	"ALTER TABLE rsvps ADD COLUMN uid TEXT;"
	"CREATE UNIQUE INDEX rsvps_uid ON rsvps(uid);"
	"CREATE TABLE contacts(address TEXT PRIMARY KEY COLLATE NOCASE, proven_at INTEGER,"
	" written INTEGER NOT NULL DEFAULT 0);"
	"INSERT OR IGNORE INTO contacts(address, proven_at) SELECT p.address, min(a.confirmed_at)"
	" FROM people p JOIN applications a ON a.person_id = p.id WHERE a.confirmed_at IS NOT NULL"
	" AND p.erased_at IS NULL GROUP BY p.address;"
	"CREATE TABLE notices(address TEXT NOT NULL COLLATE NOCASE, day TEXT NOT NULL,"
	" count INTEGER NOT NULL, PRIMARY KEY(address, day));",
	/* 4 -> 5: the answers to unproven addresses counted by the hour they
	 * may go (next_attempt / 3600), one row an hour, for the hourly cap;
	 * those already sent count for their hour as well */
	"CREATE TABLE unproven_hours(hour INTEGER PRIMARY KEY, count INTEGER NOT NULL);"
	"INSERT INTO unproven_hours(hour, count) SELECT next_attempt / 3600, count(*) FROM outbound"
	" WHERE unproven = 1 GROUP BY 1;",
	/* 5 -> 6: what an unproven address may be sent (doc/DESIGN.md 7):
	 * unproven_answers counts the answers to one such address a day, and
	 * names the message last answered, which gets one answer; in each
	 * hour of unproven_hours, "first" counts the confirmation requests
	 * for applications, which go before the other answers (contacts.written,
	 * the count of the old "one message in all", is no longer read) */
	"CREATE TABLE unproven_answers(address TEXT NOT NULL COLLATE NOCASE, day TEXT NOT NULL,"
	" count INTEGER NOT NULL, last_inbound INTEGER, PRIMARY KEY(address, day));"
	"ALTER TABLE unproven_hours ADD COLUMN first INTEGER NOT NULL DEFAULT 0;",
	/* 6 -> 7: a carry-over offer's one reminder */
	"ALTER TABLE confirmations ADD COLUMN reminded_at INTEGER;",
	/* 7 -> 8: when a quarantined message's raw copy was removed (past
	 * quarantine_max_mb or quarantine_days, or by retention) */
	"ALTER TABLE inbound ADD COLUMN quarantine_dropped_at INTEGER;",
	/* 8 -> 9: mentees choose among anonymous profiles. profiles: each
	 * mentor's number in her cohort, kept once given; choices: one row
	 * per mentee asked, her ranked mentors (application ids) and her
	 * motivation, for the committee only; pairs.choice_rank: the rank
	 * the mentee gave the mentor (0: not chosen), which the edition
	 * report counts */
	"CREATE TABLE profiles(cohort_id INTEGER NOT NULL, number INTEGER NOT NULL,"
	" mentor_app INTEGER NOT NULL UNIQUE, PRIMARY KEY(cohort_id, number));"
	"CREATE TABLE choices(mentee_app INTEGER PRIMARY KEY, asked_at INTEGER NOT NULL,"
	" choice1 INTEGER, choice2 INTEGER, choice3 INTEGER, motivation TEXT, chosen_at INTEGER);"
	"ALTER TABLE pairs ADD COLUMN choice_rank INTEGER;"
	/* pairs.rematched_at: the pair was ended by the committee's rematch:
	 * never proposed again, the mentee ahead of newcomers */
	"ALTER TABLE pairs ADD COLUMN rematched_at INTEGER;"
	/* fits: the early fit check, one row per person of a pair asked;
	 * answer good, unsure or not (confidential: the committee's only) */
	"CREATE TABLE fits(id INTEGER PRIMARY KEY, pair_id INTEGER NOT NULL,"
	" person_id INTEGER NOT NULL, asked_at INTEGER NOT NULL, answer TEXT, answered_at INTEGER,"
	" UNIQUE(pair_id, person_id));"
	/* consents: both sides of an approved pair agree before the
	 * introduction ([matching] consent); answer yes or no.
	 * pairs.declined_at: the pair will not go ahead (a no, or silence) */
	"CREATE TABLE consents(id INTEGER PRIMARY KEY, pair_id INTEGER NOT NULL,"
	" person_id INTEGER NOT NULL, asked_at INTEGER NOT NULL, nudged_at INTEGER, answer TEXT,"
	" answered_at INTEGER, UNIQUE(pair_id, person_id));"
	"ALTER TABLE pairs ADD COLUMN declined_at INTEGER;",
	/* 9 -> 10: a case's reference for its reporter, random so that it says
	 * nothing of how many cases there were */
	"ALTER TABLE cases ADD COLUMN ref TEXT;"
	"CREATE UNIQUE INDEX cases_ref ON cases(ref);",
};

_Static_assert(ARRAY_SIZE(migrations) == STORE_SCHEMA_VERSION,
    "STORE_SCHEMA_VERSION (store.h) is the number of migrations");

static const char *const status_names[] = { "queued", "sent", "failed", "bounced", "dropped" };

/* mentord's own mark in the header of its databases ("mntd"), RFC-less
 * but what the SQLite file format gives for this (PRAGMA application_id) */
#define STORE_APPLICATION_ID 0x6d6e7464
#define STORE_APPLICATION_ID_TEXT "1835955300"
#define STORE_RESTORE_HINT "mentord does not repair it; restore the latest backup with" \
	" `mentord restore FILE` (mentord(8)), or keep the file for SQLite's .recover"

static int store_read_only(struct store *st)
{
	return sqlite3_db_readonly(st->db, "main") == 1;
}

/* A failure for lack of space: SQLITE_FULL, or an I/O error whose cause
 * was ENOSPC or EDQUOT (growing the WAL index, a sync). */
static int full_error(struct store *st)
{
	int code = sqlite3_errcode(st->db) & 0xff, e = sqlite3_system_errno(st->db);

	return code == SQLITE_FULL || (code == SQLITE_IOERR && (e == ENOSPC || e == EDQUOT));
}

static void db_error(struct store *st, const char *what)
{
	int code = sqlite3_errcode(st->db) & 0xff;

	/* a full disk fails every statement alike: the caller says it once,
	 * naming the file system (store_full(), store_room()) */
	st->full = full_error(st);
	if (st->full)
		log_debug("database: %s: %s", what, sqlite3_errmsg(st->db));
	else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		log_err("database: %s is damaged (%s, in %s): %s", sqlite3_db_filename(st->db, "main"),
		    sqlite3_errmsg(st->db), what, STORE_RESTORE_HINT);
	else
		log_err("database: %s: %s", what, sqlite3_errmsg(st->db));
}

/* Prepared statements are cached by their SQL text: the same few queries
 * run for every message. */
static sqlite3_stmt *prepare(struct store *st, const char *sql)
{
	struct cached_stmt *c;
	sqlite3_stmt *stmt = NULL;
	size_t i;

	for (i = 0; i < STMT_CACHE; i++) {
		c = &st->cache[i];
		if (c->sql != NULL && (c->sql == sql || strcmp(c->sql, sql) == 0)) {
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			return c->stmt;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
		db_error(st, sql);
		return NULL;
	}
	c = &st->cache[st->cache_next];
	st->cache_next = (st->cache_next + 1) % STMT_CACHE;
	if (c->stmt != NULL)
		sqlite3_finalize(c->stmt);
	free(c->sql);
	c->sql = xstrdup(sql);
	c->stmt = stmt;
	return stmt;
}

static int bind_va(struct store *st, sqlite3_stmt *stmt, const char *types, va_list ap)
{
	/* a types string that does not fit the statement is a bug in the
	 * caller: varargs cannot be checked by the compiler */
	if ((size_t)sqlite3_bind_parameter_count(stmt) != (types != NULL ? strlen(types) : 0))
		fatal("store: %d parameters but types \"%s\" in: %s", sqlite3_bind_parameter_count(stmt),
		    types != NULL ? types : "", sqlite3_sql(stmt));
	const char *s;
	int i, rc = SQLITE_OK;

	for (i = 0; types != NULL && types[i] != '\0' && rc == SQLITE_OK; i++) {
		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			rc = sqlite3_bind_int64(stmt, i + 1, (int64_t)va_arg(ap, time_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(stmt, i + 1, va_arg(ap, double));
			break;
		case 's':
			s = va_arg(ap, const char *);
			rc = s == NULL ? sqlite3_bind_null(stmt, i + 1)
			    : sqlite3_bind_text(stmt, i + 1, s, -1, SQLITE_TRANSIENT);
			break;
		default:
			fatal("store: bad bind type %c", types[i]);
		}
	}
	if (rc != SQLITE_OK) {
		db_error(st, "bind");
		return -1;
	}
	return 0;
}

static int run_va(struct store *st, const char *sql, store_row_fn fn, void *arg,
    const char *types, va_list ap)
{
	struct store_row row;
	sqlite3_stmt *stmt = prepare(st, sql);
	int rc, ret = -1;

	if (stmt == NULL || bind_va(st, stmt, types, ap) < 0)
		goto out;
	row.stmt = stmt;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (fn != NULL && fn(&row, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_error(st, sql);
		goto out;
	}
	ret = 0;
out:
	if (stmt != NULL)
		sqlite3_reset(stmt);
	return ret;
}

int store_exec(struct store *st, const char *sql, const char *types, ...)
{
	va_list ap;
	int ret;

	va_start(ap, types);
	ret = run_va(st, sql, NULL, NULL, types, ap);
	va_end(ap);
	return ret;
}

int store_query(struct store *st, const char *sql, store_row_fn fn, void *arg,
    const char *types, ...)
{
	va_list ap;
	int ret;

	va_start(ap, types);
	ret = run_va(st, sql, fn, arg, types, ap);
	va_end(ap);
	return ret;
}

int64_t store_row_int(const struct store_row *row, int col)
{
	return sqlite3_column_int64(row->stmt, col);
}

double store_row_double(const struct store_row *row, int col)
{
	return sqlite3_column_double(row->stmt, col);
}

const char *store_row_text(const struct store_row *row, int col)
{
	return (const char *)sqlite3_column_text(row->stmt, col);
}

int store_row_is_null(const struct store_row *row, int col)
{
	return sqlite3_column_type(row->stmt, col) == SQLITE_NULL;
}

int store_ids_row(const struct store_row *row, void *arg)
{
	struct store_ids *ids = arg;

	ids->v = xrealloc(ids->v, (ids->n + 1) * sizeof(*ids->v));
	ids->v[ids->n++] = store_row_int(row, 0);
	return 0;
}

int store_ids_contain(const struct store_ids *ids, int64_t id)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		if (ids->v[i] == id)
			return 1;
	return 0;
}

int64_t store_last_id(struct store *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

long store_changes(struct store *st)
{
	return sqlite3_changes(st->db);
}

static int one_int(const struct store_row *row, void *arg)
{
	*(int64_t *)arg = store_row_int(row, 0);
	return 1;
}

static int one_text(const struct store_row *row, void *arg)
{
	const char *s = store_row_text(row, 0);

	*(char **)arg = s != NULL ? xstrdup(s) : NULL;
	return 1;
}

int store_query_int(struct store *st, int64_t *v_r, const char *sql, const char *types, ...)
{
	va_list ap;
	int ret;

	va_start(ap, types);
	ret = run_va(st, sql, one_int, v_r, types, ap);
	va_end(ap);
	return ret;
}

int store_query_text(struct store *st, char **v_r, const char *sql, const char *types, ...)
{
	va_list ap;
	int ret;

	*v_r = NULL;
	va_start(ap, types);
	ret = run_va(st, sql, one_text, v_r, types, ap);
	va_end(ap);
	return ret;
}

/* ---- open, migrate ---- */

/* What a file must look like before SQLite is let near it: nothing yet
 * (0: a new database), or an SQLite file that is whole (1). A file that is
 * not, or is cut short, is refused (-1) and left exactly as it is: the
 * operator decides, mentord never "repairs" it. */
static int header_check(const char *path, char **error_r)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char h[100];
	uint32_t page_size, pages, change, valid_for;
	struct stat sb, wb;
	char *wal;
	ssize_t n;
	int fd, busy;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		*error_r = file_error(path, errno);
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		*error_r = xasprintf("%s: not a regular file; check [paths] database", path);
		close(fd);
		return -1;
	}
	n = sb.st_size == 0 ? 0 : read(fd, h, sizeof(h));
	close(fd);
	if (sb.st_size == 0)
		return 0;
	if (n < 0 || memcmp(h, magic, (size_t)n < sizeof(magic) ? (size_t)n : sizeof(magic)) != 0) {
		*error_r = xasprintf("%s is not a mentord database (not an SQLite file at all): check "
		    "[paths] database in the configuration; mentord leaves the file as it is", path);
		return -1;
	}
	if (n < (ssize_t)sizeof(h)) {
		*error_r = xasprintf("%s is truncated (%lld bytes, not even a header): %s", path,
		    (long long)sb.st_size, STORE_RESTORE_HINT);
		return -1;
	}
	page_size = (uint32_t)h[16] << 8 | h[17];
	if (page_size == 1)
		page_size = 65536;
	change = (uint32_t)h[24] << 24 | (uint32_t)h[25] << 16 | (uint32_t)h[26] << 8 | h[27];
	pages = (uint32_t)h[28] << 24 | (uint32_t)h[29] << 16 | (uint32_t)h[30] << 8 | h[31];
	valid_for = (uint32_t)h[92] << 24 | (uint32_t)h[93] << 16 | (uint32_t)h[94] << 8 | h[95];
	if (page_size < 512 || (page_size & (page_size - 1)) != 0) {
		*error_r = xasprintf("%s is damaged (its header gives a page size of %u): %s", path,
		    page_size, STORE_RESTORE_HINT);
		return -1;
	}
	/* the size in the header counts when the header says it is current
	 * (https://www.sqlite.org/fileformat2.html, "in-header database size"),
	 * and only while no checkpoint can be copying the WAL in: that writes
	 * page 1 first and grows the file after it. With frames in the WAL,
	 * store_check() finds a page that is missing. */
	wal = xasprintf("%s-wal", path);
	busy = stat(wal, &wb) == 0 && wb.st_size > 0;
	free(wal);
	if (!busy && (sb.st_size % page_size != 0 ||
	    (change == valid_for && pages > 0 && (uint64_t)pages * page_size > (uint64_t)sb.st_size))) {
		*error_r = xasprintf("%s is truncated (%lld bytes where its header counts %llu): %s",
		    path, (long long)sb.st_size, (unsigned long long)pages * page_size,
		    STORE_RESTORE_HINT);
		return -1;
	}
	return 1;
}

/* 1 if the open file is a mentord database or a new, empty one, 0 if it
 * is another program's, -1 on a database error. */
static int is_ours(struct store *st, int64_t version)
{
	int64_t app = 0, tables = 0, meta = 0;

	if (store_query_int(st, &app, "PRAGMA application_id", NULL) < 0 ||
	    store_query_int(st, &tables, "SELECT count(*) FROM sqlite_schema", NULL) < 0 ||
	    store_query_int(st, &meta, "SELECT count(*) FROM sqlite_schema"
	    " WHERE type = 'table' AND name = 'meta'", NULL) < 0)
		return -1;
	if (app == STORE_APPLICATION_ID)
		return 1;
	if (app != 0)
		return 0;
	/* before the application id was set: an empty file, or ours by its
	 * schema version and its meta table */
	return version == 0 ? tables == 0 : meta == 1;
}

/* Whether this is a database mentord may use, before anything is written
 * to it (not even the switch to WAL): ours or new, and not newer. */
static int identify(struct store *st, char **error_r)
{
	int64_t version = 0;
	int r;

	if (store_query_int(st, &version, "PRAGMA user_version", NULL) < 0 ||
	    (r = is_ours(st, version)) < 0) {
		*error_r = xstrdup(sqlite3_errmsg(st->db));
		return -1;
	}
	if (r == 0) {
		*error_r = xstrdup("it is another program's SQLite database, not a mentord database:"
		    " check [paths] database in the configuration; mentord leaves it as it is");
		return -1;
	}
	if (version > (int64_t)ARRAY_SIZE(migrations)) {
		*error_r = xasprintf("it has schema version %lld, newer than this mentord knows (%zu):"
		    " run the newer mentord that wrote it, or restore a backup made with this version"
		    " (mentord restore FILE)", (long long)version, ARRAY_SIZE(migrations));
		return -1;
	}
	return 0;
}

/* Today's schema, schema.sql built in (Makefile): what a new database is
 * made of. */
static const char schema_sql[] =
#include "schema.inc"
    ;

/* Runs sql and sets the schema version, in one transaction; what names
 * it in the error. */
static int run_to(struct store *st, const char *sql, size_t version, const char *what,
    char **error_r)
{
	char *all = xasprintf("BEGIN IMMEDIATE; %s PRAGMA user_version = %zu; COMMIT;", sql, version);
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, all, NULL, NULL, &msg);

	free(all);
	if (rc == SQLITE_OK)
		return 0;
	*error_r = xasprintf("%s: %s", what, msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Brings the database from its version up to `to`: a new one (version 0
 * and no table) going to today's version is made from schema.sql in one
 * transaction, unless by_migrations asks for every migration from the
 * first (store_open_by_migrations, restore's copies of older versions);
 * any other by the migrations after its version. */
static int migrate_to(struct store *st, size_t to, int by_migrations, char **error_r)
{
	int64_t version = 0, tables = 0;
	size_t v;

	if (store_query_int(st, &version, "PRAGMA user_version", NULL) < 0 ||
	    store_query_int(st, &tables, "SELECT count(*) FROM sqlite_master", NULL) < 0)
		goto fail;
	if (version == 0 && tables == 0 && !by_migrations && to == ARRAY_SIZE(migrations))
		return run_to(st, schema_sql, ARRAY_SIZE(migrations), "creating the schema", error_r);
	for (v = (size_t)version; v < to; v++) {
		char what[48];

		snprintf(what, sizeof(what), "schema migration %zu", v + 1);
		if (run_to(st, migrations[v], v + 1, what, error_r) < 0)
			return -1;
	}
	return 0;
fail:
	*error_r = xasprintf("%s", sqlite3_errmsg(st->db));
	return -1;
}

static int migrate(struct store *st, int by_migrations, char **error_r)
{
	return migrate_to(st, ARRAY_SIZE(migrations), by_migrations, error_r);
}

/* Every connection: a schema is not trusted to run functions with side
 * effects from its triggers and views (trusted_schema = OFF), and nothing
 * may write the schema or the file behind SQLite's back (defensive mode):
 * a database is data, never code (doc/DESIGN.md 7). */
static int harden(sqlite3 *db)
{
	int on = -1, trusted = -1;

	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &trusted) != SQLITE_OK ||
	    on != 1 || trusted != 0)
		return -1;
	return 0;
}

static int load_instance(struct store *st)
{
	int64_t app = 0;
	char hex[17];

	if (store_query_text(st, &st->instance, "SELECT value FROM meta WHERE key = 'instance'", NULL) < 0)
		return -1;
	/* a new database, or one made before the application id was
	 * written, gets it now */
	if (store_query_int(st, &app, "PRAGMA application_id", NULL) < 0)
		return -1;
	if (app == 0 && !store_read_only(st) && sqlite3_exec(st->db,
	    "PRAGMA application_id = " STORE_APPLICATION_ID_TEXT, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (st->instance != NULL)
		return 0;
	if (random_hex(hex, 8) < 0)
		fatal("no random bytes");
	if (store_exec(st, "INSERT OR IGNORE INTO meta(key, value) VALUES('instance', ?)", "s", hex) < 0)
		return -1;
	return store_query_text(st, &st->instance, "SELECT value FROM meta WHERE key = 'instance'", NULL);
}

/* The WAL and its index stay on disk when the last connection closes
 * (SQLITE_FCNTL_PERSIST_WAL): the sender's process closes and opens the
 * database for every batch, and on a full disk a connection that had to
 * create them again could not open at all; their space, once taken, is
 * also what lets a small commit through when the file system is full. */
static void persist_wal(struct store *st)
{
	int on = 1;

	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
}

/* Another connection holds the lock (the daemon's batch, a shell command,
 * the sending process): wait for it rather than fail with "database is
 * locked", in sleeps that grow to STORE_BUSY_STEP_MS, up to
 * STORE_BUSY_WAIT_MS in all; said once after a second, and cut short by
 * the interrupt flag (`run` asked to stop). Returns 1 to try again. */
static int busy_wait(void *arg, int count)
{
	struct store *st = arg;
	struct timespec now, d;
	long waited, step;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0) {
		st->busy_since = now;
		st->busy_said = 0;
	}
	if (st->interrupt != NULL && *st->interrupt)
		return 0;
	waited = (now.tv_sec - st->busy_since.tv_sec) * 1000 +
	    (now.tv_nsec - st->busy_since.tv_nsec) / 1000000;
	if (waited >= STORE_BUSY_WAIT_MS) {
		log_err("database: %s stayed locked by another mentord for %ld s; giving up",
		    sqlite3_db_filename(st->db, "main"), waited / 1000);
		return 0;
	}
	if (waited >= 1000 && !st->busy_said) {
		log_info("database: %s is in use by another mentord; waiting for it",
		    sqlite3_db_filename(st->db, "main"));
		st->busy_said = 1;
	}
	step = count < 6 ? 1L << count : STORE_BUSY_STEP_MS;
	if (step > STORE_BUSY_STEP_MS)
		step = STORE_BUSY_STEP_MS;
	d.tv_sec = 0;
	d.tv_nsec = step * 1000000L;
	nanosleep(&d, NULL);
	return 1;
}

void store_set_interrupt(struct store *st, volatile sig_atomic_t *flag)
{
	st->interrupt = flag;
}

/* The file of the database, or the folder its -wal and -shm files are
 * made in, that this user may not read and write: what to say of it, or
 * NULL. */
static char *denied(const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm" };
	char *p, *dir, *msg = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sides) && msg == NULL; i++) {
		p = xasprintf("%s%s", path, sides[i]);
		if (faccessat(AT_FDCWD, p, R_OK | W_OK, AT_EACCESS) < 0 && errno == EACCES)
			msg = file_error(p, EACCES);
		free(p);
	}
	dir = xstrdup(path);
	p = strrchr(dir, '/');
	if (p != NULL)
		p[p == dir ? 1 : 0] = '\0';
	if (msg == NULL && faccessat(AT_FDCWD, p != NULL ? dir : ".", W_OK | X_OK, AT_EACCESS) < 0 &&
	    errno == EACCES)
		msg = file_error(p != NULL ? dir : ".", EACCES);
	free(dir);
	return msg;
}

/* SQLite's words for a failure at open, with what to do when the file is
 * damaged, or another user's. */
static char *open_error(struct store *st, const char *path, const char *msg)
{
	int code = st->db != NULL ? sqlite3_errcode(st->db) & 0xff : SQLITE_CANTOPEN;
	char *why;

	if ((code == SQLITE_CANTOPEN || code == SQLITE_READONLY || code == SQLITE_PERM ||
	    code == SQLITE_AUTH) && (why = denied(path)) != NULL)
		return why;
	if (msg == NULL)
		msg = st->db != NULL ? sqlite3_errmsg(st->db) : "cannot open";
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return xasprintf("%s is damaged (%s): %s", path, msg, STORE_RESTORE_HINT);
	return xasprintf("%s: %s", path, msg);
}

/* The database holds personal data: its file is made, or made again,
 * readable by its owner only, whatever the umask; SQLite gives its -wal
 * and -shm files the database's own mode. */
static int private_file(const char *path)
{
	struct stat sb;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600), ret = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) == 0 && ((sb.st_mode & 077) == 0 || fchmod(fd, 0600) == 0))
		ret = 0;
	close(fd);
	return ret;
}

/* -wal and -shm files left by an older mentord keep their mode: they are
 * made private too. */
static void private_companions(const char *path)
{
	static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
	struct stat sb;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);

		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 077) != 0)
			chmod(p, 0600);
		free(p);
	}
}

static int open_store(const char *path, int by_migrations, struct store **st_r, char **error_r)
{
	struct store *st = NULL;
	char *msg = NULL, *why = NULL, *key = xasprintf("%s.key", path);

	if (header_check(path, error_r) < 0) {
		free(key);
		return -1;
	}
	st = xcalloc(1, sizeof(*st));
	if (private_file(path) < 0) {
		*error_r = file_error(path, errno);
		goto fail;
	}
	private_companions(path);
	if (mac_key_load(key, st->key, error_r) < 0)
		goto fail;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*error_r = open_error(st, path, NULL);
		goto fail;
	}
	if (harden(st->db) < 0) {
		*error_r = open_error(st, path, NULL);
		goto fail;
	}
	sqlite3_busy_handler(st->db, busy_wait, st);
	sqlite3_extended_result_codes(st->db, 1);
	if (identify(st, &why) < 0) {
		/* the first read is where a -wal or -shm of another user shows */
		*error_r = denied(path);
		if (*error_r == NULL)
			*error_r = xasprintf("%s: %s", path, why);
		free(why);
		goto fail;
	}
	/* WAL: readers (status, export) never block the daemon. NORMAL
	 * synchronous makes a commit safe from a crash of the process, not
	 * of the machine: store_sync() is what puts it on the disk, where
	 * the outside world is about to be told (store.h). A page cache of
	 * 1 MiB (SQLite's default is 2): the kernel's file cache holds the
	 * rest, and an idle daemon stays small (doc/DESIGN.md section 9).
	 * The WAL file is kept across closes, cut to 4 MiB at most
	 * (persist_wal below). Temporary storage in memory: the savepoint of
	 * each message in a batch (cycle.c) journals the pages it changes,
	 * some twenty, and is emptied at its release; in a file that was two
	 * write(2) calls a page, forty a message. */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA cache_size = -1024;"
	    "PRAGMA journal_size_limit = 4194304; PRAGMA temp_store = MEMORY;",
	    NULL, NULL, &msg) != SQLITE_OK) {
		*error_r = open_error(st, path, msg);
		sqlite3_free(msg);
		goto fail;
	}
	persist_wal(st);
	if (migrate(st, by_migrations, &why) < 0) {
		*error_r = xasprintf("%s: %s", path, why);
		free(why);
		goto fail;
	}
	if (load_instance(st) < 0) {
		*error_r = open_error(st, path, NULL);
		goto fail;
	}
	free(key);
	*st_r = st;
	return 0;
fail:
	free(key);
	store_close(&st);
	return -1;
}

/* ---- the schema as SQLite holds it ---- */

struct describe {
	struct store *st;
	struct buf b;
};

static const char *text_or(const struct store_row *row, int col)
{
	const char *s = store_row_text(row, col);

	return s != NULL ? s : "NULL";
}

/* table, column: its type and, from SQLite, its collation (which
 * table_info does not give), NOT NULL, default and place in the key */
static int describe_column(const struct store_row *row, void *arg)
{
	struct describe *d = arg;
	const char *table = store_row_text(row, 0), *col = store_row_text(row, 1);
	const char *type = NULL, *coll = NULL;
	int notnull = 0, pk = 0, autoinc = 0;

	if (sqlite3_table_column_metadata(d->st->db, "main", table, col, &type, &coll, &notnull,
	    &pk, &autoinc) != SQLITE_OK)
		return 1;
	buf_printf(&d->b, "column %s.%s %s collate %s%s default %s pk %lld%s\n", table, col,
	    type != NULL ? type : "", coll != NULL ? coll : "", notnull ? " not null" : "",
	    text_or(row, 2), (long long)store_row_int(row, 3), autoinc ? " autoincrement" : "");
	return 0;
}

static int describe_line(const struct store_row *row, void *arg)
{
	struct describe *d = arg;

	buf_printf(&d->b, "%s\n", text_or(row, 0));
	return 0;
}

int store_schema_describe(struct store *st, char **text_r)
{
	struct describe d = { st, { 0 } };
	int ret = -1;

	buf_init(&d.b, 1 << 20);
	buf_add(&d.b, "", 0);
	if (store_query(st, "SELECT m.name, p.name, p.dflt_value, p.pk FROM sqlite_master m,"
	    " pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%'"
	    " ESCAPE '\\' ORDER BY m.name, p.cid",
	    describe_column, &d, NULL) < 0 ||
	    /* the partial indexes' WHERE and the expressions are only in the SQL */
	    store_query(st, "SELECT 'index on ' || m.name || ': ' || coalesce(i.sql, 'automatic')"
	    " || ', unique ' || il.\"unique\" || ', from ' || il.origin || ' (' ||"
	    " (SELECT group_concat(coalesce(x.name, '?') || ' ' || x.coll || ' ' || x.desc, ', ')"
	    "  FROM pragma_index_xinfo(il.name) x WHERE x.key) || ')'"
	    " FROM sqlite_master m, pragma_index_list(m.name) il"
	    " LEFT JOIN sqlite_master i ON i.name = il.name AND i.type = 'index'"
	    " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1",
	    describe_line, &d, NULL) < 0 ||
	    store_query(st, "SELECT 'foreign key ' || m.name || '.' || f.\"from\" || ' -> ' ||"
	    " f.\"table\" || '.' || coalesce(f.\"to\", '') FROM sqlite_master m,"
	    " pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1",
	    describe_line, &d, NULL) < 0 ||
	    store_query(st, "SELECT type || ' ' || name || ' ' || tbl_name FROM sqlite_master"
	    " WHERE type NOT IN ('table', 'index') ORDER BY 1", describe_line, &d, NULL) < 0)
		goto out;
	if (d.b.toobig)
		goto out;
	*text_r = buf_steal(&d.b);
	ret = 0;
out:
	buf_deinit(&d.b);
	return ret;
}

int store_open(const char *path, struct store **st_r, char **error_r)
{
	return open_store(path, 0, st_r, error_r);
}

int store_open_by_migrations(const char *path, struct store **st_r, char **error_r)
{
	return open_store(path, 1, st_r, error_r);
}

int store_check(struct store *st, char **error_r)
{
	const char *path = sqlite3_db_filename(st->db, "main");
	char *first = NULL;
	int rc;

	/* the b-trees, their pages and their free list, not the indexes'
	 * contents: what a torn or overwritten file breaks, in a fraction of
	 * a full integrity_check's time */
	rc = store_query_text(st, &first, "PRAGMA quick_check(1)", NULL);
	if (rc == 0 && first != NULL && strcmp(first, "ok") == 0) {
		free(first);
		return 0;
	}
	*error_r = xasprintf("%s is damaged (%s): %s", path != NULL ? path : "the database",
	    first != NULL ? first : sqlite3_errmsg(st->db), STORE_RESTORE_HINT);
	free(first);
	return -1;
}

void store_close(struct store **stp)
{
	struct store *st = *stp;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < STMT_CACHE; i++) {
		if (st->cache[i].stmt != NULL)
			sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->instance);
	explicit_bzero(st->key, sizeof(st->key));
	free(st);
	*stp = NULL;
}

int store_begin(struct store *st)
{
	if (st->in_txn)
		fatal("store: nested transaction");
	st->full = 0;
	if (store_exec(st, "BEGIN IMMEDIATE", NULL) < 0)
		return -1;
	st->in_txn = 1;
	return 0;
}

/* The WAL keeps the pages an erasure overwrote until it is checkpointed
 * and cut: nothing erased may stay on disk. A reader that holds an old
 * snapshot keeps the log for now; the next erasure, or SQLite's own
 * checkpoints, take care of it then. */
static void wipe_log(struct store *st)
{
	int rc;

	st->wipe = 0;
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc != SQLITE_OK)
		log_warn("database: the log of erased data is not emptied yet: %s", sqlite3_errstr(rc));
}

void store_wipe_on_commit(struct store *st)
{
	st->wipe = 1;
}

int store_commit(struct store *st)
{
	if (store_exec(st, "COMMIT", NULL) < 0) {
		store_rollback(st);
		return -1;
	}
	st->in_txn = 0;
	if (st->wipe)
		wipe_log(st);
	return 0;
}

void store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_txn = 0;
	st->wipe = 0;
}

int store_in_transaction(struct store *st)
{
	return st->in_txn;
}

int store_savepoint(struct store *st)
{
	return store_exec(st, "SAVEPOINT message", NULL);
}

int store_release(struct store *st)
{
	return store_exec(st, "RELEASE message", NULL);
}

void store_rollback_to_savepoint(struct store *st)
{
	/* ROLLBACK TO keeps the savepoint open: release it too */
	if (store_exec(st, "ROLLBACK TO message", NULL) == 0)
		store_exec(st, "RELEASE message", NULL);
}

/* The WAL holds every commit not yet checkpointed, and a checkpoint
 * itself syncs (synchronous NORMAL): a commit is on disk once the WAL is,
 * or, when there is no WAL yet, once the database file is. fdatasync(2)
 * acts on the file, whichever descriptor names it. */
int store_sync(struct store *st)
{
	const char *db = sqlite3_db_filename(st->db, "main");
	const char *wal = db != NULL ? sqlite3_filename_wal(db) : NULL;
	struct timespec t0, t1;
	int fd = -1, ret = -1, saved;

	if (db == NULL || db[0] == '\0')
		return 0;   /* a temporary database: nothing to make durable */
	st->full = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (wal != NULL)
		fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (wal == NULL || errno == ENOENT))
		fd = open(db, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_err("database: cannot open %s to sync it: %s", wal != NULL ? wal : db, strerror(errno));
		return -1;
	}
	if (fdatasync(fd) < 0) {
		saved = errno;
		st->full = saved == ENOSPC || saved == EDQUOT;
		if (!st->full)
			log_err("database: cannot write %s to disk: %s", wal != NULL ? wal : db,
			    strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	ret = close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->syncs++;
	st->sync_usec += (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
	return ret < 0 ? -1 : 0;
}

int store_full(struct store *st)
{
	return st != NULL && st->full;
}

int store_room(const char *path, char **report_r)
{
	struct fs_space fs;

	if (fs_space(path, &fs) < 0) {
		*report_r = xasprintf("the file system of %s: %s", path, strerror(errno));
		return -1;
	}
	*report_r = xasprintf("the file system holding %s (%s on %s) has %.1f MiB free of %.1f MiB",
	    path, fs.type, fs.mount, fs.avail / 1048576.0, fs.total / 1048576.0);
	return fs.avail < DISK_ROOM_MIN_BYTES;
}

void store_sync_stats(struct store *st, long *count_r, long *usec_r)
{
	*count_r = st->syncs;
	*usec_r = st->sync_usec;
	st->syncs = 0;
	st->sync_usec = 0;
}

const char *store_instance(struct store *st)
{
	return st->instance;
}

const unsigned char *store_key(struct store *st)
{
	return st->key;
}

void store_release_memory(struct store *st)
{
	sqlite3_db_release_memory(st->db);
}

int store_schema_version(struct store *st)
{
	int64_t v = -1;

	store_query_int(st, &v, "PRAGMA user_version", NULL);
	return (int)v;
}

/* The copy goes to FILE.tmp, in the rollback-journal mode a lone file
 * needs, with the time it was taken in its meta table (restore reads it);
 * it is synced and only then renamed to FILE, so that FILE is either the
 * old one or a whole new copy. One backup step copies everything inside
 * one read transaction: a consistent snapshot however busy the daemon is
 * (in WAL mode, writers go on meanwhile); busy only while a writer holds
 * the database in recovery. */
int store_backup(struct store *st, const char *file, time_t now, char **error_r)
{
	char *tmp = xasprintf("%s.tmp", file), *sql = NULL;
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc, ret = -1;

	unlink(tmp);
	/* a copy of the database is as private as the database */
	if (private_file(tmp) < 0) {
		*error_r = file_error(tmp, errno);
		goto out;
	}
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    harden(dst) < 0) {
		*error_r = xasprintf("%s: %s", tmp, dst ? sqlite3_errmsg(dst) : "cannot open");
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (b == NULL) {
		*error_r = xasprintf("%s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*error_r = xasprintf("%s: %s", tmp, sqlite3_errstr(rc));
		goto out;
	}
	sql = sqlite3_mprintf("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;"
	    " INSERT OR REPLACE INTO meta(key, value) VALUES('backup_at', '%lld');",
	    (long long)now);
	if (sqlite3_exec(dst, sql, NULL, NULL, NULL) != SQLITE_OK) {
		*error_r = xasprintf("%s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	rc = sqlite3_close(dst);
	dst = NULL;
	if (rc != SQLITE_OK) {
		*error_r = xasprintf("%s: close failed", tmp);
		goto out;
	}
	if (file_sync_rename(tmp, file) < 0) {
		*error_r = file_error(file, errno);
		goto out;
	}
	ret = 0;
out:
	sqlite3_free(sql);
	if (dst != NULL)
		sqlite3_close(dst);
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* ---- restore ---- */

int store_lock(const char *path, int exclusive, int *fd_r)
{
	char *lock = xasprintf("%s.lock", path);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	free(lock);
	*fd_r = -1;
	if (fd < 0)
		return -1;
	if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		int busy = errno == EWOULDBLOCK;

		close(fd);
		return busy ? 1 : -1;
	}
	*fd_r = fd;
	return 0;
}

int store_open_readonly(const char *path, struct store **st_r, char **error_r)
{
	struct store *st = xcalloc(1, sizeof(*st));

	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    harden(st->db) < 0) {
		*error_r = open_error(st, path, NULL);
		store_close(&st);
		return -1;
	}
	sqlite3_busy_handler(st->db, busy_wait, st);
	sqlite3_extended_result_codes(st->db, 1);
	*st_r = st;
	return 0;
}

/* The backup, checked without writing a byte to it: a whole mentord
 * database of a schema this mentord knows; its time from its meta. */
int store_backup_check(const char *file, time_t *taken_r, char **error_r)
{
	struct store *b = NULL;
	char *why = NULL;
	int64_t at = 0;
	int ret = -1;

	if (header_check(file, error_r) < 0)
		return -1;
	if (store_open_readonly(file, &b, error_r) < 0)
		return -1;
	if (identify(b, &why) < 0) {
		*error_r = xasprintf("%s: %s", file, why);
		free(why);
		goto out;
	}
	if (store_check(b, error_r) < 0)
		goto out;
	/* a copy made without `mentord backup`: its latest event */
	if (store_query_int(b, &at, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = 'backup_at'), max((SELECT coalesce(max(received_at), 0) FROM inbound),"
	    " (SELECT coalesce(max(created_at), 0) FROM outbound)))", NULL) < 0) {
		*error_r = xasprintf("%s: %s", file, sqlite3_errmsg(b->db));
		goto out;
	}
	*taken_r = (time_t)at;
	ret = 0;
out:
	store_close(&b);
	return ret;
}

/* The first line of have that want lacks ("type name table: sql"), cut. */
static char *first_extra(const char *have, const char *want)
{
	const char *p = have, *nl;

	for (; *p != '\0'; p = nl + 1) {
		char *line;
		const char *hit;

		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		line = xstrndup(p, (size_t)(nl - p + 1));
		hit = strstr(want, line);
		if (hit == NULL || (hit != want && hit[-1] != '\n')) {
			line[strcspn(line, ":\n")] = '\0';
			return line;
		}
		free(line);
	}
	return xstrdup("an object missing");
}

/* A fresh database of schema version `version`, made by this mentord's
 * own migrations, in file (":memory:" for none). */
static int fresh(const char *file, size_t version, struct store **st_r, char **error_r)
{
	struct store *st = xcalloc(1, sizeof(*st));

	*st_r = NULL;
	if (sqlite3_open_v2(file, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK || harden(st->db) < 0 ||
	    migrate_to(st, version, 1, error_r) < 0) {
		if (*error_r == NULL)
			*error_r = xasprintf("%s: %s", file, sqlite3_errmsg(st->db));
		store_close(&st);
		return -1;
	}
	*st_r = st;
	return 0;
}

/* Is the backup's schema the one this mentord creates at its version?
 * Any trigger, view, table or index it did not create, or one changed,
 * refuses it: a database is data, and a hostile one would run its
 * triggers in the daemon. */
static int schema_check(const char *file, struct store *b, int64_t version, char **error_r)
{
	struct store *ref = NULL;
	char *have = NULL, *want = NULL, *what;
	int ret = -1;

	if (fresh(":memory:", (size_t)version, &ref, error_r) < 0)
		return -1;
	/* as SQLite reads it, not as it was written: a database made from
	 * schema.sql and one made by the migrations are the same */
	if (store_schema_describe(b, &have) < 0 || store_schema_describe(ref, &want) < 0) {
		*error_r = xasprintf("%s: cannot read its schema", file);
	} else if (strcmp(have, want) != 0) {
		what = strstr(want, have) == want ? xstrdup("an object missing") : first_extra(have, want);
		*error_r = xasprintf("%s: its schema is not the one mentord creates (%s): refused;"
		    " restore a backup made by `mentord backup`", file, what);
		free(what);
	} else {
		ret = 0;
	}
	free(have);
	free(want);
	store_close(&ref);
	return ret;
}

/* Copies every row of each of mentord's tables from b into t, value by
 * value, the schemas being the same. */
static int copy_rows(struct store *b, struct store *t, char **error_r)
{
	sqlite3_stmt *tables = NULL, *from = NULL, *to = NULL;
	int rc = SQLITE_OK, i, n;
	char *sql;

	if (sqlite3_prepare_v2(t->db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
	    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", -1, &tables, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(tables)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);

		sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
		rc = sqlite3_prepare_v2(b->db, sql, -1, &from, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK)
			goto fail_b;
		n = sqlite3_column_count(from);
		{
			struct buf q;

			buf_init(&q, 64 * 1024);
			buf_printf(&q, "INSERT INTO \"%s\" VALUES(", name);
			for (i = 0; i < n; i++)
				buf_adds(&q, i ? ",?" : "?");
			buf_addc(&q, ')');
			rc = sqlite3_prepare_v2(t->db, q.s, -1, &to, NULL);
			buf_deinit(&q);
		}
		if (rc != SQLITE_OK)
			goto fail;
		while ((rc = sqlite3_step(from)) == SQLITE_ROW) {
			for (i = 0; i < n; i++)
				sqlite3_bind_value(to, i + 1, sqlite3_column_value(from, i));
			if (sqlite3_step(to) != SQLITE_DONE)
				goto fail;
			sqlite3_reset(to);
		}
		if (rc != SQLITE_DONE)
			goto fail_b;
		sqlite3_finalize(from);
		sqlite3_finalize(to);
		from = to = NULL;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(tables);
	return 0;
fail_b:
	*error_r = xasprintf("reading the backup: %s", sqlite3_errmsg(b->db));
	goto out;
fail:
	*error_r = xasprintf("copying the backup: %s", sqlite3_errmsg(t->db));
out:
	sqlite3_finalize(tables);
	sqlite3_finalize(from);
	sqlite3_finalize(to);
	return -1;
}

/* The copy that will take the database's place: a database this mentord
 * creates afresh, of the backup's schema version, holding the backup's
 * rows (never its pages: nothing of its schema comes along), then
 * migrated as any mentord database; a new instance (so that no Message-ID
 * made from now on can be one sent before the restore), and what the next
 * cycle must read again. Closed, with its WAL emptied. */
static int restore_copy(const char *file, const char *tmp, time_t taken, time_t now,
    char **error_r)
{
	struct store *b = NULL, *t = NULL;
	char hex[17], *side;
	int64_t version = 0;
	int ret = -1;

	if (store_open_readonly(file, &b, error_r) < 0)
		return -1;
	if (store_query_int(b, &version, "PRAGMA user_version", NULL) < 0) {
		*error_r = xasprintf("%s: %s", file, sqlite3_errmsg(b->db));
		goto out;
	}
	if (schema_check(file, b, version, error_r) < 0)
		goto out;
	unlink(tmp);
	if (private_file(tmp) < 0) {
		*error_r = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fresh(tmp, (size_t)version, &t, error_r) < 0)
		goto out;
	if (sqlite3_exec(t->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    copy_rows(b, t, error_r) < 0 ||
	    sqlite3_exec(t->db, "COMMIT; PRAGMA application_id = " STORE_APPLICATION_ID_TEXT, NULL,
	    NULL, NULL) != SQLITE_OK) {
		if (*error_r == NULL)
			*error_r = xasprintf("%s: %s", tmp, sqlite3_errmsg(t->db));
		goto out;
	}
	store_close(&t);
	if (store_open(tmp, &t, error_r) < 0 || store_check(t, error_r) < 0)
		goto out;
	if (random_hex(hex, 8) < 0)
		fatal("no random bytes");
	if (store_begin(t) < 0 ||
	    store_exec(t, "UPDATE meta SET value = ? WHERE key = 'instance'", "s", hex) < 0 ||
	    store_exec(t, "INSERT OR REPLACE INTO meta(key, value) VALUES('backup_at', ?)", "t", taken) < 0 ||
	    store_exec(t, "INSERT OR REPLACE INTO meta(key, value) VALUES('restored_at', ?)", "t", now) < 0 ||
	    store_exec(t, "INSERT OR REPLACE INTO meta(key, value) VALUES('reread_since', ?)", "t", taken) < 0 ||
	    store_commit(t) < 0) {
		*error_r = xasprintf("%s: %s", tmp, sqlite3_errmsg(t->db));
		goto out;
	}
	ret = 0;
out:
	store_close(&b);
	store_close(&t);
	/* closed: checkpointed, its WAL and index are of no use */
	side = xasprintf("%s-wal", tmp);
	unlink(side);
	free(side);
	side = xasprintf("%s-shm", tmp);
	unlink(side);
	free(side);
	return ret;
}

/* The database being replaced is kept, WAL and all, under path.replaced-
 * DATE: what it held after the backup is the operator's to look at. */
static int set_aside(const char *path, time_t now, char **replaced_r, char **error_r)
{
	static const char *const sides[] = { "", "-wal" };
	struct tm tm;
	char stamp[32], *from, *to, *shm;
	size_t i;

	*replaced_r = NULL;
	if (access(path, F_OK) != 0)
		return 0;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	*replaced_r = xasprintf("%s.replaced-%s", path, stamp);
	for (i = 0; i < ARRAY_SIZE(sides); i++) {
		from = xasprintf("%s%s", path, sides[i]);
		to = xasprintf("%s%s", *replaced_r, sides[i]);
		if (rename(from, to) < 0 && (i == 0 || errno != ENOENT)) {
			*error_r = xasprintf("cannot move %s to %s: %s", from, to, strerror(errno));
			free(from);
			free(to);
			return -1;
		}
		free(from);
		free(to);
	}
	/* the index of a WAL that has gone: rebuilt by the next open */
	shm = xasprintf("%s-shm", path);
	unlink(shm);
	free(shm);
	return 0;
}

int store_restore(const char *path, const char *file, time_t now, time_t *taken_r,
    char **replaced_r, char **error_r)
{
	char *tmp = xasprintf("%s.restore.tmp", path);
	int ret = -1;

	*replaced_r = NULL;
	if (store_backup_check(file, taken_r, error_r) < 0 ||
	    restore_copy(file, tmp, *taken_r, now, error_r) < 0)
		goto out;
	/* order is important: the new copy is whole and on disk before the
	 * old database leaves its place */
	if (set_aside(path, now, replaced_r, error_r) < 0)
		goto out;
	if (file_sync_rename(tmp, path) < 0) {
		*error_r = xasprintf("cannot move %s to %s: %s (the old database is %s)", tmp, path,
		    strerror(errno), *replaced_r != NULL ? *replaced_r : "gone");
		goto out;
	}
	ret = 0;
out:
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* ---- inbound ---- */

struct seen_arg {
	int found;
	int64_t id;
	int needs_flag, flagged;
};

static int seen_row(const struct store_row *row, void *arg)
{
	struct seen_arg *a = arg;

	a->found = 1;
	a->id = store_row_int(row, 0);
	a->needs_flag = (int)store_row_int(row, 1);
	a->flagged = (int)store_row_int(row, 2);
	return 1;
}

int store_inbound_seen(struct store *st, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, const char *message_id, int64_t *id_r, int *needs_flag_r, int *flagged_r)
{
	struct seen_arg a = { 0, 0, 0, 0 };

	if (store_query(st, "SELECT id, needs_flag, flagged FROM inbound"
	    " WHERE mailbox = ? AND uidvalidity = ? AND uid = ?", seen_row, &a,
	    "sii", mailbox, (int64_t)uidvalidity, (int64_t)uid) < 0)
		return -1;
	/* A message seen under another UIDVALIDITY or UID (the mailbox was
	 * rebuilt, or the message copied back) is known by its Message-ID. */
	if (!a.found && store_query(st, "SELECT id, needs_flag, flagged FROM inbound"
	    " WHERE message_id = ? AND mailbox = ? ORDER BY id LIMIT 1", seen_row, &a,
	    "ss", message_id, mailbox) < 0)
		return -1;
	if (!a.found)
		return 0;
	*id_r = a.id;
	*needs_flag_r = a.needs_flag;
	*flagged_r = a.flagged;
	return 1;
}

int store_inbound_add(struct store *st, const struct store_inbound *in, int64_t *id_r)
{
	if (store_exec(st, "INSERT INTO inbound(mailbox, uidvalidity, uid, message_id, sender,"
	    " subject, class, outcome, received_at, needs_flag, flagged, quarantine)"
	    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "siisssssiiis",
	    in->mailbox, (int64_t)in->uidvalidity, (int64_t)in->uid, in->message_id,
	    in->sender, in->subject, in->class_name, in->outcome, (int64_t)in->received_at,
	    (int64_t)in->needs_flag, (int64_t)in->flagged, in->quarantine) < 0)
		return -1;
	*id_r = store_last_id(st);
	return 0;
}

int store_inbound_set_result(struct store *st, int64_t id, const char *class_name,
    const char *outcome, int needs_flag, const char *quarantine)
{
	return store_exec(st, "UPDATE inbound SET class = ?, outcome = ?, needs_flag = ?,"
	    " quarantine = coalesce(?, quarantine) WHERE id = ?", "ssisi",
	    class_name, outcome, (int64_t)needs_flag, quarantine, id);
}

int store_inbound_set_flagged(struct store *st, int64_t id)
{
	return store_exec(st, "UPDATE inbound SET flagged = 1 WHERE id = ?", "i", id);
}

int store_inbound_set_uid(struct store *st, int64_t id, uint32_t uidvalidity, uint32_t uid)
{
	/* Another row may hold the new place already; then nothing moves. */
	return store_exec(st, "UPDATE OR IGNORE inbound SET uidvalidity = ?, uid = ?, flagged = 0"
	    " WHERE id = ?", "iii", (int64_t)uidvalidity, (int64_t)uid, id);
}

int store_inbound_max_uid(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t *uid_r)
{
	int64_t v = 0;

	if (store_query_int(st, &v, "SELECT coalesce(max(uid), 0) FROM inbound"
	    " WHERE mailbox = ? AND uidvalidity = ?", "si", mailbox, (int64_t)uidvalidity) < 0)
		return -1;
	*uid_r = (uint32_t)v;
	return 0;
}

struct unflagged_arg {
	uint32_t *uids;
	int64_t *ids;
	size_t n;
};

static int unflagged_row(const struct store_row *row, void *arg)
{
	struct unflagged_arg *a = arg;

	a->uids = xrealloc(a->uids, (a->n + 1) * sizeof(*a->uids));
	a->ids = xrealloc(a->ids, (a->n + 1) * sizeof(*a->ids));
	a->ids[a->n] = store_row_int(row, 0);
	a->uids[a->n] = (uint32_t)store_row_int(row, 1);
	a->n++;
	return 0;
}

int store_inbound_unflagged(struct store *st, const char *mailbox, uint32_t uidvalidity,
    uint32_t **uids_r, int64_t **ids_r, size_t *n_r)
{
	struct unflagged_arg a = { NULL, NULL, 0 };

	if (store_query(st, "SELECT id, uid FROM inbound WHERE mailbox = ? AND uidvalidity = ?"
	    " AND needs_flag = 1 AND flagged = 0 ORDER BY uid", unflagged_row, &a,
	    "si", mailbox, (int64_t)uidvalidity) < 0) {
		free(a.uids);
		free(a.ids);
		return -1;
	}
	*uids_r = a.uids;
	*ids_r = a.ids;
	*n_r = a.n;
	return 0;
}

int store_inbound_count(struct store *st, const char *class_name, long *n_r)
{
	int64_t v = 0;

	if (store_query_int(st, &v, "SELECT count(*) FROM inbound WHERE ? IS NULL OR class = ?",
	    "ss", class_name, class_name) < 0)
		return -1;
	*n_r = (long)v;
	return 0;
}

/* ---- outbound ---- */

static enum store_out_status status_from_name(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < ARRAY_SIZE(status_names); i++)
		if (strcmp(s, status_names[i]) == 0)
			return (enum store_out_status)i;
	return OUT_QUEUED;
}

void store_outbound_deinit(struct store_outbound *o)
{
	free(o->message_id);
	free(o->kind);
	free(o->envelope_to);
	free(o->data);
	free(o->last_error);
	free(o->subject);
	memset(o, 0, sizeof(*o));
}

void store_outbound_free_rows(struct store_outbound **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++)
		store_outbound_deinit(&(*rows)[i]);
	free(*rows);
	*rows = NULL;
}

int store_outbound_add(struct store *st, const char *kind, const char *envelope_to,
    int64_t person_id, int64_t cause_inbound, const char *ref_kind, int64_t ref_id,
    time_t now, int64_t *id_r)
{
	if (store_exec(st, "INSERT INTO outbound(kind, envelope_to, person_id, status, next_attempt,"
	    " created_at, cause_inbound, ref_kind, ref_id)"
	    " VALUES(?, ?, nullif(?, 0), 'queued', ?, ?, nullif(?, 0), ?, nullif(?, 0))", "ssittisi",
	    kind, envelope_to, person_id, now, now, cause_inbound, ref_kind, ref_id) < 0)
		return -1;
	*id_r = store_last_id(st);
	return 0;
}

int store_outbound_set_message(struct store *st, int64_t id, const char *message_id,
    const char *subject, const char *data, size_t len)
{
	sqlite3_stmt *stmt = prepare(st, "UPDATE outbound SET message_id = ?, subject = ?, data = ? WHERE id = ?");
	int ret = -1;

	if (stmt == NULL)
		return -1;
	if (sqlite3_bind_text(stmt, 1, message_id, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 2, subject, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_blob64(stmt, 3, data, len, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 4, id) != SQLITE_OK) {
		db_error(st, "bind");
		goto out;
	}
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		db_error(st, "outbound message");
		goto out;
	}
	ret = 0;
out:
	sqlite3_reset(stmt);
	return ret;
}

int store_outbound_set_priority(struct store *st, int64_t id, int priority)
{
	return store_exec(st, "UPDATE outbound SET priority = ? WHERE id = ?", "ii", (int64_t)priority,
	    id);
}

struct rows_arg {
	struct store_outbound *rows;
	size_t n;
	int with_data;
};

static char *col_dup(const struct store_row *row, int col)
{
	const char *s = store_row_text(row, col);

	return s != NULL ? xstrdup(s) : NULL;
}

static int outbound_row(const struct store_row *row, void *arg)
{
	struct rows_arg *a = arg;
	struct store_outbound *o;
	const void *blob;

	a->rows = xrealloc(a->rows, (a->n + 1) * sizeof(*a->rows));
	o = &a->rows[a->n++];
	memset(o, 0, sizeof(*o));
	o->id = store_row_int(row, 0);
	o->message_id = col_dup(row, 1);
	o->kind = col_dup(row, 2);
	o->envelope_to = col_dup(row, 3);
	o->status = status_from_name(store_row_text(row, 4));
	o->attempts = (long)store_row_int(row, 5);
	o->next_attempt = (time_t)store_row_int(row, 6);
	o->last_error = col_dup(row, 7);
	o->created_at = (time_t)store_row_int(row, 8);
	o->sent_at = (time_t)store_row_int(row, 9);
	o->subject = col_dup(row, 10);
	o->queued_at = (time_t)store_row_int(row, 11);
	o->priority = (int)store_row_int(row, 12);
	if (a->with_data) {
		blob = sqlite3_column_blob(row->stmt, 13);
		o->len = (size_t)sqlite3_column_bytes(row->stmt, 13);
		o->data = xstrndup(blob != NULL ? blob : "", o->len);
	}
	return 0;
}

#define OUT_COLS "id, message_id, kind, envelope_to, status, attempts, next_attempt," \
	" last_error, created_at, sent_at, subject, coalesce(queued_at, created_at), priority"

int store_outbound_due(struct store *st, time_t now, size_t max,
    struct store_outbound **rows_r, size_t *n_r)
{
	struct rows_arg a = { NULL, 0, 1 };

	if (store_query(st, "SELECT " OUT_COLS ", data FROM outbound WHERE status = 'queued'"
	    " AND next_attempt <= ? AND data IS NOT NULL ORDER BY priority, next_attempt, id LIMIT ?",
	    outbound_row, &a, "ti", now, (int64_t)max) < 0) {
		store_outbound_free_rows(&a.rows, a.n);
		return -1;
	}
	*rows_r = a.rows;
	*n_r = a.n;
	return 0;
}

int store_outbound_queued(struct store *st, size_t max, struct store_outbound **rows_r, size_t *n_r)
{
	struct rows_arg a = { NULL, 0, 1 };

	if (store_query(st, "SELECT " OUT_COLS ", data FROM outbound WHERE status = 'queued'"
	    " AND data IS NOT NULL ORDER BY id LIMIT ?", outbound_row, &a, "i", (int64_t)max) < 0) {
		store_outbound_free_rows(&a.rows, a.n);
		return -1;
	}
	*rows_r = a.rows;
	*n_r = a.n;
	return 0;
}

int store_outbound_list(struct store *st, size_t max, struct store_outbound **rows_r, size_t *n_r)
{
	struct rows_arg a = { NULL, 0, 0 };

	if (store_query(st, "SELECT " OUT_COLS " FROM outbound ORDER BY id DESC LIMIT ?",
	    outbound_row, &a, "i", (int64_t)max) < 0) {
		store_outbound_free_rows(&a.rows, a.n);
		return -1;
	}
	*rows_r = a.rows;
	*n_r = a.n;
	return 0;
}

int store_outbound_get(struct store *st, int64_t id, struct store_outbound *o_r)
{
	struct rows_arg a = { NULL, 0, 1 };

	if (store_query(st, "SELECT " OUT_COLS ", data FROM outbound WHERE id = ?",
	    outbound_row, &a, "i", id) < 0) {
		store_outbound_free_rows(&a.rows, a.n);
		return -1;
	}
	if (a.n == 0)
		return 0;
	*o_r = a.rows[0];
	free(a.rows);
	return 1;
}

int store_outbound_mark_sent(struct store *st, int64_t id, time_t now)
{
	if (store_exec(st, "UPDATE outbound SET status = 'sent', sent_at = ?,"
	    " attempts = attempts + 1, last_error = NULL WHERE id = ?", "ti", now, id) < 0)
		return -1;
	/* a message about an erased person keeps no copy once it is sent */
	if (store_exec(st, "UPDATE outbound SET data = NULL, subject = NULL, envelope_to = 'erased',"
	    " rcpt = NULL WHERE id = ? AND scrub = 1", "i", id) < 0)
		return -1;
	if (store_changes(st) > 0) {
		st->wipe = 1;
		if (!st->in_txn)
			wipe_log(st);
	}
	return 0;
}

int store_outbound_mark_retry(struct store *st, int64_t id, long attempts, time_t next,
    const char *error)
{
	return store_exec(st, "UPDATE outbound SET attempts = ?, next_attempt = ?, last_error = ?"
	    " WHERE id = ? AND status = 'queued'", "itsi", (int64_t)attempts, next, error, id);
}

int store_outbound_mark_failed(struct store *st, int64_t id, long attempts, const char *error)
{
	return store_exec(st, "UPDATE outbound SET status = 'failed', attempts = ?, last_error = ?"
	    " WHERE id = ?", "isi", (int64_t)attempts, error, id);
}

int store_outbound_retry_now(struct store *st, int64_t id, time_t now)
{
	/* a new start: the attempts and the queue lifetime count from now */
	if (store_exec(st, "UPDATE outbound SET status = 'queued', next_attempt = ?, attempts = 0,"
	    " queued_at = ? WHERE id = ? AND status IN ('queued', 'failed')", "tti", now, now, id) < 0)
		return -1;
	return store_changes(st) > 0;
}

int store_outbound_drop(struct store *st, int64_t id)
{
	if (store_exec(st, "UPDATE outbound SET status = 'dropped'"
	    " WHERE id = ? AND status IN ('queued', 'failed')", "i", id) < 0)
		return -1;
	return store_changes(st) > 0;
}

struct by_mid_arg {
	int found;
	int64_t id, ref_id, person;
	char *kind, *ref_kind;
};

static int by_mid_row(const struct store_row *row, void *arg)
{
	struct by_mid_arg *a = arg;

	a->found = 1;
	a->id = store_row_int(row, 0);
	a->kind = col_dup(row, 1);
	a->ref_kind = col_dup(row, 2);
	a->ref_id = store_row_int(row, 3);
	a->person = store_row_int(row, 4);
	return 1;
}

int store_outbound_by_message_id(struct store *st, const char *message_id,
    int64_t *id_r, char **kind_r, char **ref_kind_r, int64_t *ref_id_r, int64_t *person_r)
{
	struct by_mid_arg a;

	memset(&a, 0, sizeof(a));
	if (store_query(st, "SELECT id, kind, ref_kind, ref_id, person_id FROM outbound"
	    " WHERE message_id = ?", by_mid_row, &a, "s", message_id) < 0)
		return -1;
	if (!a.found)
		return 0;
	if (id_r != NULL)
		*id_r = a.id;
	if (ref_id_r != NULL)
		*ref_id_r = a.ref_id;
	if (person_r != NULL)
		*person_r = a.person;
	if (kind_r != NULL)
		*kind_r = a.kind;
	else
		free(a.kind);
	if (ref_kind_r != NULL)
		*ref_kind_r = a.ref_kind;
	else
		free(a.ref_kind);
	return 1;
}

int store_outbound_mark_bounced(struct store *st, int64_t id, const char *error)
{
	return store_exec(st, "UPDATE outbound SET status = 'bounced', last_error = ? WHERE id = ?",
	    "si", error, id);
}

int store_outbound_count(struct store *st, enum store_out_status status, long *n_r)
{
	int64_t v = 0;

	if (store_query_int(st, &v, "SELECT count(*) FROM outbound WHERE status = ?", "s",
	    status_names[status]) < 0)
		return -1;
	*n_r = (long)v;
	return 0;
}

/* ---- jobs, answers, audit ---- */

int store_job_claim(struct store *st, const char *key, time_t now)
{
	if (store_exec(st, "INSERT OR IGNORE INTO jobs(key, done_at) VALUES(?, ?)", "st", key, now) < 0)
		return -1;
	return store_changes(st) > 0;
}

int store_job_done(struct store *st, const char *key)
{
	int64_t v = 0;

	if (store_query_int(st, &v, "SELECT count(*) FROM jobs WHERE key = ?", "s", key) < 0)
		return -1;
	return v > 0;
}

int store_answer_count(struct store *st, const char *address, const char *day, long *count_r)
{
	int64_t v = 0;

	if (store_exec(st, "INSERT INTO answers(address, day, count) VALUES(?, ?, 1)"
	    " ON CONFLICT(address, day) DO UPDATE SET count = count + 1", "ss", address, day) < 0)
		return -1;
	if (store_query_int(st, &v, "SELECT count FROM answers WHERE address = ? AND day = ?",
	    "ss", address, day) < 0)
		return -1;
	*count_r = (long)v;
	return 0;
}

int store_audit(struct store *st, time_t now, const char *actor, const char *action,
    const char *detail)
{
	return store_exec(st, "INSERT INTO audit(at, actor, action, detail) VALUES(?, ?, ?, ?)",
	    "tsss", now, actor, action, detail);
}
