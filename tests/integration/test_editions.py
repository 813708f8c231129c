"""Two editions of the programme walked with --now, every message counted
at the SMTP server, phase by phase.

Edition 2026: applications, pairs and a waitlist, a training, check-ins,
cases, a pair ended early, feedback answered in English and French and in
several shapes (numbered, in order, named), an out-of-office that counts as
no answer, one reminder to the silent, the edition report mailed by itself
when the feedback period ends (its figures checked against what was played,
and searched for every name, address and case text), retention.

Edition 2027: the call for participants to those who said they would come
back and to the waitlist, an erased person never written to, an application
carried over by replying yes and one declined, matching that never proposes
a pair of 2026 again and ranks the carried-over mentee first, the digest's
comparison with 2026; after retention of 2026, its report still counts."""
import collections
import csv
import datetime
import io
import os
import re
import subprocess
import tempfile

from common import DKIM_OK, ProgrammeTest, delivered, form, mail, reply, text_of

MENTORS = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en"),
    ("zoe@example.org", "mentor", "Zoé Girard", "IT", "Data", "en"),
    ("carl@example.org", "mentor", "Carl Weber", "Physics", "Accelerators", "en"),
    ("ines@example.org", "mentor", "Inès Moreau", "Physics", "Optics", "fr"),
    ("marc@example.org", "mentor", "Marc Dubois", "RH", "Droit", "fr"),
]
MENTEES = [
    ("bea@example.org", "mentee", "Béatrice Roux", "IT", "Software", "fr"),
    ("sam@example.org", "mentee", "Sam Porter", "IT", "Data", "en"),
    ("dora@example.org", "mentee", "Dora Lang", "Physics", "Accelerators", "en"),
    ("noe@example.org", "mentee", "Noé Lefort", "Physics", "Lasers", "fr"),
    ("lea@example.org", "mentee", "Léa Martin", "RH", "Droit", "fr"),
    ("kim@example.org", "mentee", "Kim Adler", "Finance", "Accounting", "en"),
    ("tom@example.org", "mentee", "Tom Bernard", "Finance", "Accounting", "fr"),
]
PEOPLE = MENTORS + MENTEES
COMMITTEE = {"chair@example.org", "vice@example.org"}
SECRETS = ["SECRET-PROBLEM-5501", "SECRET-ISSUE-5502", "SECRET-ISSUE-5503"]
START = datetime.datetime(2026, 3, 2, 9, 0)   # a Monday


def at(day, hour=9):
    return (START + datetime.timedelta(days=day, hours=hour - 9)).isoformat(timespec="minutes")


class Digests:
    """When the weekly digest goes: the latest Monday 08:00 at or before a
    run, once, from the first run on (DESIGN.md 3.6)."""

    def __init__(self):
        self.since = None
        self.last = None

    def run(self, day, hour=9):
        t = START + datetime.timedelta(days=day, hours=hour - 9)
        if self.since is None:
            self.since = t
        slot = datetime.datetime.combine(t.date() - datetime.timedelta(days=t.weekday()),
                                         datetime.time(8, 0))
        if slot > t:
            slot -= datetime.timedelta(days=7)
        if slot < self.since or slot == self.last:
            return 0
        self.last = slot
        return 1


