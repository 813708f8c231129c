"""Shared pieces of the integration tests."""
import contextlib
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
    headers = dict(headers or {})
    date = headers.pop("Date", None) or formatdate(localtime=False)
    lines = [f"From: {frm}", f"To: {to}", f"Subject: {subject}",
             f"Date: {date}", f"Message-ID: {msgid}",
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
             "Content-Transfer-Encoding: 8bit"]
    for k, v in headers.items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def delivered(env):
    """Every message the SMTP server received, once per Message-ID, with
    the recipients of all its envelopes (the sender may deliver each
    recipient in a transaction of its own): (mail_from, rcpts, message)."""
    out, index = [], {}
    for mail_from, rcpts, msg in env.smtp.parsed():
        mid = msg["Message-ID"]
        if mid in index:
            merged = out[index[mid]]
            out[index[mid]] = (merged[0], sorted(set(merged[1]) | set(rcpts)), merged[2])
        else:
            index[mid] = len(out)
            out.append((mail_from, sorted(rcpts), msg))
    return out


def kinds(env):
    """X-Mentord-Kind of every message the SMTP server received."""
    return [msg["X-Mentord-Kind"] for _, _, msg in delivered(env)]


@contextlib.contextmanager
def running(env):
    """`mentord run` for the length of a with block, killed if still there."""
    p = env.spawn("run")
    try:
        yield p
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()


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


def reply(original, frm, body, style="gmail", extra_headers=None):
    """A reply to one of our messages (an EmailMessage), quoting it in the
    shape a given client uses."""
    quoted_text = original.get_body(("plain",)).get_content()
    subject = original["Subject"]
    if style == "outlook":
        subject = "RE: " + subject
        quote = ("\n\n________________________________\n"
                 f"From: {original['From']}\nSent: Monday, 2 March 2026 10:00\n"
                 f"To: {frm}\nSubject: {original['Subject']}\n\n{quoted_text}")
    elif style == "outlook-fr":
        subject = "RE : " + subject
        quote = ("\n\n-----Message d'origine-----\n"
                 f"De : {original['From']}\nEnvoyé : lundi 2 mars 2026 10:00\n"
                 f"À : {frm}\nObjet : {original['Subject']}\n\n{quoted_text}")
    elif style == "gmail-fr":
        subject = "Re: " + subject
        quote = ("\n\nLe lun. 2 mars 2026 à 10:00, WIT Mentoring <mentoring@example.org> a écrit :\n"
                 + "".join("> " + l + "\n" for l in quoted_text.splitlines()))
    elif style == "apple":
        subject = "Re: " + subject
        quote = ("\n\n> On 2 Mar 2026, at 10:00, WIT Mentoring <mentoring@example.org> wrote:\n>\n"
                 + "".join("> " + l + "\n" for l in quoted_text.splitlines()))
    else:
        subject = "Re: " + subject
        quote = ("\n\nOn Mon, 2 Mar 2026 at 10:00, WIT Mentoring <mentoring@example.org> wrote:\n"
                 + "".join("> " + l + "\n" for l in quoted_text.splitlines()))
    headers = {"In-Reply-To": original["Message-ID"],
               "References": original["Message-ID"]}
    headers.update(extra_headers or {})
    return mail(frm, subject, body + quote, headers=headers)


def of_kind(env, kind, to=None):
    """Messages received of an X-Mentord-Kind, optionally to one address."""
    out = []
    for _, rcpts, msg in delivered(env):
        if msg["X-Mentord-Kind"] != kind:
            continue
        if to is not None and to not in rcpts:
            continue
        out.append(msg)
    return out


def text_of(msg):
    return msg.get_body(("plain",)).get_content()


DKIM_OK = {"Authentication-Results": "mx.example.org; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=chair@example.org"}


def form(role, name, department, field, language="en", extra=""):
    return (f"Role: {role}\nName: {name}\nDepartment: {department}\nField: {field}\n"
            f"Language: {language}\n{extra}")


class ProgrammeTest(MentordTest):
    """A programme with a cohort and confirmed, paired people."""
    extra_config = "committee.authserv_id = mx.example.org"

    def deliver(self, *messages, now=None):
        for m in messages:
            self.env.dovecot.deliver(m)
        return self.once(now=now)

    def latest(self, kind, to):
        msgs = of_kind(self.env, kind, to)
        self.assertTrue(msgs, f"no {kind} to {to}")
        return msgs[-1]

    def cli(self, *args, now=None):
        r = self.env.run(*args, now=now)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def enrol(self, people, now=None):
        """people: (address, role, name, department, field, language);
        each applies and confirms by reply."""
        self.deliver(*[mail(f"{n} <{a}>", "apply", form(r, n, d, f, l)) for a, r, n, d, f, l in people],
                     now=now)
        self.deliver(*[reply(self.latest("confirm-request", a), a, "yes") for a, *_ in people], now=now)
        for a, *_ in people:
            self.latest("confirmed", a)

    def pair(self, mentor, mentee, now=None):
        out = self.cli("pair", mentor, mentee, now=now)
        self.assertIn("approved", out)
