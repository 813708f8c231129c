/* choosing: mentees choose their mentor among anonymous profiles
 * (doc/DESIGN.md 3.8).
 *   profiles   (committee) each confirmed mentee of the open cohort who
 *              has no partner and was not sent the profiles yet gets one
 *              message in her language: the mentors who still have room,
 *              each as an anonymous profile under her number (a mentor
 *              keeps her number for the cohort, so that a choice made
 *              from an earlier message still means her)
 *   a reply    to that message (or to the acknowledgement) records her
 *              ranked choice and her motivation (choice.h), and says what
 *              was recorded, or why nothing was; she may choose again
 *              until [matching] choices_days after the profiles went
 * match (pairing.c) reads the choices; the digest lists who chose. The
 * committee command follows pairing.h's rule, the reply applicant.h's. */
#ifndef MENTORD_CHOOSING_H
#define MENTORD_CHOOSING_H

#include <stdint.h>

struct buf;
struct committee_command;
struct engine;
struct msgctx;

int choosing_profiles(struct engine *e, const struct committee_command *cmd, int64_t cause,
    struct buf *out, char **error_r);
/* A reply to the profiles sent for the mentee application mentee_app. */
int choosing_reply(struct msgctx *c, int64_t mentee_app, char **error_r);

#endif
