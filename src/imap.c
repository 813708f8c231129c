/* The transport under libetpan is ours: a TCP socket with a connect timeout
 * and, for tls and starttls, a GnuTLS session that verifies the server's
 * certificate chain and host name (libetpan's own TLS streams do not). It is
 * plugged in as a mailstream_low driver, so that libetpan only speaks IMAP. */
#include "imap.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "util.h"

struct conn {
	int fd;
	int timeout_ms;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
};

struct imap {
	mailimap *session;
	const struct config *cfg;
	struct conn *conn; /* owned by the stream once connected */
	char *mailbox;
};

/* ---- transport ---- */

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { fd, events, 0 };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 0 : -1;
}

static ssize_t conn_read(mailstream_low *s, void *buf, size_t count)
{
	struct conn *c = s->data;
	ssize_t n;

	for (;;) {
		if (c->tls != NULL && gnutls_record_check_pending(c->tls) > 0) {
			n = gnutls_record_recv(c->tls, buf, count);
		} else {
			if (wait_fd(c->fd, POLLIN, c->timeout_ms) < 0)
				return -1;
			n = c->tls != NULL ? gnutls_record_recv(c->tls, buf, count) : read(c->fd, buf, count);
		}
		if (c->tls != NULL && (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED))
			continue;
		if (c->tls == NULL && n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return n < 0 ? -1 : n;
	}
}

static ssize_t conn_write(mailstream_low *s, const void *buf, size_t count)
{
	struct conn *c = s->data;
	ssize_t n;

	for (;;) {
		if (wait_fd(c->fd, POLLOUT, c->timeout_ms) < 0)
			return -1;
		n = c->tls != NULL ? gnutls_record_send(c->tls, buf, count) : write(c->fd, buf, count);
		if (c->tls != NULL && (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED))
			continue;
		if (c->tls == NULL && n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return n < 0 ? -1 : n;
	}
}

static void conn_free_tls(struct conn *c)
{
	if (c->tls != NULL) {
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->cred != NULL) {
		gnutls_certificate_free_credentials(c->cred);
		c->cred = NULL;
	}
}

static int conn_close(mailstream_low *s)
{
	struct conn *c = s->data;

	if (c->tls != NULL)
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

	conn_free_tls(c);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	free(s);
}

static void conn_cancel(mailstream_low *s)
{
	(void)s;
}

static mailstream_low_driver conn_driver = {
	.mailstream_read = conn_read,
	.mailstream_write = conn_write,
	.mailstream_close = conn_close,
	.mailstream_get_fd = conn_get_fd,
	.mailstream_free = conn_free,
	.mailstream_cancel = conn_cancel,
};

static int tcp_connect(const char *host, long port, int timeout_ms, char **error_r)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	int fd = -1, r, soerr = 0;
	socklen_t len = sizeof(soerr);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%ld", port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r != 0) {
		*error_r = xasprintf("%s: %s", host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && wait_fd(fd, POLLOUT, timeout_ms) == 0 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0))
			break;
		if (soerr != 0)
			errno = soerr;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		*error_r = xasprintf("cannot connect to %s port %ld: %s", host, port, strerror(errno));
	return fd;
}

/* TLS handshake on c->fd, verifying the chain against the system's trust
 * store (and the configured ca_file) and the host name. */
static int tls_start(struct conn *c, const char *host, const char *ca_file, char **error_r)
{
	gnutls_datum_t out = { NULL, 0 };
	unsigned status = 0;
	int r;

	if (gnutls_certificate_allocate_credentials(&c->cred) < 0 ||
	    gnutls_certificate_set_x509_system_trust(c->cred) < 0) {
		*error_r = xstrdup("TLS: cannot load the system's trusted certificates");
		return -1;
	}
	if (ca_file != NULL && gnutls_certificate_set_x509_trust_file(c->cred, ca_file,
	    GNUTLS_X509_FMT_PEM) <= 0) {
		*error_r = xasprintf("TLS: cannot read trusted certificates from %s", ca_file);
		return -1;
	}
	if (gnutls_init(&c->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0 ||
	    gnutls_set_default_priority(c->tls) < 0 ||
	    gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, c->cred) < 0) {
		*error_r = xstrdup("TLS: cannot set up a session");
		return -1;
	}
	if (!config_host_is_loopback(host))
		gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, host, strlen(host));
	gnutls_session_set_verify_cert(c->tls, host, 0);
	gnutls_transport_set_int(c->tls, c->fd);
	gnutls_handshake_set_timeout(c->tls, (unsigned)c->timeout_ms);
	do {
		r = gnutls_handshake(c->tls);
		if (r == GNUTLS_E_AGAIN)
			wait_fd(c->fd, gnutls_record_get_direction(c->tls) ? POLLOUT : POLLIN, c->timeout_ms);
	} while (r < 0 && gnutls_error_is_fatal(r) == 0);
	if (r < 0) {
		if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
			status = gnutls_session_get_verify_cert_status(c->tls);
			gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0);
			*error_r = xasprintf("TLS: the certificate of %s is not trusted: %s", host,
			    out.data ? (char *)out.data : "?");
			gnutls_free(out.data);
		} else {
			*error_r = xasprintf("TLS handshake with %s: %s", host, gnutls_strerror(r));
		}
		return -1;
	}
	return 0;
}

