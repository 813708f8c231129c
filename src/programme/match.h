/* match: proposes mentor-mentee pairs for a cohort, with a score and the
 * reasons for each pair and the reason each person is left without one.
 * Pure computation: no I/O, no global state, safe to call from any thread.
 *
 * Rules (doc/DESIGN.md 3.3). Departments, fields, topics, languages and genders
 * are compared after str_fold() (case, Latin accents, punctuation and space
 * do not matter: "Département IT" = "departement it"); addresses
 * case-insensitively. A mentor and a mentee may be paired when
 *   - the mentee's preference is "same-department": same department;
 *   - it is "other-department": different departments and a shared field;
 *   - otherwise (any, or none): same department or a shared field;
 * and never with themself (the same address on both sides), nor with a
 * partner of an earlier cohort (past_partners), nor with one of this
 * cohort whose pairing was ended or did not go ahead (ended_partners: a
 * rematch, a consent declined). A mentor takes at most
 * `capacity` mentees; a mentee gets at most one mentor.
 *
 * Score of an allowed pair, in hundredths of the weights (a weight of 4 is
 * worth 400), each weight rounded to a whole hundredth first:
 *   department   if same department (and the mentee did not ask for another)
 *   field        per shared field, at most 2 counted
 *   topics       per shared topic, at most 3 counted
 *   language     if the same language
 *   preferences  2x if the mentee named the mentor by address (only the
 *                first MATCH_PREF_MENTORS_MAX addresses count), 1x if the
 *                mentor's gender is the preferred one, 1x if the mentee's
 *                department preference (same or other) is satisfied.
 * Only the first MATCH_LIST_ITEMS_MAX distinct items of a list count.
 *
 * Choices (doc/DESIGN.md 3.8). A mentee may have chosen up to
 * MATCH_CHOICES_MAX mentors among anonymous profiles, ranked. A mentor she
 * chose may be paired with her whatever their departments and fields (she
 * knew what she chose), but never with herself nor a partner of an
 * earlier cohort. When any mentee of the input chose, each pair she chose
 * weighs, on top of its score, (4 - rank) x C, where C is one more than
 * the best possible score of a pair: her 1st choice outweighs her 2nd,
 * her 2nd her 3rd, and her 3rd any mentor she did not choose, whatever
 * else the pairs share. The most pairs possible still comes first; among
 * those, the highest total of scores and choice weights wins. A pair's
 * score and the total_score below leave the choice weights out; its
 * choice field and its reasons ("mentee's 1st choice") say the rank.
 *
 * The proposal is optimal: it has the most pairs possible and, among those,
 * the highest total score (one lexicographic objective). It is
 * deterministic: the same input in the same order always gives the same
 * pairs, and among equally good choices the person earlier in the input is
 * served first (two equal mentees competing for one place: the first one
 * gets it; two equal mentors: the first one is chosen). A caller that
 * ranks mentees carried over from a waitlist before newcomers of an equal
 * score puts them first. The reasons say so (carried_from), and say which
 * partner of an earlier cohort was not proposed again. */
#ifndef MENTORD_MATCH_H
#define MENTORD_MATCH_H

#include <stddef.h>
#include <stdint.h>

/* Input bounds: above them match_propose() returns -1. */
#define MATCH_PEOPLE_MAX 20000            /* mentors + mentees */
#define MATCH_ALLOWED_PAIRS_MAX 20000000u /* allowed pairs, 6 bytes each */
#define MATCH_WEIGHT_MAX 100.0            /* each weight in [0, 100] */
#define MATCH_LIST_ITEMS_MAX 20           /* fields or topics counted per person */
#define MATCH_PREF_MENTORS_MAX 3          /* preferred mentors counted per mentee */
#define MATCH_PAST_PARTNERS_MAX 50        /* earlier partners counted per mentee */
#define MATCH_CHOICES_MAX 3               /* mentors chosen per mentee, ranked */
#define MATCH_TEXT_BYTES_MAX 4000         /* one reasons or why text */

