#include "store.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define STMT_CACHE 96

struct cached_stmt {
	char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *instance;
	struct cached_stmt cache[STMT_CACHE];
	size_t cache_next;
	int in_txn;
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
	/* 1 -> 2: feedback that can be counted, one row a person asked (the
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
};

static const char *const status_names[] = { "queued", "sent", "failed", "bounced", "dropped" };

static void db_error(struct store *st, const char *what)
{
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

static int migrate(struct store *st, char **error_r)
{
	int64_t version = 0;
	size_t v;
	char *msg = NULL;

	if (store_query_int(st, &version, "PRAGMA user_version", NULL) < 0)
		goto fail;
	if (version > (int64_t)ARRAY_SIZE(migrations)) {
		*error_r = xasprintf("the database has schema version %lld, newer than this "
		    "mentord knows (%zu); upgrade mentord", (long long)version, ARRAY_SIZE(migrations));
		return -1;
	}
	for (v = (size_t)version; v < ARRAY_SIZE(migrations); v++) {
		char *sql = xasprintf("BEGIN IMMEDIATE; %s PRAGMA user_version = %zu; COMMIT;",
		    migrations[v], v + 1);
		int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

		free(sql);
		if (rc != SQLITE_OK) {
			*error_r = xasprintf("schema migration %zu: %s", v + 1, msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
fail:
	*error_r = xasprintf("%s", sqlite3_errmsg(st->db));
	return -1;
}

static int load_instance(struct store *st)
{
	char hex[17];

	if (store_query_text(st, &st->instance, "SELECT value FROM meta WHERE key = 'instance'", NULL) < 0)
		return -1;
	if (st->instance != NULL)
		return 0;
	if (random_hex(hex, 8) < 0)
		fatal("no random bytes");
	if (store_exec(st, "INSERT OR IGNORE INTO meta(key, value) VALUES('instance', ?)", "s", hex) < 0)
		return -1;
	return store_query_text(st, &st->instance, "SELECT value FROM meta WHERE key = 'instance'", NULL);
}

int store_open(const char *path, struct store **st_r, char **error_r)
{
	struct store *st = xcalloc(1, sizeof(*st));
	char *msg = NULL;

	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*error_r = xasprintf("%s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	/* WAL: readers (status, export) never block the daemon; NORMAL
	 * synchronous is durable across process crashes, which is what the
	 * reliability protocol needs. A page cache of 1 MiB (SQLite's default
	 * is 2): the kernel's file cache holds the rest, and an idle daemon
	 * stays small (doc/DESIGN.md section 9). */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA cache_size = -1024;",
	    NULL, NULL, &msg) != SQLITE_OK) {
		*error_r = xasprintf("%s: %s", path, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		goto fail;
	}
	if (migrate(st, error_r) < 0)
		goto fail;
	if (load_instance(st) < 0) {
		*error_r = xasprintf("%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	*st_r = st;
	return 0;
fail:
	store_close(&st);
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
	free(st);
	*stp = NULL;
}

int store_begin(struct store *st)
{
	if (st->in_txn)
		fatal("store: nested transaction");
	if (store_exec(st, "BEGIN IMMEDIATE", NULL) < 0)
		return -1;
	st->in_txn = 1;
	return 0;
}

int store_commit(struct store *st)
{
	if (store_exec(st, "COMMIT", NULL) < 0) {
		store_rollback(st);
		return -1;
	}
	st->in_txn = 0;
	return 0;
}

void store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_txn = 0;
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

const char *store_instance(struct store *st)
{
	return st->instance;
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

int store_backup(struct store *st, const char *file, char **error_r)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(file, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*error_r = xasprintf("%s: %s", file, dst ? sqlite3_errmsg(dst) : "cannot open");
		sqlite3_close(dst);
		return -1;
	}
	b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (b == NULL) {
		*error_r = xasprintf("%s: %s", file, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*error_r = xasprintf("%s: %s", file, sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		*error_r = xasprintf("%s: close failed", file);
		return -1;
	}
	return 0;
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
	if (a->with_data) {
		blob = sqlite3_column_blob(row->stmt, 11);
		o->len = (size_t)sqlite3_column_bytes(row->stmt, 11);
		o->data = xstrndup(blob != NULL ? blob : "", o->len);
	}
	return 0;
}

#define OUT_COLS "id, message_id, kind, envelope_to, status, attempts, next_attempt," \
	" last_error, created_at, sent_at, subject"

int store_outbound_due(struct store *st, time_t now, size_t max,
    struct store_outbound **rows_r, size_t *n_r)
{
	struct rows_arg a = { NULL, 0, 1 };

	if (store_query(st, "SELECT " OUT_COLS ", data FROM outbound WHERE status = 'queued'"
	    " AND next_attempt <= ? AND data IS NOT NULL ORDER BY next_attempt, id LIMIT ?",
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
	return store_exec(st, "UPDATE outbound SET status = 'sent', sent_at = ?,"
	    " attempts = attempts + 1, last_error = NULL WHERE id = ?", "ti", now, id);
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
	if (store_exec(st, "UPDATE outbound SET status = 'queued', next_attempt = ?, attempts = 0"
	    " WHERE id = ? AND status IN ('queued', 'failed')", "ti", now, id) < 0)
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