static char *imap_error(struct imap *m, const char *what, int r)
{
	const char *resp = m->session != NULL ? m->session->imap_response : NULL;
	char esc[256];

	log_escape(resp != NULL ? resp : "", esc, sizeof(esc));
	if (resp != NULL && resp[0] != '\0')
		return xasprintf("IMAP %s: %s (error %d)", what, esc, r);
	return xasprintf("IMAP %s: error %d", what, r);
}

static int ok(int r)
{
	return r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

static int connect_stream(struct imap *m, char **error_r)
{
	const struct config *cfg = m->cfg;
	mailstream_low *low = NULL;
	mailstream *stream;
	struct conn *c = xcalloc(1, sizeof(*c));
	struct mailimap_capability_data *cap = NULL;
	int r;

	c->timeout_ms = (int)cfg->imap.timeout_seconds * 1000;
	c->fd = tcp_connect(cfg->imap.host, cfg->imap.port, c->timeout_ms, error_r);
	if (c->fd < 0) {
		free(c);
		return -1;
	}
	if (cfg->imap.security == SEC_TLS && tls_start(c, cfg->imap.host, cfg->imap.ca_file, error_r) < 0) {
		conn_free_tls(c);
		close(c->fd);
		free(c);
		return -1;
	}
	low = mailstream_low_new(c, &conn_driver);
	stream = mailstream_new(low, 8192);
	m->conn = c;
	r = mailimap_connect(m->session, stream);
	if (!ok(r)) {
		*error_r = imap_error(m, "greeting", r);
		return -1;
	}
	if (cfg->imap.security == SEC_STARTTLS) {
		r = mailimap_starttls(m->session);
		if (!ok(r)) {
			*error_r = imap_error(m, "STARTTLS", r);
			return -1;
		}
		/* RFC 3501 6.2.1: the TLS negotiation begins right after the
		 * OK; nothing may be buffered from before it */
		if (tls_start(c, cfg->imap.host, cfg->imap.ca_file, error_r) < 0)
			return -1;
		/* capabilities from before TLS must be forgotten (6.2.1) */
		r = mailimap_capability(m->session, &cap);
		if (!ok(r)) {
			*error_r = imap_error(m, "CAPABILITY", r);
			return -1;
		}
		mailimap_capability_data_free(cap);
	}
	return 0;
}

static int login(struct imap *m, char **error_r)
{
	const struct config *cfg = m->cfg;
	char *secret = NULL, *e = NULL;
	int r;

	if (config_read_secret(cfg->imap.password_file, &secret, &e) < 0) {
		*error_r = e;
		return -1;
	}
	if (cfg->imap.security == SEC_NONE && !config_host_is_loopback(cfg->imap.host)) {
		free(secret);
		*error_r = xstrdup("refusing to send a password without TLS to a host that is not loopback");
		return -1;
	}
	if (cfg->imap.auth == AUTH_XOAUTH2)
		r = mailimap_oauth2_authenticate(m->session, cfg->imap.user, secret);
	else if (cfg->imap.auth == AUTH_PLAIN && mailimap_has_authentication(m->session, "PLAIN"))
		r = mailimap_authenticate(m->session, "PLAIN", cfg->imap.host, NULL, NULL,
		    cfg->imap.user, cfg->imap.user, secret, NULL);
	else
		r = mailimap_login(m->session, cfg->imap.user, secret);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	if (!ok(r)) {
		*error_r = imap_error(m, "login", r);
		return -1;
	}
	return 0;
}

int imap_open(const struct config *cfg, struct imap **imap_r, char **error_r)
{
	struct imap *m = xcalloc(1, sizeof(*m));

	m->cfg = cfg;
	m->session = mailimap_new(0, NULL);
	mailimap_set_timeout(m->session, cfg->imap.timeout_seconds);
	if (connect_stream(m, error_r) < 0 || login(m, error_r) < 0) {
		imap_close(&m);
		return -1;
	}
	*imap_r = m;
	return 0;
}

void imap_close(struct imap **mp)
{
	struct imap *m = *mp;

	if (m == NULL)
		return;
	if (m->session != NULL) {
		if (m->session->imap_stream != NULL)
			mailimap_logout(m->session);
		mailimap_free(m->session);
	}
	free(m->mailbox);
	free(m);
	*mp = NULL;
}

int imap_select(struct imap *m, const char *mailbox, uint32_t *uidvalidity_r, char **error_r)
{
	int r = mailimap_select(m->session, mailbox);

	if (!ok(r)) {
		*error_r = imap_error(m, "SELECT", r);
		return -1;
	}
	if (m->session->imap_selection_info == NULL ||
	    m->session->imap_selection_info->sel_uidvalidity == 0) {
		*error_r = xstrdup("IMAP SELECT: the server gave no UIDVALIDITY");
		return -1;
	}
	free(m->mailbox);
	m->mailbox = xstrdup(mailbox);
	*uidvalidity_r = m->session->imap_selection_info->sel_uidvalidity;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int imap_search_after(struct imap *m, uint32_t after, uint32_t **uids_r, size_t *n_r,
    char **error_r)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	clistiter *it;
	uint32_t *uids = NULL;
	size_t n = 0;
	int r;

	key = mailimap_search_key_new_uid(mailimap_set_new_interval(after + 1, 0));
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
	qsort(uids, n, sizeof(*uids), cmp_u32);
	*uids_r = uids;
	*n_r = n;
	return 0;
}

static struct mailimap_set *make_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (j == i)
			mailimap_set_add_single(set, uids[i]);
		else
			mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	return set;
}