struct match_person {
	int64_t id;              /* application id, opaque here */
	const char *name;        /* for the reasons text */
	const char *address;     /* lower case */
	const char *department;  /* as written */
	const char *fields;      /* comma-separated, as written */
	const char *topics;      /* comma-separated, as written, may be NULL */
	const char *language;    /* "en" or "fr" */
	const char *gender;      /* "woman", "man", "nonbinary" or NULL */
	int capacity;            /* mentors: mentees they can take (>= 1) */
	/* mentees only */
	const char *preference;  /* "same-department", "other-department", "any" or NULL (= any) */
	const char *pref_gender; /* preferred mentor gender, NULL or "any" = none */
	const char *pref_mentors; /* up to 3 mentor addresses, comma-separated, or NULL */
	const char *past_partners; /* addresses paired with in earlier cohorts, or NULL */
	const char *carried_from;  /* the cohort whose waitlist they come from, or NULL */
	/* addresses of partners of this cohort whose pairing was ended (a
	 * rematch) or did not go ahead (a consent declined): never proposed
	 * again either, or NULL */
	const char *ended_partners;
	/* the ids of the mentors she chose, 1st choice first; 0: none (an id
	 * that is no mentor's of the input is ignored) */
	int64_t choices[MATCH_CHOICES_MAX];
};

/* As in the [matching] section of the configuration, each in [0, 100]. */
struct match_weights {
	double department, field, topics, language, preferences;
};

struct match_pair {
	size_t mentor, mentee; /* indexes into the input arrays */
	long score;            /* hundredths of the weights, see above */
	int choice;            /* the mentor's rank in the mentee's choice, 1..3; 0: not chosen */
	char *reasons;         /* plain English, "; "-separated */
};

struct match_unmatched {
	size_t mentee_or_mentor; /* index into the input array given by is_mentor */
	int is_mentor;
	char *why;               /* plain English */
};

struct match_result {
	struct match_pair *pairs; /* sorted by mentor, then mentee index */
	size_t n_pairs;
	/* Every mentee without a mentor, then every mentor given no mentee,
	 * each in input order. */
	struct match_unmatched *unmatched;
	size_t n_unmatched;
	long total_score;         /* sum of the pairs' scores (choice weights left out) */
	const char *error;        /* on -1: static text saying why */
};

/* Proposes the pairs for the whole cohort into *r (caller-owned; filled
 * from scratch, whatever it held). String pointers in the input are only
 * read during the call. Returns 0, or -1 with r->error set and nothing
 * else to free when the input is invalid (NULL arrays with a non-zero
 * count, a capacity below 1, a weight outside [0, 100]) or over a bound
 * above. Free the result with match_result_free(). */
int match_propose(const struct match_person *mentors, size_t n_mentors,
    const struct match_person *mentees, size_t n_mentees,
    const struct match_weights *w, struct match_result *r);

/* Scores one pair by the rules above, e.g. for a manual pairing.
 * Returns 1 if the pair is allowed (*reasons_r: the reasons), 0 if not
 * (*reasons_r: why not), -1 on invalid weights (*reasons_r NULL). The
 * caller frees *reasons_r. *score_r is 0 for a pair that is not allowed. */
int match_score(const struct match_person *mentor, const struct match_person *mentee,
    const struct match_weights *w, long *score_r, char **reasons_r);

/* Do two people share a department (the same after str_fold(), not
 * empty) and a field (one item of their comma lists, folded)? For the
 * counts of an edition report; NULL reads as empty. */
void match_shares(const char *department_a, const char *fields_a, const char *department_b,
    const char *fields_b, int *same_department_r, int *shared_field_r);

/* Frees what match_propose() put in r and empties it; NULL-safe. */
void match_result_free(struct match_result *r);

#endif
