#include "cycle.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "engine.h"
#include "health.h"
#include "ical.h"
#include "imap.h"
#include "inflight.h"
#include "log.h"
#include "marking.h"
#include "mime.h"
#include "sdnotify.h"
#include "programme.h"
#include "quarantine.h"
#include "sched.h"
#include "sender.h"
#include "store.h"
#include "util.h"
#include "words.h"

#define FETCH_BATCH_BYTES (8u * 1024 * 1024)
#define RECONNECT_MAX 300
/* A full disk: its room is looked at this often, and the work tried again
 * at least this often whatever the figures say. */
#define DISK_CHECK_SECONDS 2
#define DISK_RETRY_MAX_SECONDS 300

/* What `run` keeps to tell the service manager and the health report. */
struct watch {
	struct sdnotify n;
	int ready;               /* READY=1 sent since the start */
	time_t unreachable_since; /* IMAP: 0 while it answers */
	time_t last_mail;        /* a message was last handled; 0: none yet */
	time_t fetch_marked;     /* health_mark_fetch() wrote this time */
};

struct ingest {
	struct engine *e;
	struct imap *imap;
	uint32_t uidvalidity;
	uint32_t *done_uids;     /* handled, to flag on the server */
	int64_t *done_ids;
	size_t n_done;
	size_t batch_done;       /* n_done when the open transaction began */
	size_t processed, quarantined;
	int failed;
	int full;                /* a write failed for want of disk space */
	const char *mailbox;     /* the selected one, whose UIDs these are */
	int reread;              /* processed_mailbox after a restore */
	/* the sending process, started as soon as a batch has answers, so
	 * that sending goes on while the next batches are read */
	struct sender_child *sending;
	struct sender_stats *send_stats;
	long syncs, sync_usec;   /* this process's, before each fork */
	volatile sig_atomic_t *stop;
	/* a sending process failed (a server that cannot take mail, a
	 * crash): the rest waits for the next cycle, as after sender_run() */
	int send_failed;
	struct inflight *inflight; /* SPOOL/working: the message being handled */
	char *mark_error;        /* the server refused to mark handled mail */
};

#ifndef TEMPLATEDIR
#define TEMPLATEDIR "/usr/share/mentord/templates"
#endif

void cycle_template_dirs(const struct config *cfg, struct template_dirs *d)
{
	d->site = cfg->paths.templates;
	d->shipped = TEMPLATEDIR;
}

int cycle_words_load(const struct template_dirs *d)
{
	char *report = NULL;
	int problems = words_load(d, &report);

	if (problems > 0)
		log_err("%s", report);
	free(report);
	return problems > 0 ? -1 : 0;
}

static time_t now_of(const struct cycle_opts *o)
{
	return o->fixed_now ? o->now_base : time(NULL) + o->now_offset;
}

/* Fault injection for the crash tests: MENTORD_FAULT=kill-after-commit
 * kills the process right after the first message's transaction committed
 * and before the server hears of it. */
static void fault_point(const char *name)
{
	const char *f = getenv("MENTORD_FAULT");

	if (f != NULL && strcmp(f, name) == 0) {
		log_warn("fault injection: %s", name);
		raise(SIGKILL);
	}
}

/* MENTORD_FAULT=kill-while-handling:UID kills the process while it
 * handles that message, every time: a message that kills the robot. */
static void fault_handling(uint32_t uid)
{
	const char *f = getenv("MENTORD_FAULT");
	char want[48];

	snprintf(want, sizeof(want), "kill-while-handling:%u", uid);
	if (f != NULL && strcmp(f, want) == 0) {
		log_warn("fault injection: %s", want);
		raise(SIGKILL);
	}
}

/* An IMAP failure for the log: an error (a warning where warn), or news
 * where the server ended the session as it routinely does (imap.h,
 * imap_hint). */
static void imap_log(const char *err, int warn)
{
	struct imap_hint h;

	imap_hint_get(&h);
	if (h.routine)
		log_info("%s", err);
	else if (warn)
		log_warn("%s", err);
	else
		log_err("%s", err);
}

static void done_add(struct ingest *in, uint32_t uid, int64_t id)
{
	in->done_uids = xrealloc(in->done_uids, (in->n_done + 1) * sizeof(*in->done_uids));
	in->done_ids = xrealloc(in->done_ids, (in->n_done + 1) * sizeof(*in->done_ids));
	in->done_uids[in->n_done] = uid;
	in->done_ids[in->n_done] = id;
	in->n_done++;
}

/* Flags (and moves) what was handled, then records that it was. Order is
 * important: the commits that recorded these messages go to the disk
 * before the server hears of them, or a power cut after the flag would
 * lose messages the server says are done (store.h, durability). */
