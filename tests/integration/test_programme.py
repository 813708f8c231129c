"""The heart of the programme, through real servers: applications in
several clients' shapes and both languages, confirmations by quoted
replies, a forged application never confirmed, match, approve,
introductions and waitlist notices checked at the SMTP server."""
import re

from common import DKIM_OK, MentordTest, mail, of_kind, reply, text_of, delivered

ALICE_OUTLOOK = """Hello committee,

Please find my application below.

Role: Mentor
Name: Alice Martin
Department: IT
Field: Software, Security
Language: en
Topics: leadership, public speaking
Capacity: 2
About: Fifteen years in software engineering.

Best regards,
Alice
--
Alice Martin | IT Department | +41 22 000 0000
"""

BERNARD_GMAIL_FR = """Bonjour,

Rôle\u00a0: mentor
Nom\u00a0: Bernard Durand
Département\u00a0: Physique
Domaine\u00a0: Accélérateurs
Sujets : carrière, équilibre

Cordialement,
Bernard
"""

CHLOE_FR = """Bonjour,
Voici ma candidature.

rôle : mentorée
nom : Chloé Petit
departement : physique
domaine : accelerateurs
langue : fr
sujets : carriere

Merci !
"""

DAN_EN = """Role: mentee
Name: Dan Brown
Department: it
Field: software
Topics: leadership
"""

EVE_EN = """Role: mentee
Name: Eve Adams
Department: HR
Field: Recruitment
"""

FRANK_FORGED = """Role: mentee
Name: Frank Forged
Department: IT
Field: Software
"""

BAD_FORM = """Role: both
Department: IT
Capacity: lots
"""


