"""Training invitations by iMIP, answers from calendars and plain words,
updates, late pairs, reminders and cancellation."""
import email
import email.utils
import json
import subprocess

from common import ProgrammeTest, mail, of_kind, reply, text_of, delivered

PEOPLE = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en"),
    ("bea@example.org", "mentee", "Béatrice Roux", "IT", "Software", "fr"),
    ("carl@example.org", "mentor", "Carl Weber", "Physics", "Accelerators", "en"),
    ("dora@example.org", "mentee", "Dora Lang", "Physics", "Accelerators", "en"),
]
LATE = [
    ("emil@example.org", "mentor", "Emil Roth", "HR", "Recruitment", "en"),
    ("fay@example.org", "mentee", "Fay Moss", "HR", "Recruitment", "en"),
]
NOW = "2026-03-02T09:00"

CHECK = r"""
import sys, icalendar, datetime
cal = icalendar.Calendar.from_ical(sys.stdin.read())
ev = [c for c in cal.walk() if c.name == "VEVENT"]
att = ev[0].get("ATTENDEE")
att = att if isinstance(att, list) else [att]
print(str(cal["METHOD"]), len(ev), ev[0]["DTSTART"].dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
      str(ev[0]["UID"]), int(ev[0].get("SEQUENCE", 0)), len(att), str(att[0]).lower(),
      att[0].params.get("RSVP"), str(ev[0].get("STATUS", "")), str(ev[0]["ORGANIZER"]).lower())
"""

TEXTS = r"""
import sys, json, icalendar
ev = [c for c in icalendar.Calendar.from_ical(sys.stdin.read()).walk() if c.name == "VEVENT"][0]
print(json.dumps([str(ev.get("SUMMARY", "")), str(ev.get("DESCRIPTION", ""))]))
"""


def calendar_part(msg):
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def check_ical(part):
    text = part.get_content()
    out = subprocess.run(["/usr/bin/python3", "-c", CHECK], input=text, capture_output=True,
                         text=True, check=True).stdout.split()
    return out


