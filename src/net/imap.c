/* The transport under libetpan is ours: a TCP socket with a deadline on
 * every connect, read and write, and for tls and starttls a GnuTLS session
 * that verifies the server's certificate chain and host name (libetpan's
 * own TLS streams do neither). It is plugged in as a mailstream_low driver,
 * so that libetpan only speaks IMAP.
 *
 * A session goes through these states:
 *   TCP connected --tls: handshake--> greeting read
 *   --starttls: STARTTLS, nothing buffered allowed, handshake, CAPABILITY
 *   --> login (PLAIN, LOGIN, XOAUTH2 or OAUTHBEARER) --> CAPABILITY when the login answer
 *   had none --> authenticated --imap_select--> selected <--> IDLE.
 * Invariant: once a read or write failed (timeout, reset, TLS alert), the
 * connection is "broken": every later read or write fails at once, and
 * imap_close() does not wait for a LOGOUT answer. imap_idle() always leaves
 * IDLE before it returns, so the session is never left idling. */
#include "imap.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "imap_answer.h"
#include "log.h"
#include "oauth2.h"
#include "tls.h"
#include "util.h"

/* Characters of UIDs in one command: a long set is cut into several
 * commands so that a line stays well under what servers accept (RFC 7162
 * section 4 asks clients to stay under 8192 octets). */
/* RFC 2177: a server may drop a client idle for 30 minutes, so IDLE is
 * left and entered again before that. */
#define IMAP_IDLE_MAX_MS (29 * 60 * 1000)
/* LOGOUT is a courtesy: its answer is awaited this long at most (SIGTERM
 * ends `run` within a second, a server that hangs or not). */
#define IMAP_LOGOUT_TIMEOUT_MS 400

struct conn {
	int fd;
	int timeout_ms;
	int broken;       /* a read or write failed: see the invariant above */
	const char *host; /* the configuration's, for messages */
	long port;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
	char error[256];  /* what the failed read or write met */
	/* the server's words as they come (conn_watch()): libetpan keeps
	 * no BYE, whose words say why the session ended */
	long literal_left;  /* bytes of a literal still to come */
	char line[IMAP_ANSWER_TEXT_MAX]; /* the start of the line being read */
	size_t line_len;
	char tail[24];      /* its last bytes, where a literal is announced */
	size_t tail_len;
	char bye[IMAP_ANSWER_TEXT_MAX]; /* the last "* BYE" line; "" if none */
};

struct imap {
	mailimap *session;
	const struct config *cfg;
	struct conn *conn;     /* owned by the stream, which the session owns */
	char *mailbox;
	char *tls_desc;        /* protocol and cipher; NULL without TLS */
	const char *auth_used; /* the mechanism that logged in */
	int token_renewed;     /* a refused token was renewed (oauth2.h) */
	int keywords;          /* the selected mailbox keeps keywords (\\*) */
	time_t token_expires;  /* the session's access token; 0: none */
	time_t token_obtained;
	char alert[IMAP_ANSWER_TEXT_MAX]; /* the last [ALERT] logged */
};

/* What the server last asked of the caller (imap_hint_get()): one
 * process has one session at a time. */
static struct imap_hint last_hint;

/* libetpan constructors return NULL only when out of memory. */
static void *need(void *p)
{
	if (p == NULL)
		fatal("out of memory");
	return p;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready (0) or the deadline passed (-1, errno ETIMEDOUT).
 * A signal ends the wait too (-1, errno EINTR): `run` catches only the
 * signals that stop it or reload it, and neither should wait for a server
 * that does not answer. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int64_t left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r < 0)
			return -1;
	}
}

/* ---- transport ---- */

/* Marks the connection broken and says why; err is an errno value, 0 for
 * "closed by the peer", or -1 with a GnuTLS code in tls_err. */
static ssize_t conn_fail(struct conn *c, int err, int tls_err)
{
	c->broken = 1;
	if (err == ETIMEDOUT)
		snprintf(c->error, sizeof(c->error), "no answer from %s port %ld within %d s", c->host,
		    c->port, c->timeout_ms / 1000);
	else if (err == 0)
		snprintf(c->error, sizeof(c->error), "%s port %ld closed the connection", c->host, c->port);
	else if (err == -1)
		snprintf(c->error, sizeof(c->error), "TLS with %s: %s", c->host, gnutls_strerror(tls_err));
	else if (err == EINTR)
		snprintf(c->error, sizeof(c->error), "waiting for %s port %ld: interrupted by a signal",
		    c->host, c->port);
	else
		snprintf(c->error, sizeof(c->error), "%s port %ld: %s", c->host, c->port, strerror(err));
	return -1;
}

static long literal_size(const char *line);

/* Follows what the server says, line by line, past literals (a message's
 * bytes are never read as lines), and keeps the last untagged BYE. */
static void conn_watch(struct conn *c, const char *p, size_t n)
{
	const char *nl;
	size_t take, k;
	long lit;

	while (n > 0) {
		if (c->literal_left > 0) {
			take = (size_t)c->literal_left < n ? (size_t)c->literal_left : n;
			c->literal_left -= (long)take;
			p += take;
			n -= take;
			continue;
		}
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) + 1 : n;
		k = take < sizeof(c->line) - 1 - c->line_len ? take : sizeof(c->line) - 1 - c->line_len;
		memcpy(c->line + c->line_len, p, k);
		c->line_len += k;
		c->line[c->line_len] = '\0';
		if (take >= sizeof(c->tail) - 1) {
			memcpy(c->tail, p + take - (sizeof(c->tail) - 1), sizeof(c->tail) - 1);
			c->tail_len = sizeof(c->tail) - 1;
		} else {
			if (c->tail_len + take > sizeof(c->tail) - 1) {
				k = c->tail_len + take - (sizeof(c->tail) - 1);
				memmove(c->tail, c->tail + k, c->tail_len - k);
				c->tail_len -= k;
			}
			memcpy(c->tail + c->tail_len, p, take);
			c->tail_len += take;
		}
		c->tail[c->tail_len] = '\0';
		p += take;
		n -= take;
		if (nl == NULL)
			continue;
		if (strncasecmp(c->line, "* BYE ", 6) == 0)
			str_copy(c->bye, sizeof(c->bye), c->line + 2);
		lit = literal_size(c->tail);
		c->literal_left = lit > 0 ? lit : 0;
		c->line_len = 0;
		c->tail_len = 0;
	}
}

static ssize_t conn_read(mailstream_low *s, void *buf, size_t count)
{
	struct conn *c = s->data;
	int64_t deadline = now_ms() + c->timeout_ms;
	ssize_t n;

	if (c->broken)
		return -1;
	for (;;) {
		/* records GnuTLS has already decrypted do not show on the fd */
		if ((c->tls == NULL || gnutls_record_check_pending(c->tls) == 0) &&
		    wait_fd(c->fd, POLLIN, deadline) < 0)
			return conn_fail(c, errno, 0);
		if (c->tls != NULL) {
			n = gnutls_record_recv(c->tls, buf, count);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				continue;
			if (n < 0)
				return conn_fail(c, -1, (int)n);
		} else {
			n = recv(c->fd, buf, count, 0);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				continue;
			if (n < 0)
				return conn_fail(c, errno, 0);
		}
		if (n == 0)
			return conn_fail(c, 0, 0);
		conn_watch(c, buf, (size_t)n);
		return n;
	}
}

