"""Delivery that loses nothing and sends nothing twice, against real SMTP
servers that refuse: Postfix's smtp-sink with its failure options, aiosmtpd
with TLS, AUTH and per-recipient policies.

Each case checks both ends: what the server accepted, counted by
Message-ID, and the queue in the database (status, attempts, last_error).
Help requests delivered to Dovecot are the messages; `--now` moves the
clock past the backoff (one minute, then doubling)."""
import collections
import email
import email.policy
import os
import shutil
import signal
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta

from common import REPO, MentordTest, mail, running
from servers import Env
from smtp_extra import Silent, Sink, Smtpd, make_ca

T0 = datetime(2031, 3, 3, 10, 0)


def at(minutes):
    """--now, minutes after T0 (programme local time)."""
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")


def message_id(data):
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    return (msg.get("Message-ID") or "").strip().strip("<>")


class DeliveryTest(MentordTest):
    def ask(self, *senders):
        """Help requests from each sender, each answered by one message."""
        for s in senders:
            self.env.dovecot.deliver(mail(s, "help"))

    def rows(self):
        db = self.env.db()
        try:
            cur = db.execute("SELECT id, message_id, status, attempts, last_error, envelope_to,"
                             " next_attempt FROM outbound ORDER BY id")
            names = [c[0] for c in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
        finally:
            db.close()

    def set_envelope(self, row_id, envelope_to):
        db = self.env.db()
        try:
            db.execute("UPDATE outbound SET envelope_to = ? WHERE id = ?", (envelope_to, row_id))
            db.commit()
        finally:
            db.close()

    def got(self, server=None):
        """Message-ID -> how many times the server accepted it."""
        server = server or self.env.smtp
        return collections.Counter(message_id(d) for _, _, d in server.sent())

    def assert_each_once(self, rows=None):
        rows = rows if rows is not None else self.rows()
        self.assertEqual(self.got(), collections.Counter({r["message_id"]: 1 for r in rows}))

    def assert_rows(self, expected):
        """expected: [(status, attempts)] in row order."""
        self.assertEqual([(r["status"], r["attempts"]) for r in self.rows()], expected,
                         self.rows())

    def queue_list(self, now=None):
        r = self.env.run("queue", "list", now=now)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout


class SinkRefusals(DeliveryTest):
    """smtp-sink refusing at chosen commands, then accepting."""
    smtp = staticmethod(lambda root: Sink(root))

    def temporary_then_accepted(self, command, where):
        self.ask("alice@example.com", "bob@example.com")
        self.env.smtp.set("-r", command, "-b", "451 4.3.2 queue full, test reason")
        self.once(now=at(0))
        rows = self.rows()
        self.assert_rows([("queued", 1), ("queued", 1)])
        for r in rows:
            self.assertIn(f"{where}: 451 4.3.2 queue full, test reason", r["last_error"])
        self.assertEqual(self.got(), collections.Counter())
        self.assertIn("queue full, test reason", self.queue_list())
        # not due before the backoff: nothing is tried
        self.env.smtp.set()
        self.once(now=at(0.5))
        self.assert_rows([("queued", 1), ("queued", 1)])
        self.assertEqual(self.got(), collections.Counter())
        # due: each goes out once
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2), ("sent", 2)])
        self.assertEqual([r["last_error"] for r in self.rows()], [None, None])
        self.assert_each_once(rows)
        self.once(now=at(30))
        self.assert_each_once(rows)

    def test_4xx_at_rcpt_then_accepted(self):
        self.temporary_then_accepted("rcpt", "RCPT TO")

    def test_4xx_at_data_then_accepted(self):
        self.temporary_then_accepted("data", "DATA")

    def test_4xx_after_final_dot_then_accepted(self):
        self.temporary_then_accepted(".", "end of data")

    def permanent(self, command, where):
        self.ask("carol@example.com")
        self.env.smtp.set("-f", command, "-B", "550 5.1.1 no such user, test reason")
        self.once(now=at(0), expect=1)
        self.assert_rows([("failed", 1)])
        self.assertIn(f"{where}: 550 5.1.1 no such user, test reason", self.rows()[0]["last_error"])
        self.assertIn("no such user, test reason", self.queue_list())
        # never tried again, even once the server would take it
        self.env.smtp.set()
        self.once(now=at(24 * 60))
        self.assert_rows([("failed", 1)])
        self.assertEqual(self.got(), collections.Counter())

    def test_5xx_at_rcpt_fails_at_once(self):
        self.permanent("rcpt", "RCPT TO")

    def test_5xx_after_final_dot_fails_at_once(self):
        self.permanent(".", "end of data")
        # smtp-sink read the message before refusing it, once
        self.assertEqual(len(self.env.smtp.received()), 1)

    def test_connection_dropped_before_final_dot(self):
        self.ask("dan@example.com", "erin@example.com")
        self.env.smtp.set("-q", "data")
        r = self.once(now=at(0), expect=1)
        # the batch stops at the first: the second was not tried
        self.assert_rows([("queued", 1), ("queued", 0)])
        self.assertIn("DATA: connection lost", self.rows()[0]["last_error"])
        self.assertIn("<3>", r.stderr)
        self.assertEqual(self.env.smtp.received(), [])
        self.env.smtp.set()
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2), ("sent", 1)])
        self.assert_each_once()

    def test_connection_dropped_after_final_dot(self):
        """No answer to the final dot: the server may have kept it. It is
        sent again, and the copy carries the same Message-ID."""
        self.ask("fay@example.com", "gus@example.com")
        self.env.smtp.set("-q", ".")
        self.once(now=at(0), expect=1)
        self.assert_rows([("queued", 1), ("queued", 0)])
        self.assertIn("end of data: connection lost (the message may have been delivered)",
                      self.rows()[0]["last_error"])
        first, second = [r["message_id"] for r in self.rows()]
        self.assertEqual(self.got(), collections.Counter({first: 1}))
        self.env.smtp.set()
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2), ("sent", 1)])
        self.assertEqual(self.got(), collections.Counter({first: 2, second: 1}))
        copies = [d for _, _, d in self.env.smtp.sent() if message_id(d) == first]
        self.assertEqual(copies[0], copies[1])

    def test_421_at_connect_postpones_the_queue(self):
        """A 421 is the server asking us to slow down: the queue pauses,
        and no message is charged an attempt."""
        self.ask("hal@example.com", "ida@example.com")
        self.env.smtp.set("-Q", "connect")
        self.once(now=at(0), expect=1)
        rows = self.rows()
        self.assert_rows([("queued", 0), ("queued", 0)])
        self.assertIn("greeting: 421 4.0.0", rows[0]["last_error"])
        # the other waits as long, without an error of its own
        self.assertEqual(rows[1]["next_attempt"], rows[0]["next_attempt"])
        self.assertIsNone(rows[1]["last_error"])
        self.env.smtp.set()
        self.once(now=at(0.5))
        self.assertEqual(self.got(), collections.Counter())
        self.once(now=at(1.5))
        self.assert_rows([("sent", 1), ("sent", 1)])
        self.assert_each_once()

    def test_421_mid_session(self):
        self.ask("jan@example.com", "kai@example.com")
        self.env.smtp.set("-Q", "rcpt")
        self.once(now=at(0), expect=1)
        self.assert_rows([("queued", 0), ("queued", 0)])
        self.assertIn("RCPT TO: 421 4.0.0", self.rows()[0]["last_error"])
        self.env.smtp.set()
        self.once(now=at(1.5))
        self.assert_rows([("sent", 1), ("sent", 1)])
        self.assert_each_once()

    def test_mail_from_refused_is_not_the_messages_fault(self):
        """A 5xx to our own MAIL FROM (say, authentication required) is a
        configuration matter: the message stays queued."""
        self.ask("lea@example.com")
        self.env.smtp.set("-f", "mail", "-B", "530 5.7.0 authentication required, test")
        self.once(now=at(0), expect=1)
        self.assert_rows([("queued", 1)])
        self.assertIn("MAIL FROM: 530 5.7.0 authentication required, test",
                      self.rows()[0]["last_error"])
        self.env.smtp.set()
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2)])
        self.assert_each_once()

    def test_queue_drop(self):
        self.ask("max@example.com")
        self.env.smtp.set("-r", "rcpt")
        self.once(now=at(0))
        row = self.rows()[0]
        r = self.env.run("queue", "drop", str(row["id"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.env.smtp.set()
        self.once(now=at(60))
        self.assert_rows([("dropped", 1)])
        self.assertEqual(self.got(), collections.Counter())
        r = self.env.run("queue", "drop", str(row["id"]))
        self.assertEqual(r.returncode, 1)

    def test_envelope_with_line_break_is_refused_before_the_server(self):
        self.ask("ned@example.com")
        self.once(now=at(0), dry_run=True)
        row = self.rows()[0]
        self.set_envelope(row["id"], "ned@example.com\r\nRCPT TO:<evil@example.net>")
        self.once(now=at(0), expect=1)
        self.assert_rows([("failed", 1)])
        self.assertIn("unusable recipient address", self.rows()[0]["last_error"])
        self.assertEqual(self.env.smtp.received(), [])


class QueueLifetime(DeliveryTest):
    """A temporary failure is retried, the backoff doubling from a minute,
    until smtp.queue_lifetime has passed; the last try is at its end."""
    extra_config = "smtp.queue_lifetime = 10m"
    smtp = staticmethod(lambda root: Sink(root))

    def test_retried_until_the_lifetime_then_failed_with_the_last_answer(self):
        self.ask("ora@example.com")
        self.env.smtp.set("-r", "rcpt")
        for minutes, attempts in ((0, 1), (0.5, 1), (1, 2), (2, 2), (3, 3), (7, 4), (9.5, 4)):
            self.once(now=at(minutes))
            self.assert_rows([("queued", attempts)])
        # the end of the lifetime: one last try, then it fails
        self.once(now=at(10), expect=1)
        self.assert_rows([("failed", 5)])
        self.assertIn("RCPT TO: 450", self.rows()[0]["last_error"])
        listing = self.queue_list()
        self.assertIn("failed", listing)
        self.assertIn("RCPT TO: 450", listing)
        self.env.smtp.set()
        self.once(now=at(600))
        self.assertEqual(self.got(), collections.Counter())
        # the committee's next digest names it, with the server's answer
        r = self.env.run("digest", now=at(600))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.once(now=at(600))
        # (one transaction per committee member)
        digest = [m for _, _, m in self.env.smtp.parsed() if m["X-Mentord-Kind"] == "digest"][0]
        text = digest.get_body(("plain",)).get_content()
        failed = text.split("Messages that could not be delivered")[1].split("\n\n")[0]
        row_id = self.rows()[0]["id"]
        # what it was and to whom, with the number the e-mail command
        # "resend N" takes (members have no shell)
        self.assertRegex(failed, rf"\n  \d{{4}}-\d\d-\d\d  #{row_id} help\s+to ora@example.com\s+"
                         r"RCPT TO: 450")
        self.assertIn('"resend N"', failed)
        # `queue retry` starts it again, with a lifetime of its own
        r = self.env.run("queue", "retry", str(row_id), now=at(601))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.env.smtp.set("-r", "rcpt")
        self.once(now=at(601))
        self.assertEqual((self.rows()[0]["status"], self.rows()[0]["attempts"]), ("queued", 1))
        self.env.smtp.set()
        self.once(now=at(602))
        self.assertEqual([r["status"] for r in self.rows()], ["sent", "sent"])
        self.assertEqual(self.got()[self.rows()[0]["message_id"]], 1)

    def test_max_attempts_is_accepted_with_a_warning(self):
        """An old configuration still loads; the count no longer fails a
        message early."""
        self.env.reconfigure("smtp.max_attempts = 2\nsmtp.queue_lifetime = 10m")
        r = self.env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("max_attempts is no longer used", r.stderr)
        self.assertIn("queue_lifetime", r.stderr)
        self.ask("ora@example.com")
        self.env.smtp.set("-r", "rcpt")
        for minutes in (0, 1, 3):
            self.once(now=at(minutes))
        self.assert_rows([("queued", 3)])

class ServerDown(DeliveryTest):
    extra_config = "smtp.queue_lifetime = 10m"
    smtp = staticmethod(lambda root: Sink(root))

    def test_server_down_never_fails_a_message(self):
        """An outage postpones, and never turns the queue into failures,
        however long past the queue lifetime it lasts."""
        self.ask("pia@example.com")
        self.env.smtp.stop()
        for minutes in (0, 1.5, 4, 9, 20, 90):
            self.once(now=at(minutes), expect=1)
        [row] = self.rows()
        self.assertEqual((row["status"], row["attempts"]), ("queued", 6))
        self.assertIn("cannot reach 127.0.0.1", row["last_error"])
        self.env.smtp.set()
        self.once(now=at(200))
        self.assert_rows([("sent", 7)])
        self.assert_each_once()


class Greylisting(DeliveryTest):
    """A server that greylists: 451 to every try for a recipient until five
    minutes have passed since its first, by the --now clock the test hands
    it before each run."""

    def setUp(self):
        self.clock = [0.0]
        self.first, self.tries = {}, []

        def policy(address, count):
            self.tries.append(self.clock[0])
            first = self.first.setdefault(address, self.clock[0])
            if self.clock[0] - first < 5:
                return "451 4.7.1 Greylisted, please try again in 5 minutes"
            return None
        self.smtp = lambda root: Smtpd(rcpt=policy)
        super().setUp()

    def test_delivered_on_the_first_retry_after_five_minutes(self):
        self.ask("gail@example.com")
        minutes = 0.0
        while minutes <= 12:
            self.clock[0] = minutes
            self.once(now=at(minutes))
            minutes += 0.5
        # tries at 0, 1 and 3 minutes are greylisted; the next, at 7, is
        # the first after the five minutes and is taken
        self.assertEqual(self.tries, [0, 1, 3, 7])
        self.assert_rows([("sent", 4)])
        self.assert_each_once()


class Timeouts(DeliveryTest):
    extra_config = "smtp.timeout_seconds = 1"
    smtp = staticmethod(lambda root: Sink(root))

    def test_timeout_waiting_for_data_reply(self):
        self.ask("quinn@example.com")
        # -p: one command at a time, so that the wait is DATA's alone
        self.env.smtp.set("-p", "-w", "3")
        self.once(now=at(0), expect=1)
        self.assert_rows([("queued", 1)])
        self.assertIn("DATA: timeout", self.rows()[0]["last_error"])
        self.env.smtp.set()
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2)])
        self.assert_each_once()

    def test_timeout_of_pipelined_commands(self):
        """MAIL, RCPT and DATA went together and no reply came: nothing
        was offered, the message waits."""
        self.ask("quinn@example.com")
        self.env.smtp.set("-w", "3")
        self.once(now=at(0), expect=1)
        self.assert_rows([("queued", 1)])
        self.assertIn("MAIL FROM: timeout", self.rows()[0]["last_error"])
        self.env.smtp.set()
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2)])
        self.assert_each_once()

    def test_unreachable_server(self):
        self.ask("rex@example.com")
        self.env.smtp.close()
        self.once(now=at(0), expect=1)
        self.assert_rows([("queued", 1)])
        self.assertIn("cannot reach 127.0.0.1", self.rows()[0]["last_error"])


