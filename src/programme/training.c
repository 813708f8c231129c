/* The training command, the answers to invitations and the reminders. The
 * session and its invitations are invite.h's; an RSVP row per person
 * records the latest answer and the version it was for (see "answers"). */
#include "training.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "engine.h"
#include "ical.h"
#include "invite.h"
#include "mime.h"
#include "inbound.h"
#include "outbox.h"
#include "overview.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define DAY 86400

static time_t start_of(const struct committee_command *cmd)
{
	time_t t[2];

	return time_local_candidates(cmd->year, cmd->month, cmd->day, cmd->hour, cmd->minute, t) == 1
	    ? t[0] : (time_t)-1;
}

/* A time the committee gave must name one instant in the programme's
 * zone: not one the clocks skip in spring, nor one they show twice in
 * autumn (each candidate is named, with its offset). 1 if it does. */
static int start_usable(struct engine *e, const struct committee_command *cmd, struct buf *out)
{
	char when[24], a[32], b[32];
	struct tm tm;
	time_t t[2], before;
	int n = time_local_candidates(cmd->year, cmd->month, cmd->day, cmd->hour, cmd->minute, t);

	snprintf(when, sizeof(when), "%04d-%02d-%02d %02d:%02d", cmd->year, cmd->month, cmd->day,
	    cmd->hour, cmd->minute);
	if (n == 1)
		return 1;
	if (n == 2) {
		localtime_r(&t[0], &tm);
		strftime(a, sizeof(a), "%H:%M %Z (UTC%z)", &tm);
		localtime_r(&t[1], &tm);
		strftime(b, sizeof(b), "%H:%M %Z (UTC%z)", &tm);
		buf_printf(out, "training: %s happens twice in %s, the clocks going back that night:"
		    " %s, or an hour later %s; choose a time outside that hour\n", when,
		    e->cfg->programme.timezone, a, b);
		return 0;
	}
	/* skipped: the same wall-clock time an hour earlier exists */
	before = time_from_local(cmd->year, cmd->month, cmd->day, cmd->hour, cmd->minute);
	if (before != (time_t)-1) {
		localtime_r(&before, &tm);
		strftime(a, sizeof(a), "%H:%M %Z", &tm);
		buf_printf(out, "training: %s does not exist in %s: the clocks skip that hour"
		    " (that time would be %s); choose another time\n", when, e->cfg->programme.timezone, a);
	} else {
		buf_printf(out, "training: %s does not exist in %s; choose another date or time\n", when,
		    e->cfg->programme.timezone);
	}
	return 0;
}

static int create(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    int64_t cause, struct buf *out, char **error_r)
{
	struct store_ids people = { NULL, 0 };
	struct event ev;
	char *title, uid[256];
	time_t start = start_of(cmd);
	int ret = -1;

	memset(&ev, 0, sizeof(ev));
	title = cmd->title != NULL ? xstrdup(cmd->title) : invite_default_title(e, "en");
	if (store_exec(e->st, "INSERT INTO events(cohort_id, uid, sequence, start_at, duration_min, location,"
	    " title, status, created_at, updated_at) VALUES(?, 'pending', 0, ?, ?, ?, ?, 'scheduled', ?, ?)",
	    "itisstt", cohort, start, (int64_t)cmd->duration_min, cmd->location, title, e->now, e->now) < 0)
		goto out;
	snprintf(uid, sizeof(uid), "training-%" PRId64 "-%s@%s", store_last_id(e->st),
	    store_instance(e->st), e->cfg->programme.domain);
	if (store_exec(e->st, "UPDATE events SET uid = ? WHERE id = ?", "si", uid, store_last_id(e->st)) < 0 ||
	    invite_event_by_id(e, store_last_id(e->st), &ev) != 1 || invite_matched_people(e, cohort, &people) < 0)
		goto out;
	if (invite_newcomers(e, &ev, &people, cause, NULL, error_r) < 0)
		goto out;
	buf_printf(out, "training: \"%s\" planned, as session %" PRId64 "; %zu matched people "
	    "invited\n", ev.title, ev.id, people.n);
	ret = 0;
out:
	free(title);
	free(people.v);
	invite_event_deinit(&ev);
	return ret;
}

/* Does the number the line gave (if any) name the planned session? It
 * may be left out: only one is planned at a time. */
