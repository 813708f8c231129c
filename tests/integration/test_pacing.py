"""The provider's limits: [smtp] max_per_minute and max_recipients_per_day,
a 421 or a 4.7.x answer that slows the sender down, and answers to people
ahead of scheduled mail. The pacing clock is the programme's: `--now` moves
it, so each test walks minutes or days in a few runs of `once`."""
import collections
import email
import email.policy
import signal
import time
from datetime import datetime, timedelta

from common import MentordTest, mail
from smtp_extra import Sink, Smtpd, wait_until

T0 = datetime(2031, 3, 4, 10, 0)


def at(minutes):
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")


def epoch(minutes):
    """Seconds since the epoch of at(minutes) (T0 is Europe/Zurich, UTC+1)."""
    return int((T0 + timedelta(minutes=minutes) - datetime(1970, 1, 1)).total_seconds()) - 3600


def mid(data):
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    return (msg.get("Message-ID") or "").strip().strip("<>")


class PacingTest(MentordTest):
    def ask(self, *senders):
        for s in senders:
            self.env.dovecot.deliver(mail(s, "help"))

    def rows(self):
        db = self.env.db()
        try:
            cur = db.execute("SELECT id, message_id, kind, status, attempts, sent_at, next_attempt,"
                             " last_error FROM outbound ORDER BY id")
            names = [c[0] for c in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
        finally:
            db.close()

    def sent_order(self):
        """Row ids in the order the server accepted them."""
        ids = {r["message_id"]: r["id"] for r in self.rows()}
        return [ids[mid(d)] for _, _, d in self.env.smtp.sent()]


class PerMinute(PacingTest):
    """max_per_minute = 30 and 100 queued messages: no minute holds more
    than 30 sends, all 100 go, in order."""
    extra_config = "smtp.max_per_minute = 30\nprogramme.max_unproven_per_hour = 100000"
    smtp = staticmethod(lambda root: Smtpd(pipelining=True))

    def test_100_messages_at_30_a_minute(self):
        senders = [f"p{i:03d}@example.com" for i in range(100)]
        self.ask(*senders)
        per_run = []
        for minutes in (0, 0.5, 0.99, 1, 1.5, 2, 2.5, 3, 4):
            before = len(self.env.smtp.sent())
            self.once(now=at(minutes))
            per_run.append((minutes, len(self.env.smtp.sent()) - before))
        print(f"\n  sends per run of `once` (minute, count): {per_run}")
        self.assertEqual(per_run, [(0, 30), (0.5, 0), (0.99, 0), (1, 30), (1.5, 0), (2, 30),
                                   (2.5, 0), (3, 10), (4, 0)])
        rows = self.rows()
        self.assertEqual(collections.Counter(r["status"] for r in rows), {"sent": 100})
        # in any 60 seconds, at most 30 (sent_at is the programme clock)
        times = sorted(r["sent_at"] for r in rows)
        for i, t in enumerate(times):
            self.assertLessEqual(sum(1 for u in times[i:] if u < t + 60), 30)
        # in queue order, each once, no attempt wasted on the limit
        self.assertEqual(self.sent_order(), [r["id"] for r in rows])
        self.assertEqual({r["attempts"] for r in rows}, {1})
        self.assertEqual(self.env.smtp.message_ids().most_common(1)[0][1], 1)
        self.assertEqual({r["kind"] for r in rows}, {"help"})

    def test_the_daemon_waits_for_the_window(self):
        """`run` is told when the window has room again: it sleeps until
        then, and does not try the queue over and over meanwhile."""
        self.ask(*[f"q{i:02d}@example.com" for i in range(31)])
        p = self.env.spawn("run", now=at(0))
        try:
            self.assertTrue(wait_until(lambda: len(self.env.smtp.sent()) >= 30, 30))
            time.sleep(3)
            self.assertEqual(len(self.env.smtp.sent()), 30)
        finally:
            p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=10)
        self.assertEqual(p.returncode, 0, err)
        self.assertNotIn("Sanitizer", err)
        self.assertNotIn("runtime error", err)
        self.assertEqual(err.count("the rest waits its turn"), 1, err)
        self.assertEqual(collections.Counter(r["status"] for r in self.rows()),
                         {"sent": 30, "queued": 1})


