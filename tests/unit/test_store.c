#include "testutil.h"

#include <sqlite3.h>

#include "mac.h"
#include "store.h"

struct fx {
	char *dir;
	char *path;
	struct store *st;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *err = NULL;

	f->dir = tu_tmpdir();
	f->path = xasprintf("%s/m.db", f->dir);
	assert_int_equal(store_open(f->path, &f->st, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(&f->st);
	assert_null(f->st);
	free(f->path);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

static void test_schema_and_wal(void **state)
{
	struct fx *f = *state;
	struct store *again = NULL;
	char *mode = NULL, *err = NULL, *inst;

	assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_query_text(f->st, &mode, "PRAGMA journal_mode", NULL), 0);
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(strlen(store_instance(f->st)), 16);
	inst = xstrdup(store_instance(f->st));
	/* reopening migrates nothing and keeps the instance */
	assert_int_equal(store_open(f->path, &again, &err), 0);
	assert_string_equal(store_instance(again), inst);
	assert_int_equal(store_schema_version(again), STORE_SCHEMA_VERSION);
	store_close(&again);
	free(inst);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	struct store *again = NULL;
	char *err = NULL;

	assert_int_equal(store_exec(f->st, "PRAGMA user_version = 999", NULL), 0);
	assert_int_equal(store_open(f->path, &again, &err), -1);
	assert_non_null(strstr(err, "newer than this mentord knows"));
	free(err);
}

/* A database of schema 4 takes the hours of its answers to unproven
 * addresses, sent or queued, into unproven_hours. */
static void test_unproven_hours_migrated(void **state)
{
	struct fx *f = *state;
	struct store *again = NULL;
	char *err = NULL;
	int64_t id = 0, n = 0;
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(store_outbound_add(f->st, "help", "x@example.net", 0, 0, NULL, 0,
		    7200 + i, &id), 0);
		assert_int_equal(store_exec(f->st, "UPDATE outbound SET unproven = 1, next_attempt = ?"
		    " WHERE id = ?", "ti", (time_t)(i < 2 ? 7200 + i : 10800), id), 0);
	}
	assert_int_equal(store_exec(f->st, "UPDATE outbound SET status = 'sent' WHERE id = 1", NULL), 0);
	assert_int_equal(store_exec(f->st, "DROP TABLE unproven_hours", NULL), 0);
	assert_int_equal(store_exec(f->st, "DROP TABLE unproven_answers", NULL), 0);
	/* and what later migrations add */
	assert_int_equal(store_exec(f->st, "ALTER TABLE confirmations DROP COLUMN reminded_at", NULL), 0);
	assert_int_equal(store_exec(f->st, "ALTER TABLE inbound DROP COLUMN quarantine_dropped_at", NULL), 0);
	assert_int_equal(store_exec(f->st, "DROP TABLE profiles", NULL), 0);
	assert_int_equal(store_exec(f->st, "DROP TABLE choices", NULL), 0);
	assert_int_equal(store_exec(f->st, "ALTER TABLE pairs DROP COLUMN choice_rank", NULL), 0);
	assert_int_equal(store_exec(f->st, "ALTER TABLE pairs DROP COLUMN rematched_at", NULL), 0);
	assert_int_equal(store_exec(f->st, "DROP TABLE fits", NULL), 0);
	assert_int_equal(store_exec(f->st, "DROP TABLE consents", NULL), 0);
	assert_int_equal(store_exec(f->st, "ALTER TABLE pairs DROP COLUMN declined_at", NULL), 0);
	assert_int_equal(store_exec(f->st, "DROP INDEX cases_ref", NULL), 0);
	assert_int_equal(store_exec(f->st, "ALTER TABLE cases DROP COLUMN ref", NULL), 0);
	assert_int_equal(store_exec(f->st, "PRAGMA user_version = 4", NULL), 0);
	store_close(&f->st);
	assert_int_equal(store_open(f->path, &again, &err), 0);
	assert_int_equal(store_schema_version(again), STORE_SCHEMA_VERSION);
	assert_int_equal(store_query_int(again, &n, "SELECT count(reminded_at) FROM confirmations",
	    NULL), 0);
	assert_int_equal(store_query_int(again, &n, "SELECT count FROM unproven_hours WHERE hour = 2",
	    NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_query_int(again, &n, "SELECT count FROM unproven_hours WHERE hour = 3",
	    NULL), 0);
	assert_int_equal(n, 1);
	f->st = again;
}

/* A new database is made from schema.sql; an old one is brought up by
 * the migrations: both give the same tables, columns, collations,
 * constraints and indexes. A schema change made in one place only fails
 * here. */
static void test_schema_file_matches_migrations(void **state)
{
	struct fx *f = *state;
	struct store *old = NULL;
	char *err = NULL, *path = xasprintf("%s/migrated.db", f->dir);
	char *fresh = NULL, *migrated = NULL;
	int64_t v = 0;

	assert_int_equal(store_open_by_migrations(path, &old, &err), 0);
	assert_int_equal(store_query_int(old, &v, "PRAGMA user_version", NULL), 0);
	assert_int_equal(v, STORE_SCHEMA_VERSION);
	assert_int_equal(store_schema_describe(old, &migrated), 0);
	assert_int_equal(store_schema_describe(f->st, &fresh), 0);
	assert_non_null(strstr(fresh, "column people.address TEXT collate NOCASE not null"));
	assert_non_null(strstr(fresh, "index on outbound: CREATE INDEX outbound_unproven"));
	assert_string_equal(fresh, migrated);
	/* the description sees a difference: a column's collation */
	assert_int_equal(store_exec(old, "CREATE TABLE probe(a TEXT COLLATE NOCASE)", NULL), 0);
	assert_int_equal(store_exec(f->st, "CREATE TABLE probe(a TEXT)", NULL), 0);
	free(fresh);
	free(migrated);
	assert_int_equal(store_schema_describe(old, &migrated), 0);
	assert_int_equal(store_schema_describe(f->st, &fresh), 0);
	assert_string_not_equal(fresh, migrated);
	free(fresh);
	free(migrated);
	store_close(&old);
	unlink(path);
	free(path);
}

/* The file's bytes, to show that a refused file was left as it was. */
static uint64_t file_hash(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	uint64_t h;

	assert_int_equal(file_read(path, 64u * 1024 * 1024, &data, &len), 0);
	h = hash64(data, len);
	free(data);
	return h;
}

/* Opens path and checks it: the error, or NULL if it was accepted. */
static char *refusal(const char *path)
{
	struct store *st = NULL;
	char *err = NULL;

	if (store_open(path, &st, &err) == 0 && store_check(st, &err) == 0) {
		store_close(&st);
		return NULL;
	}
	store_close(&st);
	assert_non_null(err);
	return err;
}

static void overwrite(const char *path, long offset, const char *bytes, size_t n)
{
	FILE *fp = fopen(path, "r+b");

	assert_non_null(fp);
	assert_int_equal(fseek(fp, offset, SEEK_SET), 0);
	assert_int_equal(fwrite(bytes, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void assert_refused(const char *path, const char *what)
{
	uint64_t before = file_hash(path);
	char *err = refusal(path);

	assert_non_null(err);
	if (strstr(err, what) == NULL || strstr(err, path) == NULL)
		fail_msg("expected \"%s\" and the file name in: %s", what, err);
	assert_true(file_hash(path) == before);
	free(err);
}

static void test_broken_databases_refused(void **state)
{
	struct fx *f = *state;
	char junk[4096], *text = xasprintf("%s/notes.db", f->dir);
	int i;

	/* a sound one first, closed so that everything is in the file */
	for (i = 0; i < 300; i++)
		assert_int_equal(store_exec(f->st, "INSERT INTO audit(at, action, detail) VALUES(?, 'x', ?)",
		    "is", (int64_t)i, "some words to fill a few pages of the database file"), 0);
	store_close(&f->st);
	assert_null(refusal(f->path));

	/* not an SQLite file */
	tu_write(text, "these are my notes, not a database\n", 0600);
	assert_refused(text, "not a mentord database (not an SQLite file");

	/* damaged: a b-tree page overwritten */
	memset(junk, 0xa5, sizeof(junk));
	overwrite(f->path, 3 * 4096, junk, sizeof(junk));
	assert_refused(f->path, "is damaged");
	assert_refused(f->path, "mentord restore FILE");

	/* truncated: cut at a page boundary, and in the middle of one */
	assert_int_equal(truncate(f->path, 8 * 4096), 0);
	assert_refused(f->path, "is truncated");
	assert_int_equal(truncate(f->path, 8 * 4096 - 100), 0);
	assert_refused(f->path, "is truncated");
	assert_int_equal(truncate(f->path, 50), 0);
	assert_refused(f->path, "is truncated");
	free(text);
}

static void test_other_programs_database_refused(void **state)
{
	struct fx *f = *state;

	/* marked as someone else's */
	assert_int_equal(store_exec(f->st, "PRAGMA application_id = 42", NULL), 0);
	store_close(&f->st);
	assert_refused(f->path, "another program's SQLite database, not a mentord database");
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(store_open(f->path, &f->st, &(char *){ NULL }), 0);
	/* unmarked, with tables of its own and no schema version */
	assert_int_equal(store_exec(f->st, "PRAGMA application_id = 0", NULL), 0);
	assert_int_equal(store_exec(f->st, "PRAGMA user_version = 0", NULL), 0);
	store_close(&f->st);
	assert_refused(f->path, "not a mentord database");
}

static void test_application_id_and_sync(void **state)
{
	struct fx *f = *state;
	int64_t app = 0;
	long n = -1, usec = -1;

	assert_int_equal(store_query_int(f->st, &app, "PRAGMA application_id", NULL), 0);
	assert_int_equal(app, 0x6d6e7464);
	assert_int_equal(store_job_claim(f->st, "k", 1), 1);
	assert_int_equal(store_sync(f->st), 0);
	assert_int_equal(store_sync(f->st), 0);
	store_sync_stats(f->st, &n, &usec);
	assert_int_equal(n, 2);
	assert_true(usec >= 0);
	store_sync_stats(f->st, &n, &usec);
	assert_int_equal(n, 0);
}

static void test_inbound_seen_by_uid_and_message_id(void **state)
{
	struct fx *f = *state;
	struct store_inbound in;
	int64_t id = 0, id2 = 0;
	int needs = -1, flagged = -1;
	uint32_t max = 99, *uids = NULL;
	int64_t *ids = NULL;
	size_t n = 0;

	memset(&in, 0, sizeof(in));
	in.mailbox = "INBOX";
	in.uidvalidity = 7;
	in.uid = 42;
	in.message_id = "abc@example.com";
	in.class_name = "command";
	in.received_at = 1000;
	in.needs_flag = 1;
	assert_int_equal(store_inbound_max_uid(f->st, "INBOX", 7, &max), 0);
	assert_int_equal(max, 0);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_inbound_add(f->st, &in, &id), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(store_inbound_seen(f->st, "INBOX", 7, 42, "other@x", &id2, &needs, &flagged), 1);
	assert_int_equal(id2, id);
	assert_int_equal(needs, 1);
	assert_int_equal(flagged, 0);
	/* a new UIDVALIDITY: found by Message-ID */
	assert_int_equal(store_inbound_seen(f->st, "INBOX", 8, 1, "abc@example.com", &id2, &needs, &flagged), 1);
	assert_int_equal(store_inbound_seen(f->st, "INBOX", 8, 1, "new@example.com", &id2, &needs, &flagged), 0);
	assert_int_equal(store_inbound_max_uid(f->st, "INBOX", 7, &max), 0);
	assert_int_equal(max, 42);
	assert_int_equal(store_inbound_unflagged(f->st, "INBOX", 7, &uids, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(uids[0], 42);
	free(uids);
	free(ids);
	assert_int_equal(store_inbound_set_flagged(f->st, id), 0);
	assert_int_equal(store_inbound_unflagged(f->st, "INBOX", 7, &uids, &ids, &n), 0);
	assert_int_equal(n, 0);
	free(uids);
	free(ids);
	/* the same UID twice violates the key */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_inbound_add(f->st, &in, &id2), -1);
	store_rollback(f->st);
}

static void test_rollback_discards_everything(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, n = -1;

	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_outbound_add(f->st, "help", "a@example.com", 0, 0, NULL, 0, 100, &id), 0);
	store_rollback(f->st);
	assert_int_equal(store_query_int(f->st, &n, "SELECT count(*) FROM outbound", NULL), 0);
	assert_int_equal(n, 0);
}

static void test_outbound_lifecycle(void **state)
{
	struct fx *f = *state;
	struct store_outbound *rows = NULL, one;
	int64_t id = 0, found = 0, ref = 0, person = 0;
	char *kind = NULL, *ref_kind = NULL;
	size_t n = 0;
	long count = -1;

	assert_int_equal(store_outbound_add(f->st, "help", "a@example.com", 0, 0, "confirm", 5, 100, &id), 0);
	/* without a rendered message a row is never due */
	assert_int_equal(store_outbound_due(f->st, 100, 10, &rows, &n), 0);
	assert_int_equal(n, 0);
	free(rows);
	assert_int_equal(store_outbound_set_message(f->st, id, "m1@x", "Subj", "data\0more", 9), 0);
	assert_int_equal(store_outbound_due(f->st, 99, 10, &rows, &n), 0);
	assert_int_equal(n, 0);
	free(rows);
	assert_int_equal(store_outbound_due(f->st, 100, 10, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].len, 9);
	assert_memory_equal(rows[0].data, "data\0more", 9);
	assert_string_equal(rows[0].kind, "help");
	store_outbound_free_rows(&rows, n);
	assert_null(rows);
	assert_int_equal(store_outbound_by_message_id(f->st, "m1@x", &found, &kind, &ref_kind, &ref, &person), 1);
	assert_int_equal(found, id);
	assert_string_equal(kind, "help");
	assert_string_equal(ref_kind, "confirm");
	assert_int_equal(ref, 5);
	free(kind);
	free(ref_kind);
	assert_int_equal(store_outbound_by_message_id(f->st, "nope@x", NULL, NULL, NULL, NULL, NULL), 0);
	/* retry later, then fail for good */
	assert_int_equal(store_outbound_mark_retry(f->st, id, 1, 500, "451 try later"), 0);
	assert_int_equal(store_outbound_due(f->st, 499, 10, &rows, &n), 0);
	assert_int_equal(n, 0);
	free(rows);
	assert_int_equal(store_outbound_mark_failed(f->st, id, 2, "550 no such user"), 0);
	assert_int_equal(store_outbound_count(f->st, OUT_FAILED, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(store_outbound_get(f->st, id, &one), 1);
	assert_string_equal(one.last_error, "550 no such user");
	assert_int_equal(one.attempts, 2);
	store_outbound_deinit(&one);
	/* an operator retries it */
	assert_int_equal(store_outbound_retry_now(f->st, id, 600), 1);
	assert_int_equal(store_outbound_mark_sent(f->st, id, 601), 0);
	assert_int_equal(store_outbound_count(f->st, OUT_SENT, &count), 0);
	assert_int_equal(count, 1);
	/* a sent message cannot be dropped or retried */
	assert_int_equal(store_outbound_drop(f->st, id), 0);
	assert_int_equal(store_outbound_retry_now(f->st, id, 700), 0);
}

static void test_jobs_once_and_answers(void **state)
{
	struct fx *f = *state;
	long count = 0;

	assert_int_equal(store_job_claim(f->st, "checkin:1:1", 10), 1);
	assert_int_equal(store_job_claim(f->st, "checkin:1:1", 20), 0);
	assert_int_equal(store_job_done(f->st, "checkin:1:1"), 1);
	assert_int_equal(store_job_done(f->st, "checkin:1:2"), 0);
	assert_int_equal(store_answer_count(f->st, "A@x.org", "2026-01-01", &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(store_answer_count(f->st, "a@X.org", "2026-01-01", &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(store_answer_count(f->st, "a@x.org", "2026-01-02", &count), 0);
	assert_int_equal(count, 1);
}

static void test_hostile_text_is_data(void **state)
{
	struct fx *f = *state;
	char *back = NULL;
	const char *evil = "x'); DROP TABLE people; --";

	assert_int_equal(store_exec(f->st, "INSERT INTO people(address, name, created_at) VALUES(?, ?, ?)",
	    "sst", "p@x.org", evil, (time_t)1), 0);
	assert_int_equal(store_query_text(f->st, &back, "SELECT name FROM people WHERE address = ?", "s",
	    "P@X.ORG"), 0);
	assert_string_equal(back, evil);
	free(back);
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	char *copy = xasprintf("%s/copy.db", f->dir), *err = NULL;
	struct store *b = NULL;
	int64_t n = 0;

	assert_int_equal(store_job_claim(f->st, "k", 1), 1);
	assert_int_equal(store_backup(f->st, copy, 1234, &err), 0);
	assert_int_equal(store_open(copy, &b, &err), 0);
	assert_int_equal(store_query_int(b, &n, "SELECT count(*) FROM jobs", NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_query_int(b, &n, "SELECT value FROM meta WHERE key = 'backup_at'", NULL), 0);
	assert_int_equal(n, 1234);
	store_close(&b);
	free(copy);
}

/* A backup that holds what mentord does not create, added with SQLite
 * itself (a hostile file, or one someone "improved"). */
static char *hostile_backup(struct fx *f, const char *name, const char *sql)
{
	char *copy = xasprintf("%s/%s", f->dir, name), *err = NULL;
	sqlite3 *db = NULL;

	assert_int_equal(store_backup(f->st, copy, 1234, &err), 0);
	assert_int_equal(sqlite3_open(copy, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s", err);
	sqlite3_close(db);
	return copy;
}

/* A backup with a trigger that adds the attacker to every envelope, and
 * one that copies erased people into a hidden table, was restored and
 * obeyed. Now a backup whose schema is not the one mentord creates is
 * refused, and the database is left as it was. */
static void test_restore_refuses_a_hostile_schema(void **state)
{
	static const char *const attacks[] = {
		"CREATE TRIGGER t AFTER UPDATE ON outbound BEGIN UPDATE outbound SET"
		" envelope_to = envelope_to || ',attacker@evil.example' WHERE id = new.id; END;",
		"CREATE TABLE ghost(address TEXT); CREATE TRIGGER keep BEFORE UPDATE OF erased_at ON people"
		" BEGIN INSERT INTO ghost VALUES(old.address); END;",
		"CREATE VIEW v AS SELECT * FROM people;",
		"CREATE INDEX extra ON people(name);",
	};
	struct fx *f = *state;
	char *copy, *err = NULL, *replaced = NULL;
	time_t taken = 0;
	size_t i;

	assert_int_equal(store_job_claim(f->st, "mine", 1), 1);
	for (i = 0; i < ARRAY_SIZE(attacks); i++) {
		char name[32];

		snprintf(name, sizeof(name), "hostile%zu.db", i);
		copy = hostile_backup(f, name, attacks[i]);
		assert_int_equal(store_restore(f->path, copy, 99, &taken, &replaced, &err), -1);
		if (strstr(err, "its schema is not the one mentord creates") == NULL)
			fail_msg("%s", err);
		assert_null(replaced);
		free(err);
		err = NULL;
		free(copy);
	}
	store_close(&f->st);
	/* a backup as mentord makes it is restored, rows and all, into a
	 * database made afresh */
	assert_int_equal(store_open(f->path, &f->st, &err), 0);
	copy = xasprintf("%s/good.db", f->dir);
	assert_int_equal(store_backup(f->st, copy, 1234, &err), 0);
	store_close(&f->st);
	assert_int_equal(store_restore(f->path, copy, 99, &taken, &replaced, &err), 0);
	assert_int_equal(store_open(f->path, &f->st, &err), 0);
	{
		int64_t n = 0;

		assert_int_equal(store_query_int(f->st, &n, "SELECT count(*) FROM jobs WHERE key = 'mine'",
		    NULL), 0);
		assert_int_equal(n, 1);
		assert_int_equal(store_query_int(f->st, &n, "SELECT value FROM meta WHERE key = 'backup_at'",
		    NULL), 0);
		assert_int_equal(n, 1234);
	}
	free(replaced);
	free(copy);
}

/* Every connection: no trusted schema, and defensive mode (no writing the
 * schema behind SQLite's back). */
static void test_every_open_is_defensive(void **state)
{
	struct fx *f = *state;
	int64_t trusted = -1;

	assert_int_equal(store_query_int(f->st, &trusted, "PRAGMA trusted_schema", NULL), 0);
	assert_int_equal(trusted, 0);
	assert_int_equal(store_exec(f->st, "PRAGMA writable_schema = ON", NULL), 0);
	assert_int_equal(store_exec(f->st, "UPDATE sqlite_schema SET sql = sql WHERE name = 'jobs'", NULL), -1);
}

static int mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return (int)(sb.st_mode & 0777);
}

/* From a shell the umask is 022, which gave 0644: the database holds
 * personal data, and its key proves our Message-IDs. */
static void test_files_private_whatever_the_umask(void **state)
{
	struct fx *f = *state;
	char *path = xasprintf("%s/u.db", f->dir), *wal = xasprintf("%s-wal", path);
	char *shm = xasprintf("%s-shm", path), *key = xasprintf("%s.key", path);
	char *copy = xasprintf("%s/u-backup.db", f->dir), *err = NULL;
	unsigned char first[MAC_KEY_BYTES];
	struct store *st = NULL;
	mode_t old = umask(022);

	assert_int_equal(store_open(path, &st, &err), 0);
	assert_int_equal(store_job_claim(st, "k", 1), 1);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(wal), 0600);
	assert_int_equal(mode_of(shm), 0600);
	assert_int_equal(mode_of(key), 0600);
	memcpy(first, store_key(st), sizeof(first));
	assert_int_equal(store_backup(st, copy, 1234, &err), 0);
	assert_int_equal(mode_of(copy), 0600);
	store_close(&st);
	/* files an older mentord left readable are made private */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chmod(key, 0644), 0);
	assert_int_equal(store_open(path, &st, &err), 0);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(key), 0600);
	/* the key stays the instance's */
	assert_memory_equal(store_key(st), first, sizeof(first));
	store_close(&st);
	/* a key file that is not ours is refused, never replaced */
	tu_write(key, "not a key\n", 0600);
	assert_int_equal(store_open(path, &st, &err), -1);
	assert_non_null(strstr(err, "not a key"));
	free(err);
	umask(old);
	free(path);
	free(wal);
	free(shm);
	free(key);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_and_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unproven_hours_migrated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_file_matches_migrations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_refuses_a_hostile_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_open_is_defensive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_databases_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_programs_database_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_application_id_and_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_seen_by_uid_and_message_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_discards_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobs_once_and_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_text_is_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files_private_whatever_the_umask, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
