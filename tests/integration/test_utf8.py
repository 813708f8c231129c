"""Addresses in UTF-8 (RFC 6531): answered through a server that offers
SMTPUTF8, left for the committee otherwise, never quarantined."""
import os

from common import MentordTest, mail
from servers import Recorder


JOERG = "J\u00f6rg <j\u00f6rg@b\u00fccher.example>"
JOERG_ADDR = "j\u00f6rg@b\u00fccher.example"


class Utf8Address(MentordTest):
    """An address in UTF-8 (RFC 6531) failed the answer and quarantined
    the message."""

    def start(self):
        # the first answer teaches mentord what the server offers
        self.env.dovecot.deliver(mail("ada@example.com", "help"))
        self.once()
        self.env.dovecot.deliver(mail(JOERG, "help"))
        self.once()

    def outcome(self):
        db = self.env.db()
        row = db.execute("SELECT class, outcome, quarantine FROM inbound ORDER BY id DESC"
                         " LIMIT 1").fetchone()
        db.close()
        return row


class Utf8AnsweredWithSmtputf8(Utf8Address):
    smtp = staticmethod(lambda root: Recorder(utf8=True))

    def test_answered_where_the_server_offers_smtputf8(self):
        self.start()
        self.assertEqual(self.outcome()[1], "help sent")
        sent = self.env.smtp.sent()
        self.assertEqual(len(sent), 2)
        self.assertEqual(sent[1][1], [JOERG_ADDR])
        self.assertIn("SMTPUTF8", self.env.smtp.mail_options[1])
        self.assertNotIn("SMTPUTF8", self.env.smtp.mail_options[0])
        self.assertIn(("To: =?UTF-8?B?SsO2cmc=?= <" + JOERG_ADDR + ">").encode(), sent[1][2])


class Utf8LeftWithoutSmtputf8(Utf8Address):
    def test_left_for_the_committee_never_quarantined(self):
        self.start()
        cls, outcome, quarantine = self.outcome()
        self.assertEqual(outcome, "left for the committee: From address in UTF-8 (RFC 6531),"
                         " and the SMTP server does not offer SMTPUTF8")
        self.assertIsNone(quarantine)
        self.assertEqual(len(self.env.smtp.sent()), 1)
        self.assertFalse(os.path.exists(os.path.join(self.env.root, "state", "spool",
                                                     "quarantine")))
