/* ical: invitations read back by libical and by Python's icalendar
 * (tests/unit/check_ical.py), replies from the corpus and from fixtures in
 * the shapes Outlook, Google, Apple and Thunderbird write, every reply cut
 * at every byte, every corpus file, and the limits of bounds.h. */
#include "testutil.h"

#include <fcntl.h>
#include <ftw.h>
#include <libical/ical.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#include "bounds.h"
#include "ical.h"

extern char **environ;

/* ---- helpers ---- */

static int num(const char *s, size_t n)
{
	int r = 0;

	while (n-- > 0)
		r = r * 10 + (*s++ - '0');
	return r;
}

/* 20260302T081512Z -> seconds; 0 for NULL. */
static time_t utc(const char *s)
{
	struct tm tm;

	if (s == NULL)
		return 0;
	assert_int_equal(strlen(s), 16);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = num(s, 4) - 1900;
	tm.tm_mon = num(s + 4, 2) - 1;
	tm.tm_mday = num(s + 6, 2);
	tm.tm_hour = num(s + 9, 2);
	tm.tm_min = num(s + 11, 2);
	tm.tm_sec = num(s + 13, 2);
	return timegm(&tm);
}

struct want {
	const char *uid, *attendee, *partstat;
	long sequence;
	const char *dtstamp; /* NULL: 0 */
};

static void assert_replies(const char *what, const struct ical_reply *r, size_t n,
    const struct want *w, size_t wn)
{
	size_t i;

	if (n != wn)
		fail_msg("%s: %zu replies, expected %zu", what, n, wn);
	for (i = 0; i < n; i++) {
		if (strcmp(r[i].uid, w[i].uid) != 0 || strcmp(r[i].attendee, w[i].attendee) != 0 ||
		    strcmp(r[i].partstat, w[i].partstat) != 0 || r[i].sequence != w[i].sequence ||
		    r[i].dtstamp != utc(w[i].dtstamp))
			fail_msg("%s: reply %zu is (%s, %s, %s, %ld, %lld), "
			    "expected (%s, %s, %s, %ld, %lld)",
			    what, i, r[i].uid, r[i].attendee, r[i].partstat, r[i].sequence,
			    (long long)r[i].dtstamp, w[i].uid, w[i].attendee, w[i].partstat,
			    w[i].sequence, (long long)utc(w[i].dtstamp));
	}
}

/* What every reply must look like, whatever the input. */
static void assert_well_formed(const struct ical_reply *r, size_t n)
{
	static const char *const ps[] = { "ACCEPTED", "DECLINED", "TENTATIVE",
		"NEEDS-ACTION", "DELEGATED" };
	size_t i, j;
	const char *c;
	int ok;

	assert_true(n <= ICAL_COMPONENTS_MAX);
	for (i = 0; i < n; i++) {
		assert_non_null(r[i].uid);
		assert_true(r[i].uid[0] != '\0');
		assert_non_null(strchr(r[i].attendee, '@'));
		assert_false(str_has_prefix_ci(r[i].attendee, "mailto:"));
		for (c = r[i].attendee; *c != '\0'; c++)
			assert_false(*c >= 'A' && *c <= 'Z');
		for (ok = 0, j = 0; j < ARRAY_SIZE(ps); j++)
			ok |= strcmp(r[i].partstat, ps[j]) == 0;
		assert_true(ok);
		assert_true(r[i].sequence >= 0);
		assert_true(r[i].dtstamp >= 0);
	}
}

/* Parses exactly len bytes from a buffer of that size, so that the
 * sanitizers see any read past the end. */
static int parse_exact(const char *text, size_t len, struct ical_reply **r, size_t *n)
{
	char *copy = xmalloc(len);
	int ret;

	memcpy(copy, text, len);
	ret = ical_parse_reply(copy, len, r, n);
	free(copy);
	return ret;
}

/* The text/calendar parts of a raw message or mbox: the body after the
 * part's header up to the next boundary line, quoted-printable decoded
 * when the part says so (test-only; the mime module does this for real). */
struct cal_part {
	char *text;
	int method_reply; /* method=REPLY in the part's Content-Type */
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *qp_decode(const char *s, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b, n + 1);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 1 < n && s[i + 1] == '\n') {
			i++;
		} else if (s[i] == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			buf_addc(&b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			buf_addc(&b, s[i]);
		}
	}
	return buf_steal(&b);
}

static size_t extract_calendars(const char *raw, struct cal_part *parts, size_t max)
{
	const char *p = raw, *hdr_end, *body, *end;
	char *header;
	size_t n = 0;

	while (n < max && (p = strcasestr(p, "\nContent-Type:")) != NULL) {
		p += strlen("\nContent-Type:");
		while (*p == ' ' || *p == '\t')
			p++;
		if (!str_has_prefix_ci(p, "text/calendar"))
			continue;
		if ((hdr_end = strstr(p, "\n\n")) == NULL)
			break;
		header = xstrndup(p, (size_t)(hdr_end - p));
		body = hdr_end + 2;
		for (end = body; *end != '\0' && !str_has_prefix(end, "--");) {
			const char *nl = strchr(end, '\n');

			end = nl != NULL ? nl + 1 : end + strlen(end);
		}
		parts[n].method_reply = strcasestr(header, "method=REPLY") != NULL;
		parts[n].text = strcasestr(header, "quoted-printable") != NULL ?
		    qp_decode(body, (size_t)(end - body)) : xstrndup(body, (size_t)(end - body));
		free(header);
		n++;
		p = end;
	}
	return n;
}

/* ---- invitations ---- */

struct req_case {
	const char *name;
	const char *tzid;
	const char *start;       /* UTC */
	long duration_min;
	long sequence;
	int cancel;
	const char *location;
	int long_description;
	int expect_utc;          /* local time repeated: 1 DTSTART, 2 DTEND in UTC */
};

