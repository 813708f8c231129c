"""Mentees choose among anonymous mentor profiles, played against Dovecot
and a real SMTP server with --now, every message counted at the server:
the committee's `profiles`, choices replied from several mail clients in
English and French (one refused, one changed, one too late), the digest's
view, then `match` following the choices and `approve`. Nothing a mentee
receives names a mentor or gives an address."""
import collections
import datetime

from common import ProgrammeTest, delivered, form, mail, reply, text_of

MENTORS = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en",
     "About: Twenty years of software; Sam Porter knows me.\nTopics: leadership\n"),
    ("ines@example.org", "mentor", "Inès Moreau", "Physics", "Optics", "fr",
     "About: Physicienne, j'aime transmettre.\n"),
    ("marc@example.org", "mentor", "Marc Dubois", "RH", "Droit", "fr", ""),
]
MENTEES = [
    ("sam@example.org", "mentee", "Sam Porter", "IT", "Software", "en", ""),
    ("lea@example.org", "mentee", "Léa Martin", "RH", "Droit", "fr", ""),
    ("kim@example.org", "mentee", "Kim Adler", "Finance", "Accounting", "en", ""),
    ("noe@example.org", "mentee", "Noé Lefort", "Physics", "Lasers", "fr", ""),
]
PEOPLE = MENTORS + MENTEES
START = datetime.datetime(2026, 3, 2, 9, 0)   # a Monday, before the first digest


def at(day, hour=10):
    return (START + datetime.timedelta(days=day, hours=hour - 9)).isoformat(timespec="minutes")


class Played(ProgrammeTest):
    """A cohort played phase by phase: each phase's messages counted."""

    def setUp(self):
        super().setUp()
        self.seen = 0

    def phase(self, what, **want):
        msgs = delivered(self.env)[self.seen:]
        self.seen += len(msgs)
        want = {k.replace("_", "-"): v for k, v in want.items() if v}
        got = collections.Counter(m["X-Mentord-Kind"] for _, _, m in msgs)
        self.assertEqual(dict(got), want, what)
        return msgs

    def number_of(self, text, profile_line):
        """The profile number whose block holds profile_line."""
        number = None
        for line in text.splitlines():
            if line.startswith(("Profile ", "Profil ")):
                number = int(line.split()[1])
            if profile_line in line:
                return number
        self.fail(f"no profile holds {profile_line!r}")


