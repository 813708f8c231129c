"""The thinnest end-to-end path: help in, help out, exactly once."""
import os
import signal
import subprocess
import time

from common import MentordTest, kinds, mail, delivered, running
from smtp_extra import wait_until

# What the receiving server adds for a sender of example.com it vouches for.
VOUCHED = {"Authentication-Results": "mx.example.org; dkim=pass header.d=example.com"}

HERE = os.path.dirname(os.path.abspath(__file__))


class HelpRoundTrip(MentordTest):
    extra_config = "committee.authserv_id = mx.example.org"
    def test_help_is_answered_once_in_both_languages(self):
        self.env.dovecot.deliver(mail("Alice Martin <alice@example.com>", "help"))
        self.once()
        sent = delivered(self.env)
        self.assertEqual(len(sent), 1)
        mail_from, rcpts, msg = sent[0]
        self.assertEqual(rcpts, ["alice@example.com"])
        self.assertEqual(mail_from, "mentoring@example.org")
        self.assertEqual(msg["X-Mentord-Kind"], "help")
        self.assertEqual(msg["Auto-Submitted"], "auto-replied")
        self.assertIn("In-Reply-To", msg)
        body = msg.get_body(("plain",)).get_content()
        self.assertIn("Role: mentor or mentee", body)
        self.assertIn("Rôle : mentor ou mentoré", body)
        # a second run finds nothing new
        self.once()
        self.assertEqual(kinds(self.env), ["help"])

    def test_aide_and_reply_prefix(self):
        self.env.dovecot.deliver(mail("bruno@example.fr", "TR: Aide"))
        self.once()
        self.assertEqual(kinds(self.env), ["help"])

    def test_human_mail_stays_unread_and_unflagged(self):
        self.env.dovecot.deliver(mail("carol@example.com", "A question about the programme",
                                      "Hello, could I join as both?"))
        self.env.dovecot.deliver(mail("dan@example.com", "help"))
        self.once()
        # the question is left for a person, and its sender told so once
        self.assertEqual(sorted(kinds(self.env)), ["help", "passed-on"])
        told = [rcpts for _, rcpts, m in delivered(self.env) if m["X-Mentord-Kind"] == "passed-on"]
        self.assertEqual(told, [["carol@example.com"]])
        imap = self.env.dovecot.imap()
        imap.select("INBOX", readonly=True)
        typ, data = imap.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (FROM)])")
        flags = {}
        for item in data:
            if isinstance(item, tuple):
                flags[item[1].decode().strip()] = item[0].decode()
        imap.logout()
        human = [f for k, f in flags.items() if "carol" in k][0]
        robot = [f for k, f in flags.items() if "dan" in k][0]
        self.assertNotIn("\\Seen", human)
        self.assertNotIn("$MentordDone", human)
        self.assertIn("$MentordDone", robot)
        self.assertNotIn("\\Seen", robot)

    def test_autoreply_and_own_mail_are_never_answered(self):
        self.env.dovecot.deliver(mail("eve@example.com", "help",
                                      headers={"Auto-Submitted": "auto-replied"}))
        self.env.dovecot.deliver(mail("mentoring@example.org", "help"))
        self.once()
        self.assertEqual(kinds(self.env), [])

    def test_answers_per_sender_per_day_are_capped(self):
        # the receiving server vouches for Frank (a sender it does not
        # vouch for gets max_answers_per_unproven_address a day)
        for _ in range(4):
            self.env.dovecot.deliver(mail("frank@example.com", "help", headers=VOUCHED))
        self.once()
        # the default cap is 10: four are answered
        self.assertEqual(kinds(self.env), ["help"] * 4)


class CappedAnswers(MentordTest):
    extra_config = "programme.max_answers_per_day = 2\ncommittee.authserv_id = mx.example.org"

    def test_third_help_of_the_day_is_not_answered(self):
        for _ in range(3):
            self.env.dovecot.deliver(mail("gina@example.com", "help", headers=VOUCHED))
        self.once()
        self.assertEqual(kinds(self.env), ["help", "help"])


