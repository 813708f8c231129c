#include "sender.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "engine.h"
#include "log.h"
#include "pace.h"
#include "refusal.h"
#include "sdnotify.h"
#include "smtp.h"
#include "store.h"
#include "util.h"

/* Rows read per query, and deliveries per transaction: each row carries
 * its rendered message, so the batch keeps memory flat however long the
 * queue; one commit per batch instead of one per message is what lets the
 * sender keep up with the SMTP server (tests/bench/bench_send.py). */
#define SENDER_BATCH 64
/* The journal holds at most one batch of lines "ID MESSAGE-ID" and
 * "ID MESSAGE-ID RECIPIENT"; its space is taken in advance. */
#define JOURNAL_BYTES_MAX (SENDER_BATCH * 1024)

struct batch {
	struct engine *e;
	struct smtp *smtp;
	struct sender_stats *stats;
	int stop;           /* the server cannot take mail now */
	time_t down_until;  /* set by SMTP_DOWN or throttling: the queue waits */
	long hold;          /* the provider's own wait (a quota): at least that */
	char *held_for;     /* why the server cannot take mail now, and what to do */
	int account;        /* held_for is a refusal of the account (refusal.h) */
	struct pace pace;   /* the provider's limits (pace.h) */
	int journal;        /* fd of SPOOL/sent.journal, locked; -1: none */
	char *journal_path;
	int64_t sent[SENDER_BATCH]; /* accepted, journaled, not yet committed */
	size_t n_sent;
	int keep_journal;   /* a recipient's line could not be committed */
	int full;           /* the disk had no room: nothing more is sent */
	/* MENTORD_FAULT (tests): 1 kill-mid-batch, the daemon killed;
	 * 2 kill-sender-mid-batch, the sending process alone */
	int fault;
};

/* What one pass over a row's recipients found. */
struct pass {
	struct buf owed;    /* recipients that do not have it, comma-separated */
	struct buf errors;  /* why, for last_error */
	int temp, perm, down;
	int throttled;      /* the server asked us to slow down (pace.h) */
};

/* ---- the journal of deliveries ----
 *
 * A 250 is first appended to SPOOL/sent.journal ("ID MESSAGE-ID\n", one
 * write(2)); the rows of a batch are then marked sent in one transaction,
 * and only after its commit is the journal emptied (order matters: a crash
 * in between finds both, and the replay checks the row is still queued).
 * A crash anywhere else leaves the journal, which the next run replays
 * before it sends anything: a message accepted is never sent again, as with
 * one commit per message, at a fraction of the cost.
 *
 * What each file guarantees (store.h, durability):
 *   the database  the rows to send are synced before the first is offered
 *                 (send_due), so a power cut never takes back a message
 *                 already out, nor lets it be made again under another
 *                 Message-ID; the "sent" marks are not synced, so a power
 *                 cut may send a message a second time, with the same
 *                 Message-ID.
 *   sent.journal  survives a crash of the process (write(2)), not a power
 *                 cut: a line lost there, too, sends its message again
 *                 with the same Message-ID. Nothing is ever lost: a row
 *                 leaves the queue only by a line or a 250.
 * The lock on the journal also keeps two mentord processes from sending
 * the same queue at once. */

/* Takes the journal's space before anything is sent (FALLOC_FL_KEEP_SIZE:
 * the blocks are the file's, its size stays 0): a line for a 250 can then
 * always be written, even when the disk fills up meanwhile. A disk too
 * full for that sends nothing. */
static int journal_reserve(struct batch *b)
{
	if (fallocate(b->journal, FALLOC_FL_KEEP_SIZE, 0, JOURNAL_BYTES_MAX) == 0 ||
	    errno == EOPNOTSUPP)
		return 0;
	if (errno == ENOSPC || errno == EDQUOT) {
		b->full = 1;
		log_debug("cannot reserve %s: %s", b->journal_path, strerror(errno));
	} else {
		log_err("cannot reserve %s: %s", b->journal_path, strerror(errno));
	}
	return -1;
}

