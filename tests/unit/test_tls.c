/* tls: a certificate's host names and dates, as the messages about a
 * refused certificate give them. The certificates were made with the
 * openssl command line: one for mail.example.org, smtp.example.org and
 * 192.0.2.7 (subjectAltNames), valid 2026-12-03 13:44:55 to 2026-12-05
 * 13:44:55 UTC; one with a common name only. */
#include "testutil.h"

#include "tls.h"

static const char san_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIByTCCAW6gAwIBAgIUHz6x4pHQDtGHA438I4FbyGGaeiEwCgYIKoZIzj0EAwIw\n"
    "EjEQMA4GA1UEAwwHdGVzdCBDQTAeFw0yNjEyMDMxMzQ0NTVaFw0yNjEyMDUxMzQ0\n"
    "NTVaMBsxGTAXBgNVBAMMEG1haWwuZXhhbXBsZS5vcmcwWTATBgcqhkjOPQIBBggq\n"
    "hkjOPQMBBwNCAAR+6Z7dXtn3vTIOmC3Kl2weM2/gRlzLj5BrNnOzlmMX2oJtIPOq\n"
    "+ZZKIPwrxq5jmd4NfuLD6IVEZNXPKCAhtj8do4GYMIGVMDMGA1UdEQQsMCqCEG1h\n"
    "aWwuZXhhbXBsZS5vcmeCEHNtdHAuZXhhbXBsZS5vcmeHBMAAAgcwCQYDVR0TBAIw\n"
    "ADATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4EFgQU7nY0I3tza5nH6MqPmtql\n"
    "U2sk2S8wHwYDVR0jBBgwFoAUkA+Et2/mHvPUciT50nJKtDeAkDAwCgYIKoZIzj0E\n"
    "AwIDSQAwRgIhAOOIdVdD106zhR0fguagjpRVhwUL5Q3JFZ8JacWRRIu1AiEAjL4X\n"
    "grJ4FrFA1zF9p5/KPB7fSER1DIpLmyc8P4R324c=\n"
    "-----END CERTIFICATE-----\n";

static const char cn_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBkTCCATegAwIBAgIUPqw0qoIVqiA9Pmo9OzjsgxEDXTQwCgYIKoZIzj0EAwIw\n"
    "HjEcMBoGA1UEAwwTb25seS1jbi5leGFtcGxlLm9yZzAeFw0yNjEyMDMxNDA3MDda\n"
    "Fw0yNjEyMDUxNDA3MDdaMB4xHDAaBgNVBAMME29ubHktY24uZXhhbXBsZS5vcmcw\n"
    "WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATcE2itpsmzk1GXAZQEBXTSUQaCAwzw\n"
    "qIvwixwKJJNPJGHLLtarCbXLqNgwRAb+ANPbMHMxJYHuRsqVjahF+9Amo1MwUTAd\n"
    "BgNVHQ4EFgQUtFH71jQew12odTv7g0CWnlqJJhswHwYDVR0jBBgwFoAUtFH71jQe\n"
    "w12odTv7g0CWnlqJJhswDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF\n"
    "AiA21R1uH3UN6w/5uRn+1MxcPXSFx2fwkowdvL/ZwA/ekQIhALpV8yFPdfl85c2j\n"
    "o1QYGbHwPWksAbXoe3V9qHXhzsLW\n"
    "-----END CERTIFICATE-----\n";

#define NOT_BEFORE ((time_t)1796305495)
#define NOT_AFTER ((time_t)1796478295)

static void test_names(void **state)
{
	char out[TLS_NAMES_BYTES], small[24];

	(void)state;
	tls_cert_names(san_pem, strlen(san_pem), 1, out, sizeof(out));
	assert_string_equal(out, "mail.example.org, smtp.example.org, 192.0.2.7");
	/* RFC 6125 6.4.4: the common name when no subjectAltName names a host */
	tls_cert_names(cn_pem, strlen(cn_pem), 1, out, sizeof(out));
	assert_string_equal(out, "only-cn.example.org");
	/* cut to fit, and said so */
	tls_cert_names(san_pem, strlen(san_pem), 1, small, sizeof(small));
	assert_string_equal(small, "mail.example.org, sm...");
	/* what cannot be read names nothing */
	tls_cert_names("not a certificate", 17, 1, out, sizeof(out));
	assert_string_equal(out, "");
	tls_cert_names(san_pem, strlen(san_pem) / 2, 1, out, sizeof(out));
	assert_string_equal(out, "");
	tls_cert_names(san_pem, strlen(san_pem), 0, out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_host_and_dates(void **state)
{
	(void)state;
	assert_int_equal(tls_cert_for_host(san_pem, strlen(san_pem), 1, "mail.example.org"), 1);
	assert_int_equal(tls_cert_for_host(san_pem, strlen(san_pem), 1, "SMTP.example.org"), 1);
	assert_int_equal(tls_cert_for_host(san_pem, strlen(san_pem), 1, "192.0.2.7"), 1);
	assert_int_equal(tls_cert_for_host(san_pem, strlen(san_pem), 1, "127.0.0.1"), 0);
	assert_int_equal(tls_cert_for_host(san_pem, strlen(san_pem), 1, "example.org"), 0);
	assert_int_equal(tls_cert_for_host("junk", 4, 1, "mail.example.org"), -1);
	assert_int_equal(tls_cert_in_date(san_pem, strlen(san_pem), 1, NOT_BEFORE + 3600), 1);
	assert_int_equal(tls_cert_in_date(san_pem, strlen(san_pem), 1, NOT_BEFORE - 1), 0);
	assert_int_equal(tls_cert_in_date(san_pem, strlen(san_pem), 1, NOT_AFTER + 1), 0);
	assert_int_equal(tls_cert_in_date("junk", 4, 1, NOT_BEFORE), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_host_and_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
