"""The daemon as a service: what it tells systemd through the notify socket,
and `mentord status --health` for monitoring.

The notify socket is the test's own unix datagram socket, named to mentord
by NOTIFY_SOCKET as systemd would; SO_PASSCRED shows which process sent
each datagram, since systemd (NotifyAccess=main) listens to the main
process only."""
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time
from datetime import datetime, timedelta

from common import MentordTest, mail
from servers import free_port
from smtp_extra import Sink

T0 = datetime(2031, 3, 3, 10, 0)
CONCERNS = ["imap", "marking", "smtp", "queue", "failed", "quarantine", "unproven", "disk"]
UCRED = struct.Struct("iII")


def at(minutes):
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")


class NotifySocket:
    """A datagram socket like systemd's: (pid, {KEY: VALUE}) per datagram."""

    def __init__(self, address):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(address if not address.startswith("@") else "\0" + address[1:])
        self.got = []

    def receive(self, until, timeout=20.0):
        """Reads datagrams until until(self.got) is true; fails after timeout."""
        deadline = time.monotonic() + timeout
        while not until(self.got):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"notifications so far: {self.got}")
            self.sock.settimeout(left)
            try:
                data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(UCRED.size))
            except socket.timeout:
                continue
            pid = None
            for level, kind, value in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = UCRED.unpack(value[:UCRED.size])[0]
            fields = dict(line.split("=", 1) for line in data.decode().split("\n") if line)
            self.got.append((pid, fields))
        return self.got

    def close(self):
        self.sock.close()


def has(key, value=None, pattern=None):
    def test(got):
        return any(key in f and (value is None or f[key] == value) and
                   (pattern is None or re.search(pattern, f[key])) for _, f in got)
    return test


def index(got, key, value=None, pattern=None, start=0):
    for i, (_, f) in enumerate(got[start:], start):
        if key in f and (value is None or f[key] == value) and \
                (pattern is None or re.search(pattern, f[key])):
            return i
    return -1


class Notify(MentordTest):
    # polling: the wait between cycles is mentord's own, in short steps
    extra_config = "imap.idle = no"

    def start(self, address, **env):
        sock = NotifySocket(address)
        self.addCleanup(sock.close)
        p = self.env.spawn("run", env={"NOTIFY_SOCKET": address, **env})
        self.addCleanup(self.end, p)
        return sock, p

    def end(self, p):
        if p.poll() is None:
            p.kill()
        p.communicate(timeout=30)

    def stop(self, sock, p):
        p.send_signal(signal.SIGTERM)
        sock.receive(has("STOPPING", "1"))
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.assertNotIn("runtime error", err)
        self.assertNotIn("AddressSanitizer", err)

    def test_ready_status_watchdog_reload_stopping(self):
        self.env.dovecot.deliver(mail("alice@example.com", "help"))
        address = os.path.join(self.env.root, "notify")
        sock, p = self.start(address, WATCHDOG_USEC="600000")
        got = sock.receive(lambda g: has("STATUS", pattern=r"^idle; ")(g) and
                           sum("WATCHDOG" in f for _, f in g) >= 2)
        ready = index(got, "READY", "1")
        self.assertGreaterEqual(ready, 0, got)
        # ready once logged in, before the first cycle's status
        self.assertEqual(got[0][1].get("STATUS"), "logging in to 127.0.0.1", got)
        self.assertLess(ready, index(got, "STATUS", pattern=r"^idle; "), got)
        self.assertEqual(sum(f.get("READY") == "1" for _, f in got), 1, got)
        # the help request was answered: nothing left in the queue
        self.assertRegex(got[index(got, "STATUS", pattern="^idle; ")][1]["STATUS"],
                         r"^idle; 0 queued; last mail \d+ s ago$")
        self.assertTrue(self.env.smtp.wait_for(1), "the help answer was not delivered")

        # a reload announces itself, then is ready again
        p.send_signal(signal.SIGHUP)
        sock.receive(lambda g: index(g, "READY", "1", start=index(g, "RELOADING", "1")) > 0)
        self.stop(sock, p)
        # only the main process speaks to the service manager
        self.assertEqual({pid for pid, _ in sock.got}, {p.pid}, sock.got)
        self.assertEqual(sock.got[-1][1].get("STOPPING"), "1", sock.got)

    def test_not_ready_while_imap_is_unreachable(self):
        """Abstract socket; a watchdog meant for another process (PID 1)
        gets no WATCHDOG=1 from mentord."""
        self.env.reconfigure(self.extra_config + f"\nimap.port = {free_port()}")
        address = "@mentord-test-%d" % os.getpid()
        sock, p = self.start(address, WATCHDOG_USEC="300000", WATCHDOG_PID="1")
        got = sock.receive(has("STATUS", pattern=r"unreachable since \d\d:\d\d, retrying in 4 s"))
        self.assertRegex(got[index(got, "STATUS", pattern="unreachable")][1]["STATUS"],
                         r"^IMAP 127\.0\.0\.1 unreachable since \d\d:\d\d, retrying in 2 s$")
        self.stop(sock, p)
        self.assertFalse(has("READY")(sock.got), sock.got)
        self.assertFalse(has("WATCHDOG")(sock.got), sock.got)