static ssize_t conn_write(mailstream_low *s, const void *buf, size_t count)
{
	struct conn *c = s->data;
	int64_t deadline = now_ms() + c->timeout_ms;
	ssize_t n;

	if (c->broken)
		return -1;
	for (;;) {
		if (wait_fd(c->fd, POLLOUT, deadline) < 0)
			return conn_fail(c, errno, 0);
		if (c->tls != NULL) {
			n = gnutls_record_send(c->tls, buf, count);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				continue;
			if (n < 0)
				return conn_fail(c, -1, (int)n);
		} else {
			/* `once` does not ignore SIGPIPE: never raise it */
			n = send(c->fd, buf, count, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				continue;
			if (n < 0)
				return conn_fail(c, errno, 0);
		}
		return n;
	}
}

static int conn_close(mailstream_low *s)
{
	struct conn *c = s->data;

	/* one try only: the socket is non-blocking and this is a courtesy */
	if (c->tls != NULL && !c->broken)
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return 0;
}

static int conn_get_fd(mailstream_low *s)
{
	return ((struct conn *)s->data)->fd;
}

static void conn_free(mailstream_low *s)
{
	struct conn *c = s->data;

	if (c->tls != NULL)
		gnutls_deinit(c->tls);
	if (c->cred != NULL)
		gnutls_certificate_free_credentials(c->cred);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	free(s);
}

static void conn_cancel(mailstream_low *s)
{
	(void)s;
}

static struct mailstream_cancel *conn_get_cancel(mailstream_low *s)
{
	(void)s;
	return NULL;
}

static mailstream_low_driver conn_driver = {
	.mailstream_read = conn_read,
	.mailstream_write = conn_write,
	.mailstream_close = conn_close,
	.mailstream_get_fd = conn_get_fd,
	.mailstream_free = conn_free,
	.mailstream_cancel = conn_cancel,
	.mailstream_get_cancel = conn_get_cancel,
};

static int addr_is_loopback(const struct sockaddr_storage *sa)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

	if (sa->ss_family == AF_INET)
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
	if (sa->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		    (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127);
	return 0;
}

/* Plaintext goes only to this machine: the configuration checked the name,
 * this checks where the name led. */
static int peer_is_loopback(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	return getpeername(fd, (struct sockaddr *)&sa, &len) == 0 && addr_is_loopback(&sa);
}

static int host_is_ip(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* Connects within timeout_ms per address; returns the socket (non-blocking)
 * or -1. */
static int tcp_connect(const char *host, long port, int timeout_ms, char **error_r)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	int fd = -1, r, err = 0, soerr;
	socklen_t len;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%ld", port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r != 0) {
		*error_r = xasprintf("IMAP: cannot resolve %s: %s", host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		soerr = 0;
		len = sizeof(soerr);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && wait_fd(fd, POLLOUT, now_ms() + timeout_ms) == 0 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0))
			break;
		err = soerr != 0 ? soerr : errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0 && err == ETIMEDOUT)
		*error_r = xasprintf("IMAP: cannot connect to %s port %ld: no answer within %d s", host,
		    port, timeout_ms / 1000);
	else if (fd < 0)
		*error_r = xasprintf("IMAP: cannot connect to %s port %ld: %s", host, port, strerror(err));
	return fd;
}

/* Why the certificate was refused, and what the operator can do: the
 * names it is for when they are not the host's; for an unknown issuer, to
 * set ca_file, or when it is set, that its authorities did not sign it. */
static char *tls_untrusted(const struct conn *c, unsigned status, const char *ca_file)
{
	gnutls_datum_t out = { NULL, 0 };
	const gnutls_datum_t *peer;
	char names[TLS_NAMES_BYTES] = "", *hint = NULL, *msg;
	unsigned n = 0;

	peer = gnutls_certificate_get_peers(c->tls, &n);
	if (peer != NULL && n > 0)
		tls_cert_names(peer[0].data, peer[0].size, 0, names, sizeof(names));
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		hint = names[0] != '\0' ? xasprintf(" (the certificate is for %s, not for %s)", names,
		    c->host) : xstrdup(" (the certificate is not for this host name)");
	else if ((status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA)) &&
	    ca_file == NULL)
		hint = xstrdup(" (for a private certificate authority, set ca_file in [imap])");
	else if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
		hint = xasprintf(" (signed by an authority neither in ca_file %s nor among the"
		    " system's)", ca_file);
	gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0);
	msg = xasprintf("IMAP: TLS: the certificate of %s is not trusted: %s%s", c->host,
	    out.data != NULL ? (const char *)out.data : "verification failed",
	    hint != NULL ? hint : "");
	gnutls_free(out.data);
	free(hint);
	return msg;
}

static int tls_setup(struct conn *c, const char *ca_file, char **error_r)
{
	if (gnutls_certificate_allocate_credentials(&c->cred) < 0 ||
	    gnutls_certificate_set_x509_system_trust(c->cred) < 0) {
		*error_r = xstrdup("IMAP: TLS: cannot load the system's trusted certificates");
		return -1;
	}
	if (ca_file != NULL && gnutls_certificate_set_x509_trust_file(c->cred, ca_file,
	    GNUTLS_X509_FMT_PEM) <= 0) {
		*error_r = xasprintf("IMAP: TLS: cannot read trusted certificates from %s", ca_file);
		return -1;
	}
	if (gnutls_init(&c->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL) < 0 ||
	    gnutls_set_default_priority(c->tls) < 0 ||
	    gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, c->cred) < 0) {
		*error_r = xstrdup("IMAP: TLS: cannot set up a session");
		return -1;
	}
	/* RFC 6066 section 3: no literal address as server name */
	if (!host_is_ip(c->host))
		gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, c->host, strlen(c->host));
	/* the chain against the trust store, and the name (DNS or IP) against
	 * the certificate, both inside the handshake */
	gnutls_session_set_verify_cert(c->tls, c->host, 0);
	gnutls_transport_set_int(c->tls, c->fd);
	/* tls_start() keeps the deadline itself */
	gnutls_handshake_set_timeout(c->tls, GNUTLS_INDEFINITE_TIMEOUT);
	return 0;
}

/* TLS handshake on c->fd within the timeout, the certificate verified. */
static int tls_start(struct conn *c, const char *ca_file, char **error_r)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	unsigned n = 0;
	int r;

	if (tls_setup(c, ca_file, error_r) < 0)
		return -1;
	do {
		r = gnutls_handshake(c->tls);
		if ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) &&
		    wait_fd(c->fd, gnutls_record_get_direction(c->tls) ? POLLOUT : POLLIN, deadline) < 0) {
			c->broken = 1;
			if (errno == EINTR)
				*error_r = xasprintf("IMAP: TLS handshake with %s port %ld: interrupted by a signal",
				    c->host, c->port);
			else
				*error_r = xasprintf("IMAP: TLS handshake with %s port %ld: no answer within %d s",
				    c->host, c->port, c->timeout_ms / 1000);
			return -1;
		}
	} while (r < 0 && gnutls_error_is_fatal(r) == 0);
	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		*error_r = tls_untrusted(c, gnutls_session_get_verify_cert_status(c->tls), ca_file);
		c->broken = 1;
		return -1;
	}
	if (r < 0) {
		*error_r = xasprintf("IMAP: TLS handshake with %s port %ld: %s", c->host, c->port,
		    gnutls_strerror(r));
		c->broken = 1;
		return -1;
	}
	/* belt and braces: a handshake without a verified X.509 certificate
	 * (no certificate, another type) is refused too */
	if (gnutls_certificate_type_get(c->tls) != GNUTLS_CRT_X509 ||
	    gnutls_certificate_get_peers(c->tls, &n) == NULL || n == 0 ||
	    gnutls_session_get_verify_cert_status(c->tls) != 0) {
		*error_r = xasprintf("IMAP: TLS: the certificate of %s could not be verified", c->host);
		c->broken = 1;
		return -1;
	}
	return 0;
}

static const char *etpan_error_text(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		return "the connection failed";
	case MAILIMAP_ERROR_PARSE:
		return "the server's answer could not be understood";
	case MAILIMAP_ERROR_PROTOCOL:
		return "the server answered BAD or out of turn";
	case MAILIMAP_ERROR_FATAL:
		return "the server ended the session (BYE)";
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return "the server refused the connection";
	case MAILIMAP_ERROR_BAD_STATE:
		return "command not possible in this state";
	default:
		return "the command failed";
	}
}

void imap_hint_get(struct imap_hint *h)
{
	*h = last_hint;
}

void imap_hint_clear(void)
{
	memset(&last_hint, 0, sizeof(last_hint));
}