static const struct req_case req_cases[] = {
	{ "zurich-summer", "Europe/Zurich", "20260701T070000Z", 90, 0, 0,
	  "Salle Évian, bâtiment 40 (2e étage)", 0, 0 },
	{ "zurich-winter", "Europe/Zurich", "20260115T130000Z", 120, 0, 0,
	  "Salle Léman; Genève", 0, 0 },
	{ "new-york-summer", "America/New_York", "20260610T140000Z", 60, 0, 0,
	  "Room 5, 3rd floor", 0, 0 },
	{ "new-york-winter", "America/New_York", "20261202T153000Z", 45, 0, 0, "", 0, 0 },
	{ "utc", "UTC", "20260305T090000Z", 90, 0, 0, "Visio", 0, 0 },
	{ "tokyo-no-dst", "Asia/Tokyo", "20260805T010000Z", 90, 0, 0, "会議室", 0, 0 },
	{ "long-description", "Europe/Zurich", "20261110T080000Z", 90, 0, 0,
	  "Amphithéâtre", 1, 0 },
	{ "update-higher-sequence", "Europe/Zurich", "20260708T070000Z", 90, 1, 0,
	  "Salle Évian", 0, 0 },
	{ "cancel", "Europe/Zurich", "20260708T070000Z", 90, 2, 1, "Salle Évian", 0, 0 },
	/* 02:30 is shown twice on 2026-10-25 in Zurich (00:30Z and 01:30Z) */
	{ "repeated-hour", "Europe/Zurich", "20261025T003000Z", 60, 0, 0, "Salle 1", 0, 3 },
	{ "repeated-hour-start", "Europe/Zurich", "20261025T003000Z", 90, 0, 0, "Salle 1", 0, 1 },
	/* the US rules changed in 2007: no single pair of yearly rules */
	{ "rule-change-year", "America/New_York", "20070301T150000Z", 60, 0, 0, "Room 1", 0, 0 },
	{ "rule-change-year-summer", "America/New_York", "20070701T150000Z", 60, 0, 0, "Room 1",
	  0, 0 },
	/* "Fri>=23": a rule Outlook cannot read, so one fixed STANDARD */
	{ "rule-outlook-cannot-read", "Asia/Jerusalem", "20260701T070000Z", 90, 0, 0,
	  "Salle 2", 0, 0 },
	/* Morocco leaves +01 for Ramadan (2026-02-15 03:00 local), no rule */
	{ "across-change-without-rule", "Africa/Casablanca", "20260214T230000Z", 300, 0, 0,
	  "Salle 3", 0, 0 },
	{ "after-2037", "Europe/Zurich", "20400715T070000Z", 60, 0, 0, "Salle 1", 0, 0 },
};

static char *long_description(void)
{
	struct buf b;
	int i;

	buf_init(&b, 64 * 1024);
	for (i = 0; i < 40; i++)
		buf_printf(&b, "Ligne %d : café, thé; crème brûlée \\ € 𝄞 — à bientôt\r\n", i);
	buf_adds(&b, "Fin.");
	return buf_steal(&b);
}

static void fill_event(struct ical_event *e, const struct req_case *c, char *desc)
{
	memset(e, 0, sizeof(*e));
	e->uid = "training-3-5f2a9c@example.org";
	e->sequence = c->sequence;
	e->start = utc(c->start);
	e->duration_min = c->duration_min;
	e->tzid = c->tzid;
	e->summary = "Formation des mentors, session 1; \"introduction\"";
	e->location = c->location;
	e->description = desc;
	e->organizer_name = "Comité mentorat: WIT";
	e->organizer_addr = "mentoring@example.org";
	e->attendee_name = "Zoë d'Aubigné";
	e->attendee_addr = "Zoe.Daubigne@Example.org";
	e->dtstamp = utc("20260301T101500Z");
}

/* RFC 5545 3.1: CRLF, at most 75 octets, folds never inside UTF-8. */
static void assert_lines(const char *text)
{
	const char *p = text, *nl;
	size_t len;

	assert_true(strlen(text) > 2);
	while (*p != '\0') {
		nl = strstr(p, "\r\n");
		assert_non_null(nl);
		len = (size_t)(nl - p);
		if (len > 75)
			fail_msg("line of %zu octets: %.*s", len, (int)len, p);
		assert_true(len > 0);
		assert_true(utf8_valid(p, len));
		assert_null(memchr(p, '\n', len));
		assert_null(memchr(p, '\r', len));
		p = nl + 2;
	}
}

static int count_folds(const char *text)
{
	int n = 0;
	const char *p;

	for (p = text; (p = strstr(p, "\r\n ")) != NULL; p += 3)
		n++;
	return n;
}

static char *crlf_to_lf(const char *s)
{
	char *out = xstrdup(s), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\r' && s[1] == '\n')
			continue;
		*o++ = *s == '\r' ? '\n' : *s;
	}
	*o = '\0';
	return out;
}

static const char *param_string(icalproperty *p, icalparameter_kind kind)
{
	icalparameter *par = icalproperty_get_first_parameter(p, kind);

	assert_non_null(par);
	return icalparameter_as_ical_string(par);
}

static void assert_text_prop(icalcomponent *ev, icalproperty_kind kind, const char *want)
{
	icalproperty *p = icalcomponent_get_first_property(ev, kind);
	char *w;

	if (want == NULL || *want == '\0') {
		assert_null(p);
		return;
	}
	assert_non_null(p);
	w = crlf_to_lf(want);
	assert_string_equal(icalvalue_get_text(icalproperty_get_value(p)), w);
	free(w);
}

/* The instant of DTSTART or DTEND through the VTIMEZONE in the text. */
static time_t instant(icalcomponent *cal, icalcomponent *ev, icalproperty_kind kind,
    const char *tzid, int expect_utc)
{
	icalproperty *p = icalcomponent_get_first_property(ev, kind);
	icalparameter *tzp;
	icalcomponent *vtz;
	icaltimezone *z;
	struct icaltimetype t;
	time_t r;

	assert_non_null(p);
	t = icalvalue_get_datetime(icalproperty_get_value(p));
	tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	if (expect_utc) {
		assert_null(tzp);
		assert_true(icaltime_is_utc(t));
		return icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
	}
	assert_non_null(tzp);
	assert_string_equal(icalparameter_get_tzid(tzp), tzid);
	vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	assert_non_null(vtz);
	z = icaltimezone_new();
	assert_true(icaltimezone_set_component(z, icalcomponent_new_clone(vtz)));
	assert_string_equal(icaltimezone_get_tzid(z), tzid);
	r = icaltime_as_timet_with_zone(t, z);
	icaltimezone_free(z, 1);
	return r;
}

