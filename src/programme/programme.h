/* programme: the dispatcher, what the robot does with one inbound message.
 *
 * programme_handle() runs inside the caller's transaction, after the inbound
 * row was inserted: it classifies the message (classify.h) and hands it,
 * through its tables, to the feature that answers it (applicant, committee,
 * training, followup, bounce), which changes the programme's state and
 * queues the answers (notify.h). It does no network I/O. h says what was
 * done, for the log and the inbound row. On -1 the caller rolls back and
 * quarantines the message: *error_r (allocated) says why. */
#ifndef MENTORD_PROGRAMME_H
#define MENTORD_PROGRAMME_H

#include <stdint.h>

#include "inbound.h"

struct engine;
struct mime_msg;

int programme_handle(struct engine *e, const struct mime_msg *m, int64_t inbound_id,
    struct handled *h, char **error_r);

#endif