class Idempotence(MentordTest):
    def test_killed_between_commit_and_flag(self):
        """SIGKILL after the transaction committed and before the server
        was told: the next run flags the message and answers nothing twice."""
        self.env.dovecot.deliver(mail("hana@example.com", "help"))
        r = self.env.run("once", env={"MENTORD_FAULT": "kill-after-commit"})
        self.assertEqual(r.returncode, -signal.SIGKILL, r.stderr)
        self.assertIn("fault injection", r.stderr)
        # committed: the answer is queued, nothing sent, nothing flagged
        self.assertEqual(kinds(self.env), [])
        db = self.env.db()
        self.assertEqual(db.execute("SELECT count(*) FROM outbound").fetchone()[0], 1)
        self.assertEqual(db.execute("SELECT flagged FROM inbound").fetchone()[0], 0)
        db.close()
        imap = self.env.dovecot.imap()
        imap.select("INBOX", readonly=True)
        typ, data = imap.fetch("1", "(FLAGS)")
        self.assertNotIn(b"$MentordDone", data[0])
        imap.logout()
        # the next run: flagged now, the queued answer goes out once
        self.once()
        self.once()
        self.assertEqual(kinds(self.env), ["help"])
        imap = self.env.dovecot.imap()
        imap.select("INBOX", readonly=True)
        typ, data = imap.fetch("1", "(FLAGS)")
        self.assertIn(b"$MentordDone", data[0])
        imap.logout()

    def test_replay_after_uidvalidity_change(self):
        """The mailbox is rebuilt (new UIDVALIDITY, flags lost): every
        message comes back under new UIDs; the Message-ID recorded with
        each makes it a no-op, and it is flagged again."""
        self.env.dovecot.deliver(mail("ivan@example.com", "help"))
        self.once()
        imap = self.env.dovecot.imap()
        imap.select("INBOX")
        before = imap.response("UIDVALIDITY")[1][0]
        imap.logout()
        self.env.dovecot.stop()
        maildir = self.env.dovecot.maildir
        for name in os.listdir(maildir):
            if name.startswith("dovecot"):
                os.remove(os.path.join(maildir, name))
        for name in os.listdir(os.path.join(maildir, "cur")):
            # drop the keyword from the file name: the flag is lost too
            base = name.split(":2,")[0]
            os.rename(os.path.join(maildir, "cur", name), os.path.join(maildir, "new", base))
        time.sleep(1.1)  # UIDVALIDITY is a timestamp
        self.env.dovecot.start()
        imap = self.env.dovecot.imap()
        imap.select("INBOX", readonly=True)
        self.assertNotEqual(imap.response("UIDVALIDITY")[1][0], before)
        typ, data = imap.fetch("1", "(FLAGS)")
        self.assertNotIn(b"$MentordDone", data[0])
        imap.logout()
        self.once()
        self.assertEqual(kinds(self.env), ["help"])
        imap = self.env.dovecot.imap()
        imap.select("INBOX", readonly=True)
        typ, data = imap.fetch("1", "(FLAGS)")
        self.assertIn(b"$MentordDone", data[0])
        imap.logout()


class CommandLine(MentordTest):
    def test_check_config_and_usage(self):
        r = self.env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration ok", r.stdout)
        r = self.env.run("check-config", "--connect")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("IMAP: ok", r.stdout)
        self.assertIn("SMTP: ok", r.stdout)
        r = self.env.run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage:", r.stderr)
        r = subprocess.run([self.env.mentord_bin, "--version"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("mentord", r.stdout)

    def test_unreachable_imap_makes_once_fail(self):
        self.env.dovecot.stop()
        r = self.env.run("once")
        self.assertEqual(r.returncode, 1)
        self.assertIn("<3>", r.stderr)


class Daemon(MentordTest):
    def test_run_answers_and_stops_on_sigterm(self):
        with running(self.env) as p:
            time.sleep(0.5)
            self.env.dovecot.deliver(mail("jo@example.com", "help"))
            self.assertTrue(self.env.smtp.wait_for(1, timeout=10), "no answer from run")
            start = time.monotonic()
            p.send_signal(signal.SIGTERM)
            p.wait(5)
            self.assertLess(time.monotonic() - start, 1.5)
            self.assertEqual(p.returncode, 0)
        self.assertEqual(kinds(self.env), ["help"])

    def test_sighup_reloads_and_keeps_running(self):
        with running(self.env) as p:
            time.sleep(0.5)
            p.send_signal(signal.SIGHUP)
            time.sleep(0.8)
            self.assertIsNone(p.poll())
            self.env.dovecot.deliver(mail("kim@example.com", "aide"))
            self.assertTrue(self.env.smtp.wait_for(1, timeout=10))
            p.send_signal(signal.SIGINT)
            p.wait(5)
            err = p.stderr.read()
            self.assertIn("configuration reloaded", err)

    def test_idle_daemon_holds_neither_libcurl_nor_libical(self):
        """Sending runs in a child process that loads libcurl; libical is
        let go before the wait (DESIGN.md section 9: an idle daemon stays
        small). A calendar reply makes the daemon read a calendar first."""
        with open(os.path.join(HERE, "..", "fixtures", "ical", "google-accepted.ics")) as f:
            cal = f.read().replace("\r\n", "\n").replace("\n", "\r\n")
        with running(self.env) as p:
            self.env.dovecot.deliver(mail("lee@example.com", "help"))
            self.env.dovecot.deliver((
                "MIME-Version: 1.0\r\nFrom: lee@example.com\r\nTo: mentoring@example.org\r\n"
                "Subject: Accepted: Training\r\nMessage-ID: <cal-idle@example.com>\r\n"
                "Date: Tue, 03 Mar 2026 10:15:00 +0000\r\n"
                "Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n" + cal).encode())
            self.assertTrue(self.env.smtp.wait_for(1, timeout=10), "no answer from run")

            def idle_without_libraries():
                with open(f"/proc/{p.pid}/maps") as f:
                    maps = f.read()
                db = self.env.db()
                try:
                    handled = db.execute("SELECT count(*) FROM inbound").fetchone()[0]
                finally:
                    db.close()
                return handled == 2 and "libcurl" not in maps and "libical" not in maps
            self.assertTrue(wait_until(idle_without_libraries, 5),
                            "libcurl or libical still mapped in the idle daemon")
            self.assertIsNone(p.poll())
        self.assertEqual(kinds(self.env), ["help"])