static void check_with_libical(const char *text, const struct req_case *c,
    const struct ical_event *e)
{
	icalcomponent *cal = icalparser_parse_string(text), *ev;
	icalproperty *p;
	icalparameter *rsvp;

	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(icalcomponent_count_errors(cal), 0);
	assert_int_equal(icalcomponent_get_method(cal),
	    c->cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(ev), e->uid);
	assert_int_equal(icalcomponent_get_sequence(ev), e->sequence);
	assert_int_equal(icalcomponent_get_status(ev),
	    c->cancel ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED);
	assert_int_equal(instant(cal, ev, ICAL_DTSTART_PROPERTY, c->tzid, c->expect_utc & 1),
	    e->start);
	assert_int_equal(instant(cal, ev, ICAL_DTEND_PROPERTY, c->tzid, c->expect_utc & 2),
	    e->start + e->duration_min * 60);
	assert_text_prop(ev, ICAL_SUMMARY_PROPERTY, e->summary);
	assert_text_prop(ev, ICAL_LOCATION_PROPERTY, e->location);
	assert_text_prop(ev, ICAL_DESCRIPTION_PROPERTY, e->description);
	p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
	assert_non_null(p);
	assert_string_equal(icalproperty_get_organizer(p), "mailto:mentoring@example.org");
	assert_string_equal(icalparameter_get_cn(icalproperty_get_first_parameter(p,
	    ICAL_CN_PARAMETER)), e->organizer_name);
	assert_int_equal(icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY), 1);
	p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	assert_string_equal(icalproperty_get_attendee(p), "mailto:Zoe.Daubigne@Example.org");
	rsvp = icalproperty_get_first_parameter(p, ICAL_RSVP_PARAMETER);
	if (c->cancel) {
		/* RFC 5546 3.2.5: a cancellation asks for no answer */
		assert_null(rsvp);
		assert_null(icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER));
		assert_null(strstr(text, "RSVP"));
	} else {
		assert_non_null(rsvp);
		assert_int_equal(icalparameter_get_rsvp(rsvp), ICAL_RSVP_TRUE);
		assert_string_equal(param_string(p, ICAL_PARTSTAT_PARAMETER), "PARTSTAT=NEEDS-ACTION");
	}
	assert_string_equal(param_string(p, ICAL_ROLE_PARAMETER), "ROLE=REQ-PARTICIPANT");
	assert_string_equal(icalparameter_get_cn(icalproperty_get_first_parameter(p,
	    ICAL_CN_PARAMETER)), e->attendee_name);
	assert_string_equal(icalproperty_get_transp(icalcomponent_get_first_property(ev,
	    ICAL_TRANSP_PROPERTY)) == ICAL_TRANSP_OPAQUE ? "OPAQUE" : "other", "OPAQUE");
	icalcomponent_free(cal);
}

/* Runs tests/unit/check_ical.py without a shell; its exit status. With
 * quiet, its complaints (expected ones) go to /dev/null. */
static int run_checker_q(const char *file, time_t start, const char *method, long seq,
    const char *attendee, int quiet)
{
	const char *root = getenv("MENTORD_SOURCE");
	char *script = xasprintf("%s/tests/unit/check_ical.py", root != NULL ? root : ".");
	char *epoch = xasprintf("%lld", (long long)start), *sq = xasprintf("%ld", seq);
	char *argv[] = { xstrdup("/usr/bin/python3"), script, xstrdup(file), epoch,
		xstrdup(method), sq, xstrdup(attendee), NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1;
	size_t i;

	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	if (quiet)
		assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
		    O_WRONLY, 0), 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		fail_msg("cannot run /usr/bin/python3 (install python3 and python3-icalendar)");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	posix_spawn_file_actions_destroy(&fa);
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		fail_msg("check_ical.py: python3-icalendar is missing");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int run_checker(const char *file, time_t start, const char *method, long seq,
    const char *attendee)
{
	return run_checker_q(file, start, method, seq, attendee, 0);
}

static void test_request_cases(void **state)
{
	char *dir = tu_tmpdir(), *path, *text, *again, *desc;
	const char *err;
	struct ical_event e;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(req_cases); i++) {
		const struct req_case *c = &req_cases[i];

		desc = c->long_description ? long_description() :
		    xstrdup("Bonjour,\nvoici l'invitation à la formation.\\ À bientôt");
		fill_event(&e, c, desc);
		if (ical_request(&e, c->cancel, &text, &err) != 0)
			fail_msg("%s: %s", c->name, err);
		assert_lines(text);
		if (c->long_description)
			assert_true(count_folds(text) >= (int)(strlen(desc) / 75));
		check_with_libical(text, c, &e);
		/* the same event gives the same bytes, also from libical
		 * loaded afresh (its zone cache freed in between) */
		ical_unload();
		assert_int_equal(ical_request(&e, c->cancel, &again, &err), 0);
		assert_string_equal(text, again);
		path = xasprintf("%s/%s.ics", dir, c->name);
		tu_write(path, text, 0600);
		if (run_checker(path, e.start, c->cancel ? "CANCEL" : "REQUEST", e.sequence,
		    e.attendee_addr) != 0)
			fail_msg("%s: check_ical.py refused %s", c->name, path);
		free(path);
		free(text);
		free(again);
		free(desc);
	}
	tu_rmdir(dir);
}