static int journal_open(struct batch *b)
{
	b->journal_path = xasprintf("%s/sent.journal", b->e->cfg->paths.spool);
	b->journal = open(b->journal_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (b->journal < 0) {
		b->full = errno == ENOSPC || errno == EDQUOT;
		if (!b->full)
			log_err("cannot open %s: %s", b->journal_path, strerror(errno));
		return -1;
	}
	if (flock(b->journal, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			log_info("another mentord is sending the queue; not sending now");
			return 1;
		}
		log_err("cannot lock %s: %s", b->journal_path, strerror(errno));
		return -1;
	}
	return journal_reserve(b);
}

static void journal_close(struct batch *b)
{
	if (b->journal >= 0)
		close(b->journal);
	b->journal = -1;
	free(b->journal_path);
	b->journal_path = NULL;
}

/* Takes rcpt out of a queued row's envelope_to: it has the message. */
static int replay_recipient(struct batch *b, const struct store_outbound *o, const char *rcpt)
{
	struct strlist rcpts = { NULL, 0 };
	struct buf to;
	size_t i;
	int ret;

	strlist_split(&rcpts, o->envelope_to, ',');
	buf_init(&to, strlen(o->envelope_to) + 1);
	for (i = 0; i < rcpts.n; i++)
		if (!str_eq_ci(rcpts.v[i], rcpt)) {
			if (to.len > 0)
				buf_adds(&to, ",");
			buf_adds(&to, rcpts.v[i]);
		}
	ret = store_exec(b->e->st, "UPDATE outbound SET envelope_to = ? WHERE id = ?", "si",
	    to.len > 0 ? to.s : "", o->id);
	buf_deinit(&to);
	strlist_deinit(&rcpts);
	return ret;
}

/* Marks the row sent if the journal line names it and it is still queued;
 * a line with a recipient takes that recipient out of those it is owed. */
static int replay_line(struct batch *b, char *line)
{
	struct store_outbound o;
	char *space = strchr(line, ' '), *rcpt;
	long id = 0;
	int r, ret = 0;

	if (space == NULL)
		return 0;
	*space = '\0';
	if (str_to_long(line, 1, LONG_MAX, &id) < 0)
		return 0;   /* a torn line: that message may go twice */
	rcpt = strchr(space + 1, ' ');
	if (rcpt != NULL)
		*rcpt++ = '\0';
	memset(&o, 0, sizeof(o));
	r = store_outbound_get(b->e->st, id, &o);
	if (r < 0)
		return -1;
	if (r == 1 && o.status == OUT_QUEUED && o.message_id != NULL &&
	    strcmp(o.message_id, space + 1) == 0) {
		if (rcpt != NULL) {
			ret = replay_recipient(b, &o, rcpt);
		} else {
			ret = store_outbound_mark_sent(b->e->st, id, b->e->now);
			log_info("sent %s #%lld (recorded after an interruption)", o.kind, (long long)id);
		}
	}
	store_outbound_deinit(&o);
	return ret;
}

static int journal_replay(struct batch *b)
{
	char *data = NULL, *p, *nl;
	size_t len = 0;
	int ret = -1;

	if (lseek(b->journal, 0, SEEK_END) == 0)
		return 0;
	if (file_read(b->journal_path, JOURNAL_BYTES_MAX, &data, &len) < 0) {
		log_err("cannot read %s: %s; nothing is sent until it is looked at",
		    b->journal_path, strerror(errno));
		return -1;
	}
	if (store_begin(b->e->st) < 0)
		goto out;
	/* only whole lines: one cut short by a crash names nothing */
	for (p = data; (nl = memchr(p, '\n', len - (size_t)(p - data))) != NULL; p = nl + 1) {
		*nl = '\0';
		if (replay_line(b, p) < 0) {
			store_rollback(b->e->st);
			goto out;
		}
	}
	if (store_commit(b->e->st) < 0)
		goto out;
	if (ftruncate(b->journal, 0) < 0) {
		log_err("cannot empty %s: %s", b->journal_path, strerror(errno));
		goto out;
	}
	ret = journal_reserve(b);
out:
	free(data);
	return ret;
}

/* Records that one recipient of a row with several has it, before the
 * database is told (save_owed): if that commit fails (a full disk), the
 * next run still knows. */
static int journal_recipient(struct batch *b, const struct store_outbound *o, const char *rcpt)
{
	char *line = xasprintf("%lld %s %s\n", (long long)o->id,
	    o->message_id != NULL ? o->message_id : "-", rcpt);
	size_t n = strlen(line);
	ssize_t w = write(b->journal, line, n);

	free(line);
	if (w < 0 || (size_t)w != n) {
		log_err("cannot write %s: %s", b->journal_path, w < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/* Records an accepted row: in the journal, or directly without one. */
static int journal_add(struct batch *b, const struct store_outbound *o)
{
	char *line = xasprintf("%lld %s\n", (long long)o->id,
	    o->message_id != NULL ? o->message_id : "-");
	size_t n = strlen(line);
	ssize_t w = write(b->journal, line, n);

	free(line);
	/* one write(2): the line is there whole or, cut by a crash, ignored */
	if (w < 0 || (size_t)w != n) {
		log_warn("cannot write %s: %s; recording #%lld at once", b->journal_path,
		    w < 0 ? strerror(errno) : "short write", (long long)o->id);
		return store_outbound_mark_sent(b->e->st, o->id, b->e->now);
	}
	b->sent[b->n_sent++] = o->id;
	if (b->fault != 0 && b->n_sent == 2) {
		log_warn("fault injection: %s", b->fault == 1 ? "kill-mid-batch"
		    : "kill-sender-mid-batch");
		if (b->fault == 1)
			kill(getppid(), SIGKILL);
		raise(SIGKILL);
	}
	return 0;
}

/* One transaction for the batch's deliveries, then an empty journal. */
static int journal_flush(struct batch *b)
{
	size_t i;

	if (b->n_sent == 0 && b->pace.unrecorded == 0)
		return 0;
	if (store_begin(b->e->st) < 0)
		return -1;
	for (i = 0; i < b->n_sent; i++)
		if (store_outbound_mark_sent(b->e->st, b->sent[i], b->e->now) < 0) {
			store_rollback(b->e->st);
			return -1;
		}
	if (pace_flush(&b->pace) < 0) {
		store_rollback(b->e->st);
		return -1;
	}
	if (store_commit(b->e->st) < 0)
		return -1;
	b->n_sent = 0;
	/* a recipient's line that the database does not hold yet stays, for
	 * the replay (which skips what is already marked) */
	if (b->keep_journal)
		return 0;
	if (ftruncate(b->journal, 0) < 0) {
		log_err("cannot empty %s: %s", b->journal_path, strerror(errno));
		return -1;
	}
	return journal_reserve(b);
}

/* ---- --dry-run ---- */

static int write_outbox(struct engine *e, const struct store_outbound *o)
{
	char *dir = xasprintf("%s/outbox", e->cfg->paths.spool);
	char *path = xasprintf("%s/%lld.eml", dir, (long long)o->id);
	int ret = 0;

	if (mkdir_p(dir, 0700) < 0 || file_write_atomic(path, o->data, o->len, 0600) < 0) {
		log_err("dry run: cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	free(dir);
	free(path);
	return ret;
}

struct id_list {
	int64_t v[SENDER_BATCH];
	size_t n;
};

static int id_row(const struct store_row *row, void *arg)
{
	struct id_list *l = arg;

	if (l->n < SENDER_BATCH)
		l->v[l->n++] = store_row_int(row, 0);
	return 0;
}

/* Every queued row, one at a time: the whole queue never sits in memory. */
static int dry_run(struct engine *e, struct sender_stats *stats)
{
	struct store_outbound o;
	struct id_list ids;
	int64_t last = 0;
	size_t i;
	int ret = 0, r;

	do {
		ids.n = 0;
		if (store_query(e->st, "SELECT id FROM outbound WHERE status = 'queued'"
		    " AND data IS NOT NULL AND id > ? ORDER BY id LIMIT ?", id_row, &ids, "ii",
		    last, (int64_t)SENDER_BATCH) < 0)
			return -1;
		for (i = 0; i < ids.n; i++) {
			last = ids.v[i];
			memset(&o, 0, sizeof(o));
			r = store_outbound_get(e->st, ids.v[i], &o);
			if (r < 0)
				return -1;
			if (r == 1 && write_outbox(e, &o) < 0)
				ret = -1;
			else if (r == 1)
				stats->written++;
			store_outbound_deinit(&o);
		}
	} while (ids.n == SENDER_BATCH);
	if (stats->written > 0)
		log_info("dry run: %zu message(s) written to %s/outbox, nothing sent", stats->written,
		    e->cfg->paths.spool);
	return ret;
}

/* ---- delivery ---- */

static void pass_add(struct buf *b, const char *sep, const char *s)
{
	/* a full buffer keeps what it has: the list stays bounded */
	if (b->len > 0)
		buf_adds(b, sep);
	buf_adds(b, s);
}

/* Records, before anything else is sent, that the recipients before next
 * have the message: envelope_to keeps only those still owed. */
static int save_owed(struct batch *b, const struct store_outbound *o, const struct pass *p,
    const struct strlist *rcpts, size_t next)
{
	struct buf to;
	size_t i;
	int ret;

	buf_init(&to, strlen(o->envelope_to) + 1);
	if (p->owed.len > 0)
		buf_adds(&to, p->owed.s);
	for (i = next; i < rcpts->n; i++)
		pass_add(&to, ",", rcpts->v[i]);
	ret = store_exec(b->e->st, "UPDATE outbound SET envelope_to = ? WHERE id = ?", "si",
	    to.len > 0 ? to.s : "", o->id);
	buf_deinit(&to);
	return ret;
}

/* The server's answer, and with a refusal of the account what an
 * administrator must do (refusal.h); notes the provider's own wait. */
static char *held_reason(struct batch *b, const char *err, const struct refusal *rf)
{
	char *advice, *both;

	if (rf == NULL)
		return xstrdup(err);
	if (rf->hold_seconds > b->hold)
		b->hold = rf->hold_seconds;
	advice = refusal_advice(rf, b->e->cfg->smtp.user, b->e->cfg->programme.address);
	if (advice == NULL)
		return xstrdup(err);
	both = xasprintf("%s; %s", err, advice);
	free(advice);
	return both;
}

static int try_rcpt(struct batch *b, const struct store_outbound *o, const struct strlist *rcpts,
    size_t i, struct pass *p)
{
	const char *rcpt = rcpts->v[i];
	enum smtp_result r;
	char *err = NULL;

	r = smtp_send(b->smtp, b->e->cfg->programme.address, rcpt, o->data, o->len, &err);
	if (r == SMTP_OK) {
		pace_sent(&b->pace);
		if (rcpts->n > 1)
			log_info("%s #%lld accepted for %s", o->kind, (long long)o->id, rcpt);
		/* order matters: journaled and committed before the next
		 * command, so that neither a crash nor a full disk can send it
		 * to this recipient again */
		if (p->owed.len > 0 || i + 1 < rcpts->n) {
			if (journal_recipient(b, o, rcpt) < 0)
				return -1;
			if (save_owed(b, o, p, rcpts, i + 1) < 0) {
				b->keep_journal = 1;
				return -1;
			}
		}
		return 0;
	}
	pass_add(&p->owed, ",", rcpt);
	if (rcpts->n > 1) {
		pass_add(&p->errors, "; ", rcpt);
		buf_adds(&p->errors, ": ");
		buf_adds(&p->errors, err);
	} else {
		pass_add(&p->errors, "; ", err);
	}
	if (r != SMTP_PERM && smtp_throttled(b->smtp)) {
		/* not the message's failure: the whole queue slows down */
		p->throttled = 1;
		b->stop = 1;
	} else {
		p->temp |= r == SMTP_TEMP;
		p->perm |= r == SMTP_PERM;
		p->down |= r == SMTP_DOWN;
	}
	if (smtp_stalled(b->smtp))
		b->stop = 1;
	if (r == SMTP_DOWN && b->held_for == NULL) {
		b->held_for = held_reason(b, err, smtp_refusal(b->smtp));
		b->account = smtp_refusal(b->smtp) != NULL;
	}
	free(err);
	return 0;
}

/* The row's new state after a pass (sender.h lists the outcomes). */
static int record(struct batch *b, const struct store_outbound *o, struct pass *p)
{
	struct engine *e = b->e;
	long attempts = o->attempts + 1;
	const char *err = p->errors.len > 0 ? p->errors.s : "not sent";
	time_t next = e->now + pace_backoff(attempts);
	char lifetime[32], when[32];

	if (p->owed.len == 0) {
		b->stats->sent++;
		log_info("sent %s #%lld", o->kind, (long long)o->id);
		return journal_add(b, o);
	}
	if (p->perm) {
		b->stats->failed++;
		log_err("%s #%lld failed for good: %s", o->kind, (long long)o->id, err);
		return store_outbound_mark_failed(e->st, o->id, attempts, err);
	}
	if (!p->temp && !p->down && !p->throttled)
		return 0;  /* not tried (the limits): it stays as it is, due */
	if (p->throttled && !p->temp) {
		if (pace_throttled(&b->pace, &next) < 0)
			return -1;
		b->down_until = next;
		time_local_str(next, when, sizeof(when));
		log_warn("smtp: the server asks mentord to slow down (%s); sending resumes at %s",
		    err, when);
		b->stats->retried++;
		/* no attempt counted: the message did nothing wrong */
		return store_outbound_mark_retry(e->st, o->id, o->attempts, next, err);
	}
	if (p->temp && !pace_retry_at(o->queued_at, e->cfg->smtp.queue_lifetime, attempts, e->now,
	    &next)) {
		b->stats->failed++;
		pace_duration_str(e->cfg->smtp.queue_lifetime, lifetime, sizeof(lifetime));
		log_err("%s #%lld failed: still not accepted after %ld attempt(s) over %s"
		    " (smtp.queue_lifetime): %s", o->kind, (long long)o->id, attempts, lifetime, err);
		return store_outbound_mark_failed(e->st, o->id, attempts, err);
	}
	if (p->down && !p->temp) {
		/* a quota passed: the provider's wait, not ours */
		if (b->hold > 0 && next < e->now + b->hold)
			next = e->now + b->hold;
		b->down_until = next;
		log_err("%s #%lld not sent, the server cannot take mail now: %s", o->kind,
		    (long long)o->id, err);
	} else {
		log_warn("%s #%lld will be retried (attempt %ld): %s", o->kind, (long long)o->id,
		    attempts, err);
	}
	b->stats->retried++;
	return store_outbound_mark_retry(e->st, o->id, attempts, next, err);
}

static int deliver(struct batch *b, const struct store_outbound *o)
{
	struct strlist rcpts = { NULL, 0 };
	struct pass p;
	size_t i;
	int ret = 0;

	strlist_split(&rcpts, o->envelope_to, ',');
	if (rcpts.n == 0) {
		b->stats->failed++;
		log_err("%s #%lld has no envelope recipient", o->kind, (long long)o->id);
		return store_outbound_mark_failed(b->e->st, o->id, o->attempts, "no envelope recipient");
	}
	memset(&p, 0, sizeof(p));
	/* what is owed is a part of envelope_to: it cannot grow past it */
	buf_init(&p.owed, strlen(o->envelope_to) + 1);
	buf_init(&p.errors, SMTP_REPLY_BYTES_MAX);
	for (i = 0; i < rcpts.n && ret == 0; i++) {
		if (b->stop || !pace_room(&b->pace))
			pass_add(&p.owed, ",", rcpts.v[i]);  /* not tried */
		else
			ret = try_rcpt(b, o, &rcpts, i, &p);
	}
	/* a database that cannot record a delivery must stop the sending:
	 * what is not recorded would go out again */
	if (ret == 0)
		ret = record(b, o, &p);
	strlist_deinit(&rcpts);
	buf_deinit(&p.owed);
	buf_deinit(&p.errors);
	return ret;
}

/* The held rows share one next_attempt, the end of the hold: the meta
 * row "smtp_held_until" names it, for sender_release_held(). A quota's
 * hold is the provider's and a reload does not end it: it has none. */
#define HELD_KEY "smtp_held_until"
/* Why the queue is held and until when (store.h), removed by the next
 * delivery */
#define REASON_KEY STORE_META_SMTP_HOLD
#define HOLD_UNTIL_KEY STORE_META_SMTP_HOLD_UNTIL

/* The server is unusable: every other due row waits as long as the one
 * tried, without an attempt counted (it was not tried), rather than each
 * coming back at once to find the same closed door. */
static int postpone(struct batch *b, time_t until)
{
	struct engine *e = b->e;
	const char *why = b->held_for != NULL ? b->held_for : "the server cannot take mail now";
	char when[32];
	long n;

	if (store_exec(e->st, "UPDATE outbound SET next_attempt = ? WHERE status = 'queued'"
	    " AND next_attempt < ? AND data IS NOT NULL", "tt", until, until) < 0)
		return -1;
	n = store_changes(e->st);
	if ((b->hold > 0 ? store_exec(e->st, "DELETE FROM meta WHERE key = '" HELD_KEY "'", NULL)
	    : store_exec(e->st, "INSERT OR REPLACE INTO meta(key, value) VALUES('" HELD_KEY "', ?)",
	    "t", until)) < 0)
		return -1;
	time_local_str(until, when, sizeof(when));
	/* a server out of reach is waited for (the health report counts the
	 * hours); a refusal of the account waits for an administrator, and is
	 * said at once, by the health report and the digest */
	if (!b->account) {
		log_err("smtp: sending postponed until %s (%ld more message(s) waiting)", when, n);
		return 0;
	}
	if (store_exec(e->st, "INSERT OR REPLACE INTO meta(key, value) VALUES('" REASON_KEY
	    "', ?), ('" HOLD_UNTIL_KEY "', ?)", "st", why, until) < 0)
		return -1;
	log_err("smtp: sending held until %s (%ld more message(s) waiting): %s", when, n, why);
	return 0;
}

/* A delivery went through: nothing holds the queue any more. */
static int unhold(struct engine *e)
{
	return store_exec(e->st, "DELETE FROM meta WHERE key IN ('" REASON_KEY "', '"
	    HOLD_UNTIL_KEY "')", NULL);
}

static int send_queue(struct batch *b)
{
	struct engine *e = b->e;
	struct store_outbound *rows = NULL;
	char *err = NULL;
	size_t n = 0, i;
	int ret = 0;

	do {
		if (store_outbound_due(e->st, e->now, SENDER_BATCH, &rows, &n) < 0)
			return -1;
		if (n > 0 && b->smtp == NULL && smtp_open(e->cfg, &b->smtp, &err) < 0) {
			log_err("smtp: %s", err);
			free(b->held_for);
			b->held_for = err;
			err = NULL;
			b->stop = 1;
			b->down_until = e->now + PACE_BACKOFF_FIRST;
		}
		for (i = 0; i < n && !b->stop && !b->pace.full && ret == 0; i++)
			if (rows[i].status == OUT_QUEUED)
				ret = deliver(b, &rows[i]);
		store_outbound_free_rows(&rows, n);
		/* before the next query, which would see these rows queued */
		if (journal_flush(b) < 0)
			ret = -1;
	} while (n == SENDER_BATCH && !b->stop && !b->pace.full && ret == 0);
	return ret;
}

/* The batch itself, in the sending process. */
static int send_due(struct engine *e, struct sender_stats *stats)
{
	const char *fault = getenv("MENTORD_FAULT");
	struct batch b;
	int ret;

	memset(&b, 0, sizeof(b));
	b.e = e;
	b.stats = stats;
	b.fault = fault == NULL ? 0 : strcmp(fault, "kill-mid-batch") == 0 ? 1
	    : strcmp(fault, "kill-sender-mid-batch") == 0 ? 2 : 0;
	ret = journal_open(&b);
	if (ret != 0) {
		journal_close(&b);
		stats->full = b.full;
		return ret < 0 ? -1 : 0;
	}
	ret = journal_replay(&b);
	/* order is important: the rows about to be offered are on disk
	 * first, so that a power cut cannot take back a message already
	 * sent and let it be made again under another Message-ID */
	if (ret == 0)
		ret = store_sync(e->st);
	if (ret == 0)
		ret = pace_open(&b.pace, e->st, e->cfg, e->now);
	if (ret == 0)
		ret = send_queue(&b);
	if (ret == 0 && b.pace.full)
		log_info("smtp: %ld sent in the last minute, %ld in the last day (max_per_minute %ld,"
		    " max_recipients_per_day %ld): the rest waits its turn", b.pace.minute, b.pace.day,
		    e->cfg->smtp.max_per_minute, e->cfg->smtp.max_recipients_per_day);
	/* what the server said of SMTPUTF8, for the programme to know
	 * whether it can answer an address in UTF-8 (RFC 6531) */
	if (b.smtp != NULL && smtp_utf8(b.smtp) >= 0 &&
	    store_exec(e->st, "INSERT OR REPLACE INTO meta(key, value) VALUES('smtputf8', ?)", "s",
	    smtp_utf8(b.smtp) ? "1" : "0") < 0)
		ret = -1;
	smtp_close(&b.smtp);
	if (b.down_until != 0 && ret == 0)
		ret = postpone(&b, b.down_until);
	else if (b.stop && ret == 0)
		log_err("smtp: the connection failed; the rest of the queue waits for the next cycle");
	else if (stats->sent > 0 && ret == 0)
		ret = unhold(e);
	free(b.held_for);
	journal_close(&b);
	stats->full = b.full;
	return b.stop || ret < 0 ? -1 : 0;
}

/* The child: its own database connection (SQLite's must never cross a
 * fork, so the parent closed its own first), the batch, the figures back
 * through the pipe. _exit: the parent's atexit handlers and buffers are the
 * parent's. */
static void __attribute__((noreturn)) child(struct engine *e, int out)
{
	struct sender_stats stats;
	char *err = NULL;
	int ret = -1;

	/* SIGTERM ends the sending process at once, wherever it waits: what
	 * it had not journaled is sent again, as after any crash; a reload is
	 * the daemon's, not the batch's */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	memset(&stats, 0, sizeof(stats));
	if (store_open(e->cfg->paths.database, &e->st, &err) < 0) {
		char *room = NULL;

		stats.full = store_room(e->cfg->paths.database, &room) == 1;
		if (!stats.full)
			log_err("database: %s", err);
		free(room);
		free(err);
	} else {
		ret = send_due(e, &stats);
		store_sync_stats(e->st, &stats.syncs, &stats.sync_usec);
		stats.full |= store_full(e->st);
		store_close(&e->st);
	}
	if (write(out, &stats, sizeof(stats)) != (ssize_t)sizeof(stats))
		ret = -1;
	log_flush();
	_exit(ret < 0 ? 1 : 0);
}

/* The sending process, while it runs beside the daemon. */
struct sender_child {
	pid_t pid;
	int fd;             /* its end of the pipe: the figures come there */
	int stopped;        /* asked to stop with SIGTERM */
};

/* The database again after a fork: a full disk may refuse it, and the
 * caller opens it again later. */
static int reopen(struct engine *e)
{
	char *err = NULL;

	if (store_open(e->cfg->paths.database, &e->st, &err) < 0) {
		log_err("database: %s", err);
		free(err);
		return -1;
	}
	return 0;
}

int sender_start(struct engine *e, struct sender_child **child_r)
{
	struct sender_child *c;
	int fds[2], ret = 0;
	pid_t pid;

	*child_r = NULL;
	/* nothing due: the journal is empty too (what it names was due) */
	if (e->dry_run || sender_next_due(e) != 0)
		return 0;
	if (pipe(fds) < 0) {
		log_err("sender: pipe: %s", strerror(errno));
		return -1;
	}
	/* SQLite's connection must never cross a fork: closed, and opened
	 * again on each side; nor must lines not written yet */
	store_close(&e->st);
	log_flush();
	if ((pid = fork()) == 0) {
		close(fds[0]);
		child(e, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		log_err("sender: fork: %s", strerror(errno));
		close(fds[0]);
		ret = -1;
	} else {
		c = xcalloc(1, sizeof(*c));
		c->pid = pid;
		c->fd = fds[0];
		*child_r = c;
	}
	if (reopen(e) < 0)
		ret = -1;
	return ret;
}

int sender_running(struct sender_child *c)
{
	return c != NULL && fd_wait_readable(c->fd, 0, NULL) == 0;
}

int sender_finish(struct engine *e, struct sender_child **cp, struct sender_stats *stats)
{
	struct sender_child *c = *cp;
	struct sender_stats got;
	int status = 0, ret = 0;
	ssize_t n;
	pid_t w;

	if (c == NULL)
		return 0;
	/* `run` asked to stop: the sending process is stopped too, rather
	 * than waited for while a server hangs (the wait ends at once for a
	 * signal, fd_wait_readable()) */
	for (;;) {
		if (e->stop != NULL && *e->stop && !c->stopped)
			c->stopped = kill(c->pid, SIGTERM) == 0;
		/* the child may send for minutes: the watchdog hears meanwhile
		 * that the daemon lives */
		sdnotify_watchdog(e->notify);
		if (fd_wait_readable(c->fd, 1000, c->stopped ? NULL : e->stop) != 0)
			break;
	}
	while ((n = read(c->fd, &got, sizeof(got))) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(got)) {
		stats->sent += got.sent;
		stats->retried += got.retried;
		stats->failed += got.failed;
		stats->syncs += got.syncs;
		stats->sync_usec += got.sync_usec;
		stats->full |= got.full;
	}
	while ((w = waitpid(c->pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0)
		log_err("sender: waitpid: %s", strerror(errno));
	else if (c->stopped && WIFSIGNALED(status))
		log_info("sender: the sending process was stopped; the next run takes over");
	else if (WIFSIGNALED(status))
		log_err("sender: the sending process died of signal %d; the next cycle"
		    " takes over what it had not recorded", WTERMSIG(status));
	if (w < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		ret = -1;
	close(c->fd);
	free(c);
	*cp = NULL;
	return ret;
}

int sender_run(struct engine *e, struct sender_stats *stats)
{
	struct sender_child *c = NULL;
	int ret;

	memset(stats, 0, sizeof(*stats));
	if (e->dry_run)
		return dry_run(e, stats);
	ret = sender_start(e, &c);
	if (sender_finish(e, &c, stats) < 0)
		ret = -1;
	return ret;
}

long sender_release_held(struct engine *e)
{
	long n;

	if (e->dry_run)
		return 0;
	if (store_begin(e->st) < 0)
		return -1;
	if (store_exec(e->st, "UPDATE outbound SET next_attempt = ? WHERE status = 'queued'"
	    " AND next_attempt > ? AND next_attempt = (SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = '" HELD_KEY "')", "tt", e->now, e->now) < 0) {
		store_rollback(e->st);
		return -1;
	}
	n = store_changes(e->st);
	if (store_exec(e->st, "DELETE FROM meta WHERE key = '" HELD_KEY "'", NULL) < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st) < 0 ? -1 : n;
}

long sender_next_due(struct engine *e)
{
	int64_t next = -1;
	long due, wait = 0;

	if (e->dry_run)
		return -1;
	if (store_query_int(e->st, &next, "SELECT coalesce(min(next_attempt), -1) FROM outbound"
	    " WHERE status = 'queued' AND data IS NOT NULL", NULL) < 0 || next < 0)
		return -1;
	due = next <= e->now ? 0 : (long)(next - e->now);
	/* due, but the provider's limits are reached: when they have room */
	if (due == 0 && pace_wait(e->st, e->cfg, e->now, &wait) < 0)
		return -1;
	return due > wait ? due : wait;
}
