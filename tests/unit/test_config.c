#include "testutil.h"

#include "config.h"

struct fx {
	char *dir;
	char *secret;
};

static const char base[] =
    "[programme]\n"
    "name = WIT Mentoring\n"
    "address = Mentoring@Example.org\n"
    "timezone = Europe/Zurich\n"
    "\n"
    "[committee]\n"
    "members = chair@example.org , vice@example.org\n"
    "[imap]\n"
    "host = imap.example.org\n"
    "user = mentoring\n"
    "password_file = secret\n"
    "[smtp]\n"
    "url = smtps://smtp.example.org:465\n";

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	f->secret = xasprintf("%s/secret", f->dir);
	tu_write(f->secret, "s3cret\n", 0600);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free(f->secret);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

static int load_text(struct fx *f, const char *text, struct config **cfg, char **errors)
{
	char *path = xasprintf("%s/mentord.conf", f->dir);
	int r;

	tu_write(path, text, 0644);
	*cfg = NULL;
	*errors = NULL;
	r = config_load(path, cfg, errors);
	free(path);
	return r;
}

static void test_valid_with_defaults(void **state)
{
	struct config *cfg = NULL;
	char *errors = NULL;

	assert_int_equal(load_text(*state, base, &cfg, &errors), 0);
	assert_null(errors);
	assert_string_equal(cfg->programme.name, "WIT Mentoring");
	assert_string_equal(cfg->programme.domain, "Example.org");
	assert_string_equal(cfg->programme.display_name, "WIT Mentoring");
	assert_string_equal(cfg->programme.language, "en");
	assert_int_equal(cfg->committee.members.n, 2);
	assert_string_equal(cfg->committee.members.v[1], "vice@example.org");
	assert_int_equal(cfg->committee.notify.n, 2);
	assert_true(config_is_member(cfg, "CHAIR@example.org"));
	assert_false(config_is_member(cfg, "chair@example.org.evil"));
	assert_int_equal(cfg->imap.port, 993);
	assert_int_equal(cfg->imap.idle_seconds, 600);
	assert_int_equal(cfg->imap.security, SEC_TLS);
	assert_string_equal(cfg->imap.mailbox, "INBOX");
	assert_null(cfg->imap.processed_mailbox);
	assert_int_equal(cfg->smtp.security, SEC_TLS);
	assert_int_equal(cfg->schedule.checkin_first_days, 14);
	assert_int_equal(cfg->schedule.checkin_every_days, 42);
	assert_int_equal(cfg->schedule.digest_weekday, 1);
	assert_int_equal(cfg->schedule.digest_hour, 8);
	assert_int_equal(cfg->schedule.programme_months, 6);
	/* relative paths are taken from the file's folder */
	assert_true(str_has_prefix(cfg->imap.password_file, ((struct fx *)*state)->dir));
	config_free(&cfg);
	assert_null(cfg);
}

/* A subject ends with the programme's tag, short enough to leave room for
 * what the message is: the committee's subject_tag, else a short form of
 * the name. */
static void test_subject_tag(void **state)
{
	static const struct {
		const char *name, *tag, *want;
	} cases[] = {
		{ "WIT Mentoring", NULL, "WIT Mentoring" },
		{ "WIT Mentoring Programme", NULL, "WIT" },
		{ "Programme de mentorat des femmes", NULL, "Programme de" },
		{ "Mentorat \xc3\xa9galit\xc3\xa9 hommes-femmes", NULL,
		    "Mentorat \xc3\xa9galit\xc3\xa9" },
		{ "Supercalifragilisticexpialidocious", NULL, "Supercalifragilisticexpialidocious" },
		{ "WIT Mentoring Programme", "Mentoring", "Mentoring" },
	};
	const char *rest = strstr(base, "address =");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct config *cfg = NULL;
		char *errors = NULL;
		char *text = xasprintf("[programme]\nname = %s\n%s%s%s%s", cases[i].name,
		    cases[i].tag != NULL ? "subject_tag = " : "", cases[i].tag != NULL ? cases[i].tag : "",
		    cases[i].tag != NULL ? "\n" : "", rest);

		assert_int_equal(load_text(*state, text, &cfg, &errors), 0);
		assert_string_equal(cfg->programme.subject_tag, cases[i].want);
		config_free(&cfg);
		free(text);
	}
}

