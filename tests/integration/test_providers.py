"""The providers' own ways, through a proxy that speaks as their servers in
front of the real Dovecot (tests/harness/personality.py), and records every
command mentord sends:

- Exchange Online keeps no keywords and answers a keyword STORE or SEARCH
  with BAD: three batches across cycles are all answered once, nothing is
  keyword-stored, handled mail is moved to the folder Outlook and Gmail
  show, and check-config --connect says so; without a folder the database
  alone knows.
- A refused move ([OVERQUOTA]) never stops the reading of new mail: a
  warning, then reported once, in status --health, and over when it works.
- Exchange's internal headers (AuthAs Internal) run a committee command at
  once and prove a colleague; the same From from outside, or with a forged
  AuthAs, does not; under provider other the headers prove nothing.
- Throttling ("Suggested Backoff Time") is waited out exactly; the
  AccessTokenExpired BYE is routine news followed by a new login; a session
  is replaced before its token expires.
- Gmail's "[ALERT] Too many simultaneous connections" and [UNAVAILABLE] at
  login are logged in the server's words and are not taken for a bad token.
"""
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
        self.assertEqual([w for _, w in self.server.events() if not w.startswith("connect")], [])
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
        self.server.respond("UID MOVE", "NO [OVERQUOTA] The folder cannot be written", times=100)
        logs = []
        for batch in range(3):
            self.env.dovecot.deliver(mail(f"asker{batch}@example.com", "help"))
            logs.append(self.once().stderr)
        self.assertEqual(len(delivered(self.env)), 3)
        # a warning the first time, reported once with what to do
        self.assertIn("<4>IMAP UID MOVE: 127.0.0.1 answered: [OVERQUOTA] The folder cannot be written"
                      " (the mailbox is over its quota); it is tried again next time", logs[0])
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


# What Exchange Online writes above a message from a signed-in user of the
# organisation (no DKIM inside a tenant), and above one from outside.
EXCHANGE_INTERNAL = (
    b"Authentication-Results: dkim=none (message not signed)\r\n header.d=none;dmarc=none"
    b" action=none header.from=example.org;\r\n"
    b"X-MS-Exchange-Organization-AuthSource: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\n"
    b"X-MS-Exchange-Organization-AuthAs: Internal\r\n"
    b"X-MS-Exchange-Organization-AuthMechanism: 04\r\n")
EXCHANGE_OUTSIDE = (
    b"Authentication-Results: spf=fail (sender IP is 198.51.100.7)\r\n"
    b" smtp.mailfrom=example.org; domain; dkim=none (message not signed)\r\n header.d=none;dmarc=fail"
    b" action=oreject header.from=example.org;compauth=fail reason=000\r\n"
    b"X-MS-Exchange-Organization-AuthSource: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\n"
    b"X-MS-Exchange-Organization-AuthAs: Anonymous\r\n")


class ExchangeCommittee(ProviderTest):
    def kinds_to(self, who):
        return [m["X-Mentord-Kind"] for _, rcpts, m in delivered(self.env) if who in rcpts]

    def test_internal_command_runs_at_once_and_outside_does_not(self):
        self.env.dovecot.deliver(EXCHANGE_INTERNAL + mail("Chair <chair@example.org>", "status"))
        self.once()
        self.assertEqual(self.kinds_to("chair@example.org"), ["command-result"])
        # the same From from outside, with a forged AuthAs below Exchange's
        forged = b"X-MS-Exchange-Organization-AuthAs: Internal\r\n"
        self.env.dovecot.deliver(EXCHANGE_OUTSIDE + forged + mail("Chair <chair@example.org>", "status"))
        self.env.dovecot.deliver(EXCHANGE_OUTSIDE + mail("Chair <chair@example.org>", "status"))
        self.once()
        self.assertEqual(self.kinds_to("chair@example.org"),
                         ["command-result", "confirm-request", "confirm-request"])

    def test_an_internal_applicant_is_not_under_the_unproven_cap(self):
        self.env.reconfigure(f"programme.provider = microsoft365\nimap.host = 127.0.0.1\n"
                             f"imap.port = {self.server.port}\nimap.security = none\n"
                             "imap.auth = login\nprogramme.max_unproven_per_hour = 1\n")
        for i in range(3):
            self.env.dovecot.deliver(EXCHANGE_INTERNAL + mail(f"colleague{i}@example.org", "help"))
        self.env.dovecot.deliver(EXCHANGE_OUTSIDE + mail("stranger1@example.com", "help"))
        self.env.dovecot.deliver(EXCHANGE_OUTSIDE + mail("stranger2@example.com", "help"))
        self.once()
        sent = sorted(r[0] for _, r, _ in delivered(self.env))
        # three proven colleagues answered, and one stranger within the cap
        self.assertEqual([a for a in sent if a.startswith("colleague")],
                         ["colleague0@example.org", "colleague1@example.org", "colleague2@example.org"])
        self.assertEqual(len([a for a in sent if a.startswith("stranger")]), 1)


