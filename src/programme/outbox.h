/* outbox: turns a decision to write to someone into a queued, fully
 * rendered message, inside the caller's transaction.
 *
 * The row is inserted first, so that its id gives the deterministic
 * Message-ID <mentord.ID.TAG@domain>, TAG a keyed tag of the row
 * (core/mac.h) that only this instance can make: a reply that names it
 * carries what the robot gave its recipients alone, where a row number
 * could be guessed. The template is rendered in the recipient's language
 * (bilingual when lang is NULL), composed, and stored with the row, with
 * its recipients as queued. Nothing is sent here: the sender delivers
 * committed rows, answers (answer_to set: Auto-Submitted: auto-replied)
 * before the rest. */
#ifndef MENTORD_OUTBOX_H
#define MENTORD_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "compose.h"

struct engine;
struct mime_msg;
struct vars;

#define OUTBOX_TO_MAX 8

struct outbox_msg {
	const char *kind;        /* X-Mentord-Kind, doc/DESIGN.md 3.5 */
	const char *tmpl;        /* template name; NULL: same as kind */
	const char *lang;        /* "en" or "fr"; NULL: bilingual */
	struct compose_addr to[OUTBOX_TO_MAX];
	size_t n_to;
	const struct compose_addr *reply_to; /* NULL: none */
	const struct mime_msg *answer_to;    /* the message answered, or NULL */
	struct vars *vars;       /* the template's variables; common ones added */
	int64_t person_id;
	int64_t cause_inbound;
	const char *ref_kind;    /* what a reply to this message refers to */
	int64_t ref_id;
	const char *alt_type;    /* optional second alternative (iCalendar) */
	const char *alt_body;
	const char *attach_type; /* optional attachment (a report's CSV), compose.h */
	const char *attach_name;
	const char *attach_body;
	const char *file_type;   /* optional binary file beside it (a report's PDF), compose.h */
	const char *file_name;
	const void *file_data;
	size_t file_len;
	int scrub;               /* its copy goes once it is sent (erasure) */
};

/* Adds a recipient (name may be NULL). */
void outbox_to(struct outbox_msg *m, const char *name, const char *addr);

/* Queues the message; *id_r (if given) is its row. Returns -1 with an
 * allocated reason on a template or compose error, or a database error.
 *
 * Backscatter (doc/DESIGN.md 7): an address that has not proven itself
 * (outbox_proven) is sent nothing it did not ask for: only an answer
 * (answer_to set) to a message of its that has had none yet, at most
 * [programme] max_answers_per_unproven_address a day; anything else for it
 * is held back: 0 is returned with *id_r 0 and nothing queued
 * (outbox_held_why() says why). Those answers, across all such addresses,
 * go at most max_unproven_per_hour an hour, the confirmation request for
 * an application first; the others wait for an hour with room. The
 * committee's addresses are never held. */
int outbox_queue(struct engine *e, const struct outbox_msg *m, int64_t *id_r, char **error_r);

/* Why outbox_queue() would hold m back (a static string), or NULL. */
const char *outbox_held_why(struct engine *e, const struct outbox_msg *m);

/* The address has shown it is who it claims: its From was authenticated,
 * or it answered with what we had sent it alone. 0 or -1. */
int outbox_proven(struct engine *e, const char *address);

/* The Message-ID our outbound row id has, without brackets (allocated). */
char *outbox_message_id(struct engine *e, int64_t id);

/* Is message_id (without brackets) one of ours that was sent to address?
 * 1 with what a reply to it refers to (*ref_kind_r allocated or NULL,
 * *ref_id_r), 0 if not, -1 on a database error. A reply counts as an
 * answer only from someone the message went to: anyone may forge From. */
int outbox_sent_to(struct engine *e, const char *message_id, const char *address,
    char **ref_kind_r, int64_t *ref_id_r);

#endif