/* [programme] provider: its defaults fill what the file leaves out, a key
 * in the file wins, and the report says where each value came from. */
static const char provider_base[] =
    "[programme]\n"
    "name = M\n"
    "address = mentoring@contoso.example\n"
    "provider = %s\n"
    "[committee]\n"
    "members = chair@contoso.example\n"
    "%s"
    "[imap]\n"
    "user = mentoring@contoso.example\n"
    "password_file = secret\n"
    "%s"
    "%s";

/* What the organisation itself gives: the SMTP server where no provider
 * has one; its application's id where a provider's sign-in needs it. */
static const char *provider_rest(const char *provider)
{
	if (strcmp(provider, "microsoft365") == 0)
		return "[smtp]\nuser = chair@contoso.example\n[oauth2]\ntenant = contoso.example\n"
		    "client_id = 0000-1111\nrefresh_token_file = refresh.token\n";
	if (strcmp(provider, "google") == 0)
		return "[smtp]\nuser = chair@contoso.example\n[oauth2]\nclient_id = 1234.apps.example\n"
		    "refresh_token_file = refresh.token\n";
	return "[smtp]\nurl = smtps://smtp.example.org:465\n";
}

static struct config *load_provider(void **state, const char *provider, const char *committee,
    const char *imap)
{
	struct config *cfg = NULL;
	char *errors = NULL, *text = xasprintf(provider_base, provider, committee, imap,
	    provider_rest(provider));

	if (load_text(*state, text, &cfg, &errors) < 0)
		fail_msg("%s", errors);
	free(text);
	return cfg;
}