class SilentServer(DeliveryTest):
    extra_config = "smtp.timeout_seconds = 1"
    smtp = staticmethod(lambda root: Silent())

    def test_no_greeting_times_out(self):
        self.ask("sam@example.com")
        self.once(now=at(0), expect=1)
        self.assert_rows([("queued", 1)])
        self.assertIn("greeting: timeout", self.rows()[0]["last_error"])


class RefusedAtEndOfData(DeliveryTest):
    """aiosmtpd's recorder refusing at the end of data, then accepting."""

    def test_refused_after_final_dot_then_accepted_exactly_once(self):
        refusals = []

        def refuse(mail_from, rcpts, data):
            if len(refusals) < 2:
                refusals.append(message_id(data))
                return "452 4.3.1 insufficient system storage, test"
            return None

        self.env.smtp.refuse = refuse
        self.ask("tom@example.com", "uma@example.com")
        self.once(now=at(0))
        self.assert_rows([("queued", 1), ("queued", 1)])
        self.assertEqual(sorted(refusals), sorted(r["message_id"] for r in self.rows()))
        self.assertEqual(self.env.smtp.sent(), [])
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2), ("sent", 2)])
        self.assert_each_once()


class TwoRecipients(DeliveryTest):
    """One message to two recipients, one refused: the other gets it, and a
    retry goes only to the one still owed. One command at a time."""
    pipelining = False

    def setUp(self):
        self.policy = {}
        self.smtp = lambda root: Smtpd(rcpt=lambda a, n: self.policy.get(a, lambda n: None)(n),
                                       pipelining=self.pipelining)
        super().setUp()

    def two_recipient_row(self):
        self.ask("vic@example.com")
        self.once(now=at(0), dry_run=True)
        row = self.rows()[0]
        self.set_envelope(row["id"], "vic@example.com,wes@example.com")
        return row

    def accepted_for(self):
        return collections.Counter(r for _, rcpts, _ in self.env.smtp.sent() for r in rcpts)

    def test_one_recipient_deferred(self):
        row = self.two_recipient_row()
        self.policy["wes@example.com"] = lambda n: "450 4.2.1 mailbox busy, test" if n == 0 else None
        self.once(now=at(0))
        r = self.rows()[0]
        self.assertEqual((r["status"], r["attempts"], r["envelope_to"]),
                         ("queued", 1, "wes@example.com"))
        self.assertIn("wes@example.com: RCPT TO: 450 4.2.1 mailbox busy, test", r["last_error"])
        self.assertEqual(self.accepted_for(), collections.Counter({"vic@example.com": 1}))
        # the refusal was reset (RSET) and the connection kept
        self.assertEqual(self.env.smtp.connections(), 1)
        self.once(now=at(1.5))
        self.assert_rows([("sent", 2)])
        self.assertEqual(self.accepted_for(),
                         collections.Counter({"vic@example.com": 1, "wes@example.com": 1}))
        self.assertEqual(set(self.got()), {row["message_id"]})

    def test_one_recipient_refused_for_good(self):
        row = self.two_recipient_row()
        self.policy["wes@example.com"] = lambda n: "550 5.1.1 unknown here, test"
        self.once(now=at(0), expect=1)
        r = self.rows()[0]
        self.assertEqual((r["status"], r["envelope_to"]), ("failed", "wes@example.com"))
        self.assertIn("wes@example.com: RCPT TO: 550 5.1.1 unknown here, test", r["last_error"])
        self.assertEqual(self.accepted_for(), collections.Counter({"vic@example.com": 1}))
        # the committee fixes it and asks again: only the one owed gets it
        del self.policy["wes@example.com"]
        r = self.env.run("queue", "retry", str(row["id"]), now=at(5))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.once(now=at(5))
        self.assert_rows([("sent", 1)])
        self.assertEqual(self.accepted_for(),
                         collections.Counter({"vic@example.com": 1, "wes@example.com": 1}))


