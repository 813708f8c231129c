"""OAuth 2 done by mentord itself, against real servers: Dovecot with its
oauth2 passdb and the test's SMTP server both ask a small token service on
loopback (tests/harness/oauth_service.py) about every token. Its access
tokens live a few seconds and each refresh token works once (rotation).

Covered: XOAUTH2 and OAUTHBEARER on IMAP and SMTP, check-config --connect
saying which flow worked and when the token expires, `run` with IDLE
answering across several expiries (without ever loading libcurl in the
daemon), a refused token renewed once and tried once more, the refresh
token revoked, consent withdrawn, the service down or slow, the
client_credentials grant, `mentord oauth2 login` (RFC 8628), and the rules
on files and URLs. Token lifetimes are real seconds (they are the
provider's): the waits here are those few seconds, nothing more."""
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from common import REPO, mail
from oauth_service import CLIENT_ID, GOOGLE_MAIL_SCOPE, SCOPE, TokenService
from servers import Env, TestCA
from smtp_extra import Smtpd, wait_until

SMTP_USER = "robot@example.org"


class OAuthTest(unittest.TestCase):
    token_seconds = 30
    imap_auth = "xoauth2"
    smtp_auth = "xoauth2"
    client_secret = None
    grant = "refresh_token"
    timeout = 3
    tls = None    # (certificate, key): the service over https

    def setUp(self):
        self.svc = TokenService(token_seconds=self.token_seconds, client_secret=self.client_secret,
                                tls=self.tls)
        self.addCleanup(self.svc.close)
        self.smtpd = Smtpd(oauth=lambda user, token: user == SMTP_USER and self.svc.active(token))
        self.env = Env(os.environ["MENTORD"], REPO, "", smtp=lambda root: self.smtpd,
                       dovecot={"oauth_url": self.svc.url("/introspect")})
        self.addCleanup(self.env.close)
        self.refresh_file = os.path.join(self.env.root, "state", "oauth2.refresh_token")
        self.write_secret(self.refresh_file, self.svc.issue_refresh())
        self.secret_file = os.path.join(self.env.root, "oauth2.client_secret")
        if self.client_secret:
            self.write_secret(self.secret_file, self.client_secret)
        self.configure()

    @staticmethod
    def write_secret(path, value, mode=0o600):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(value + "\n")
        os.chmod(path, mode)

    def configure(self, extra=""):
        lines = [f"imap.auth = {self.imap_auth}", "imap.password_file =",
                 f"smtp.user = {SMTP_USER}", f"smtp.auth = {self.smtp_auth}",
                 f"oauth2.token_url = {self.svc.url('/token')}",
                 f"oauth2.device_url = {self.svc.url('/devicecode')}",
                 f"oauth2.client_id = {CLIENT_ID}", f"oauth2.scope = {SCOPE}",
                 f"oauth2.grant = {self.grant}", f"oauth2.timeout_seconds = {self.timeout}"]
        if self.grant == "refresh_token":
            lines.append(f"oauth2.refresh_token_file = {self.refresh_file}")
        if self.client_secret:
            lines.append(f"oauth2.client_secret_file = {self.secret_file}")
        self.env.reconfigure("\n".join(lines) + "\n" + extra)

    def mentord(self, *args, expect=None, timeout=120):
        r = self.env.run(*args, timeout=timeout)
        out = r.stdout + r.stderr
        self.assertNotIn("runtime error", out)
        self.assertNotIn("Sanitizer", out)
        if expect is not None:
            self.assertEqual(r.returncode, expect, f"mentord {' '.join(args)}: {r.returncode}\n{out}")
        # no token or refresh token ever reaches a log line
        self.assertNotRegex(out, r"\b(at|rt)-[A-Za-z0-9_-]{20,}")
        return r

    def refresh_token(self):
        with open(self.refresh_file) as f:
            return f.read().strip()

    def cache_file(self):
        return os.path.join(self.env.root, "state", "spool", "oauth2.token")

    def answers(self):
        return [m["X-Mentord-Kind"] for _, _, m in self.smtpd.parsed()]

    def dovecot_log(self):
        with open(self.env.dovecot.log, errors="replace") as f:
            return f.read()

    def expire(self):
        """Waits out the access tokens issued so far (real seconds)."""
        time.sleep(self.token_seconds + 0.5)