/* Outlook reads one STANDARD and one DAYLIGHT with open yearly rules. */
static void test_request_vtimezone_shape(void **state)
{
	static const struct req_case c = { "shape", "Europe/Zurich", "20260701T070000Z",
		90, 0, 0, "", 0, 0 };
	struct ical_event e;
	char *text;
	const char *err;

	(void)state;
	fill_event(&e, &c, NULL);
	assert_int_equal(ical_request(&e, 0, &text, &err), 0);
	assert_non_null(strstr(text, "BEGIN:VTIMEZONE\r\nTZID:Europe/Zurich\r\n"));
	assert_non_null(strstr(text, "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"));
	assert_non_null(strstr(text, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"));
	assert_non_null(strstr(text, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"));
	assert_null(strstr(text, "UNTIL"));
	assert_null(strstr(text, "TZUNTIL"));
	assert_null(strstr(text, "freeassociation"));
	assert_non_null(strstr(text, "DTSTART;TZID=Europe/Zurich:20260701T090000\r\n"));
	assert_non_null(strstr(text, "PRODID:-//mentord//mentord "));
	assert_non_null(strstr(text, "ORGANIZER;CN=\"Comité mentorat: WIT\":mailto:"));
	assert_non_null(strstr(text, "SUMMARY:Formation des mentors\\, session 1\\; \"intro"));
	free(text);
	/* a zone without daylight saving time: one fixed STANDARD */
	e.tzid = "UTC";
	assert_int_equal(ical_request(&e, 0, &text, &err), 0);
	assert_non_null(strstr(text, "BEGIN:VTIMEZONE\r\nTZID:UTC\r\n"));
	assert_non_null(strstr(text, "BEGIN:STANDARD\r\nTZNAME:UTC\r\nDTSTART:19700101T000000\r\n"
	    "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"));
	assert_null(strstr(text, "DAYLIGHT"));
	assert_non_null(strstr(text, "DTSTART;TZID=UTC:20260701T070000\r\n"));
	free(text);
}

/* The independent checker must be able to fail: a wrong instant, a
 * VTIMEZONE that no longer matches its name, a second attendee. */
static void test_checker_detects_errors(void **state)
{
	static const struct req_case c = { "neg", "Europe/Zurich", "20260701T070000Z",
		90, 0, 0, "", 0, 0 };
	struct ical_event e;
	char *dir = tu_tmpdir(), *path = xasprintf("%s/neg.ics", dir), *text, *bad, *at;
	const char *err;

	(void)state;
	fill_event(&e, &c, NULL);
	assert_int_equal(ical_request(&e, 0, &text, &err), 0);
	tu_write(path, text, 0600);
	assert_int_equal(run_checker(path, e.start, "REQUEST", 0, e.attendee_addr), 0);
	assert_int_equal(run_checker_q(path, e.start + 3600, "REQUEST", 0, e.attendee_addr, 1), 1);
	assert_int_equal(run_checker_q(path, e.start, "CANCEL", 0, e.attendee_addr, 1), 1);
	assert_int_equal(run_checker_q(path, e.start, "REQUEST", 1, e.attendee_addr, 1), 1);
	/* summer offset +0200 made +0300: only the VTIMEZONE readers see it */
	bad = xstrdup(text);
	at = strstr(bad, "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200");
	assert_non_null(at);
	at[strlen("TZOFFSETFROM:+0100\r\nTZOFFSETTO:+02")] = '3';
	tu_write(path, bad, 0600);
	assert_int_equal(run_checker_q(path, e.start, "REQUEST", 0, e.attendee_addr, 1), 1);
	free(bad);
	bad = xasprintf("%.*sATTENDEE;RSVP=TRUE:mailto:x@example.org\r\n%s",
	    (int)(strstr(text, "STATUS:") - text), text, strstr(text, "STATUS:"));
	tu_write(path, bad, 0600);
	assert_int_equal(run_checker_q(path, e.start, "REQUEST", 0, e.attendee_addr, 1), 1);
	free(bad);
	free(text);
	/* a CANCEL that still asks for an answer */
	assert_int_equal(ical_request(&e, 1, &text, &err), 0);
	tu_write(path, text, 0600);
	assert_int_equal(run_checker(path, e.start, "CANCEL", 0, e.attendee_addr), 0);
	at = strstr(text, "ROLE=REQ-PARTICIPANT");
	assert_non_null(at);
	bad = xasprintf("%.*sRSVP=TRUE;%s", (int)(at - text), text, at);
	tu_write(path, bad, 0600);
	assert_int_equal(run_checker_q(path, e.start, "CANCEL", 0, e.attendee_addr, 1), 1);
	free(bad);
	free(text);
	free(path);
	tu_rmdir(dir);
}

/* Line breaks from data are escaped, never a new content line. */
static void test_request_injection(void **state)
{
	static const struct req_case c = { "inj", "Europe/Zurich", "20260701T070000Z",
		90, 0, 0, "", 0, 0 };
	struct ical_event e;
	icalcomponent *cal, *ev;
	char *text;
	const char *err;

	(void)state;
	fill_event(&e, &c, NULL);
	e.summary = "Training\r\nATTENDEE;RSVP=TRUE:mailto:evil@example.net\r\nX:";
	e.location = "Room\rEND:VEVENT";
	e.description = "a\nBEGIN:VEVENT\nUID:x";
	e.attendee_name = "Robert \"Bob\" ^Smith; Jr.";
	assert_int_equal(ical_request(&e, 0, &text, &err), 0);
	assert_lines(text);
	assert_null(strstr(text, "\r\nATTENDEE;RSVP=TRUE:mailto:evil"));
	assert_null(strstr(text, "\r\nEND:VEVENT\r\nEND:VEVENT"));
	assert_non_null(strstr(text, "CN=\"Robert ^'Bob^' ^^Smith; Jr.\""));
	cal = icalparser_parse_string(text);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1);
	assert_int_equal(icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY), 1);
	assert_string_equal(icalcomponent_get_summary(ev),
	    "Training\nATTENDEE;RSVP=TRUE:mailto:evil@example.net\nX:");
	assert_string_equal(icalcomponent_get_location(ev), "Room\nEND:VEVENT");
	/* libical reads RFC 6868 back */
	assert_string_equal(icalparameter_get_cn(icalproperty_get_first_parameter(
	    icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY), ICAL_CN_PARAMETER)),
	    e.attendee_name);
	icalcomponent_free(cal);
	free(text);
}

/* A fold never falls inside an escape, between a backslash and what it
 * escapes (readers that unescape before they unfold misread that), at any
 * offset of the escapes in the line. */
static void test_request_fold_escapes(void **state)
{
	static const struct req_case c = { "fold", "Europe/Zurich", "20260701T070000Z",
		90, 0, 0, "", 0, 0 };
	struct ical_event e;
	icalcomponent *cal;
	char *text, *desc, *flat;
	const char *err, *p;
	size_t shift, i, o, run, folds;

	(void)state;
	for (shift = 0; shift < 80; shift++) {
		struct buf b;

		buf_init(&b, 4096);
		for (i = 0; i < shift; i++)
			buf_addc(&b, 'x');
		for (i = 0; i < 120; i++)
			buf_adds(&b, i % 7 == 0 ? "," : i % 5 == 0 ? ";" : i % 3 == 0 ? "\n" : "\\");
		desc = buf_steal(&b);
		fill_event(&e, &c, desc);
		assert_int_equal(ical_request(&e, 0, &text, &err), 0);
		assert_lines(text);
		/* the text unfolded, each fold checked against the escapes
		 * before it */
		flat = xmalloc(strlen(text) + 1);
		for (p = text, o = 0, folds = 0; *p != '\0'; p++) {
			if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
				for (run = 0; run < o && flat[o - run - 1] == '\\'; run++)
					;
				if (run % 2 != 0)
					fail_msg("shift %zu: a fold after an odd run of backslashes", shift);
				folds++;
				p += 2;
				continue;
			}
			flat[o++] = *p;
		}
		flat[o] = '\0';
		assert_true(folds >= 3);
		cal = icalparser_parse_string(text);
		assert_string_equal(icalcomponent_get_description(
		    icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT)), desc);
		icalcomponent_free(cal);
		free(flat);
		free(text);
		free(desc);
	}
}

