#!/usr/bin/python3
"""Checks one iMIP invitation written by mentord with parsers that share no
code with it: Python's icalendar package (python3-icalendar), pytz for the
zone by name, and dateutil's VTIMEZONE reader for the zone as written.

usage: check_ical.py FILE EXPECTED_START_UTC_EPOCH METHOD SEQUENCE ATTENDEE

Exit status 0 when every check passes, 1 with the failures on stderr, 2 on
a usage error, 3 when a module is missing (python3-icalendar)."""

import io
import re
import sys
from datetime import datetime, timezone

try:
    import icalendar
    from dateutil import tz as dateutil_tz
except ImportError as exc:  # the test must fail loudly, not pass
    print("check_ical.py: missing module (install python3-icalendar): %s" % exc,
          file=sys.stderr)
    sys.exit(3)


class Checker:
    def __init__(self):
        self.failures = []

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
        return cond


def check_bytes(c, raw):
    """RFC 5545 3.1: CRLF line ends, lines of at most 75 octets, and folds
    that never cut a UTF-8 sequence (each physical line decodes alone)."""
    c.check(raw.endswith(b"\r\n"), "text does not end with CRLF")
    c.check(re.search(rb"(?<!\r)\n", raw) is None, "LF without CR")
    c.check(re.search(rb"\r(?!\n)", raw) is None, "CR without LF")
    for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        c.check(len(line) <= 75, "line %d is %d octets long" % (n, len(line)))
        c.check(len(line) > 0, "line %d is empty" % n)
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            c.failures.append("line %d cuts a UTF-8 sequence" % n)
        c.check(not any(b < 0x20 and b != 0x09 for b in line),
                "control character in line %d" % n)


def utc_epoch(dt):
    return int(dt.astimezone(timezone.utc).timestamp())


def vtimezone_text(raw):
    """The VTIMEZONE block, unfolded, without X- properties (which readers
    ignore, RFC 5545 3.8.8.2; dateutil refuses them)."""
    text = raw.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")
    m = re.search(r"^BEGIN:VTIMEZONE\n.*?^END:VTIMEZONE\n", text, re.M | re.S)
    if m is None:
        return None
    return "".join(l + "\n" for l in m.group(0).splitlines()
                   if not l.upper().startswith("X-"))


def raw_event_value(raw, name):
    """The value of a VEVENT property as written (icalendar would rewrite a
    local time in a zone it knows, e.g. TZID=UTC, with a Z)."""
    text = raw.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")
    ev = text[text.find("BEGIN:VEVENT"):]
    m = re.search(r"^%s(;[^:\n]*)?:(.*)$" % name, ev, re.M)
    return m.group(2) if m else ""


def instant_by_vtimezone(c, raw, cal, name, tzid):
    """The instant of a local DTSTART/DTEND through the VTIMEZONE as written,
    read by dateutil and by icalendar's to_tz(); None when not readable."""
    zones = [z for z in cal.walk("VTIMEZONE") if str(z.get("TZID")) == tzid]
    if not c.check(len(zones) == 1, "no single VTIMEZONE for TZID %s" % tzid):
        return None
    local = datetime.strptime(raw_event_value(raw, name), "%Y%m%dT%H%M%S")
    zone = dateutil_tz.tzical(io.StringIO(vtimezone_text(raw))).get(tzid)
    by_dateutil = utc_epoch(local.replace(tzinfo=zone))
    by_icalendar = None
    if hasattr(zones[0], "to_tz"):
        by_icalendar = utc_epoch(zones[0].to_tz().localize(local))
    return by_dateutil, by_icalendar


def check_instant(c, raw, cal, ev, name, expected):
    """expected: the UTC instant, or None to compare the readings with each
    other only (DTEND)."""
    prop = ev.get(name)
    if not c.check(prop is not None, "no %s" % name):
        return
    when = ev.decoded(name)
    if not c.check(isinstance(when, datetime) and when.tzinfo is not None,
                   "%s is not a date-time with a zone: %r" % (name, when)):
        return
    by_name = utc_epoch(when)
    # pytz (2022.7) and icalendar's to_tz() know no transition after 2037:
    # past that year only dateutil's reading of the VTIMEZONE is trusted,
    # and a DTEND (no expected value given) is not checked further.
    if expected is None and by_name >= 2145916800:
        return
    if expected is None:
        expected = by_name
    before_2038 = expected < 2145916800
    # 1. icalendar's own reading (pytz by the TZID name, or UTC)
    c.check(by_name == expected or not before_2038,
            "%s is %s UTC by icalendar, expected %s" % (name, by_name, expected))
    tzid = prop.params.get("TZID")
    if tzid is None:
        c.check(raw_event_value(raw, name).endswith("Z"),
                "%s neither UTC nor with TZID" % name)
        return
    got = instant_by_vtimezone(c, raw, cal, name, tzid)
    if got is None:
        return
    # 2. the VTIMEZONE as written, read by dateutil
    c.check(got[0] == expected, "%s is %s UTC through the VTIMEZONE (dateutil), "
            "expected %s" % (name, got[0], expected))
    # 3. the VTIMEZONE as written, read by icalendar itself
    c.check(got[1] is None or got[1] == expected or not before_2038,
            "%s is %s UTC through the VTIMEZONE (icalendar), expected %s" %
            (name, got[1], expected))