class ProviderOther(ProviderTest):
    """The same headers prove nothing without the provider."""
    provider = None

    def test_exchange_headers_prove_nothing_under_other(self):
        self.env.dovecot.deliver(EXCHANGE_INTERNAL + mail("Chair <chair@example.org>", "status"))
        self.once()
        kinds = [m["X-Mentord-Kind"] for _, _, m in delivered(self.env)]
        self.assertEqual(kinds, ["confirm-request"])


class Daemon:
    """`mentord run` with its log in a file, ended by SIGTERM."""

    def spawn(self):
        import subprocess
        import time
        self.log_path = os.path.join(self.env.root, f"run-{time.monotonic_ns()}.log")
        with open(self.log_path, "w") as log:
            p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, "run"],
                                 stdout=subprocess.DEVNULL, stderr=log)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        return p

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def until(self, predicate, timeout=30):
        import time
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        self.fail("timed out\n" + self.log())

    def stop(self, p):
        import signal
        p.send_signal(signal.SIGTERM)
        p.wait(10)


class ExchangeAnswers(Daemon, ProviderTest):
    more_config = "imap.poll_seconds = 3600"

    def test_throttled_waits_as_long_as_the_server_asks(self):
        self.server.throttle("SELECT", 4500)
        self.env.dovecot.deliver(mail("asker@example.com", "help"))
        p = self.spawn()
        self.until(lambda: len(delivered(self.env)) == 1)
        self.stop(p)
        log = self.log()
        self.assertIn("reconnecting in 4500 ms, as 127.0.0.1 asked", log)
        self.assertIn("Suggested Backoff Time: 4500 milliseconds", log)
        events = self.server.events()
        throttled = [t for t, w in events if "throttled" in w][0]
        second = [t for t, w in events if w == "connect 2"][0]
        self.assertGreaterEqual(second - throttled, 4.4)
        self.assertLess(second - throttled, 7.0)

    def test_access_token_expired_bye_is_routine(self):
        self.server.bye_after("SELECT")
        self.env.dovecot.deliver(mail("asker@example.com", "help"))
        p = self.spawn()
        self.until(lambda: len(delivered(self.env)) == 1)
        self.until(lambda: self.server.connections >= 2)
        self.stop(p)
        log = self.log()
        self.assertIn("AccessTokenExpired", log)
        lines = [l for l in log.splitlines() if "AccessTokenExpired" in l]
        self.assertTrue(lines and all(" <6>" in l or l.startswith("<6>") for l in lines), log)
        self.assertNotIn("reconnecting in", log)
        self.assertNotIn("<3>", log)