static void msg_att(struct mailimap_msg_att *att, uint32_t *uid, const char **data, size_t *len,
    uint32_t *size)
{
	clistiter *it;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		switch (item->att_data.att_static->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			*uid = item->att_data.att_static->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			*size = item->att_data.att_static->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (item->att_data.att_static->att_data.att_body_section != NULL) {
				*data = item->att_data.att_static->att_data.att_body_section->sec_body_part;
				*len = item->att_data.att_static->att_data.att_body_section->sec_length;
			}
			break;
		default:
			break;
		}
	}
}

int imap_sizes(struct imap *m, const uint32_t *uids, size_t n, uint32_t *sizes_r, char **error_r)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *result = NULL;
	clistiter *it;
	size_t i;
	int r;

	memset(sizes_r, 0, n * sizeof(*sizes_r));
	if (n == 0)
		return 0;
	set = make_set(uids, n);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	r = mailimap_uid_fetch(m->session, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (!ok(r)) {
		*error_r = imap_error(m, "UID FETCH RFC822.SIZE", r);
		return -1;
	}
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uint32_t uid = 0, size = 0;
		const char *data = NULL;
		size_t len = 0;

		msg_att(clist_content(it), &uid, &data, &len, &size);
		for (i = 0; i < n; i++)
			if (uids[i] == uid)
				sizes_r[i] = size;
	}
	mailimap_fetch_list_free(result);
	return 0;
}

int imap_fetch(struct imap *m, const uint32_t *uids, size_t n, imap_message_fn fn, void *arg,
    char **error_r)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *result = NULL;
	clistiter *it;
	int r, ret = 0;

	if (n == 0)
		return 0;
	set = make_set(uids, n);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(m->session, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (!ok(r)) {
		*error_r = imap_error(m, "UID FETCH", r);
		return -1;
	}
	for (it = clist_begin(result); it != NULL && ret == 0; it = clist_next(it)) {
		uint32_t uid = 0, size = 0;
		const char *data = NULL;
		size_t len = 0;

		msg_att(clist_content(it), &uid, &data, &len, &size);
		if (uid == 0 || data == NULL)
			continue; /* an unsolicited FETCH (flags) */
		ret = fn(uid, data, len, arg);
	}
	mailimap_fetch_list_free(result);
	return ret;
}