static void test_provider_presets(void **state)
{
	struct config *cfg;
	char *report, *text, *errors = NULL;
	const struct provider_default *d;
	size_t n, i;
	int p;

	cfg = load_provider(state, "other", "", "host = imap.contoso.example\n");
	assert_int_equal(cfg->programme.provider, PROVIDER_OTHER);
	assert_null(cfg->imap.processed_mailbox);
	assert_null(cfg->committee.authserv_id);
	assert_int_equal(cfg->imap.auth, AUTH_PLAIN);
	assert_int_equal(cfg->committee.domains.n, 1);
	assert_string_equal(cfg->committee.domains.v[0], "contoso.example");
	config_free(&cfg);

	cfg = load_provider(state, "microsoft365", "", "");
	assert_string_equal(cfg->imap.host, "outlook.office365.com");
	assert_int_equal(cfg->imap.port, 993);
	assert_int_equal(cfg->imap.auth, AUTH_XOAUTH2);
	assert_string_equal(cfg->imap.processed_mailbox, PROVIDER_HANDLED_FOLDER);
	assert_null(cfg->committee.authserv_id);
	report = config_report(cfg);
	assert_non_null(strstr(report, "[imap] host = outlook.office365.com (provider microsoft365)\n"));
	assert_non_null(strstr(report, "[programme] provider = microsoft365 (set in the file)\n"));
	assert_non_null(strstr(report, "[committee] domains = contoso.example (built in)\n"));
	assert_non_null(strstr(report, "[committee] authserv_id is not set\n"));
	free(report);
	config_free(&cfg);

	/* every key the file sets wins over the preset */
	cfg = load_provider(state, "microsoft365", "domains = contoso.example, fabrikam.example\n",
	    "host = imap.contoso.example\nport = 1993\nauth = plain\nprocessed_mailbox = Done\n");
	assert_string_equal(cfg->imap.host, "imap.contoso.example");
	assert_int_equal(cfg->imap.port, 1993);
	assert_int_equal(cfg->imap.auth, AUTH_PLAIN);
	assert_string_equal(cfg->imap.processed_mailbox, "Done");
	assert_int_equal(cfg->committee.domains.n, 2);
	report = config_report(cfg);
	assert_non_null(strstr(report, "[imap] host = imap.contoso.example (set in the file)\n"));
	assert_non_null(strstr(report, "[imap] processed_mailbox = Done (set in the file)\n"));
	assert_non_null(strstr(report, "[imap] port = 1993 (set in the file)\n"));
	assert_non_null(strstr(report, "[imap] security = tls (provider microsoft365)\n"));
	free(report);
	config_free(&cfg);

	cfg = load_provider(state, "google", "", "");
	assert_string_equal(cfg->imap.host, "imap.gmail.com");
	assert_string_equal(cfg->committee.authserv_id, "mx.google.com");
	config_free(&cfg);
	cfg = load_provider(state, "google", "authserv_id = relay.contoso.example\n", "");
	assert_string_equal(cfg->committee.authserv_id, "relay.contoso.example");
	config_free(&cfg);

	/* each provider's whole table applies, and is reported as its */
	for (p = PROVIDER_OTHER; p <= PROVIDER_GOOGLE; p++) {
		cfg = load_provider(state, provider_name((enum provider)p), "",
		    p == PROVIDER_EXCHANGE || p == PROVIDER_OTHER ? "host = mail.contoso.example\n" : "");
		report = config_report(cfg);
		d = provider_defaults((enum provider)p, &n);
		for (i = 0; i < n; i++) {
			char *line = xasprintf("[%s] %s = %s (provider %s)\n", d[i].section, d[i].key,
			    d[i].value, provider_name((enum provider)p));

			if (strstr(report, line) == NULL)
				fail_msg("%s not in:\n%s", line, report);
			free(line);
		}
		free(report);
		config_free(&cfg);
	}

	/* what the organisation must give is named */
	text = xasprintf(provider_base, "google", "", "", "[oauth2]\nclient_id = 1234.apps.example\n"
	    "refresh_token_file = refresh.token\n");
	assert_int_equal(load_text(*state, text, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "[smtp] user is required with provider = google"));
	free(errors);
	errors = NULL;
	free(text);

	text = xasprintf(provider_base, "office365", "domains = a b.example\n", "",
	    provider_rest("other"));
	assert_int_equal(load_text(*state, text, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "provider: expected microsoft365, exchange, google or other"));
	assert_non_null(strstr(errors, "[committee] domains: not a domain name: a b.example"));
	free(errors);
	free(text);
}

/* RFC 2177 section 3: IDLE is left and entered again within 29 minutes */
static void test_idle_seconds_under_29_minutes(void **state)
{
	struct config *cfg = NULL;
	char *errors = NULL;
	char *text = xasprintf("%s[imap]\nidle_seconds = 1740\n", base);

	assert_int_equal(load_text(*state, text, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "idle_seconds"));
	free(errors);
	free(text);
	text = xasprintf("%s[imap]\nidle_seconds = 1739\n", base);
	assert_int_equal(load_text(*state, text, &cfg, &errors), 0);
	assert_int_equal(cfg->imap.idle_seconds, 1739);
	config_free(&cfg);
	free(text);
}

static void test_every_error_reported_with_line(void **state)
{
	struct config *cfg = NULL;
	char *errors = NULL;
	char *text = xasprintf("%s[schedule]\ndigest_weekday = someday\ndigest_time = 25:00\n"
	    "bogus = 1\n[imap]\nport = 99999\n[nowhere]\nx = y\n", base);

	assert_int_equal(load_text(*state, text, &cfg, &errors), -1);
	assert_null(cfg);
	assert_non_null(strstr(errors, "mentord.conf:15: digest_weekday"));
	assert_non_null(strstr(errors, "mentord.conf:16: digest_time: expected HH:MM"));
	assert_non_null(strstr(errors, "mentord.conf:17: unknown key bogus in [schedule]"));
	assert_non_null(strstr(errors, "mentord.conf:19: port: expected a whole number"));
	assert_non_null(strstr(errors, "mentord.conf:20: unknown section [nowhere]"));
	free(errors);
	free(text);
}