class Health(MentordTest):
    smtp = staticmethod(lambda root: Sink(root))

    def health(self, minutes, expect):
        r = self.env.run("status", "--health", now=at(minutes))
        lines = r.stdout.splitlines()
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        self.assertEqual([re.match(r"^(OK|WARNING|CRITICAL) ([a-z]+): .+$", l).group(2)
                          for l in lines], CONCERNS, r.stdout)
        return {l.split()[1].rstrip(":"): l for l in lines}

    def test_no_database_is_critical_and_none_is_made(self):
        r = self.env.run("status", "--health")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"^CRITICAL database: .*mentord\.db: No such file")
        self.assertFalse(os.path.exists(os.path.join(self.env.root, "state", "mentord.db")))

    def test_fetch_and_queue_age(self):
        self.env.dovecot.deliver(mail("alice@example.com", "help"))
        self.env.smtp.set("-r", "rcpt", "-b", "451 4.3.2 try later")
        self.once(now=at(0), expect=0)
        h = self.health(1, 0)
        self.assertRegex(h["imap"], r"^OK imap: last successful fetch from 127\.0\.0\.1 60 s ago$")
        self.assertRegex(h["smtp"], r"^OK smtp: 1 message\(s\) due; no delivery yet$")
        self.assertRegex(h["queue"], r"^OK queue: 1 queued, the oldest for 60 s$")
        self.assertEqual(h["failed"], "OK failed: no failed delivery")
        # Alice's answer went at once, under the hourly limit
        self.assertEqual(h["unproven"],
                         "OK unproven: no answer to an unproven sender waits for the hourly limit")
        self.assertRegex(h["disk"], r"^OK disk: [\d.]+ MiB free \(\d+%\) on the file system of /")
        h = self.health(20, 1)
        self.assertRegex(h["imap"], r"^WARNING imap: .* 20 min ago$")
        h = self.health(120, 2)
        self.assertRegex(h["imap"], r"^CRITICAL imap: ")
        self.assertRegex(h["smtp"], r"^WARNING smtp: 1 message\(s\) due; no delivery yet$")
        self.assertRegex(h["queue"], r"^WARNING queue: 1 queued, the oldest for 2 h$")
        self.assertRegex(self.health(25 * 60, 2)["queue"], r"^CRITICAL queue: ")
        # the server takes it: delivered, the queue empty, fetched again
        self.env.smtp.set()
        self.once(now=at(25 * 60))
        h = self.health(25 * 60 + 3, 0)
        self.assertEqual(h["smtp"], "OK smtp: last successful delivery 3 min ago; nothing due")
        self.assertEqual(h["queue"], "OK queue: nothing queued")

    def test_failed_delivery_and_quarantine(self):
        self.env.dovecot.deliver(mail("carol@example.com", "help"))
        self.env.dovecot.deliver(mail("dan@example.com", "hello", "x" * (11 * 1024 * 1024)))
        self.env.smtp.set("-f", "rcpt", "-B", "550 5.1.1 no such user")
        self.once(now=at(0), expect=1)
        h = self.health(1, 1)
        self.assertRegex(h["failed"], r"^WARNING failed: 1 failed deliveries ")
        self.assertRegex(h["quarantine"], r"^WARNING quarantine: 1 quarantined in the last 7 days,"
                         r" 1 in all \(.*/quarantine\)$")
        self.assertRegex(self.health(8 * 24 * 60, 2)["quarantine"],
                         r"^OK quarantine: 0 quarantined in the last 7 days, 1 in all")

    def test_full_disk_is_critical(self):
        if os.geteuid() != 0:
            self.fail("this test mounts a tmpfs: run it as root")
        small = tempfile.mkdtemp(dir=self.env.root)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small], check=True)
        self.addCleanup(subprocess.run, ["umount", small], check=True)
        self.env.reconfigure(f"paths.database = {small}/mentord.db")
        self.once(now=at(0))
        h = self.health(1, 2)
        self.assertRegex(h["disk"], rf"^CRITICAL disk: [\d.]+ MiB free \(\d+%\) on the file system"
                         rf" of {re.escape(small)}$")
        self.assertRegex(h["imap"], r"^OK imap: ")


class Credentials(MentordTest):
    """password_file = credential:NAME, as the units hand passwords over."""

    def setUp(self):
        super().setUp()
        self.creds = os.path.join(self.env.root, "credentials")
        os.mkdir(self.creds, 0o700)
        with open(os.path.join(self.env.root, "imap.password")) as f:
            secret = f.read()
        with open(os.path.join(self.creds, "imap.password"), "w") as f:
            f.write(secret)
        os.chmod(os.path.join(self.creds, "imap.password"), 0o600)
        self.env.reconfigure("imap.password_file = credential:imap.password")

    def test_shell_commands_work_without_the_credentials(self):
        env = {k: v for k, v in os.environ.items() if k != "CREDENTIALS_DIRECTORY"}
        r = subprocess.run([self.env.mentord_bin, "-c", self.env.config, "check-config"],
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("[imap] password_file: credential:imap.password not checked", r.stdout)
        self.assertIn("configuration ok", r.stdout)
        r = subprocess.run([self.env.mentord_bin, "-c", self.env.config, "status"],
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_the_daemon_reads_them_from_the_credentials_directory(self):
        self.env.dovecot.deliver(mail("erin@example.com", "help"))
        self.once(env={"CREDENTIALS_DIRECTORY": self.creds})
        self.assertTrue(self.env.smtp.wait_for(1))
        os.remove(os.path.join(self.creds, "imap.password"))
        r = self.env.run("check-config", env={"CREDENTIALS_DIRECTORY": self.creds})
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("imap.password: No such file", r.stderr)