struct err_case {
	const char *name;
	const char *field;   /* which field is replaced */
	const char *value;
	long number;
	const char *reason;  /* a word of the reason */
};

static const struct err_case err_cases[] = {
	{ "unknown-zone", "tzid", "Europe/Atlantis", 0, "unknown time zone" },
	{ "path-zone", "tzid", "../../etc/passwd", 0, "time zone" },
	{ "absolute-zone", "tzid", "/etc/localtime", 0, "time zone" },
	{ "empty-zone", "tzid", "", 0, "time zone" },
	{ "bell-in-summary", "summary", "Training\a", 0, "control" },
	{ "empty-summary", "summary", "", 0, "summary" },
	{ "esc-in-location", "location", "Room \x1b[31m", 0, "control" },
	{ "invalid-utf8-description", "description", "caf\xe9", 0, "UTF-8" },
	{ "newline-in-name", "attendee_name", "Eve\r\nATTENDEE:mailto:x@y.z", 0, "name" },
	{ "space-in-address", "attendee_addr", "eve @example.org", 0, "address" },
	{ "no-at-address", "organizer_addr", "mentoring", 0, "address" },
	{ "semicolon-address", "attendee_addr", "a;RSVP=FALSE@example.org", 0, "address" },
	{ "newline-in-uid", "uid", "a\nb", 0, "UID" },
	{ "zero-duration", "duration", NULL, 0, "duration" },
	{ "long-duration", "duration", NULL, ICAL_DURATION_MIN_MAX + 1, "duration" },
	{ "negative-sequence", "sequence", NULL, -1, "sequence" },
	{ "negative-start", "start", NULL, -1, "time" },
	{ "huge-description", "description", NULL, 0, "ICAL_BYTES_MAX" },
};

static void test_request_errors(void **state)
{
	static const struct req_case c = { "err", "Europe/Zurich", "20260701T070000Z",
		90, 0, 0, "", 0, 0 };
	struct ical_event e;
	char unset = 0, *text = &unset, *big = NULL;
	const char *err = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(err_cases); i++) {
		const struct err_case *x = &err_cases[i];

		fill_event(&e, &c, NULL);
		if (strcmp(x->field, "tzid") == 0)
			e.tzid = x->value;
		else if (strcmp(x->field, "summary") == 0)
			e.summary = x->value;
		else if (strcmp(x->field, "location") == 0)
			e.location = x->value;
		else if (strcmp(x->field, "description") == 0 && x->value != NULL)
			e.description = x->value;
		else if (strcmp(x->field, "description") == 0) {
			big = xmalloc(ICAL_BYTES_MAX + 1);
			memset(big, 'x', ICAL_BYTES_MAX);
			big[ICAL_BYTES_MAX] = '\0';
			e.description = big;
		} else if (strcmp(x->field, "attendee_name") == 0)
			e.attendee_name = x->value;
		else if (strcmp(x->field, "attendee_addr") == 0)
			e.attendee_addr = x->value;
		else if (strcmp(x->field, "organizer_addr") == 0)
			e.organizer_addr = x->value;
		else if (strcmp(x->field, "uid") == 0)
			e.uid = x->value;
		else if (strcmp(x->field, "duration") == 0)
			e.duration_min = x->number;
		else if (strcmp(x->field, "sequence") == 0)
			e.sequence = x->number;
		else if (strcmp(x->field, "start") == 0)
			e.start = (time_t)x->number;
		if (ical_request(&e, 0, &text, &err) != -1)
			fail_msg("%s: accepted", x->name);
		assert_null(text);
		assert_non_null(err);
		if (strstr(err, x->reason) == NULL)
			fail_msg("%s: reason \"%s\" lacks \"%s\"", x->name, err, x->reason);
		free(big);
		big = NULL;
	}
}

/* ---- replies ---- */

