/* store: all state, in one SQLite database (the only user of sqlite3).
 *
 * The database runs in WAL mode with a busy timeout; the schema is created
 * and migrated by PRAGMA user_version. Every function returns 0 on success
 * and -1 on a database error (logged here, since a broken database is an
 * operator's matter), or as documented. Strings returned in structs are
 * owned by the struct and freed by its _deinit/_free function.
 *
 * Transactions: store_begin() .. store_commit() or store_rollback(). The
 * reliability protocol (doc/DESIGN.md section 6) depends on the inbound row, the
 * state change and the outbound rows of one message committing together.
 *
 * Durability: a commit is safe from a crash of the process at once (WAL,
 * synchronous NORMAL), and from a crash of the machine (a power cut, a
 * kernel panic) only after store_sync(). So store_sync() comes before
 * anything outside is told of a commit: before the IMAP server hears a
 * message is done (flag, move, expunge), before the SMTP server is offered
 * a queued message, before a shell command says it was done. */
#ifndef MENTORD_STORE_H
#define MENTORD_STORE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

#define STORE_SCHEMA_VERSION 10

/* Opens (or creates) the database, and its key. A file that is not a
 * mentord database (not SQLite, another program's), that is cut short or
 * has a newer schema is refused, with a message that names it and says
 * what to do; it is never changed. The database, its -wal and -shm files,
 * its key and every backup are readable by their owner only, whatever the
 * umask. */
int store_open(const char *path, struct store **st_r, char **error_r);
/* As store_open, but a new database is built by every migration from the
 * first rather than from schema.sql: for the test that the two agree. */
int store_open_by_migrations(const char *path, struct store **st_r, char **error_r);
/* The schema as SQLite holds it, one line per table column (with its type,
 * collation, NOT NULL, default and key), foreign key, index and index
 * column, sorted: two databases with the same text have the same schema.
 * Allocated in *text_r. */
int store_schema_describe(struct store *st, char **text_r);
/* The database's pages and b-trees are whole (PRAGMA quick_check): -1 with
 * a message naming the file and what to do if not. At the start of a
 * command; it reads the whole file. */
int store_check(struct store *st, char **error_r);
void store_close(struct store **st);
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* Personal data was erased in this transaction: once it commits, the
 * write-ahead log, which still holds the old pages, is checkpointed and
 * emptied (secure_delete zeroes what is freed in the database itself). */
void store_wipe_on_commit(struct store *st);
/* 1 inside a transaction. */
int store_in_transaction(struct store *st);
/* A savepoint inside the transaction: what one message did can be undone
 * without undoing the messages before it in the same transaction. */
int store_savepoint(struct store *st);
int store_release(struct store *st);
void store_rollback_to_savepoint(struct store *st);
/* A random identifier made when the database was created; it keeps the
 * Message-IDs of two installations apart. */
const char *store_instance(struct store *st);
/* The instance's secret key (mac.h, MAC_KEY_BYTES), kept beside the
 * database in DATABASE.key, mode 0600, made on first use. */
const unsigned char *store_key(struct store *st);
/* Online backup to a file (sqlite3 backup API): a consistent copy however
 * busy the database, written whole or not at all, on disk when it returns,
 * with now recorded in it as the time it was taken. */
int store_backup(struct store *st, const char *file, time_t now, char **error_r);
int store_schema_version(struct store *st);
/* Puts every commit made so far, by any connection, on the disk (fdatasync
 * of the WAL). -1 (logged, errno set: ENOSPC and EIO among others) if the
 * disk would not take it: then nothing that depends on it may be said. */
int store_sync(struct store *st);
/* 1 if the last failure of this connection (a statement, a commit, a sync)
 * was for lack of space: the file system full, or a quota. Such failures
 * are logged at debug level only: the caller says it once, naming the
 * file system (store_room()). */
int store_full(struct store *st);
/* The room on the file system that holds path (the database, the spool):
 * 1 full (less than DISK_ROOM_MIN_BYTES available), 0 room enough, -1
 * cannot tell; *report_r (allocated, always) names the file system and its
 * free space, for the log and for `status --health`. */
int store_room(const char *path, char **report_r);
/* How many store_sync() calls this connection made since the last call,
 * and their time in microseconds, for the figures of a cycle. */
void store_sync_stats(struct store *st, long *count_r, long *usec_r);
/* While another connection holds the database, a call waits (minutes,
 * saying so after a second) rather than failing with "database is
 * locked"; a non-zero *flag ends such a wait, and the call fails. */
