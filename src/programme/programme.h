/* programme: what the robot does with one inbound message.
 *
 * programme_handle() runs inside the caller's transaction, after the inbound
 * row was inserted: it classifies the message (classify.h), changes the
 * programme's state and queues the answers (outbox.h). It does no network
 * I/O. On -1 the caller rolls back and quarantines the message. */
#ifndef MENTORD_PROGRAMME_H
#define MENTORD_PROGRAMME_H

#include <stdint.h>

struct engine;
struct mime_msg;

struct handled {
	const char *class_name; /* static */
	char outcome[160];      /* short, never confidential text */
	int needs_flag;         /* 1: handled; flag it on the server */
};

int programme_handle(struct engine *e, const struct mime_msg *m, int64_t inbound_id,
    struct handled *h, char **error_r);

/* Counts an answer to address today; 0 if the daily limit is reached (the
 * answer must then not be sent), 1 if allowed, -1 on error. */
int programme_answer_allowed(struct engine *e, const char *address);

/* One message being handled, for the handler modules (applicant.c,
 * committee.c, ...). text is the sender's own words: quotes and signature
 * stripped (allocated, freed by the dispatcher). */
struct vars;
struct msgctx {
	struct engine *e;
	const struct mime_msg *m;
	int64_t inbound_id;
	struct handled *h;
	char *text;
};

/* Queues an answer to the sender of c->m: template tmpl (kind when NULL)
 * in lang (NULL: bilingual), threaded under their message, unless the
 * daily limit for that sender is reached (then nothing is queued, 0 is
 * returned and the outcome says so). ref_kind/ref_id say what a reply to
 * this answer refers to. */
int programme_answer(struct msgctx *c, const char *kind, const char *tmpl, const char *lang,
    struct vars *v, const char *ref_kind, int64_t ref_id, int64_t person_id, char **error_r);

/* Queues one message to the committee's notify list (or all members when
 * members is 1), in the programme's language; reply_to may be NULL. */
int programme_to_committee(struct engine *e, int members, const char *kind, const char *tmpl,
    struct vars *v, const char *reply_to, int64_t cause_inbound, const char *ref_kind,
    int64_t ref_id, char **error_r);

/* Queues one message to the person of an application, in their language. */
struct application;
int programme_to_person(struct engine *e, const struct application *a, const char *kind,
    const char *tmpl, struct vars *v, int64_t cause_inbound, char **error_r);

/* Leaves the message for the committee: not flagged, listed in the digest. */
void programme_leave(struct msgctx *c, const char *why);

#endif
