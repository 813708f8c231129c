"""Shared pieces of the integration tests."""
import email
import email.policy
import os
import unittest
from email.utils import formatdate, make_msgid

from servers import Env

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def mail(frm, subject, body="", to="mentoring@example.org", headers=None, msgid=None):
    """A simple RFC 5322 message as bytes."""
    msgid = msgid or make_msgid(domain=frm.split("@")[-1].strip(">"))
    lines = [f"From: {frm}", f"To: {to}", f"Subject: {subject}",
             f"Date: {formatdate(localtime=False)}", f"Message-ID: {msgid}",
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
             "Content-Transfer-Encoding: 8bit"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def kinds(env):
    """X-Mentord-Kind of every message the SMTP server received."""
    return [msg["X-Mentord-Kind"] for _, _, msg in env.smtp.parsed()]


class MentordTest(unittest.TestCase):
    extra_config = ""
    smtp = None

    def setUp(self):
        self.env = Env(os.environ["MENTORD"], REPO, self.extra_config, smtp=self.smtp)
        self.addCleanup(self.env.close)

    def once(self, now=None, expect=0, **kw):
        r = self.env.run("once", now=now, **kw)
        if expect is not None:
            self.assertEqual(r.returncode, expect, f"mentord once: {r.returncode}\n{r.stderr}")
        self.assertNotIn("runtime error", r.stderr)
        self.assertNotIn("AddressSanitizer", r.stderr)
        return r
