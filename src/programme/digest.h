/* digest: what the committee sees: the weekly digest (doc/DESIGN.md 3.6) and the
 * one-screen status, as plain text with aligned columns. No case text ever
 * appears: cases are listed by number, age and status only. */
#ifndef MENTORD_DIGEST_H
#define MENTORD_DIGEST_H

#include <stdint.h>

struct buf;
struct engine;

/* Queues the digest to the committee members. */
int digest_send(struct engine *e, int64_t cause);
/* Appends the one-screen status. */
int digest_status(struct engine *e, struct buf *out);
/* The weekly digest if due at e->now (once per week, keyed). */
int digest_due(struct engine *e);

#endif