void store_set_interrupt(struct store *st, volatile sig_atomic_t *flag);
/* The lock beside the database (PATH.lock): `run` and `once` hold it
 * shared while they work, `restore` exclusive. 0 taken (*fd_r, closed to
 * let go), 1 held by another process the other way, -1 error (errno). */
int store_lock(const char *path, int exclusive, int *fd_r);
/* Opens a database to read only, as it is: no check, no migration, no
 * change (the database a restore replaces, which may be damaged). */
int store_open_readonly(const char *path, struct store **st_r, char **error_r);
/* A backup that store_restore() would take, checked without writing to it;
 * *taken_r: when it was taken (or, for a copy made otherwise, its latest
 * event). */
int store_backup_check(const char *file, time_t *taken_r, char **error_r);
/* Puts a backup in the database's place (no mentord may be running: the
 * caller holds the lock). The backup is checked first and never written
 * to: a whole mentord database of a known schema. Its copy gets a new
 * instance (no Message-ID made after the restore can be one made before)
 * and meta reread_since = the time the backup was taken (*taken_r), which
 * the next cycle reads mail flagged since from. The database it replaces
 * is kept, with its WAL, as *replaced_r (allocated; NULL if there was
 * none). */
int store_restore(const char *path, const char *file, time_t now, time_t *taken_r,
    char **replaced_r, char **error_r);
/* Gives the page cache back before a long wait. */
void store_release_memory(struct store *st);

/* ---- inbound messages ---- */

struct store_inbound {
	int64_t id;
	const char *mailbox;
	uint32_t uidvalidity;
	uint32_t uid;
	const char *message_id; /* without angle brackets; never NULL */
	const char *sender;
	const char *subject;
	const char *class_name;
	const char *outcome;
	time_t received_at;
	int needs_flag;   /* 1: flag (and move) on the server once committed */
	int flagged;      /* 1: done on the server */
	const char *quarantine; /* path of the raw copy, or NULL */
};

/* 1 if the message was recorded before (by mailbox/UIDVALIDITY/UID, or by
 * Message-ID when the UIDVALIDITY changed), 0 if new. *id_r and *needs_flag_r
 * describe the existing row. */
int store_inbound_seen(struct store *st, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, const char *message_id, int64_t *id_r, int *needs_flag_r, int *flagged_r);
int store_inbound_add(struct store *st, const struct store_inbound *in, int64_t *id_r);
int store_inbound_set_result(struct store *st, int64_t id, const char *class_name,
    const char *outcome, int needs_flag, const char *quarantine);
int store_inbound_set_flagged(struct store *st, int64_t id);
/* Moves the row to a new UID (the same message seen under another
 * UIDVALIDITY, or after a move). */
int store_inbound_set_uid(struct store *st, int64_t id, uint32_t uidvalidity, uint32_t uid);
/* The highest UID recorded for the mailbox under this UIDVALIDITY; 0 if none. */
int store_inbound_max_uid(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t *uid_r);
/* UIDs committed but not yet flagged on the server (after a crash). */
int store_inbound_unflagged(struct store *st, const char *mailbox, uint32_t uidvalidity,
    uint32_t **uids_r, int64_t **ids_r, size_t *n_r);
int store_inbound_count(struct store *st, const char *class_name, long *n_r);

/* ---- outbound queue ---- */

enum store_out_status { OUT_QUEUED, OUT_SENT, OUT_FAILED, OUT_BOUNCED, OUT_DROPPED };

/* Answers to a message go before the rest (doc/DESIGN.md 6). */
#define STORE_PRIO_ANSWER 0
#define STORE_PRIO_OTHER 1

struct store_outbound {
	int64_t id;
	char *message_id;
	char *kind;
	char *envelope_to;    /* comma-separated envelope recipients */
	char *data;           /* the rendered RFC 5322 message */
	size_t len;
	enum store_out_status status;
	long attempts;
	time_t next_attempt;
	time_t created_at;
	time_t sent_at;
	char *last_error;
	char *subject;        /* for listings */
	time_t queued_at;     /* the queue lifetime counts from here */
	int priority;         /* STORE_PRIO_* */
};
void store_outbound_deinit(struct store_outbound *o);

/* Inserts a queued row with no message yet; the caller then renders with
 * the row's id and calls store_outbound_set_message. */
int store_outbound_add(struct store *st, const char *kind, const char *envelope_to,
    int64_t person_id, int64_t cause_inbound, const char *ref_kind, int64_t ref_id,
    time_t now, int64_t *id_r);