int imap_flag(struct imap *m, const uint32_t *uids, size_t n, const char *keyword, char **error_r)
{
	struct mailimap_flag_list *flags;
	struct mailimap_store_att_flags *att;
	struct mailimap_set *set;
	int r;

	if (n == 0)
		return 0;
	flags = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(flags, mailimap_flag_new_flag_keyword(xstrdup(keyword)));
	att = mailimap_store_att_flags_new_add_flags_silent(flags);
	set = make_set(uids, n);
	r = mailimap_uid_store(m->session, set, att);
	mailimap_store_att_flags_free(att);
	mailimap_set_free(set);
	if (!ok(r)) {
		*error_r = imap_error(m, "UID STORE", r);
		return -1;
	}
	return 0;
}

int imap_ensure_mailbox(struct imap *m, const char *mailbox, char **error_r)
{
	clist *list = NULL;
	int r, exists;

	r = mailimap_list(m->session, "", mailbox, &list);
	if (!ok(r)) {
		*error_r = imap_error(m, "LIST", r);
		return -1;
	}
	exists = list != NULL && clist_count(list) > 0;
	if (list != NULL)
		mailimap_list_result_free(list);
	if (exists)
		return 0;
	r = mailimap_create(m->session, mailbox);
	if (!ok(r)) {
		*error_r = imap_error(m, "CREATE", r);
		return -1;
	}
	return 0;
}

int imap_move(struct imap *m, const uint32_t *uids, size_t n, const char *mailbox, char **error_r)
{
	struct mailimap_set *set;
	struct mailimap_flag_list *flags;
	struct mailimap_store_att_flags *att;
	int r;

	if (n == 0)
		return 0;
	set = make_set(uids, n);
	if (mailimap_has_extension(m->session, "MOVE")) {
		r = mailimap_uid_move(m->session, set, mailbox);
		mailimap_set_free(set);
		if (!ok(r)) {
			*error_r = imap_error(m, "UID MOVE", r);
			return -1;
		}
		return 0;
	}
	r = mailimap_uid_copy(m->session, set, mailbox);
	if (!ok(r)) {
		mailimap_set_free(set);
		*error_r = imap_error(m, "UID COPY", r);
		return -1;
	}
	flags = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(flags, mailimap_flag_new_deleted());
	att = mailimap_store_att_flags_new_add_flags_silent(flags);
	r = mailimap_uid_store(m->session, set, att);
	mailimap_store_att_flags_free(att);
	if (ok(r) && mailimap_has_extension(m->session, "UIDPLUS"))
		r = mailimap_uid_expunge(m->session, set);
	mailimap_set_free(set);
	if (!ok(r)) {
		*error_r = imap_error(m, "moving by COPY", r);
		return -1;
	}
	return 0;
}

int imap_can_idle(struct imap *m)
{
	return mailimap_has_idle(m->session);
}

int imap_idle(struct imap *m, int timeout_ms, volatile sig_atomic_t *stop, char **error_r)
{
	struct pollfd p;
	int r, fd, waited = 0, changed = 0;
	mailstream *s = m->session->imap_stream;

	r = mailimap_idle(m->session);
	if (!ok(r)) {
		*error_r = imap_error(m, "IDLE", r);
		return -1;
	}
	fd = mailimap_idle_get_fd(m->session);
	/* Data already buffered by the stream counts as a change too. */
	changed = s != NULL && s->read_buffer_len > 0;
	while (!changed && !*stop && waited < timeout_ms) {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		r = poll(&p, 1, 200);
		if (r < 0 && errno != EINTR) {
			*error_r = xasprintf("IMAP IDLE: poll: %s", strerror(errno));
			return -1;
		}
		if (r > 0) {
			changed = 1;
			break;
		}
		waited += 200;
		if (m->conn->tls != NULL && gnutls_record_check_pending(m->conn->tls) > 0)
			changed = 1;
	}
	r = mailimap_idle_done(m->session);
	if (!ok(r)) {
		*error_r = imap_error(m, "DONE", r);
		return -1;
	}
	return changed;
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
		*info_r = xasprintf("logged in to %s:%ld (%s) as %s; mailbox %s selected; IDLE %s",
		    cfg->imap.host, cfg->imap.port, config_security_name(cfg->imap.security),
		    cfg->imap.user, cfg->imap.mailbox, imap_can_idle(m) ? "offered" : "not offered");
	imap_close(&m);
	return ret;
}