class Choice(Played):

    def test_profiles_choices_and_match(self):
        self.cli("cohort", "open", "2026", now=at(0))
        self.deliver(*[mail(f"{n} <{a}>", "apply", form(r, n, d, f, l, x))
                       for a, r, n, d, f, l, x in PEOPLE], now=at(0))
        self.deliver(*[reply(self.latest("confirm-request", a), a, "yes") for a, *_ in PEOPLE],
                     now=at(0))
        msgs = self.phase("applications", confirm_request=7, confirmed=7)
        # a mentor is shown her profile beforehand, without her name
        anna = [m for _, r, m in msgs if m["X-Mentord-Kind"] == "confirmed" and "anna@example.org" in r][0]
        self.assertIn("Field: Software", text_of(anna))
        self.assertIn("About: (not shown: this text names someone", text_of(anna))

        out = self.cli("profiles", now=at(1))
        self.assertIn("3 mentor profile(s) sent to 4 mentee(s)", out)
        self.once(now=at(1))
        msgs = self.phase("profiles", profiles=4)
        profiles = {r[0]: m for _, r, m in msgs}
        for address, m in profiles.items():
            text = text_of(m)
            for a, _, name, *_ in PEOPLE:
                self.assertNotIn(a, text, f"profiles to {address}")
                for part in name.split():
                    if a != address:   # her own name greets her
                        self.assertNotIn(part, text, f"profiles to {address} name {part}")
            self.assertNotIn("Department", text)
            self.assertNotIn("Département", text)
            for line in text.splitlines():
                self.assertLessEqual(len(line), 78, line)
        self.assertIn("Choices: 3, 7, 1", text_of(profiles["sam@example.org"]))
        self.assertIn("Choix : 3, 7, 1", text_of(profiles["lea@example.org"]))
        en = text_of(profiles["sam@example.org"])
        anna_n = self.number_of(en, "Field: Software")
        ines_n = self.number_of(en, "Field: Optics")
        marc_n = self.number_of(en, "Field: Droit")

        # choices from several clients; Kim's first try is refused
        self.deliver(
            reply(profiles["sam@example.org"], "sam@example.org",
                  f"Hi,\n\nChoices: {ines_n}, {anna_n}\nMotivation: optics fascinates me\n\nSam",
                  "outlook"),
            reply(profiles["lea@example.org"], "lea@example.org", f"d'abord {marc_n}", "gmail-fr"),
            reply(profiles["noe@example.org"], "noe@example.org", f"Choix :\n1. {ines_n}\n", "apple"),
            reply(profiles["kim@example.org"], "kim@example.org", "Choices: 9, 9"),
            now=at(2))
        msgs = self.phase("choices answered", choices=4)
        answers = {r[0]: text_of(m) for _, r, m in msgs}
        self.assertIn(f"1st choice: profile {ines_n}", answers["sam@example.org"])
        self.assertIn(f"2nd choice: profile {anna_n}", answers["sam@example.org"])
        self.assertIn(f"1er choix : profil {marc_n}", answers["lea@example.org"])
        self.assertIn("there is no profile 9", answers["kim@example.org"])
        # Kim tries again, replying to the answer; then changes her mind
        kim_answer = [m for _, r, m in msgs if "kim@example.org" in r][0]
        self.deliver(reply(kim_answer, "kim@example.org", f"first {anna_n} then {marc_n}"), now=at(3))
        self.deliver(reply(kim_answer, "kim@example.org", f"Choices: {marc_n}"), now=at(4))
        self.phase("Kim's choice, then her change", choices=2)
        # after choices_days, a choice changes nothing
        self.deliver(reply(profiles["noe@example.org"], "noe@example.org", f"Choix : {anna_n}"),
                     now=at(9))
        msgs = self.phase("too late", choices=1, digest=1)
        late = [m for _, r, m in msgs if m["X-Mentord-Kind"] == "choices"][0]
        self.assertIn("Le temps du choix a pris fin", text_of(late))
        digest = text_of([m for _, r, m in msgs if m["X-Mentord-Kind"] == "digest"][0])
        self.assertIn("Mentees' choices (profiles sent to 4, 4 chose)", digest)
        self.assertIn("1. Inès Moreau, 2. Anna Keller", digest)
        self.assertIn("why: optics fascinates me", digest)

        # match: three pairs come first. Anna can take only Sam (same
        # department and field), so Sam gets his 2nd choice and Inès goes to
        # Noé, whose 1st choice she was; Marc to Léa (1st choice, and before
        # Kim, who chose him later, in input order); Kim is left out
        out = self.cli("match", now=at(9))
        self.assertIn("a proposal of 3 pairs", out)
        self.once(now=at(9))
        proposal = text_of(self.phase("proposal", proposal=1)[0][2])
        self.assertIn("mentee's 1st choice", proposal)
        self.assertIn("mentee's 2nd choice", proposal)
        db = self.env.db()
        try:
            pairs = dict(db.execute(
                "SELECT t.name, m.name || ':' || coalesce(p.choice_rank, 0) FROM pairs p"
                " JOIN applications m ON m.id = p.mentor_app JOIN applications t"
                " ON t.id = p.mentee_app WHERE p.status = 'proposed'").fetchall())
        finally:
            db.close()
        self.assertEqual(pairs, {"Sam Porter": "Anna Keller:2", "Noé Lefort": "Inès Moreau:1",
                                 "Léa Martin": "Marc Dubois:1"})
        out = self.cli("approve", "all", now=at(9))
        self.once(now=at(9))
        msgs = self.phase("introductions", introduction=3, waitlist=1)
        waitlist = [(r, m) for _, r, m in msgs if m["X-Mentord-Kind"] == "waitlist"][0]
        self.assertEqual(waitlist[0], ["kim@example.org"])
        self.assertNotIn("Marc", text_of(waitlist[1]))
        # what is held about Sam: his motivation and choice by profile
        # number, never the name behind a profile he did not get
        export = self.cli("export", "--person", "sam@example.org", now=at(9))
        self.assertIn("optics fascinates me", export)
        self.assertIn("Anna Keller", export)
        self.assertNotIn("Inès", export)


