#include "cycle.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
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
#include "log.h"
#include "mime.h"
#include "sdnotify.h"
#include "programme.h"
#include "sched.h"
#include "sender.h"
#include "store.h"
#include "util.h"

#define FETCH_BATCH_BYTES (8u * 1024 * 1024)
#define RECONNECT_MAX 300

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
};

#ifndef TEMPLATEDIR
#define TEMPLATEDIR "/usr/share/mentord/templates"
#endif

void cycle_template_dirs(const struct config *cfg, struct template_dirs *d)
{
	d->site = cfg->paths.templates;
	d->shipped = TEMPLATEDIR;
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

static void done_add(struct ingest *in, uint32_t uid, int64_t id)
{
	in->done_uids = xrealloc(in->done_uids, (in->n_done + 1) * sizeof(*in->done_uids));
	in->done_ids = xrealloc(in->done_ids, (in->n_done + 1) * sizeof(*in->done_ids));
	in->done_uids[in->n_done] = uid;
	in->done_ids[in->n_done] = id;
	in->n_done++;
}

/* Flags (and moves) what was handled, then records that it was. */
static int flush_done(struct ingest *in)
{
	const struct config *cfg = in->e->cfg;
	char *err = NULL;
	size_t i;

	if (in->n_done == 0)
		return 0;
	if (imap_flag(in->imap, in->done_uids, in->n_done, IMAP_DONE_KEYWORD, &err) < 0 ||
	    (cfg->imap.processed_mailbox != NULL &&
	    imap_move(in->imap, in->done_uids, in->n_done, cfg->imap.processed_mailbox, &err) < 0)) {
		log_err("%s", err);
		free(err);
		return -1;
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

static int quarantine(struct ingest *in, uint32_t uid, const char *raw, size_t len,
    const char *message_id, const char *reason)
{
	struct engine *e = in->e;
	struct store_inbound row;
	char *dir = xasprintf("%s/quarantine", e->cfg->paths.spool);
	char *path = xasprintf("%s/%u-%u.eml", dir, in->uidvalidity, uid);
	int64_t id = 0;
	int ret = -1;

	in->quarantined++;
	in->failed = 1;
	if (mkdir_p(dir, 0700) < 0 || (access(path, F_OK) != 0 &&
	    file_write_atomic(path, raw, len, 0600) < 0)) {
		log_err("quarantine: cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	memset(&row, 0, sizeof(row));
	row.mailbox = e->cfg->imap.mailbox;
	row.uidvalidity = in->uidvalidity;
	row.uid = uid;
	row.message_id = message_id;
	row.class_name = "quarantined";
	row.outcome = reason;
	row.received_at = e->now;
	row.quarantine = path;
	if (batch_begin(in) < 0 || store_savepoint(e->st) < 0)
		goto out;
	if (store_inbound_add(e->st, &row, &id) < 0 || store_release(e->st) < 0) {
		batch_abort(in);
		goto out;
	}
	log_warn("message UID %u quarantined in %s: %s", uid, path, reason);
	ret = 0;
out:
	free(dir);
	free(path);
	return ret;
}

static int process_one(uint32_t uid, const char *raw, size_t len, void *arg)
{
	struct ingest *in = arg;
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
	row.mailbox = e->cfg->imap.mailbox;
	row.uidvalidity = in->uidvalidity;
	row.uid = uid;
	row.message_id = m->message_id != NULL ? m->message_id : fallback_id;
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
		store_rollback_to_savepoint(e->st);
		quarantine(in, uid, raw, len, row.message_id, err != NULL ? err : "processing failed");
		free(err);
		mime_free(&m);
		return 0;
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
	batch_abort(in);
	mime_free(&m);
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
		log_info("flagging %zu message(s) handled before an interruption", n);
	free(uids);
	free(ids);
	ret = flush_done(in);
	return ret;
}

/* Fetches and processes every new message. */
static int ingest(struct engine *e, struct imap *imap, size_t *processed_r, int *failed_r)
{
	struct ingest in;
	uint32_t last = 0, *uids = NULL, *sizes = NULL;
	size_t n = 0, i, start, bytes, sized, window;
	char *err = NULL;
	int r, ret = -1;

	memset(&in, 0, sizeof(in));
	in.e = e;
	in.imap = imap;
	if (imap_select(imap, e->cfg->imap.mailbox, &in.uidvalidity, &err) < 0)
		goto imap_error;
	if (e->cfg->imap.processed_mailbox != NULL &&
	    imap_ensure_mailbox(imap, e->cfg->imap.processed_mailbox, &err) < 0)
		goto imap_error;
	if (flag_pending(&in) < 0)
		goto out;
	if (store_inbound_max_uid(e->st, e->cfg->imap.mailbox, in.uidvalidity, &last) < 0)
		goto out;
	if (imap_search_after(imap, last, &uids, &n, &err) < 0)
		goto imap_error;
	sizes = xcalloc(n + 1, sizeof(*sizes));
	for (start = 0, sized = 0; start < n;) {
		/* sizes a window at a time: the server's answer for a whole
		 * mailbox would be parsed into memory at once */
		if (start == sized) {
			window = n - sized < IMAP_SIZES_BATCH ? n - sized : IMAP_SIZES_BATCH;
			if (imap_sizes(imap, uids + sized, window, sizes + sized, &err) < 0)
				goto imap_error;
			sized += window;
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

			snprintf(fallback, sizeof(fallback), "toolarge.%u.%u", in.uidvalidity, uids[i]);
			quarantine(&in, uids[i], "", 0, fallback, "message over the size limit, left in the mailbox");
			if (batch_commit(&in) < 0)
				goto out;
			start++;
			continue;
		}
		r = imap_fetch(imap, uids + start, i - start, process_one, &in, &err);
		/* what was handled before a broken connection is kept */
		if (batch_commit(&in) < 0)
			goto out;
		if (r != 0) {
			if (err != NULL)
				goto imap_error;
			goto out;
		}
		if (flush_done(&in) < 0)
			goto out;
		start = i;
	}
	ret = 0;
	goto out;
imap_error:
	log_err("%s", err);
	free(err);
out:
	if (store_in_transaction(e->st))
		batch_abort(&in);
	/* what was committed is flagged on the next cycle if not now */
	*processed_r = in.processed;
	*failed_r = in.failed;
	free(in.done_uids);
	free(in.done_ids);
	free(uids);
	free(sizes);
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
	if (mkdir_p(cfg->paths.spool, 0700) < 0) {
		log_err("cannot create %s: %s", cfg->paths.spool, strerror(errno));
		return -1;
	}
	if (store_open(cfg->paths.database, &e->st, &err) < 0) {
		log_err("database: %s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* One full cycle on an open engine; imap may be NULL (then connect). w is
 * the daemon's (NULL for once). */
static int work(struct engine *e, struct imap **imap, const struct cycle_opts *o, struct watch *w)
{
	struct sender_stats stats;
	size_t processed = 0;
	char *err = NULL;
	int failed = 0;

	e->now = now_of(o);
	if (*imap == NULL && imap_open(e->cfg, imap, &err) < 0) {
		log_err("%s", err);
		free(err);
		failed = 1;
	}
	/* the database is open and IMAP logged in: ready, before a backlog */
	if (*imap != NULL && w != NULL && !w->ready) {
		sdnotify_send(&w->n, "READY=1\nSTATUS=logged in to %s; fetching", e->cfg->imap.host);
		w->ready = 1;
	}
	if (*imap != NULL && ingest(e, *imap, &processed, &failed) < 0) {
		imap_close(imap);
		failed = 1;
	} else if (*imap != NULL &&
	    health_mark_fetch(e->st, e->now, w != NULL ? &w->fetch_marked : NULL) < 0) {
		failed = 1;
	}
	if (w != NULL && processed > 0)
		w->last_mail = e->now;
	e->now = now_of(o);
	if (sched_run(e) < 0)
		failed = 1;
	if (sender_run(e, &stats) < 0)
		failed = 1;
	if (stats.failed > 0)
		failed = 1;
	if (processed > 0 || stats.sent > 0 || stats.retried > 0 || stats.failed > 0)
		log_info("cycle: %zu message(s) processed; %zu sent, %zu to retry, %zu failed",
		    processed, stats.sent, stats.retried, stats.failed);
	return failed ? -1 : 0;
}

int cycle_once(const struct config *cfg, const struct cycle_opts *o)
{
	struct engine e;
	struct imap *imap = NULL;
	int ret;

	if (open_engine(cfg, o, &e, NULL) < 0)
		return 1;
	ret = work(&e, &imap, o, NULL);
	imap_close(&imap);
	store_close(&e.st);
	return ret < 0 ? 1 : 0;
}

/* Sleeps up to ms, waking early for a signal. */
static void nap(int ms, const struct cycle_opts *o, struct watch *w)
{
	while (ms > 0 && !*o->stop && !*o->reload) {
		int step = ms < 200 ? ms : 200;

		poll(NULL, 0, step);
		ms -= step;
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

static int wait_for_work(struct engine *e, struct imap **imap, const struct cycle_opts *o,
    struct watch *w)
{
	long due = sender_next_due(e), wait_s = e->cfg->imap.poll_seconds;
	char *err = NULL;
	int r;

	/* the clock (check-ins, digests) is looked at every minute */
	if (wait_s > 60)
		wait_s = 60;
	if (due >= 0 && due < wait_s)
		wait_s = due > 0 ? due : 1;
	if (*imap != NULL && e->cfg->imap.idle && imap_can_idle(*imap)) {
		r = imap_idle(*imap, (int)wait_s * 1000, o->stop, &err);
		if (r < 0) {
			log_warn("%s", err);
			free(err);
			imap_close(imap);
		}
		return 0;
	}
	nap((int)wait_s * 1000, o, w);
	return 0;
}

int cycle_run(struct config **cfg, const struct cycle_opts *o)
{
	struct engine e;
	struct imap *imap = NULL;
	struct watch w;
	int backoff = 0, ret = 0;

	memset(&w, 0, sizeof(w));
	sdnotify_init(&w.n);
	if (open_engine(*cfg, o, &e, &w.n) < 0) {
		sdnotify_deinit(&w.n);
		return 1;
	}
	log_info("mentord %s running for %s", MENTORD_VERSION, (*cfg)->programme.address);
	sdnotify_status(&w.n, "logging in to %s", (*cfg)->imap.host);
	while (!*o->stop) {
		sdnotify_watchdog(&w.n);
		if (*o->reload && reload(cfg, &e, &imap, o, &w) < 0) {
			ret = 1;
			break;
		}
		if (work(&e, &imap, o, &w) < 0 && imap == NULL) {
			if (*o->stop)
				break;
			if (w.unreachable_since == 0)
				w.unreachable_since = e.now;
			backoff = backoff == 0 ? 2 : backoff * 2;
			if (backoff > RECONNECT_MAX)
				backoff = RECONNECT_MAX;
			log_info("reconnecting in %d s", backoff);
			tell_status(&e, imap, &w, backoff);
			nap(backoff * 1000, o, &w);
			continue;
		}
		backoff = 0;
		w.unreachable_since = 0;
		tell_status(&e, imap, &w, 0);
		/* an idle daemon keeps little: the calendar library, the
		 * database's page cache and the freed heap go back to the
		 * system before the wait */
		ical_unload();
		store_release_memory(e.st);
		malloc_trim(0);
		wait_for_work(&e, &imap, o, &w);
	}
	log_info("stopping");
	sdnotify_send(&w.n, "STOPPING=1\nSTATUS=stopping");
	imap_close(&imap);
	store_close(&e.st);
	sdnotify_deinit(&w.n);
	return ret;
}