#define UID3 "training-3-5f2a9c@example.org"
#define UID4 "training-4-5f2a9c@example.org"

struct reply_case {
	const char *file;
	size_t n;
	struct want w[3];
};

static const struct reply_case reply_cases[] = {
	{ "outlook-accepted-x-ms-olk.ics", 1,
	  { { UID3, "jean.dupont@example.org", "ACCEPTED", 0, "20260302T081512Z" } } },
	{ "outlook-declined-comment-no-organizer.ics", 1,
	  { { UID3, "sophie.martin@example.org", "DECLINED", 1, "20260305T164401Z" } } },
	{ "google-accepted.ics", 1,
	  { { UID3, "camille.roux@gmail.com", "ACCEPTED", 0, "20260302T091011Z" } } },
	{ "google-recurrence-overrides.ics", 2,
	  { { UID4, "hugo.petit@gmail.com", "ACCEPTED", 2, "20260302T091011Z" },
	    { UID4, "hugo.petit@gmail.com", "DECLINED", 2, "20260302T091011Z" } } },
	{ "apple-declined-quoted-cn-email-param.ics", 1,
	  { { UID3, "lea.fontaine@icloud.com", "DECLINED", 2, "20260302T101112Z" } } },
	{ "thunderbird-tentative-lf-valarm.ics", 1,
	  { { UID3, "noe.girard@example.net", "TENTATIVE", 1, "20260302T120001Z" } } },
	{ "quirk-urn-attendee-email-param.ics", 1,
	  { { UID3, "ines.moreau@example.com", "ACCEPTED", 0, "20260303T070000Z" } } },
	{ "quirk-no-method-lowercase-values.ics", 1,
	  { { UID3, "paul.blanc@example.com", "ACCEPTED", 3, "20260304T113000Z" } } },
	{ "quirk-forwarded-request-not-a-reply.ics", 0, { { NULL, NULL, NULL, 0, NULL } } },
	{ "broken-missing-end-lines.ics", 1,
	  { { UID3, "chloe.lambert@example.net", "DECLINED", 1, "20260302T130502Z" } } },
	{ "broken-bom-cr-only.ics", 1,
	  { { UID3, "louis.bernard@example.fr", "TENTATIVE", 0, "20260306T080000Z" } } },
	{ "broken-garbage-lines-nul.ics", 1,
	  { { UID3, "anne.roy@example.fr", "ACCEPTED", 0, NULL } } },
};

static char *read_fixture(const char *name, size_t *len)
{
	char *rel = xasprintf("tests/fixtures/ical/%s", name);
	char *data = tu_read_source(rel, len);

	free(rel);
	return data;
}

static void test_reply_fixtures(void **state)
{
	struct ical_reply *r;
	size_t i, n, len;
	char *data;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(reply_cases); i++) {
		data = read_fixture(reply_cases[i].file, &len);
		assert_int_equal(parse_exact(data, len, &r, &n), 0);
		assert_replies(reply_cases[i].file, r, n, reply_cases[i].w, reply_cases[i].n);
		if (n == 0)
			assert_null(r);
		ical_replies_free(&r, n);
		assert_null(r);
		free(data);
		if (i % 2 == 1)
			ical_unload();
	}
}

/* Without END:VCALENDAR libical rejects a reply (it returns no component);
 * the line reader must then find the same answers. */
static void test_reply_line_reader_agrees(void **state)
{
	struct ical_reply *r;
	icalcomponent *c;
	size_t i, n, len;
	char *data, *cut, *z;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(reply_cases); i++) {
		data = read_fixture(reply_cases[i].file, &len);
		cut = strcasestr(data, "END:VCALENDAR");
		if (cut == NULL) {
			free(data);
			continue;
		}
		len = (size_t)(cut - data);
		z = xstrndup(data, len);
		c = icalparser_parse_string(z);
		if (c != NULL)
			fail_msg("%s: libical accepted the text without END:VCALENDAR",
			    reply_cases[i].file);
		assert_int_equal(parse_exact(data, len, &r, &n), 0);
		assert_replies(reply_cases[i].file, r, n, reply_cases[i].w, reply_cases[i].n);
		ical_replies_free(&r, n);
		free(z);
		free(data);
	}
}

/* Every reply fixture cut at every byte: no crash, only well-formed
 * answers, and the whole text gives the one-shot result. */
static void test_reply_every_prefix(void **state)
{
	struct ical_reply *r;
	size_t i, k, n, len;
	char *data;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(reply_cases); i++) {
		data = read_fixture(reply_cases[i].file, &len);
		for (k = 0; k <= len; k++) {
			assert_int_equal(parse_exact(data, k, &r, &n), 0);
			assert_well_formed(r, n);
			if (k == len)
				assert_replies(reply_cases[i].file, r, n, reply_cases[i].w,
				    reply_cases[i].n);
			ical_replies_free(&r, n);
		}
		free(data);
	}
}

/* Apple iCal 3 replies (Calendar Server's iMIP tests), quoted-printable,
 * folded inside an address and inside a parameter value. */
static void test_reply_corpus_apple(void **state)
{
	static const struct {
		const char *file;
		size_t n;
	} cases[] = {
		{ "tests/corpus/ccs-calendarserver/ical/good_reply", 1 },
		{ "tests/corpus/ccs-calendarserver/ical/good_reply_future", 1 },
		{ "tests/corpus/ccs-calendarserver/ical/good_reply_past", 1 },
		{ "tests/corpus/ccs-calendarserver/ical/reply_missing_attendee", 0 },
		{ "tests/corpus/ccs-calendarserver/ical/reply_missing_organizer", 0 },
	};
	static const struct want w = { "1E71F9C8-AEDA-48EB-98D0-76E898F6BB5C",
		"xyzzy@example.com", "ACCEPTED", 7, "20080812T201911Z" };
	struct cal_part parts[4];
	struct ical_reply *r;
	size_t i, n, np;
	char *raw;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		raw = tu_read_source(cases[i].file, NULL);
		np = extract_calendars(raw, parts, ARRAY_SIZE(parts));
		assert_int_equal(np, 1);
		assert_non_null(strstr(parts[0].text, "METHOD:REPLY"));
		assert_int_equal(ical_parse_reply(parts[0].text, strlen(parts[0].text), &r, &n), 0);
		assert_replies(cases[i].file, r, n, &w, cases[i].n);
		ical_replies_free(&r, n);
		free(parts[0].text);
		free(raw);
	}
	/* no calendar part at all */
	raw = tu_read_source("tests/corpus/ccs-calendarserver/ical/reply_missing_attachment", NULL);
	assert_int_equal(extract_calendars(raw, parts, ARRAY_SIZE(parts)), 0);
	free(raw);
}