static int flush_done(struct ingest *in)
{
	const struct config *cfg = in->e->cfg;
	char *err = NULL;
	size_t i;

	if (in->n_done == 0)
		return 0;
	if (store_sync(in->e->st) < 0)
		return -1;
	/* no keyword STORE where the mailbox keeps none (imap.h); the
	 * database knows what was handled either way */
	if ((imap_keywords(in->imap) &&
	    imap_flag(in->imap, in->done_uids, in->n_done, IMAP_DONE_KEYWORD, &err) < 0) ||
	    (cfg->imap.processed_mailbox != NULL && !in->reread &&
	    imap_move(in->imap, in->done_uids, in->n_done, cfg->imap.processed_mailbox, &err) < 0)) {
		/* a refused mark never stops the reading of new mail: these
		 * stay unmarked in the database and are tried again next
		 * cycle; a broken connection ends the cycle as ever */
		in->n_done = 0;
		if (!imap_usable(in->imap)) {
			imap_log(err, 0);
			free(err);
			return -1;
		}
		if (in->mark_error == NULL)
			in->mark_error = err;
		else
			free(err);
		return 0;
	}
	if (store_begin(in->e->st) < 0)
		return -1;
	for (i = 0; i < in->n_done; i++)
		if (store_inbound_set_flagged(in->e->st, in->done_ids[i]) < 0) {
			store_rollback(in->e->st);
			return -1;
		}
	if (store_commit(in->e->st) < 0)
		return -1;
	in->n_done = 0;
	return 0;
}

/* The messages of one fetch share a transaction, each inside its own
 * savepoint: what one message does still commits with its answers or not
 * at all, and the server hears of none of them before the commit. One
 * commit per batch instead of per message spares the disk. */
static int batch_begin(struct ingest *in)
{
	if (store_in_transaction(in->e->st))
		return 0;
	in->batch_done = in->n_done;
	return store_begin(in->e->st);
}

static void batch_abort(struct ingest *in)
{
	store_rollback(in->e->st);
	in->n_done = in->batch_done; /* nothing of it may be flagged */
}

static int batch_commit(struct ingest *in)
{
	if (!store_in_transaction(in->e->st))
		return 0;
	if (store_commit(in->e->st) < 0) {
		in->n_done = in->batch_done;
		return -1;
	}
	fault_point("kill-after-commit");
	return 0;
}

/* A message that cannot be read or handled: its raw copy goes to
 * SPOOL/quarantine/ and its row says so. Order is important: the copy is
 * on disk (file_write_atomic() syncs the file and its folder) before the
 * row that lets the batch go past the message is written, so a message
 * the robot leaves for the committee always has its copy. */
static int quarantine(struct ingest *in, uint32_t uid, const char *raw, size_t len,
    const char *message_id, const char *reason)
{
	struct engine *e = in->e;
	struct store_inbound row;
	char *dir = xasprintf("%s/quarantine", e->cfg->paths.spool);
	char *path = xasprintf("%s/%u-%u.eml", dir, in->uidvalidity, uid);
	int64_t id = 0;
	long dropped = 0;
	int ret = -1;

	in->quarantined++;
	in->failed = 1;
	if (mkdir_p(dir, 0700) < 0 || (access(path, F_OK) != 0 &&
	    file_write_atomic(path, raw, len, 0600) < 0)) {
		in->full = errno == ENOSPC || errno == EDQUOT;
		if (!in->full) {
			char *why = file_error(path, errno);

			log_err("quarantine: cannot write %s", why);
			free(why);
		}
		goto out;
	}
	memset(&row, 0, sizeof(row));
	row.mailbox = in->mailbox;
	row.uidvalidity = in->uidvalidity;
	row.uid = uid;
	row.message_id = message_id;
	row.class_name = "quarantined";
	row.outcome = reason;
	row.received_at = e->now;
	row.quarantine = path;
	if (batch_begin(in) < 0 || store_savepoint(e->st) < 0)
		goto out;
	/* the copies stay within their bounds, this one kept */
	if (store_inbound_add(e->st, &row, &id) < 0 || quarantine_prune(e, path, &dropped) < 0 ||
	    store_release(e->st) < 0) {
		batch_abort(in);
		goto out;
	}
	log_warn("message UID %u quarantined in %s: %s", uid, path, reason);
	if (dropped > 0)
		log_warn("quarantine: %ld older raw copies removed (quarantine_max_mb,"
		    " quarantine_days); their messages stay in the mailbox", dropped);
	ret = 0;
out:
	free(dir);
	free(path);
	return ret;
}

static int handle_one(struct ingest *in, uint32_t uid, const char *raw, size_t len);

/* One message, with the mark that says it is being handled written down
 * first (inflight.h): the processes that died while handling it are
 * counted, and after INFLIGHT_DEATHS_MAX of them it is quarantined instead
 * of being tried again. */
static int process_one(uint32_t uid, const char *raw, size_t len, void *arg)
{
	struct ingest *in = arg;
	char fallback_id[40];
	int died = 0, r;

	if (in->inflight != NULL && inflight_begin(in->inflight, in->uidvalidity, uid, &died) < 0)
		log_warn("cannot mark UID %u as being handled: %s", uid, strerror(errno));
	if (died >= INFLIGHT_DEATHS_MAX) {
		snprintf(fallback_id, sizeof(fallback_id), "noid.%016llx",
		    (unsigned long long)hash64(raw, len));
		log_err("UID %u: the robot died %d times while handling it; quarantined", uid, died);
		r = quarantine(in, uid, raw, len, fallback_id,
		    "the robot died while handling it, twice: not tried again") < 0 ? -1 : 0;
	} else {
		fault_handling(uid);
		r = handle_one(in, uid, raw, len);
	}
	if (in->inflight != NULL)
		inflight_end(in->inflight);
	return r;
}

