/* ical: iMIP invitations out, calendar replies in (see ical.h).
 *
 * Writing: the text is made here, line by line, so that escaping, quoting
 * and folding are ours to guarantee; libical supplies the zone data (the
 * system's zoneinfo through its builtin timezones) and reads the result
 * back as a receiver would before anything is returned.
 *
 * Reading: one private copy of the text, with line breaks made LF and folds
 * joined, feeds libical and, when libical finds nothing usable, a small line
 * reader that knows only VCALENDAR/METHOD, VEVENT, UID, SEQUENCE, DTSTAMP and
 * ATTENDEE. Times in a reply are never converted through a VTIMEZONE that
 * came with it (DTSTAMP is UTC by definition), so a hostile VTIMEZONE is
 * parsed but never expanded. */
#include "ical.h"

#include <dlfcn.h>
#include <libical/ical.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "log.h"
#include "util.h"

#ifndef MENTORD_VERSION
#define MENTORD_VERSION "0"
#endif
#ifndef ICAL_SONAME
#define ICAL_SONAME "libical.so.3"
#endif
#define ICAL_PRODID "-//mentord//mentord " MENTORD_VERSION "//EN"

#define FOLD_OCTETS 75          /* RFC 5545 3.1, without the line break */
#define TZ_RULES_MAX 8          /* distinct yearly rules looked at in one zone */
#define YEAR_LAST 9999          /* RFC 5545 3.3.4: four-digit years */

/* ---- the library, loaded while it is needed ---- */

/* libical and the ICU it brings weigh more than the rest of an idle daemon:
 * they are opened on first use and closed by ical_unload(). Every function
 * used here is in this list and called through lib. */
#define ICAL_FUNCTIONS(X) \
	X(icalcomponent_count_components) \
	X(icalcomponent_count_errors) \
	X(icalcomponent_free) \
	X(icalcomponent_get_first_component) \
	X(icalcomponent_get_first_property) \
	X(icalcomponent_get_method) \
	X(icalcomponent_get_next_component) \
	X(icalcomponent_get_next_property) \
	X(icalcomponent_get_sequence) \
	X(icalcomponent_get_uid) \
	X(icalcomponent_isa) \
	X(icalcomponent_new_clone) \
	X(icalcomponent_remove_component) \
	X(icalerror_set_errors_are_fatal) \
	X(icalmemory_free_buffer) \
	X(icalmemory_free_ring) \
	X(icalparser_parse_string) \
	X(icalproperty_as_ical_string_r) \
	X(icalproperty_get_attendee) \
	X(icalproperty_get_dtstamp) \
	X(icalproperty_get_dtstart) \
	X(icalproperty_get_parameter_as_string_r) \
	X(icalproperty_get_rrule) \
	X(icalproperty_get_sequence) \
	X(icalproperty_get_tzoffsetfrom) \
	X(icalproperty_get_tzoffsetto) \
	X(icalproperty_get_value) \
	X(icalproperty_get_value_as_string_r) \
	X(icalproperty_isa) \
	X(icalrecurrencetype_as_string_r) \
	X(icalrecurrencetype_day_position) \
	X(icaltime_as_timet) \
	X(icaltime_as_timet_with_zone) \
	X(icaltime_compare) \
	X(icaltime_from_timet_with_zone) \
	X(icaltime_is_null_time) \
	X(icaltime_is_utc) \
	X(icaltime_null_time) \
	X(icaltimezone_free) \
	X(icaltimezone_free_builtin_timezones) \
	X(icaltimezone_get_builtin_timezone) \
	X(icaltimezone_get_component) \
	X(icaltimezone_get_location) \
	X(icaltimezone_get_tznames) \
	X(icaltimezone_get_utc_offset_of_utc_time) \
	X(icaltimezone_get_utc_timezone) \
	X(icaltimezone_new) \
	X(icaltimezone_set_component) \
	X(icaltimezone_truncate_vtimezone) \
	X(icalvalue_get_datetime)

static struct {
	void *handle;
#define X(f) __typeof__(&f) f;
	ICAL_FUNCTIONS(X)
#undef X
} lib;

/* 0 when libical is ready; -1 (logged) when it or one of
 * its functions cannot be found. */