/* What an answer asks of the robot: an [ALERT] is logged in the server's
 * words (RFC 3501 7.1: it must be shown), once while it stays the same; a
 * suggested wait and a routine end are kept for the caller. */
static void heard(struct imap *m, const struct imap_answer *a)
{
	char esc[IMAP_ANSWER_TEXT_MAX + 64];

	if (a->code == IMAP_CODE_ALERT && strcmp(m->alert, a->text) != 0) {
		str_copy(m->alert, sizeof(m->alert), a->text);
		log_escape(a->text, esc, sizeof(esc));
		log_warn("IMAP: %s says: %s", m->cfg->imap.host, esc);
	}
	if (a->backoff_ms > 0)
		last_hint.wait_ms = a->backoff_ms;
	if (a->token_expired)
		last_hint.routine = 1;
}

/* The server's answer to the last command libetpan ran: its code (an
 * [ALERT] first) and its words. */
static void session_answer(struct imap *m, const char *status, struct imap_answer *a)
{
	struct mailimap_response_info *ri = m->session != NULL ? m->session->imap_response_info : NULL;
	const char *resp = m->session != NULL ? m->session->imap_response : NULL;

	if (ri != NULL && ri->rsp_alert != NULL) {
		imap_answer_from(a, status, "ALERT", ri->rsp_alert);
		heard(m, a);
	}
	imap_answer_from(a, status, ri != NULL ? ri->rsp_atom : NULL, resp);
	heard(m, a);
}

/* An answer's words for a message: "[CODE] text (meaning)", escaped. */
static void answer_words(const struct imap_answer *a, char *out, size_t size)
{
	char esc[IMAP_ANSWER_TEXT_MAX * 4];
	const char *meaning = imap_answer_meaning(a);

	log_escape(a->text, esc, sizeof(esc));
	snprintf(out, size, "%s%s%s%s%s%s%s", a->code_name[0] != '\0' ? "[" : "", a->code_name,
	    a->code_name[0] != '\0' ? "] " : "", esc, meaning != NULL ? " (" : "",
	    meaning != NULL ? meaning : "", meaning != NULL ? ")" : "");
}

/* The message for a failed command: the transport's failure if there was
 * one, else the server's own words (escaped) with their response code,
 * else libetpan's code. */
static char *imap_error(struct imap *m, const char *what, int r)
{
	const char *resp = m->session != NULL ? m->session->imap_response : NULL;
	struct imap_answer a;
	char words[IMAP_ANSWER_TEXT_MAX * 4 + 128];

	if (m->session != NULL)
		session_answer(m, r == MAILIMAP_ERROR_FATAL ? "BYE" : "", &a);
	if (m->conn != NULL && m->conn->bye[0] != '\0') {
		/* the server ended the session, and said why */
		imap_answer_parse(m->conn->bye, strlen(m->conn->bye), &a);
		heard(m, &a);
		answer_words(&a, words, sizeof(words));
		if (a.token_expired)
			return xasprintf("IMAP %s: %s ended the session as its access token expired (%s);"
			    " logging in again with a fresh one", what, m->cfg->imap.host, words);
		return xasprintf("IMAP %s: %s ended the session: %s", what, m->cfg->imap.host, words);
	}
	if (m->conn != NULL && m->conn->error[0] != '\0')
		return xasprintf("IMAP %s: %s", what, m->conn->error);
	if (resp != NULL && resp[0] != '\0') {
		answer_words(&a, words, sizeof(words));
		return xasprintf("IMAP %s: %s answered: %s", what, m->cfg->imap.host, words);
	}
	return xasprintf("IMAP %s: %s (libetpan error %d)", what, etpan_error_text(r), r);
}

static int ok(int r)
{
	return r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

static int usable(struct imap *m, char **error_r)
{
	if (m->session->imap_stream != NULL && !m->conn->broken)
		return 0;
	*error_r = xasprintf("IMAP: the connection to %s is broken: %s", m->cfg->imap.host,
	    m->conn->error[0] != '\0' ? m->conn->error : "closed");
	return -1;
}

/* ---- capabilities ---- */

/* Replaces what libetpan knows of the server's capabilities by an empty
 * list: after STARTTLS the old ones must be forgotten (RFC 3501 6.2.1), and
 * an empty list (never NULL) keeps mailimap_capability() safe when a server
 * answers it without a CAPABILITY line. */
static void caps_forget(struct imap *m)
{
	struct mailimap_connection_info *ci = m->session->imap_connection_info;

	if (ci == NULL)
		return;
	if (ci->imap_capability != NULL)
		mailimap_capability_data_free(ci->imap_capability);
	ci->imap_capability = need(mailimap_capability_data_new(need(clist_new())));
}

static int caps_known(struct imap *m)
{
	struct mailimap_connection_info *ci = m->session->imap_connection_info;

	return ci != NULL && ci->imap_capability != NULL &&
	    clist_count(ci->imap_capability->cap_list) > 0;
}

static int caps_ask(struct imap *m, char **error_r)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	if (!caps_known(m))
		caps_forget(m);
	r = mailimap_capability(m->session, &cap);
	if (!ok(r)) {
		*error_r = imap_error(m, "CAPABILITY", r);
		return -1;
	}
	mailimap_capability_data_free(cap);
	return 0;
}

/* ---- connecting and logging in ---- */

/* RFC 3501 6.2.1 and RFC 2595 3.1: STARTTLS is refused unless offered;
 * anything the server sent after its OK and before the handshake would be
 * read as if it came over TLS (STARTTLS command injection, CVE-2011-0411),
 * so it makes the connection fail; the capabilities are asked again. */
static int starttls(struct imap *m, char **error_r)
{
	mailstream *s = m->session->imap_stream;
	int r;

	if (!caps_known(m) && caps_ask(m, error_r) < 0)
		return -1;
	if (!mailimap_has_extension(m->session, "STARTTLS")) {
		*error_r = xasprintf("IMAP: %s does not offer STARTTLS; refusing to go on without TLS",
		    m->cfg->imap.host);
		return -1;
	}
	r = mailimap_starttls(m->session);
	/* (Debian's libetpan refuses this case too, CVE-2020-15953) */
	if (s->read_buffer_len > 0) {
		m->conn->broken = 1;
		*error_r = xasprintf("IMAP: %s sent data after its STARTTLS answer and before TLS began "
		    "(an injection attempt?); connection refused", m->cfg->imap.host);
		return -1;
	}
	if (!ok(r)) {
		*error_r = imap_error(m, "STARTTLS", r);
		return -1;
	}
	if (tls_start(m->conn, m->cfg->imap.ca_file, error_r) < 0)
		return -1;
	caps_forget(m);
	return caps_ask(m, error_r);
}

static void tls_describe(struct imap *m)
{
	gnutls_session_t s = m->conn->tls;
	const char *proto, *cipher;

	if (s == NULL)
		return;
	proto = gnutls_protocol_get_name(gnutls_protocol_get_version(s));
	cipher = gnutls_cipher_get_name(gnutls_cipher_get(s));
	m->tls_desc = xasprintf("%s, %s, certificate verified for %s", proto != NULL ? proto : "?",
	    cipher != NULL ? cipher : "?", m->cfg->imap.host);
}

