/* inbound: one message being handled by the programme logic.
 *
 * The dispatcher (programme.h) fills a msgctx for each message and hands it
 * to the feature that answers it; the feature says what it did in
 * c->h->outcome, which the daemon logs and records with the inbound row.
 * An outcome is short and never holds confidential text (a case's words, a
 * form's values): the log names what happened, not what was said. */
#ifndef MENTORD_INBOUND_H
#define MENTORD_INBOUND_H

#include <stdint.h>

struct engine;
struct mime_msg;

struct handled {
	const char *class_name; /* static */
	char outcome[160];      /* short, never confidential text */
	int needs_flag;         /* 1: handled; flag it on the server */
	const char *withheld;   /* the kind of an answer held back ... */
	const char *withheld_why; /* ... and why (static) */
};

/* One message being handled. text is the sender's own words: quotes and
 * signature stripped (allocated, freed by the dispatcher). */
struct msgctx {
	struct engine *e;
	const struct mime_msg *m;
	int64_t inbound_id;
	struct handled *h;
	char *text;
	/* it answers a message of ours sent to its sender alone (its keyed
	 * Message-ID in In-Reply-To or References): the address is who it
	 * claims, as a trusted Authentication-Results would say */
	int replied;
};

/* Says what was done with the message (printf-like, cut to fit). */
void inbound_outcome(struct msgctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Leaves the message for the committee: not flagged, listed in the digest
 * as human mail; why is part of the outcome. */
void inbound_leave(struct msgctx *c, const char *why);
/* Does the receiving server prove the From of m (auth.h), by what the
 * configuration trusts ([committee] authserv_id, trust_spf, domains, and
 * the marks of [programme] provider)? 1 or 0. */
int inbound_sender_proven(const struct engine *e, const struct mime_msg *m);

#endif