static int lib_load(void)
{
	void *h;

	if (lib.handle != NULL)
		return 0;
	if ((h = dlopen(ICAL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_err("calendar: cannot load %s: %s", ICAL_SONAME, dlerror());
		return -1;
	}
#define X(f) \
	if ((lib.f = (__typeof__(lib.f))dlsym(h, #f)) == NULL) { \
		log_err("calendar: %s has no %s", ICAL_SONAME, #f); \
		dlclose(h); \
		memset(&lib, 0, sizeof(lib)); \
		return -1; \
	}
	ICAL_FUNCTIONS(X)
#undef X
	lib.handle = h;
	/* some builds of libical abort on the first error; nothing a peer
	 * sends may stop the daemon */
	lib.icalerror_set_errors_are_fatal(0);
	return 0;
}

void ical_unload(void)
{
	if (lib.handle == NULL)
		return;
	/* what libical keeps between calls lives on our heap */
	lib.icaltimezone_free_builtin_timezones();
	lib.icalmemory_free_ring();
	dlclose(lib.handle);
	memset(&lib, 0, sizeof(lib));
}

/* ---- writing lines ---- */

/* One content line is built in line, then folded into out. */
struct writer {
	struct buf out;
	struct buf line;
};

static void w_init(struct writer *w)
{
	buf_init(&w->out, ICAL_BYTES_MAX);
	buf_init(&w->line, ICAL_BYTES_MAX);
}

static void w_deinit(struct writer *w)
{
	buf_deinit(&w->out);
	buf_deinit(&w->line);
}

static void w_add(struct writer *w, const char *s)
{
	buf_adds(&w->line, s);
}

/* Where a line longer than the fold may be cut, at or before cut: never
 * inside a UTF-8 sequence (RFC 5545 3.1 asks for that), and not between a
 * backslash and the character it escapes, which some readers unescape
 * before they unfold. */
static size_t fold_cut(const char *s, size_t pos, size_t cut)
{
	size_t bs = 0;

	while (cut > pos + 1 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	while (cut - bs > pos && s[cut - bs - 1] == '\\')
		bs++;
	if (bs % 2 == 1 && cut - 1 > pos)
		cut--;
	return cut;
}

/* Ends the content line: folded at 75 octets, the continuation lines
 * starting with one space that counts towards their 75 (RFC 5545 3.1). */
static void w_end(struct writer *w)
{
	const char *s = w->line.s;
	size_t n = w->line.len, pos = 0, room = FOLD_OCTETS, cut;

	while (n - pos > room) {
		cut = fold_cut(s, pos, pos + room);
		buf_add(&w->out, s + pos, cut - pos);
		buf_add(&w->out, "\r\n ", 3);
		pos = cut;
		room = FOLD_OCTETS - 1;
	}
	if (n > pos)
		buf_add(&w->out, s + pos, n - pos);
	buf_add(&w->out, "\r\n", 2);
	buf_reset(&w->line);
}

static void w_line(struct writer *w, const char *a, const char *b)
{
	w_add(w, a);
	w_add(w, b);
	w_end(w);
}

/* A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped,
 * every line break (CRLF, CR or LF) written as \n, so that no byte from the
 * data can end a content line. Other control characters were refused. */
static void w_text(struct writer *w, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == ';' || *s == ',') {
			buf_addc(&w->line, '\\');
			buf_addc(&w->line, *s);
		} else if (*s == '\r' || *s == '\n') {
			if (s[0] == '\r' && s[1] == '\n')
				s++;
			buf_add(&w->line, "\\n", 2);
		} else {
			buf_addc(&w->line, *s);
		}
	}
}

/* A parameter value (RFC 5545 3.2): quoted when it holds ":", ";" or ",".
 * A double quote, which no quoted string may hold, and the caret are
 * written as RFC 6868 says (^' and ^^). */
static void w_param(struct writer *w, const char *s)
{
	int quote = strpbrk(s, ":;,") != NULL;

	if (quote)
		buf_addc(&w->line, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_add(&w->line, "^'", 2);
		else if (*s == '^')
			buf_add(&w->line, "^^", 2);
		else
			buf_addc(&w->line, *s);
	}
	if (quote)
		buf_addc(&w->line, '"');
}

/* NAME;CN=name:mailto:addr, CN left out for an empty name. */
static void w_address(struct writer *w, const char *name, const char *params,
    const char *cn, const char *addr)
{
	w_add(w, name);
	if (cn != NULL && *cn != '\0') {
		w_add(w, ";CN=");
		w_param(w, cn);
	}
	w_add(w, params);
	w_add(w, ":mailto:");
	w_add(w, addr);
	w_end(w);
}

/* ---- checking the event ---- */

/* Valid UTF-8 without control characters; with lines, tabs and line
 * breaks are allowed too (w_text escapes them). */
static int field_ok(const char *s, int lines)
{
	const unsigned char *p;

	if (!utf8_valid(s, strlen(s)))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 || *p == 0x7f) &&
		    !(lines && (*p == '\t' || *p == '\r' || *p == '\n')))
			return 0;
	return 1;
}

static int opt_field_ok(const char *s, int lines)
{
	return s == NULL || field_ok(s, lines);
}

/* An address that can follow "mailto:" as it is: no white space, no
 * control character, nothing that would end a parameter or a value. */
static int addr_ok(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	const unsigned char *p;

	if (n == 0 || n > ADDRESS_BYTES_MAX || at == NULL || at == s || at[1] == '\0' ||
	    !utf8_valid(s, n))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("\"(),:;<>[\\]", *p) != NULL)
			return 0;
	return 1;
}

/* A zoneinfo name: letters, digits, "_+-/", not starting with "/" (no
 * path may lead out of the zoneinfo folder libical reads). */
static int tzid_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > ICAL_TZID_BYTES_MAX || s[0] == '/' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

static const char *check_event(const struct ical_event *e)
{
	/* 9999-12-31T23:59:59Z, the last instant RFC 5545 can write */
	const time_t last = (time_t)253402300799LL;

	if (e->uid == NULL || *e->uid == '\0' || !field_ok(e->uid, 0))
		return "malformed UID";
	if (e->sequence < 0 || e->sequence > INT32_MAX)
		return "sequence out of range";
	if (e->duration_min < 1 || e->duration_min > ICAL_DURATION_MIN_MAX)
		return "duration out of range";
	if (e->start < 0 || e->start > last - ICAL_DURATION_MIN_MAX * 60 ||
	    e->dtstamp < 0 || e->dtstamp > last)
		return "time out of range";
	if (e->tzid == NULL || !tzid_ok(e->tzid))
		return "malformed time zone name";
	if (e->summary == NULL || *e->summary == '\0' || !field_ok(e->summary, 1))
		return "empty summary, or invalid UTF-8 or control characters in it";
	if (!opt_field_ok(e->location, 1) || !opt_field_ok(e->description, 1))
		return "invalid UTF-8 or control characters in the location or description";
	if (!opt_field_ok(e->organizer_name, 0) || !opt_field_ok(e->attendee_name, 0))
		return "invalid UTF-8 or control characters in a name";
	if (e->organizer_addr == NULL || !addr_ok(e->organizer_addr) ||
	    e->attendee_addr == NULL || !addr_ok(e->attendee_addr))
		return "malformed organizer or attendee address";
	return NULL;
}

/* ---- time zones ---- */

static icaltimezone *tz_find(const char *tzid)
{
	icaltimezone *z = lib.icaltimezone_get_builtin_timezone(tzid);
	char *etc;

	/* libical answers "UTC" and "GMT" with its own UTC zone, which has no
	 * VTIMEZONE to send; the zoneinfo files Etc/UTC and Etc/GMT have one. */
	if (z != NULL && lib.icaltimezone_get_component(z) == NULL) {
		etc = xasprintf("Etc/%s", tzid);
		z = lib.icaltimezone_get_builtin_timezone(etc);
		free(etc);
	}
	if (z == NULL || lib.icaltimezone_get_component(z) == NULL)
		return NULL;
	return z;
}

static struct icaltimetype utc_time(time_t t)
{
	return lib.icaltime_from_timet_with_zone(t, 0, lib.icaltimezone_get_utc_timezone());
}

static void fmt_time(char *out, size_t size, struct icaltimetype t, int utc)
{
	snprintf(out, size, "%04d%02d%02dT%02d%02d%02d%s", t.year, t.month, t.day,
	    t.hour, t.minute, t.second, utc ? "Z" : "");
}

static int same_wall_clock(struct icaltimetype a, struct icaltimetype b)
{
	return a.year == b.year && a.month == b.month && a.day == b.day &&
	    a.hour == b.hour && a.minute == b.minute && a.second == b.second;
}

/* True when the local time of t is shown twice, in the hour repeated when
 * daylight saving time ends (shifts are 30 minutes to 2 hours). */
static int local_repeated(icaltimezone *z, time_t t)
{
	static const int shift[] = { -7200, -3600, -1800, 1800, 3600, 7200 };
	struct icaltimetype l = lib.icaltime_from_timet_with_zone(t, 0, z);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shift); i++)
		if (same_wall_clock(l, lib.icaltime_from_timet_with_zone(t + shift[i], 0, z)))
			return 1;
	return 0;
}

