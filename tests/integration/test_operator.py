"""What an operator meets outside systemd: log lines with their time, a
server that cannot be reached and then is (after the setting is fixed and
the configuration reloaded), and files that the user mentord runs as may
not read or write, each named with the fix."""
import datetime
import os
import pwd
import re
import shutil
import signal
import subprocess
import time

import test_imap
from common import mail
from servers import free_port

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d "


class Operator(test_imap.ImapTest):
    """`mentord run` with its log in a file (spawn_run, read_log, stop_run)."""

    def wait_log(self, p, pattern, timeout=30):
        """Waits until the log holds pattern (a regular expression)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            log = self.read_log(p)
            if re.search(pattern, log):
                return log
            self.assertIsNone(p.poll(), "mentord stopped\n" + log)
            time.sleep(0.05)
        self.fail(f"{pattern!r} not in the log within {timeout} s:\n{self.read_log(p)}")

    def health(self, now=None):
        r = self.env.run("status", "--health", now=now)
        return {line.split()[1].rstrip(":"): line for line in r.stdout.splitlines()}, r.returncode


class LogLines(Operator):
    def test_outside_the_journal_every_line_begins_with_its_time(self):
        p = self.spawn_run()
        self.wait_log(p, "running for")
        log = self.stop_run(p)
        lines = log.splitlines()
        self.assertGreaterEqual(len(lines), 2, log)
        for line in lines:
            self.assertRegex(line, "^" + STAMP + r"<\d>", log)

    def test_in_the_journal_lines_stay_as_they_are(self):
        # systemd names its stream to the journal in JOURNAL_STREAM: here,
        # the log file itself plays the journal
        log_path = os.path.join(self.env.root, "journal.log")
        self.env.dovecot.deliver(mail("ada@example.net", "help"))
        with open(log_path, "w") as log:
            st = os.fstat(log.fileno())
            r = subprocess.run([self.env.mentord_bin, "-c", self.env.config, "once"],
                               stdout=subprocess.DEVNULL, stderr=log, timeout=60,
                               env=dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}"))
        self.assertEqual(r.returncode, 0)
        with open(log_path) as f:
            lines = f.read().splitlines()
        self.assertTrue(any("sent help" in line for line in lines), lines)
        for line in lines:
            self.assertRegex(line, r"^<\d>\S", lines)


class ImapUnreachable(Operator):
    def setUp(self):
        self.dead = free_port()
        self.extra_config = f"imap.port = {self.dead}"
        super().setUp()

    def test_retried_with_growing_waits_then_reached_after_a_reload(self):
        p = self.spawn_run()
        log = self.wait_log(p, "reconnecting in 4 s")
        self.assertRegex(log, STAMP + r"<3>IMAP: cannot connect to 127\.0\.0\.1 port "
                         + str(self.dead) + ": Connection refused\n" + STAMP
                         + "<6>reconnecting in 2 s\n")
        h, code = self.health()
        self.assertEqual(code, 2)
        self.assertRegex(h["imap"], "^CRITICAL imap: no successful fetch yet")
        # the setting fixed, then reloaded: IMAP is tried again at once
        self.env.reconfigure("")
        start = time.monotonic()
        p.send_signal(signal.SIGHUP)
        log = self.wait_log(p, r"IMAP: 127\.0\.0\.1 reached again \(unreachable since \d\d:\d\d\)")
        self.assertLess(time.monotonic() - start, 5, log)
        h, code = self.health()
        self.assertRegex(h["imap"], "^OK imap: last successful fetch", h)
        self.stop_run(p)


class SmtpUnreachable(Operator):
    def setUp(self):
        self.dead = free_port()
        self.extra_config = f"smtp.url = smtp://127.0.0.1:{self.dead}"
        super().setUp()

    def test_mail_waits_nothing_is_lost_and_goes_after_a_reload(self):
        self.env.dovecot.deliver(mail("ada@example.net", "help"))
        p = self.spawn_run()
        log = self.wait_log(p, r"sending postponed until")
        self.assertRegex(log, r"<3>help #1 not sent, the server cannot take mail now: cannot reach"
                         r" 127\.0\.0\.1: .*Couldn't connect to server")
        r = self.env.run("queue", "list")
        self.assertRegex(r.stdout, r"\n1 +queued +help +1 ", r.stdout)
        # as time passes without a delivery, the health report says so
        now = datetime.datetime.now(datetime.timezone.utc)
        at = lambda hours: (now + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
        h, _ = self.health(now=at(0.5))
        self.assertRegex(h["smtp"], "^OK smtp: 1 message")
        self.assertRegex(h["queue"], "^OK queue")
        h, _ = self.health(now=at(1.5))
        self.assertRegex(h["smtp"], "^WARNING smtp: 1 message")
        self.assertRegex(h["queue"], "^WARNING queue: 1 queued, the oldest for 90 min")
        h, _ = self.health(now=at(7))
        self.assertRegex(h["smtp"], "^CRITICAL smtp: 1 message")
        h, _ = self.health(now=at(25))
        self.assertRegex(h["queue"], "^CRITICAL queue")
        self.assertEqual(self.env.smtp.sent(), [])
        # fix the setting, then reload: the held mail goes at once
        self.env.reconfigure("")
        p.send_signal(signal.SIGHUP)
        self.assertTrue(self.env.smtp.wait_for(1, timeout=10), self.read_log(p))
        log = self.wait_log(p, r"<6>sent help #1")
        self.assertIn("held back for the server are due now", log)
        self.stop_run(p)


class FilesOfAnotherUser(Operator):
    """mentord run as another user than the files' owner (as root, the test
    runs it as nobody; otherwise the file is the test user's own, without
    the rights)."""

    def as_runner(self, *args):
        cmd = [self.bin, "-c", self.env.config, *args]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)

    def setUp(self):
        super().setUp()
        os.chmod(self.env.root, 0o755)
        os.chmod(self.env.config, 0o644)
        self.user = "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self.bin = self.env.mentord_bin
        with open(self.env.config) as f:
            text = f.read()
        if os.geteuid() == 0:
            # the clone may be in a folder nobody cannot enter (/root): the
            # program and its templates as an installation has them
            self.bin = os.path.join(self.env.root, "mentord")
            shutil.copy(self.env.mentord_bin, self.bin)
            os.chmod(self.bin, 0o755)
            shipped = re.search(r"^templates = (.*)$", text, re.M).group(1)
            copy = os.path.join(self.env.root, "templates")
            shutil.copytree(shipped, copy)
            subprocess.run(["chmod", "-R", "a+rX", copy], check=True)
            text = text.replace(f"templates = {shipped}", f"templates = {copy}")
            with open(self.env.config, "w") as f:
                f.write(text)
        self.secret = re.search(r"^password_file = (.*)$", text, re.M).group(1)
        self.line = text.splitlines().index(f"password_file = {self.secret}") + 1
        if os.geteuid() != 0:
            os.chmod(self.secret, 0)
            self.addCleanup(os.chmod, self.secret, 0o600)

    def test_password_file_it_cannot_read(self):
        r = self.as_runner("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        fix = (f"(chown {self.user} {self.secret})" if os.geteuid() == 0
               else f"(chmod u+rw {self.secret})")
        self.assertIn(f"{self.env.config}:{self.line}: [imap] password_file: {self.secret}: "
                      f"Permission denied to ", r.stderr)
        self.assertIn(f"{self.user}, whom mentord runs as {fix}", r.stderr)

    def test_folder_it_cannot_write_in(self):
        if os.geteuid() == 0:
            os.chown(self.secret, pwd.getpwnam("nobody").pw_uid, -1)
        else:
            os.chmod(self.secret, 0o600)
        state = os.path.join(self.env.root, "state")
        os.makedirs(state, exist_ok=True)
        if os.geteuid() != 0:
            os.chmod(state, 0o555)
            self.addCleanup(os.chmod, state, 0o755)
        r = self.as_runner("status")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"Permission denied: the user {self.user}, whom mentord runs as, cannot write"
                      f" in the folder {state} (chown {self.user} {state}, or choose a folder"
                      f" {self.user} owns)", r.stderr)
        if os.geteuid() != 0:
            return
        # the database made: a backup into a folder of root's is refused, named
        os.chown(state, pwd.getpwnam("nobody").pw_uid, -1)
        self.assertEqual(self.as_runner("status").returncode, 0)
        backups = os.path.join(self.env.root, "backups")
        os.mkdir(backups)
        r = self.as_runner("backup", os.path.join(backups, "mentord.db"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"cannot write in the folder {backups} (chown nobody {backups}", r.stderr)
        # the README's way: a folder of the user's own
        subprocess.run(["install", "-d", "-o", "nobody", "-m", "700",
                        os.path.join(backups, "mentord")], check=True)
        r = self.as_runner("backup", os.path.join(backups, "mentord", "mentord.db"))
        self.assertEqual(r.returncode, 0, r.stderr)
