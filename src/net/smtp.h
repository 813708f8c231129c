/* smtp: delivery to the configured SMTP server, on libcurl (curl_lib.h).
 *
 * libcurl makes the session (TCP, TLS verified against the system's or
 * [smtp] ca_file's certificates, greeting, EHLO, STARTTLS, AUTH PLAIN, LOGIN,
 * XOAUTH2 or OAUTHBEARER); the mail transactions on it are ours, over the same
 * connection for a whole batch: MAIL, RCPT and DATA in one write when the
 * server offers PIPELINING (RFC 2920), RSET after a refusal, QUIT at the end.
 * Authentication is refused over plaintext except to loopback. With
 * [oauth2], the bearer token comes from oauth2_get(); a token refused at
 * AUTH is renewed once and a new connection tried once.
 *
 * Each transaction has exactly one envelope recipient, so that its outcome
 * is that recipient's (a partial RCPT failure cannot hide in a success).
 *
 * smtp_send() classifies the outcome by the reply code and by the command it
 * answered:
 *   SMTP_OK    250 after the final dot: the server took the message.
 *   SMTP_TEMP  the message was offered and may succeed later: a 4xx reply to
 *              MAIL, RCPT, DATA or the final dot; a timeout or a lost
 *              connection after RCPT was sent. After the final dot the
 *              message may have been delivered: the deterministic
 *              Message-ID makes a duplicate recognisable.
 *   SMTP_PERM  a 5xx reply to RCPT, DATA or the final dot, 552 to MAIL, or
 *              an address unusable in an envelope (CR, LF, controls: a
 *              command line cannot be split; refused before it is written).
 *   SMTP_DOWN  the server or our session failed before the message was
 *              offered: connection, TLS (an untrusted certificate), the
 *              greeting, EHLO, STARTTLS, AUTH, a 5xx to MAIL FROM (our own
 *              sender refused: configuration), or no reply to MAIL; and a
 *              refusal of the sender or the account at any command
 *              (refusal.h: Send As denied after DATA, SMTP AUTH disabled,
 *              a sending quota passed). Not the message's fault; nothing
 *              was delivered.
 * *error_r then holds the reason with the server's reply, escaped and at
 * most SMTP_REPLY_BYTES_MAX bytes (allocated).
 *
 * A reused connection that turns out dead before the message was offered
 * is replaced once, transparently. */
#ifndef MENTORD_SMTP_H
#define MENTORD_SMTP_H

#include <stddef.h>

struct config;
struct smtp;

enum smtp_result { SMTP_OK = 0, SMTP_TEMP = 1, SMTP_PERM = 2, SMTP_DOWN = 3 };

/* Prepares a session (no connection yet), loading libcurl the first time.
 * -1 with *error_r if libcurl cannot be loaded, if the secret
 * cannot be read or plaintext authentication would leave the machine. */
int smtp_open(const struct config *cfg, struct smtp **smtp_r, char **error_r);
/* Sends QUIT if connected, closes, wipes the secret. */
void smtp_close(struct smtp **smtp);

enum smtp_result smtp_send(struct smtp *smtp, const char *from, const char *rcpt,
    const char *data, size_t len, char **error_r);

/* After a failed smtp_send(): 1 if the server cannot take mail now (SMTP_DOWN,
 * or a connection it opened for this message was closed by 421, dropped or
 * timed out), so the rest of the batch should wait; 0 if the next message
 * may be tried. */
int smtp_stalled(const struct smtp *smtp);

/* After a failed smtp_send(): 1 if the server asked us to slow down (a
 * 421, or an enhanced status 4.7.x to anything but RCPT: pace.h). */
int smtp_throttled(const struct smtp *smtp);

/* After a failed smtp_send() or smtp_check(): what the refusal says of the
 * account (refusal.h), or NULL when it was not about the account. Valid
 * until the next call on smtp. */
struct refusal;
const struct refusal *smtp_refusal(const struct smtp *smtp);

/* The last reply the server gave, as it gave it (lines joined by " / "):
 * after SMTP_OK, its 250 after the final dot. Not escaped. */
const char *smtp_last_reply(const struct smtp *smtp);

/* Whether the server offers SMTPUTF8 (RFC 6531), as the last session's
 * EHLO said: 1 or 0, or -1 before any session. An address in UTF-8 is
 * refused (SMTP_PERM, nothing written) by a server that does not. */
int smtp_utf8(const struct smtp *smtp);

/* Connects and authenticates without sending, for check-config --connect. */
int smtp_check(const struct config *cfg, char **info_r, char **error_r);

#endif