/* NAME;TZID=zone:local time, or NAME:UTC time for a repeated local time. */
static void w_when(struct writer *w, const char *name, const char *tzid, icaltimezone *z,
    time_t t)
{
	char s[40];

	w_add(w, name);
	if (local_repeated(z, t)) {
		fmt_time(s, sizeof(s), utc_time(t), 1);
		w_add(w, ":");
	} else {
		fmt_time(s, sizeof(s), lib.icaltime_from_timet_with_zone(t, 0, z), 0);
		w_add(w, ";TZID=");
		w_add(w, tzid);
		w_add(w, ":");
	}
	w_line(w, "", s);
}

/* Copies a property as libical writes it (folded with CRLF or LF) into one
 * content line of ours. */
static void w_lib_prop(struct writer *w, icalproperty *p)
{
	char *s = lib.icalproperty_as_ical_string_r(p);
	const char *q;

	for (q = s; q != NULL && *q != '\0'; q++) {
		if (*q == '\r')
			continue;
		if (*q == '\n') {
			if (q[1] == ' ' || q[1] == '\t')
				q++;
			continue;
		}
		buf_addc(&w->line, *q);
	}
	lib.icalmemory_free_buffer(s);
	w_end(w);
}

/* One STANDARD or DAYLIGHT observance; with open, its rule loses UNTIL
 * and COUNT. libical's X-LIC- properties stay out. */
static void w_observance(struct writer *w, icalcomponent *sub, int open)
{
	const char *kind = lib.icalcomponent_isa(sub) == ICAL_XDAYLIGHT_COMPONENT ?
	    "DAYLIGHT" : "STANDARD";
	icalproperty *p;
	struct icalrecurrencetype rr;
	char *s;

	w_line(w, "BEGIN:", kind);
	for (p = lib.icalcomponent_get_first_property(sub, ICAL_ANY_PROPERTY); p != NULL;
	    p = lib.icalcomponent_get_next_property(sub, ICAL_ANY_PROPERTY)) {
		if (lib.icalproperty_isa(p) == ICAL_X_PROPERTY)
			continue;
		if (open && lib.icalproperty_isa(p) == ICAL_RRULE_PROPERTY) {
			rr = lib.icalproperty_get_rrule(p);
			rr.until = lib.icaltime_null_time();
			rr.count = 0;
			s = lib.icalrecurrencetype_as_string_r(&rr);
			w_line(w, "RRULE:", s);
			lib.icalmemory_free_buffer(s);
		} else {
			w_lib_prop(w, p);
		}
	}
	w_line(w, "END:", kind);
}

/* One yearly rule of a zone, joined from the pieces libical gives. */
struct tz_rule {
	char *key;                 /* kind, offsets, rule without UNTIL */
	icalcomponent *first;      /* the piece with the earliest DTSTART */
	struct icaltimetype dtstart;
	struct icaltimetype until; /* of the latest piece; null when open */
	int daylight;
	int outlook;               /* in the shape Outlook reads */
};

/* The rule Outlook reads ([MS-OXCICAL] 2.1.3.1.1.19.2.2): in one month, on
 * one weekday given with its position, e.g. BYDAY=-1SU;BYMONTH=10. libical
 * writes "Fri>=23" as BYDAY=FR;BYMONTHDAY=23,...,29, which it cannot. */