/* TCP, TLS as configured, the greeting, STARTTLS as configured. */
static int connect_stream(struct imap *m, char **error_r)
{
	const struct config *cfg = m->cfg;
	struct conn *c;
	mailstream *stream;
	int fd, r;

	fd = tcp_connect(cfg->imap.host, cfg->imap.port, (int)cfg->imap.timeout_seconds * 1000, error_r);
	if (fd < 0)
		return -1;
	if (cfg->imap.security == SEC_NONE && !peer_is_loopback(fd)) {
		close(fd);
		*error_r = xasprintf("IMAP: %s is not a loopback address; refusing to talk without TLS",
		    cfg->imap.host);
		return -1;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->timeout_ms = (int)cfg->imap.timeout_seconds * 1000;
	c->host = cfg->imap.host;
	c->port = cfg->imap.port;
	/* from here on the stream owns c: mailstream_close() frees both */
	stream = need(mailstream_new(need(mailstream_low_new(c, &conn_driver)), 8192));
	if (cfg->imap.security == SEC_TLS && tls_start(c, cfg->imap.ca_file, error_r) < 0) {
		mailstream_close(stream);
		return -1;
	}
	m->conn = c;
	r = mailimap_connect(m->session, stream);
	need(m->session->imap_connection_info);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED && cfg->imap.security == SEC_STARTTLS) {
		/* PREAUTH leaves no way to start TLS (RFC 3501 7.1.4) */
		*error_r = xasprintf("IMAP: %s greeted with PREAUTH, so STARTTLS is impossible; "
		    "refusing to go on without TLS", cfg->imap.host);
		return -1;
	}
	if (!ok(r)) {
		*error_r = imap_error(m, "greeting", r);
		return -1;
	}
	if (cfg->imap.security == SEC_STARTTLS && starttls(m, error_r) < 0)
		return -1;
	tls_describe(m);
	return 0;
}

static int skip_answer(struct imap *m, const char *line);

/* Sends a command line whose text holds a secret, and forgets it. */
static int send_secret_line(struct imap *m, const char *a, const char *b)
{
	char *line = xasprintf("%s%s\r\n", a, b);
	size_t n = strlen(line);
	int ok_ = mailstream_write(m->session->imap_stream, line, n) == (ssize_t)n &&
	    mailstream_flush(m->session->imap_stream) != -1;

	explicit_bzero(line, n);
	free(line);
	return ok_ ? 0 : -1;
}

/* AUTHENTICATE with a bearer token, XOAUTH2 or OAUTHBEARER (RFC 7628): the
 * initial response on the command line where SASL-IR (RFC 4959) is
 * offered, else after the first "+". A "+" after the response carries the
 * server's error (RFC 7628 3.2.2) and is answered with a lone ^A
 * (XOAUTH2: an empty line), so that the server ends with its NO. 0 when
 * logged in; 1 when the server refused the token (the session stays
 * unauthenticated and may try again); 2 when it refused the login for a
 * reason that is not the token's (too many connections, throttling, the
 * server unavailable): no new token would help; -1 when the connection
 * failed. */
static int auth_bearer(struct imap *m, const char *token, char **error_r)
{
	const struct config *cfg = m->cfg;
	const char *name = cfg->imap.auth == AUTH_OAUTHBEARER ? "OAUTHBEARER" : "XOAUTH2";
	mailimap *s = m->session;
	char *ir = NULL, *cmd = NULL, tag[24], said[512], words[IMAP_ANSWER_TEXT_MAX * 4 + 128];
	struct imap_answer a;
	const char *line;
	int sent, conts = 0, ret = -1;
	size_t n;

	if (!mailimap_has_authentication(s, name)) {
		*error_r = xasprintf("IMAP: %s does not offer AUTH=%s", cfg->imap.host, name);
		return -1;
	}
	m->auth_used = name;
	ir = oauth2_sasl_initial(cfg->imap.auth, cfg->imap.user, cfg->imap.host, cfg->imap.port, token);
	sent = mailimap_has_extension(s, "SASL-IR");
	cmd = xasprintf("AUTHENTICATE %s%s", name, sent ? " " : "");
	if (mailimap_send_current_tag(s) != MAILIMAP_NO_ERROR ||
	    send_secret_line(m, cmd, sent ? ir : "") < 0)
		goto stream_error;
	snprintf(tag, sizeof(tag), "%d ", s->imap_tag);
	for (;;) {
		line = mailimap_read_line(s);
		if (line == NULL)
			goto stream_error;
		if (line[0] == '+') {
			/* the response, or the answer to the server's error */
			if (++conts > 2 || send_secret_line(m, sent ? (cfg->imap.auth == AUTH_OAUTHBEARER
			    ? "AQ==" : "") : ir, "") < 0)
				goto stream_error;
			sent = 1;
			continue;
		}
		if (line[0] == '*') {
			imap_answer_parse(line, strlen(line), &a);
			heard(m, &a);
			if (skip_answer(m, line) < 0)
				goto stream_error;
			continue;
		}
		snprintf(said, sizeof(said), "%s", str_has_prefix(line, tag) ? line + strlen(tag) : line);
		n = strcspn(said, "\r\n");
		said[n] = '\0';
		imap_answer_parse(said, n, &a);
		heard(m, &a);
		if (str_has_prefix(line, tag) && strncasecmp(said, "OK", 2) == 0) {
			s->imap_state = MAILIMAP_STATE_AUTHENTICATED;
			ret = 0;
		} else if (str_has_prefix(line, tag) && strcmp(a.status, "NO") == 0 &&
		    (a.too_many || a.backoff_ms > 0 || a.code == IMAP_CODE_UNAVAILABLE)) {
			/* the server is busy, not the token wrong */
			answer_words(&a, words, sizeof(words));
			*error_r = xasprintf("IMAP AUTHENTICATE %s: %s refused the login for now: %s; %s",
			    name, cfg->imap.host, words, a.too_many ? "too many connections to the mailbox"
			    " (not a problem of the token or of [imap] user); tried again later"
			    : "tried again later");
			ret = 2;
		} else {
			answer_words(&a, words, sizeof(words));
			*error_r = xasprintf("IMAP AUTHENTICATE %s: %s answered: %s", name, cfg->imap.host, words);
			ret = str_has_prefix(line, tag) && strncasecmp(said, "NO", 2) == 0 ? 1 : -1;
		}
		break;
	}
	goto out;
stream_error:
	m->conn->broken = 1;
	*error_r = imap_error(m, "AUTHENTICATE", MAILIMAP_ERROR_STREAM);
out:
	explicit_bzero(ir, strlen(ir));
	free(ir);
	free(cmd);
	return ret;
}

/* Tokens from the token service (oauth2.h). A refused token may have been
 * revoked or have expired early (RFC 6750 3.1): it is renewed once and
 * tried once more, on the same connection. */
static int login_oauth2(struct imap *m, char **error_r)
{
	struct oauth2_token t, again;
	char *first = NULL;
	int r;

	if (oauth2_get(m->cfg, NULL, &t, error_r) < 0)
		return -1;
	if (t.note != NULL)
		log_warn("%s", t.note);
	r = auth_bearer(m, t.access, &first);
	if (r == 0) {
		m->token_expires = t.expires;
		m->token_obtained = t.obtained;
	}
	if (r == 1) {
		if (oauth2_get(m->cfg, t.access, &again, error_r) < 0) {
			char *both = xasprintf("%s, and renewing the token failed: %s", first, *error_r);

			free(*error_r);
			*error_r = both;
			r = -1;
		} else {
			m->token_renewed = 1;
			r = auth_bearer(m, again.access, error_r);
			if (r == 0) {
				m->token_expires = again.expires;
				m->token_obtained = again.obtained;
			}
			if (r == 1) {
				char *more = xasprintf("%s (a new token was refused too: check [imap] user and"
				    " the application's permissions for the mailbox)", *error_r);

				free(*error_r);
				*error_r = more;
			}
			oauth2_token_deinit(&again);
		}
		free(first);
	} else if (r != 0) {
		*error_r = first;
	}
	oauth2_token_deinit(&t);
	return r == 0 ? 0 : -1;
}

static int auth_login(struct imap *m, const char *secret, char **error_r)
{
	int r;

	if (m->conn->tls == NULL && !peer_is_loopback(m->conn->fd)) {
		*error_r = xstrdup("IMAP: refusing to send a password without TLS to a host that is not loopback");
		return -1;
	}
	if (mailimap_has_extension(m->session, "LOGINDISABLED")) {
		*error_r = xasprintf("IMAP: %s refuses LOGIN (LOGINDISABLED)", m->cfg->imap.host);
		return -1;
	}
	m->auth_used = "LOGIN";
	r = mailimap_login(m->session, m->cfg->imap.user, secret);
	if (!ok(r)) {
		*error_r = imap_error(m, "LOGIN", r);
		return -1;
	}
	return 0;
}

