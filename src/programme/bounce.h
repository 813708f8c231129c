/* bounce: delivery reports for our mail (doc/DESIGN.md 3.1). A report
 * counts only when it names a message of ours (its Message-ID) and, when it
 * names a recipient, one that message was sent to: anyone can write a
 * report. A permanent failure then marks the outbound row bounced and the
 * address bouncing, which the digest shows; a delay, a report of another
 * kind or one that matches nothing of ours is only recorded. Same return
 * rule as applicant.h. */
#ifndef MENTORD_BOUNCE_H
#define MENTORD_BOUNCE_H

struct msgctx;

int bounce_report(struct msgctx *c, char **error_r);

#endif
