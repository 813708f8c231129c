/* standing: where an applicant stands, in words she can act on. Why the
 * proposal left her without a partner, for the waitlist notice: nobody of
 * the other role with room in her field this round, or her preference
 * narrowed the choice; and when the next round is expected. Reads the
 * store only. */
#ifndef MENTORD_STANDING_H
#define MENTORD_STANDING_H

struct application;
struct engine;
struct vars;

/* Sets the waitlist notice's variables for a (its language's words):
 * "no_room" ("1" when no confirmed applicant of the other role with room
 * shares one of her fields), "narrowed" ("1" when some do, and her
 * preference of department, gender or mentors narrowed the choice),
 * "other" (the other role's word), "field" (hers), "next" (the next round
 * as the committee recorded it, "" if not). 0, or -1 on a database
 * error. */
int standing_waitlist_vars(struct engine *e, const struct application *a, struct vars *v);

#endif
