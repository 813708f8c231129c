"""Shell commands while the daemon is busy: `mentord run` ingests 10,000
help requests while status, export, match, approve and backup run over and
over beside it. Each waits for the lock when it needs it, none fails with
"database is locked", and each gives the right result."""
import os
import sqlite3
import subprocess
import time

from common import ProgrammeTest, mail, of_kind

COUNT = 10000
PEOPLE = [
    ("m1@example.org", "mentor", "Mira One", "IT", "software", "en"),
    ("m2@example.org", "mentor", "Marc Two", "Physics", "detectors", "en"),
    ("m3@example.org", "mentor", "Mona Three", "HR", "recruitment", "en"),
    ("e1@example.org", "mentee", "Emil One", "IT", "software", "en"),
    ("e2@example.org", "mentee", "Elsa Two", "Physics", "detectors", "en"),
    ("e3@example.org", "mentee", "Enzo Three", "HR", "recruitment", "en"),
]


def deliver_many(dovecot, messages):
    new = os.path.join(dovecot.maildir, "new")
    for i, raw in enumerate(messages):
        path = os.path.join(new, f"{1700000000 + i}.M{i}P2.busy")
        with open(path, "wb") as f:
            f.write(raw)
        if os.getuid() == 0:
            os.chown(path, dovecot.owner.pw_uid, dovecot.owner.pw_gid)


class BusyDatabase(ProgrammeTest):
    # hundreds of newcomers answered at once: no hourly cap on unproven senders
    extra_config = "committee.authserv_id = mx.example.org\nprogramme.max_unproven_per_hour = 100000"

    def inbound(self):
        db = sqlite3.connect(os.path.join(self.env.root, "state", "mentord.db"), timeout=60)
        try:
            return db.execute("SELECT count(*) FROM inbound").fetchone()[0]
        finally:
            db.close()

    def shell(self, *args):
        """One command beside the daemon: (output, inbound rows before)."""
        before = self.inbound()
        r = self.env.run(*args, timeout=600)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, f"mentord {' '.join(args)}: {out}")
        self.assertNotIn("locked", out)
        self.assertNotIn("Sanitizer", out)
        return r.stdout, before

    def test_commands_beside_a_busy_daemon(self):
        self.cli("cohort", "open", "Busy")
        self.enrol(PEOPLE)
        deliver_many(self.env.dovecot, (mail(f"h{i:05d}@example.com", "help")
                                        for i in range(COUNT)))
        log_path = os.path.join(self.env.root, "run.log")
        with open(log_path, "w") as log:
            daemon = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, "run"],
                                      stdout=subprocess.DEVNULL, stderr=log)
        self.addCleanup(lambda: daemon.poll() is None and (daemon.kill(), daemon.wait()))
        during, rounds, backups = 0, 0, []
        matched = approved = False
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            rounds += 1
            out, before = self.shell("status")
            self.assertIn("inbound:", out)
            out, _ = self.shell("export", "--format", "csv")
            self.assertEqual(len([line for line in out.splitlines()[1:] if line.strip()]), 6, out)
            if not matched:
                out, _ = self.shell("match")
                self.assertIn("a proposal of 3 pairs", out)
                matched = True
            elif not approved:
                out, _ = self.shell("approve", "all")
                self.assertIn("approved", out)
                approved = True
            path = os.path.join(self.env.root, f"backup-{rounds}.db")
            out, _ = self.shell("backup", path)
            backups.append((path, before))
            if before < COUNT and self.inbound() < COUNT:
                during += 1
            if self.inbound() >= COUNT + len(PEOPLE) * 2 and approved:
                break
        self.assertTrue(approved)
        # every command above ran while the daemon was ingesting
        self.assertGreaterEqual(during, 3, f"only {during} rounds while the daemon was busy")
        # wait for the last answers, then stop the daemon
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and (len(of_kind(self.env, "help")) < COUNT
                                               or len(of_kind(self.env, "introduction")) < 3):
            time.sleep(0.5)
        daemon.terminate()
        self.assertEqual(daemon.wait(30), 0)
        with open(log_path) as f:
            log = f.read()
        self.assertNotIn("locked", log)
        # each backup is a whole, consistent database holding at least what
        # was there when it began
        for path, before in backups:
            db = sqlite3.connect(path)
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            n = db.execute("SELECT count(*) FROM inbound").fetchone()[0]
            self.assertGreaterEqual(n, before)
            db.close()
        helps = [m for m in of_kind(self.env, "help")]
        self.assertEqual(len(helps), COUNT, "each help request answered exactly once")
        self.assertEqual(len(of_kind(self.env, "introduction")), 3)
        print(f"\n  busy daemon: {rounds} rounds of status, export, backup (and match, approve);"
              f" {during} while it ingested {COUNT} messages; no command failed")
