/* dsn: what a delivery report says about a message we sent.
 *
 * Pure, over a parsed message (struct mime_msg). Reads RFC 3464 delivery
 * status fields (message/delivery-status, or the same fields written in the
 * text by MTAs that strip the MIME structure), and the non-standard bounces
 * of qmail ("Hi. This is the qmail-send program"), Exim, Postfix, Sendmail,
 * Exchange and Office 365, Lotus Domino, Gmail, Yahoo, AOL and others:
 * the failed recipient (a bare address line, "<addr>:", "addr on <date>",
 * the To of the returned message...), an RFC 3463 status code in the text
 * (or one made from the SMTP reply code: 550 gives "5.0.0"), the remote
 * server's words, and the Message-ID of the returned message.
 *
 * A message is read as a delivery report only when it is one: a
 * delivery-status report, or mail from an MTA (MAILER-DAEMON, postmaster,
 * the null return path) or with a bounce subject; ordinary mail, even with
 * a message attached, is not.
 *
 * Disposition notifications (RFC 8098 MDN, report-type
 * disposition-notification) and abuse feedback reports (RFC 5965 ARF,
 * report-type feedback-report) are not delivery reports: dsn_parse()
 * returns 0 for them and sets neither permanent nor temporary. */
#ifndef MENTORD_DSN_H
#define MENTORD_DSN_H

struct arena;
struct mime_msg;

struct dsn {
	const char *recipient;   /* lower-cased address that failed, or NULL */
	const char *status;      /* "5.1.1" (RFC 3463), or NULL */
	const char *action;      /* "failed", "delayed", "delivered", "relayed", "expanded", or NULL */
	const char *diagnostic;  /* the remote server's words, one line, bounded, or NULL */
	const char *original_message_id; /* without brackets, or NULL */
	int permanent;           /* 1: the address is bad (5.x.x, or action failed
				  * without a status) */
	int temporary;           /* 1: a delay (4.x.x, even with action failed,
				  * or delayed); never both */
};

/* 1: a delivery report we understand (d filled, strings in the arena: at
 * least a recipient, a status or an action was found); 0: not a delivery
 * report (d cleared). With several recipients, the first that failed is
 * reported, else the first delayed, else the first. */
int dsn_parse(struct arena *a, const struct mime_msg *m, struct dsn *d);

#endif
