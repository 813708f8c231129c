/* digest: what the committee is sent about the programme: the weekly
 * digest (doc/DESIGN.md 3.6) and, on request, the one-screen status; both
 * are overview.h's text. Functions return 0, or -1 with an allocated
 * reason in *error_r (NULL for a database error, which store.h has
 * logged). Nothing here logs. */
#ifndef MENTORD_DIGEST_H
#define MENTORD_DIGEST_H

#include <stdint.h>
#include <time.h>

struct buf;
struct committee_command;
struct engine;

/* Queues the digest to the committee members. */
int digest_send(struct engine *e, int64_t cause, char **error_r);
/* Appends the one-screen status (0 or -1). */
int digest_status(struct engine *e, struct buf *out);
/* The committee's "digest" (sent now) and "status" (appended to out). */
int digest_command(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
/* The weekly digest if due at e->now (once per week, keyed), in a
 * transaction of its own. */
int digest_due(struct engine *e, char **error_r);
/* Lowers *next (0: none yet) to the next digest slot after e->now. */
void digest_next_due(struct engine *e, time_t *next);

#endif
