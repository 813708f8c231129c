"""A refusal of the sender or the account holds the queue and fails no
message, against the submission servers of Microsoft 365 and Google
Workspace as they answer (tests/harness/smtp_extra.py, Provider): Send As
denied after DATA, SMTP AUTH disabled for the tenant, not allowed to send
as this sender, the sending quota passed (a day's block), the tenant
blocked, our MAIL FROM refused, the authentication refused. Each holds
every message, says what an administrator must do (log, status --health,
the digest's problems), and the queue goes on by itself once the
administrator has fixed it: every message delivered once, none failed."""
import collections
import os
import signal
import sqlite3
import time

import test_delivery as delivery
from common import REPO, MentordTest, mail, running
from servers import Env
from smtp_extra import ACCOUNT_REFUSALS, Provider

USER = "robot@example.org"
ADDRESS = "mentoring@example.org"
at = delivery.at
message_id = delivery.message_id


class AccountTest(MentordTest):
    def setUp(self):
        self.srv = Provider(login=(USER, "s3cret"))
        self.addCleanup(self.srv.close)
        secret = None

        def make(root):
            nonlocal secret
            secret = os.path.join(root, "smtp.secret")
            with open(secret, "w") as f:
                f.write("s3cret\n")
            os.chmod(secret, 0o600)
            return self.srv

        self.env = Env(os.environ["MENTORD"], REPO, "", smtp=make)
        self.addCleanup(self.env.close)
        self.env.reconfigure(f"smtp.user = {USER}\nsmtp.password_file = {secret}\nsmtp.auth = plain\n")

    def rows(self):
        db = self.env.db()
        try:
            return db.execute("SELECT status, attempts, last_error, message_id FROM outbound"
                              " ORDER BY id").fetchall()
        finally:
            db.close()

    def health(self, now):
        r = self.env.run("status", "--health", now=now)
        return r.returncode, r.stdout

    def status(self, now):
        r = self.env.run("status", now=now)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def assert_held(self, now, words):
        rows = self.rows()
        self.assertTrue(rows)
        self.assertEqual({s for s, _, _, _ in rows}, {"queued"}, rows)
        rc, out = self.health(now)
        self.assertEqual(rc, 2, out)
        line = [l for l in out.splitlines() if " smtp: " in l][0]
        self.assertTrue(line.startswith("CRITICAL smtp: sending held"), line)
        for w in words:
            self.assertIn(w, line)
        self.assertIn("Outgoing mail is held", self.status(now))

    def assert_all_once(self):
        rows = self.rows()
        self.assertEqual({s for s, _, _, _ in rows}, {"sent"}, rows)
        got = collections.Counter(message_id(d) for _, _, d in self.srv.sent())
        self.assertEqual(got, collections.Counter({m: 1 for _, _, _, m in rows}))


class SendAs(AccountTest):
    def test_send_as_denied_for_two_cycles_then_granted(self):
        for s in ("ann@example.com", "bob@example.com", "cat@example.com"):
            self.env.dovecot.deliver(mail(s, "help"))
        self.srv.refusal = "send_as_denied"
        r = self.once(now=at(0), expect=1)
        self.assertIn(f"Add-RecipientPermission -Identity {ADDRESS} -Trustee {USER}"
                      " -AccessRights SendAs", r.stderr)
        self.assertNotIn("failed for good", r.stderr)
        self.assert_held(at(0), ["SendAsDeniedException", "Add-RecipientPermission"])
        # one message offered; the others wait without an attempt
        self.assertEqual([a for _, a, _, _ in self.rows()], [1, 0, 0])
        # not due before the backoff: nothing is offered
        offered = len(self.srv.auth_log)
        self.once(now=at(0.5))
        self.assertEqual(len(self.srv.auth_log), offered)
        # the second cycle: refused again, the backoff doubles
        self.once(now=at(1.5), expect=1)
        self.assert_held(at(1.5), ["SendAsDeniedException"])
        self.assertEqual([a for _, a, _, _ in self.rows()], [2, 0, 0])
        # the administrator grants Send As: the queue goes on by itself
        self.srv.refusal = None
        self.once(now=at(4))
        self.assert_all_once()
        rc, out = self.health(at(4))
        self.assertIn("OK smtp: last successful delivery", out)
        self.assertNotIn("Outgoing mail is held", self.status(at(4)))
        self.once(now=at(60))
        self.assert_all_once()


class Reload(AccountTest):
    def test_granted_then_reloaded_sends_at_once(self):
        """The daemon holds the queue on Send As denied; once granted, a
        reload (SIGHUP) sends it at once rather than after the backoff."""
        self.env.dovecot.deliver(mail("ann@example.com", "help"))
        self.env.dovecot.deliver(mail("bob@example.com", "help"))
        self.srv.refusal = "send_as_denied"

        def held():
            db = self.env.db()
            try:
                return db.execute("SELECT next_attempt - strftime('%s', 'now') FROM outbound"
                                  " WHERE status = 'queued'").fetchall()
            except sqlite3.OperationalError:
                return []
            finally:
                db.close()

        with running(self.env) as p:
            deadline = time.monotonic() + 30
            while not (len(held()) == 2 and all(w >= 45 for (w,) in held())):
                self.assertLess(time.monotonic(), deadline, f"never held back: {held()}")
                time.sleep(0.2)
            self.srv.refusal = None
            start = time.monotonic()
            p.send_signal(signal.SIGHUP)
            while len(self.srv.sent()) < 2 and time.monotonic() - start < 30:
                time.sleep(0.1)
            took = time.monotonic() - start
            p.send_signal(signal.SIGTERM)
            p.wait(5)
        self.assertLess(took, 30)
        self.assert_all_once()


