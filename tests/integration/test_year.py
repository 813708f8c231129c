"""A whole programme year walked with --now: check-ins, answers, nudges,
a problem report, weekly digests, feedback, cohort close and retention.
Every message is counted at the SMTP server, and nothing a participant
confided reaches anyone but the committee."""
import datetime
import re

from common import ProgrammeTest, mail, of_kind, reply, text_of, delivered

PEOPLE = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en"),
    ("bea@example.org", "mentee", "Béatrice Roux", "IT", "Software", "fr"),
    ("carl@example.org", "mentor", "Carl Weber", "Physics", "Accelerators", "en"),
    ("dora@example.org", "mentee", "Dora Lang", "Physics", "Accelerators", "en"),
]
COMMITTEE = {"chair@example.org", "vice@example.org"}
SECRET = "SECRET-7731"


def at(day, hour=9):
    d = datetime.date(2026, 3, 2) + datetime.timedelta(days=day)
    return f"{d.isoformat()}T{hour:02d}:00"


class Year(ProgrammeTest):
    extra_config = """committee.authserv_id = mx.example.org
programme.retention_days = 30"""

    def count(self, kind):
        return len(of_kind(self.env, kind))

    def test_programme_year(self):
        env = self.env
        self.cli("cohort", "open", "2026", now=at(0))
        self.enrol(PEOPLE, now=at(0))
        self.pair("anna@example.org", "bea@example.org", now=at(0))
        self.pair("carl@example.org", "dora@example.org", now=at(0))
        self.once(now=at(0))
        self.assertEqual(self.count("introduction"), 2)
        self.assertEqual(self.count("digest"), 0, "no digest before the first Monday slot")

        # day 7 is a Monday: the first weekly digest, to the members only
        self.once(now=at(7))
        self.assertEqual(self.count("digest"), 1)
        self.once(now=at(7, 10))
        self.assertEqual(self.count("digest"), 1, "once per week whatever the runs")
        self.assertEqual(self.count("checkin"), 0)

        # day 14: the first check-in, to each person individually
        self.once(now=at(14))
        first = {}
        for _, rcpts, msg in delivered(env):
            if msg["X-Mentord-Kind"] == "checkin":
                self.assertEqual(len(rcpts), 1)
                first[rcpts[0]] = msg
        self.assertEqual(sorted(first), sorted(p[0] for p in PEOPLE))
        self.assertEqual(first["bea@example.org"]["Content-Language"], "fr")
        self.once(now=at(14, 12))
        self.assertEqual(self.count("checkin"), 4, "a check-in is sent once")

        # answers: ok, a problem (confidential), an out-of-office, silence
        env.dovecot.deliver(reply(first["anna@example.org"], "anna@example.org", "ok"))
        env.dovecot.deliver(reply(first["bea@example.org"], "bea@example.org",
                                  f"problème : mon mentor ne répond jamais ({SECRET})", "gmail-fr"))
        env.dovecot.deliver(mail("carl@example.org", "Automatic reply: " + first["carl@example.org"]["Subject"],
                                 "I am out of the office until April.",
                                 headers={"Auto-Submitted": "auto-replied",
                                          "In-Reply-To": first["carl@example.org"]["Message-ID"]}))
        self.once(now=at(15))
        ack = self.latest("issue-ack", "bea@example.org")
        self.assertNotIn(SECRET, ack.as_string())
        notice = self.latest("issue-notice", "chair@example.org")
        self.assertIn(SECRET, text_of(notice))
        self.assertEqual(notice["Reply-To"], "bea@example.org")

        # ten days later: one nudge to each silent person (the
        # out-of-office is not an answer)
        self.once(now=at(24, 10))
        nudged = sorted(r[0] for _, r, m in delivered(env) if m["X-Mentord-Kind"] == "checkin-nudge")
        self.assertEqual(nudged, ["carl@example.org", "dora@example.org"])
        self.once(now=at(25))
        self.assertEqual(self.count("checkin-nudge"), 2)

        # still silent: flagged in the next digest (day 35 is a Monday)
        self.once(now=at(28))
        self.once(now=at(35))
        digest = text_of(of_kind(env, "digest")[-1])
        self.assertIn("no answer from Carl Weber", digest)
        self.assertIn("no answer from Dora Lang", digest)
        self.assertRegex(digest, r"(?m)^\s+1\s+2026-03-17\s+19 d\s+open")
        self.assertNotIn(SECRET, digest)

        # weekly until the end of the programme (six months)
        for day in range(42, 190, 7):
            self.once(now=at(day))
        self.assertEqual(self.count("checkin"), 20, "check-ins at days 14, 56, 98, 140, 182")
        self.assertEqual(self.count("feedback"), 4)
        mondays = len(range(7, 190, 7))
        self.assertEqual(self.count("digest"), mondays)

        # a feedback answer reaches the committee
        fb = self.latest("feedback", "anna@example.org")
        self.deliver(reply(fb, "anna@example.org", "It was great, thank you."), now=at(190))
        got = [m for _, r, m in delivered(env) if m["X-Mentord-Kind"] == "feedback"
               and set(r) == COMMITTEE]
        self.assertEqual(len(got), 1)
        self.assertIn("It was great", text_of(got[0]))

        # cohort close: pairs end, nobody asked twice; retention 30 days on
        out = self.cli("cohort", "close", now=at(195))
        self.assertIn("closed", out)
        self.once(now=at(195))
        self.assertEqual(self.count("feedback"), 5)
        before = len(delivered(env))
        self.once(now=at(224))
        export = self.cli("export", "--format", "csv", now=at(224))
        self.assertIn("Anna Keller", export)
        self.once(now=at(226))
        export = self.cli("export", "--format", "csv", now=at(226))
        for name in ("Anna", "Béatrice", "Carl", "Dora", "anna@", "bea@"):
            self.assertNotIn(name, export)
        self.assertEqual(export.count("\n"), 5, "four applications still counted")
        db = env.db()
        self.assertIsNone(db.execute("SELECT text FROM cases").fetchone()[0])
        db.close()

        # nothing confided went to anyone outside the committee
        for _, rcpts, msg in delivered(env):
            if SECRET in msg.as_string():
                self.assertTrue(set(rcpts) <= COMMITTEE, (msg["X-Mentord-Kind"], rcpts))
        r = env.run("once", now=at(227))
        self.assertNotIn(SECRET, r.stderr)

        # in a list of mail at 80 columns (mutt shows about 40 characters
        # of a subject) each message says what it is: the programme comes
        # after, and a confirmation token last
        for _, rcpts, msg in delivered(env):
            subject = str(msg["Subject"])
            self.assertFalse(subject.startswith("WIT"), subject)
            self.assertIn(" – WIT Mentoring", subject)
            self.assertRegex(subject, r"(– WIT Mentoring|\[MT-[A-Z0-9]{4}-[A-Z0-9]{4}\])$")
        # the reminders say when the question was asked
        nudge = self.latest("checkin-nudge", "dora@example.org")
        self.assertIn("On 20 July, we asked how your mentoring with Carl Weber is going.",
                      " ".join(text_of(nudge).split()))


