"""The providers' own ways, through a proxy that speaks as their servers in
front of the real Dovecot (tests/harness/personality.py): Exchange Online
keeps no keywords and answers a keyword STORE with BAD, so handled mail is
known from the database and moved to a folder; a mark the server refuses
never stops the reading of new mail."""
import os
import re

from common import MentordTest, delivered, mail
from personality import Personality


class ProviderTest(MentordTest):
    kind = "exchange"
    provider = "microsoft365"
    more_config = ""

    def setUp(self):
        super().setUp()
        self.server = Personality(self.env.dovecot.port, self.kind)
        self.addCleanup(self.server.close)
        provider = f"programme.provider = {self.provider}\n" if self.provider else ""
        self.env.reconfigure(
            f"{provider}imap.host = 127.0.0.1\n"
            f"imap.port = {self.server.port}\nimap.security = none\nimap.auth = login\n"
            f"programme.max_unproven_per_hour = 100000\n{self.more_config}")

    def commands(self, pattern):
        return [c for c in self.server.commands() if re.search(pattern, c, re.I)]

    def folder(self, name):
        """Messages in a Dovecot Maildir++ folder."""
        path = os.path.join(self.env.dovecot.maildir, "." + name)
        return sum(len(os.listdir(os.path.join(path, d))) for d in ("cur", "new")) \
            if os.path.isdir(path) else 0

    def inbox(self):
        return sum(len(os.listdir(os.path.join(self.env.dovecot.maildir, d))) for d in ("cur", "new"))


class ExchangeMailbox(ProviderTest):
    def test_three_batches_across_cycles_all_answered_once_nothing_keyword_stored(self):
        for batch in range(3):
            for i in range(5):
                self.env.dovecot.deliver(mail(f"asker{batch}{i}@example.com", "help"))
            r = self.once()
            self.assertNotIn("Command Argument Error", r.stderr)
        sent = delivered(self.env)
        self.assertEqual(sorted(rcpts[0] for _, rcpts, _ in sent),
                         sorted(f"asker{b}{i}@example.com" for b in range(3) for i in range(5)))
        self.assertEqual(self.commands(r"STORE .*MentordDone"), [])
        self.assertEqual(self.commands(r"KEYWORD"), [])
        self.assertEqual(self.server.events(), [])
        # handled mail is in the folder both Outlook and Gmail show
        self.assertEqual(self.folder("Handled by mentord"), 15)
        self.assertEqual(self.inbox(), 0)
        self.assertGreaterEqual(len(self.commands(r"^\S+ UID MOVE ")), 3)
        self.once()
        self.assertEqual(len(delivered(self.env)), 15)

    def test_check_config_connect_says_what_the_server_allows(self):
        r = self.env.run("check-config", "--connect")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("keywords not kept (no \\* in PERMANENTFLAGS)", r.stdout)
        self.assertIn("IDLE offered, MOVE offered, UIDPLUS offered", r.stdout)
        self.assertIn("handled mail: moved to Handled by mentord (MOVE)", r.stdout)
        self.assertIn("[imap] processed_mailbox = Handled by mentord (provider microsoft365)",
                      r.stdout)
        self.assertEqual(self.commands(r"STORE"), [])

    def test_a_refused_move_never_stops_the_reading_of_new_mail(self):
        self.server.respond("UID MOVE", "NO [CANNOT] The folder cannot be written", times=100)
        logs = []
        for batch in range(3):
            self.env.dovecot.deliver(mail(f"asker{batch}@example.com", "help"))
            logs.append(self.once().stderr)
        self.assertEqual(len(delivered(self.env)), 3)
        # a warning the first time, reported once with what to do
        self.assertIn("cannot be written; it is tried again next time", logs[0])
        self.assertIn("2 times in a row", logs[1])
        self.assertIn("processed_mailbox", logs[1])
        self.assertNotIn("times in a row", logs[2])
        health = self.env.run("status", "--health")
        self.assertIn("WARNING marking: handled mail not marked on 127.0.0.1", health.stdout)
        self.assertEqual(health.returncode, 1, health.stdout)
        # each cycle tried again what was not moved
        moves = self.commands(r"^\S+ UID MOVE ")
        self.assertGreaterEqual(len(moves), 3)
        self.assertEqual(self.inbox(), 3)
        # the server takes it again: everything moves, the trouble is over
        self.server.plan.clear()
        r = self.once()
        self.assertIn("marked on 127.0.0.1 again", r.stderr)
        self.assertEqual(self.folder("Handled by mentord"), 3)
        health = self.env.run("status", "--health")
        self.assertIn("OK marking:", health.stdout)
        self.assertEqual(len(delivered(self.env)), 3)


class ExchangeWithoutFolder(ProviderTest):
    provider = None  # other, the default

    def test_without_keywords_or_folder_the_database_knows(self):
        for batch in range(3):
            for i in range(2):
                self.env.dovecot.deliver(mail(f"asker{batch}{i}@example.com", "help"))
            r = self.once()
            self.assertNotIn("BAD", r.stderr)
        self.assertEqual(len(delivered(self.env)), 6)
        self.assertEqual(self.commands(r"STORE|MOVE|COPY|KEYWORD"), [])
        self.assertEqual(self.inbox(), 6)
        r = self.env.run("check-config", "--connect")
        self.assertIn("handled mail: left where it is, unmarked", r.stdout)
