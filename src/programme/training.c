/* A training session is one event row per cohort at a time:
 *   scheduled --training update--> scheduled (same UID, SEQUENCE + 1)
 *   scheduled --training cancel--> cancelled (same UID, SEQUENCE + 1, CANCEL)
 * Every person of an active pair of the cohort is invited individually (one
 * message each, one ATTENDEE each: nobody sees the list); an RSVP row per
 * person records invited_seq and the answer, the highest SEQUENCE and then
 * DTSTAMP of a calendar reply winning. */
#include "training.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "committee.h"
#include "config.h"
#include "engine.h"
#include "ical.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "inbound.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define DAY 86400

struct event {
	int64_t id, cohort;
	char *uid, *location, *title, *status;
	long sequence, duration;
	time_t start;
};

static void event_deinit(struct event *ev)
{
	free(ev->uid);
	free(ev->location);
	free(ev->title);
	free(ev->status);
	memset(ev, 0, sizeof(*ev));
}

static int event_cb(const struct store_row *row, void *arg)
{
	struct event *ev = arg;
	const char *s;

	event_deinit(ev);
	ev->id = store_row_int(row, 0);
	ev->cohort = store_row_int(row, 1);
	ev->uid = xstrdup(store_row_text(row, 2));
	ev->sequence = (long)store_row_int(row, 3);
	ev->start = (time_t)store_row_int(row, 4);
	ev->duration = (long)store_row_int(row, 5);
	s = store_row_text(row, 6);
	ev->location = xstrdup(s != NULL ? s : "");
	s = store_row_text(row, 7);
	ev->title = xstrdup(s != NULL ? s : "");
	ev->status = xstrdup(store_row_text(row, 8));
	return 1;
}

#define EVENT_COLS "SELECT id, cohort_id, uid, sequence, start_at, duration_min, location, title, status" \
	" FROM events"

static int event_current(struct engine *e, int64_t cohort, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (store_query(e->st, EVENT_COLS " WHERE cohort_id = ? AND status = 'scheduled'"
	    " ORDER BY id DESC LIMIT 1", event_cb, ev, "i", cohort) < 0)
		return -1;
	return ev->id != 0;
}

static int event_by_id(struct engine *e, int64_t id, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (store_query(e->st, EVENT_COLS " WHERE id = ?", event_cb, ev, "i", id) < 0)
		return -1;
	return ev->id != 0;
}

static void event_vars(struct engine *e, const struct event *ev, struct vars *v)
{
	char date[32], time_s[16], end[16];

	time_local_date(ev->start, date, sizeof(date));
	time_local_hm(ev->start, time_s, sizeof(time_s));
	time_local_hm(ev->start + ev->duration * 60, end, sizeof(end));
	vars_set(v, "title", ev->title);
	vars_set(v, "date", date);
	vars_set(v, "time", time_s);
	vars_set(v, "end_time", end);
	if (ev->duration % 60 == 0)
		vars_setf(v, "duration", "%ld h", ev->duration / 60);
	else if (ev->duration > 60)
		vars_setf(v, "duration", "%ld h %02ld", ev->duration / 60, ev->duration % 60);
	else
		vars_setf(v, "duration", "%ld min", ev->duration);
	vars_set(v, "location", ev->location);
	vars_set(v, "timezone", e->cfg->programme.timezone);
}

enum invite_mode { INVITE_REQUEST, INVITE_CANCEL, INVITE_REMINDER };

/* One invitation (or update, cancellation, reminder) to one person. */
static int send_one(struct engine *e, const struct event *ev, int64_t person, const char *kind,
    enum invite_mode mode, int64_t cause)
{
	int cancel = mode == INVITE_CANCEL;
	struct ical_event ie;
	struct vars v = { { NULL }, { NULL }, 0 };
	char *address = NULL, *name = NULL, *lang = NULL, *cal = NULL, *err = NULL;
	const char *ierr = NULL;
	int r, ret = -1;