static int handle_one(struct ingest *in, uint32_t uid, const char *raw, size_t len)
{
	struct engine *e = in->e;
	struct store_inbound row;
	struct mime_msg *m = NULL;
	struct handled h;
	const char *perr = NULL;
	char *err = NULL, fallback_id[40];
	int64_t id = 0;
	int seen, needs_flag = 0, flagged = 0;

	sdnotify_watchdog(e->notify);
	snprintf(fallback_id, sizeof(fallback_id), "noid.%016llx",
	    (unsigned long long)hash64(raw, len));
	if (mime_parse(raw, len, &m, &perr) < 0)
		return quarantine(in, uid, raw, len, fallback_id, perr) < 0 ? -1 : 0;
	memset(&row, 0, sizeof(row));
	row.mailbox = in->mailbox;
	row.uidvalidity = in->uidvalidity;
	row.uid = uid;
	row.message_id = m->message_id != NULL ? m->message_id : fallback_id;
	if (in->reread) {
		int64_t known = 0;

		/* known from any mailbox: what the backup held */
		if (store_query_int(e->st, &known, "SELECT count(*) FROM inbound WHERE message_id = ?",
		    "s", row.message_id) < 0)
			goto db_error;
		if (known > 0) {
			mime_free(&m);
			return 0;
		}
	}
	row.sender = m->from_addr;
	row.subject = m->subject;
	row.class_name = "pending";
	row.received_at = e->now;
	if (batch_begin(in) < 0 || store_savepoint(e->st) < 0)
		goto db_error;
	seen = store_inbound_seen(e->st, row.mailbox, row.uidvalidity, uid, row.message_id, &id,
	    &needs_flag, &flagged);
	if (seen < 0)
		goto db_error;
	if (seen == 1) {
		/* processed before: a replay after a crash, or a changed
		 * UIDVALIDITY; only the server's flag may be missing */
		if (store_inbound_set_uid(e->st, id, in->uidvalidity, uid) < 0 || store_release(e->st) < 0)
			goto db_error;
		if (needs_flag)
			done_add(in, uid, id);
		mime_free(&m);
		return 0;
	}
	if (store_inbound_add(e->st, &row, &id) < 0)
		goto db_error;
	if (programme_handle(e, m, id, &h, &err) < 0) {
		int q;

		/* the disk, not the message: nothing to quarantine */
		if (store_full(e->st)) {
			free(err);
			goto db_error;
		}
		store_rollback_to_savepoint(e->st);
		q = quarantine(in, uid, raw, len, row.message_id, err != NULL ? err : "processing failed");
		free(err);
		mime_free(&m);
		/* not quarantined: the batch stops before it, so that the
		 * message is read again rather than passed over */
		return q < 0 ? -1 : 0;
	}
	if (store_inbound_set_result(e->st, id, h.class_name, h.outcome, h.needs_flag, NULL) < 0 ||
	    store_release(e->st) < 0)
		goto db_error;
	in->processed++;
	log_info("UID %u: %s: %s", uid, h.class_name, h.outcome);
	if (h.needs_flag)
		done_add(in, uid, id);
	mime_free(&m);
	return 0;
db_error:
	in->full |= store_full(e->st);
	batch_abort(in);
	mime_free(&m);
	if (!in->full)
		log_err("database error while processing UID %u; it will be tried again", uid);
	return -1;
}

static int flag_pending(struct ingest *in)
{
	uint32_t *uids = NULL;
	int64_t *ids = NULL;
	size_t n = 0, i;
	int ret;

	if (store_inbound_unflagged(in->e->st, in->e->cfg->imap.mailbox, in->uidvalidity,
	    &uids, &ids, &n) < 0)
		return -1;
	for (i = 0; i < n; i++)
		done_add(in, uids[i], ids[i]);
	if (n > 0)
		log_info("marking %zu message(s) handled earlier on the server", n);
	free(uids);
	free(ids);
	ret = flush_done(in);
	return ret;
}

/* The end of a cycle's marking: a refusal is a warning the first time,
 * reported once with what to do when it repeats (marking.h), and said to
 * be over when a cycle marks everything again. */
static void marking_end(struct ingest *in)
{
	const struct config *cfg = in->e->cfg;
	int64_t failures = 0;
	int report = 0;

	if (in->e->st == NULL || store_in_transaction(in->e->st))
		return;
	if (in->mark_error == NULL) {
		if (marking_ok(in->e->st) == 1)
			log_info("IMAP: handled mail is marked on %s again", cfg->imap.host);
		return;
	}
	if (marking_failed(in->e->st, in->e->now, in->mark_error, &report, &failures) < 0)
		return;
	if (failures == 1)
		log_warn("%s; it is tried again next time", in->mark_error);
	else if (report)
		log_err("%s, %lld times in a row: %s", in->mark_error, (long long)failures,
		    marking_advice(cfg->imap.processed_mailbox));
	else
		log_debug("%s", in->mark_error);
}

