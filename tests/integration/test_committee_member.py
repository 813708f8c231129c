"""A committee member who never read the manual does her eight tasks by
e-mail alone, in English and in French: see what she can ask, propose
and approve pairs but one, pair a mentee by hand, invite everyone to a
training and move it, see who answered, get the digest, end a pair, get
the report. Every message she sends gets exactly one answer, or is
deliberately human mail; every task is done."""
import email
from email.utils import make_msgid

from common import DKIM_OK, ProgrammeTest, delivered, mail, reply, text_of

NOW = "2026-03-02T09:00"

PEOPLE = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en"),
    ("bea@example.org", "mentee", "Béatrice Roux", "IT", "Software", "fr"),
    ("carl@example.org", "mentor", "Carl Weber", "Physics", "Accelerators", "en"),
    ("dora@example.org", "mentee", "Dora Lang", "Physics", "Accelerators", "en"),
    ("emil@example.org", "mentor", "Emil Roth", "HR", "Recruitment", "en"),
    ("fay@example.org", "mentee", "Fay Moss", "HR", "Recruitment", "en"),
    ("gus@example.org", "mentee", "Gus Berg", "IT", "Software", "en"),
]

AUTH = {"en": DKIM_OK,
        "fr": {"Authentication-Results": "mx.example.org; dkim=pass header.d=example.org"}}


def flat(msg):
    """The text of a message with its line breaks and runs of spaces as one
    space: result lines wrap."""
    return " ".join(text_of(msg).split())


class Member:
    """One member writing to the programme: every message she sends, and
    the answers to it."""

    def __init__(self, test, address, lang):
        self.t, self.address, self.lang = test, address, lang
        self.sent = []     # (Message-ID, what, answer expected)

    def send(self, subject, body="", expect=True, to="mentoring@example.org", extra=None):
        msgid = make_msgid(domain="example.org")
        headers = dict(AUTH[self.lang])
        headers.update(extra or {})
        self.t.deliver(mail(self.address, subject, body, to=to, headers=headers, msgid=msgid),
                       now=NOW)
        self.sent.append((msgid, subject, expect))
        return self.answer(msgid) if expect else None

    def reply(self, original, body, expect=True):
        msg = reply(original, self.address, body, extra_headers=AUTH[self.lang])
        parsed = email.message_from_bytes(msg)
        self.t.deliver(msg, now=NOW)
        self.sent.append((parsed["Message-ID"], "reply: " + body.splitlines()[0], expect))
        return self.answer(parsed["Message-ID"]) if expect else None

    def answers_to(self, msgid):
        return [m for _, rcpts, m in delivered(self.t.env)
                if self.address in rcpts and m["In-Reply-To"] == msgid]

    def answer(self, msgid):
        got = self.answers_to(msgid)
        self.t.assertEqual(len(got), 1, f"{msgid}: {[m['X-Mentord-Kind'] for m in got]}")
        return got[0]

    def check_all_answered(self):
        for msgid, what, expect in self.sent:
            self.t.assertEqual(len(self.answers_to(msgid)), 1 if expect else 0, what)