class OAuthProviderTest(Daemon, ProviderTest):
    """A provider in front of Dovecot's oauth2 passdb and the harness's
    token service: XOAUTH2 as the providers have it."""
    token_seconds = 60

    def setUp(self):
        import servers
        from common import REPO
        from oauth_service import CLIENT_ID, SCOPE, TokenService
        self.svc = TokenService(token_seconds=self.token_seconds)
        self.addCleanup(self.svc.close)
        self.env = servers.Env(os.environ["MENTORD"], REPO, "",
                               dovecot={"oauth_url": self.svc.url("/introspect")})
        self.addCleanup(self.env.close)
        self.server = Personality(self.env.dovecot.port, self.kind)
        self.addCleanup(self.server.close)
        refresh = os.path.join(self.env.root, "state", "oauth2.refresh_token")
        with open(refresh, "w") as f:
            f.write(self.svc.issue_refresh() + "\n")
        os.chmod(refresh, 0o600)
        self.env.reconfigure(
            f"programme.provider = {self.provider}\nimap.host = 127.0.0.1\n"
            f"imap.port = {self.server.port}\n"
            "imap.security = none\nimap.auth = xoauth2\nimap.password_file =\n"
            f"oauth2.token_url = {self.svc.url('/token')}\noauth2.client_id = {CLIENT_ID}\n"
            f"oauth2.scope = {SCOPE}\noauth2.refresh_token_file = {refresh}\n"
            "programme.max_unproven_per_hour = 100000\nimap.poll_seconds = 3600\n")


class GmailOAuth(OAuthProviderTest):
    kind = "gmail"
    provider = "google"

    def test_too_many_connections_is_not_a_bad_token(self):
        self.server.refuse_login("[ALERT] Too many simultaneous connections. (Failure)")
        self.env.dovecot.deliver(mail("asker@example.com", "help"))
        r = self.once(expect=None)
        self.assertNotEqual(r.returncode, 0)
        # the server's words, as an alert; no token renewed, no blame on the user
        self.assertIn("<4>IMAP: 127.0.0.1 says: Too many simultaneous connections. (Failure)",
                      r.stderr)
        self.assertIn("not a problem of the token or of [imap] user", r.stderr)
        self.assertNotIn("check [imap] user", r.stderr)
        self.assertEqual(len(self.svc.token_requests()), 1)
        self.assertEqual(len(self.commands(r"AUTHENTICATE")), 1)
        # the next cycle logs in with the same token and answers
        self.once()
        self.assertEqual(len(delivered(self.env)), 1)
        self.assertEqual(len(self.svc.token_requests()), 1)
        # Gmail keeps keywords: handled mail is flagged and moved to the folder
        self.assertEqual(len(self.commands(r"UID STORE .*MentordDone")), 1)
        self.assertEqual(self.folder("Handled by mentord"), 1)

    def test_unavailable_at_login_is_not_a_bad_token(self):
        self.server.refuse_login("[UNAVAILABLE] Temporary System Error")
        r = self.once(expect=1)
        self.assertIn("[UNAVAILABLE] Temporary System Error (the server is unavailable for now);"
                      " tried again later", r.stderr)
        self.assertEqual(len(self.svc.token_requests()), 1)
        self.once()
        self.assertEqual(len(self.svc.token_requests()), 1)


class ExchangeTokenLife(OAuthProviderTest):
    """A session is replaced before its token expires, so that Exchange
    never has to end it."""
    kind = "exchange"
    provider = "microsoft365"
    token_seconds = 8

    def test_logs_in_again_with_a_fresh_token_before_it_expires(self):
        p = self.spawn()
        self.until(lambda: self.server.connections >= 2, timeout=20)
        self.env.dovecot.deliver(mail("asker@example.com", "help"))
        self.until(lambda: len(delivered(self.env)) == 1)
        self.stop(p)
        log = self.log()
        self.assertIn("<6>IMAP: the access token of this session is about to expire", log)
        self.assertNotIn("<3>", log)
        self.assertNotIn("AccessTokenExpired", log)
        connects = [t for t, w in self.server.events() if w.startswith("connect")]
        # a quarter of the token's life before it ends: 6 s after the first
        self.assertGreaterEqual(connects[1] - connects[0], 5.0)
        self.assertLess(connects[1] - connects[0], 8.0)
        self.assertEqual(len(self.svc.token_requests()), 2)