	r = roster_person_address(e, person, &address, &name, &lang);
	if (r <= 0)
		return r;
	memset(&ie, 0, sizeof(ie));
	ie.uid = ev->uid;
	ie.sequence = ev->sequence;
	ie.start = ev->start;
	ie.duration_min = ev->duration;
	ie.tzid = e->cfg->programme.timezone;
	ie.summary = ev->title;
	ie.location = ev->location;
	ie.description = e->cfg->programme.name;
	ie.organizer_name = e->cfg->programme.display_name;
	ie.organizer_addr = e->cfg->programme.address;
	ie.attendee_name = name;
	ie.attendee_addr = address;
	ie.dtstamp = e->now;
	if (mode != INVITE_REMINDER && ical_request(&ie, cancel, &cal, &ierr) < 0) {
		log_err("training %" PRId64 ": calendar: %s", ev->id, ierr);
		goto out;
	}
	event_vars(e, ev, &v);
	vars_set(&v, "name", name != NULL ? name : address);
	if (notify_to(e, name, address, lang, &(struct notice){ .kind = kind, .vars = &v,
	    .person_id = person, .cause = cause, .ref_kind = "event", .ref_id = ev->id,
	    .alt_type = cal == NULL ? NULL : cancel ? "text/calendar; charset=UTF-8; method=CANCEL"
	    : "text/calendar; charset=UTF-8; method=REQUEST", .alt_body = cal }, &err) < 0) {
		log_err("training: %s", err);
		goto out;
	}
	if (mode == INVITE_REMINDER) {
		ret = 0;
		goto out;
	}
	ret = store_exec(e->st, "INSERT INTO rsvps(event_id, person_id, invited_seq, invited_at, updated_at)"
	    " VALUES(?, ?, ?, ?, ?) ON CONFLICT(event_id, person_id) DO UPDATE SET"
	    " invited_seq = excluded.invited_seq, invited_at = excluded.invited_at", "iiitt",
	    ev->id, person, (int64_t)ev->sequence, e->now, e->now);
out:
	vars_deinit(&v);
	free(address);
	free(name);
	free(lang);
	free(cal);
	free(err);
	return ret;
}

static int invite(struct engine *e, const struct event *ev, int64_t person, const char *kind,
    int cancel, int64_t cause)
{
	return send_one(e, ev, person, kind, cancel ? INVITE_CANCEL : INVITE_REQUEST, cause);
}

static int invite_reminder(struct engine *e, const struct event *ev, int64_t person)
{
	return send_one(e, ev, person, "training-reminder", INVITE_REMINDER, 0);
}

/* The people of the cohort's active pairs. */
static int matched_people(struct engine *e, int64_t cohort, struct store_ids *ids)
{
	return store_query(e->st, "SELECT DISTINCT a.person_id FROM pairs p JOIN applications a"
	    " ON a.id = p.mentor_app OR a.id = p.mentee_app WHERE p.cohort_id = ? AND p.status = 'active'"
	    " ORDER BY a.person_id", store_ids_row, ids, "i", cohort);
}

static int invited_people(struct engine *e, int64_t event, struct store_ids *ids)
{
	return store_query(e->st, "SELECT person_id FROM rsvps WHERE event_id = ? ORDER BY person_id",
	    store_ids_row, ids, "i", event);
}

static time_t start_of(const struct committee_command *cmd)
{
	return time_from_local(cmd->year, cmd->month, cmd->day, cmd->hour, cmd->minute);
}

static int create(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    int64_t cause, struct buf *out)
{
	struct store_ids people = { NULL, 0 };
	struct event ev;
	char *title, uid[256];
	time_t start = start_of(cmd);
	size_t i;
	int ret = -1;

	memset(&ev, 0, sizeof(ev));
	title = cmd->title != NULL ? xstrdup(cmd->title) : xasprintf("%s training", e->cfg->programme.name);
	if (store_exec(e->st, "INSERT INTO events(cohort_id, uid, sequence, start_at, duration_min, location,"
	    " title, status, created_at, updated_at) VALUES(?, 'pending', 0, ?, ?, ?, ?, 'scheduled', ?, ?)",
	    "itisstt", cohort, start, (int64_t)cmd->duration_min, cmd->location, title, e->now, e->now) < 0)
		goto out;
	snprintf(uid, sizeof(uid), "training-%" PRId64 "-%s@%s", store_last_id(e->st),
	    store_instance(e->st), e->cfg->programme.domain);
	if (store_exec(e->st, "UPDATE events SET uid = ? WHERE id = ?", "si", uid, store_last_id(e->st)) < 0 ||
	    event_by_id(e, store_last_id(e->st), &ev) != 1 || matched_people(e, cohort, &people) < 0)
		goto out;
	for (i = 0; i < people.n; i++)
		if (invite(e, &ev, people.v[i], "invitation", 0, cause) < 0)
			goto out;
	buf_printf(out, "training: \"%s\" planned; %zu matched people invited\n", ev.title, people.n);
	ret = 0;
out:
	free(title);
	free(people.v);
	event_deinit(&ev);
	return ret;
}