static int is_session(const struct event *ev, const struct committee_command *cmd,
    struct buf *out)
{
	if (cmd->n_nums == 0 || cmd->nums[0] == ev->id)
		return 1;
	buf_printf(out, "%s: there is no planned session %ld; the planned one is session %" PRId64
	    " (\"%s\")\n", command_committee_name(cmd->cmd), cmd->nums[0], ev->id, ev->title);
	return 0;
}

/* The planned session, when the line names it or names none: 1, or 0
 * with the reason in out, or -1. */
static int planned(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    struct event *ev, struct buf *out)
{
	int r = invite_event_current(e, cohort, ev);

	if (r <= 0) {
		if (r == 0)
			buf_adds(out, "training: no training is planned\n");
		return r;
	}
	if (!is_session(ev, cmd, out)) {
		invite_event_deinit(ev);
		return 0;
	}
	return 1;
}

/* "training" alone: the sessions, and what can be done with them. */
static int sessions(struct engine *e, int64_t cohort, struct buf *out)
{
	struct event ev;
	int r;

	if (overview_training(e, out) < 0 || (r = invite_event_current(e, cohort, &ev)) < 0)
		return -1;
	if (r == 1) {
		buf_printf(out, "training answers %" PRId64 ": who answered, by name\n"
		    "training update %" PRId64 " 2026-05-15: move it (give only what changes)\n"
		    "training cancel %" PRId64 ": cancel it\n", ev.id, ev.id, ev.id);
		invite_event_deinit(&ev);
	} else {
		buf_adds(out, "to plan one: training 2026-05-14 14:00 2h Room 40-S2-A01, "
		    "Mentoring basics\n");
	}
	return 0;
}

/* "training answers [N]": who answered the session, by name. */
static int answers(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    struct buf *out)
{
	struct event ev;
	int64_t id = cmd->n_nums > 0 ? cmd->nums[0] : 0;
	int r;

	memset(&ev, 0, sizeof(ev));
	r = id != 0 ? invite_event_by_id(e, id, &ev) : invite_event_current(e, cohort, &ev);
	if (r < 0)
		return -1;
	if (r == 0) {
		buf_printf(out, "training answers: %s\n", id != 0 ? "no such session (\"training\" "
		    "lists them)" : "no training is planned");
		return 0;
	}
	buf_printf(out, "training answers: session %" PRId64 ", \"%s\"%s\n", ev.id, ev.title,
	    strcmp(ev.status, "cancelled") == 0 ? " (cancelled: no answer counts)" : "");
	r = overview_training_answers(e, ev.id, out);
	invite_event_deinit(&ev);
	return r;
}

