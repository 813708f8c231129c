/* sched: what the programme clock says is due at engine->now (check-ins,
 * nudges, training reminders, digests, feedback requests, expiry of
 * unconfirmed applications, retention). Each job has a key in the jobs table
 * and is done at most once, whatever the restarts: a daemon that was down
 * catches up once, not once per missed period. */
#ifndef MENTORD_SCHED_H
#define MENTORD_SCHED_H

#include <time.h>

struct engine;

int sched_run(struct engine *e);
/* The next time after engine->now at which a job falls due (0: none, or
 * -1 on a database error), so that an idle daemon sleeps until then. */
time_t sched_next_due(struct engine *e);

#endif