static int change(struct engine *e, int64_t cohort, const struct committee_command *cmd,
    int64_t cause, struct buf *out)
{
	struct store_ids invited = { NULL, 0 }, people = { NULL, 0 };
	int cancel = cmd->cmd == CCMD_TRAINING_CANCEL;
	struct event ev;
	size_t i, sent = 0;
	int64_t id;
	int r, ret = -1;

	r = event_current(e, cohort, &ev);
	if (r <= 0) {
		if (r == 0)
			buf_adds(out, "training: no training is planned\n");
		return r;
	}
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
	event_deinit(&ev);
	if (r < 0 || event_by_id(e, id, &ev) != 1 || invited_people(e, ev.id, &invited) < 0 ||
	    matched_people(e, cohort, &people) < 0)
		goto out;
	for (i = 0; i < invited.n; i++, sent++)
		if (invite(e, &ev, invited.v[i], cancel ? "invitation-cancel" : "invitation-update", cancel,
		    cause) < 0)
			goto out;
	/* people paired since the first invitation are invited now */
	for (i = 0; !cancel && i < people.n; i++)
		if (!store_ids_contain(&invited, people.v[i])) {
			if (invite(e, &ev, people.v[i], "invitation", 0, cause) < 0)
				goto out;
			sent++;
		}
	buf_printf(out, "training %s: \"%s\", sequence %ld, sent to %zu people\n",
	    cancel ? "cancel" : "update", ev.title, ev.sequence, sent);
	ret = 0;
out:
	free(invited.v);
	free(people.v);
	event_deinit(&ev);
	return ret;
}

int training_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out)
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
	if (cmd->cmd != CCMD_TRAINING_CANCEL && start_of(cmd) == (time_t)-1) {
		buf_adds(out, "training: that date and time do not exist in the programme's time zone\n");
		return 0;
	}
	if (cmd->cmd != CCMD_TRAINING)
		return change(e, cohort, cmd, cause, out);
	r = event_current(e, cohort, &ev);
	event_deinit(&ev);
	if (r < 0)
		return -1;
	if (r == 1) {
		buf_adds(out, "training: a training is planned already; use training update or training cancel\n");
		return 0;
	}
	return create(e, cohort, cmd, cause, out);
}

int training_pair_added(struct engine *e, int64_t pair, int64_t cause)
{
	struct store_ids people = { NULL, 0 }, invited = { NULL, 0 };
	struct event ev;
	int64_t cohort = 0;
	size_t i;
	int r, ret = -1;

	if (store_query_int(e->st, &cohort, "SELECT cohort_id FROM pairs WHERE id = ?", "i", pair) < 0)
		return -1;
	r = event_current(e, cohort, &ev);
	if (r <= 0 || ev.start <= e->now) {
		event_deinit(&ev);
		return r < 0 ? -1 : 0;
	}
	if (store_query(e->st, "SELECT a.person_id FROM pairs p JOIN applications a ON a.id = p.mentor_app"
	    " OR a.id = p.mentee_app WHERE p.id = ?", store_ids_row, &people, "i", pair) < 0 ||
	    invited_people(e, ev.id, &invited) < 0)
		goto out;
	for (i = 0; i < people.n; i++)
		if (!store_ids_contain(&invited, people.v[i]) && invite(e, &ev, people.v[i], "invitation", 0, cause) < 0)
			goto out;
	ret = 0;
out:
	free(people.v);
	free(invited.v);
	event_deinit(&ev);
	return ret;
}

/* ---- answers ---- */

static int record(struct engine *e, int64_t event, int64_t person, const char *partstat, long seq,
    time_t stamp, const char *source)
{
	/* a later answer wins: higher SEQUENCE, then newer DTSTAMP; a plain
	 * text answer counts as the newest */
	return store_exec(e->st, "UPDATE rsvps SET partstat = ?, reply_seq = ?, reply_stamp = ?,"
	    " source = ?, updated_at = ? WHERE event_id = ? AND person_id = ? AND (reply_seq IS NULL"
	    " OR ? > reply_seq OR (? = reply_seq AND ? >= reply_stamp))", "sitstiiiit", partstat,
	    (int64_t)seq, stamp, source, e->now, event, person, (int64_t)seq, (int64_t)seq, stamp);
}

static int person_by_address(struct engine *e, const char *address, int64_t *id_r)
{
	*id_r = 0;
	return store_query_int(e->st, id_r, "SELECT id FROM people WHERE address = ?", "s", address);
}