class PerDay(PacingTest):
    extra_config = "smtp.max_recipients_per_day = 3"
    smtp = staticmethod(lambda root: Smtpd())

    def test_three_a_day(self):
        self.ask(*[f"d{i}@example.com" for i in range(5)])
        self.once(now=at(0))
        self.assertEqual(len(self.env.smtp.sent()), 3)
        for minutes in (1, 60, 23 * 60 + 59):
            self.once(now=at(minutes))
            self.assertEqual(len(self.env.smtp.sent()), 3, minutes)
        self.once(now=at(24 * 60))
        self.assertEqual(len(self.env.smtp.sent()), 5)
        self.assertEqual(self.sent_order(), [r["id"] for r in self.rows()])


class AnswersFirst(PacingTest):
    """Under a limit, answers to people go before scheduled mail that was
    queued earlier."""
    extra_config = "smtp.max_per_minute = 5"
    smtp = staticmethod(lambda root: Smtpd())

    def test_answers_overtake_digests(self):
        for _ in range(4):
            r = self.env.run("digest", now=at(0))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.ask("a1@example.com", "a2@example.com", "a3@example.com")
        self.once(now=at(0))
        kinds = [email.message_from_bytes(d)["X-Mentord-Kind"] for _, _, d in self.env.smtp.sent()]
        # 5 transactions: the 3 answers, then the first digest to both members
        self.assertEqual(kinds, ["help"] * 3 + ["digest"] * 2)
        self.ask("a4@example.com")
        self.once(now=at(1))
        kinds = [email.message_from_bytes(d)["X-Mentord-Kind"] for _, _, d in self.env.smtp.sent()]
        self.assertEqual(kinds[5:], ["help"] + ["digest"] * 4)
        self.once(now=at(2))
        self.assertEqual(collections.Counter(r["status"] for r in self.rows()), {"sent": 8})


class Throttling(PacingTest):
    """A 421, or a 4.7.x to MAIL FROM, slows the queue down instead of
    counting against a message: the pause doubles while it lasts and
    starts again at a minute once a message is accepted."""
    smtp = staticmethod(lambda root: Sink(root))

    def test_421_pauses_the_queue_without_charging_messages(self):
        self.ask("t1@example.com", "t2@example.com", "t3@example.com")
        self.env.smtp.set("-Q", "rcpt")
        self.once(now=at(0), expect=1)
        rows = self.rows()
        self.assertEqual([(r["status"], r["attempts"]) for r in rows], [("queued", 0)] * 3)
        self.assertIn("RCPT TO: 421", rows[0]["last_error"])
        self.assertEqual({r["next_attempt"] for r in rows}, {epoch(1)})
        self.once(now=at(0.5))
        self.assertEqual(self.env.smtp.received(), [])
        # throttled again: twice as long
        self.once(now=at(1), expect=1)
        self.assertEqual({r["next_attempt"] for r in self.rows()}, {epoch(3)})
        self.env.smtp.set()
        self.once(now=at(2))
        self.assertEqual(self.env.smtp.sent(), [])
        self.once(now=at(3))
        rows = self.rows()
        self.assertEqual([(r["status"], r["attempts"]) for r in rows], [("sent", 1)] * 3)
        # (smtp-sink's dumps do not keep the order: the others check it)
        self.assertEqual(sorted(self.sent_order()), [r["id"] for r in rows])
        # a policy answer to MAIL FROM is throttling too; the run ended
        # with the last acceptance, so the pause is a minute again
        self.ask("t4@example.com")
        self.env.smtp.set("-r", "mail", "-b", "451 4.7.0 Try again later, sending rate exceeded")
        self.once(now=at(10), expect=1)
        last = self.rows()[-1]
        self.assertEqual((last["status"], last["attempts"]), ("queued", 0))
        self.assertEqual(last["next_attempt"], epoch(11))
        self.assertIn("MAIL FROM: 451 4.7.0 Try again later", last["last_error"])
        self.env.smtp.set()
        self.once(now=at(11))
        self.assertEqual(self.rows()[-1]["status"], "sent")