class TwoRecipientsPipelined(TwoRecipients):
    """The same with MAIL, RCPT and DATA in one write (RFC 2920): the
    replies still owed after a refusal are read before RSET."""
    pipelining = True


class OneConnection(DeliveryTest):
    """A batch goes over one connection."""
    smtp = staticmethod(lambda root: Smtpd())

    def test_batch_over_one_connection(self):
        self.ask(*[f"p{i}@example.com" for i in range(5)])
        self.once(now=at(0))
        self.assert_rows([("sent", 1)] * 5)
        self.assert_each_once()
        self.assertEqual(self.env.smtp.connections(), 1)


class OneConnectionPipelined(OneConnection):
    smtp = staticmethod(lambda root: Smtpd(pipelining=True))


class AnswersFirst(DeliveryTest):
    """An answer to someone goes before scheduled mail queued earlier."""
    smtp = staticmethod(lambda root: Smtpd())

    def test_help_answer_overtakes_a_digest(self):
        r = self.env.run("digest", now=at(0))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.ask("quick@example.com")
        self.once(now=at(0))
        sent = [m["X-Mentord-Kind"] for _, _, m in self.env.smtp.parsed()]
        # the digest, queued first, goes to each committee member after
        self.assertEqual(sent, ["help", "digest", "digest"])
        ids = {r["message_id"]: r["id"] for r in self.rows()}
        first = self.env.smtp.parsed()[0][2]["Message-ID"].strip("<>")
        self.assertEqual(ids[first], max(ids.values()))


