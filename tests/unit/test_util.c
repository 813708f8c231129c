/* util: the zone's arithmetic across both changes of the clocks in
 * Europe/Zurich (last Sunday of March, 02:00 -> 03:00; last Sunday of
 * October, 03:00 -> 02:00), and the room on a file system. */
#include "testutil.h"

#include <time.h>

static time_t utc(int y, int mo, int d, int h, int mi)
{
	return time_from_utc(y, mo, d, h, mi, 0);
}

static void local_hm(time_t t, char *out, size_t size)
{
	time_local_str(t, out, size);
}

static void test_candidates(void **state)
{
	time_t t[2] = { 0, 0 };

	(void)state;
	/* an ordinary time: one instant */
	assert_int_equal(time_local_candidates(2026, 3, 10, 14, 0, t), 1);
	assert_true(t[0] == utc(2026, 3, 10, 13, 0));
	assert_int_equal(time_local_candidates(2026, 7, 10, 14, 0, t), 1);
	assert_true(t[0] == utc(2026, 7, 10, 12, 0));
	/* spring: 02:00 to 02:59 do not exist */
	assert_int_equal(time_local_candidates(2026, 3, 29, 2, 30, t), 0);
	assert_int_equal(time_local_candidates(2026, 3, 29, 2, 0, t), 0);
	assert_int_equal(time_local_candidates(2026, 3, 29, 1, 59, t), 1);
	assert_true(t[0] == utc(2026, 3, 29, 0, 59));
	assert_int_equal(time_local_candidates(2026, 3, 29, 3, 0, t), 1);
	assert_true(t[0] == utc(2026, 3, 29, 1, 0));
	/* autumn: 02:00 to 02:59 happen twice, CEST first */
	assert_int_equal(time_local_candidates(2026, 10, 25, 2, 30, t), 2);
	assert_true(t[0] == utc(2026, 10, 25, 0, 30));
	assert_true(t[1] == utc(2026, 10, 25, 1, 30));
	assert_int_equal(time_local_candidates(2026, 10, 25, 3, 0, t), 1);
	assert_true(t[0] == utc(2026, 10, 25, 2, 0));
	assert_int_equal(time_local_candidates(2026, 10, 25, 1, 59, t), 1);
	/* out of range */
	assert_int_equal(time_local_candidates(2026, 2, 30, 10, 0, t), 0);
	assert_int_equal(time_local_candidates(2026, 13, 1, 10, 0, t), 0);
	assert_int_equal(time_local_candidates(2026, 1, 1, 24, 0, t), 0);
}

/* A day in words, in the reader's language, as reminders say it. */
static void test_day_in_words(void **state)
{
	static const struct {
		int y, m, d;
		const char *lang;
		int weekday;
		const char *want;
	} cases[] = {
		{ 2026, 4, 23, "en", 0, "23 April" },
		{ 2026, 4, 23, "fr", 0, "23 avril" },
		{ 2026, 4, 23, "en", 1, "Thursday 23 April" },
		{ 2026, 2, 1, "fr", 1, "dimanche 1er f\xc3\xa9vrier" },
		{ 2026, 12, 31, "fr", 0, "31 d\xc3\xa9" "cembre" },
		{ 2025, 11, 15, "en", 0, "15 November 2025" },
		{ 2026, 8, 3, NULL, 0, "3 August" },
	};
	time_t now = time_from_local(2026, 6, 1, 9, 0);
	char s[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		time_local_day(time_from_local(cases[i].y, cases[i].m, cases[i].d, 9, 0), now,
		    cases[i].lang, cases[i].weekday, s, sizeof(s));
		assert_string_equal(s, cases[i].want);
	}
	assert_string_equal(time_local_weekday(now, "fr"), "lundi");
	assert_string_equal(time_local_weekday(now, "en"), "Monday");
}

static void test_add_days_keeps_the_time_of_day(void **state)
{
	char s[32];
	time_t spring = time_from_local(2026, 3, 16, 9, 0);
	time_t autumn = time_from_local(2026, 10, 12, 9, 0);
	time_t t;

	(void)state;
	/* 14 days across the spring change: 13 days and 23 hours */
	t = time_add_days(spring, 14);
	local_hm(t, s, sizeof(s));
	assert_string_equal(s, "2026-03-30 09:00");
	assert_true(t - spring == 14 * 86400 - 3600);
	/* and across the autumn change: 14 days and one hour */
	t = time_add_days(autumn, 14);
	local_hm(t, s, sizeof(s));
	assert_string_equal(s, "2026-10-26 09:00");
	assert_true(t - autumn == 14 * 86400 + 3600);
	/* back again */
	assert_true(time_add_days(t, -14) == autumn);
	/* a whole year: both changes */
	t = time_add_days(spring, 365);
	local_hm(t, s, sizeof(s));
	assert_string_equal(s, "2027-03-16 09:00");
	/* a time of day the clocks skip moves on by the jump */
	t = time_add_days(time_from_local(2026, 3, 28, 2, 30), 1);
	local_hm(t, s, sizeof(s));
	assert_string_equal(s, "2026-03-29 03:30");
}

static void test_lenient_from_local(void **state)
{
	char s[32];

	(void)state;
	local_hm(time_from_local(2026, 3, 29, 2, 30), s, sizeof(s));
	assert_string_equal(s, "2026-03-29 03:30");
	assert_true(time_from_local(2026, 10, 25, 2, 30) == utc(2026, 10, 25, 0, 30));
	assert_true(time_from_local(2026, 2, 30, 10, 0) == (time_t)-1);
}

static void test_fs_space(void **state)
{
	struct fs_space fs;
	char *dir = tu_tmpdir(), *missing = xasprintf("%s/not/yet", dir);

	(void)state;
	assert_int_equal(fs_space(dir, &fs), 0);
	assert_true(fs.total > 0);
	assert_true(fs.avail <= fs.total);
	assert_true(fs.mount[0] == '/');
	assert_string_not_equal(fs.type, "?");
	/* a path not made yet: its folder would hold it */
	free(missing);
	missing = xasprintf("%s/new.db", dir);
	assert_int_equal(fs_space(missing, &fs), 0);
	free(missing);
	missing = xasprintf("%s/no/such/folder/file", dir);
	assert_int_equal(fs_space(missing, &fs), -1);
	free(missing);
	tu_rmdir(dir);
}

/* RFC 4648 section 10's vectors, padded; base64url without padding. */
static void test_base64(void **state)
{
	static const struct {
		const char *in, *std, *url;
	} cases[] = {
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" }, { "foo", "Zm9v", "Zm9v" },
		{ "foob", "Zm9vYg==", "Zm9vYg" }, { "fooba", "Zm9vYmE=", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy", "Zm9vYmFy" }, { "\xfb\xff", "+/8=", "-_8" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf a, b;

		buf_init(&a, 64);
		buf_init(&b, 64);
		buf_add(&a, "", 0);
		buf_add(&b, "", 0);
		assert_int_equal(buf_add_base64(&a, cases[i].in, strlen(cases[i].in), 0), 0);
		assert_int_equal(buf_add_base64(&b, cases[i].in, strlen(cases[i].in), 1), 0);
		assert_string_equal(a.s, cases[i].std);
		assert_string_equal(b.s, cases[i].url);
		buf_deinit(&a);
		buf_deinit(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_add_days_keeps_the_time_of_day),
		cmocka_unit_test(test_day_in_words),
		cmocka_unit_test(test_lenient_from_local),
		cmocka_unit_test(test_fs_space),
	};

	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