/* AUTHENTICATE PLAIN through libetpan's SASL client. When the SASL library
 * has no PLAIN (libsasl2-modules missing), libetpan fails before sending
 * anything, which the unchanged command tag shows: LOGIN is used then, as
 * it carries the same secret in the clear inside the same TLS. */
static int auth_plain(struct imap *m, const char *secret, char **error_r)
{
	const struct config *cfg = m->cfg;
	int tag = m->session->imap_tag, r;

	if (!mailimap_has_authentication(m->session, "PLAIN")) {
		log_debug("IMAP: %s does not offer AUTH=PLAIN; logging in with LOGIN", cfg->imap.host);
		return auth_login(m, secret, error_r);
	}
	m->auth_used = "PLAIN";
	r = mailimap_authenticate(m->session, "PLAIN", cfg->imap.host, NULL, NULL, cfg->imap.user,
	    cfg->imap.user, secret, NULL);
	if (r == MAILIMAP_ERROR_LOGIN && m->session->imap_tag == tag) {
		log_debug("IMAP: SASL PLAIN is not available here (is libsasl2-modules installed?); "
		    "logging in with LOGIN");
		return auth_login(m, secret, error_r);
	}
	if (!ok(r)) {
		*error_r = imap_error(m, "AUTHENTICATE PLAIN", r);
		return -1;
	}
	return 0;
}

static int login(struct imap *m, char **error_r)
{
	const struct config *cfg = m->cfg;
	char *secret = NULL;
	int ret = -1;

	if (m->session->imap_state == MAILIMAP_STATE_AUTHENTICATED) {
		m->auth_used = "PREAUTH";
		return 0;
	}
	if (CONFIG_AUTH_BEARER(cfg->imap.auth) && cfg->oauth2.enabled)
		return login_oauth2(m, error_r);
	if (config_read_secret(cfg->imap.password_file, &secret, error_r) < 0)
		return -1;
	if (CONFIG_AUTH_BEARER(cfg->imap.auth) && !oauth2_token_ok(secret))
		*error_r = xasprintf("IMAP: the file %s does not hold a bearer token (RFC 6750 2.1)",
		    cfg->imap.password_file);
	else if (CONFIG_AUTH_BEARER(cfg->imap.auth))
		ret = auth_bearer(m, secret, error_r) == 0 ? 0 : -1;
	else if (cfg->imap.auth == AUTH_PLAIN)
		ret = auth_plain(m, secret, error_r);
	else
		ret = auth_login(m, secret, error_r);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return ret;
}

int imap_open(const struct config *cfg, struct imap **imap_r, char **error_r)
{
	struct mailimap_capability_data *before;
	struct imap *m;
	int ret = -1;

	/* config_load() refuses this already; a library does not rely on it */
	if (cfg->imap.security == SEC_NONE && !config_host_is_loopback(cfg->imap.host)) {
		*error_r = xasprintf("IMAP: security = none is allowed only to a loopback host, not %s",
		    cfg->imap.host);
		return -1;
	}
	m = xcalloc(1, sizeof(*m));
	m->cfg = cfg;
	m->session = need(mailimap_new(0, NULL));
	if (connect_stream(m, error_r) < 0)
		goto out;
	if (!caps_known(m) && caps_ask(m, error_r) < 0)
		goto out;
	/* Capabilities change with the login (MOVE, IDLE...). The login answer
	 * usually lists the new ones, and libetpan then replaces its list by
	 * a new allocation; when the list is the same object, it is asked. */
	before = m->session->imap_connection_info->imap_capability;
	if (login(m, error_r) < 0)
		goto out;
	if (m->session->imap_connection_info->imap_capability == before && caps_ask(m, error_r) < 0)
		goto out;
	*imap_r = m;
	m = NULL;
	ret = 0;
out:
	imap_close(&m);
	return ret;
}

void imap_close(struct imap **mp)
{
	struct imap *m = *mp;

	if (m == NULL)
		return;
	if (m->session != NULL) {
		if (m->session->imap_stream != NULL && m->conn != NULL && !m->conn->broken &&
		    m->session->imap_state != MAILIMAP_STATE_DISCONNECTED) {
			if (m->conn->timeout_ms > IMAP_LOGOUT_TIMEOUT_MS)
				m->conn->timeout_ms = IMAP_LOGOUT_TIMEOUT_MS;
			mailimap_logout(m->session); /* closes the stream */
		} else if (m->session->imap_stream != NULL) {
			mailstream_close(m->session->imap_stream);
		}
		m->session->imap_stream = NULL;
		mailimap_free(m->session);
	}
	free(m->mailbox);
	free(m->tls_desc);
	free(m);
	*mp = NULL;
}

/* ---- mailbox ---- */

/* May keywords be stored in the selected mailbox? RFC 3501 7.1: only
 * where PERMANENTFLAGS holds \\* (or names the keyword itself); a server
 * that sends no PERMANENTFLAGS keeps every flag. Exchange lists only the
 * system flags and answers a keyword STORE with BAD. */
static int perm_keywords(clist *perm)
{
	clistiter *it;

	if (perm == NULL)
		return 1;
	for (it = clist_begin(perm); it != NULL; it = clist_next(it)) {
		struct mailimap_flag_perm *f = clist_content(it);

		if (f->fl_type == MAILIMAP_FLAG_PERM_ALL)
			return 1;
		if (f->fl_flag != NULL && f->fl_flag->fl_type == MAILIMAP_FLAG_KEYWORD &&
		    strcasecmp(f->fl_flag->fl_data.fl_keyword, IMAP_DONE_KEYWORD) == 0)
			return 1;
	}
	return 0;
}

int imap_select(struct imap *m, const char *mailbox, uint32_t *uidvalidity_r, char **error_r)
{
	struct imap_answer a;
	int r;

	if (usable(m, error_r) < 0)
		return -1;
	r = mailimap_select(m->session, mailbox);
	if (!ok(r)) {
		*error_r = imap_error(m, "SELECT", r);
		return -1;
	}
	if (m->session->imap_selection_info == NULL ||
	    m->session->imap_selection_info->sel_uidvalidity == 0) {
		*error_r = xasprintf("IMAP SELECT %s: the server gave no UIDVALIDITY", mailbox);
		return -1;
	}
	session_answer(m, "OK", &a);
	free(m->mailbox);
	m->mailbox = xstrdup(mailbox);
	m->keywords = perm_keywords(m->session->imap_selection_info->sel_perm_flags);
	*uidvalidity_r = m->session->imap_selection_info->sel_uidvalidity;
	return 0;
}

long imap_token_left(struct imap *m)
{
	time_t now = time(NULL), margin;

	if (m->token_expires == 0)
		return -1;
	/* oauth2_get() renews a token with less than a quarter of its life
	 * or five minutes left: within this margin the next login gets a
	 * fresh one */
	margin = (m->token_expires - m->token_obtained) / 4;
	if (margin > IMAP_TOKEN_MARGIN_S)
		margin = IMAP_TOKEN_MARGIN_S;
	return now + margin >= m->token_expires ? 0 : (long)(m->token_expires - margin - now);
}

int imap_keywords(struct imap *m)
{
	return m->keywords;
}

