/* Invitations: one message per person, one ATTENDEE each, so that nobody
 * sees the list; a person's RSVP row records the SEQUENCE they were last
 * invited with. */
#include "invite.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "ical.h"
#include "mac.h"
#include "notify.h"
#include "roster.h"
#include "store.h"
#include "template.h"
#include "util.h"

void invite_event_deinit(struct event *ev)
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

	invite_event_deinit(ev);
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

int invite_event_current(struct engine *e, int64_t cohort, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (store_query(e->st, EVENT_COLS " WHERE cohort_id = ? AND status = 'scheduled'"
	    " ORDER BY id DESC LIMIT 1", event_cb, ev, "i", cohort) < 0)
		return -1;
	return ev->id != 0;
}

int invite_event_by_id(struct engine *e, int64_t id, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (store_query(e->st, EVENT_COLS " WHERE id = ?", event_cb, ev, "i", id) < 0)
		return -1;
	return ev->id != 0;
}

/* The title a session gets when the committee gives none, in each
 * language: words around the programme's name. */
static const struct {
	const char *lang, *before, *after;
} default_titles[] = {
	{ "en", "", " training" },
	{ "fr", "Formation ", "" },
};

char *invite_default_title(const struct engine *e, const char *lang)
{
	size_t i = 0, k;

	for (k = 0; k < ARRAY_SIZE(default_titles); k++)
		if (lang != NULL && strcmp(lang, default_titles[k].lang) == 0)
			i = k;
	return xasprintf("%s%s%s", default_titles[i].before, e->cfg->programme.name,
	    default_titles[i].after);
}

/* The session's title for a reader of lang: the committee's words, or the
 * default title (stored in English) in lang. */
static char *title_in(const struct engine *e, const struct event *ev, const char *lang)
{
	char *en = invite_default_title(e, "en");

	if (strcmp(ev->title, en) != 0 && ev->title[0] != '\0') {
		free(en);
		return xstrdup(ev->title);
	}
	free(en);
	return invite_default_title(e, lang);
}

static void event_vars(struct engine *e, const struct event *ev, const char *lang,
    struct vars *v)
{
	char date[32], time_s[16], end[16], *title = title_in(e, ev, lang);

	time_local_date(ev->start, date, sizeof(date));
	time_local_hm(ev->start, time_s, sizeof(time_s));
	time_local_hm(ev->start + ev->duration * 60, end, sizeof(end));
	vars_set(v, "title", title);
	free(title);
	vars_set(v, "date", date);
	vars_set(v, "weekday", time_local_weekday(ev->start, lang));
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

void invite_person_uid(struct engine *e, const struct event *ev, int64_t person, char *out,
    size_t size)
{
	char text[320], tag[21];

	snprintf(text, sizeof(text), "rsvp.%s.%" PRId64, ev->uid, person);
	mac_tag(store_key(e->st), text, tag, 20);
	snprintf(out, size, "training-%" PRId64 "-%s@%s", ev->id, tag, e->cfg->programme.domain);
}

/* The invitation's calendar for one person, under their own UID: SUMMARY and DESCRIPTION are
 * the calendar-entry template in their language, since calendar views
 * (Thunderbird's above all) show them instead of the text part. */
static int calendar(struct engine *e, const struct event *ev, const char *uid, const char *name,
    const char *address, const char *lang, int cancel, struct vars *v, char **cal_r,
    char **error_r)
{
	struct ical_event ie;
	char *summary = NULL, *description = NULL;
	const char *ierr = NULL;
	int ret = -1;

	vars_set(v, "programme", e->cfg->programme.name);
	vars_set(v, "address", e->cfg->programme.address);
	vars_set(v, "tag", e->cfg->programme.subject_tag);
	vars_set(v, "cancelled", cancel ? "1" : "");
	if (template_render_paragraphs(&e->dirs, lang, "calendar-entry", v, &summary,
	    &description, error_r) < 0)
		return -1;
	str_trim(description);
	memset(&ie, 0, sizeof(ie));
	ie.uid = uid;
	ie.sequence = ev->sequence;
	ie.start = ev->start;
	ie.duration_min = ev->duration;
	ie.tzid = e->cfg->programme.timezone;
	ie.summary = summary[0] != '\0' ? summary : vars_get(v, "title");
	ie.location = ev->location;
	ie.description = description;
	ie.organizer_name = e->cfg->programme.display_name;
	ie.organizer_addr = e->cfg->programme.address;
	ie.attendee_name = name;
	ie.attendee_addr = address;
	ie.dtstamp = e->now;
	if (ical_request(&ie, cancel, cal_r, &ierr) < 0) {
		*error_r = xasprintf("training %" PRId64 ": calendar: %s", ev->id, ierr);
		goto out;
	}
	ret = 0;
out:
	free(summary);
	free(description);
	return ret;
}

/* The UID the person's calendar knows ev by: the one their invitation
 * carried, kept in their RSVP row (whatever the key is now: mac.h); the
 * session's own for an invitation sent before UIDs were a person's own,
 * whose row has none (*legacy_r 1, and the row keeps none); else a new one
 * of their own. An update or a cancellation under another UID would be a
 * second entry in their calendar, and the first would stay. */
static int person_uid(struct engine *e, const struct event *ev, int64_t person, char *out,
    size_t size, int *legacy_r)
{
	int64_t rows = 0;
	char *kept = NULL;

	*legacy_r = 0;
	if (store_query_int(e->st, &rows, "SELECT count(*) FROM rsvps WHERE event_id = ?"
	    " AND person_id = ?", "ii", ev->id, person) < 0 ||
	    store_query_text(e->st, &kept, "SELECT uid FROM rsvps WHERE event_id = ?"
	    " AND person_id = ?", "ii", ev->id, person) < 0)
		return -1;
	if (kept != NULL) {
		str_copy(out, size, kept);
	} else if (rows > 0) {
		str_copy(out, size, ev->uid);
		*legacy_r = 1;
	} else {
		invite_person_uid(e, ev, person, out, size);
	}
	free(kept);
	return 0;
}

/* The calendar part, under a file name for the clients that list it as
 * an attachment (RFC 2045 5.1 "name", as common clients write it). */
#define CALENDAR_TYPE(method) "text/calendar; charset=UTF-8; method=" method "; name=\"invite.ics\""

int invite_send(struct engine *e, const struct event *ev, int64_t person, const char *kind,
    enum invite_mode mode, int64_t cause, char **error_r)
{
	int cancel = mode == INVITE_CANCEL;
	struct vars v = { { NULL }, { NULL }, 0 };
	char *address = NULL, *name = NULL, *lang = NULL, *cal = NULL, uid[INVITE_UID_MAX];
	const char *l;
	int r, legacy = 0, ret = -1;

