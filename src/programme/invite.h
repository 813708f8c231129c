/* invite: a cohort's training session and its invitations (doc/DESIGN.md
 * 3.5), the part of training that pairs, the training command and the
 * reminders share. A session is one event row:
 *   scheduled --training update--> scheduled (same UID, SEQUENCE + 1)
 *   scheduled --training cancel--> cancelled (same UID, SEQUENCE + 1, CANCEL)
 * Every person of an active pair of the cohort is invited individually, by
 * iMIP (ical.h): one message and one ATTENDEE each, so that nobody sees the
 * list, and a UID of their own (the session's, keyed with the person), so
 * that a calendar answer carries what only that person was given. Functions
 * return 0, or 1/0 for lookups, or -1 with *error_r as notify.h says. */
#ifndef MENTORD_INVITE_H
#define MENTORD_INVITE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct engine;
struct store_ids;

struct event {
	int64_t id, cohort;
	char *uid, *location, *title, *status;
	long sequence, duration; /* duration in minutes */
	time_t start;
};
void invite_event_deinit(struct event *ev);
/* The title of a session the committee gave no title: "<programme>
 * training" in English (what the event row holds), or in lang. Allocated. */
char *invite_default_title(const struct engine *e, const char *lang);
/* The cohort's scheduled session (1), or none (0). */
int invite_event_current(struct engine *e, int64_t cohort, struct event *ev);
int invite_event_by_id(struct engine *e, int64_t id, struct event *ev);

/* The people of the cohort's active pairs; the people invited to event. */
int invite_matched_people(struct engine *e, int64_t cohort, struct store_ids *ids);
int invite_invited_people(struct engine *e, int64_t event, struct store_ids *ids);

enum invite_mode {
	INVITE_REQUEST,  /* an invitation or its update: METHOD:REQUEST, RSVP row */
	INVITE_CANCEL,   /* METHOD:CANCEL */
	INVITE_REMINDER, /* text only, the day before */
};
/* A new UID for person's invitations to ev: deterministic, keyed (mac.h).
 * It is made for the first invitation only and kept in their RSVP row:
 * updates and the cancellation carry the UID kept there. */
#define INVITE_UID_MAX 320
void invite_person_uid(struct engine *e, const struct event *ev, int64_t person, char *out,
    size_t size);

/* One message about ev to one person (nothing for an erased person). */
int invite_send(struct engine *e, const struct event *ev, int64_t person, const char *kind,
    enum invite_mode mode, int64_t cause, char **error_r);

/* Invites those of people not invited to ev yet; *sent_r (if given)
 * counts them. */
int invite_newcomers(struct engine *e, const struct event *ev, const struct store_ids *people,
    int64_t cause, size_t *sent_r, char **error_r);
/* A pair became active: its people are invited to the cohort's planned
 * session, if one is ahead. */
int invite_pair_added(struct engine *e, int64_t pair, int64_t cause, char **error_r);

#endif