int training_calendar_reply(struct msgctx *c, char **error_r)
{
	struct ical_reply *replies = NULL;
	size_t n = 0, i, recorded = 0;
	int ret = -1;

	if (ical_parse_reply(c->m->calendar, strlen(c->m->calendar), &replies, &n) < 0 || n == 0) {
		/* a reply the calendar reader cannot use: its words may do */
		char *kind = NULL, *ref_kind = NULL;
		int64_t ref = 0;
		int r = c->m->in_reply_to != NULL ? store_outbound_by_message_id(c->e->st,
		    c->m->in_reply_to, NULL, &kind, &ref_kind, &ref, NULL) : 0;

		if (r == 1 && ref_kind != NULL && strcmp(ref_kind, "event") == 0)
			r = training_text_reply(c, ref, error_r);
		else if (r >= 0)
			inbound_leave(c, "calendar reply that could not be read");
		free(kind);
		free(ref_kind);
		return r < 0 ? -1 : 1;
	}
	for (i = 0; i < n; i++) {
		int64_t event = 0, person = 0;

		if (store_query_int(c->e->st, &event, "SELECT id FROM events WHERE uid = ?", "s",
		    replies[i].uid) < 0 || person_by_address(c->e, replies[i].attendee, &person) < 0)
			goto out;
		if (event == 0 || person == 0)
			continue;
		if (record(c->e, event, person, replies[i].partstat, replies[i].sequence,
		    replies[i].dtstamp, "calendar") < 0)
			goto out;
		recorded += store_changes(c->e->st) > 0;
	}
	if (recorded == 0)
		inbound_leave(c, "calendar reply to no invitation of ours");
	else
		inbound_outcome(c, "calendar answer recorded (%s)", replies[0].partstat);
	ret = 1;
out:
	ical_replies_free(&replies, n);
	return ret;
}

int training_text_reply(struct msgctx *c, int64_t event_id, char **error_r)
{
	static const char *const partstat[] = { NULL, "ACCEPTED", "DECLINED", "TENTATIVE" };
	enum rsvp_answer a = command_rsvp_answer(c->text);
	int64_t person = 0, invited = 0;

	(void)error_r;
	if (person_by_address(c->e, c->m->from_addr, &person) < 0 ||
	    store_query_int(c->e->st, &invited, "SELECT count(*) FROM rsvps WHERE event_id = ?"
	    " AND person_id = ?", "ii", event_id, person) < 0)
		return -1;
	if (a == RSVP_NONE || invited == 0) {
		inbound_leave(c, "reply to an invitation");
		return 1;
	}
	if (record(c->e, event_id, person, partstat[a], 1L << 30, c->e->now, "text") < 0)
		return -1;
	inbound_outcome(c, "answer to the invitation recorded (%s)", partstat[a]);
	return 1;
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

static int remind_all(struct engine *e)
{
	struct reminds due = { NULL, 0 };
	size_t i;
	int ret = -1;

	/* one day before, to everyone invited who has not declined */
	if (store_query(e->st, "SELECT e.id, r.person_id, e.start_at FROM events e JOIN rsvps r"
	    " ON r.event_id = e.id WHERE e.status = 'scheduled' AND e.start_at > ? AND e.start_at <= ?"
	    " AND r.partstat <> 'DECLINED' ORDER BY e.id, r.person_id", remind_cb, &due, "tt",
	    e->now, e->now + DAY) < 0)
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
		if (event_by_id(e, due.v[i].event, &ev) != 1)
			goto out;
		r = invite_reminder(e, &ev, due.v[i].person);
		event_deinit(&ev);
		if (r < 0)
			goto out;
	}
	ret = 0;
out:
	free(due.v);
	return ret;
}

int training_reminders(struct engine *e)
{
	if (store_begin(e->st) < 0)
		return -1;
	if (remind_all(e) < 0) {
		store_rollback(e->st);
		return -1;
	}
	return store_commit(e->st);
}

static int tally_row(const struct store_row *row, void *arg)
{
	struct buf *b = arg;
	char date[32];

	time_local_str((time_t)store_row_int(row, 1), date, sizeof(date));
	buf_printf(b, "  %s, %s%s: accepted %" PRId64 ", declined %" PRId64 ", tentative %" PRId64
	    ", no answer %" PRId64 "\n", store_row_text(row, 0), date,
	    strcmp(store_row_text(row, 2), "cancelled") == 0 ? " (cancelled)" : "",
	    store_row_int(row, 3), store_row_int(row, 4), store_row_int(row, 5), store_row_int(row, 6));
	return 0;
}

int training_tally(struct engine *e, struct buf *out)
{
	size_t before = out->len;

	if (store_query(e->st, "SELECT e.title, e.start_at, e.status,"
	    " sum(r.partstat = 'ACCEPTED'), sum(r.partstat = 'DECLINED'), sum(r.partstat = 'TENTATIVE'),"
	    " sum(r.partstat NOT IN ('ACCEPTED', 'DECLINED', 'TENTATIVE'))"
	    " FROM events e JOIN rsvps r ON r.event_id = e.id WHERE e.start_at >= ?"
	    " GROUP BY e.id ORDER BY e.start_at", tally_row, out, "t", e->now - 7 * DAY) < 0)
		return -1;
	if (out->len == before)
		buf_adds(out, "  (no training planned)\n");
	return 0;
}
