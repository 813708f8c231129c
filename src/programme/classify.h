/* classify: what kind of message is this? doc/DESIGN.md section 3.1, in order:
 *
 *   1 own      our own mail come back: a Message-ID we made (keyed, so that
 *              nobody else can make one; our X-Loop or From alone are not)
 *   2 bounce   delivery reports: multipart/report, null return path,
 *              MAILER-DAEMON / postmaster senders
 *   3 auto     automatic replies (RFC 3834 Auto-Submitted, Precedence
 *              bulk/junk/list, X-Autoreply, X-Autorespond, List-Id,
 *              X-Auto-Response-Suppress from Exchange, out-of-office subjects)
 *   4 calendar a text/calendar part with METHOD:REPLY
 *   5 reply    an answer to one of our messages (In-Reply-To or References
 *              naming our Message-ID, or our token in the subject)
 *   6 command  a subject keyword or an application form in the body
 *   7 human    everything else: left for the committee, untouched
 *
 * Pure: our own Message-IDs are recognised through a callback. */
#ifndef MENTORD_CLASSIFY_H
#define MENTORD_CLASSIFY_H

struct mime_msg;

enum msg_class {
	CLASS_OWN,
	CLASS_BOUNCE,
	CLASS_AUTOREPLY,
	CLASS_CALENDAR,
	CLASS_REPLY,
	CLASS_COMMAND,
	CLASS_HUMAN,
};

struct classify_ctx {
	/* 1 if message_id (without brackets) is one we sent */
	int (*is_ours)(const char *message_id, void *arg);
	/* 1 if address is a committee member */
	int (*is_member)(const char *address, void *arg);
	void *arg;
};

struct classification {
	enum msg_class cls;
	const char *reason;      /* static text for the inbound record */
	const char *our_message; /* reply: the Message-ID of ours it answers */
	char token[24];          /* reply: our token found in the subject */
};

/* Is m an answer to, or a forward of, a message that is not ours: the
 * message it answers (In-Reply-To, else its newest reference) is not one
 * of ours, or without either its subject says so (Re:, Fwd:, TR:, ...)? */
int classify_foreign_answer(const struct mime_msg *m, const struct classify_ctx *c);

/* Tokens: "MT-" and 8 characters of an alphabet without look-alikes, shown
 * in subjects as [MT-XXXX-XXXX]. token_new() makes an unguessable one. */
#define TOKEN_LEN 12
void token_new(char out[TOKEN_LEN + 1]);
/* Finds a token in text (case-insensitive); copies it upper-cased. */
int token_find(const char *text, char out[TOKEN_LEN + 1]);

void classify(const struct mime_msg *m, const struct classify_ctx *c, struct classification *r);
const char *classify_name(enum msg_class cls);

/* Parts of the decision, for the programme and for tests. */
int classify_is_autoreply(const struct mime_msg *m);
int classify_is_bounce(const struct mime_msg *m);

#endif