/* "st", "nd", "rd" or "th" after n (English). */
static const char *ordinal_suffix(long n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static int change(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    int64_t cause, struct buf *out, char **error_r)
{
	struct store_ids invited = { NULL, 0 }, people = { NULL, 0 };
	int cancel = cmd->cmd == CCMD_TRAINING_CANCEL;
	struct event ev;
	size_t i, sent = 0;
	int64_t id;
	int r, ret = -1;

	if ((r = planned(e, cohort, cmd, &ev, out)) <= 0)
		return r;
	if (cancel) {
		r = store_exec(e->st, "UPDATE events SET status = 'cancelled', sequence = sequence + 1,"
		    " updated_at = ? WHERE id = ?", "ti", e->now, ev.id);
	} else {
		r = store_exec(e->st, "UPDATE events SET sequence = sequence + 1, start_at = ?,"
		    " duration_min = ?, location = ?, title = coalesce(?, title), updated_at = ? WHERE id = ?",
		    "tissti", start_of(cmd), (int64_t)cmd->duration_min,
		    cmd->location, cmd->title, e->now, ev.id);
	}
	id = ev.id;
	invite_event_deinit(&ev);
	if (r < 0 || invite_event_by_id(e, id, &ev) != 1 || invite_invited_people(e, ev.id, &invited) < 0 ||
	    invite_matched_people(e, cohort, &people) < 0)
		goto out;
	for (i = 0; i < invited.n; i++, sent++)
		if (invite_send(e, &ev, invited.v[i], cancel ? "invitation-cancel" : "invitation-update",
		    cancel ? INVITE_CANCEL : INVITE_REQUEST, cause, error_r) < 0)
			goto out;
	/* people paired since the first invitation are invited now */
	if (!cancel && invite_newcomers(e, &ev, &people, cause, &sent, error_r) < 0)
		goto out;
	if (cancel)
		buf_printf(out, "training cancel: \"%s\" (session %" PRId64 ") is cancelled; the "
		    "cancellation was sent to %zu people\n", ev.title, ev.id, sent);
	else
		buf_printf(out, "training update: \"%s\" (session %" PRId64 "), the %ld%s version of "
		    "the invitation, sent to %zu people\n", ev.title, ev.id, ev.sequence + 1,
		    ordinal_suffix(ev.sequence + 1), sent);
	ret = 0;
out:
	free(invited.v);
	free(people.v);
	invite_event_deinit(&ev);
	return ret;
}

/* An update gives only what changes ("move training to 2026-05-15"):
 * the rest is the planned session's. */
static int update(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    int64_t cause, struct buf *out, char **error_r)
{
	struct committee_command m = *cmd;
	struct event ev;
	struct tm tm;
	int r;

	if ((r = planned(e, cohort, cmd, &ev, out)) <= 0)
		return r;
	localtime_r(&ev.start, &tm);
	if (!(cmd->given & TRAINING_GIVEN_DATE)) {
		m.year = tm.tm_year + 1900;
		m.month = tm.tm_mon + 1;
		m.day = tm.tm_mday;
	}
	if (!(cmd->given & TRAINING_GIVEN_TIME)) {
		m.hour = tm.tm_hour;
		m.minute = tm.tm_min;
	}
	if (!(cmd->given & TRAINING_GIVEN_DURATION))
		m.duration_min = ev.duration;
	if (!(cmd->given & TRAINING_GIVEN_LOCATION))
		m.location = ev.location;
	r = start_usable(e, &m, out) ? change(e, cohort, &m, cause, out, error_r) : 0;
	invite_event_deinit(&ev);
	return r;
}

int training_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r)
{
	struct event ev;
	int64_t cohort = 0;
	int r;

	r = roster_open_cohort(e, &cohort, NULL);
	if (r <= 0) {
		if (r == 0)
			buf_adds(out, "training: no cohort is open\n");
		return r;
	}
	if (cmd->cmd == CCMD_TRAINING_ANSWERS)
		return answers(e, cohort, cmd, out);
	if (cmd->cmd == CCMD_TRAINING && cmd->given == 0)
		return sessions(e, cohort, out);
	if (cmd->cmd == CCMD_TRAINING_UPDATE)
		return update(e, cohort, cmd, cause, out, error_r);
	if (cmd->cmd != CCMD_TRAINING_CANCEL && !start_usable(e, cmd, out))
		return 0;
	if (cmd->cmd != CCMD_TRAINING)
		return change(e, cohort, cmd, cause, out, error_r);
	r = invite_event_current(e, cohort, &ev);
	invite_event_deinit(&ev);
	if (r < 0)
		return -1;
	if (r == 1) {
		buf_adds(out, "training: a training is planned already; use training update or training cancel\n");
		return 0;
	}
	return create(e, cohort, cmd, cause, out, error_r);
}

/* ---- answers ----
 *
 * An answer is for one version of the session (RFC 5546 2.1.5, 3.2.3): a
 * calendar REPLY names its SEQUENCE; a plain reply is for the version the
 * person had when they wrote. It counts only for the session as it
 * stands: an answer to an earlier version, or any answer about a
 * cancelled session, is recorded as stale and never counted (the status
 * and the digest show who answered an earlier version only). Among the
 * answers of one person, a later one wins: higher SEQUENCE, then newer
 * DTSTAMP (for a plain reply, the time it was written). */

enum answer {
	ANSWER_COUNTED,  /* recorded, for the session as it stands */
	ANSWER_STALE,    /* for an earlier version or a cancelled session */
	ANSWER_OLDER,    /* older than the answer recorded: dropped */
};

static const char *const answer_words[] = { "recorded", "recorded as stale, not counted",
	"older than the answer recorded, not counted" };