class Flows(OAuthTest):
    def test_check_config_says_which_flow_worked_and_when_it_expires(self):
        before = self.refresh_token()
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertRegex(r.stdout, r"OAuth 2: ok: a new token from http://127\.0\.0\.1:\d+/token by"
                         r" the refresh_token grant, client mentord-test-client; it expires at"
                         r" \d{4}-\d\d-\d\d \d\d:\d\d \(in \d+ s\)")
        self.assertIn(f"the service replaced the refresh token, saved in {self.refresh_file}", r.stdout)
        self.assertIn("by XOAUTH2 as mentord", r.stdout)
        self.assertIn("SMTP: ok: connected to smtp://127.0.0.1", r.stdout)
        self.assertIn("authenticated by xoauth2", r.stdout)
        # one token for IMAP and SMTP alike, asked for once
        self.assertEqual(len(self.svc.token_requests()), 1)
        # the rotated refresh token replaced the old one, which is void now
        self.assertNotEqual(self.refresh_token(), before)
        self.assertIn(self.refresh_token(), self.svc.refresh)
        for path in (self.refresh_file, self.cache_file()):
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
        # within its lifetime the cached token is used, by any process
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("OAuth 2: ok: the cached token from", r.stdout)
        self.assertEqual(len(self.svc.token_requests()), 1)
        self.assertEqual(self.svc.reuse, [])

    def answered(self, imap_auth, smtp_auth):
        self.imap_auth, self.smtp_auth = imap_auth, smtp_auth
        self.configure()
        self.env.dovecot.deliver(mail("ann@example.com", "help"))
        self.mentord("once", expect=0)
        self.assertEqual(self.answers(), ["help"])
        self.assertIn(f"method={imap_auth.upper()}", self.dovecot_log())
        self.assertEqual(self.smtpd.auth_log, [(smtp_auth.upper(), SMTP_USER, True)])

    def test_xoauth2_on_both(self):
        self.answered("xoauth2", "xoauth2")

    def test_oauthbearer_on_both(self):
        self.answered("oauthbearer", "oauthbearer")

    def test_refused_token_is_renewed_once_and_tried_once_more(self):
        self.mentord("check-config", "--connect", expect=0)
        # the provider voids the token early: the cache does not know
        self.svc.revoke_access()
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("by XOAUTH2 (with a token renewed after the cached one was refused)", r.stdout)
        self.assertEqual(len(self.svc.token_requests()), 2)
        # SMTP found the renewed token in the cache: no third request
        self.assertIn("authenticated by xoauth2", r.stdout)
        self.assertEqual(len(self.svc.token_requests()), 2)
        self.assertEqual(self.svc.reuse, [])

    def test_a_server_that_refuses_every_token_costs_one_renewal(self):
        self.mentord("check-config", "--connect", expect=0)
        self.svc.active = lambda token: False
        r = self.mentord("once", expect=1)
        self.assertIn("IMAP AUTHENTICATE XOAUTH2", r.stderr)
        self.assertIn("a new token was refused too", r.stderr)
        self.assertEqual(len(self.svc.token_requests()), 2)


class SmtpRenewal(OAuthTest):
    """SMTP alone on tokens (OAUTHBEARER): a refused one is renewed once
    and a new connection tried once."""
    smtp_auth = "oauthbearer"

    def configure(self, extra=""):
        super().configure(f"imap.auth = login\nimap.password_file ="
                          f" {os.path.join(self.env.root, 'imap.password')}\n" + extra)

    def test_refused_at_auth_then_renewed(self):
        self.mentord("check-config", "--connect", expect=0)
        self.svc.revoke_access()
        self.env.dovecot.deliver(mail("ben@example.com", "help"))
        self.mentord("once", expect=0)
        self.assertEqual(self.answers(), ["help"])
        self.assertEqual(len(self.svc.token_requests()), 2)
        self.assertEqual(self.smtpd.auth_log, [("OAUTHBEARER", SMTP_USER, True),
                                               ("OAUTHBEARER", SMTP_USER, False),
                                               ("OAUTHBEARER", SMTP_USER, True)])

    def test_refused_again_keeps_the_message(self):
        self.mentord("check-config", "--connect", expect=0)
        self.svc.active = lambda token: False
        self.env.dovecot.deliver(mail("ben@example.com", "help"))
        r = self.mentord("once", expect=1)
        self.assertIn("a new token was refused too", r.stderr)
        self.assertEqual(len(self.svc.token_requests()), 2)
        db = self.env.db()
        try:
            self.assertEqual(db.execute("SELECT status FROM outbound").fetchall(), [("queued",)])
        finally:
            db.close()


