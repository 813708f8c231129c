/* smtp: delivery to the configured SMTP server (the only user of libcurl).
 *
 * One session reuses one connection for a batch of messages. TLS is verified;
 * plaintext authentication is refused except to loopback (config checks it).
 *
 * smtp_send() classifies the outcome:
 *   SMTP_OK    the server accepted the message (250 after the final dot);
 *   SMTP_TEMP  try again later: a 4xx reply, a network error, a timeout, or a
 *              connection lost after the final dot (which may have delivered:
 *              the deterministic Message-ID makes a duplicate recognisable);
 *   SMTP_PERM  a 5xx reply: do not try again.
 * *error_r then holds the server's reply or the reason (allocated). */
#ifndef MENTORD_SMTP_H
#define MENTORD_SMTP_H

#include <stddef.h>

struct config;
struct smtp;

enum smtp_result { SMTP_OK = 0, SMTP_TEMP = 1, SMTP_PERM = 2 };

int smtp_open(const struct config *cfg, struct smtp **smtp_r, char **error_r);
void smtp_close(struct smtp **smtp);

enum smtp_result smtp_send(struct smtp *smtp, const char *from, const char *const *rcpts,
    size_t n_rcpts, const char *data, size_t len, char **error_r);

/* Connects and authenticates without sending, for check-config --connect. */
int smtp_check(const struct config *cfg, char **info_r, char **error_r);

/* Global set-up of libcurl, once per process. */
void smtp_global_init(void);

#endif