static int rule_outlook(const struct icalrecurrencetype *rr)
{
	return rr->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_month[1] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_day[1] == ICAL_RECURRENCE_ARRAY_MAX &&
	    lib.icalrecurrencetype_day_position(rr->by_day[0]) != 0 &&
	    rr->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_year_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rr->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

static int tz_offset(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = lib.icalcomponent_get_first_property(c, kind);

	if (p == NULL)
		return 0;
	return kind == ICAL_TZOFFSETFROM_PROPERTY ? lib.icalproperty_get_tzoffsetfrom(p) :
	    lib.icalproperty_get_tzoffsetto(p);
}

static char *rule_key(icalcomponent *sub, struct icalrecurrencetype rr)
{
	char *r, *key;

	rr.until = lib.icaltime_null_time();
	rr.count = 0;
	r = lib.icalrecurrencetype_as_string_r(&rr);
	key = xasprintf("%d %d %d %s", (int)lib.icalcomponent_isa(sub),
	    tz_offset(sub, ICAL_TZOFFSETFROM_PROPERTY), tz_offset(sub, ICAL_TZOFFSETTO_PROPERTY),
	    r != NULL ? r : "");
	lib.icalmemory_free_buffer(r);
	return key;
}

/* Adds one piece of a rule; -1 when there are too many distinct rules. */
static int tz_rule_add(struct tz_rule *rules, size_t *n, icalcomponent *sub,
    struct icalrecurrencetype rr, struct icaltimetype dtstart)
{
	char *key = rule_key(sub, rr);
	size_t i;

	for (i = 0; i < *n && strcmp(rules[i].key, key) != 0; i++)
		;
	if (i == *n) {
		if (*n == TZ_RULES_MAX) {
			free(key);
			return -1;
		}
		rules[i].key = key;
		rules[i].first = sub;
		rules[i].dtstart = dtstart;
		rules[i].until = rr.until;
		rules[i].daylight = lib.icalcomponent_isa(sub) == ICAL_XDAYLIGHT_COMPONENT;
		rules[i].outlook = rule_outlook(&rr);
		(*n)++;
		return 0;
	}
	free(key);
	if (lib.icaltime_compare(dtstart, rules[i].dtstart) < 0) {
		rules[i].first = sub;
		rules[i].dtstart = dtstart;
	}
	if (lib.icaltime_is_null_time(rr.until) || (!lib.icaltime_is_null_time(rules[i].until) &&
	    lib.icaltime_compare(rr.until, rules[i].until) > 0))
		rules[i].until = rr.until;
	return 0;
}

/* Outlook reads one STANDARD and one DAYLIGHT, each a yearly rule
 * ([MS-OXCICAL] 2.1.3.1.1.19), and RFC 5545 3.6.5 lets a VTIMEZONE hold
 * only the observances in effect for the event: so this picks, from the
 * zone's yearly rules around the event's year, exactly one of each kind
 * that still runs at the event, in the shape Outlook reads; -1 when the
 * zone is not that simple then.
 * libical cuts a rule in two where the zoneinfo file's explicit transitions
 * end (2037); pieces with the same rule are joined again. */
static int tz_pick(icalcomponent *vtz, time_t start, icalcomponent **std_r,
    icalcomponent **dst_r)
{
	struct tz_rule rules[TZ_RULES_MAX];
	icalcomponent *sub;
	icalproperty *rp, *dp;
	struct icalrecurrencetype rr;
	struct icaltimetype dt;
	int year = utc_time(start).year, ret = -1;
	size_t n = 0, i;

	*std_r = *dst_r = NULL;
	for (sub = lib.icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); sub != NULL;
	    sub = lib.icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		rp = lib.icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY);
		dp = lib.icalcomponent_get_first_property(sub, ICAL_DTSTART_PROPERTY);
		if (rp == NULL || dp == NULL)
			continue;
		rr = lib.icalproperty_get_rrule(rp);
		dt = lib.icalproperty_get_dtstart(dp);
		if (rr.freq != ICAL_YEARLY_RECURRENCE || rr.count != 0 || dt.year > year + 1 ||
		    (!lib.icaltime_is_null_time(rr.until) && rr.until.year < year - 1))
			continue;
		if (tz_rule_add(rules, &n, sub, rr, dt) < 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		icalcomponent **slot = rules[i].daylight ? dst_r : std_r;

		if (!lib.icaltime_is_null_time(rules[i].until) &&
		    lib.icaltime_as_timet(rules[i].until) < start)
			continue; /* ended before the event */
		/* a rule that begins after the event cannot say what held then
		 * (DTSTART is local time: a day of margin, verify() decides) */
		if (*slot != NULL || !rules[i].outlook ||
		    lib.icaltime_as_timet(rules[i].dtstart) > start + 86400)
			goto out;
		*slot = rules[i].first;
	}
	if (*std_r != NULL && *dst_r != NULL)
		ret = 0;
out:
	for (i = 0; i < n; i++)
		free(rules[i].key);
	return ret;
}

/* How the VTIMEZONE is made, tried in this order until the text read back
 * gives the right instants:
 * - RULES: one STANDARD and one DAYLIGHT rule, open-ended (what Outlook
 *   writes itself);
 * - FIXED: one STANDARD with the offset at the event, for a zone without
 *   daylight saving time then, in a year its rules change, or with a rule
 *   Outlook cannot read (the instants are right; the zone's other dates
 *   are not described);
 * - TRUNCATED: libical's own observances for the event's span
 *   (icaltimezone_truncate_vtimezone, ms_compatible), for an event across
 *   a change of offset that no yearly rule describes. */
enum tz_mode { TZ_RULES, TZ_FIXED, TZ_TRUNCATED };