class KilledMidBatch(DeliveryTest):
    """kill -9 after two of four messages were accepted: nothing lost,
    nothing sent twice (DESIGN.md section 8)."""
    smtp = staticmethod(lambda root: Smtpd(pipelining=True))

    def killed_after_two(self, fault):
        """Runs once with the fault; then checks that the next run records
        the two deliveries from the journal and sends only the other two."""
        self.ask(*[f"k{i}@example.com" for i in range(4)])
        r = self.env.run("once", now=at(0), env={"MENTORD_FAULT": fault})
        self.assertEqual(len(self.env.smtp.sent()), 2)
        # not in the database yet: the journal has them
        self.assert_rows([("queued", 0)] * 4)
        again = self.once(now=at(0))
        self.assertEqual(again.stderr.count("recorded after an interruption"), 2, again.stderr)
        self.assert_rows([("sent", 1)] * 4)
        self.assert_each_once()
        return r

    def test_daemon_killed(self):
        r = self.killed_after_two("kill-mid-batch")
        self.assertEqual(r.returncode, -9, r.stderr)

    def test_sending_process_alone_killed(self):
        """Say, by the out-of-memory killer: the daemon says so and carries on."""
        r = self.killed_after_two("kill-sender-mid-batch")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("the sending process died of signal 9", r.stderr)