/* Records person's answer to version seq of ev. -1 on a database error. */
static int record(struct engine *e, const struct event *ev, int64_t person, const char *partstat,
    long seq, time_t stamp, const char *source)
{
	int stale = strcmp(ev->status, "scheduled") != 0 || seq < ev->sequence;

	/* a version still to come cannot be answered: such a SEQUENCE must
	 * not outrank the answers to the real next one */
	if (seq > ev->sequence)
		seq = ev->sequence;
	if (store_exec(e->st, "UPDATE rsvps SET partstat = ?, reply_seq = ?, reply_stamp = ?,"
	    " source = ?, updated_at = ? WHERE event_id = ? AND person_id = ? AND (reply_seq IS NULL"
	    " OR ? > reply_seq OR (? = reply_seq AND ? >= reply_stamp))", "sitstiiiit", partstat,
	    (int64_t)seq, stamp, source, e->now, ev->id, person, (int64_t)seq, (int64_t)seq,
	    stamp) < 0)
		return -1;
	if (stale)
		return ANSWER_STALE;
	return store_changes(e->st) > 0 ? ANSWER_COUNTED : ANSWER_OLDER;
}

static int person_by_address(struct engine *e, const char *address, int64_t *id_r)
{
	*id_r = 0;
	return store_query_int(e->st, id_r, "SELECT id FROM people WHERE address = ?", "s", address);
}

/* 1 if the person was invited to the event (has an RSVP row). */
static int invited(struct engine *e, int64_t event, int64_t person)
{
	int64_t n = 0;

	if (store_query_int(e->st, &n, "SELECT count(*) FROM rsvps WHERE event_id = ? AND person_id = ?",
	    "ii", event, person) < 0)
		return -1;
	return n > 0;
}

static int calendar_fallback(struct msgctx *c, char **error_r)
{
	/* a reply the calendar reader cannot use: its words may do, if it
	 * answers the invitation sent to its sender */
	char *ref_kind = NULL;
	int64_t ref = 0;
	int r = outbox_sent_to(c->e, c->m->in_reply_to, c->m->from_addr, &ref_kind, &ref);

	if (r == 1 && ref_kind != NULL && strcmp(ref_kind, "event") == 0)
		r = training_text_reply(c, ref, error_r);
	else if (r >= 0)
		inbound_leave(c, "calendar reply that could not be read");
	free(ref_kind);
	return r < 0 ? -1 : 1;
}

struct rsvp_of {
	int64_t event, person;
};

static int rsvp_cb(const struct store_row *row, void *arg)
{
	struct rsvp_of *r = arg;

	r->event = store_row_int(row, 0);
	r->person = store_row_int(row, 1);
	return 1;
}

/* Whose answer is this? The UID of a person's own invitation names them,
 * and the ATTENDEE must be that person: nobody else was given that UID.
 * An invitation sent before UIDs were a person's own carries the session's
 * UID, which every participant knows: its answer counts only for the
 * sender's own address. */
static int rsvp_owner(struct msgctx *c, const struct ical_reply *r, struct rsvp_of *o)
{
	int64_t person = 0;

	memset(o, 0, sizeof(*o));
	if (store_query(c->e->st, "SELECT r.event_id, r.person_id FROM rsvps r JOIN people p"
	    " ON p.id = r.person_id WHERE r.uid = ? AND p.address = ?", rsvp_cb, o, "ss", r->uid,
	    r->attendee) < 0)
		return -1;
	if (o->event != 0 || !str_eq_ci(r->attendee, c->m->from_addr))
		return 0;
	if (person_by_address(c->e, r->attendee, &person) < 0)
		return -1;
	return store_query(c->e->st, "SELECT r.event_id, r.person_id FROM rsvps r JOIN events e"
	    " ON e.id = r.event_id WHERE e.uid = ? AND r.person_id = ? AND r.uid IS NULL", rsvp_cb,
	    o, "si", r->uid, person);
}

/* One VEVENT of a reply: what became of it, or 3 when it is about no
 * invitation of ours, -1 on a database error. *why_r says, for a stale
 * one, what the session has become since. */
