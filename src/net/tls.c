#include "tls.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SAN_MAX 16 /* names looked at in one certificate */

static int import(gnutls_x509_crt_t *crt, const void *data, size_t len, int pem)
{
	gnutls_datum_t d;

	d.data = (unsigned char *)(uintptr_t)data;
	d.size = (unsigned)len;
	if (len == 0 || len > 1u << 20 || gnutls_x509_crt_init(crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(*crt, &d, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(*crt);
		return -1;
	}
	return 0;
}

/* Appends one name to out: printable ASCII, "..." once out is full. */
static void add_name(char *out, size_t size, const char *name, size_t n)
{
	size_t len = strlen(out), i;

	if (size < 8 || len + 4 >= size || (len > 3 && strcmp(out + len - 3, "...") == 0))
		return;
	if (len > 0) {
		out[len++] = ',';
		out[len++] = ' ';
	}
	for (i = 0; i < n && name[i] != '\0'; i++) {
		if (len + 4 >= size) {
			memcpy(out + len, "...", 3);
			len += 3;
			break;
		}
		out[len++] = name[i] > 0x20 && name[i] < 0x7f ? name[i] : '?';
	}
	out[len] = '\0';
}

void tls_cert_names(const void *data, size_t len, int pem, char *out, size_t size)
{
	gnutls_x509_crt_t crt;
	char name[256], ip[INET6_ADDRSTRLEN];
	unsigned seq, critical;
	size_t n;
	int type, found = 0;

	if (size > 0)
		out[0] = '\0';
	if (size == 0 || import(&crt, data, len, pem) < 0)
		return;
	for (seq = 0; seq < SAN_MAX; seq++) {
		n = sizeof(name);
		type = gnutls_x509_crt_get_subject_alt_name(crt, seq, name, &n, &critical);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			add_name(out, size, name, n);
			found = 1;
		} else if (type == GNUTLS_SAN_IPADDRESS && (n == 4 || n == 16) &&
		    inet_ntop(n == 4 ? AF_INET : AF_INET6, name, ip, sizeof(ip)) != NULL) {
			add_name(out, size, ip, strlen(ip));
			found = 1;
		}
	}
	/* RFC 6125 6.4.4: the common name only when no subjectAltName names
	 * a host */
	n = sizeof(name);
	if (!found && gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, name,
	    &n) == 0)
		add_name(out, size, name, n);
	gnutls_x509_crt_deinit(crt);
}

int tls_cert_in_date(const void *data, size_t len, int pem, time_t now)
{
	gnutls_x509_crt_t crt;
	int r;

	if (import(&crt, data, len, pem) < 0)
		return -1;
	r = gnutls_x509_crt_get_activation_time(crt) <= now &&
	    gnutls_x509_crt_get_expiration_time(crt) >= now;
	gnutls_x509_crt_deinit(crt);
	return r;
}

int tls_cert_for_host(const void *data, size_t len, int pem, const char *host)
{
	gnutls_x509_crt_t crt;
	int r;

	if (import(&crt, data, len, pem) < 0)
		return -1;
	r = gnutls_x509_crt_check_hostname(crt, host) != 0;
	gnutls_x509_crt_deinit(crt);
	return r;
}