static void fmt_offset(char *out, size_t size, int secs)
{
	int a = secs < 0 ? -secs : secs;

	if (a % 60 != 0)
		snprintf(out, size, "%c%02d%02d%02d", secs < 0 ? '-' : '+', a / 3600,
		    a / 60 % 60, a % 60);
	else
		snprintf(out, size, "%c%02d%02d", secs < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static int w_tz_fixed(struct writer *w, icaltimezone *z, time_t start, time_t end)
{
	struct icaltimetype a = utc_time(start), b = utc_time(end);
	int off = lib.icaltimezone_get_utc_offset_of_utc_time(z, &a, NULL);
	const char *names = lib.icaltimezone_get_tznames(z);
	char s[24];

	if (off != lib.icaltimezone_get_utc_offset_of_utc_time(z, &b, NULL))
		return 1;
	fmt_offset(s, sizeof(s), off);
	w_line(w, "BEGIN:", "STANDARD");
	/* "JST", "UTC"; libical gives "CET/CEST" for a zone with two names */
	if (names != NULL && *names != '\0' && strchr(names, '/') == NULL && field_ok(names, 0)) {
		w_add(w, "TZNAME:");
		w_text(w, names);
		w_end(w);
	}
	w_line(w, "DTSTART:", "19700101T000000");
	w_line(w, "TZOFFSETFROM:", s);
	w_line(w, "TZOFFSETTO:", s);
	w_line(w, "END:", "STANDARD");
	return 0;
}

static int w_tz_truncated(struct writer *w, icaltimezone *z, time_t start, time_t end)
{
	icalcomponent *copy = lib.icalcomponent_new_clone(lib.icaltimezone_get_component(z)), *sub;
	int n = 0;

	lib.icaltimezone_truncate_vtimezone(copy, utc_time(start), utc_time(end), 1);
	for (sub = lib.icalcomponent_get_first_component(copy, ICAL_ANY_COMPONENT); sub != NULL;
	    sub = lib.icalcomponent_get_next_component(copy, ICAL_ANY_COMPONENT)) {
		if (lib.icalcomponent_isa(sub) != ICAL_XSTANDARD_COMPONENT &&
		    lib.icalcomponent_isa(sub) != ICAL_XDAYLIGHT_COMPONENT)
			continue;
		w_observance(w, sub, 0);
		n++;
	}
	lib.icalcomponent_free(copy);
	return n > 0 ? 0 : 1;
}

/* 0, or 1 when the mode does not fit the zone at that date. */
static int w_vtimezone(struct writer *w, const char *tzid, icaltimezone *z, time_t start,
    time_t end, enum tz_mode mode)
{
	icalcomponent *std, *dst;
	const char *loc = lib.icaltimezone_get_location(z);
	int r = 0;

	w_line(w, "BEGIN:", "VTIMEZONE");
	w_line(w, "TZID:", tzid);
	/* libical-based readers (Evolution) map the zone to their own by it */
	if (loc != NULL && tzid_ok(loc))
		w_line(w, "X-LIC-LOCATION:", loc);
	if (mode == TZ_RULES) {
		if (tz_pick(lib.icaltimezone_get_component(z), start, &std, &dst) < 0)
			return 1;
		w_observance(w, std, 1);
		w_observance(w, dst, 1);
	} else if (mode == TZ_TRUNCATED) {
		r = w_tz_truncated(w, z, start, end);
	} else {
		r = w_tz_fixed(w, z, start, end);
	}
	w_line(w, "END:", "VTIMEZONE");
	return r;
}

/* ---- the invitation ---- */

static void w_vevent(struct writer *w, const struct ical_event *e, int cancel,
    icaltimezone *z, time_t end, time_t dtstamp)
{
	char s[40];

	w_line(w, "BEGIN:", "VEVENT");
	w_add(w, "UID:");
	w_text(w, e->uid);
	w_end(w);
	fmt_time(s, sizeof(s), utc_time(dtstamp), 1);
	w_line(w, "DTSTAMP:", s);
	snprintf(s, sizeof(s), "%ld", e->sequence);
	w_line(w, "SEQUENCE:", s);
	w_when(w, "DTSTART", e->tzid, z, e->start);
	w_when(w, "DTEND", e->tzid, z, end);
	w_add(w, "SUMMARY:");
	w_text(w, e->summary);
	w_end(w);
	if (e->location != NULL && *e->location != '\0') {
		w_add(w, "LOCATION:");
		w_text(w, e->location);
		w_end(w);
	}
	if (e->description != NULL && *e->description != '\0') {
		w_add(w, "DESCRIPTION:");
		w_text(w, e->description);
		w_end(w);
	}
	w_address(w, "ORGANIZER", "", e->organizer_name, e->organizer_addr);
	/* RFC 5546 3.2.2: the attendee asked to answer; RFC 6047 sends the
	 * same object to each recipient, so each sees only themselves. */
	w_address(w, "ATTENDEE", ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
	    e->attendee_name, e->attendee_addr);
	w_line(w, "STATUS:", cancel ? "CANCELLED" : "CONFIRMED");
	w_line(w, "TRANSP:", "OPAQUE");
	w_line(w, "END:", "VEVENT");
}

/* 0, 1 when the zone mode does not fit, -1 when the text is too big. */
static int w_calendar(struct writer *w, const struct ical_event *e, int cancel,
    icaltimezone *z, time_t end, time_t dtstamp, enum tz_mode mode)
{
	int r;

	w_line(w, "BEGIN:", "VCALENDAR");
	w_line(w, "PRODID:", ICAL_PRODID);
	w_line(w, "VERSION:", "2.0");
	w_line(w, "CALSCALE:", "GREGORIAN");
	w_line(w, "METHOD:", cancel ? "CANCEL" : "REQUEST");
	if ((r = w_vtimezone(w, e->tzid, z, e->start, end, mode)) != 0)
		return r;
	w_vevent(w, e, cancel, z, end, dtstamp);
	w_line(w, "END:", "VCALENDAR");
	return w->out.toobig || w->line.toobig ? -1 : 0;
}

static time_t prop_instant(icalcomponent *ev, icalproperty_kind kind, icaltimezone *z)
{
	icalproperty *p = lib.icalcomponent_get_first_property(ev, kind);
	struct icaltimetype t;

	if (p == NULL)
		return -1;
	t = lib.icalvalue_get_datetime(lib.icalproperty_get_value(p));
	return lib.icaltime_as_timet_with_zone(t, lib.icaltime_is_utc(t) ?
	    lib.icaltimezone_get_utc_timezone() : z);
}

/* Reads the text back as a receiver would: one VEVENT, the METHOD and the
 * SEQUENCE written, and the instants DTSTART and DTEND stand for through
 * the VTIMEZONE written (not the system's zone). */
static int verify(const char *text, const struct ical_event *e, int cancel, time_t end)
{
	icalcomponent *cal = lib.icalparser_parse_string(text), *vtz, *ev;
	icaltimezone *z = NULL;
	int ret = -1;

	if (cal == NULL || lib.icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT ||
	    lib.icalcomponent_count_errors(cal) != 0 ||
	    lib.icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) != 1 ||
	    lib.icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT) != 1 ||
	    lib.icalcomponent_get_method(cal) != (cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST))
		goto out;
	vtz = lib.icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	lib.icalcomponent_remove_component(cal, vtz);
	z = lib.icaltimezone_new();
	if (!lib.icaltimezone_set_component(z, vtz)) {
		/* the zone did not take it */
		lib.icalcomponent_free(vtz);
		goto out;
	}
	ev = lib.icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	if (prop_instant(ev, ICAL_DTSTART_PROPERTY, z) == e->start &&
	    prop_instant(ev, ICAL_DTEND_PROPERTY, z) == end &&
	    lib.icalcomponent_get_sequence(ev) == e->sequence)
		ret = 0;
out:
	if (z != NULL)
		lib.icaltimezone_free(z, 1);
	if (cal != NULL)
		lib.icalcomponent_free(cal);
	return ret;
}