static int calendar_one(struct msgctx *c, const struct ical_reply *rp, char *why, size_t size)
{
	struct engine *e = c->e;
	struct rsvp_of o;
	struct event ev;
	int r;

	if (rsvp_owner(c, rp, &o) < 0)
		return -1;
	if (o.event == 0)
		return 3;
	if (invite_event_by_id(e, o.event, &ev) != 1) {
		invite_event_deinit(&ev);
		return -1;
	}
	r = record(e, &ev, o.person, rp->partstat, rp->sequence, rp->dtstamp, "calendar");
	if (strcmp(ev.status, "scheduled") != 0)
		snprintf(why, size, "; the training is cancelled");
	else
		snprintf(why, size, "; the invitation is at sequence %ld", ev.sequence);
	invite_event_deinit(&ev);
	return r;
}

int training_calendar_reply(struct msgctx *c, char **error_r)
{
	struct ical_reply *replies = NULL;
	size_t n = 0, i, best_i = 0;
	char why[64], best_why[64] = "";
	int r, best = 3, ret = -1;

	if (ical_parse_reply(c->m->calendar, strlen(c->m->calendar), &replies, &n) < 0 || n == 0)
		return calendar_fallback(c, error_r);
	/* the outcome tells the best of what the VEVENTs found: counted,
	 * then stale, then older */
	for (i = 0; i < n; i++) {
		r = calendar_one(c, &replies[i], why, sizeof(why));
		if (r < 0)
			goto out;
		if (r < best) {
			best = r;
			best_i = i;
			str_copy(best_why, sizeof(best_why), why);
		}
	}
	if (best == 3)
		inbound_leave(c, "calendar reply to no invitation of ours");
	else
		inbound_outcome(c, "calendar answer %s (%s, sequence %ld%s)", answer_words[best],
		    replies[best_i].partstat, replies[best_i].sequence,
		    best == ANSWER_STALE ? best_why : "");
	ret = 1;
out:
	ical_replies_free(&replies, n);
	return ret;
}

/* The outbound row of ours a message replies to among those about the
 * event (In-Reply-To, else the References from the last), or 0. */
static int replied_to(struct msgctx *c, int64_t event, int64_t *id_r)
{
	const struct mime_msg *m = c->m;
	size_t i = m->n_references;
	const char *mid = m->in_reply_to;
	int r;

	*id_r = 0;
	for (;;) {
		char *ref_kind = NULL;
		int64_t id = 0, ref = 0;

		if (mid != NULL) {
			r = store_outbound_by_message_id(c->e->st, mid, &id, NULL, &ref_kind, &ref, NULL);
			if (r < 0)
				return -1;
			if (r == 1 && ref_kind != NULL && strcmp(ref_kind, "event") == 0 && ref == event)
				*id_r = id;
			free(ref_kind);
			if (*id_r != 0)
				return 0;
		}
		if (i == 0)
			return 0;
		mid = m->references[--i];
	}
}

struct sent_row {
	int64_t id;
	time_t sent_at;
};

static int sent_cb(const struct store_row *row, void *arg)
{
	struct sent_row *s = arg;

	s->id = store_row_int(row, 0);
	s->sent_at = (time_t)store_row_int(row, 1);
	return 1;
}

/* The version a plain reply is for: the session as it stands if the
 * person wrote after its latest invitation (or update) reached them, that
 * is replied to it or to a later message, or wrote (Date, else the time
 * it arrived) after it was sent; else an earlier one. */
static int text_version(struct msgctx *c, const struct event *ev, int64_t person, long *seq_r,
    time_t *when_r)
{
	struct sent_row latest = { 0, 0 };
	time_t when = c->m->date > 0 && c->m->date <= c->e->now ? c->m->date : c->e->now;
	int64_t replied = 0;

	*when_r = when;
	*seq_r = ev->sequence;
	if (replied_to(c, ev->id, &replied) < 0 ||
	    store_query(c->e->st, "SELECT id, coalesce(sent_at, 0) FROM outbound WHERE ref_kind = 'event'"
	    " AND ref_id = ? AND person_id = ? AND kind IN ('invitation', 'invitation-update',"
	    " 'invitation-cancel') ORDER BY id DESC LIMIT 1", sent_cb, &latest, "ii", ev->id,
	    person) < 0)
		return -1;
	if (latest.id == 0 || (replied != 0 && replied >= latest.id) ||
	    (latest.sent_at != 0 && latest.sent_at <= when))
		return 0;
	*seq_r = ev->sequence > 0 ? ev->sequence - 1 : 0;
	return 0;
}