/* The one message of a full disk (not one per message or per retry): the
 * file system that is full, the database's or the spool's, and what
 * happens meanwhile. */
static void disk_full_say(const struct config *cfg)
{
	char *db = NULL, *spool = NULL;
	int a = store_room(cfg->paths.database, &db), b = store_room(cfg->paths.spool, &spool);

	log_err("disk full: %s; nothing more is flagged on the server or sent until there is room,"
	    " and mentord goes on by itself once space is freed", a != 1 && b == 1 ? spool : db);
	free(db);
	free(spool);
}

/* 1 if the file systems of the database and of the spool both have room
 * (or cannot be looked at: then the writes themselves tell). */
static int disk_room(const struct config *cfg, char **report_r)
{
	char *db = NULL, *spool = NULL;
	int a = store_room(cfg->paths.database, &db), b = store_room(cfg->paths.spool, &spool);

	if (report_r != NULL)
		*report_r = db;
	else
		free(db);
	free(spool);
	return a != 1 && b != 1;
}

/* Starts the sending process when the batches so far left answers to send
 * and none runs (one that finished gives its figures first). The database
 * is closed and opened again across the fork. */
static int send_meanwhile(struct ingest *in)
{
	struct engine *e = in->e;
	long n = 0, usec = 0;
	int ret = 0;

	if (e->dry_run || in->send_stats == NULL || in->send_failed)
		return 0;
	if (in->sending != NULL) {
		if (sender_running(in->sending))
			return 0;
		if (sender_finish(e, &in->sending, in->send_stats) < 0) {
			in->send_failed = 1;
			return 0;
		}
	}
	store_sync_stats(e->st, &n, &usec);
	in->syncs += n;
	in->sync_usec += usec;
	ret = sender_start(e, &in->sending);
	if (e->st == NULL)
		return -1;
	store_set_interrupt(e->st, in->stop);
	return ret;
}

/* Fetches and handles the messages uids of the selected mailbox, in
 * batches: each committed, synced, and then flagged. -1 on an error, with
 * the IMAP one logged. */
static int fetch_all(struct ingest *in, const uint32_t *uids, size_t n)
{
	struct engine *e = in->e;
	uint32_t *sizes = xcalloc(n + 1, sizeof(*sizes));
	size_t i, start, bytes, sized, window;
	char *err = NULL;
	int r, ret = -1;

	for (start = 0, sized = 0; start < n;) {
		/* sizes a window at a time: the server's answer for a whole
		 * mailbox would be parsed into memory at once */
		if (start == sized) {
			window = n - sized < IMAP_SIZES_BATCH ? n - sized : IMAP_SIZES_BATCH;
			if (imap_sizes(in->imap, uids + sized, window, sizes + sized, &err) < 0)
				goto imap_error;
			sized += window;
		}
		/* a disk about to fill up stops the work before a batch, not
		 * in the middle of one */
		if (!disk_room(e->cfg, NULL)) {
			in->full = 1;
			goto out;
		}
		/* a batch: up to IMAP_FETCH_BATCH messages or 8 MB */
		for (i = start, bytes = 0; i < sized && i - start < IMAP_FETCH_BATCH; i++) {
			if (sizes[i] > MSG_BYTES_MAX)
				break;
			if (i > start && bytes + sizes[i] > FETCH_BATCH_BYTES)
				break;
			bytes += sizes[i];
		}
		if (i == start) {
			/* too large to fetch: recorded, left in the mailbox */
			char fallback[32];

			snprintf(fallback, sizeof(fallback), "toolarge.%u.%u", in->uidvalidity, uids[i]);
			if (quarantine(in, uids[i], "", 0, fallback,
			    "message over the size limit, left in the mailbox") < 0 || batch_commit(in) < 0)
				goto out;
			start++;
			continue;
		}
		r = imap_fetch(in->imap, uids + start, i - start, process_one, in, &err);
		/* what was handled before a broken connection is kept */
		if (batch_commit(in) < 0)
			goto out;
		if (r != 0) {
			if (err != NULL)
				goto imap_error;
			goto out;
		}
		if (flush_done(in) < 0 || send_meanwhile(in) < 0)
			goto out;
		start = i;
	}
	ret = 0;
	goto out;
imap_error:
	imap_log(err, 0);
	free(err);
out:
	free(sizes);
	return ret;
}

/* After `mentord restore`: the messages the server flagged after the
 * backup was taken are unknown to the database again. Those in the
 * mailbox come again by their UIDs; those moved to processed_mailbox are
 * read there, every one that arrived since the day before the backup,
 * and the ones whose Message-ID the database knows are left alone. Done
 * once: the meta row says it is owed. */