int ical_request(const struct ical_event *e, int cancel, char **text_r, const char **error_r)
{
	static const enum tz_mode modes[] = { TZ_RULES, TZ_FIXED, TZ_TRUNCATED };
	struct writer w;
	icaltimezone *z;
	time_t end, dtstamp;
	size_t i;
	int r, ret = -1;

	*text_r = NULL;
	*error_r = NULL;
	w_init(&w);
	if ((*error_r = check_event(e)) != NULL)
		goto out;
	if (lib_load() < 0) {
		*error_r = "the calendar library cannot be loaded";
		goto out;
	}
	if ((z = tz_find(e->tzid)) == NULL) {
		*error_r = "unknown time zone";
		goto out;
	}
	end = e->start + (time_t)e->duration_min * 60;
	dtstamp = e->dtstamp != 0 ? e->dtstamp : time(NULL);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		buf_reset(&w.out);
		buf_reset(&w.line);
		r = w_calendar(&w, e, cancel, z, end, dtstamp, modes[i]);
		if (r < 0) {
			*error_r = "calendar text over ICAL_BYTES_MAX";
			goto out;
		}
		if (r == 0 && verify(w.out.s, e, cancel, end) == 0) {
			*text_r = buf_steal(&w.out);
			ret = 0;
			goto out;
		}
	}
	*error_r = "the time zone cannot be described at this date";
out:
	w_deinit(&w);
	return ret;
}

/* ---- reading replies ---- */

struct replies {
	struct ical_reply *v;
	size_t n, cap;
};

/* RFC 5545 3.2.12 for a VEVENT; the VTODO states are not answers to an
 * invitation of ours. */
static const char *const partstats[] = {
	"ACCEPTED", "DECLINED", "TENTATIVE", "NEEDS-ACTION", "DELEGATED",
};

static const char *partstat_norm(const char *s)
{
	char *t;
	const char *r = NULL;
	size_t i;

	if (s == NULL)
		return "NEEDS-ACTION"; /* the default, RFC 5545 3.2.12 */
	t = xstrdup(s);
	str_trim(t);
	for (i = 0; i < ARRAY_SIZE(partstats) && r == NULL; i++)
		if (str_eq_ci(t, partstats[i]))
			r = partstats[i];
	free(t);
	return r;
}

/* The address of a CAL-ADDRESS: "mailto:" in any case dropped, lower case.
 * A value that is no mailto: URI gives way to the EMAIL parameter
 * (RFC 7986 6.2), and a bare address is taken as it is. NULL if none. */
static char *addr_norm(const char *value, const char *email)
{
	char *a, *s;

	a = xstrdup(value != NULL ? value : "");
	s = str_trim(a);
	if (str_has_prefix_ci(s, "mailto:")) {
		memmove(s, s + 7, strlen(s + 7) + 1);
		str_trim(s);
	} else if (email != NULL) {
		free(a);
		return addr_norm(email, NULL);
	}
	str_lower_ascii(s);
	if (!addr_ok(s)) {
		free(a);
		return NULL;
	}
	return a;
}

static void replies_add(struct replies *r, const char *uid, const char *value,
    const char *email, const char *partstat, long seq, time_t stamp)
{
	const char *ps = partstat_norm(partstat);
	char *addr = NULL, *u = NULL;
	struct ical_reply *x;
	size_t i;

	if (uid == NULL || ps == NULL || (addr = addr_norm(value, email)) == NULL)
		goto out;
	u = xstrdup(uid);
	if (*str_trim(u) == '\0')
		goto out;
	for (i = 0; i < r->n; i++) {
		x = &r->v[i];
		if (strcmp(x->uid, u) == 0 && strcmp(x->attendee, addr) == 0 &&
		    strcmp(x->partstat, ps) == 0) {
			x->sequence = seq > x->sequence ? seq : x->sequence;
			x->dtstamp = stamp > x->dtstamp ? stamp : x->dtstamp;
			goto out;
		}
	}
	if (r->n == ICAL_COMPONENTS_MAX)
		goto out;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	x = &r->v[r->n++];
	x->uid = u;
	x->attendee = addr;
	x->partstat = xstrdup(ps);
	x->sequence = seq;
	x->dtstamp = stamp;
	u = addr = NULL;
out:
	free(u);
	free(addr);
}

/* Seconds for a UTC date-time; 0 for a null or unreasonable one. */
static time_t instant_or_zero(struct icaltimetype t)
{
	if (lib.icaltime_is_null_time(t) || t.is_date || t.year < 1970 || t.year > YEAR_LAST)
		return 0;
	return lib.icaltime_as_timet_with_zone(t, lib.icaltimezone_get_utc_timezone());
}