class LongDigest(ProgrammeTest):
    """Every list in the digest stops at 200 rows and says how many more
    there are: the committee is never shown a silently shortened list."""

    def test_long_lists_say_how_many_more(self):
        self.cli("cohort", "open", "2026", now=at(0))
        db = self.env.db()
        try:
            db.executemany("INSERT INTO cases(text, status, opened_at) VALUES (?, 'open', ?)",
                           [(f"{SECRET} {i}", 1772442000 + i) for i in range(203)])
            db.executemany("INSERT INTO people(address, bouncing, created_at) VALUES (?, 1, ?)",
                           [(f"gone{i}@example.com", 1772442000) for i in range(205)])
            db.commit()
        finally:
            db.close()
        self.cli("digest", now=at(1))
        self.once(now=at(1))
        digest = text_of(of_kind(self.env, "digest")[-1]).replace("\r\n", "\n")
        cases = digest.split("Open cases")[1].split("\n\n")[0]
        self.assertEqual(len(re.findall(r"(?m)^\s+\d+\s+2026-03-0\d\s+\d+ d\s+open$", cases)), 200)
        self.assertIn("... and 3 more", cases)
        bouncing = digest.split("Bouncing addresses")[1].split("\n\n")[0]
        self.assertEqual(bouncing.count("@example.com"), 200)
        self.assertIn("... and 5 more", bouncing)
        self.assertNotIn(SECRET, digest)
