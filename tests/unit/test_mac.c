/* mac: keyed tags, checked against HMAC-SHA-256 as Python's hmac module
 * computes it, and the key file. */
#include "testutil.h"

#include <sys/stat.h>

#include "mac.h"

static void test_tag_is_hmac_sha256(void **state)
{
	unsigned char key[MAC_KEY_BYTES];
	char out[52];
	size_t i;

	(void)state;
	for (i = 0; i < MAC_KEY_BYTES; i++)
		key[i] = (unsigned char)i;
	/* base64.b32encode(hmac.new(bytes(range(32)), b"mentord.1", "sha256")
	 * .digest()).lower() */
	mac_tag(key, "mentord.1", out, 51);
	assert_string_equal(out, "ar5q4hpqhdgojrtrttxx2lltnbyjarxvvlx2cox5psttkokwcpc");
	mac_tag(key, "", out, 20);
	assert_string_equal(out, "2ofueclnqd2f7atlisu5");
	mac_tag(key, "mentord.2", out, 20);
	assert_string_not_equal(out, "ar5q4hpqhdgojrtrttxx");
	key[0] ^= 1;
	mac_tag(key, "mentord.1", out, 20);
	assert_string_not_equal(out, "ar5q4hpqhdgojrtrttxx");
}

static void test_key_file(void **state)
{
	char *dir = tu_tmpdir(), *path = xasprintf("%s/k", dir), *err = NULL;
	unsigned char a[MAC_KEY_BYTES], b[MAC_KEY_BYTES];
	struct stat sb;

	(void)state;
	assert_int_equal(mac_key_load(path, a, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 2 * MAC_KEY_BYTES + 1);
	assert_int_equal(mac_key_load(path, b, &err), 0);
	assert_memory_equal(a, b, sizeof(a));
	tu_write(path, "0123\n", 0600);
	assert_int_equal(mac_key_load(path, b, &err), -1);
	assert_non_null(strstr(err, "not a key"));
	assert_non_null(strstr(err, "remove it: a new one is made"));
	free(err);
	free(path);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag_is_hmac_sha256),
		cmocka_unit_test(test_key_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
