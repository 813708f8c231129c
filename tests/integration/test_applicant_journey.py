"""An applicant who never read the manual, by e-mail only, in English and
in French: she asks how to apply, applies with a line missing and fixes it
by reply, confirms, changes one line, misspells status then asks it, is
waitlisted and asks what she can do, reports a problem in plain words and
adds to it by reply, then leaves and has her data erased. Every message
she sends gets exactly one answer, and nothing goes to anyone but her and
the committee."""
from common import ProgrammeTest, delivered, mail, reply, text_of

COMMITTEE = {"chair@example.org", "vice@example.org"}

EN = {
    "who": "Nora Lindqvist <nora@example.com>",
    "addr": "nora@example.com",
    "ask": "How do I apply?",
    "form": "Hello,\n\nRole: mentee\nName: Nora Lindqvist\nDepartment: IT\n\nThanks,\nNora\n",
    "fix": "Field: Software engineering\n",
    "confirm": "Yes, I confirm.",
    "change": ("update", "Preference: any\n"),
    "typo": "staus",
    "typo_says": '"status"',
    "status": "status",
    "after_waitlist": "Is there anything I can do?",
    "issue": ("Confidential issue", "My manager does not let me take the time.\n"),
    "more": "It happened again this week.\n",
    "leave": "Leaving \u2013 please withdraw and delete my data",
    "yes": "yes",
    "client": "gmail",
}

FR = {
    "who": "Chlo\u00e9 Martin <chloe@example.fr>",
    "addr": "chloe@example.fr",
    "ask": "Comment postuler ?",
    "form": "Bonjour,\n\nR\u00f4le : mentor\u00e9e\nNom : Chlo\u00e9 Martin\n"
            "D\u00e9partement : Physique\n\nMerci\n",
    "fix": "Domaine : Acc\u00e9l\u00e9rateurs\n",
    "confirm": "Oui, je confirme.",
    "change": ("modifier", "Pr\u00e9f\u00e9rence : indiff\u00e9rent\n"),
    "typo": "statuts",
    "typo_says": "statut",
    "status": "statut",
    "after_waitlist": "Est-ce que je peux faire quelque chose ?",
    "issue": ("Probl\u00e8me confidentiel", "Mon responsable refuse que je prenne le temps.\n"),
    "more": "C'est encore arriv\u00e9 cette semaine.\n",
    "leave": "Je quitte le programme, merci de supprimer mes donn\u00e9es",
    "yes": "oui",
    "client": "gmail-fr",
}


class ApplicantJourney(ProgrammeTest):
    def mine(self, addr):
        return [m for _, rcpts, m in delivered(self.env) if addr in rcpts]

    def send(self, addr, raw, kind, now):
        """One message from her: exactly one answer, of kind."""
        before = len(self.mine(addr))
        self.deliver(raw, now=now)
        got = self.mine(addr)[before:]
        self.assertEqual([m["X-Mentord-Kind"] for m in got], [kind],
                         f"{raw[:300]!r}: {[(m['X-Mentord-Kind'], m['Subject']) for m in got]}")
        for _, rcpts, m in delivered(self.env):
            self.assertTrue(set(rcpts) <= COMMITTEE | {addr} | {"anna@example.org"},
                            f"{m['X-Mentord-Kind']} to {rcpts}")
        return got[0]

    def journey(self, p):
        addr, client = p["addr"], p["client"]
        # her own organisation's server vouches for her (doc/DESIGN.md 7)
        auth = {"Authentication-Results": "mx.example.org; dkim=pass header.d="
                + addr.split("@")[1]}
        day = "2026-03-02T"
        self.cli("cohort", "open", "2026", now=day + "08:00")
        # 1. how to apply: the help with the form
        help_ = self.send(addr, mail(p["who"], p["ask"], headers=auth), "help", day + "09:00")
        # 2. the form, a line missing, by reply to the help; fixed by reply
        errors = self.send(addr, reply(help_, addr, p["form"], client, auth), "form-errors",
                           day + "09:10")
        request = self.send(addr, reply(errors, addr, p["fix"], client, auth),
                            "confirm-request", day + "09:20")
        text = text_of(request)
        self.assertIn(p["fix"].split(":")[1].strip(), text)
        # 3. confirmed by reply
        confirmed = self.send(addr, reply(request, addr, p["confirm"], client, auth),
                              "confirmed", day + "09:30")
        # 4. one line changed: the whole application echoed
        subject, body = p["change"]
        updated = self.send(addr, mail(p["who"], subject, body, headers=auth), "confirmed",
                            day + "09:40")
        self.assertIn(p["fix"].split(":")[1].strip(), text_of(updated))
        # 5. a misspelt status, then status
        near = self.send(addr, mail(p["who"], p["typo"], headers=auth), "suggestion",
                         day + "09:50")
        self.assertIn(p["typo_says"], text_of(near))
        status = self.send(addr, mail(p["who"], p["status"], headers=auth), "status",
                           day + "10:00")
        self.assertIn(p["fix"].split(":")[1].strip(), text_of(status))
        # 6. waitlisted: no mentor this round; what can she do?
        self.cli("match", now=day + "11:00")
        self.cli("approve", "all", now=day + "11:05")
        self.once(now=day + "11:05")
        waitlist = [m for m in self.mine(addr) if m["X-Mentord-Kind"] == "waitlist"]
        self.assertEqual(len(waitlist), 1)
        # why, in words she can act on: nobody with room in her field
        why = " ".join(text_of(waitlist[0]).split())
        self.assertIn(p["fix"].split(":")[1].strip(), why)
        self.assertTrue("no mentor with room" in why or "aucun\u00b7e mentor disponible" in why,
                        why)
        # a later status says so, rather than "you will hear from us"
        later = self.send(addr, mail(p["who"], p["status"], headers=auth), "status",
                          day + "11:30")
        self.assertNotIn("either way", text_of(later))
        self.assertNotIn("dans tous les cas", text_of(later))
        flat = " ".join(text_of(later).split())
        self.assertTrue("no partner could be found" in flat or "aucun bin\u00f4me n'a pu" in flat,
                        flat)
        self.send(addr, reply(waitlist[0], addr, p["after_waitlist"], client, auth),
                  "passed-on", day + "12:00")
        # 7. (the next day) a problem in plain words, and an addition by reply
        day = "2026-03-03T"
        subject, body = p["issue"]
        ack = self.send(addr, mail(p["who"], subject, body, headers=auth), "issue-ack",
                        day + "13:00")
        self.send(addr, reply(ack, addr, p["more"], client, auth), "issue-ack", day + "13:10")
        notices = [m for _, r, m in delivered(self.env) if m["X-Mentord-Kind"] == "issue-notice"]
        self.assertEqual(len(notices), 2)
        self.assertIn(p["more"].strip(), text_of(notices[-1]))
        # 8. leaving, and the data erased, in one exchange
        ask = self.send(addr, mail(p["who"], p["leave"], headers=auth), "confirm-request",
                        day + "14:00")
        self.send(addr, reply(ask, addr, p["yes"], client, auth), "erased", day + "14:10")
        db = self.env.db()
        left = db.execute("SELECT count(*) FROM people WHERE address = ?", (addr,)).fetchone()[0]
        db.close()
        self.assertEqual(left, 0)
        return confirmed

    def test_in_english(self):
        confirmed = self.journey(EN)
        self.assertEqual(confirmed["Content-Language"], "en")

    def test_in_french(self):
        confirmed = self.journey(FR)
        self.assertEqual(confirmed["Content-Language"], "fr")
