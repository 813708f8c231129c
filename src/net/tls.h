/* tls: what a server's X.509 certificate says, for the messages that tell
 * the operator why it was refused (GnuTLS). The IMAP session gets the
 * certificate from its own GnuTLS session, the SMTP one from libcurl
 * (CURLINFO_CERTINFO); both name the host names the certificate is for
 * when they are not the one configured (doc/DESIGN.md 7: TLS verified).
 *
 * Nothing here decides whether a certificate is trusted: that is done in
 * the handshake. Pure functions over the bytes given. */
#ifndef MENTORD_TLS_H
#define MENTORD_TLS_H

#include <stddef.h>
#include <time.h>

/* Room for the names of one certificate, as tls_cert_names() writes them. */
#define TLS_NAMES_BYTES 512

/* The host names a certificate (DER bytes, or PEM text when pem is 1) is
 * for: its DNS and IP subjectAltNames, else its subject's common name,
 * joined with ", ", printable ASCII only (anything else from the peer
 * becomes '?'), cut with "..." to fit size. "" when none can be read. */
void tls_cert_names(const void *data, size_t len, int pem, char *out, size_t size);

/* 1 if the certificate (as above) is for host (a DNS name or an IP
 * address, as RFC 6125 and RFC 2818 say), 0 if not, -1 if it cannot be
 * read. */
int tls_cert_for_host(const void *data, size_t len, int pem, const char *host);

/* 1 if the certificate is valid at now (not before its activation, not
 * after its expiration), 0 if not, -1 if it cannot be read. */
int tls_cert_in_date(const void *data, size_t len, int pem, time_t now);

#endif