class Expiries(OAuthTest):
    """`run` with IDLE keeps answering while tokens expire under it."""
    token_seconds = 3

    def test_run_answers_across_several_expiries(self):
        log_path = os.path.join(self.env.root, "run.log")
        with open(log_path, "w") as log:
            p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, "run"],
                                 stdout=subprocess.DEVNULL, stderr=log)

        def stop():
            if p.poll() is None:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        for n in range(4):
            self.env.dovecot.deliver(mail(f"person{n}@example.com", "help"))
            self.assertTrue(wait_until(lambda: len(self.smtpd.sent()) == n + 1, 30),
                            f"answer {n} did not come\n{open(log_path).read()}")
            # the daemon itself never loads libcurl: renewals for its IMAP
            # session happen in a short-lived child
            with open(f"/proc/{p.pid}/maps") as f:
                self.assertNotIn("libcurl", f.read())
            self.expire()
            if n % 2 == 1:
                # the provider drops the session: a new login needs a new token
                self.env.dovecot.restart()
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        with open(log_path) as f:
            out = f.read()
        self.assertEqual(p.returncode, 0, out)
        self.assertNotIn("Sanitizer", out)
        self.assertNotIn("runtime error", out)
        self.assertEqual(self.answers(), ["help"] * 4)
        self.assertTrue(all(ok for _, _, ok in self.smtpd.auth_log), self.smtpd.auth_log)
        renewals = len(self.svc.token_requests())
        print(f"\n  4 answers over 4 expiries of {self.token_seconds} s tokens: {renewals} token"
              f" requests, {len(self.smtpd.auth_log)} SMTP logins")
        self.assertGreaterEqual(renewals, 4)
        # every refresh token was used once: rotation never lost track
        self.assertEqual(self.svc.reuse, [])
        self.assertIn(self.refresh_token(), self.svc.refresh)


class Failures(OAuthTest):
    token_seconds = 2

    def test_revoked_refresh_token_is_reported_and_not_retried(self):
        self.mentord("check-config", "--connect", expect=0)
        self.svc.revoke_refresh()
        self.expire()
        self.env.dovecot.deliver(mail("cat@example.com", "help"))
        r = self.mentord("once", expect=1)
        self.assertIn("the refresh token was refused (invalid_grant: AADSTS70008", r.stderr)
        self.assertIn("Run `mentord oauth2 login` to sign in again", r.stderr)
        asked = len(self.svc.token_requests())
        # asked again at once: the refusal is remembered, the service is not
        for _ in range(3):
            r = self.mentord("once", expect=1)
            self.assertIn("invalid_grant", r.stderr)
            self.assertIn("not asked again before", r.stderr)
        self.assertEqual(len(self.svc.token_requests()), asked)
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("OAuth 2: FAILED: OAuth 2: the refresh token was refused", r.stdout)
        # a new refresh token (what `oauth2 login` writes) mends it at once
        self.write_secret(self.refresh_file, self.svc.issue_refresh())
        self.mentord("once", expect=0)
        self.assertEqual(self.answers(), ["help"])

    def test_withdrawn_consent_says_so(self):
        self.mentord("check-config", "--connect", expect=0)
        self.svc.consent_withdrawn = True
        self.expire()
        r = self.mentord("once", expect=1)
        self.assertIn(f"consent for the application {CLIENT_ID} was withdrawn or never given", r.stderr)
        self.assertIn("AADSTS65001", r.stderr)
        self.assertNotIn("Trace ID", r.stderr)
        self.assertIn("An administrator must grant it again", r.stderr)

    def test_service_down_then_back(self):
        self.mentord("check-config", "--connect", expect=0)
        self.svc.stop()
        self.expire()
        self.env.dovecot.deliver(mail("dan@example.com", "help"))
        start = time.monotonic()
        r = self.mentord("once", expect=1)
        self.assertLess(time.monotonic() - start, 20)
        self.assertRegex(r.stderr, r"OAuth 2: the token service at http://127\.0\.0\.1:\d+/token: .*"
                         r"mentord tries again later")
        self.svc.start()
        self.mentord("once", expect=0)
        self.assertEqual(self.answers(), ["help"])

    def test_slow_service_is_given_up_on_in_time(self):
        self.mentord("check-config", "--connect", expect=0)
        self.svc.delay = 8
        self.expire()
        start = time.monotonic()
        r = self.mentord("once", expect=1)
        took = time.monotonic() - start
        print(f"\n  a token service slower than timeout_seconds = {self.timeout}: once gave up"
              f" after {took:.1f} s")
        self.assertIn(f"no answer within {self.timeout} s", r.stderr)
        self.assertLess(took, 15)
        self.svc.delay = 0
        self.mentord("once", expect=0)