def check_vtimezone(c, cal):
    """The shape Outlook reads ([MS-OXCICAL] 2.1.3.1.1.19): at most one
    STANDARD and one DAYLIGHT, rules yearly in one month on one weekday
    with its position (BYDAY=-1SU;BYMONTH=10)."""
    for z in cal.walk("VTIMEZONE"):
        std = [s for s in z.subcomponents if s.name == "STANDARD"]
        dst = [s for s in z.subcomponents if s.name == "DAYLIGHT"]
        c.check(len(std) == 1, "%d STANDARD observances" % len(std))
        c.check(len(dst) <= 1, "%d DAYLIGHT observances" % len(dst))
        for s in std + dst:
            for p in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                c.check(s.get(p) is not None, "%s without %s" % (s.name, p))
            rr = s.get("RRULE")
            if rr is None:
                continue
            c.check(rr.get("FREQ") == ["YEARLY"], "RRULE not yearly: %r" % rr)
            c.check(len(rr.get("BYMONTH", [])) == 1, "RRULE without one BYMONTH")
            byday = rr.get("BYDAY", [])
            c.check(len(byday) == 1 and re.match(r"^[+-]?[1-5][A-Z]{2}$", byday[0]),
                    "RRULE without one BYDAY with its position: %r" % (byday,))
            c.check("BYMONTHDAY" not in rr, "RRULE with BYMONTHDAY and BYDAY")


def check_event(c, raw, ev, method, sequence, attendee):
    c.check(str(ev.get("UID", "")).strip() != "", "no UID")
    c.check(ev.get("SEQUENCE") is not None and int(ev.get("SEQUENCE")) == sequence,
            "SEQUENCE is %r, expected %d" % (ev.get("SEQUENCE"), sequence))
    stamp = ev.get("DTSTAMP")
    c.check(stamp is not None and raw_event_value(raw, "DTSTAMP").endswith("Z"),
            "DTSTAMP not in UTC")
    end = ev.decoded("DTEND") if ev.get("DTEND") is not None else None
    c.check(end is not None and end > ev.decoded("DTSTART"), "DTEND not after DTSTART")
    c.check(str(ev.get("STATUS", "")) ==
            ("CANCELLED" if method == "CANCEL" else "CONFIRMED"), "wrong STATUS")
    c.check(str(ev.get("TRANSP", "")) == "OPAQUE", "TRANSP is not OPAQUE")
    c.check(str(ev.get("SUMMARY", "")).strip() != "", "no SUMMARY")
    org = ev.get("ORGANIZER")
    c.check(org is not None and str(org).lower().startswith("mailto:") and "@" in str(org),
            "no ORGANIZER mailto: address")
    att = ev.get("ATTENDEE")
    atts = att if isinstance(att, list) else ([] if att is None else [att])
    if not c.check(len(atts) == 1, "%d ATTENDEE properties, expected 1" % len(atts)):
        return
    a = atts[0]
    c.check(str(a).lower() == "mailto:" + attendee.lower(),
            "ATTENDEE is %s, expected mailto:%s" % (a, attendee))
    if method == "CANCEL":
        # RFC 5546 3.2.5: a cancellation asks for no answer
        c.check(a.params.get("RSVP") is None, "CANCEL with RSVP=%s" % a.params.get("RSVP"))
        c.check(a.params.get("PARTSTAT") is None,
                "CANCEL with PARTSTAT=%s" % a.params.get("PARTSTAT"))
    else:
        c.check(a.params.get("RSVP") == "TRUE", "ATTENDEE without RSVP=TRUE")
        c.check(a.params.get("PARTSTAT") == "NEEDS-ACTION",
                "ATTENDEE without PARTSTAT=NEEDS-ACTION")
    c.check(a.params.get("ROLE") == "REQ-PARTICIPANT", "ATTENDEE without ROLE")


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    path, expected, method, sequence, attendee = argv[1:]
    with open(path, "rb") as f:
        raw = f.read()
    c = Checker()
    check_bytes(c, raw)
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except Exception as exc:  # any parse error is a failure
        print("%s: icalendar cannot parse it: %s" % (path, exc), file=sys.stderr)
        return 1
    c.check(cal.name == "VCALENDAR", "not a VCALENDAR")
    c.check(str(cal.get("VERSION", "")) == "2.0", "VERSION is not 2.0")
    c.check(str(cal.get("PRODID", "")).startswith("-//"), "no PRODID")
    c.check(str(cal.get("METHOD", "")) == method,
            "METHOD is %r, expected %s" % (cal.get("METHOD"), method))
    events = cal.walk("VEVENT")
    if c.check(len(events) == 1, "%d VEVENTs, expected 1" % len(events)):
        check_event(c, raw, events[0], method, int(sequence), attendee)
        check_instant(c, raw, cal, events[0], "DTSTART", int(expected))
        check_instant(c, raw, cal, events[0], "DTEND", None)
    check_vtimezone(c, cal)
    for f in c.failures:
        print("%s: %s" % (path, f), file=sys.stderr)
    return 1 if c.failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as exc:  # a reader that chokes is a failure, not a crash
        print("check_ical.py: %s: %s" % (type(exc).__name__, exc), file=sys.stderr)
        sys.exit(1)
