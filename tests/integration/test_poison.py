"""One message that kills the robot while it is handled cannot stop it:
after two deaths on it, the third start quarantines it and answers the
mail behind it."""
import os
import signal

from common import MentordTest, kinds, mail, delivered


class PoisonMessage(MentordTest):
    def test_quarantined_on_the_third_start(self):
        self.env.dovecot.deliver(mail("ada@example.com", "help"))
        self.env.dovecot.deliver(mail("poison@example.com", "help", "x" * 100))
        self.env.dovecot.deliver(mail("ben@example.com", "help"))
        fault = {"MENTORD_FAULT": "kill-while-handling:2"}
        # the process dies on UID 2, twice: what came before it in the
        # batch is lost with it and handled again next time
        for start in (1, 2):
            r = self.env.run("once", env=fault)
            self.assertEqual(r.returncode, -signal.SIGKILL, f"start {start}: {r.stderr}")
            self.assertIn("fault injection: kill-while-handling:2", r.stderr)
            self.assertEqual(kinds(self.env), [])
        working = os.path.join(self.env.root, "state", "spool", "working")
        self.assertEqual(os.stat(working).st_mode & 0o777, 0o600)
        # the third start does not try it again (once says 1: a message
        # was quarantined)
        r = self.once(env=fault, expect=1)
        self.assertNotIn("fault injection", r.stderr)
        self.assertIn("UID 2: the robot died 2 times while handling it; quarantined", r.stderr)
        answered = sorted(rcpts[0] for _, rcpts, _ in delivered(self.env))
        self.assertEqual(answered, ["ada@example.com", "ben@example.com"])
        db = self.env.db()
        rows = db.execute("SELECT uid, class, outcome, quarantine FROM inbound ORDER BY uid").fetchall()
        db.close()
        self.assertEqual([r[0] for r in rows], [1, 2, 3])
        self.assertEqual(rows[1][1], "quarantined")
        self.assertEqual(rows[1][2], "the robot died while handling it, twice: not tried again")
        with open(rows[1][3], "rb") as f:
            self.assertIn(b"From: poison@example.com", f.read())
        # and it stays so: nothing is tried again or sent twice
        self.once(env=fault)
        self.assertEqual(len(delivered(self.env)), 2)

    def test_one_death_is_forgiven(self):
        """A process killed once on a message (a restart, the machine's
        OOM killer on another process's account) tries it again."""
        self.env.dovecot.deliver(mail("cleo@example.com", "help"))
        r = self.env.run("once", env={"MENTORD_FAULT": "kill-while-handling:1"})
        self.assertEqual(r.returncode, -signal.SIGKILL, r.stderr)
        self.once()
        self.assertEqual(kinds(self.env), ["help"])
