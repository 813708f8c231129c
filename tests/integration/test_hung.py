"""Hung servers, each behind a proxy the test controls (tests/harness/
proxy.py), in front of the real Dovecot or SMTP recorder: an IMAP server
that never greets, one that stops answering in the middle of a FETCH or
during IDLE (a dead peer that TCP still keeps open), an SMTP server that
stalls after DATA or answers one byte a second. Each time mentord times
out, reconnects with backoff, loses nothing, sends nothing twice, and stops
within a second on SIGTERM."""
import os
import signal
import sqlite3
import subprocess
import time
import unittest

from common import REPO, mail
from proxy import Freeze, Proxy, Silent, Trickle
from servers import Env

TIMEOUT = 2


def deliver_many(dovecot, messages, tag):
    new = os.path.join(dovecot.maildir, "new")
    for i, raw in enumerate(messages):
        tmp = os.path.join(dovecot.maildir, "tmp", f"{time.time():.6f}.{tag}{i}.hung")
        with open(tmp, "wb") as f:
            f.write(raw)
        if os.getuid() == 0:
            os.chown(tmp, dovecot.owner.pw_uid, dovecot.owner.pw_gid)
        os.rename(tmp, os.path.join(new, os.path.basename(tmp)))


class HungTest(unittest.TestCase):
    def setUp(self):
        self.env = Env(os.environ["MENTORD"], REPO)
        self.addCleanup(self.env.close)

    def configure(self, imap_port=None, smtp_port=None, extra=""):
        from servers import mentord_config
        self.env.config = mentord_config(
            self.env.root, imap_port or self.env.dovecot.port, smtp_port or self.env.smtp.port,
            REPO, f"imap.timeout_seconds = {TIMEOUT}\nsmtp.timeout_seconds = {TIMEOUT}\n"
            f"imap.poll_seconds = 3600\nprogramme.max_unproven_per_hour = 100000\n{extra}")

    def proxy(self, upstream, plan):
        p = Proxy(upstream, plan)
        self.addCleanup(p.close)
        return p

    def spawn(self, *options):
        log_path = os.path.join(self.env.root, f"run-{time.monotonic_ns()}.log")
        with open(log_path, "w") as log:
            p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, *options, "run"],
                                 stdout=subprocess.DEVNULL, stderr=log)
        p.log_path = log_path
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        return p

    @staticmethod
    def log(p):
        with open(p.log_path, errors="replace") as f:
            return f.read()

    def until(self, predicate, timeout=30, p=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        self.fail("timed out" + ("\n" + self.log(p) if p is not None else ""))

    def sigterm(self, p, what):
        start = time.monotonic()
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        took = time.monotonic() - start
        print(f"  SIGTERM {what}: run ended in {took * 1000:.0f} ms")
        self.assertEqual(p.returncode, 0, self.log(p))
        self.assertLess(took, 1.0, f"SIGTERM {what} took {took:.2f} s")
        self.assertNotIn("Sanitizer", self.log(p))

    def sigterm_during(self, behaviour, event, what, extra=""):
        """A new `run` whose every IMAP connection hangs so; SIGTERM once
        it does."""
        proxy = self.proxy(self.env.dovecot.port, {i: behaviour for i in range(10)})
        self.configure(imap_port=proxy.port, extra=extra)
        p = self.spawn()
        self.until(lambda: proxy.events(event), 30, p)
        time.sleep(0.5)
        self.sigterm(p, what)

    def answered_once(self, expected):
        rcpts = [r[0] for _, r, _ in self.env.smtp.sent()]
        self.assertEqual(len(rcpts), len(set(rcpts)), "someone was answered twice")
        self.assertEqual(sorted(rcpts), sorted(expected), "lost or extra answers")

    # ------------------------------------------------------------ IMAP ----

    def test_imap_server_that_never_greets(self):
        proxy = self.proxy(self.env.dovecot.port, {0: Silent(), 1: Silent(), 2: Silent()})
        self.configure(imap_port=proxy.port)
        self.env.dovecot.deliver(mail("greet@example.com", "help"))
        p = self.spawn()
        self.until(lambda: self.env.smtp.sent(), 60, p)
        log = self.log(p)
        connects = [t for t, _ in proxy.events("connect")]
        gaps = [b - a for a, b in zip(connects, connects[1:])]
        print(f"\n  no greeting: {log.count('no answer from')} timeouts, connections"
              f" {', '.join(f'{g:.1f}' for g in gaps)} s apart")
        self.assertGreaterEqual(log.count(f"within {TIMEOUT} s"), 3, log)
        self.assertIn("reconnecting in 2 s", log)
        self.assertIn("reconnecting in 4 s", log)
        # each wait is the timeout plus a growing backoff
        self.assertGreater(gaps[1], gaps[0] + 1.5)
        self.answered_once(["greet@example.com"])
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        # SIGTERM while it waits for a greeting that never comes
        self.sigterm_during(Silent(), "connect 0", "waiting for a greeting")

    def test_imap_server_that_stops_in_the_middle_of_a_fetch(self):
        n = 300
        deliver_many(self.env.dovecot, [mail(f"fetch{i:03d}@example.com", "help") for i in range(n)],
                     "f")
        # the first connection stops 40 kB into the answer to the first
        # UID FETCH of whole messages
        proxy = self.proxy(self.env.dovecot.port, {0: Freeze(b"BODY.PEEK[]", 40000)})
        self.configure(imap_port=proxy.port)
        p = self.spawn()
        self.until(lambda: len(self.env.smtp.sent()) >= n, 120, p)
        time.sleep(1)
        log = self.log(p)
        frozen = proxy.events("frozen")[0][0]
        second = proxy.events("connect 1")[0][0]
        print(f"\n  stopped mid-FETCH: reconnected {second - frozen:.1f} s later"
              f" (timeout_seconds = {TIMEOUT}); {n} answered once each")
        self.assertIn(f"no answer from 127.0.0.1 port {proxy.port} within {TIMEOUT} s", log)
        self.assertLess(second - frozen, TIMEOUT + 5)
        self.answered_once([f"fetch{i:03d}@example.com" for i in range(n)])
        db = self.env.db()
        self.assertEqual(db.execute("SELECT count(*) FROM inbound WHERE flagged = 1").fetchone()[0], n)
        db.close()
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        self.env.dovecot.deliver(mail("late@example.com", "help"))
        self.sigterm_during(Freeze(b"BODY.PEEK[]", 100), "frozen 0", "in the middle of a hung FETCH")

    def test_imap_server_that_stops_during_idle(self):
        idle_s = 3
        proxy = self.proxy(self.env.dovecot.port, {0: Freeze(b"IDLE\r\n", b"+ ")})
        self.configure(imap_port=proxy.port, extra=f"imap.idle_seconds = {idle_s}")
        p = self.spawn()
        self.until(lambda: proxy.events("frozen 0"), 30, p)
        frozen = proxy.events("frozen 0")[0][0]
        # mail that comes while the connection is dead is not lost
        self.env.dovecot.deliver(mail("idle@example.com", "help"))
        self.until(lambda: self.env.smtp.sent(), 30, p)
        done = proxy.events("client spoke to a frozen peer 0")[0][0]
        again = proxy.events("connect 1")[0][0]
        print(f"\n  dead during IDLE: DONE after {done - frozen:.1f} s (idle_seconds = {idle_s}),"
              f" unanswered, reconnected {again - done:.1f} s after it (timeout_seconds = {TIMEOUT})")
        self.assertGreater(done - frozen, idle_s - 0.5)
        self.assertLess(done - frozen, idle_s + 1.5)
        self.assertGreater(again - done, TIMEOUT - 0.5)
        self.assertLess(again - done, TIMEOUT + 1.5)
        self.answered_once(["idle@example.com"])
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        self.sigterm_during(Freeze(b"IDLE\r\n", b"+ "), "frozen 0", "idling on a dead connection",
                            f"imap.idle_seconds = {idle_s}")

    def test_noop_notices_a_dead_connection(self):
        """The server answers IDLE and DONE, then dies: the NOOP between two
        IDLEs goes unanswered, and mentord reconnects after timeout_seconds."""
        idle_s = 2
        proxy = self.proxy(self.env.dovecot.port, {0: Freeze(b"NOOP", 0)})
        self.configure(imap_port=proxy.port, extra=f"imap.idle_seconds = {idle_s}")
        p = self.spawn()
        self.until(lambda: proxy.events("connect 1"), 30, p)
        noop = proxy.events("trigger 0")[0][0]
        again = proxy.events("connect 1")[0][0]
        print(f"\n  NOOP unanswered: reconnected {again - noop:.1f} s after it"
              f" (timeout_seconds = {TIMEOUT})")
        self.assertGreater(again - noop, TIMEOUT - 0.5)
        self.assertLess(again - noop, TIMEOUT + 1.5)
        self.assertIn("NOOP", self.log(p))
        self.env.dovecot.deliver(mail("noop@example.com", "help"))
        self.until(lambda: self.env.smtp.sent(), 30, p)
        self.answered_once(["noop@example.com"])
        self.sigterm(p, "after a dead connection was replaced")

    # ------------------------------------------------------------ SMTP ----

    def sent_later(self, proxy, what):
        """The queue after a hung first attempt: nothing delivered, a retry
        with backoff, then delivered once by the next run."""
        self.env.dovecot.deliver(mail("smtp1@example.com", "help"))
        self.env.dovecot.deliver(mail("smtp2@example.com", "help"))
        self.configure(smtp_port=proxy.port)
        start = time.monotonic()
        r = self.env.run("once", now="2026-03-02T10:00", timeout=60)
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.env.smtp.sent(), [], "delivered through a hung server?")
        self.assertIn("timeout", r.stderr)
        db = self.env.db()
        rows = db.execute("SELECT status, attempts, next_attempt FROM outbound ORDER BY id").fetchall()
        db.close()
        t0 = 1772442000   # 2026-03-02T10:00 in Europe/Zurich
        # the one tried waits for its backoff; all are still owed
        self.assertTrue(all(s == "queued" for s, _, _ in rows), rows)
        self.assertEqual(rows[0][1], 1, rows)
        self.assertGreaterEqual(rows[0][2], t0 + 60, rows)
        print(f"\n  SMTP {what}: once gave up after {took:.1f} s (timeout_seconds = {TIMEOUT});"
              f" queue waits {rows[0][2] - t0} s")
        r = self.env.run("once", now="2026-03-02T10:03", timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.answered_once(["smtp1@example.com", "smtp2@example.com"])

    def test_smtp_server_that_stalls_after_data(self):
        proxy = self.proxy(self.env.smtp.port, {0: Freeze(b"DATA\r\n", b"354")})
        self.sent_later(proxy, "stalled after DATA")
        self.assertTrue(proxy.events("client spoke to a frozen peer 0"), "the body was never sent")

    def test_smtp_server_that_answers_one_byte_a_second(self):
        proxy = self.proxy(self.env.smtp.port, {0: Trickle()})
        self.sent_later(proxy, "one byte a second")

    def test_sigterm_while_the_smtp_server_hangs(self):
        proxy = self.proxy(self.env.smtp.port, {i: Freeze(b"DATA\r\n", b"354") for i in range(5)})
        self.configure(smtp_port=proxy.port, extra="smtp.timeout_seconds = 60")
        self.env.dovecot.deliver(mail("stuck@example.com", "help"))
        p = self.spawn()
        self.until(lambda: proxy.events("frozen 0"), 30, p)
        time.sleep(0.5)
        self.sigterm(p, "while the sending process waits for a hung SMTP server")
        self.assertEqual(self.env.smtp.sent(), [])
        # the message is still owed, and goes once the server answers
        proxy.plan.clear()
        r = self.env.run("once", timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.answered_once(["stuck@example.com"])


if __name__ == "__main__":
    unittest.main()
