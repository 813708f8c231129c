/* marking: whether the server takes the marks of handled mail (a keyword,
 * a move to processed_mailbox), remembered across cycles.
 *
 * The database, not the server, knows what was handled: a mark the server
 * refuses never stops the reading of new mail, and it is tried again at
 * the next cycle. Each cycle that could not mark adds one to a count;
 * the first failure is a warning, a second one in a row is reported once
 * (marking_failed() says when) and stays in `status --health` and the
 * digest until a cycle marks everything again. Rows of the meta table. */
#ifndef MENTORD_MARKING_H
#define MENTORD_MARKING_H

#include <stdint.h>
#include <time.h>

struct store;

/* Failed cycles in a row after which the trouble is reported. */
#define MARKING_REPORT_AFTER 2

struct marking_state {
	int64_t failures; /* cycles in a row; 0: marking works */
	int64_t since;    /* the first of them */
	char *error;      /* the last failure's words; NULL when none */
};

/* One more failed cycle; *report_r is 1 when this one is to be reported
 * (the count just reached MARKING_REPORT_AFTER), *failures_r the count. */
int marking_failed(struct store *st, time_t now, const char *error, int *report_r,
    int64_t *failures_r);
/* A cycle that marked everything: 1 if it had been failing (say that it
 * works again), 0 if not, -1 on error. */
int marking_ok(struct store *st);
/* The state (error allocated; marking_state_deinit frees it). */
int marking_get(struct store *st, struct marking_state *s);
void marking_state_deinit(struct marking_state *s);

/* What an operator does about it, for the log, the health report and the
 * digest: processed_mailbox NULL when only a keyword is set. */
const char *marking_advice(const char *processed_mailbox);

#endif