class Editions(ProgrammeTest):
    extra_config = """committee.authserv_id = mx.example.org
programme.retention_days = 200"""

    def setUp(self):
        super().setUp()
        self.seen = 0
        self.digests = Digests()
        self.expected_digests = 0

    def run_once(self, day, hour=9):
        self.expected_digests += self.digests.run(day, hour)
        return self.once(now=at(day, hour))

    def deliver_at(self, day, *messages, hour=9):
        for m in messages:
            self.env.dovecot.deliver(m)
        return self.run_once(day, hour)

    def phase(self, what, **want):
        """The messages received since the last phase, by kind, must be
        exactly want (digests as the clock says); returns them."""
        msgs = delivered(self.env)[self.seen:]
        self.seen += len(msgs)
        want = {k.replace("_", "-"): v for k, v in want.items() if v}
        if self.expected_digests:
            want["digest"] = want.get("digest", 0) + self.expected_digests
        self.expected_digests = 0
        got = collections.Counter(m["X-Mentord-Kind"] for _, _, m in msgs)
        self.assertEqual(dict(got), want, what)
        return msgs

    def to(self, msgs, kind, address):
        found = [m for _, r, m in msgs if m["X-Mentord-Kind"] == kind and address in r]
        self.assertEqual(len(found), 1, f"{kind} to {address}")
        return found[0]

    def latest_to(self, kind, address):
        found = [m for _, r, m in delivered(self.env) if m["X-Mentord-Kind"] == kind and address in r]
        self.assertTrue(found, f"no {kind} to {address}")
        return found[-1]

    def pair_id(self, mentor):
        db = self.env.db()
        try:
            return db.execute("SELECT p.id FROM pairs p JOIN applications a ON a.id = p.mentor_app"
                              " JOIN people pe ON pe.id = a.person_id WHERE pe.address = ?"
                              " AND p.status = 'active'", (mentor,)).fetchone()[0]
        finally:
            db.close()

    def check_nobody(self, text, what):
        for address, _, name, *_ in PEOPLE + [("uma@example.org", "", "Uma Stein"),
                                               ("fin@example.org", "", "Finn Olsen")]:
            self.assertNotIn(address.split("@")[0] + "@", text, what)
            for part in name.split():
                self.assertNotIn(part, text, f"{what} names {part}")
        for secret in SECRETS:
            self.assertNotIn(secret, text, what)
        self.assertNotIn("rude", text, what)
        for line in text.splitlines():
            self.assertLessEqual(len(line), 78, f"{what}: {line!r}")

    def enrol_at(self, day, people):
        """Each applies, then confirms by replying, through run_once."""
        self.deliver_at(day, *[mail(f"{n} <{a}>", "apply", form(r, n, d, f, l)) for a, r, n, d, f, l in people])
        self.deliver_at(day, *[reply(self.latest_to("confirm-request", a), a, "yes" if l == "en" else "oui")
                               for a, *_, l in people])

    def test_two_editions(self):
        self.edition_2026()
        self.edition_2027()

    # ---- 2026 ----

    def edition_2026(self):
        self.cli("cohort", "open", "2026", now=at(0))
        self.enrol_at(0, PEOPLE)
        self.phase("applications and their confirmations", confirm_request=12, confirmed=12)

        out = self.cli("match", now=at(0))
        self.assertIn("a proposal of 5 pairs", out)
        out = self.cli("approve", "all", now=at(0))
        self.assertIn("waitlist: 2 applicant(s)", out)
        self.run_once(0)
        msgs = self.phase("pairs", proposal=1, introduction=5, waitlist=2)
        self.to(msgs, "waitlist", "kim@example.org")

        self.cli("training", "2026-03-20", "14:00", "90m", "Room", "1,", "Training", "for", "pairs", now=at(1))
        self.phase("nothing queued is sent before the next run")
        self.run_once(1)
        self.phase("training invitations", invitation=10)
        invitations = {a: self.latest_to("invitation", a) for a, *_ in PEOPLE[:10]}
        self.deliver_at(2, *[reply(invitations[a], a, word) for a, word in
                             [("anna@example.org", "yes"), ("bea@example.org", "oui"),
                              ("carl@example.org", "Yes, I will come"), ("dora@example.org", "yes"),
                              ("marc@example.org", "non")]])
        self.phase("answers to the invitation are recorded, not answered")

        self.run_once(7)
        self.phase("first Monday")
        self.run_once(14)
        self.phase("first check-ins", checkin=10)
        checkins = {a: self.latest_to("checkin", a) for a, *_ in PEOPLE[:10]}
        lea = checkins["lea@example.org"]
        self.deliver_at(15, reply(checkins["anna@example.org"], "anna@example.org", "met"),
                        reply(checkins["bea@example.org"], "bea@example.org", "rencontrés", "gmail-fr"),
                        reply(checkins["carl@example.org"], "carl@example.org", "met", "outlook"),
                        reply(checkins["dora@example.org"], "dora@example.org", "ok", "apple"),
                        reply(checkins["ines@example.org"], "ines@example.org", "rencontré", "outlook-fr"),
                        reply(checkins["zoe@example.org"], "zoe@example.org", "pause"),
                        reply(checkins["marc@example.org"], "marc@example.org",
                              f"problème : {SECRETS[0]} mon binôme est rude", "gmail-fr"),
                        mail("lea@example.org", "Réponse automatique : " + lea["Subject"],
                             "Je suis absente jusqu'au 1er avril.",
                             headers={"Auto-Submitted": "auto-replied", "In-Reply-To": lea["Message-ID"]}))
        self.phase("check-in answers; a fit check where a pair met", issue_ack=1, issue_notice=1,
                   fit_check=6)
        self.run_once(18)
        self.phase("the day before the training", training_reminder=9)
        self.cli("close", "1", now=at(20))
        self.run_once(24)
        msgs = self.phase("a nudge to the silent, the out-of-office included", checkin_nudge=3)
        self.assertEqual(sorted(r[0] for _, r, m in msgs if m["X-Mentord-Kind"] == "checkin-nudge"),
                         ["lea@example.org", "noe@example.org", "sam@example.org"])
        self.deliver_at(30, mail("Dora Lang <dora@example.org>", "issue", f"{SECRETS[1]} a question"))
        self.phase("a case; four weeks in, the fit check of the pairs that did not say they met",
                   issue_ack=1, issue_notice=1, fit_check=4)
        self.cli("close", "2", now=at(34))
        self.run_once(34)
        self.phase("nothing")
        self.deliver_at(40, mail("Kim Adler <kim@example.org>", "issue", f"{SECRETS[2]} waiting"))
        self.phase("a case from the waitlist", issue_ack=1, issue_notice=1)
        self.cli("close", "3", now=at(50))
        out = self.cli("unpair", str(self.pair_id("zoe@example.org")), "moved", "away", now=at(55))
        self.assertIn("both were told", out)
        self.run_once(55)
        self.phase("a pair ended early", withdrawn=2)

        # the end of the programme: the latest check-in due, then feedback
        self.run_once(184)
        self.phase("the end of the programme", checkin=8, feedback=8)
        fb = {a: self.latest_to("feedback", a) for a, *_ in PEOPLE[:10] if a not in ("zoe@example.org", "sam@example.org")}
        self.assertEqual(fb["bea@example.org"]["Content-Language"], "fr")
        self.assertIn("1. Usefulness, from 1 (not useful) to 5 (very useful):", text_of(fb["anna@example.org"]))
        self.deliver_at(
            185,
            reply(fb["anna@example.org"], "anna@example.org", "1. 5\n2. every two weeks\n3. yes\n"
                  "4. yes, as a mentor\n5. It made me a better listener.\n6. yes"),
            reply(fb["bea@example.org"], "bea@example.org", "1. 4\n2. toutes les deux semaines\n"
                  "3. oui\n4. oui, comme mentor\n5. Merci Anna pour tout !\n6. oui", "gmail-fr"),
            reply(fb["carl@example.org"], "carl@example.org", "4\nmonthly\nno\nno", "outlook"),
            reply(fb["dora@example.org"], "dora@example.org", "5 - very useful\nevery week\nyes\n"
                  "yes, as a mentor", "apple"),
            reply(fb["ines@example.org"], "ines@example.org", "Utilité : 4\nRencontres : une fois par mois\n"
                  "Continuerez : peut-être\nParticiperiez : oui, comme mentor ou mentorée", "outlook-fr"),
            reply(fb["noe@example.org"], "noe@example.org", "1) 3/5\n2) rarement\n4) non\n"
                  "5) Une année riche.\n6) non", "gmail-fr"),
            mail("marc@example.org", "Réponse automatique : " + fb["marc@example.org"]["Subject"],
                 "Je suis absent.", headers={"Auto-Submitted": "auto-replied",
                                             "In-Reply-To": fb["marc@example.org"]["Message-ID"]}))
        msgs = self.phase("feedback answers, to the committee", feedback=6)
        for _, rcpts, m in msgs:
            self.assertEqual(set(rcpts), COMMITTEE)
        noe = [m for _, _, m in msgs if m["Reply-To"] == "noe@example.org"][0]
        self.assertIn("1. usefulness: 3 of 5", text_of(noe))
        carl = [m for _, _, m in msgs if m["Reply-To"] == "carl@example.org"][0]
        self.assertIn("2. how often they met: monthly", text_of(carl))
        self.run_once(194)
        msgs = self.phase("one reminder to the silent and the out-of-office", checkin_nudge=8,
                          feedback_nudge=2)
        self.assertEqual(sorted(r[0] for _, r, m in msgs if m["X-Mentord-Kind"] == "feedback-nudge"),
                         ["lea@example.org", "marc@example.org"])
        self.run_once(200)
        self.phase("no second reminder")

        # the feedback period ends 21 days after the requests
        self.run_once(205)
        msgs = self.phase("the edition report, by itself", report=1)
        report = msgs[0][2]
        self.assertEqual(set(msgs[0][1]), COMMITTEE)
        self.check_report(report)
        self.run_once(206)
        self.phase("the report once")

        out = self.cli("cohort", "close", now=at(210))
        self.assertIn("closed", out)
        self.run_once(210)
        self.phase("cohort closed: everybody was asked already")

    def check_report(self, msg):
        self.assertEqual(msg.get_content_type(), "multipart/mixed")
        text = text_of(msg).replace("\r\n", "\n")
        attachment = [p for p in msg.iter_attachments()][0]
        self.assertEqual(attachment.get_filename(), "report-2026.csv")
        self.assertEqual(attachment.get_content_type(), "text/csv")
        table = attachment.get_content()
        self.check_nobody(text, "report text")
        self.check_nobody(table, "report CSV")
        got = {(row[0], row[1]): row[2] for row in csv.reader(io.StringIO(table))}
        few = "fewer than 3"
        # a total, a mean or a share that would let a count under 3 be
        # worked out is hidden too
        hidden = "hidden"
        want = {
            ("applications", "volunteered or applied (mentors)"): "5",
            ("applications", "volunteered or applied (mentees)"): "7",
            ("applications", "confirmed (total)"): "12",
            ("applications", "waitlisted (mentees)"): few,
            ("applications", "waitlisted (mentors)"): "0",
            ("pairs", "pairs formed"): "5",
            ("pairs", "sharing a department"): "5",
            ("pairs", "sharing a department (share)"): "100%",
            ("pairs", "sharing a field"): "4",
            ("pairs", "sharing a field (share)"): "80%",
            ("pairs", "reported having met, at a check-in"): "3",
            ("pairs", "reported having met, at a check-in (share)"): "60%",
            ("pairs", "took a pause"): few,
            ("pairs", "ended early"): few,
            ("pairs", "going on after the programme"): few,
            ("training", "invited (2026-03-20)"): hidden,
            ("training", "accepted (2026-03-20)"): "4",
            ("training", "declined (2026-03-20)"): few,
            ("training", "did not answer (2026-03-20)"): "5",
            ("cases", "opened"): "3",
            ("cases", "closed"): "3",
            ("cases", "median days to close"): "5.0",
            ("feedback", "asked"): "8",
            ("feedback", "answered"): "6",
            ("feedback", "answered (share)"): "75%",
            ("feedback", "usefulness 5, very useful"): few,
            ("feedback", "usefulness 4"): "3",
            ("feedback", "usefulness 4 (share)"): "-",
            ("feedback", "usefulness 3"): few,
            ("feedback", "mean usefulness, of 5"): hidden,
            ("feedback", "said how often they met"): hidden,
            ("feedback", "every two weeks"): few,
            ("feedback", "willing to take part again"): hidden,
            ("feedback", "as a mentor"): "3",
            ("feedback", "in either role"): few,
            ("quotes", "allowed by their authors, shown"): few,
            ("quotes", "allowed, withheld: naming someone"): few,
        }
        for key, value in want.items():
            self.assertEqual(got.get(key), value, key)
        # the text shows the same figures, and the one quote allowed
        self.assertRegex(text, r"(?m)^  sharing a field +4 +80%$")
        self.assertRegex(text, r"(?m)^  mean usefulness, of 5 +hidden$")
        self.assertRegex(text, r"(?m)^  waitlisted +0 +fewer than 3 +fewer than 3$")
        self.assertIn('"It made me a better listener."', text)
        self.assertNotIn("Une année riche", text)
        # beside the CSV, the same figures drawn in a PDF
        pdf = [p for p in msg.iter_attachments()][1]
        self.assertEqual(pdf.get_filename(), "report-2026.pdf")
        self.assertEqual(pdf.get_content_type(), "application/pdf")
        self.check_pdf(pdf.get_content(), table, "the mailed PDF")
        self.assertIn("It made me a better listener.", self.pdf_text)

    def check_pdf(self, data, table, what):
        """A4, one or two pages, rendering; every figure in its text is the
        CSV's, and the CSV's charted figures are in it; nobody named."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "report.pdf")
            with open(path, "wb") as f:
                f.write(data)
            info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
            self.assertRegex(info, r"(?m)^Page size: +595\.276 x 841\.89 pts \(A4\)$", what)
            pages = int(re.search(r"(?m)^Pages: +(\d+)$", info).group(1))
            self.assertIn(pages, (1, 2), what)
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True,
                                  text=True, check=True).stdout
            subprocess.run(["pdftoppm", "-png", "-r", "30", path, os.path.join(tmp, "page")],
                           check=True)
            self.assertEqual(len([n for n in os.listdir(tmp) if n.endswith(".png")]), pages)
        self.pdf_text = text
        for address, _, name, *_ in PEOPLE:
            self.assertNotIn(address.split("@")[0] + "@", text, what)
            for part in name.split():
                self.assertIsNone(re.search(r"\b%s\b" % re.escape(part), text), f"{what} names {part}")
        for secret in SECRETS:
            self.assertNotIn(secret, text, what)
        self.assertNotIn("rude", text, what)
        self.assertNotIn("@", text, what)
        rows = list(csv.reader(io.StringIO(table)))
        values = {row[2] for row in rows[1:]}
        # the words around figures: dates, the cohort, "fewer than 3", "of 5", pages
        figures = re.sub(r"Counts of 1 or 2|usefulness \d|\d{4}-\d\d-\d\d|cohort \d{4}|fewer than 3|of 5\b|page \d|^\d{4}$", " ",
                         text, flags=re.M)
        shown = set(re.findall(r"(?<![\w.])\d+(?:\.\d)?%?(?![\w.])", figures))
        self.assertTrue(shown, what)
        for figure in shown:
            self.assertIn(figure, values, f"{what}: {figure} is no figure of the CSV")
        charted = ["volunteered or applied", "confirmed", "waitlisted", "pairs formed",
                   "answering a check-in", "reported having met, at a check-in", "took a pause",
                   "usefulness 5, very useful", "usefulness 4", "as a mentor", "accepted"]
        for row in rows[1:]:
            if row[0] in ("applications", "pairs", "training", "feedback") and \
                    any(row[1].startswith(c) for c in charted) and "(share)" not in row[1] \
                    and "(total)" not in row[1]:
                value = row[2] if row[2] != "-" else None
                if value is not None and value[0].isdigit():
                    self.assertIn(value, shown, f"{what}: {row[1]} = {value} not drawn")
                elif value is not None:
                    self.assertIn(value, text, f"{what}: {row[1]} = {value} not written")

    # ---- 2027 ----

    def edition_2027(self):
        env = self.env
        # an erased person is never written to again
        self.assertIn("erased", self.cli("forget", "ines@example.org", now=at(360)))
        self.deliver_at(364, mail("Chair <chair@example.org>", "cohort open 2027 --announce",
                                  headers=DKIM_OK))
        msgs = self.phase("the call for participants", command_result=1, announcement=3,
                          carry_over=2)
        # (the result's lines are wrapped under themselves)
        result = " ".join(text_of(self.to(msgs, "command-result", "chair@example.org")).split())
        self.assertIn("announce: the call for cohort 2027 went to 3 past participant(s)", result)
        self.assertIn("and to 2 waitlisted applicant(s) of cohort 2026", result)
        called = sorted(r[0] for _, r, m in msgs if m["X-Mentord-Kind"] in ("announcement", "carry-over"))
        self.assertEqual(called, ["anna@example.org", "bea@example.org", "dora@example.org",
                                  "kim@example.org", "tom@example.org"])
        bea = self.to(msgs, "announcement", "bea@example.org")
        self.assertEqual(bea["Content-Language"], "fr")
        self.assertIn("(comme mentor)", text_of(bea))
        tom = self.to(msgs, "carry-over", "tom@example.org")
        self.assertEqual(tom["Content-Language"], "fr")
        kim = self.to(msgs, "carry-over", "kim@example.org")
        self.assertIn("Field: Accounting", text_of(kim))

        # a newcomer applies first; then the carried-over applicant says yes
        uma = ("uma@example.org", "mentee", "Uma Stein", "Finance", "Accounting", "en")
        self.enrol_at(365, [uma])
        self.phase("a newcomer", confirm_request=1, confirmed=1)
        self.deliver_at(365, reply(kim, "kim@example.org", "yes"),
                        reply(tom, "tom@example.org", "Non merci", "gmail-fr"))
        msgs = self.phase("carried over", confirmed=1)
        self.assertIn("Field: Accounting", text_of(self.to(msgs, "confirmed", "kim@example.org")))
        returning = [("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en"),
                     ("bea@example.org", "mentee", "Béatrice Roux", "IT", "Software", "fr"),
                     ("fin@example.org", "mentor", "Finn Olsen", "Finance", "Accounting", "en")]
        self.enrol_at(365, returning)
        self.phase("returning and new applicants", confirm_request=3, confirmed=3)

        out = self.cli("match", now=at(366))
        self.assertIn("a proposal of 1 pair sent", out)
        self.run_once(366)
        msgs = self.phase("the proposal", proposal=1)
        proposal = text_of(msgs[0][2]).replace("\r\n", "\n")
        self.assertRegex(proposal, r"mentor +Finn Olsen[^\n]*\n[^\n]*\n +mentee +Kim Adler")
        # (the reasons are wrapped under themselves)
        proposal = " ".join(proposal.split())
        self.assertIn("carried over from the waitlist of 2026, ranked before newcomers", proposal)
        self.assertIn("not proposed again with Anna Keller: paired in an earlier cohort", proposal)
        self.assertIn("not proposed again with Béatrice Roux: paired in an earlier cohort", proposal)
        self.assertIn("all suitable mentors are at capacity: Finn Olsen", proposal)
        self.cli("approve", "all", now=at(366))
        self.run_once(366, 10)
        msgs = self.phase("approved", introduction=1, waitlist=3)
        intro = msgs[[m["X-Mentord-Kind"] for _, _, m in msgs].index("introduction")]
        self.assertEqual(sorted(intro[1]), ["fin@example.org", "kim@example.org"])

        # the Monday digest compares the call with 2026's at the same point
        self.run_once(371)
        msgs = self.phase("a digest")
        digest = text_of(msgs[0][2]).replace("\r\n", "\n")
        self.assertIn("Compared with the previous cohort (week 2 of the call)", digest)
        self.assertRegex(digest, r"applications so far +5 \(mentors 2, mentees 3\)")
        self.assertRegex(digest, r"cohort 2026 at the same point +12 \(mentors 5, mentees 7; 12 in all\)")
        self.assertIn("Compared with the previous cohort", self.cli("status", now=at(371)))

        # 2026's personal data goes 200 days after its close; its report stays
        self.run_once(411)
        msgs = self.phase("retention, and the new pair's first check-in and fit check", checkin=2,
                          fit_check=2)
        self.assertEqual(sorted(r[0] for _, r, m in msgs if m["X-Mentord-Kind"] == "checkin"),
                         ["fin@example.org", "kim@example.org"])
        db = env.db()
        try:
            self.assertEqual(db.execute("SELECT status FROM cohorts WHERE name = '2026'").fetchone()[0],
                             "anonymised")
            self.assertEqual(db.execute("SELECT count(*) FROM feedback WHERE quote IS NOT NULL"
                                        " OR text IS NOT NULL").fetchone()[0], 0)
        finally:
            db.close()
        text = self.cli("report", "--cohort", "2026", now=at(411))
        self.check_nobody(text, "report after retention")
        self.assertRegex(text, r"(?m)^  sharing a field +4 +80%$")
        self.assertRegex(text, r"(?m)^  mean usefulness, of 5 +hidden$")
        self.assertRegex(text, r"(?m)^  willing to take part again +hidden +-$")
        self.assertIn("removed with the personal data", text)
        table = self.cli("report", "--cohort", "2026", "--csv", now=at(411))
        got = {(row[0], row[1]): row[2] for row in csv.reader(io.StringIO(table))}
        self.assertEqual(got[("feedback", "answered")], "6")
        self.assertEqual(got[("cases", "median days to close")], "5.0")
        # 2027's report holds the programme across editions: 2026 as its
        # own report shows it, after retention too
        table = self.cli("report", "--cohort", "2027", "--csv", now=at(411))
        across = {row[1]: row[2] for row in csv.reader(io.StringIO(table))
                  if row[0] == "across editions"}
        own = {
            "mentors applied": ("applications", "volunteered or applied (mentors)"),
            "mentees applied": ("applications", "volunteered or applied (mentees)"),
            "pairs formed": ("pairs", "pairs formed"),
            "pairs sharing a department": ("pairs", "sharing a department (share)"),
            "pairs sharing a field": ("pairs", "sharing a field (share)"),
            "training invitations accepted": ("training", "accepted (2026-03-20)"),
            "mean usefulness, of 5": ("feedback", "mean usefulness, of 5"),
            "willing to take part again": ("feedback", "willing to take part again"),
            "carried over from a waitlist": ("applications", "carried over from a waitlist (total)"),
        }
        for figure, key in own.items():
            self.assertEqual(across[figure + " (2026)"], got[key], figure)
        # the PDF: the same bytes from the same data and date
        with tempfile.TemporaryDirectory() as tmp:
            files = [os.path.join(tmp, n) for n in ("a.pdf", "b.pdf")]
            for name in files:
                self.cli("report", "--cohort", "2027", "--pdf", name, now=at(411))
            data = [open(name, "rb").read() for name in files]
        self.assertEqual(data[0], data[1])
        self.check_pdf(data[0], table, "report --pdf")
        self.assertIn("The programme across editions", self.pdf_text)
        self.assertEqual(across["mentors applied (2027)"], "fewer than 3")
        self.assertEqual(across["mentees applied (2027)"], "3")
        self.assertEqual(across["carried over from a waitlist (2027)"], "fewer than 3")
        self.assertEqual(across["pairs formed (2027)"], "fewer than 3")
        # nothing confided reached anyone outside the committee
        for _, rcpts, m in delivered(env):
            for secret in SECRETS:
                if secret in m.as_string():
                    self.assertTrue(set(rcpts) <= COMMITTEE, (m["X-Mentord-Kind"], rcpts))