static void lib_read_event(icalcomponent *ev, struct replies *r)
{
	icalproperty *p;
	const char *uid = lib.icalcomponent_get_uid(ev);
	long seq = 0;
	time_t stamp = 0;
	char *ps, *email;

	if ((p = lib.icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY)) != NULL)
		seq = lib.icalproperty_get_sequence(p);
	if (seq < 0)
		seq = 0;
	if ((p = lib.icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY)) != NULL)
		stamp = instant_or_zero(lib.icalproperty_get_dtstamp(p));
	/* the loop must stay the only user of ev's property iterator */
	for (p = lib.icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p != NULL;
	    p = lib.icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		ps = lib.icalproperty_get_parameter_as_string_r(p, "PARTSTAT");
		email = lib.icalproperty_get_parameter_as_string_r(p, "EMAIL");
		replies_add(r, uid, lib.icalproperty_get_attendee(p), email, ps, seq, stamp);
		lib.icalmemory_free_buffer(ps);
		lib.icalmemory_free_buffer(email);
	}
}

/* A VCALENDAR counts unless its METHOD says it is something else than a
 * reply (RFC 5546 1.4); some clients give the method only in the MIME
 * type. */
static void lib_read_calendar(icalcomponent *cal, struct replies *r)
{
	icalproperty *p = lib.icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
	icalcomponent *ev;
	char *m;
	int reply = 1;

	if (p != NULL) {
		m = lib.icalproperty_get_value_as_string_r(p);
		reply = m != NULL && str_eq_ci(str_trim(m), "REPLY");
		lib.icalmemory_free_buffer(m);
	}
	if (!reply)
		return;
	for (ev = lib.icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev != NULL;
	    ev = lib.icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		lib_read_event(ev, r);
}

static void lib_read(const char *text, struct replies *r)
{
	icalcomponent *root = lib.icalparser_parse_string(text), *cal;

	if (root == NULL)
		return;
	switch (lib.icalcomponent_isa(root)) {
	case ICAL_VCALENDAR_COMPONENT:
		lib_read_calendar(root, r);
		break;
	case ICAL_XROOT_COMPONENT: /* several top-level components */
		for (cal = lib.icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
		    cal != NULL;
		    cal = lib.icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
			lib_read_calendar(cal, r);
		break;
	case ICAL_VEVENT_COMPONENT: /* no VCALENDAR around it */
		lib_read_event(root, r);
		break;
	default:
		break;
	}
	lib.icalcomponent_free(root);
}

/* ---- the line reader, for what libical rejects ---- */

struct lr_attendee {
	char *value, *email, *partstat;
};

struct lr_event {
	int open;               /* inside a VEVENT */
	int nested;             /* components inside it (VALARM) */
	char *uid;
	long seq;
	time_t stamp;
	struct lr_attendee *att;
	size_t n_att;
};

static void lr_flush(struct lr_event *ev, int reply, struct replies *r)
{
	size_t i;

	for (i = 0; i < ev->n_att; i++) {
		if (reply && ev->open)
			replies_add(r, ev->uid, ev->att[i].value, ev->att[i].email,
			    ev->att[i].partstat, ev->seq, ev->stamp);
		free(ev->att[i].value);
		free(ev->att[i].email);
		free(ev->att[i].partstat);
	}
	free(ev->att);
	free(ev->uid);
	memset(ev, 0, sizeof(*ev));
}

/* Splits "NAME;P=V;Q=\"a:b\":value" in place; -1 without a ':'. */
static int lr_split(char *line, char **name_r, char **params_r, char **value_r)
{
	char *p = line + strcspn(line, ";:");
	int quoted = 0;

	*name_r = line;
	*params_r = NULL;
	if (*p == '\0')
		return -1;
	if (*p == ';') {
		*p++ = '\0';
		*params_r = p;
		for (; *p != '\0' && (*p != ':' || quoted); p++)
			if (*p == '"')
				quoted = !quoted;
		if (*p == '\0')
			return -1;
	}
	*p++ = '\0';
	*value_r = str_trim(p);
	str_trim(*name_r);
	return 0;
}

/* The value of one parameter, unquoted, in a new string; NULL if absent. */
static char *lr_param(const char *params, const char *name)
{
	const char *p = params, *v;
	size_t n = strlen(name), len;
	int quoted = 0;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (str_has_prefix_ci(p, name) && p[n] == '=') {
			v = p + n + 1;
			if (*v == '"') {
				v++;
				len = strcspn(v, "\"");
			} else {
				len = strcspn(v, ";");
			}
			return str_trim(xstrndup(v, len));
		}
		for (; *p != '\0' && (*p != ';' || quoted); p++)
			if (*p == '"')
				quoted = !quoted;
		if (*p == ';')
			p++;
	}
	return NULL;
}

/* A TEXT value unescaped (RFC 5545 3.3.11), as libical gives it. */
static char *text_unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*o++ = *s == 'n' || *s == 'N' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static int digits(const char *s, size_t n, int *r)
{
	size_t i;

	*r = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*r = *r * 10 + (s[i] - '0');
	}
	return 0;
}

/* YYYYMMDDTHHMMSS[Z], read as UTC; 0 when it is not one. */
static time_t lr_instant(const char *s)
{
	int y, mo, d, h, mi, se;
	time_t t;

	if (strlen(s) < 15 || s[8] != 'T' || digits(s, 4, &y) < 0 || digits(s + 4, 2, &mo) < 0 ||
	    digits(s + 6, 2, &d) < 0 || digits(s + 9, 2, &h) < 0 ||
	    digits(s + 11, 2, &mi) < 0 || digits(s + 13, 2, &se) < 0)
		return 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	t = time_from_utc(y, mo, d, h, mi, se);
	return t < 0 ? 0 : t;
}