def event_texts(part):
    """SUMMARY and DESCRIPTION of the event, as python-icalendar reads them."""
    out = subprocess.run(["/usr/bin/python3", "-c", TEXTS], input=part.get_content(),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def outlook_reply(uid, attendee, partstat, seq=0):
    cal = (
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\n"
        "BEGIN:VEVENT\r\n"
        f"ATTENDEE;PARTSTAT={partstat};CN=Someone:MAILTO:{attendee.upper()}\r\n"
        f"COMMENT;LANGUAGE=en-US:\\n\r\nUID:{uid}\r\nSEQUENCE:{seq}\r\n"
        "DTSTAMP:20260303T101500Z\r\nSUMMARY;LANGUAGE=en-US:Accepted: training\r\n"
        "X-MICROSOFT-CDO-OWNERAPPTID:-1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    return cal


def calendar_mail(frm, subject, cal, in_reply_to):
    body = ("MIME-Version: 1.0\r\n"
            f"From: {frm}\r\nTo: mentoring@example.org\r\nSubject: {subject}\r\n"
            f"Message-ID: <cal-{abs(hash(cal))}@example.org>\r\nIn-Reply-To: {in_reply_to}\r\n"
            "Date: Tue, 03 Mar 2026 10:15:00 +0000\r\n"
            "Content-Type: multipart/alternative; boundary=b1\r\n\r\n"
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAccepted\r\n"
            "--b1\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n"
            f"{cal}--b1--\r\n")
    return body.encode()


class Training(ProgrammeTest):
    def setUp(self):
        super().setUp()
        self.cli("cohort", "open", "2026", now=NOW)
        self.enrol(PEOPLE + LATE, now=NOW)
        self.pair("anna@example.org", "bea@example.org", now=NOW)
        self.pair("carl@example.org", "dora@example.org", now=NOW)

    def rsvp(self, address):
        db = self.env.db()
        row = db.execute("SELECT r.partstat FROM rsvps r JOIN people p ON p.id = r.person_id"
                         " WHERE p.address = ?", (address,)).fetchone()
        db.close()
        return row[0] if row else None

    def test_invitations_answers_update_reminder_cancel(self):
        env = self.env
        out = self.cli("training", "2026-03-10", "14:00", "90m", "Room 1, Mentoring basics", now=NOW)
        self.assertIn("4 matched people invited", out)
        self.once(now=NOW)
        invitations = {}
        for _, rcpts, msg in delivered(env):
            if msg["X-Mentord-Kind"] == "invitation":
                self.assertEqual(len(rcpts), 1)
                invitations[rcpts[0]] = msg
        self.assertEqual(sorted(invitations), ["anna@example.org", "bea@example.org",
                                               "carl@example.org", "dora@example.org"])
        uids = {}
        for addr, msg in invitations.items():
            self.assertEqual(msg.get_content_type(), "multipart/alternative")
            part = calendar_part(msg)
            self.assertEqual(part.get_param("method"), "REQUEST")
            # the calendar ends with its CRLF, before the delimiter's own
            self.assertTrue(part.get_payload(decode=True).endswith(b"END:VCALENDAR\r\n"))
            method, n, start, uids[addr], seq, n_att, att, rsvp, status, org = check_ical(part)
            self.assertEqual((method, n, start, seq, n_att), ("REQUEST", "1", "2026-03-10T13:00Z", "0", "1"))
            self.assertEqual(att, f"mailto:{addr}")
            self.assertEqual(rsvp, "TRUE")
            self.assertEqual(org, "mailto:mentoring@example.org")
            self.assertNotIn("dora@example.org", msg.as_string() if addr != "dora@example.org" else "")
        self.assertEqual(invitations["bea@example.org"]["Content-Language"], "fr")
        # calendars show the event, not the text: how to answer is in its
        # DESCRIPTION, in the person's language
        summary, description = event_texts(calendar_part(invitations["anna@example.org"]))
        self.assertEqual(summary, "Mentoring basics")
        self.assertIn("Please answer with the Accept or Decline buttons of your calendar", description)
        self.assertIn('reply "yes" or "no" to the invitation message', description)
        summary, description = event_texts(calendar_part(invitations["bea@example.org"]))
        self.assertEqual(summary, "Mentoring basics")
        self.assertIn("Merci de répondre avec les boutons Accepter ou Refuser", description)
        self.assertIn("« oui » ou « non »", description)
        # a calendar wraps DESCRIPTION itself: each paragraph one line
        paragraphs = description.split("\n\n")
        self.assertNotIn("\n", "".join(paragraphs), description)
        self.assertIn("Elle prépare mentors et mentoré·es à leurs premières rencontres, et"
                      " permet de faire connaissance avec les autres binômes et le comité.",
                      paragraphs[0])
        # the calendar part has a file name; the text part says the weekday
        self.assertEqual(calendar_part(invitations["bea@example.org"]).get_filename(), "invite.ics")
        self.assertIn("Date      mardi 2026-03-10", text_of(invitations["bea@example.org"]))
        self.assertIn("Date      Tuesday 2026-03-10", text_of(invitations["anna@example.org"]))
        # each person's invitation has a UID of its own, which an answer
        # must carry: nobody answers for another with the session's
        self.assertEqual(len(set(uids.values())), 4)
        uid = uids["anna@example.org"]

        # answers: an Outlook calendar reply, a plain "no", an unreadable
        # calendar that falls back to its words
        n_sent = len(delivered(env))
        env.dovecot.deliver(calendar_mail("Anna Keller <anna@example.org>", "Accepted: Mentoring basics",
                                          outlook_reply(uid, "anna@example.org", "ACCEPTED"),
                                          invitations["anna@example.org"]["Message-ID"]))
        env.dovecot.deliver(reply(invitations["bea@example.org"], "bea@example.org", "Non, désolée.",
                                  "gmail-fr"))
        env.dovecot.deliver(reply(invitations["carl@example.org"], "carl@example.org", "Maybe!"))
        self.once(now="2026-03-03T10:00")
        self.assertEqual(self.rsvp("anna@example.org"), "ACCEPTED")
        self.assertEqual(self.rsvp("bea@example.org"), "DECLINED")
        self.assertEqual(self.rsvp("carl@example.org"), "TENTATIVE")
        self.assertEqual(self.rsvp("dora@example.org"), "NEEDS-ACTION")
        self.assertEqual(len(delivered(env)), n_sent, "answers are never answered")
        # an older calendar answer does not overwrite a newer one
        env.dovecot.deliver(calendar_mail("anna@example.org", "Declined",
                                          outlook_reply(uid, "anna@example.org", "DECLINED", seq=0).replace(
                                              "20260303T101500Z", "20260301T090000Z"),
                                          invitations["anna@example.org"]["Message-ID"]))
        self.once(now="2026-03-03T11:00")
        self.assertEqual(self.rsvp("anna@example.org"), "ACCEPTED")

        # a pair made after the invitation is invited too
        self.pair("emil@example.org", "fay@example.org", now="2026-03-04T09:00")
        self.once(now="2026-03-04T09:00")
        self.assertEqual(len(of_kind(env, "invitation", "emil@example.org")), 1)
        self.assertEqual(len(of_kind(env, "invitation", "fay@example.org")), 1)

        # an update keeps the UID and raises SEQUENCE, for everyone invited
        out = self.cli("training", "update", "2026-03-10", "15:00", "2h", "Room 2, Mentoring basics",
                       now="2026-03-05T09:00")
        self.once(now="2026-03-05T09:00")
        updates = of_kind(env, "invitation-update")
        self.assertEqual(len(updates), 6)
        method, n, start, uid2, seq, *_ = check_ical(calendar_part(updates[0]))
        self.assertEqual((method, start, uid2, seq),
                         ("REQUEST", "2026-03-10T14:00Z", uids[email.utils.parseaddr(updates[0]["To"])[1]], "1"))

        # answers after the update (sent 2026-03-05 09:00, Zurich time): the
        # answers to the first version no longer count; Anna answers the
        # update from her calendar, Dora says "yes" to the first invitation
        # after the update reached her, Emil before it did
        env.dovecot.deliver(calendar_mail("anna@example.org", "Accepted: Mentoring basics",
                                          outlook_reply(uid, "anna@example.org", "ACCEPTED", seq=1)
                                          .replace("20260303T101500Z", "20260305T101500Z"),
                                          invitations["anna@example.org"]["Message-ID"]))
        env.dovecot.deliver(reply(invitations["dora@example.org"], "dora@example.org", "Yes!",
                                  extra_headers={"Date": "Thu, 05 Mar 2026 10:00:00 +0100"}))
        first = of_kind(env, "invitation", "emil@example.org")[0]
        env.dovecot.deliver(reply(first, "emil@example.org", "Yes, thanks",
                                  extra_headers={"Date": "Thu, 05 Mar 2026 08:30:00 +0100"}))
        r = self.once(now="2026-03-05T11:00")
        self.assertIn("calendar answer recorded (ACCEPTED, sequence 1)", r.stderr)
        self.assertIn("answer to the invitation recorded (ACCEPTED)", r.stderr)
        self.assertIn("written before the update reached them, recorded as stale, not counted"
                      " (ACCEPTED)", r.stderr)

        # the day before: a reminder to all but the one who declined
        self.once(now="2026-03-09T16:00")
        reminded = sorted(r[0] for _, r, m in delivered(env) if m["X-Mentord-Kind"] == "training-reminder")
        self.assertEqual(reminded, ["anna@example.org", "carl@example.org", "dora@example.org",
                                    "emil@example.org", "fay@example.org"])
        self.once(now="2026-03-09T18:00")
        self.assertEqual(len(of_kind(env, "training-reminder")), 5, "a reminder is sent once")

        # the committee sees the tally, and who answered an earlier version
        out = self.cli("status", now="2026-03-09T18:00")
        self.assertIn("  session 1: Mentoring basics, 2026-03-10 15:00\n"
                      "    accepted 2, declined 0, tentative 0, no answer 4\n"
                      "    not counted, 3 answered an earlier version only:\n", out)
        for who, what in (("Béatrice Roux", "declined"), ("Carl Weber", "tentative"),
                          ("Emil Roth", "accepted")):
            self.assertRegex(out, f"\n      {who} +{what}\n")

        # cancel: METHOD:CANCEL, same UID, higher SEQUENCE
        self.cli("training", "cancel", now="2026-03-09T19:00")
        self.once(now="2026-03-09T19:00")
        cancels = of_kind(env, "invitation-cancel")
        self.assertEqual(len(cancels), 6)
        part = calendar_part(cancels[0])
        self.assertEqual(part.get_param("method"), "CANCEL")
        method, n, start, uid3, seq, n_att, att, rsvp, status, org = check_ical(part)
        self.assertEqual((method, uid3, seq, status),
                         ("CANCEL", uids[email.utils.parseaddr(cancels[0]["To"])[1]], "2", "CANCELLED"))
        self.assertEqual(rsvp, "None", "a CANCEL asks for no answer (RFC 5546 3.2.5)")

        # Thunderbird's answer to the first version, after the cancellation:
        # stale, and nothing counts for a cancelled session
        env.dovecot.deliver(calendar_mail("dora@example.org", "Accepted: Mentoring basics",
                                          outlook_reply(uids["dora@example.org"], "dora@example.org", "ACCEPTED", seq=0)
                                          .replace("20260303T101500Z", "20260309T193000Z"),
                                          invitations["dora@example.org"]["Message-ID"]))
        r = self.once(now="2026-03-09T20:00")
        self.assertIn("calendar answer recorded as stale, not counted (ACCEPTED, sequence 0;"
                      " the training is cancelled)", r.stderr)
        out = self.cli("status", now="2026-03-09T20:00")
        self.assertIn("  session 1: Mentoring basics, 2026-03-10 15:00 (cancelled)\n"
                      "    cancelled: no answer counts\n", out)
        self.assertNotIn("accepted", out.split("Training\n")[1].split("\n\n")[0])
