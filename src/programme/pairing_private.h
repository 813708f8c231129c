/* pairing_private: what pairing.c and pairing_consent.c share, for the
 * pairing module's own files only. */
#ifndef MENTORD_PAIRING_PRIVATE_H
#define MENTORD_PAIRING_PRIVATE_H

#include <stdint.h>

struct application;
struct engine;

/* The introduction of an active pair, to both at once, and its invitation
 * to a planned training. */
int pairing_welcome(struct engine *e, int64_t pair, const struct application *mentor,
    const struct application *mentee, int64_t cause, char **error_r);
/* Both sides of a pair just approved (in state consent) are asked,
 * privately, to agree before the introduction. */
int pairing_consent_ask(struct engine *e, int64_t pair, const struct application *mentor,
    const struct application *mentee, int64_t cause, char **error_r);

#endif