static void test_missing_required_and_bad_values(void **state)
{
	struct config *cfg = NULL;
	char *errors = NULL;

	assert_int_equal(load_text(*state, "[programme]\nname = X\naddress = nope\nlanguage = de\n"
	    "timezone = Mars/Olympus\n[imap]\nsecurity = none\nhost = imap.example.org\n", &cfg, &errors), -1);
	assert_non_null(strstr(errors, "language: expected en or fr"));
	assert_non_null(strstr(errors, "not an e-mail address: nope"));
	assert_non_null(strstr(errors, "unknown time zone Mars/Olympus"));
	assert_non_null(strstr(errors, "[committee] members is required"));
	assert_non_null(strstr(errors, "[imap] user is required"));
	assert_non_null(strstr(errors, "security = none is allowed only to a loopback host"));
	assert_non_null(strstr(errors, "[smtp] url is required"));
	free(errors);
}

static void test_secret_file_permissions(void **state)
{
	struct fx *f = *state;
	struct config *cfg = NULL;
	char *errors = NULL, *secret = NULL, *err = NULL;

	assert_int_equal(config_read_secret(f->secret, &secret, &err), 0);
	assert_string_equal(secret, "s3cret");
	free(secret);
	assert_int_equal(chmod(f->secret, 0640), 0);
	assert_int_equal(config_read_secret(f->secret, &secret, &err), -1);
	assert_non_null(strstr(err, "readable by group or others"));
	free(err);
	assert_int_equal(load_text(f, base, &cfg, &errors), -1);
	/* the line where the file is named, as for any other error */
	assert_non_null(strstr(errors, "mentord.conf:11: [imap] password_file: "));
	assert_non_null(strstr(errors, "readable by group or others"));
	free(errors);
	assert_int_equal(chmod(f->secret, 0600), 0);
	assert_int_equal(unlink(f->secret), 0);
	assert_int_equal(load_text(f, base, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "mentord.conf:11: [imap] password_file: "));
	assert_non_null(strstr(errors, "No such file or directory"));
	free(errors);
	tu_write(f->secret, "s3cret\n", 0600);
}

/* A misspelt key: the error names the key meant. */
static void test_unknown_key_suggests_the_nearest(void **state)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "[programme]\ntime_zone = UTC\n", "unknown key time_zone in [programme] (did you mean timezone?)" },
		{ "[programme]\nTimeZone = UTC\n", "unknown key TimeZone in [programme] (did you mean timezone?)" },
		{ "[imap]\npasword_file = x\n", "unknown key pasword_file in [imap] (did you mean password_file?)" },
		{ "[imap]\npassword-file = x\n", "unknown key password-file in [imap] (did you mean password_file?)" },
		{ "[imap]\nhsot = x\n", "unknown key hsot in [imap] (did you mean host?)" },
		{ "[schedule]\ndigest_weekdays = monday\n", "(did you mean digest_weekday?)" },
		{ "[committee]\nauthserv-id = x\n", "(did you mean authserv_id?)" },
		/* not a slip: a key of another section */
		{ "[programme]\nmembers = a@example.org\n", "unknown key members in [programme] (members belongs in [committee])" },
		/* nothing near: no guess */
		{ "[programme]\nbogus = 1\n", "unknown key bogus in [programme]\n" },
		{ "[smtp]\nzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz = 1\n",
		  "zzzzzzzz in [smtp]\n" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct config *cfg = NULL;
		char *errors = NULL, *text = xasprintf("%s%s", base, cases[i].line);

		assert_int_equal(load_text(*state, text, &cfg, &errors), -1);
		if (strstr(errors, cases[i].want) == NULL)
			fail_msg("case %zu: %s not in:\n%s", i, cases[i].want, errors);
		assert_non_null(strstr(errors, "mentord.conf:15: unknown key"));
		free(errors);
		free(text);
	}
}