static int reread(struct ingest *in)
{
	struct engine *e = in->e;
	const char *box = e->cfg->imap.processed_mailbox;
	uint32_t *uids = NULL;
	size_t n = 0;
	int64_t since = 0;
	char *err = NULL;
	int ret = -1;

	if (store_query_int(e->st, &since, "SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = 'reread_since'", NULL) < 0)
		return -1;
	if (since == 0)
		return 0;
	if (box != NULL) {
		in->mailbox = box;
		in->reread = 1;
		if (imap_select(in->imap, box, &in->uidvalidity, &err) < 0 ||
		    imap_search_since(in->imap, (time_t)since - 86400, &uids, &n, &err) < 0) {
			imap_log(err, 0);
			free(err);
			goto out;
		}
		log_info("after the restore: reading again %zu message(s) of %s", n, box);
		if (fetch_all(in, uids, n) < 0)
			goto out;
	}
	if (store_exec(e->st, "DELETE FROM meta WHERE key = 'reread_since'", NULL) < 0)
		goto out;
	ret = 0;
out:
	in->mailbox = e->cfg->imap.mailbox;
	in->reread = 0;
	free(uids);
	return ret;
}

/* Fetches and processes every new message; *full_r is set when a write
 * failed for want of disk space. */
static int ingest(struct engine *e, struct imap *imap, struct ingest *result)
{
	struct ingest in;
	uint32_t last = 0, *uids = NULL;
	size_t n = 0;
	char *err = NULL;
	int ret = -1;

	in = *result;
	in.e = e;
	in.imap = imap;
	in.mailbox = e->cfg->imap.mailbox;
	{
		char *path = xasprintf("%s/working", e->cfg->paths.spool);

		if (inflight_open(path, &in.inflight, &err) < 0) {
			/* without the mark, a poison message is only tried again */
			log_warn("%s", err);
			xfree(&err);
		}
		free(path);
	}
	if (e->cfg->imap.processed_mailbox != NULL &&
	    imap_ensure_mailbox(imap, e->cfg->imap.processed_mailbox, &err) < 0)
		goto imap_error;
	if (reread(&in) < 0)
		goto out;
	if (imap_select(imap, e->cfg->imap.mailbox, &in.uidvalidity, &err) < 0)
		goto imap_error;
	if (flag_pending(&in) < 0)
		goto out;
	if (store_inbound_max_uid(e->st, e->cfg->imap.mailbox, in.uidvalidity, &last) < 0)
		goto out;
	if (imap_search_after(imap, last, &uids, &n, &err) < 0)
		goto imap_error;
	if (fetch_all(&in, uids, n) < 0)
		goto out;
	ret = 0;
	goto out;
imap_error:
	imap_log(err, 0);
	free(err);
out:
	if (ret < 0)
		in.full |= store_full(e->st);
	if (e->st != NULL && store_in_transaction(e->st))
		batch_abort(&in);
	if (ret == 0 || in.mark_error != NULL)
		marking_end(&in);
	xfree(&in.mark_error);
	/* what was committed is flagged on the next cycle if not now */
	inflight_close(&in.inflight);
	free(in.done_uids);
	free(in.done_ids);
	in.done_uids = NULL;
	in.done_ids = NULL;
	*result = in;
	free(uids);
	return ret;
}

static int open_engine(const struct config *cfg, const struct cycle_opts *o, struct engine *e,
    struct sdnotify *notify)
{
	char *err = NULL;

	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->notify = notify;
	e->dry_run = o->dry_run;
	e->now = now_of(o);
	cycle_template_dirs(cfg, &e->dirs);
	if (cycle_words_load(&e->dirs) < 0)
		return -1;
	if (mkdir_p(cfg->paths.spool, 0700) < 0) {
		err = file_error(cfg->paths.spool, errno);
		log_err("cannot create %s", err);
		free(err);
		return -1;
	}
	if (store_open(cfg->paths.database, &e->st, &err) < 0 || store_check(e->st, &err) < 0) {
		log_err("database: %s", err);
		free(err);
		store_close(&e->st);
		return -1;
	}
	store_set_interrupt(e->st, o->stop);
	e->stop = o->stop;
	return 0;
}

/* The database again after the sender could not open it (a full disk). */
static int reopen(struct engine *e, const struct cycle_opts *o, int *full_r)
{
	char *err = NULL, *room = NULL;

	if (e->st != NULL)
		return 0;
	if (store_open(e->cfg->paths.database, &e->st, &err) == 0) {
		store_set_interrupt(e->st, o->stop);
		return 0;
	}
	*full_r = store_room(e->cfg->paths.database, &room) == 1;
	if (!*full_r)
		log_err("database: %s", err);
	free(err);
	free(room);
	return -1;
}

/* One full cycle on an open engine; imap may be NULL (then connect).
 * *full_r: a write failed for want of disk space; what depends on it
 * (flags, sending) waits, and the caller says so once. w is the daemon's
 * (NULL for once). */