int imap_usable(struct imap *m)
{
	return m->session->imap_stream != NULL && !m->conn->broken;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts and removes duplicates and zeros; returns the new count. */
static size_t uids_normalise(uint32_t *uids, size_t n)
{
	size_t i, k = 0;

	qsort(uids, n, sizeof(*uids), cmp_u32);
	for (i = 0; i < n; i++)
		if (uids[i] != 0 && (k == 0 || uids[i] != uids[k - 1]))
			uids[k++] = uids[i];
	return k;
}

int imap_search_after(struct imap *m, uint32_t after, uint32_t **uids_r, size_t *n_r,
    char **error_r)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	clistiter *it;
	uint32_t *uids;
	size_t n = 0;
	int r;

	*uids_r = NULL;
	*n_r = 0;
	if (usable(m, error_r) < 0)
		return -1;
	if (after == UINT32_MAX) {
		*uids_r = xmalloc(sizeof(uint32_t));
		return 0;
	}
	/* UID after+1:*  (0 stands for "*" in libetpan's sets) */
	key = need(mailimap_search_key_new_uid(need(mailimap_set_new_interval(after + 1, 0))));
	r = mailimap_uid_search(m->session, NULL, key, &result);
	mailimap_search_key_free(key);
	if (!ok(r)) {
		*error_r = imap_error(m, "UID SEARCH", r);
		return -1;
	}
	uids = xmalloc((clist_count(result) + 1) * sizeof(*uids));
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);

		/* "after+1:*" always matches the last message, RFC 3501 6.4.8 */
		if (uid > after)
			uids[n++] = uid;
	}
	mailimap_search_result_free(result);
	*uids_r = uids;
	*n_r = uids_normalise(uids, n);
	return 0;
}

int imap_search_since(struct imap *m, time_t since, uint32_t **uids_r, size_t *n_r, char **error_r)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	clistiter *it;
	uint32_t *uids;
	struct tm tm;
	size_t n = 0;
	int r;

	*uids_r = NULL;
	*n_r = 0;
	if (usable(m, error_r) < 0)
		return -1;
	/* SINCE is a date, the server's, compared with INTERNALDATE
	 * (RFC 3501 6.4.4): a day of margin covers the zones in between */
	gmtime_r(&since, &tm);
	key = need(mailimap_search_key_new_since(need(mailimap_date_new(tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900))));
	r = mailimap_uid_search(m->session, NULL, key, &result);
	mailimap_search_key_free(key);
	if (!ok(r)) {
		*error_r = imap_error(m, "UID SEARCH SINCE", r);
		return -1;
	}
	uids = xmalloc((clist_count(result) + 1) * sizeof(*uids));
	for (it = clist_begin(result); it != NULL; it = clist_next(it))
		uids[n++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(result);
	*uids_r = uids;
	*n_r = uids_normalise(uids, n);
	return 0;
}

/* ---- UID sets ---- */

/* A sorted, duplicate-free copy of a UID list, given out as sets of ranges
 * (1:5,7,9:12) that each fit in one command line. */
struct uidsets {
	uint32_t *uids;
	size_t n;
	size_t pos;
};

static void uidsets_init(struct uidsets *u, const uint32_t *uids, size_t n)
{
	u->uids = xmalloc((n + 1) * sizeof(*u->uids));
	if (n > 0)
		memcpy(u->uids, uids, n * sizeof(*uids));
	u->n = uids_normalise(u->uids, n);
	u->pos = 0;
}

static void uidsets_deinit(struct uidsets *u)
{
	free(u->uids);
	u->uids = NULL;
}

static size_t digits(uint32_t v)
{
	size_t d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* The next set, or NULL when every UID was given out. */
static struct mailimap_set *uidsets_next(struct uidsets *u)
{
	struct mailimap_set *set;
	size_t chars = 0, item, i, j;
	int r;

	if (u->pos >= u->n)
		return NULL;
	set = need(mailimap_set_new_empty());
	for (i = u->pos; i < u->n; i = j + 1) {
		for (j = i; j + 1 < u->n && u->uids[j + 1] == u->uids[j] + 1; j++)
			;
		item = digits(u->uids[i]) + 1 + (j > i ? 1 + digits(u->uids[j]) : 0);
		if (i > u->pos && chars + item > IMAP_SET_CHARS_MAX)
			break;
		chars += item;
		if (j == i)
			r = mailimap_set_add_single(set, u->uids[i]);
		else
			r = mailimap_set_add_interval(set, u->uids[i], u->uids[j]);
		if (r != MAILIMAP_NO_ERROR)
			fatal("out of memory");
	}
	u->pos = i;
	return set;
}

/* Position of uid in a sorted list, or -1. */
static long uid_index(const uint32_t *uids, size_t n, uint32_t uid)
{
	const uint32_t *p = bsearch(&uid, uids, n, sizeof(*uids), cmp_u32);

	return p != NULL ? (long)(p - uids) : -1;
}

/* UID, RFC822.SIZE and BODY[] of one FETCH answer; unset ones stay. */
static void msg_att(struct mailimap_msg_att *att, uint32_t *uid, const char **data, size_t *len,
    uint32_t *size)
{
	clistiter *it;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			*uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			*size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (st->att_data.att_body_section != NULL &&
			    st->att_data.att_body_section->sec_body_part != NULL) {
				*data = st->att_data.att_body_section->sec_body_part;
				*len = st->att_data.att_body_section->sec_length;
			}
			break;
		default:
			break;
		}
	}
}

static struct mailimap_fetch_type *fetch_type(int body)
{
	struct mailimap_fetch_type *ft = need(mailimap_fetch_type_new_fetch_att_list_empty());
	struct mailimap_fetch_att *att;

	if (mailimap_fetch_type_new_fetch_att_list_add(ft, need(mailimap_fetch_att_new_uid())) != 0)
		fatal("out of memory");
	/* BODY.PEEK[]: reading never sets \Seen (RFC 3501 6.4.5) */
	att = body ? mailimap_fetch_att_new_body_peek_section(need(mailimap_section_new(NULL)))
	    : mailimap_fetch_att_new_rfc822_size();
	if (mailimap_fetch_type_new_fetch_att_list_add(ft, need(att)) != 0)
		fatal("out of memory");
	return ft;
}

int imap_sizes(struct imap *m, const uint32_t *uids, size_t n, uint32_t *sizes_r, char **error_r)
{
	struct mailimap_fetch_type *ft = NULL;
	struct mailimap_set *set;
	struct uidsets u = { NULL, 0, 0 };
	uint32_t *found = NULL;
	clist *result = NULL;
	clistiter *it;
	size_t i;
	long k;
	int r, ret = -1;

	if (n > 0)
		memset(sizes_r, 0, n * sizeof(*sizes_r));
	if (n == 0)
		return 0;
	if (usable(m, error_r) < 0)
		return -1;
	uidsets_init(&u, uids, n);
	found = xcalloc(u.n + 1, sizeof(*found));
	ft = fetch_type(0);
	while ((set = uidsets_next(&u)) != NULL) {
		result = NULL;
		r = mailimap_uid_fetch(m->session, set, ft, &result);
		mailimap_set_free(set);
		if (!ok(r)) {
			*error_r = imap_error(m, "UID FETCH RFC822.SIZE", r);
			goto out;
		}
		for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
			uint32_t uid = 0, size = 0;
			const char *data = NULL;
			size_t len = 0;

			msg_att(clist_content(it), &uid, &data, &len, &size);
			k = uid_index(u.uids, u.n, uid);
			if (k >= 0)
				found[k] = size;
		}
		mailimap_fetch_list_free(result);
	}
	for (i = 0; i < n; i++) {
		k = uid_index(u.uids, u.n, uids[i]);
		sizes_r[i] = k >= 0 ? found[k] : 0;
	}
	ret = 0;
out:
	mailimap_fetch_type_free(ft);
	uidsets_deinit(&u);
	free(found);
	return ret;
}

struct fetched {
	uint32_t uid;
	const char *data;
	size_t len;
};

static int cmp_fetched(const void *a, const void *b)
{
	return cmp_u32(&((const struct fetched *)a)->uid, &((const struct fetched *)b)->uid);
}

/* Calls fn for the messages of one FETCH answer, in UID order, each once
 * (*last is the highest UID handed over so far); returns fn's non-zero. */