class Garbled(OAuthTest):
    """A token service's answer that would garble what the request's child
    hands its parent: control characters in a field, a lifetime past any
    clock."""

    def test_error_with_line_breaks_stays_one_field(self):
        self.svc.answer_override = (400, {
            "error": "invalid_grant\n0\n3600\nforged-access\n-\n-\n-",
            "error_description": "line one\r\nline two\x1b[31m"})
        r = self.mentord("check-config", "--connect", expect=1)
        lines = [l for l in r.stdout.splitlines() if l.startswith("OAuth 2:")]
        self.assertEqual(len(lines), 1, r.stdout)
        self.assertIn("the token service refused (invalid_grant\\x0a0\\x0a3600", lines[0])
        for bad in ("\x1b", "\r"):
            self.assertNotIn(bad, r.stdout + r.stderr)
        self.assertNotIn("\nforged-access", r.stdout)
        # nothing was taken for a token, and the refusal is remembered as one
        with open(self.cache_file()) as f:
            cache = f.read().splitlines()
        self.assertEqual([l.split()[0] for l in cache], ["key", "refused", "refused_key", "reason"])

    def test_lifetime_past_any_clock_is_clamped(self):
        self.svc.expires_in = 9223372036854775807
        r = self.mentord("check-config", "--connect", expect=0)
        m = re.search(r"it expires at (\S+ \S+) \(in (\d+) min\)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertLessEqual(int(m.group(2)), 24 * 60)
        self.assertGreater(int(m.group(2)), 60)
        self.assertIn("by XOAUTH2 as mentord", r.stdout)


class ClientCredentials(OAuthTest):
    grant = "client_credentials"
    client_secret = "client-secret-for-tests"

    def test_app_only_tokens(self):
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("by the client_credentials grant", r.stdout)
        self.assertNotIn(self.client_secret, r.stdout + r.stderr)
        self.assertEqual([g for _, g, _ in self.svc.token_requests()], ["client_credentials"])
        self.env.dovecot.deliver(mail("eve@example.com", "help"))
        self.mentord("once", expect=0)
        self.assertEqual(self.answers(), ["help"])
        r = self.mentord("oauth2", "login", expect=1)
        self.assertIn("needs no sign-in", r.stderr)

    def test_wrong_client_secret(self):
        self.write_secret(self.secret_file, "not-the-secret")
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("the client was refused (invalid_client: AADSTS7000215", r.stdout)
        self.assertIn("client_secret_file", r.stdout)
        self.assertNotIn("not-the-secret", r.stdout + r.stderr)


class DeviceLogin(OAuthTest):
    def setUp(self):
        super().setUp()
        os.unlink(self.refresh_file)

    def login(self, answer):
        p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, "oauth2", "login"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        first = p.stdout.readline()
        m = re.search(r"open (\S+) in a browser and enter the code (\S+)", first)
        self.assertIsNotNone(m, first)
        self.assertEqual(m.group(1), "https://login.example.test/device")
        time.sleep(1.5)  # the person takes a moment: the first polls are pending
        self.assertTrue(self.svc.device(m.group(2), answer))
        out, err = p.communicate(timeout=60)
        return p.returncode, first + out, err

    def test_no_refresh_token_yet(self):
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("there is no refresh token yet", r.stdout)
        self.assertIn("run `mentord oauth2 login`", r.stdout)

    def test_sign_in_by_device_code(self):
        rc, out, err = self.login("approve")
        self.assertEqual(rc, 0, out + err)
        self.assertIn(f"Signed in. The refresh token is saved in {self.refresh_file}", out)
        self.assertEqual(stat.S_IMODE(os.stat(self.refresh_file).st_mode), 0o600)
        self.assertIn(self.refresh_token(), self.svc.refresh)
        # pending first, then one slow_down, then granted
        self.assertGreaterEqual(self.svc.polls, 3)
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("OAuth 2: ok: the cached token", r.stdout)
        self.assertIn("by XOAUTH2 as mentord", r.stdout)

    def test_declined(self):
        rc, out, err = self.login("deny")
        self.assertEqual(rc, 1, out + err)
        self.assertIn("the sign-in was declined", err)
        self.assertFalse(os.path.exists(self.refresh_file))


class BrowserLogin(OAuthTest):
    """`mentord oauth2 login` by the authorization code grant with PKCE and a
    loopback redirect: the person's browser is played by the test, which
    opens the printed address at the service and is sent on to mentord's
    listener; the address it ended on is either visited (same machine) or
    pasted into mentord's standard input (another machine)."""
    provider = "microsoft"
    scope = SCOPE

    def setUp(self):
        super().setUp()
        os.unlink(self.refresh_file)

    def configure(self, extra=""):
        super().configure(f"oauth2.auth_url = {self.svc.url('/authorize')}\n"
                          f"oauth2.device_url =\noauth2.scope = {self.scope}\n" + extra)

    def start(self, *args):
        p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, "oauth2", "login", *args],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        head = ""
        while True:
            line = p.stdout.readline()
            if not line:
                self.fail(head + p.stderr.read())
            head += line
            if line.startswith("http"):
                return p, line.strip(), head

    def finish(self, p, head):
        out, err = p.communicate(timeout=60)
        return p.returncode, head + out, err

    def signed_in(self, rc, out, err):
        self.assertEqual(rc, 0, out + err)
        self.assertIn(f"Signed in. The refresh token is saved in {self.refresh_file}", out)
        self.assertEqual(stat.S_IMODE(os.stat(self.refresh_file).st_mode), 0o600)
        self.assertIn(self.refresh_token(), self.svc.refresh)
        # the code was taken once, for the same redirect, with the right verifier
        self.assertEqual(self.svc.exchanges, [(True, True, True)])
        # and the token opens the mailbox: Dovecot's oauth2 passdb asks the service
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("by XOAUTH2 as mentord", r.stdout)
        self.assertIn("SMTP: ok", r.stdout)

    def test_address_to_open(self):
        p, url, head = self.start()
        q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        self.assertTrue(url.startswith(self.svc.url("/authorize") + "?"))
        self.assertEqual(q["response_type"], ["code"])
        self.assertEqual(q["client_id"], [CLIENT_ID])
        self.assertEqual(q["scope"], [self.scope])
        self.assertEqual(q["code_challenge_method"], ["S256"])
        self.assertRegex(q["code_challenge"][0], r"^[A-Za-z0-9_-]{43}$")
        self.assertRegex(q["state"][0], r"^[0-9a-f]{32}$")
        self.assertRegex(q["redirect_uri"][0], r"^http://127\.0\.0\.1:\d+/$")
        p.kill()

    def test_by_the_loopback_listener(self):
        p, url, head = self.start()
        back = self.svc.browse(url)
        with urllib.request.urlopen(back, timeout=10) as r:
            self.assertIn("Signed in", r.read().decode())
        self.signed_in(*self.finish(p, head))

    def test_by_the_pasted_address(self):
        p, url, head = self.start()
        back = self.svc.browse(url)
        # first what does not belong to this sign-in: another state, no query
        other = re.sub(r"state=[0-9a-f]+", "state=" + "0" * 32, back)
        p.stdin.write(other + "\n" + "hello\n" + back + "\n")
        p.stdin.flush()
        rc, out, err = self.finish(p, head)
        self.assertIn("that address is the answer to another sign-in (its state differs)", out)
        self.signed_in(rc, out, err)

    def test_a_stranger_at_the_listener_ends_nothing(self):
        p, url, head = self.start()
        redirect = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["redirect_uri"][0]
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", redirect).group(1))
        for path in ("/favicon.ico", "/?code=forged&state=" + "1" * 32, "/?error=access_denied"):
            with self.subTest(path=path):
                with self.assertRaises(urllib.error.HTTPError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        self.assertIsNone(p.poll())
        p.stdin.write(self.svc.browse(url) + "\n")
        p.stdin.flush()
        self.signed_in(*self.finish(p, head))

    def test_declined(self):
        self.svc.deny = True
        p, url, head = self.start()
        p.stdin.write(self.svc.browse(url) + "\n")
        p.stdin.flush()
        rc, out, err = self.finish(p, head)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("the sign-in was declined (access_denied: The user declined)", err)
        self.assertFalse(os.path.exists(self.refresh_file))


class GoogleLogin(BrowserLogin):
    """Google's service: its device flow refuses the mail scope, so the
    browser is the way; its refresh tokens rotate as Microsoft's do here."""
    provider = "google"
    scope = GOOGLE_MAIL_SCOPE

    def setUp(self):
        super().setUp()
        self.svc.provider = "google"

    def test_device_flow_refuses_the_mail_scope(self):
        self.configure(f"oauth2.device_url = {self.svc.url('/devicecode')}")
        r = self.mentord("oauth2", "login", expect=1)
        self.assertIn("invalid_scope", r.stderr)
        self.assertIn("--browser", r.stderr)
        # with both set, --browser chooses the browser
        p, url, head = self.start("--browser")
        p.stdin.write(self.svc.browse(url) + "\n")
        p.stdin.flush()
        self.signed_in(*self.finish(p, head))


class Rules(OAuthTest):
    def test_token_url_needs_https_off_loopback(self):
        for url in ("http://login.example.org/token", "http://127.0.0.1.example.org/token",
                    "http://user@127.0.0.1/token", "ftp://127.0.0.1/token"):
            with self.subTest(url=url):
                self.configure(f"oauth2.token_url = {url}")
                r = self.mentord("check-config", expect=78)
                self.assertIn("[oauth2] token_url: expected https://, or http:// to a loopback host",
                              r.stderr)

    def test_refresh_token_file_readable_by_others_is_refused(self):
        os.chmod(self.refresh_file, 0o644)
        r = self.mentord("check-config", expect=78)
        self.assertIn("readable by group or others", r.stderr)

    def test_tenant_names_the_microsoft_endpoints(self):
        self.env.reconfigure("\n".join([
            "imap.auth = oauthbearer", "imap.password_file =", "oauth2.tenant = contoso.onmicrosoft.com",
            f"oauth2.client_id = {CLIENT_ID}", f"oauth2.scope = {SCOPE}",
            f"oauth2.refresh_token_file = {self.refresh_file}"]))
        r = self.mentord("check-config", expect=0)
        self.assertIn("configuration ok", r.stdout)


class Https(OAuthTest):
    """The token service over TLS, its certificate from a private CA. (SMTP
    alone uses the tokens here: the test's Dovecot would not trust the CA.)"""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mentord-oauth-tls-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.ca = TestCA(os.path.join(self.tmp, "ca"))
        self.tls = self.ca.issue(["127.0.0.1"])
        super().setUp()
        self.password = os.path.join(self.env.root, "imap.password")

    def test_verified_against_ca_file_only(self):
        imap = f"imap.auth = login\nimap.password_file = {self.password}\n"
        self.configure(imap)
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("OAuth 2: FAILED: OAuth 2: the token service at https://127.0.0.1", r.stdout)
        self.assertIn("certificate", r.stdout)
        self.assertEqual(self.svc.token_requests(), [])
        self.configure(imap + f"oauth2.ca_file = {self.ca.cert}")
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertRegex(r.stdout, r"OAuth 2: ok: a new token from https://127\.0\.0\.1:\d+/token")
        self.assertIn("authenticated by xoauth2", r.stdout)
