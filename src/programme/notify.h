/* notify: the robot's ways of writing to people, over outbox.h. Every
 * message the features queue goes through one of these, so that the
 * language, the recipients, the threading and the daily limit are decided
 * in one place.
 *
 *   notify_answer     the sender of the message being handled, threaded
 *                     under it, at most max_answers_per_day a day
 *   notify_committee  the committee's notify list (or every member)
 *   notify_person     the person of an application
 *   notify_to         a person known by address (and chosen language)
 *   notify_pair       a mentor and a mentee together (introductions)
 *
 * What to send is one struct notice, written with designated initialisers
 * so that a call names what it sets and nothing else:
 *
 *   notify_answer(c, &(struct notice){ .kind = "help", .vars = &v,
 *       .lang = notify_language(c->e, plang, NULL, 0) }, error_r);
 *
 * Every function returns 0, or -1 with an allocated reason in *error_r (a
 * template or compose error), or -1 and *error_r left NULL for a database
 * error (store.h has logged it). Nothing is sent here: rows are queued in
 * the caller's transaction. */
#ifndef MENTORD_NOTIFY_H
#define MENTORD_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct application;
struct engine;
struct msgctx;
struct vars;

struct notice {
	const char *kind;       /* X-Mentord-Kind (doc/DESIGN.md 3.5) */
	const char *tmpl;       /* the template; NULL: the kind's own */
	struct vars *vars;      /* the template's variables (common ones added) */
	const char *lang;       /* notify_answer: from notify_language(); NULL: bilingual */
	const char *ref_kind;   /* what a reply to this message refers to ... */
	int64_t ref_id;         /* ... and its row */
	int64_t person_id;      /* whose message it is (0: nobody's); notify_person: the application's */
	int64_t cause;          /* the inbound row that caused it; notify_answer: the message's */
	const char *reply_to;   /* notify_committee: where a member's reply goes (NULL: us) */
	int all_members;        /* notify_committee: every member, not only the notify list */
	const char *alt_type;   /* a second alternative (an invitation's calendar) */
	const char *alt_body;
	const char *attach_type; /* an attachment (a report's CSV): type, file name, text */
	const char *attach_name;
	const char *attach_body;
	const char *file_type;  /* a binary file beside it (a report's PDF): type, name, bytes */
	const char *file_name;
	const void *file_data;
	size_t file_len;
	int scrub;              /* it names someone being erased: no copy once sent */
};

/* The one rule for the language a person is written in (doc/DESIGN.md
 * 3.5): the language they chose (their application's, or the one recorded
 * for them), else the language they wrote in (the keyword of their subject,
 * their form), else the programme's language for someone the programme
 * knows (a participant, a committee member: known = 1), else NULL: an
 * unknown sender reads both. Only "en" and "fr" count; the result is one of
 * the arguments, a static string or NULL. */
const char *notify_language(const struct engine *e, const char *chosen, const char *written,
    int known);

/* 1 if one more answer to address is allowed today (and counts it), 0 if
 * the daily limit is reached, -1 on a database error. Committee members
 * are never limited. */
int notify_answer_allowed(struct engine *e, const char *address);

/* The sender of c->m, threaded under their message. When the daily limit
 * for that sender is reached, or the sender has not proven their address
 * and may not be answered now (outbox.h), nothing is queued, 0 is returned,
 * c->h->withheld names the kind held back and withheld_why says why.
 * The other notify functions write nothing an unproven address did not
 * ask for (outbox.h). */
int notify_answer(struct msgctx *c, const struct notice *n, char **error_r);
/* The committee, in the programme's language; the template's name is "" unless set. */
int notify_committee(struct engine *e, const struct notice *n, char **error_r);
/* The person of an application, in their language. */
int notify_person(struct engine *e, const struct application *a, const struct notice *n,
    char **error_r);
/* May c->m's sender cause one more notice to the committee today? 1: yes.
 * 0: they are past [committee] max_notices_per_sender today: the message
 * is left for the committee (in the mailbox, listed in the digest), and
 * the first time it happens one notice says so, standing for all the
 * others of the day. -1 on an error. Members are never limited. */
int notify_committee_from(struct msgctx *c, char **error_r);
/* A person by address, in chosen (notify_language(chosen, NULL, 1)). */
int notify_to(struct engine *e, const char *name, const char *address, const char *chosen,
    const struct notice *n, char **error_r);
/* A mentor and a mentee in one message: in the language they share, else in both. */
int notify_pair(struct engine *e, const struct application *mentor,
    const struct application *mentee, const struct notice *n, char **error_r);

#endif
