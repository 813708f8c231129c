"""A full disk: the database and the spool live on a small tmpfs that the
test mounts and then fills. `mentord run` flags nothing, sends nothing,
loses and doubles nothing, says so once (naming the file system), shows it
in `status`, and handles everything that came meanwhile by itself once the
space is freed, without a restart."""
import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import unittest

from common import MentordTest, kinds, mail

MOUNT = shutil.which("mount") or "/usr/bin/mount"
UMOUNT = shutil.which("umount") or "/usr/bin/umount"


def fill(path, leave=0):
    """Writes path until the file system refuses, or until only leave bytes
    are free; returns the bytes written."""
    n = 0
    chunk = b"\0" * 65536
    with open(path, "wb", buffering=0) as f:
        while True:
            v = os.statvfs(os.path.dirname(path))
            free = v.f_bavail * v.f_frsize
            if leave and free - len(chunk) < leave:
                if len(chunk) <= 4096:
                    return n
                chunk = chunk[:len(chunk) // 2]
                continue
            try:
                f.write(chunk)
                n += len(chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                if len(chunk) == 1:
                    return n
                chunk = chunk[:len(chunk) // 2]


class DiskFull(MentordTest):
    # hundreds of newcomers answered at once: no hourly cap on unproven senders
    extra_config = "programme.max_unproven_per_hour = 100000"

    def setUp(self):
        if os.getuid() != 0:
            self.fail("this test mounts a tmpfs: run it as root")
        if not os.access(MOUNT, os.X_OK):
            self.fail("mount(8) is missing (util-linux)")
        super().setUp()
        self.disk = os.path.join(self.env.root, "disk")
        os.makedirs(self.disk)
        size = "4m" if "room_again" in self._testMethodName else "16m"
        r = subprocess.run([MOUNT, "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", self.disk],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.fail(f"cannot mount a tmpfs on {self.disk}: {r.stderr}")
        # unmounted before the folder is removed (cleanups run last first)
        self.addCleanup(subprocess.run, [UMOUNT, "-l", self.disk], capture_output=True)
        self.env.reconfigure(f"paths.database = {self.disk}/state/mentord.db\n"
                             f"paths.spool = {self.disk}/spool\nimap.poll_seconds = 60\n"
                             + self.extra_config)

    def flagged(self):
        imap = self.env.dovecot.imap()
        try:
            imap.select("INBOX", readonly=True)
            typ, data = imap.uid("SEARCH", None, "KEYWORD", "$MentordDone")
            return len(data[0].split())
        finally:
            imap.logout()

    def test_full_disk_then_room_again(self):
        os.makedirs(os.path.join(self.disk, "state"))
        log_path = os.path.join(self.env.root, "run.log")
        with open(log_path, "w") as log:
            p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, "run"],
                                 stdout=subprocess.DEVNULL, stderr=log)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        for i in range(3):
            self.env.dovecot.deliver(mail(f"before{i}@example.com", "help"))
        self.assertTrue(self.env.smtp.wait_for(3, timeout=30), open(log_path).read())
        time.sleep(1)
        self.assertEqual(self.flagged(), 3)

        filler = os.path.join(self.disk, "filler")
        written = fill(filler)
        for i in range(30):
            self.env.dovecot.deliver(mail(f"during{i:02d}@example.com", "help"))
        self.env.dovecot.deliver(mail("issue@example.com", "issue", "The room has no chairs."))
        time.sleep(8)
        with open(log_path) as f:
            log = f.read()
        self.assertEqual(p.poll(), None, log)
        self.assertEqual(len(self.env.smtp.sent()), 3, "something was sent on a full disk")
        self.assertEqual(self.flagged(), 3, "something was flagged on a full disk")
        full_lines = [line for line in log.splitlines() if "disk full" in line]
        self.assertEqual(len(full_lines), 1, log)
        self.assertIn(f"tmpfs on {self.disk}", full_lines[0])
        errors = [line for line in log.splitlines() if "<3>" in line]
        self.assertEqual(errors, full_lines, "more than the one error line")
        r = self.env.run("status")
        self.assertIn(f"disk:     FULL: the file system holding {self.disk}/state/mentord.db", r.stdout,
                      r.stdout + r.stderr)
        # status and status --health count the room in the same unit
        self.assertRegex(r.stdout, r"has [\d.]+ MiB free of [\d.]+ MiB\n")
        h = self.env.run("status", "--health")
        self.assertRegex(h.stdout, r"disk: [\d.]+ MiB free \(\d+%\)")
        print(f"\n  full disk ({written} bytes of filler): {full_lines[0]}")

        os.unlink(filler)
        start = time.monotonic()
        ok = self.env.smtp.wait_for(3 + 30 + 3, timeout=60)
        took = time.monotonic() - start
        time.sleep(1)
        with open(log_path) as f:
            log = f.read()
        self.assertTrue(ok, log)
        self.assertEqual(p.poll(), None, "the daemon did not survive")
        self.assertIn("room again", log)
        print(f"  room again: everything that came meanwhile handled in {took:.1f} s, no restart")
        # nothing lost, nothing twice
        rcpts = sorted(r[0] for _, r, _ in self.env.smtp.sent())
        self.assertEqual(len(rcpts), 36, rcpts)   # with the ack and two notices
        self.assertEqual(len(rcpts), len(set(rcpts)), rcpts)
        self.assertEqual(sorted(kinds(self.env)).count("help"), 33)
        self.assertEqual(self.flagged(), 34)
        db = sqlite3.connect(f"{self.disk}/state/mentord.db")
        self.assertEqual(db.execute("SELECT count(*) FROM inbound").fetchone()[0], 34)
        self.assertEqual(db.execute("SELECT count(*) FROM outbound WHERE status <> 'sent'")
                         .fetchone()[0], 0)
        db.close()
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(10), 0)

    def test_disk_fills_up_in_the_middle(self):
        """Room left above the threshold: the writes themselves fail, in the
        middle of the work. What the server was told is done is in the
        database; the rest is read again once there is room."""
        os.makedirs(os.path.join(self.disk, "state"))
        self.once()
        n = 400
        for i in range(n):
            self.env.dovecot.deliver(mail(f"mid{i:03d}@example.com", "help"))
        filler = os.path.join(self.disk, "filler")
        # room for one batch of 200 and its flags, not for the second
        fill(filler, leave=1200 * 1024)
        r = self.env.run("once", timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertNotIn("Sanitizer", r.stderr)
        errors = [line for line in r.stderr.splitlines() if "<3>" in line]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("disk full", errors[0])
        sent_full = len(self.env.smtp.sent())
        flagged_full = self.flagged()
        db = sqlite3.connect(f"{self.disk}/state/mentord.db")
        recorded = db.execute("SELECT count(*) FROM inbound").fetchone()[0]
        db.close()
        # what the server says is done, the database holds
        self.assertLessEqual(flagged_full, recorded)
        print(f"\n  disk filling in the middle: {flagged_full} of {n} flagged, {sent_full} sent,"
              " then the disk was full")
        os.unlink(filler)
        for _ in range(5):
            r = self.env.run("once", timeout=300)
            if r.returncode == 0 and len(self.env.smtp.sent()) >= n:
                break
        self.assertEqual(r.returncode, 0, r.stderr + str(os.statvfs(self.disk)))
        rcpts = [r[0] for _, r, _ in self.env.smtp.sent()]
        self.assertEqual(len(rcpts), n, "lost or doubled")
        self.assertEqual(len(set(rcpts)), n, "someone was answered twice")
        self.assertEqual(self.flagged(), n)

    def test_disk_fills_up_while_sending(self):
        """The disk fills up when the SMTP server has taken a few messages:
        what it took is never sent again (the journal's space was taken in
        advance), a notice to two committee members included."""
        os.makedirs(os.path.join(self.disk, "state"))
        n = 30
        for i in range(n):
            self.env.dovecot.deliver(mail(f"reporter{i:02d}@example.com", "issue",
                                          f"Problem number {i} with my mentor."))
        filler = os.path.join(self.disk, "filler")
        seen = []

        def on_data(mail_from, rcpts, data):
            seen.append(rcpts)
            if len(seen) == 9:
                fill(filler)
            return None
        self.env.smtp.refuse = on_data
        r = self.env.run("once", timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("disk full", r.stderr)
        sent_full = len(self.env.smtp.sent())
        self.assertLess(sent_full, 3 * n)
        self.env.smtp.refuse = None
        os.unlink(filler)
        for _ in range(5):
            r = self.env.run("once", timeout=300)
            if r.returncode == 0:
                break
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [(msg["Message-ID"], tuple(rcpts)) for _, rcpts, msg in self.env.smtp.parsed()]
        self.assertEqual(len(got), len(set(got)), "a message went twice to the same recipient")
        self.assertEqual(len(got), 3 * n, "ack + notice to two members for each report")
        print(f"\n  disk full while sending: {sent_full} of {3 * n} delivered before, the rest"
              " after; none twice")


if __name__ == "__main__":
    unittest.main()