#define UID2446 "calsrv.example.com-873970198738777@example.com"

/* The RFC 2446 examples as iMIP mail: the ten method=REPLY parts,
 * properties folded between name and value, "Mailto:" in mixed case. */
static void test_reply_corpus_rfc2446(void **state)
{
	static const struct {
		size_t n;
		struct want w[2];
	} want[10] = {
		{ 1, { { UID2446, "b@example.com", "ACCEPTED", 0, "19970612T190000Z" } } },
		{ 1, { { UID2446, "c@example.com", "DELEGATED", 0, "19970611T190000Z" } } },
		{ 2, { { UID2446, "e@example.com", "ACCEPTED", 0, "19970614T190000Z" },
		       { UID2446, "c@example.com", "DELEGATED", 0, "19970614T190000Z" } } },
		{ 2, { { UID2446, "c@example.com", "DELEGATED", 0, "19970614T190000Z" },
		       { UID2446, "e@example.com", "DECLINED", 0, "19970614T190000Z" } } },
		{ 0, { { NULL, NULL, NULL, 0, NULL } } },             /* VFREEBUSY */
		{ 1, { { "guid-1@host1.com", "b@example.com", "NEEDS-ACTION", 0,
		         "19970603T094000Z" } } },                     /* no PARTSTAT */
		{ 0, { { NULL, NULL, NULL, 0, NULL } } },             /* VTODO */
		{ 0, { { NULL, NULL, NULL, 0, NULL } } },
		{ 0, { { NULL, NULL, NULL, 0, NULL } } },
		{ 0, { { NULL, NULL, NULL, 0, NULL } } },
	};
	struct cal_part parts[60];
	struct ical_reply *r;
	size_t i, np, n, k = 0;
	char *raw = tu_read_source("tests/corpus/libical/ical/2446.mime", NULL);

	(void)state;
	np = extract_calendars(raw, parts, ARRAY_SIZE(parts));
	assert_int_equal(np, 53);
	for (i = 0; i < np; i++) {
		assert_int_equal(ical_parse_reply(parts[i].text, strlen(parts[i].text), &r, &n), 0);
		assert_well_formed(r, n);
		if (parts[i].method_reply) {
			assert_true(k < ARRAY_SIZE(want));
			assert_replies("2446.mime", r, n, want[k].w, want[k].n);
			k++;
		} else {
			/* a REQUEST, COUNTER, PUBLISH... is no answer */
			assert_int_equal(n, 0);
		}
		ical_replies_free(&r, n);
		free(parts[i].text);
	}
	assert_int_equal(k, 10);
	free(raw);
}

/* Several VCALENDARs in one text, each with its own METHOD. */
static void test_reply_corpus_many_calendars(void **state)
{
	static const struct want incoming[] = {
		{ "calsrv.example.com-873970198738785@example.com", "b@example.com", "ACCEPTED", 1,
		  "19970612T190000Z" },
		{ "calsrv.example.com-873970198738785@example.com", "c@example.com", "DECLINED", 1,
		  "19970612T190000Z" },
		{ "calsrv.example.com-873970198738785@example.com", "x@example.com", "ACCEPTED", 1,
		  "19970612T190000Z" },
		{ "calsrv.example.com-873970198738785@example.com", "y@example.com", "DECLINED", 1,
		  "19970612T190000Z" },
	};
	/* exact repeats are merged, keeping the latest DTSTAMP */
	static const struct want ics2446[] = {
		{ UID2446, "b@example.com", "ACCEPTED", 0, "19970612T190000Z" },
		{ UID2446, "c@example.com", "DELEGATED", 0, "19970614T190000Z" },
		{ UID2446, "e@example.com", "ACCEPTED", 0, "19970614T190000Z" },
		{ "guid-1@host1.com", "b@example.com", "NEEDS-ACTION", 0, "19970603T094000Z" },
	};
	struct ical_reply *r;
	size_t n, len;
	char *raw;

	(void)state;
	raw = tu_read_source("tests/corpus/ical4j/ical/incoming.ics", &len);
	assert_int_equal(ical_parse_reply(raw, len, &r, &n), 0);
	assert_replies("incoming.ics", r, n, incoming, ARRAY_SIZE(incoming));
	ical_replies_free(&r, n);
	free(raw);
	raw = tu_read_source("tests/corpus/libical/ical/2446.ics", &len);
	assert_int_equal(ical_parse_reply(raw, len, &r, &n), 0);
	assert_replies("2446.ics", r, n, ics2446, ARRAY_SIZE(ics2446));
	ical_replies_free(&r, n);
	free(raw);
	/* DavMail's METHOD:REPLY free/busy answer is no RSVP */
	raw = tu_read_source("tests/corpus/icalendar/ical/"
	    "issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics", &len);
	assert_int_equal(ical_parse_reply(raw, len, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_null(r);
	free(raw);
}

/* Every corpus file, and every text/calendar part in it, whole. */
static size_t corpus_files, corpus_parts;

static int corpus_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	struct cal_part parts[60];
	struct ical_reply *r;
	size_t n, len, np, i;
	char *data;
	int rc;

	(void)st;
	(void)f;
	if (type != FTW_F)
		return 0;
	if (file_read(path, 64u * 1024 * 1024, &data, &len) < 0)
		fail_msg("cannot read %s", path);
	rc = parse_exact(data, len, &r, &n);
	if (rc != 0 && rc != -1)
		fail_msg("%s: returned %d", path, rc);
	assert_well_formed(r, n);
	ical_replies_free(&r, n);
	np = extract_calendars(data, parts, ARRAY_SIZE(parts));
	for (i = 0; i < np; i++) {
		assert_int_equal(ical_parse_reply(parts[i].text, strlen(parts[i].text), &r, &n), 0);
		assert_well_formed(r, n);
		ical_replies_free(&r, n);
		free(parts[i].text);
	}
	corpus_parts += np;
	corpus_files++;
	free(data);
	return 0;
}

static void test_reply_whole_corpus(void **state)
{
	const char *root = getenv("MENTORD_SOURCE");
	char *dir = xasprintf("%s/tests/corpus", root != NULL ? root : ".");

	(void)state;
	corpus_files = corpus_parts = 0;
	assert_int_equal(nftw(dir, corpus_one, 16, FTW_PHYS), 0);
	/* 386 samples, 12 licences, README and MANIFEST (README.md there) */
	assert_true(corpus_files >= 386);
	/* 53 in 2446.mime, 6 from Calendar Server, 3 in libical's MIME samples */
	assert_int_equal(corpus_parts, 62);
	free(dir);
}

/* The broken calendars, also cut at every byte. */
static void test_reply_broken_corpus_prefixes(void **state)
{
	static const char *const files[] = {
		"tests/corpus/libical/broken/fuzz448717854",
		"tests/corpus/libical/broken/fuzz458943970",
		"tests/corpus/libical/broken/timezonefuzz895",
		"tests/corpus/icalendar/broken/fuzz_testcase_vtimezone_lone_cr.ics",
		"tests/corpus/icalendar/broken/fuzz_testcase_0_char_in_component_name.ics",
		"tests/corpus/icalendar/broken/big_bad_calendar.ics",
		"tests/corpus/icalendar/broken/bom_calendar.ics",
		"tests/corpus/ical4j/broken/groupwise.ics",
	};
	struct ical_reply *r;
	size_t i, k, n, len;
	char *data;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		data = tu_read_source(files[i], &len);
		for (k = 0; k <= len; k++) {
			assert_int_equal(parse_exact(data, k, &r, &n), 0);
			assert_well_formed(r, n);
			ical_replies_free(&r, n);
		}
		free(data);
	}
}