class CommitteeMember(ProgrammeTest):
    def setUp(self):
        super().setUp()
        self.cli("cohort", "open", "2026", now=NOW)
        self.enrol(PEOPLE, now=NOW)

    def db_int(self, sql):
        db = self.env.db()
        try:
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()

    db_str = db_int

    def latest_to(self, kind, address):
        msgs = [m for _, rcpts, m in delivered(self.env)
                if m["X-Mentord-Kind"] == kind and address in rcpts]
        self.assertTrue(msgs, f"no {kind} to {address}")
        return msgs[-1]

    def play(self, m, w):
        """The eight tasks; w holds the member's words in her language."""
        # 1. what can she ask? a greeting gets an answer; help lists everything
        a = m.send(w["hello"], w["hello_body"])
        self.assertEqual(a["X-Mentord-Kind"], "committee-unclear")
        self.assertEqual(a["Content-Language"], m.lang)
        self.assertIn(w["help_word"], flat(a))
        a = m.send(w["help"])
        self.assertEqual(a["X-Mentord-Kind"], "committee-help")
        self.assertEqual(a["Content-Language"], m.lang)
        for line in text_of(a).splitlines():
            self.assertLessEqual(len(line), 78, line)
        self.assertIn(w["approve_all"], flat(a))
        a = m.reply(a, w["help_training"])
        self.assertIn(w["training_example"], flat(a))
        # a misspelt command names the right one
        a = m.send(w["misspelt"])
        self.assertIn(w["misspelt_help"], flat(a))
        # mail to colleagues too is theirs: no answer
        m.send("lunch?", "Shall we meet on Friday?", expect=False,
               to="mentoring@example.org, vice@example.org, chair@example.org")

        # 2. propose pairs ("pairs" names the command), approve all but one
        a = m.send(w["pairs"])
        self.assertEqual(a["X-Mentord-Kind"], "committee-unclear")
        self.assertIn(w["match"], flat(a))
        a = m.send(w["match"])
        self.assertEqual(a["X-Mentord-Kind"], "command-result")
        self.assertIn("a proposal of 3 pairs sent to the committee", flat(a))
        # every message to the committee says where its help is
        self.assertIn(w["footer"], " ".join(flat(a).split()))
        # (what goes to the whole committee is in the programme's language)
        self.assertIn('For the committee\'s commands, write "help" as the subject',
                      " ".join(text_of(self.latest_to("proposal", m.address)).split()))
        proposal = self.latest_to("proposal", m.address)
        anna = self.db_int("SELECT p.number FROM pairs p JOIN applications a ON a.id = p.mentor_app"
                           " JOIN people x ON x.id = a.person_id WHERE x.address = 'anna@example.org'"
                           " AND p.status = 'proposed'")
        other = 1 if anna != 1 else 2
        a = m.reply(a, f"{w['approve_all_but']} {other}")
        self.assertEqual(flat(a).count(" approved: "), 2, flat(a))
        self.assertEqual(self.db_int("SELECT count(*) FROM pairs WHERE status = 'active'"), 2)
        a = m.reply(proposal, f"{w['reject']} {other}")
        self.assertIn("the proposal is settled", flat(a))

        # 3. pair a mentee by hand (the one left out; Anna has no room)
        left = self.db_str("SELECT x.address FROM applications a JOIN people x"
                           " ON x.id = a.person_id WHERE a.role = 'mentee' AND NOT EXISTS"
                           " (SELECT 1 FROM pairs p WHERE p.mentee_app = a.id"
                           " AND p.status = 'active') ORDER BY x.address LIMIT 1")
        name = self.db_str(f"SELECT name FROM people WHERE address = '{left}'")
        a = m.send(f"{w['pair']} Anna Keller {w['with']} {name}")
        self.assertIn("pair: not paired: Anna Keller is at capacity (1 of 1)", flat(a))
        a = m.reply(a, f"{w['pair']} anna@example.org {left} {w['anyway']}")
        self.assertIn("approved", flat(a))
        self.assertEqual(self.db_int("SELECT count(*) FROM pairs WHERE status = 'active'"), 3,
                         flat(a))

        # 4. invite everyone to a training and move it
        a = m.send(w["training"] + " 14/05/2026 14h-16h Room 40-S2-A01, Basics")
        self.assertIn("matched people invited", flat(a))
        a = m.send(w["move"], w["move_body"])
        self.assertEqual(a["X-Mentord-Kind"], "committee-unclear")
        self.assertEqual(a["Content-Language"], m.lang)
        self.assertIn(w["update_example"], flat(a))
        a = m.reply(a, w["move_training"] + " 2026-05-15")
        self.assertIn("the 2nd version of the invitation", flat(a))
        self.assertEqual(self.db_int("SELECT count(*) FROM events WHERE status != 'cancelled'"
                                     " AND date(start_at, 'unixepoch') = '2026-05-15'"), 1)

        # 5. see who answered: by name, for the committee only
        self.deliver(reply(self.latest_to("invitation-update", "anna@example.org"),
                           "anna@example.org", "yes"), now=NOW)
        a = m.send(w["who"])
        self.assertEqual(a["X-Mentord-Kind"], "committee-unclear")
        self.assertIn(w["answers"], flat(a))
        a = m.reply(a, w["answers"])
        self.assertIn("accepted (1): Anna Keller", flat(a))
        self.assertIn("not answered (4):", flat(a))
        a = m.send(w["status"])
        self.assertIn("session 1: Basics", flat(a))
        self.assertIn("accepted 1, declined 0, tentative 0, no answer 4", flat(a))

        # 6. the digest, asked in reply to the status
        a = m.reply(a, w["digest"])
        self.assertIn("digest: sent to the committee", flat(a))

        # 7. end a pair: the reason is asked for, then given
        pair = self.db_int("SELECT min(id) FROM pairs WHERE status = 'active'")
        a = m.send(f"{w['end_pair']} {pair}")
        self.assertIn("the reason is missing", flat(a))
        a = m.reply(a, f"{w['end_pair']} {pair} moved to another site")
        self.assertIn("both were told", flat(a))
        self.assertIn("still invited to training session 1", flat(a))
        self.assertEqual(self.db_int("SELECT count(*) FROM pairs WHERE status = 'ended'"), 1)

        # 8. the report
        a = m.send(w["report"])
        self.assertEqual(a["X-Mentord-Kind"], "command-result")
        self.latest_to("report", m.address)

        m.check_all_answered()
        # no answer to an answer: a thank-you to "not understood" is left
        unclear = self.latest_to("committee-unclear", m.address)
        m.reply(unclear, "ok, thanks", expect=False)
        m.check_all_answered()

    def test_in_english(self):
        self.play(Member(self, "chair@example.org", "en"), {
            "hello": "hello", "hello_body": "Hi, I just joined the committee.",
            "help_word": '"help"', "help": "help", "approve_all": "approve all",
            "help_training": "help training", "training_example": "training 2026-05-14 14:00 2h",
            "misspelt": "stauts", "misspelt_help": "Answers with the programme in one screen",
            "pairs": "pairs", "match": "match", "approve_all_but": "approve all except",
            "reject": "reject", "pair": "pair", "with": "with", "anyway": "anyway",
            "training": "training",
            "move": "can we move the training to the 15th?", "move_body": "",
            "update_example": "move training to 2026-05-15", "move_training": "move training to",
            "status": "status", "digest": "digest", "end_pair": "end pair", "report": "report",
            "who": "who is coming to the training?", "answers": "training answers",
            "footer": 'For the committee\'s commands, write "help" as the subject',
        })

    def test_in_french(self):
        self.play(Member(self, "vice@example.org", "fr"), {
            "hello": "Bonjour", "hello_body": "Je suis nouvelle au comité.",
            "help_word": "« aide »", "help": "aide", "approve_all": "approuver tout",
            "help_training": "aide formation", "training_example": "formation 2026-05-14 14h 2h",
            "misspelt": "aparier", "misspelt_help": "Propose des paires",
            "pairs": "paires", "match": "apparier", "approve_all_but": "approuver tout sauf",
            "reject": "rejeter", "pair": "associer", "with": "avec", "anyway": "quand même",
            "training": "formation",
            "move": "Bonjour, pouvez-vous déplacer la formation au 15 mai ?", "move_body": "",
            "update_example": "déplacer formation au 15/05/2026",
            "move_training": "déplacer formation au",
            "status": "statut", "digest": "résumé", "end_pair": "séparer", "report": "rapport",
            "who": "qui vient à la formation ?", "answers": "formation réponses",
            "footer": "Pour les commandes du comité, écrivez « aide » en objet",
        })