static void lr_property(struct lr_event *ev, const char *name, const char *params,
    const char *value)
{
	struct lr_attendee *a;

	if (str_eq_ci(name, "UID")) {
		free(ev->uid);
		ev->uid = text_unescape(value);
	} else if (str_eq_ci(name, "SEQUENCE")) {
		if (str_to_long(value, 0, INT32_MAX, &ev->seq) < 0)
			ev->seq = 0;
	} else if (str_eq_ci(name, "DTSTAMP")) {
		ev->stamp = lr_instant(value);
	} else if (str_eq_ci(name, "ATTENDEE") && ev->n_att < ICAL_COMPONENTS_MAX) {
		ev->att = xrealloc(ev->att, (ev->n_att + 1) * sizeof(*ev->att));
		a = &ev->att[ev->n_att++];
		a->value = xstrdup(value);
		a->email = lr_param(params, "EMAIL");
		a->partstat = lr_param(params, "PARTSTAT");
	}
}

/* text is unfolded with LF line ends (prep()); it is cut up in place. */
static void lines_read(char *text, struct replies *r)
{
	struct lr_event ev;
	char *line, *next, *name, *params, *value;
	int reply = 1;

	memset(&ev, 0, sizeof(ev));
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (lr_split(line, &name, &params, &value) < 0)
			continue;
		if (str_eq_ci(name, "BEGIN") || str_eq_ci(name, "END")) {
			int begin = str_eq_ci(name, "BEGIN");

			if (str_eq_ci(value, "VEVENT") || str_eq_ci(value, "VCALENDAR")) {
				lr_flush(&ev, reply, r);
				if (begin && str_eq_ci(value, "VCALENDAR"))
					reply = 1;
				ev.open = begin && str_eq_ci(value, "VEVENT");
			} else if (ev.open) {
				ev.nested += begin ? 1 : (ev.nested > 0 ? -1 : 0);
			}
		} else if (!ev.open) {
			if (str_eq_ci(name, "METHOD"))
				reply = str_eq_ci(value, "REPLY");
		} else if (ev.nested == 0) {
			lr_property(&ev, name, params, value);
		}
	}
	lr_flush(&ev, reply, r);
}

/* A private copy for both readers: no byte-order mark, NUL bytes as
 * spaces, every line break (CRLF, LF or CR) one LF, folds joined
 * (RFC 5545 3.1), empty lines dropped. */
static char *prep(const char *text, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i = 0, o = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		char c = text[i];

		if (c != '\r' && c != '\n') {
			out[o++] = c == '\0' ? ' ' : c;
			continue;
		}
		if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
			i++;
		if (i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
			i++; /* a fold */
			continue;
		}
		if (o > 0 && out[o - 1] != '\n')
			out[o++] = '\n';
	}
	out[o] = '\0';
	return out;
}

static int name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-';
}

/* A BEGIN or END line: 1 with the component's name in *v_r, *n_r; 0 for
 * another line; -1 for one that only looks like it ("BEGIN;X=1:",
 * "END :VEVENT", "\vEND:", "BEGIN:", a name with odd characters), which
 * libical reads in its own way. */
static int begin_end(const char *line, int *begin_r, const char **v_r, size_t *n_r)
{
	const char *p = line, *v;
	size_t k, i;

	while ((unsigned char)*p <= 0x20 && *p != '\0' && *p != '\n')
		p++;
	if (str_has_prefix_ci(p, "BEGIN"))
		k = 5;
	else if (str_has_prefix_ci(p, "END"))
		k = 3;
	else
		return 0;
	if (name_char(p[k]))
		return 0; /* another name, e.g. END-DATE */
	*begin_r = k == 5;
	if (p != line || p[k] != ':')
		return -1;
	v = p + k + 1;
	for (i = 0; name_char(v[i]); i++)
		;
	if (i == 0 || (v[i] != '\0' && v[i] != '\n'))
		return -1;
	*v_r = v;
	*n_r = i;
	return 1;
}

/* Counts the lines that look like BEGIN (an upper bound on the components
 * libical will make) and returns whether every END closes the innermost
 * open component. libical writes to stderr about an END it did not expect
 * and rejects a component left open, so such a text goes to the line
 * reader alone. */
static int scan(const char *s, size_t *begins_r)
{
	const char *open[ICAL_COMPONENTS_MAX], *v = NULL;
	size_t len[ICAL_COMPONENTS_MAX], depth = 0, n = 0;
	int balanced = 1, begin = 0, kind;

	*begins_r = 0;
	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s != NULL ? s + 1 : NULL) {
		if ((kind = begin_end(s, &begin, &v, &n)) == 0)
			continue;
		*begins_r += begin;
		if (kind < 0)
			balanced = 0;
		else if (begin && depth < ICAL_COMPONENTS_MAX) {
			open[depth] = v;
			len[depth++] = n;
		} else if (begin || depth == 0 || len[depth - 1] != n ||
		    strncasecmp(open[depth - 1], v, n) != 0) {
			balanced = 0;
		} else {
			depth--;
		}
	}
	return balanced && depth == 0;
}

int ical_parse_reply(const char *text, size_t len, struct ical_reply **replies_r, size_t *n_r)
{
	struct replies r;
	char *copy = NULL;
	size_t begins = 0;
	int balanced, ret = -1;

	memset(&r, 0, sizeof(r));
	*replies_r = NULL;
	*n_r = 0;
	if (len > ICAL_BYTES_MAX || (text == NULL && len > 0))
		goto out;
	copy = prep(text != NULL ? text : "", len);
	balanced = scan(copy, &begins);
	if (begins > ICAL_COMPONENTS_MAX)
		goto out;
	/* without libical, the line reader alone */
	if (balanced && lib_load() == 0)
		lib_read(copy, &r);
	if (r.n == 0)
		lines_read(copy, &r);
	*replies_r = r.n > 0 ? r.v : NULL;
	*n_r = r.n;
	if (r.n > 0)
		r.v = NULL;
	ret = 0;
out:
	free(r.v);
	free(copy);
	return ret;
}

void ical_replies_free(struct ical_reply **replies, size_t n)
{
	size_t i;

	if (*replies == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*replies)[i].uid);
		free((*replies)[i].attendee);
		free((*replies)[i].partstat);
	}
	free(*replies);
	*replies = NULL;
}