static int work(struct engine *e, struct imap **imap, const struct cycle_opts *o, struct watch *w,
    int *full_r)
{
	struct sender_stats stats, more;
	struct ingest in;
	long syncs = 0, sync_usec = 0;
	char *err = NULL;
	int failed = 0, full = 0;

	memset(&stats, 0, sizeof(stats));
	memset(&in, 0, sizeof(in));
	in.send_stats = &stats;
	in.stop = o->stop;
	*full_r = 0;
	if (reopen(e, o, full_r) < 0)
		return -1;
	if (!disk_room(e->cfg, NULL)) {
		*full_r = 1;
		return -1;
	}
	e->now = now_of(o);
	if (*imap != NULL && imap_token_left(*imap) == 0) {
		log_info("IMAP: the access token of this session is about to expire; logging in again"
		    " with a fresh one");
		imap_close(imap);
	}
	if (*imap == NULL && imap_open(e->cfg, imap, &err) < 0) {
		imap_log(err, 0);
		free(err);
		failed = 1;
	}
	/* the database is open and IMAP logged in: ready, before a backlog */
	if (*imap != NULL && w != NULL && !w->ready) {
		sdnotify_send(&w->n, "READY=1\nSTATUS=logged in to %s; fetching", e->cfg->imap.host);
		w->ready = 1;
	}
	if (*imap != NULL && ingest(e, *imap, &in) < 0) {
		imap_close(imap);
		failed = 1;
	} else if (*imap != NULL && e->st != NULL &&
	    health_mark_fetch(e->st, e->now, w != NULL ? &w->fetch_marked : NULL) < 0) {
		failed = 1;
	}
	if (w != NULL && in.processed > 0)
		w->last_mail = e->now;
	failed |= in.failed;
	full = in.full;
	/* the sending process started meanwhile ends first */
	if (sender_finish(e, &in.sending, &stats) < 0)
		in.send_failed = 1;
	if (in.send_failed)
		failed = 1;
	/* stopping: what is committed stays, the rest waits for next time */
	if (*o->stop || e->st == NULL)
		return -1;
	e->now = now_of(o);
	if (!full && sched_run(e) < 0) {
		failed = 1;
		full = store_full(e->st);
	}
	/* the sending process has its own connection: these are ingest's */
	store_sync_stats(e->st, &syncs, &sync_usec);
	syncs += in.syncs;
	sync_usec += in.sync_usec;
	memset(&more, 0, sizeof(more));
	if (!full && !in.send_failed && sender_run(e, &more) < 0)
		failed = 1;
	stats.sent += more.sent;
	stats.retried += more.retried;
	stats.failed += more.failed;
	stats.syncs += more.syncs;
	stats.sync_usec += more.sync_usec;
	stats.full |= more.full;
	stats.written += more.written;
	full |= stats.full;
	/* the sender opened the database again */
	if (e->st != NULL)
		store_set_interrupt(e->st, o->stop);
	*full_r = full;
	if (stats.failed > 0)
		failed = 1;
	syncs += stats.syncs;
	sync_usec += stats.sync_usec;
	if (in.processed > 0 || stats.sent > 0 || stats.retried > 0 || stats.failed > 0)
		log_info("cycle: %zu message(s) processed; %zu sent, %zu to retry, %zu failed;"
		    " %ld disk sync(s), %.1f ms", in.processed, stats.sent, stats.retried, stats.failed,
		    syncs, sync_usec / 1000.0);
	return failed ? -1 : 0;
}

/* The database's lock, shared: `restore` must find no daemon at work
 * (store_lock()). */
static int lock_shared(const struct config *cfg, int *fd_r)
{
	int r;

	if (mkdir_p(cfg->paths.spool, 0700) < 0)
		return 0;   /* open_engine() says why */
	r = store_lock(cfg->paths.database, 0, fd_r);
	if (r == 1)
		log_err("database: %s is being restored (mentord restore); try again when it is done",
		    cfg->paths.database);
	else if (r < 0) {
		int saved = errno;
		char *lock = xasprintf("%s.lock", cfg->paths.database), *e = file_error(lock, saved);

		log_err("database: cannot lock %s", e);
		free(e);
		free(lock);
	}
	return r == 0 ? 0 : -1;
}

int cycle_once(const struct config *cfg, const struct cycle_opts *o)
{
	struct engine e;
	struct imap *imap = NULL;
	int ret, full = 0, lock = -1;

	if (lock_shared(cfg, &lock) < 0)
		return 1;
	log_set_buffered(1);
	if (open_engine(cfg, o, &e, NULL) < 0) {
		if (lock >= 0)
			close(lock);
		return 1;
	}
	ret = work(&e, &imap, o, NULL, &full);
	if (full)
		disk_full_say(cfg);
	imap_close(&imap);
	store_close(&e.st);
	if (lock >= 0)
		close(lock);
	return ret < 0 || full ? 1 : 0;
}

/* How often the service manager's watchdog wants to hear from the main
 * loop, in ms (a third of WATCHDOG_USEC); 0 without a watchdog. The only
 * timer of an idle daemon, and only when systemd asks for it. */
static long watchdog_ms(const struct watch *w)
{
	return w != NULL && w->n.watchdog_usec > 0 ? (long)(w->n.watchdog_usec / 3000) : 0;
}

/* Sleeps up to ms, waking at once for a signal: one wait, no ticks (but
 * the watchdog's, when there is one). */
static void nap(int ms, const struct cycle_opts *o, struct watch *w)
{
	long step = watchdog_ms(w), now;

	log_flush();
	while (ms > 0 && !*o->wake) {
		now = step > 0 && step < ms ? step : ms;
		fd_wait_readable(-1, now, o->wake);
		ms -= (int)now;
		if (w != NULL)
			sdnotify_watchdog(&w->n);
	}
}