/* n VEVENTs in one VCALENDAR (n + 1 components), BEGIN lines folded or
 * not; each VEVENT holds attendees answers. */
static char *many_events(size_t n, size_t attendees, int fold_begin)
{
	struct buf b;
	size_t i, j;

	buf_init(&b, 64u * 1024 * 1024);
	buf_adds(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n");
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s\r\nUID:u%zu@example.org\r\n",
		    fold_begin ? "BEG\r\n IN:VEVENT" : "BEGIN:VEVENT", i);
		for (j = 0; j < attendees; j++)
			buf_printf(&b, "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a%zu@example.org\r\n", j);
		buf_adds(&b, "END:VEVENT\r\n");
	}
	buf_adds(&b, "END:VCALENDAR\r\n");
	return buf_steal(&b);
}

static void test_reply_limits(void **state)
{
	struct ical_reply *r;
	size_t n;
	char *t, *big;

	(void)state;
	t = many_events(ICAL_COMPONENTS_MAX - 1, 1, 0);
	assert_int_equal(ical_parse_reply(t, strlen(t), &r, &n), 0);
	assert_int_equal(n, ICAL_COMPONENTS_MAX - 1);
	ical_replies_free(&r, n);
	free(t);
	t = many_events(ICAL_COMPONENTS_MAX, 1, 0);
	assert_int_equal(ical_parse_reply(t, strlen(t), &r, &n), -1);
	assert_null(r);
	assert_int_equal(n, 0);
	free(t);
	/* a fold inside BEGIN does not hide a component */
	t = many_events(ICAL_COMPONENTS_MAX, 1, 1);
	assert_int_equal(ical_parse_reply(t, strlen(t), &r, &n), -1);
	free(t);
	/* answers are capped */
	t = many_events(1, ICAL_COMPONENTS_MAX + 50, 0);
	assert_int_equal(ical_parse_reply(t, strlen(t), &r, &n), 0);
	assert_int_equal(n, ICAL_COMPONENTS_MAX);
	ical_replies_free(&r, n);
	free(t);
	/* over ICAL_BYTES_MAX */
	t = many_events(1, 1, 0);
	big = xmalloc(ICAL_BYTES_MAX + 1);
	memset(big, '\n', ICAL_BYTES_MAX + 1);
	memcpy(big, t, strlen(t));
	assert_int_equal(ical_parse_reply(big, ICAL_BYTES_MAX + 1, &r, &n), -1);
	assert_int_equal(ical_parse_reply(big, ICAL_BYTES_MAX, &r, &n), 0);
	assert_int_equal(n, 1);
	ical_replies_free(&r, n);
	free(big);
	free(t);
	/* nothing at all */
	assert_int_equal(ical_parse_reply("", 0, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ical_parse_reply(NULL, 0, &r, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_cases),
		cmocka_unit_test(test_request_vtimezone_shape),
		cmocka_unit_test(test_checker_detects_errors),
		cmocka_unit_test(test_request_injection),
		cmocka_unit_test(test_request_fold_escapes),
		cmocka_unit_test(test_request_errors),
		cmocka_unit_test(test_reply_fixtures),
		cmocka_unit_test(test_reply_line_reader_agrees),
		cmocka_unit_test(test_reply_every_prefix),
		cmocka_unit_test(test_reply_corpus_apple),
		cmocka_unit_test(test_reply_corpus_rfc2446),
		cmocka_unit_test(test_reply_corpus_many_calendars),
		cmocka_unit_test(test_reply_whole_corpus),
		cmocka_unit_test(test_reply_broken_corpus_prefixes),
		cmocka_unit_test(test_reply_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
