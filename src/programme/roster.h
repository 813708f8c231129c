/* roster: people, cohorts, applications and pairs, as the programme logic
 * reads and writes them (SQL through store.h; no I/O of its own).
 *
 * Application states:
 *   pending --confirmed by reply--> confirmed --withdraw confirmed--> withdrawn
 *   pending --confirm_days without confirmation--> expired
 * Pair states:
 *   proposed --approve--> active --unpair, rematch, withdrawal, cohort close--> ended
 *   proposed --reject, a newer proposal, a withdrawal--> rejected
 * and where both sides must agree first ([matching] consent, DESIGN 3.8):
 *   proposed --approve--> consent --both said yes--> active
 *   consent --a no, silence after a nudge, a withdrawal, cohort close--> declined
 * A pair's status changes here only, by roster_pair_move() and
 * roster_pairs_move(), which refuse any other transition: nothing else
 * writes pairs.status.
 *
 * Functions return 0/-1 (database error), or 1/0/-1 for lookups (found or
 * not) and moves (done or refused). Structs own their strings; _deinit
 * frees them. */
#ifndef MENTORD_ROSTER_H
#define MENTORD_ROSTER_H

#include <stdint.h>
#include <time.h>

struct buf;
struct engine;
struct form;
struct strlist;

struct application {
	int64_t id;
	int64_t cohort_id;
	int64_t person_id;
	char *address;
	char *role;        /* "mentor" or "mentee" */
	char *name;
	char *department;
	char *field;
	char *language;
	char *topics;
	char *preference;
	char *pref_gender;
	char *pref_mentors;
	char *gender;
	long capacity;
	char *about;
	char *status;      /* pending, confirmed, withdrawn, expired */
	char *token;
	time_t created_at;
	time_t confirmed_at;
};

void roster_application_deinit(struct application *a);

/* The person with this address, created if new; name and language are
 * updated when given (non-NULL). */
int roster_person(struct engine *e, const char *address, const char *name, const char *language,
    int64_t *id_r);
/* Runs fn in a transaction of its own (a scheduled part): committed if
 * it returns 0, rolled back if -1. */
int roster_transaction(struct engine *e, int (*fn)(struct engine *e, char **error_r),
    char **error_r);
/* The time days calendar days after the one sql gives (one integer, 0
 * for none) lowers *next when it is later than now and earlier than
 * *next (0: none yet): when a scheduled part is next due. */
int roster_next_due(struct engine *e, const char *sql, long days, time_t *next);

/* The words of every name held of the programme's people, of every
 * cohort, added to *words (profile_name_words()): what an anonymous
 * profile must not show. */
int roster_name_words(struct engine *e, struct strlist *words);
/* A mentor's anonymous profile (profile.h) as the programme shows it
 * ([matching] profile_fields), in lang, numbered when number > 0; words:
 * the names not to show, or NULL to read them here. *text_r is
 * allocated. */
int roster_profile(struct engine *e, const struct application *a, const struct strlist *words,
    const char *lang, long number, char **text_r);
/* The recorded language of a person ("en", "fr") or NULL; allocated. */
char *roster_person_language(struct engine *e, const char *address);
int roster_person_address(struct engine *e, int64_t person_id, char **address_r, char **name_r,
    char **lang_r);
/* Mail to this address bounced permanently (info: the status and the
 * server's words); the digest lists it. */
int roster_person_bouncing(struct engine *e, const char *address, const char *info);

/* The open cohort: 1 and its id (and name, allocated, if name_r) or 0. */
int roster_open_cohort(struct engine *e, int64_t *id_r, char **name_r);
int roster_cohort_name(struct engine *e, int64_t id, char **name_r);
/* Opens a new cohort: 1, or 0 if a cohort of that name existed already. */
int roster_cohort_new(struct engine *e, const char *name);
int roster_cohort_close(struct engine *e, int64_t id);

/* The person's live (pending or confirmed) application in the cohort. */
int roster_application_live(struct engine *e, int64_t cohort_id, const char *address,
    struct application *a);
int roster_application_by_id(struct engine *e, int64_t id, struct application *a);
int roster_application_by_token(struct engine *e, const char *token, struct application *a);

/* Inserts a pending application from a valid form; a token is made. */
int roster_application_new(struct engine *e, int64_t cohort_id, int64_t person_id,
    const struct form *f, struct application *a);