/* STATUS= for `systemctl status`: what the daemon does or waits for. */
static void tell_status(struct engine *e, struct imap *imap, struct watch *w, int backoff)
{
	char since[16], age[32] = "", failures[48] = "";
	long queued = 0, failed = 0;

	if (imap == NULL) {
		time_local_hm(w->unreachable_since, since, sizeof(since));
		sdnotify_status(&w->n, "IMAP %s unreachable since %s, retrying in %d s",
		    e->cfg->imap.host, since, backoff);
		return;
	}
	store_outbound_count(e->st, OUT_QUEUED, &queued);
	store_outbound_count(e->st, OUT_FAILED, &failed);
	if (failed > 0)
		snprintf(failures, sizeof(failures), ", %ld failed", failed);
	if (w->last_mail > 0) {
		health_age((long)(e->now - w->last_mail), age, sizeof(age));
		str_copy(age + strlen(age), sizeof(age) - strlen(age), " ago");
	} else {
		str_copy(age, sizeof(age), "none since start");
	}
	sdnotify_status(&w->n, "idle; %ld queued%s; last mail %s", queued, failures, age);
}

/* A reload may have corrected the server's settings: mail held back
 * because the server was unusable is tried at once, not after its backoff
 * (sender.h). */
static void release_held(struct engine *e)
{
	long n = sender_release_held(e);

	if (n > 0)
		log_info("smtp: %ld message(s) held back for the server are due now", n);
}

static int reload(struct config **cfg, struct engine *e, struct imap **imap,
    const struct cycle_opts *o, struct watch *w)
{
	struct config *fresh = NULL;
	char *errors = NULL;

	*o->reload = 0;
	if (config_load(o->config_path, &fresh, &errors) < 0) {
		log_err("reload refused, the running configuration stays:\n%s", errors);
		free(errors);
		return 0;
	}
	sdnotify_send(&w->n, "RELOADING=1\nSTATUS=reloading %s", o->config_path);
	imap_close(imap);
	store_close(&e->st);
	config_free(cfg);
	*cfg = fresh;
	log_info("configuration reloaded from %s", o->config_path);
	if (open_engine(*cfg, o, e, &w->n) < 0)
		return -1;
	release_held(e);
	/* reloaded: ready again, whether or not IMAP answers right now (the
	 * status says so), or systemd would wait for it */
	sdnotify_send(&w->n, "READY=1");
	return 0;
}

/* Seconds until the next job: the queue's next attempt or the programme
 * clock's next job, whichever comes first; -1 if none. A job said to be
 * due that the cycle just run did not do (it cannot happen, but if the
 * two sets of rules ever disagreed) is looked at again in a minute, never
 * in a loop. */
static long next_job(struct engine *e, const struct cycle_opts *o)
{
	long send = sender_next_due(e), s = -1;
	time_t clock;

	e->now = now_of(o);
	clock = sched_next_due(e);
	if (clock > 0)
		s = clock > e->now ? (long)(clock - e->now) : 60;
	if (send >= 0 && (s < 0 || send < s))
		s = send > 0 ? send : 1;
	return s;
}

/* Waits for new mail, the next job or a signal. With IDLE, one IDLE lasts
 * until then or idle_seconds at most; one that ends without news is
 * followed by a NOOP (a server that does not answer within
 * timeout_seconds is dead, whatever TCP says) and the next IDLE, with no
 * cycle in between. A watchdog (systemd's WatchdogSec) cuts the IDLE to
 * its interval: DONE, the ping, IDLE again. Returns when there is work (or
 * a signal). */
static void wait_for_work(struct engine *e, struct imap **imap, const struct cycle_opts *o,
    struct watch *w)
{
	long job, wait_s, dog = watchdog_ms(w) / 1000, idled = 0, token;
	char *err = NULL;
	int r, cut;

	for (;;) {
		log_flush();
		sdnotify_watchdog(&w->n);
		job = next_job(e, o);
		if (*imap == NULL || !e->cfg->imap.idle || !imap_can_idle(*imap)) {
			wait_s = e->cfg->imap.poll_seconds;
			if (job >= 0 && job < wait_s)
				wait_s = job;
			nap((int)wait_s * 1000, o, w);
			return;
		}
		wait_s = e->cfg->imap.idle_seconds - idled;
		if (job >= 0 && job < wait_s)
			wait_s = job;
		/* the session ends with its token: a new one before that */
		token = imap_token_left(*imap);
		if (token == 0)
			return;
		if (token > 0 && token < wait_s)
			wait_s = token;
		cut = dog > 0 && dog < wait_s;
		if (cut)
			wait_s = dog;
		r = imap_idle(*imap, (int)wait_s * 1000, o->wake, &err);
		if (r < 0) {
			imap_log(err, 1);
			xfree(&err);
			imap_close(imap);
			return;
		}
		if (r > 0 || *o->wake || (!cut && job >= 0 && wait_s == job))
			return;
		idled += wait_s;
		if (cut && idled < e->cfg->imap.idle_seconds)
			continue;
		idled = 0;
		if (imap_noop(*imap, &err) < 0) {
			char *more = xasprintf("%s; reconnecting", err);

			imap_log(more, 1);
			free(more);
			xfree(&err);
			imap_close(imap);
			return;
		}
	}
}