class DryRun(DeliveryTest):
    def outbox(self):
        folder = os.path.join(self.env.root, "state", "spool", "outbox")
        return {name: open(os.path.join(folder, name), "rb").read()
                for name in sorted(os.listdir(folder))} if os.path.isdir(folder) else {}

    def test_dry_run_writes_files_then_real_run_sends_each_once(self):
        self.ask("xia@example.com", "yan@example.com", "zoe@example.com")
        self.once(now=at(0), dry_run=True)
        self.once(now=at(0), dry_run=True)   # again: the same, nothing sent
        rows = self.rows()
        self.assert_rows([("queued", 0)] * 3)
        files = self.outbox()
        self.assertEqual(sorted(files), sorted(f"{r['id']}.eml" for r in rows))
        for r in rows:
            msg = email.message_from_bytes(files[f"{r['id']}.eml"], policy=email.policy.strict)
            self.assertEqual(msg["Message-ID"], f"<{r['message_id']}>")
            self.assertEqual(msg["X-Mentord-Kind"], "help")
            self.assertIn("Role: mentor or mentee", msg.get_body(("plain",)).get_content())
        self.assertEqual(self.env.smtp.sent(), [])
        self.once(now=at(0))
        self.assert_rows([("sent", 1)] * 3)
        self.assert_each_once(rows)
        # what went out is what the dry run showed
        for _, _, data in self.env.smtp.sent():
            r = [r for r in rows if r["message_id"] == message_id(data)][0]
            self.assertEqual(data, files[f"{r['id']}.eml"])