class EachRefusal(AccountTest):
    advice = {
        "send_as_denied": "-AccessRights SendAs",
        "smtp_auth_disabled": f"Set-CASMailbox -Identity {USER} -SmtpClientAuthenticationDisabled $false",
        "not_allowed_sender": "-AccessRights SendAs",
        "tenant_blocked": "Restricted entities",
        "tenant_threshold": "Restricted entities",
        "sender_refused": f"give {USER} the right to send as {ADDRESS}",
        "auth_failed": "check [smtp] user and its password_file",
    }

    def test_each_holds_the_queue_and_fails_nothing(self):
        self.assertLessEqual(set(self.advice), set(ACCOUNT_REFUSALS))
        self.env.dovecot.deliver(mail("ann@example.com", "help"))
        self.env.dovecot.deliver(mail("bob@example.com", "help"))
        minute = 0
        for name, advice in self.advice.items():
            with self.subTest(refusal=name):
                self.srv.refusal = name
                # past any backoff (an hour at most)
                minute += 61
                r = self.once(now=at(minute), expect=1)
                self.assertIn(advice, r.stderr)
                self.assertNotIn("failed for good", r.stderr)
                self.assert_held(at(minute), [ACCOUNT_REFUSALS[name][1][:9], advice])
        self.srv.refusal = None
        self.once(now=at(minute + 61))
        self.assert_all_once()


class Quota(AccountTest):
    def test_quota_waits_the_providers_day(self):
        self.env.dovecot.deliver(mail("ann@example.com", "help"))
        for name in ("quota", "gmail_quota"):
            with self.subTest(refusal=name):
                self.srv.refusal = name
                start = 0 if name == "quota" else 24 * 60 + 5
                r = self.once(now=at(start), expect=1)
                self.assertIn("may not send for 24 hours", r.stderr)
                self.assert_held(at(start), ["24 hours"])
                # an hour later nothing is offered
                self.srv.refusal = None
                self.once(now=at(start + 60))
                self.assertEqual(self.srv.sent(), [])
                self.assertEqual(self.rows()[0][0], "queued")
        self.once(now=at(start + 24 * 60 + 1))
        self.assert_all_once()


class RecipientStillFails(AccountTest):
    def test_a_refused_recipient_fails_that_message_only(self):
        self.env.dovecot.deliver(mail("ann@example.com", "help"))
        self.env.dovecot.deliver(mail("bob@example.com", "help"))
        self.srv.rcpt_policy = lambda a, n: "550 5.1.1 User unknown" if a == "ann@example.com" else None
        self.once(now=at(0), expect=1)
        self.assertEqual([s for s, _, _, _ in self.rows()], ["failed", "sent"])
        rc, out = self.health(at(0))
        self.assertNotIn("sending held", out)


class TestSend(AccountTest):
    """`mentord test-send ADDRESS`: one message now, outside the queue, and
    the server's answer."""

    def send(self, *args):
        return self.env.run("test-send", *args)

    def test_refused_then_accepted(self):
        self.srv.refusal = "send_as_denied"
        r = self.send("operator@example.net")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("refused", r.stderr)
        self.assertIn("SendAsDeniedException", r.stderr)
        self.assertIn(f"Add-RecipientPermission -Identity {ADDRESS} -Trustee {USER}", r.stderr)
        self.srv.refusal = "smtp_auth_disabled"
        r = self.send("operator@example.net")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("535 5.7.139", r.stderr)
        self.assertIn(f"Set-CASMailbox -Identity {USER} -SmtpClientAuthenticationDisabled $false",
                      r.stderr)
        self.assertEqual(self.srv.sent(), [])
        self.srv.refusal = None
        r = self.send("operator@example.net")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"test-send: smtp://127\.0\.0\.1:\d+ accepted the message from"
                         rf" {ADDRESS} to operator@example\.net \(Message-ID <test-send\.[0-9a-f]+@"
                         r"example\.org>\): 250 OK queued")
        [(mail_from, rcpts, msg)] = self.srv.parsed()
        self.assertEqual((mail_from, rcpts), (ADDRESS, ["operator@example.net"]))
        self.assertIn(ADDRESS, msg["From"])
        self.assertIn(f"from {USER} as {ADDRESS}", msg.get_content())
        # outside the queue: no database is even opened
        self.assertFalse(os.path.exists(os.path.join(self.env.root, "state", "mentord.db")))

    def test_bad_address(self):
        for bad in ("nobody", "a@b\r\nRCPT TO:<x@y>", ""):
            with self.subTest(address=bad):
                r = self.send(bad)
                self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(self.srv.sent(), [])