int training_text_reply(struct msgctx *c, int64_t event_id, char **error_r)
{
	static const char *const partstat[] = { NULL, "ACCEPTED", "DECLINED", "TENTATIVE" };
	enum rsvp_answer a = command_rsvp_answer(c->text);
	struct event ev;
	int64_t person = 0;
	time_t when = 0;
	long seq = 0;
	int r, ret = -1;

	(void)error_r;
	memset(&ev, 0, sizeof(ev));
	if (person_by_address(c->e, c->m->from_addr, &person) < 0 ||
	    (r = invited(c->e, event_id, person)) < 0)
		return -1;
	if (a == RSVP_NONE || r == 0) {
		inbound_leave(c, "reply to an invitation");
		return 1;
	}
	if (invite_event_by_id(c->e, event_id, &ev) != 1 ||
	    text_version(c, &ev, person, &seq, &when) < 0 ||
	    (r = record(c->e, &ev, person, partstat[a], seq, when, "text")) < 0)
		goto out;
	if (r == ANSWER_STALE && strcmp(ev.status, "scheduled") != 0)
		inbound_outcome(c, "answer to a cancelled training %s (%s)", answer_words[r], partstat[a]);
	else if (r == ANSWER_STALE)
		inbound_outcome(c, "answer to an invitation since updated, written before the update"
		    " reached them, %s (%s)", answer_words[r], partstat[a]);
	else
		inbound_outcome(c, "answer to the invitation %s (%s)", answer_words[r], partstat[a]);
	ret = 1;
out:
	invite_event_deinit(&ev);
	return ret;
}

/* ---- reminders and tally ---- */

struct remind {
	int64_t event, person;
	time_t start;
};

struct reminds {
	struct remind *v;
	size_t n;
};

static int remind_cb(const struct store_row *row, void *arg)
{
	struct reminds *r = arg;

	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n].event = store_row_int(row, 0);
	r->v[r->n].person = store_row_int(row, 1);
	r->v[r->n].start = (time_t)store_row_int(row, 2);
	r->n++;
	return 0;
}

static int remind_all(struct engine *e, char **error_r)
{
	struct reminds due = { NULL, 0 };
	size_t i;
	int ret = -1;

	/* one day before, to everyone invited who has not declined */
	if (store_query(e->st, "SELECT e.id, r.person_id, e.start_at FROM events e JOIN rsvps r"
	    " ON r.event_id = e.id WHERE e.status = 'scheduled' AND e.start_at > ? AND e.start_at <= ?"
	    " AND r.partstat <> 'DECLINED' ORDER BY e.id, r.person_id", remind_cb, &due, "tt",
	    e->now, time_add_days(e->now, 1)) < 0)
		return -1;
	for (i = 0; i < due.n; i++) {
		struct event ev;
		char key[96];
		int r;

		snprintf(key, sizeof(key), "reminder:%" PRId64 ":%lld:%" PRId64, due.v[i].event,
		    (long long)due.v[i].start, due.v[i].person);
		r = store_job_claim(e->st, key, e->now);
		if (r < 0)
			goto out;
		if (r == 0)
			continue;
		if (invite_event_by_id(e, due.v[i].event, &ev) != 1)
			goto out;
		r = invite_send(e, &ev, due.v[i].person, "training-reminder", INVITE_REMINDER, 0, error_r);
		invite_event_deinit(&ev);
		if (r < 0)
			goto out;
	}
	ret = 0;
out:
	free(due.v);
	return ret;
}

static int start_row(const struct store_row *row, void *arg)
{
	time_t *v = arg, t = time_add_days((time_t)store_row_int(row, 0), -1);

	/* ordered by start: the first reminder still ahead is the next */
	if (t > v[0]) {
		if (v[1] == 0 || t < v[1])
			v[1] = t;
		return 1;
	}
	return 0;
}

int training_next_due(struct engine *e, time_t *next)
{
	time_t v[2] = { e->now, *next };

	if (store_query(e->st, "SELECT start_at FROM events WHERE status = 'scheduled' AND start_at > ?"
	    " ORDER BY start_at", start_row, v, "t", e->now) < 0)
		return -1;
	*next = v[1];
	return 0;
}

int training_reminders(struct engine *e, char **error_r)
{
	if (store_begin(e->st) < 0)
		return -1;
	if (remind_all(e, error_r) < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st);
}
