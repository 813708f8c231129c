/* probe: `mentord test-send ADDRESS`, one plain message through the
 * configured SMTP server, sent at once and outside the queue, so that an
 * operator can see before the programme opens that the server takes mail
 * from [smtp] user as the programme's address (Microsoft 365's Send As, a
 * Google "Send mail as" address, SMTP AUTH enabled). Prints the server's
 * answer on stdout, or the refusal on stderr with what an administrator
 * must do (net/refusal.h). Nothing is written to the database. Returns
 * the exit status: 0 accepted, 1 refused or not sent, 2 a bad address. */
#ifndef MENTORD_PROBE_H
#define MENTORD_PROBE_H

#include <time.h>

struct config;

int probe_send(const struct config *cfg, const char *address, time_t now);

#endif