static void test_duplicate_key_and_control_characters(void **state)
{
	struct config *cfg = NULL;
	char *errors = NULL;
	char *text = xasprintf("%s[programme]\nname = Again\nlist_id = a\tb\n", base);

	assert_int_equal(load_text(*state, text, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "name: given twice"));
	assert_non_null(strstr(errors, "list_id: control characters"));
	free(errors);
	free(text);
}

static void test_delivery_keys(void **state)
{
	static const struct {
		const char *value;
		long seconds; /* -1: refused */
	} lifetimes[] = {
		{ "5d", 5L * 86400 }, { "12h", 43200 }, { "30m", 1800 }, { "90", 90 }, { "600s", 600 },
		{ "60d", 60L * 86400 }, { "61d", -1 }, { "30s", -1 }, { "1x", -1 }, { "d", -1 },
		{ "-1d", -1 }, { "", -1 }, { "5 d", -1 },
	};
	struct config *cfg = NULL;
	char *errors = NULL, *text;
	size_t i;

	assert_int_equal(load_text(*state, base, &cfg, &errors), 0);
	assert_int_equal(cfg->smtp.queue_lifetime, 5L * 86400);
	assert_int_equal(cfg->smtp.max_per_minute, 0);
	assert_int_equal(cfg->smtp.max_recipients_per_day, 0);
	assert_int_equal(cfg->warnings.n, 0);
	config_free(&cfg);
	for (i = 0; i < ARRAY_SIZE(lifetimes); i++) {
		text = xasprintf("%squeue_lifetime = %s\n", base, lifetimes[i].value);
		if (lifetimes[i].seconds < 0) {
			assert_int_equal(load_text(*state, text, &cfg, &errors), -1);
			assert_non_null(strstr(errors, "queue_lifetime: expected a duration"));
			free(errors);
		} else {
			assert_int_equal(load_text(*state, text, &cfg, &errors), 0);
			assert_int_equal(cfg->smtp.queue_lifetime, lifetimes[i].seconds);
			config_free(&cfg);
		}
		free(text);
	}
	/* the old count of attempts still loads, with a word of why it is
	 * not used */
	text = xasprintf("%smax_attempts = 8\nmax_per_minute = 30\nmax_recipients_per_day = 10000\n",
	    base);
	assert_int_equal(load_text(*state, text, &cfg, &errors), 0);
	assert_int_equal(cfg->warnings.n, 1);
	assert_non_null(strstr(cfg->warnings.v[0], "mentord.conf:14: max_attempts is no longer used"));
	assert_int_equal(cfg->smtp.max_per_minute, 30);
	assert_int_equal(cfg->smtp.max_recipients_per_day, 10000);
	config_free(&cfg);
	free(text);
}

static void test_loopback(void **state)
{
	(void)state;
	assert_true(config_host_is_loopback("127.0.0.1"));
	assert_true(config_host_is_loopback("localhost"));
	assert_true(config_host_is_loopback("::1"));
	assert_false(config_host_is_loopback("imap.example.org"));
	assert_false(config_host_is_loopback("10.0.0.1"));
	assert_false(config_host_is_loopback("127.evil.example.org"));
	assert_true(config_host_is_loopback("127.0.0.2"));
	assert_true(config_host_is_loopback("[::1]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_with_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subject_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_error_reported_with_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_seconds_under_29_minutes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_required_and_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_file_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_suggests_the_nearest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_key_and_control_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delivery_keys, setup, teardown),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test_setup_teardown(test_provider_presets, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
