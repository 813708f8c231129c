/* bounce: delivery reports for our mail (doc/DESIGN.md 3.1). A permanent
 * failure marks the outbound row bounced and the address bouncing, which
 * the digest shows; a delay or a report of another kind is only recorded.
 * Same return rule as applicant.h. */
#ifndef MENTORD_BOUNCE_H
#define MENTORD_BOUNCE_H

struct msgctx;

int bounce_report(struct msgctx *c, char **error_r);

#endif