int store_outbound_set_message(struct store *st, int64_t id, const char *message_id,
    const char *subject, const char *data, size_t len);
int store_outbound_set_priority(struct store *st, int64_t id, int priority);
/* Rows due at now, answers first, then oldest first, up to max; with data. */
int store_outbound_due(struct store *st, time_t now, size_t max,
    struct store_outbound **rows_r, size_t *n_r);
/* Every queued row whatever its next attempt (for --dry-run). */
int store_outbound_queued(struct store *st, size_t max, struct store_outbound **rows_r, size_t *n_r);
/* Latest first, without data, for `queue list`. */
int store_outbound_list(struct store *st, size_t max, struct store_outbound **rows_r, size_t *n_r);
int store_outbound_get(struct store *st, int64_t id, struct store_outbound *o_r);
void store_outbound_free_rows(struct store_outbound **rows, size_t n);
/* A row queued with scrub set (mail about an erased person) loses its
 * data, subject and recipients as it is marked sent. */
int store_outbound_mark_sent(struct store *st, int64_t id, time_t now);
int store_outbound_mark_retry(struct store *st, int64_t id, long attempts, time_t next,
    const char *error);
int store_outbound_mark_failed(struct store *st, int64_t id, long attempts, const char *error);
/* 1 if changed, 0 if no such row in a state that allows it. retry_now
 * starts the row again: no attempts, and its queue lifetime from now. */
int store_outbound_retry_now(struct store *st, int64_t id, time_t now);
int store_outbound_drop(struct store *st, int64_t id);
/* Finds our own message by Message-ID: 1 found, 0 not. */
int store_outbound_by_message_id(struct store *st, const char *message_id,
    int64_t *id_r, char **kind_r, char **ref_kind_r, int64_t *ref_id_r, int64_t *person_r);
int store_outbound_mark_bounced(struct store *st, int64_t id, const char *error);
int store_outbound_count(struct store *st, enum store_out_status status, long *n_r);

/* ---- scheduled jobs, answers per sender, audit ---- */

/* 1 if the key was new and is now marked done, 0 if it was done before. */
int store_job_claim(struct store *st, const char *key, time_t now);
int store_job_done(struct store *st, const char *key);
/* Counts one answer to address on day (YYYY-MM-DD); *count_r is the count
 * after this one. */
int store_answer_count(struct store *st, const char *address, const char *day, long *count_r);
int store_audit(struct store *st, time_t now, const char *actor, const char *action,
    const char *detail);

/* ---- raw access for the programme modules ---- */

/* A small query layer so that the programme modules need no sqlite3:
 * statements are prepared with '?' parameters bound from a format string:
 * 'i' int64_t, 't' time_t, 's' const char * (NULL binds NULL), 'd' double. */
struct store_row;
int store_exec(struct store *st, const char *sql, const char *types, ...);
/* Runs a query; each row is handed to fn, which returns 0 to go on and 1 to
 * stop. */
typedef int (*store_row_fn)(const struct store_row *row, void *arg);
int store_query(struct store *st, const char *sql, store_row_fn fn, void *arg,
    const char *types, ...);
int64_t store_row_int(const struct store_row *row, int col);
double store_row_double(const struct store_row *row, int col);
/* NULL for SQL NULL; valid until fn returns. */
const char *store_row_text(const struct store_row *row, int col);
int store_row_is_null(const struct store_row *row, int col);
int64_t store_last_id(struct store *st);
/* A row callback collecting column 0 of every row into a store_ids
 * (free v when done). */
struct store_ids {
	int64_t *v;
	size_t n;
};
int store_ids_row(const struct store_row *row, void *arg);
int store_ids_contain(const struct store_ids *ids, int64_t id);
long store_changes(struct store *st);
/* Meta rows the sender writes when a refusal of the account holds the
 * queue (sender.h), read by `status --health` and the digest: why, with
 * what an administrator must do, and until when. */
#define STORE_META_SMTP_HOLD "smtp_hold"
#define STORE_META_SMTP_HOLD_UNTIL "smtp_hold_until"

/* One integer from a query (0 rows: *v_r untouched, returns 0). */
int store_query_int(struct store *st, int64_t *v_r, const char *sql, const char *types, ...);
/* One text value, allocated (NULL if no row or NULL). */
int store_query_text(struct store *st, char **v_r, const char *sql, const char *types, ...);

#endif