	r = roster_person_address(e, person, &address, &name, &lang);
	if (r <= 0)
		return r;
	if (person_uid(e, ev, person, uid, sizeof(uid), &legacy) < 0)
		goto out;
	/* the language notify_to() writes them in */
	l = notify_language(e, lang, NULL, 1);
	event_vars(e, ev, l, &v);
	vars_set(&v, "name", name != NULL ? name : address);
	if (mode != INVITE_REMINDER &&
	    calendar(e, ev, uid, name, address, l, cancel, &v, &cal, error_r) < 0)
		goto out;
	if (notify_to(e, name, address, lang, &(struct notice){ .kind = kind, .vars = &v,
	    .person_id = person, .cause = cause, .ref_kind = "event", .ref_id = ev->id,
	    .alt_type = cal == NULL ? NULL : cancel ? CALENDAR_TYPE("CANCEL")
	    : CALENDAR_TYPE("REQUEST"), .alt_body = cal }, error_r) < 0)
		goto out;
	if (mode == INVITE_REMINDER) {
		ret = 0;
		goto out;
	}
	ret = store_exec(e->st, "INSERT INTO rsvps(event_id, person_id, invited_seq, invited_at, updated_at,"
	    " uid) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(event_id, person_id) DO UPDATE SET"
	    " invited_seq = excluded.invited_seq, invited_at = excluded.invited_at, uid = excluded.uid",
	    "iiitts", ev->id, person, (int64_t)ev->sequence, e->now, e->now, legacy ? NULL : uid);
out:
	vars_deinit(&v);
	free(address);
	free(name);
	free(lang);
	free(cal);
	return ret;
}

/* The people of the cohort's active pairs. */
int invite_matched_people(struct engine *e, int64_t cohort, struct store_ids *ids)
{
	return store_query(e->st, "SELECT DISTINCT a.person_id FROM pairs p JOIN applications a"
	    " ON a.id = p.mentor_app OR a.id = p.mentee_app WHERE p.cohort_id = ? AND p.status = 'active'"
	    " ORDER BY a.person_id", store_ids_row, ids, "i", cohort);
}

int invite_invited_people(struct engine *e, int64_t event, struct store_ids *ids)
{
	return store_query(e->st, "SELECT person_id FROM rsvps WHERE event_id = ? ORDER BY person_id",
	    store_ids_row, ids, "i", event);
}

int invite_newcomers(struct engine *e, const struct event *ev, const struct store_ids *people,
    int64_t cause, size_t *sent_r, char **error_r)
{
	struct store_ids invited = { NULL, 0 };
	size_t i;
	int ret = -1;

	if (invite_invited_people(e, ev->id, &invited) < 0)
		return -1;
	for (i = 0; i < people->n; i++) {
		if (store_ids_contain(&invited, people->v[i]))
			continue;
		if (invite_send(e, ev, people->v[i], "invitation", INVITE_REQUEST, cause, error_r) < 0)
			goto out;
		if (sent_r != NULL)
			(*sent_r)++;
	}
	ret = 0;
out:
	free(invited.v);
	return ret;
}

int invite_pair_added(struct engine *e, int64_t pair, int64_t cause, char **error_r)
{
	struct store_ids people = { NULL, 0 };
	struct event ev;
	int64_t cohort = 0;
	int r, ret = -1;

	if (store_query_int(e->st, &cohort, "SELECT cohort_id FROM pairs WHERE id = ?", "i", pair) < 0)
		return -1;
	r = invite_event_current(e, cohort, &ev);
	if (r <= 0 || ev.start <= e->now) {
		invite_event_deinit(&ev);
		return r < 0 ? -1 : 0;
	}
	if (store_query(e->st, "SELECT a.person_id FROM pairs p JOIN applications a ON a.id = p.mentor_app"
	    " OR a.id = p.mentee_app WHERE p.id = ?", store_ids_row, &people, "i", pair) < 0)
		goto out;
	ret = invite_newcomers(e, &ev, &people, cause, NULL, error_r);
out:
	free(people.v);
	invite_event_deinit(&ev);
	return ret;
}