PAIRS = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en", ""),
    ("zoe@example.org", "mentor", "Zoé Girard", "IT", "Data", "en", ""),
    ("carl@example.org", "mentor", "Carl Weber", "Physics", "Accelerators", "en", ""),
    ("ines@example.org", "mentor", "Inès Moreau", "Physics", "Optics", "fr", ""),
    ("marc@example.org", "mentor", "Marc Dubois", "RH", "Droit", "fr", ""),
    ("sam@example.org", "mentee", "Sam Porter", "IT", "Software", "en", ""),
    ("dora@example.org", "mentee", "Dora Lang", "Physics", "Accelerators", "en", ""),
    ("lea@example.org", "mentee", "Léa Martin", "RH", "Droit", "fr", ""),
]


class ConsentAndRepair(Played):
    """Both sides agree before the introduction (yes/yes, yes/no, silence),
    the fit check with one "not a fit", the rematch, and a second match
    that pairs the mentee again with someone else. Digests are left out of
    the counts (their clock is tested elsewhere)."""
    extra_config = """committee.authserv_id = mx.example.org
matching.consent = yes"""

    def phase(self, what, **want):
        msgs = delivered(self.env)[self.seen:]
        self.seen += len(msgs)
        msgs = [x for x in msgs if x[2]["X-Mentord-Kind"] != "digest"]
        want = {k.replace("_", "-"): v for k, v in want.items() if v}
        got = collections.Counter(m["X-Mentord-Kind"] for _, _, m in msgs)
        self.assertEqual(dict(got), want, what)
        return msgs

    def of(self, msgs, kind, address):
        found = [m for _, r, m in msgs if m["X-Mentord-Kind"] == kind and address in r]
        self.assertEqual(len(found), 1, f"{kind} to {address}")
        return found[0]

    def pair_of(self, mentee):
        db = self.env.db()
        try:
            return db.execute("SELECT p.id, m.name, p.status FROM pairs p JOIN applications m"
                              " ON m.id = p.mentor_app JOIN applications t ON t.id = p.mentee_app"
                              " WHERE t.name = ? ORDER BY p.id DESC", (mentee,)).fetchone()
        finally:
            db.close()

    def test_consent_fit_and_rematch(self):
        self.cli("cohort", "open", "2026", now=at(0))
        self.deliver(*[mail(f"{n} <{a}>", "apply", form(r, n, d, f, l, x))
                       for a, r, n, d, f, l, x in PAIRS], now=at(0))
        self.deliver(*[reply(self.latest("confirm-request", a), a, "yes") for a, *_ in PAIRS],
                     now=at(0))
        self.phase("applications", confirm_request=8, confirmed=8)

        self.assertIn("a proposal of 3 pairs", self.cli("match", now=at(0)))
        out = self.cli("approve", "all", now=at(0))
        self.assertIn("asked to agree before the introduction", out)
        self.once(now=at(0))
        msgs = self.phase("consent asked, nobody introduced", proposal=1, consent=6, waitlist=2)
        consent = {r[0]: m for _, r, m in msgs if m["X-Mentord-Kind"] == "consent"}
        self.assertIn("Field: Software", text_of(consent["sam@example.org"]))
        for address, m in consent.items():
            for a, _, name, *_ in PAIRS:
                if a != address:
                    self.assertNotIn(a, text_of(m))
                    self.assertNotIn(name.split()[1], text_of(m), f"consent to {address}")

        # yes and yes: the introduction; yes and no: the other side hears
        # only that it will not go ahead
        self.deliver(reply(consent["anna@example.org"], "anna@example.org", "Yes"),
                     reply(consent["sam@example.org"], "sam@example.org", "yes, happy to", "outlook"),
                     reply(consent["carl@example.org"], "carl@example.org", "yes", "apple"),
                     reply(consent["dora@example.org"], "dora@example.org", "No, thank you", "gmail"),
                     now=at(1))
        msgs = self.phase("yes/yes and yes/no", introduction=1, consent_closed=1,
                          consent_declined=1)
        self.assertEqual(sorted(self.of(msgs, "introduction", "sam@example.org")["To"].split(", ")),
                         sorted(self.of(msgs, "introduction", "anna@example.org")["To"].split(", ")))
        closed = text_of(self.of(msgs, "consent-closed", "carl@example.org"))
        self.assertIn("will not go ahead", closed)
        for word in ("Dora", "dora@", "declin", "answer", "No, thank"):
            self.assertNotIn(word, closed)
        declined = text_of(self.of(msgs, "consent-declined", "chair@example.org"))
        self.assertIn("Dora Lang (mentee) answered no", declined)
        self.assertEqual(self.pair_of("Dora Lang")[2], "declined")

        # silence: one reminder each, then the end, told to the committee only
        self.once(now=at(3))
        msgs = self.phase("reminders", consent_nudge=2)
        self.assertEqual(sorted(r[0] for _, r, _ in msgs), ["lea@example.org", "marc@example.org"])
        self.once(now=at(5))
        self.phase("still waiting")
        self.once(now=at(6))
        msgs = self.phase("silence ends it", consent_declined=1)
        self.assertIn("no answer from Marc Dubois (mentor), Léa Martin (mentee)",
                      text_of(msgs[0][2]).replace("\n", " "))
        self.assertEqual(self.pair_of("Léa Martin")[2], "declined")

        # the fit check after the first meeting; Sam: not a fit
        self.once(now=at(15))
        msgs = self.phase("first check-ins", checkin=2)
        self.deliver(reply(self.of(msgs, "checkin", "sam@example.org"), "sam@example.org", "met"),
                     now=at(15))
        msgs = self.phase("fit check", fit_check=2)
        fit = {r[0]: m for _, r, m in msgs}
        self.assertIn("not a fit", text_of(fit["sam@example.org"]))
        self.deliver(reply(fit["sam@example.org"], "sam@example.org", "Not a fit.", "apple"),
                     reply(fit["anna@example.org"], "anna@example.org", "still deciding"),
                     now=at(16))
        self.phase("fit answers are recorded, never passed on")
        status = self.cli("status", now=at(16))
        self.assertIn("To repair", status)
        self.assertIn("not a fit: mentee", status)
        self.assertIn("still deciding", status)

        # the rematch: neutral words to both, the same for each
        pair = self.pair_of("Sam Porter")[0]
        self.assertIn("without blame", self.cli("rematch", str(pair), now=at(16)))
        self.once(now=at(16))
        msgs = self.phase("rematch", rematch=2)
        for address in ("sam@example.org", "anna@example.org"):
            text = text_of(self.of(msgs, "rematch", address))
            self.assertIn("no one's fault", text)
            for word in ("not a fit", "Not a", "deciding", "check"):
                self.assertNotIn(word, text)
        self.assertIn("back among the mentees waiting",
                      text_of(self.of(msgs, "rematch", "sam@example.org")).replace("\r\n", " "))

        # the second match: Sam with someone else, never Anna; Dora and Léa
        # never with whom they declined or ignored
        out = self.cli("match", now=at(17))
        self.assertIn("a proposal of 2 pairs", out)
        self.once(now=at(17))
        proposal = text_of(self.phase("second proposal", proposal=1)[0][2])
        self.assertIn("not proposed again with Anna Keller", " ".join(proposal.split()))
        self.assertEqual(self.pair_of("Sam Porter")[1:], ("Zoé Girard", "proposed"))
        self.assertEqual(self.pair_of("Dora Lang")[1:], ("Inès Moreau", "proposed"))
        self.assertEqual(self.pair_of("Léa Martin")[1:], ("Marc Dubois", "declined"))