static int hand_over(const struct uidsets *u, clist *result, uint32_t *last, imap_message_fn fn,
    void *arg)
{
	struct fetched *f = xmalloc((clist_count(result) + 1) * sizeof(*f));
	clistiter *it;
	size_t n = 0, i;
	int ret = 0;

	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uint32_t uid = 0, size = 0;
		const char *data = NULL;
		size_t len = 0;

		msg_att(clist_content(it), &uid, &data, &len, &size);
		/* an unsolicited FETCH (another message's flags) has no body */
		if (uid == 0 || data == NULL || uid_index(u->uids, u->n, uid) < 0)
			continue;
		f[n].uid = uid;
		f[n].data = data;
		f[n].len = len;
		n++;
	}
	qsort(f, n, sizeof(*f), cmp_fetched);
	for (i = 0; i < n && ret == 0; i++) {
		if (f[i].uid <= *last)
			continue;
		*last = f[i].uid;
		ret = fn(f[i].uid, f[i].data, f[i].len, arg);
	}
	free(f);
	return ret;
}

int imap_fetch(struct imap *m, const uint32_t *uids, size_t n, imap_message_fn fn, void *arg,
    char **error_r)
{
	struct mailimap_fetch_type *ft = NULL;
	struct mailimap_set *set;
	struct uidsets u = { NULL, 0, 0 };
	clist *result = NULL;
	uint32_t last = 0;
	int r, ret = 0;

	if (n == 0)
		return 0;
	if (usable(m, error_r) < 0)
		return -1;
	uidsets_init(&u, uids, n);
	ft = fetch_type(1);
	while (ret == 0 && (set = uidsets_next(&u)) != NULL) {
		result = NULL;
		r = mailimap_uid_fetch(m->session, set, ft, &result);
		mailimap_set_free(set);
		if (!ok(r)) {
			*error_r = imap_error(m, "UID FETCH", r);
			ret = -1;
			break;
		}
		ret = hand_over(&u, result, &last, fn, arg);
		mailimap_fetch_list_free(result);
	}
	mailimap_fetch_type_free(ft);
	uidsets_deinit(&u);
	return ret;
}

/* +FLAGS.SILENT with one flag, which it takes over. */
static struct mailimap_store_att_flags *add_flag(struct mailimap_flag *flag)
{
	struct mailimap_flag_list *flags = need(mailimap_flag_list_new_empty());

	if (mailimap_flag_list_add(flags, need(flag)) != 0)
		fatal("out of memory");
	return need(mailimap_store_att_flags_new_add_flags_silent(flags));
}

static int store(struct imap *m, struct mailimap_set *set, struct mailimap_store_att_flags *att,
    char **error_r)
{
	int r = mailimap_uid_store(m->session, set, att);

	if (!ok(r)) {
		*error_r = imap_error(m, "UID STORE", r);
		return -1;
	}
	return 0;
}

int imap_flag(struct imap *m, const uint32_t *uids, size_t n, const char *keyword, char **error_r)
{
	struct mailimap_store_att_flags *att;
	struct mailimap_set *set;
	struct uidsets u;
	int ret = 0;

	if (n == 0)
		return 0;
	if (usable(m, error_r) < 0)
		return -1;
	if (!m->keywords) {
		*error_r = xasprintf("IMAP: %s keeps no keywords in %s (no \\* in PERMANENTFLAGS);"
		    " %s not stored", m->cfg->imap.host, m->mailbox != NULL ? m->mailbox : "the mailbox",
		    keyword);
		return -1;
	}
	att = add_flag(mailimap_flag_new_flag_keyword(xstrdup(keyword)));
	uidsets_init(&u, uids, n);
	while (ret == 0 && (set = uidsets_next(&u)) != NULL) {
		ret = store(m, set, att, error_r);
		mailimap_set_free(set);
	}
	uidsets_deinit(&u);
	mailimap_store_att_flags_free(att);
	return ret;
}

/* 1 if the mailbox exists, 0 if not, -1 on error. */
static int mailbox_exists(struct imap *m, const char *mailbox, char **error_r)
{
	clist *list = NULL;
	clistiter *it;
	int r, exists = 0;

	r = mailimap_list(m->session, "", mailbox, &list);
	if (!ok(r)) {
		if (list != NULL)
			mailimap_list_result_free(list);
		*error_r = imap_error(m, "LIST", r);
		return -1;
	}
	for (it = list != NULL ? clist_begin(list) : NULL; it != NULL; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name != NULL && (strcmp(mb->mb_name, mailbox) == 0 ||
		    (strcasecmp(mailbox, "INBOX") == 0 && strcasecmp(mb->mb_name, "INBOX") == 0)))
			exists = 1;
	}
	if (list != NULL)
		mailimap_list_result_free(list);
	return exists;
}

int imap_ensure_mailbox(struct imap *m, const char *mailbox, char **error_r)
{
	int r;

	if (usable(m, error_r) < 0)
		return -1;
	r = mailbox_exists(m, mailbox, error_r);
	if (r != 0)
		return r < 0 ? -1 : 0;
	r = mailimap_create(m->session, mailbox);
	if (!ok(r)) {
		*error_r = imap_error(m, "CREATE", r);
		return -1;
	}
	return 0;
}

/* Without MOVE (RFC 6851 3.3): COPY, then \Deleted, then UID EXPUNGE of
 * exactly these messages (RFC 4315 2.1). Without UIDPLUS the originals
 * stay marked \Deleted: a plain EXPUNGE would also remove what people
 * marked \Deleted themselves. */
static int move_by_copy(struct imap *m, struct mailimap_set *set, const char *mailbox,
    char **error_r)
{
	struct mailimap_store_att_flags *att;
	int r;

	r = mailimap_uid_copy(m->session, set, mailbox);
	if (!ok(r)) {
		*error_r = imap_error(m, "UID COPY", r);
		return -1;
	}
	att = add_flag(mailimap_flag_new_deleted());
	r = store(m, set, att, error_r);
	mailimap_store_att_flags_free(att);
	if (r < 0)
		return -1;
	if (!mailimap_has_extension(m->session, "UIDPLUS")) {
		log_debug("IMAP: %s has no UIDPLUS: moved messages stay in %s marked \\Deleted",
		    m->cfg->imap.host, m->mailbox != NULL ? m->mailbox : "the mailbox");
		return 0;
	}
	r = mailimap_uid_expunge(m->session, set);
	if (!ok(r)) {
		*error_r = imap_error(m, "UID EXPUNGE", r);
		return -1;
	}
	return 0;
}

int imap_move(struct imap *m, const uint32_t *uids, size_t n, const char *mailbox, char **error_r)
{
	struct mailimap_set *set;
	struct uidsets u;
	int r, ret = 0, has_move;

	if (n == 0)
		return 0;
	if (usable(m, error_r) < 0)
		return -1;
	has_move = mailimap_has_extension(m->session, "MOVE");
	uidsets_init(&u, uids, n);
	while (ret == 0 && (set = uidsets_next(&u)) != NULL) {
		if (has_move) {
			r = mailimap_uid_move(m->session, set, mailbox);
			if (!ok(r)) {
				*error_r = imap_error(m, "UID MOVE", r);
				ret = -1;
			}
		} else {
			ret = move_by_copy(m, set, mailbox, error_r);
		}
		mailimap_set_free(set);
	}
	uidsets_deinit(&u);
	return ret;
}

/* ---- IDLE ---- */

int imap_can_idle(struct imap *m)
{
	return m->session->imap_stream != NULL && !m->conn->broken && mailimap_has_idle(m->session);
}

/* Has the server said something that is already read? libetpan may have
 * read more than the "+" line into the stream's buffer, and GnuTLS may
 * hold decrypted records: neither shows on the socket. */
static int idle_news_buffered(struct imap *m)
{
	mailstream *s = m->session->imap_stream;

	if (s != NULL && s->read_buffer_len > 0)
		return 1;
	return m->conn->tls != NULL && gnutls_record_check_pending(m->conn->tls) > 0;
}

/* The size of the literal announced at the end of a line ("{42}" or
 * "{42+}", RFC 3501 4.3, RFC 7888), or -1 if there is none. */