/* After a write failed for want of space: waits at least min_s, then
 * until both file systems have room again (looked at every
 * DISK_CHECK_SECONDS), or DISK_RETRY_MAX_SECONDS in all (a quota that the
 * file system's figures do not show). */
static void wait_for_room(const struct config *cfg, int min_s, const struct cycle_opts *o,
    struct watch *w)
{
	char *report = NULL;
	int waited = 0;

	while (!*o->stop && !*o->reload && waited < DISK_RETRY_MAX_SECONDS) {
		if (waited >= min_s) {
			int room = disk_room(cfg, &report);

			xfree(&report);
			if (room)
				return;
		}
		nap(DISK_CHECK_SECONDS * 1000, o, w);
		waited += DISK_CHECK_SECONDS;
	}
}

int cycle_run(struct config **cfg, const struct cycle_opts *o)
{
	struct engine e;
	struct imap *imap = NULL;
	struct watch w;
	char *report = NULL;
	struct imap_hint hint;
	int backoff = 0, ret = 0, r, full = 0, disk_full = 0, full_wait = 0, lock = -1, routine = 0;

	if (lock_shared(*cfg, &lock) < 0)
		return 1;
	log_set_buffered(1);
	memset(&w, 0, sizeof(w));
	sdnotify_init(&w.n);
	if (open_engine(*cfg, o, &e, &w.n) < 0) {
		sdnotify_deinit(&w.n);
		if (lock >= 0)
			close(lock);
		return 1;
	}
	log_info("mentord %s running for %s", MENTORD_VERSION, (*cfg)->programme.address);
	sdnotify_status(&w.n, "logging in to %s", (*cfg)->imap.host);
	while (!*o->stop) {
		/* before the flags are looked at: a signal from now on ends
		 * the next wait at once */
		*o->wake = 0;
		if (*o->stop)
			break;
		sdnotify_watchdog(&w.n);
		if (*o->reload && reload(cfg, &e, &imap, o, &w) < 0) {
			ret = 1;
			break;
		}
		r = work(&e, &imap, o, &w, &full);
		if (full) {
			/* said once; retried when there is room, by itself */
			if (!disk_full)
				disk_full_say(*cfg);
			disk_full = 1;
			sdnotify_status(&w.n, "disk full (%s); waiting for room", (*cfg)->paths.database);
			full_wait = full_wait == 0 ? DISK_CHECK_SECONDS : full_wait * 2;
			if (full_wait > DISK_RETRY_MAX_SECONDS)
				full_wait = DISK_RETRY_MAX_SECONDS;
			wait_for_room(*cfg, full_wait, o, &w);
			continue;
		}
		if (disk_full && r == 0) {
			disk_room(*cfg, &report);
			log_info("disk: room again (%s); all is handled again", report);
			xfree(&report);
			disk_full = 0;
			full_wait = 0;
		}
		if (r < 0 && (imap == NULL || e.st == NULL)) {
			if (*o->stop)
				break;
			imap_hint_get(&hint);
			imap_hint_clear();
			if (hint.routine && !routine) {
				/* the session ended with its token: a new login
				 * at once (once; a second time is a failure) */
				routine = 1;
				continue;
			}
			routine = 0;
			if (w.unreachable_since == 0)
				w.unreachable_since = e.now;
			backoff = backoff == 0 ? 2 : backoff * 2;
			if (backoff > RECONNECT_MAX)
				backoff = RECONNECT_MAX;
			if (hint.wait_ms > 0) {
				/* the server said how long: that, not our guess */
				log_info("reconnecting in %ld ms, as %s asked", hint.wait_ms, (*cfg)->imap.host);
				tell_status(&e, imap, &w, (int)((hint.wait_ms + 999) / 1000));
				nap(hint.wait_ms > INT_MAX ? INT_MAX : (int)hint.wait_ms, o, &w);
				continue;
			}
			log_info("reconnecting in %d s", backoff);
			tell_status(&e, imap, &w, backoff);
			nap(backoff * 1000, o, &w);
			continue;
		}
		if (w.unreachable_since != 0) {
			char since[16];

			time_local_hm(w.unreachable_since, since, sizeof(since));
			log_info("IMAP: %s reached again (unreachable since %s)", (*cfg)->imap.host, since);
		}
		routine = 0;
		imap_hint_clear();
		backoff = 0;
		w.unreachable_since = 0;
		tell_status(&e, imap, &w, 0);
		/* an idle daemon keeps little: the calendar library, the
		 * database's page cache and the freed heap go back to the
		 * system before the wait */
		ical_unload();
		store_release_memory(e.st);
		malloc_trim(0);
		if (!*o->wake)
			wait_for_work(&e, &imap, o, &w);
	}
	log_info("stopping");
	sdnotify_send(&w.n, "STOPPING=1\nSTATUS=stopping");
	imap_close(&imap);
	store_close(&e.st);
	sdnotify_deinit(&w.n);
	if (lock >= 0)
		close(lock);
	return ret;
}