class Programme(MentordTest):
    extra_config = "committee.authserv_id = mx.example.org"

    def deliver(self, *messages):
        for m in messages:
            self.env.dovecot.deliver(m)
        self.once()

    def latest(self, kind, to):
        msgs = of_kind(self.env, kind, to)
        self.assertTrue(msgs, f"no {kind} to {to}; got {[(m['X-Mentord-Kind'], m['To']) for _, _, m in delivered(self.env)]}")
        return msgs[-1]

    def test_whole_flow(self):
        env = self.env
        r = env.run("cohort", "open", "2026")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2026 is open", r.stdout)
        self.deliver(
            mail("Alice Martin <alice@example.org>", "apply", ALICE_OUTLOOK),
            mail("Bernard Durand <bernard@example.org>", "Candidature", BERNARD_GMAIL_FR),
            mail("chloe@example.org", "candidature mentorat", CHLOE_FR),
            mail("Dan Brown <dan@example.org>", "Mentoring application", DAN_EN),
            mail("Eve Adams <eve@example.org>", "apply", EVE_EN),
            mail("frank@example.org", "apply", FRANK_FORGED),
            mail("gus@example.org", "apply", BAD_FORM),
        )
        # a confirmation request each, in the writer's language
        for who in ("alice", "bernard", "chloe", "dan", "eve", "frank"):
            msg = self.latest("confirm-request", f"{who}@example.org")
            self.assertRegex(msg["Subject"], r"\[MT-[A-Z0-9]{4}-[A-Z0-9]{4}\]")
        self.assertEqual(self.latest("confirm-request", "bernard@example.org")["Content-Language"], "fr")
        self.assertEqual(self.latest("confirm-request", "alice@example.org")["Content-Language"], "en")
        errors = text_of(self.latest("form-errors", "gus@example.org"))
        self.assertIn("both", errors)
        self.assertIn("Name", errors)
        self.assertIn("Capacity", errors)

        # confirmations by replies in several clients' shapes; Frank never does
        styles = {"alice": "outlook", "bernard": "gmail-fr", "chloe": "outlook-fr",
                  "dan": "apple", "eve": "gmail"}
        for who, style in styles.items():
            req = self.latest("confirm-request", f"{who}@example.org")
            env.dovecot.deliver(reply(req, f"{who}@example.org", "Yes, I confirm.", style))
        self.once()
        for who in styles:
            self.latest("confirmed", f"{who}@example.org")
        self.assertEqual(of_kind(env, "confirmed", "frank@example.org"), [])

        # a forged match (no authentication) changes nothing: the member is asked
        before = len(delivered(env))
        self.deliver(mail("chair@example.org", "match"))
        confirm = self.latest("confirm-request", "chair@example.org")
        self.assertIn("match", text_of(confirm))
        self.assertEqual(of_kind(env, "proposal"), [])

        # an authenticated match: the proposal goes to the committee only
        self.deliver(mail("chair@example.org", "match", headers=DKIM_OK))
        proposal = self.latest("proposal", "chair@example.org")
        _, rcpts, _ = [x for x in delivered(env) if x[2]["X-Mentord-Kind"] == "proposal"][-1]
        self.assertEqual(sorted(rcpts), ["chair@example.org", "vice@example.org"])
        body = text_of(proposal)
        self.assertIn("Alice Martin", body)
        self.assertIn("Dan Brown", body)
        self.assertIn("Bernard Durand", body)
        self.assertIn("Chloé Petit", body)
        self.assertIn("Eve Adams", body)
        self.assertNotIn("Frank", body)
        self.latest("command-result", "chair@example.org")
        self.assertEqual(of_kind(env, "introduction"), [])

        # approve by replying to the proposal
        self.deliver(reply(proposal, "chair@example.org", "approve all", "outlook",
                           extra_headers=DKIM_OK))
        intros = of_kind(env, "introduction")
        self.assertEqual(len(intros), 2)
        pairs = {}
        for _, rcpts, msg in delivered(env):
            if msg["X-Mentord-Kind"] == "introduction":
                pairs[tuple(sorted(rcpts))] = msg
        self.assertIn(("alice@example.org", "dan@example.org"), pairs)
        self.assertIn(("bernard@example.org", "chloe@example.org"), pairs)
        fr = pairs[("bernard@example.org", "chloe@example.org")]
        self.assertEqual(fr["Content-Language"], "fr")
        self.assertIn("Chloé Petit", text_of(fr))
        waitlisted = of_kind(env, "waitlist")
        self.assertEqual([m["To"] for m in waitlisted], ["Eve Adams <eve@example.org>"])
        self.assertEqual(of_kind(env, "introduction", "frank@example.org"), [])

        # approving again sends nothing twice
        n = len(delivered(env))
        self.deliver(mail("chair@example.org", "approve all", headers=DKIM_OK))
        self.assertEqual(len(of_kind(env, "introduction")), 2)
        self.assertEqual(len(of_kind(env, "waitlist")), 1)

        # status in French for Chloé
        self.deliver(mail("chloe@example.org", "statut"))
        st = self.latest("status", "chloe@example.org")
        self.assertIn("Bernard Durand", text_of(st))

        # Dan withdraws, confirms; Alice and the committee are told
        self.deliver(mail("dan@example.org", "withdraw"))
        req = self.latest("confirm-request", "dan@example.org")
        self.deliver(reply(req, "dan@example.org", "yes", "gmail"))
        self.latest("withdrawn", "dan@example.org")
        partner = [m for m in of_kind(env, "withdrawn", "alice@example.org")]
        self.assertTrue(partner)
        self.assertTrue(of_kind(env, "withdrawn", "chair@example.org"))

    def test_no_cohort_and_both_roles(self):
        env = self.env
        self.deliver(mail("ann@example.org", "apply", DAN_EN.replace("Dan Brown", "Ann")))
        told = self.latest("status", "ann@example.org")
        self.assertEqual(env.run("cohort", "open", "Pilot").returncode, 0)
        # each message of an address not yet proven gets its answer, a few
        # a day: her application now gets its confirmation request
        self.deliver(mail("ann@example.org", "apply", DAN_EN.replace("Dan Brown", "Ann")))
        self.latest("confirm-request", "ann@example.org")
        # her reply to what she was told proves the address; the form sent
        # again in the same role, by a message nobody vouches for, is a
        # change she confirms by reply
        self.deliver(reply(told, "ann@example.org", DAN_EN.replace("Dan Brown", "Ann")))
        self.assertEqual(len(of_kind(env, "confirm-request", "ann@example.org")), 2)
        self.deliver(mail("ann@example.org", "apply", ALICE_OUTLOOK))
        self.latest("form-errors", "ann@example.org")
        n = len(of_kind(env, "confirm-request", "ann@example.org"))
        self.deliver(mail("ann@example.org", "apply", DAN_EN.replace("Dan Brown", "Ann B")))
        self.assertEqual(len(of_kind(env, "confirm-request", "ann@example.org")), n + 1)
        self.assertIn("Ann B", text_of(self.latest("confirm-request", "ann@example.org")))

    def test_confirm_from_another_address_is_left_for_humans(self):
        env = self.env
        env.run("cohort", "open", "2026")
        self.deliver(mail("victim@example.org", "apply", DAN_EN))
        req = self.latest("confirm-request", "victim@example.org")
        token = re.search(r"MT-[A-Z0-9]{4}-[A-Z0-9]{4}", req["Subject"]).group(0)
        self.deliver(mail("attacker@example.net", f"confirm {token}"))
        self.assertEqual(of_kind(env, "confirmed"), [])
        db = env.db()
        self.assertEqual(db.execute("SELECT status FROM applications").fetchone()[0], "pending")
        db.close()
        # the real person confirms with the subject command
        self.deliver(mail("victim@example.org", f"confirm {token}"))
        self.latest("confirmed", "victim@example.org")

    def test_issue_is_confidential(self):
        env = self.env
        secret = "My mentor keeps cancelling and I feel uneasy (SECRET-4711)."
        self.deliver(mail("zoe@example.org", "issue: about my pairing", secret))
        ack = self.latest("issue-ack", "zoe@example.org")
        self.assertNotIn("SECRET-4711", ack.as_string())
        notice = self.latest("issue-notice", "chair@example.org")
        self.assertIn("SECRET-4711", text_of(notice))
        self.assertEqual(notice["Reply-To"], "zoe@example.org")
        for _, rcpts, msg in delivered(env):
            if "SECRET-4711" in msg.as_string():
                self.assertTrue(set(rcpts) <= {"chair@example.org", "vice@example.org"})
        r = env.run("status")
        self.assertNotIn("SECRET-4711", r.stdout + r.stderr)