static long literal_size(const char *line)
{
	size_t n = strlen(line);
	unsigned long v = 0, scale = 1;

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n < 3 || line[n - 1] != '}')
		return -1;
	n--;
	if (line[n - 1] == '+')
		n--;
	if (n == 0 || !isdigit((unsigned char)line[n - 1]))
		return -1;
	while (n > 0 && isdigit((unsigned char)line[n - 1])) {
		if (scale > MSG_BYTES_MAX)
			return -1;
		v += (unsigned long)(line[n - 1] - '0') * scale;
		scale *= 10;
		n--;
	}
	if (n == 0 || line[n - 1] != '{' || v > MSG_BYTES_MAX)
		return -1;
	return (long)v;
}

/* Reads past the rest of an untagged answer whose first line was read: a
 * line may end with a literal, after which the answer goes on. */
static int skip_answer(struct imap *m, const char *line)
{
	char scrap[4096];
	long left;
	ssize_t n;

	while ((left = literal_size(line)) >= 0) {
		while (left > 0) {
			n = mailstream_read(m->session->imap_stream, scrap,
			    left < (long)sizeof(scrap) ? (size_t)left : sizeof(scrap));
			if (n <= 0)
				return -1;
			left -= n;
		}
		line = mailimap_read_line(m->session);
		if (line == NULL)
			return -1;
	}
	return 0;
}

/* Sends IDLE and reads up to the server's "+" (RFC 2177). Untagged answers
 * may come first: they are news, and libetpan's own mailimap_idle() would
 * then wait for a tagged answer that never comes. Returns 1 if news came
 * before the "+", 0 if none, -1 on error. */
static int idle_start(struct imap *m, char **error_r)
{
	mailimap *s = m->session;
	char tag[24], esc[256];
	const char *line;
	int news = 0;

	if (mailimap_send_current_tag(s) != MAILIMAP_NO_ERROR ||
	    mailstream_write(s->imap_stream, "IDLE\r\n", 6) != 6 ||
	    mailstream_flush(s->imap_stream) == -1)
		goto stream_error;
	snprintf(tag, sizeof(tag), "%d ", s->imap_tag);
	for (;;) {
		line = mailimap_read_line(s);
		if (line == NULL)
			goto stream_error;
		if (line[0] == '+')
			return news;
		if (line[0] != '*') {
			/* the tagged answer: IDLE refused */
			log_escape(str_has_prefix(line, tag) ? line + strlen(tag) : line, esc, sizeof(esc));
			*error_r = xasprintf("IMAP IDLE: %s answered: %s", m->cfg->imap.host, esc);
			return -1;
		}
		news = 1;
		if (skip_answer(m, line) < 0)
			goto stream_error;
	}
stream_error:
	m->conn->broken = 1;
	*error_r = imap_error(m, "IDLE", MAILIMAP_ERROR_STREAM);
	return -1;
}

/* Waits for the socket to become readable: one wait, no timer ticking
 * (an idle daemon wakes for the server, the deadline or a signal only).
 * 1 if it did (data, or the server hung up: DONE will tell), 0 at the
 * deadline, 2 on *wake or a signal, -1 on error. */
static int idle_wait(struct imap *m, int timeout_ms, volatile sig_atomic_t *wake, char **error_r)
{
	int64_t deadline = now_ms() + timeout_ms;
	int r = fd_wait_readable(m->conn->fd, timeout_ms, wake);

	if (r < 0) {
		*error_r = xasprintf("IMAP IDLE: poll: %s", strerror(errno));
		return -1;
	}
	if (r == 0 && ((wake != NULL && *wake) || now_ms() < deadline))
		return 2;
	return r;
}

int imap_noop(struct imap *m, char **error_r)
{
	int r;

	if (usable(m, error_r) < 0)
		return -1;
	r = mailimap_noop(m->session);
	if (!ok(r)) {
		*error_r = imap_error(m, "NOOP", r);
		return -1;
	}
	return 0;
}

int imap_idle(struct imap *m, int timeout_ms, volatile sig_atomic_t *wake, char **error_r)
{
	int r, changed;

	if (usable(m, error_r) < 0)
		return -1;
	if (m->session->imap_selection_info == NULL) {
		*error_r = xstrdup("IMAP IDLE: no mailbox is selected");
		return -1;
	}
	if (timeout_ms > IMAP_IDLE_MAX_MS)
		timeout_ms = IMAP_IDLE_MAX_MS;
	changed = idle_start(m, error_r);
	if (changed < 0)
		return -1;
	if (!changed)
		changed = idle_news_buffered(m);
	if (!changed)
		changed = idle_wait(m, timeout_ms, wake, error_r);
	if (changed < 0) {
		m->conn->broken = 1; /* still idling: the session cannot go on */
		return -1;
	}
	if (changed == 2) {
		/* a signal: `run` stops or reloads, and either way drops this
		 * session; DONE would wait for a server that may not answer */
		m->conn->broken = 1;
		snprintf(m->conn->error, sizeof(m->conn->error), "IDLE left for a signal");
		return 0;
	}
	r = mailimap_idle_done(m->session);
	if (!ok(r)) {
		*error_r = imap_error(m, "leaving IDLE", r);
		return -1;
	}
	return changed;
}

/* ---- check-config --connect ---- */

/* What mentord does with a message it handled, in this mailbox. */
static char *handled_plan(struct imap *m)
{
	const char *box = m->cfg->imap.processed_mailbox, *how;

	if (box == NULL)
		return xstrdup(m->keywords ? "flagged " IMAP_DONE_KEYWORD " and left where it is"
		    : "left where it is, unmarked (the database knows what was handled; set"
		    " processed_mailbox to see it in a folder)");
	if (mailimap_has_extension(m->session, "MOVE"))
		how = "MOVE";
	else if (mailimap_has_extension(m->session, "UIDPLUS"))
		how = "COPY, \\Deleted and UID EXPUNGE";
	else
		how = "COPY and \\Deleted; without UIDPLUS the originals stay, marked deleted";
	return xasprintf("%smoved to %s (%s)", m->keywords ? "flagged " IMAP_DONE_KEYWORD " and " : "",
	    box, how);
}

static char *check_info(struct imap *m, uint32_t uidvalidity)
{
	const struct config *cfg = m->cfg;
	const char *processed = "";
	char *err = NULL, *security, *plan;
	int exists = 0;
	char *info;

	if (m->tls_desc != NULL)
		security = xasprintf("%s (%s)", cfg->imap.security == SEC_TLS ? "TLS" : "STARTTLS",
		    m->tls_desc);
	else
		security = xstrdup("no TLS (loopback)");
	if (cfg->imap.processed_mailbox != NULL) {
		exists = mailbox_exists(m, cfg->imap.processed_mailbox, &err);
		free(err);
		processed = exists > 0 ? "; processed mailbox exists" : "; processed mailbox will be created";
	}
	plan = handled_plan(m);
	info = xasprintf("logged in to %s:%ld with %s by %s%s as %s; mailbox %s selected "
	    "(UIDVALIDITY %u, %u messages)%s; keywords %s, IDLE %s, MOVE %s, UIDPLUS %s;"
	    " handled mail: %s",
	    cfg->imap.host, cfg->imap.port, security, m->auth_used,
	    m->token_renewed ? " (with a token renewed after the cached one was refused)" : "",
	    cfg->imap.user,
	    cfg->imap.mailbox, uidvalidity, m->session->imap_selection_info->sel_exists, processed,
	    m->keywords ? "kept" : "not kept (no \\* in PERMANENTFLAGS)",
	    imap_can_idle(m) ? "offered" : "not offered",
	    mailimap_has_extension(m->session, "MOVE") ? "offered" : "not offered",
	    mailimap_has_extension(m->session, "UIDPLUS") ? "offered" : "not offered", plan);
	free(security);
	free(plan);
	return info;
}

int imap_check(const struct config *cfg, char **info_r, char **error_r)
{
	struct imap *m = NULL;
	uint32_t uidvalidity = 0;
	int ret;

	if (imap_open(cfg, &m, error_r) < 0)
		return -1;
	ret = imap_select(m, cfg->imap.mailbox, &uidvalidity, error_r);
	if (ret == 0)
		*info_r = check_info(m, uidvalidity);
	imap_close(&m);
	return ret;
}