/* A confirmed application in cohort_id copied from an earlier one (a
 * waitlisted applicant carrying it over): 1 and *a, or 0 when the earlier
 * one's fields are gone (erased, anonymised). */
int roster_application_carry(struct engine *e, int64_t from_id, int64_t cohort_id,
    struct application *a);
/* Replaces the fields the form holds (its present bits). */
int roster_application_update(struct engine *e, int64_t id, const struct form *f);
int roster_application_set_status(struct engine *e, int64_t id, const char *status);
/* When an application's confirm_days start (doc/DESIGN.md 7), as SQL over
 * a row of applications: when its first confirmation request was sent;
 * NULL while one waits in the queue; when it arrived if none was sent and
 * none waits (a request held back, or failed). */
#define ROSTER_CONFIRM_CLOCK_SQL "coalesce((SELECT min(o.sent_at) FROM outbound o" \
	" WHERE o.ref_kind = 'application' AND o.ref_id = applications.id" \
	" AND o.kind = 'confirm-request' AND o.sent_at IS NOT NULL), CASE WHEN EXISTS(SELECT 1" \
	" FROM outbound o WHERE o.ref_kind = 'application' AND o.ref_id = applications.id" \
	" AND o.kind = 'confirm-request' AND o.status = 'queued') THEN NULL" \
	" ELSE applications.created_at END)"

/* Pending applications expire: those of a cohort (cohort_id), or those
 * whose confirmation clock (ROSTER_CONFIRM_CLOCK_SQL) started at or before
 * `before` (cohort_id 0). */
int roster_applications_expire(struct engine *e, int64_t cohort_id, time_t before);

/* One "Key: value" line of a summary, the lines of a value that has
 * several indented under it, as the form reads them back (form.h);
 * nothing for an empty value. */
void roster_summary_line(struct buf *b, const char *key, const char *value);

/* The application as "Key: value" lines in lang ("en" or "fr"); allocated. */
char *roster_summary(const struct application *a, const char *lang);
/* The role as a word in lang. */
const char *roster_role_word(const char *role, const char *lang);

enum pair_status { PAIR_PROPOSED, PAIR_ACTIVE, PAIR_ENDED, PAIR_REJECTED, PAIR_CONSENT,
	PAIR_DECLINED };

/* A pair as a proposal (or the committee's "pair") makes it: proposed. */
struct pair_proposal {
	int64_t cohort_id, mentor_app, mentee_app;
	int64_t proposal_id;   /* 0: paired by hand, outside a proposal */
	int64_t number;        /* its number in the proposal (0: none) */
	double score;
	const char *reasons;
	int choice_rank;       /* the mentor's rank in the mentee's choice (0: not chosen) */
};
int roster_pair_new(struct engine *e, const struct pair_proposal *p, int64_t *id_r);
/* Records whether the pair shares a department and a field (what an
 * edition report counts, kept when retention removes the applications'
 * fields), unless recorded already or the fields are gone. */
int roster_pair_shares(struct engine *e, int64_t pair);

/* Moves one pair to `to` from the states that lead there (proposed or
 * consent to active, proposed to rejected or consent, consent to
 * declined, active to ended): 1 moved, 0 refused (the pair is not in such
 * a state, or `to` is proposed), -1 database error. A pair made active is
 * introduced now; one ended records now and reason; one declined, now. */
int roster_pair_move(struct engine *e, int64_t pair, enum pair_status to, const char *reason);
/* The same for every pair of a cohort (app_id 0) or of an application
 * (cohort_id 0) that can make the move; returns 0 or -1. */
int roster_pairs_move(struct engine *e, int64_t cohort_id, int64_t app_id, enum pair_status to,
    const char *reason);
/* A pair's check-ins wait until `until` (a "pause" answer). */
int roster_pair_pause(struct engine *e, int64_t pair, time_t until);

/* The active pair the application belongs to: 1 with the partner's
 * application id and the pair id, 0 if none. */
int roster_active_pair_of(struct engine *e, int64_t app_id, int64_t *pair_r, int64_t *partner_r);
/* Active pairs of a mentor. */
int roster_mentor_load(struct engine *e, int64_t app_id, long *n_r);

#endif