class TlsAndAuth(MentordTest):
    """Implicit TLS and STARTTLS with a private CA; AUTH PLAIN, LOGIN and
    XOAUTH2. Each test starts its own server and configuration."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mentord-tls-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.certs = make_ca(os.path.join(self.tmp, "ca"))

    def start(self, tls, ca=True, login=None, auth="plain", secret=None, **server):
        srv = Smtpd(tls=tls, certs=self.certs, login=login, **server)
        self.addCleanup(srv.close)
        scheme = "smtps" if tls == "implicit" else "smtp"
        security = {"implicit": "tls", "starttls": "starttls", None: "none"}[tls]
        extra = [f"smtp.url = {scheme}://127.0.0.1:{srv.port}", f"smtp.security = {security}"]
        if ca:
            extra.append(f"smtp.ca_file = {ca if isinstance(ca, str) else self.certs['ca']}")
        if login is not None:
            path = os.path.join(self.tmp, "smtp.secret")
            with open(path, "w") as f:
                f.write((secret or login[1]) + "\n")
            os.chmod(path, 0o600)
            extra += [f"smtp.user = {login[0]}", f"smtp.password_file = {path}", f"smtp.auth = {auth}"]
        self.extra = extra
        self.env = Env(os.environ["MENTORD"], REPO, "\n".join(extra), smtp=lambda root: srv)
        self.addCleanup(self.env.close)
        return srv

    def rows(self):
        db = self.env.db()
        try:
            return db.execute("SELECT status, attempts, last_error FROM outbound").fetchall()
        finally:
            db.close()

    def delivered(self, srv):
        self.env.dovecot.deliver(mail("amy@example.com", "help"))
        r = self.once(now=at(0))
        self.assertEqual([s for s, _, _ in self.rows()], ["sent"])
        self.assertEqual(len(srv.sent()), 1)
        self.assertEqual(srv.parsed()[0][2]["X-Mentord-Kind"], "help")
        return r

    def refused(self, srv, *words):
        self.env.dovecot.deliver(mail("amy@example.com", "help"))
        r = self.once(now=at(0), expect=1)
        [(status, attempts, error)] = self.rows()
        self.assertEqual((status, attempts), ("queued", 1))
        for w in words:
            self.assertIn(w, error)
        self.assertEqual(srv.sent(), [])
        return r

    def test_implicit_tls_with_private_ca(self):
        srv = self.start("implicit")
        r = self.env.run("check-config", "--connect")
        self.assertIn("SMTP: ok", r.stdout, r.stdout + r.stderr)
        self.delivered(srv)

    def test_starttls_with_private_ca(self):
        self.delivered(self.start("starttls"))

    def test_implicit_tls_untrusted_certificate(self):
        srv = self.start("implicit", ca=False)
        self.refused(srv, "TLS: the certificate of 127.0.0.1 is not trusted",
                     "(for a private certificate authority, set ca_file in [smtp])")
        r = self.env.run("check-config", "--connect")
        self.assertIn("SMTP: FAILED", r.stdout)
        self.assertIn("set ca_file in [smtp]", r.stdout)

    def test_ca_file_set_without_the_issuer(self):
        """ca_file is set: the hint to set it would mislead."""
        other = make_ca(os.path.join(self.tmp, "other"))
        srv = self.start("implicit", ca=other["ca"])
        r = self.refused(srv, "TLS: the certificate of 127.0.0.1 is not trusted",
                         f"(not signed by an authority in ca_file {other['ca']})")
        self.assertNotIn("set ca_file", r.stderr)

    def test_certificate_for_other_names(self):
        """The refusal names the certificate's own host names."""
        self.certs = make_ca(os.path.join(self.tmp, "named"), names=("mail.example.org",
                                                                      "smtp.example.org"))
        for tls in ("implicit", "starttls"):
            with self.subTest(tls=tls):
                srv = self.start(tls)
                r = self.refused(srv, "TLS: the certificate of 127.0.0.1 is not trusted",
                                 "(the certificate is for mail.example.org, smtp.example.org,"
                                 " not for 127.0.0.1)")
                self.assertNotIn("set ca_file", r.stderr)

    def test_reload_with_a_corrected_setting_sends_at_once(self):
        """`systemctl reload` (SIGHUP) once ca_file is set: the mail held back
        by the untrusted certificate goes at once, not after its backoff."""
        srv = self.start("implicit", ca=False)
        self.env.dovecot.deliver(mail("amy@example.com", "help"))
        self.env.dovecot.deliver(mail("bob@example.com", "help"))

        def held():
            db = self.env.db()
            try:
                return db.execute("SELECT next_attempt - strftime('%s', 'now') FROM outbound"
                                  " WHERE status = 'queued'").fetchall()
            except sqlite3.OperationalError:
                return []  # the daemon has not made its database yet
            finally:
                db.close()

        with running(self.env) as p:
            deadline = time.monotonic() + 30
            while not (len(held()) == 2 and all(w >= 45 for (w,) in held())):
                self.assertLess(time.monotonic(), deadline, f"never held back: {held()}")
                time.sleep(0.2)
            self.assertEqual(srv.sent(), [])
            self.env.reconfigure("\n".join(self.extra + [f"smtp.ca_file = {self.certs['ca']}"]))
            start = time.monotonic()
            p.send_signal(signal.SIGHUP)
            while len(srv.sent()) < 2 and time.monotonic() - start < 30:
                time.sleep(0.1)
            took = time.monotonic() - start
            p.send_signal(signal.SIGTERM)
            p.wait(5)
            err = p.stderr.read()
        print(f"\n  reload to both held messages delivered: {took * 1000:.0f} ms"
              " (their backoff: 60 s)")
        self.assertEqual(len(srv.sent()), 2, err)
        # well before the backoff of a minute that they were held for
        self.assertLess(took, 30)
        self.assertIn("2 message(s) held back for the server are due now", err)
        self.assertEqual([s for s, _, _ in self.rows()], ["sent", "sent"])

    def test_starttls_untrusted_certificate(self):
        srv = self.start("starttls", ca=False)
        self.refused(srv, "TLS: the certificate of 127.0.0.1 is not trusted")

    def test_auth_plain_over_starttls(self):
        srv = self.start("starttls", login=("robot", "s3cret-plain"), auth="plain")
        r = self.delivered(srv)
        self.assertEqual(srv.auth_log, [("PLAIN", "robot", True)])
        self.assertNotIn("s3cret-plain", r.stderr)

    def test_auth_login_over_implicit_tls(self):
        srv = self.start("implicit", login=("robot", "s3cret-login"), auth="login")
        self.delivered(srv)
        self.assertEqual(srv.auth_log, [("LOGIN", "robot", True)])

    def test_auth_xoauth2_with_token_file(self):
        srv = self.start("starttls", login=("robot@example.org", "ya29.token-for-tests"),
                         auth="xoauth2")
        r = self.delivered(srv)
        self.assertEqual(srv.auth_log, [("XOAUTH2", "robot@example.org", True)])
        self.assertNotIn("ya29.token-for-tests", r.stderr)

    def test_auth_plain_in_clear_to_loopback(self):
        srv = self.start(None, login=("robot", "loopback-only"), auth="plain")
        self.delivered(srv)
        self.assertEqual(srv.auth_log, [("PLAIN", "robot", True)])

    def test_wrong_password_keeps_the_message(self):
        srv = self.start("starttls", login=("robot", "right"), secret="wrong-password")
        r = self.refused(srv, "AUTH: 535")
        self.assertNotIn("wrong-password", r.stderr)
        r = self.env.run("check-config", "--connect")
        self.assertIn("SMTP: FAILED", r.stdout)
