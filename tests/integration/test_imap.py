"""The IMAP side against a real Dovecot (and, where Dovecot cannot be made to
misbehave, a scripted server): TLS and STARTTLS verified against a test CA,
untrusted and wrong-name certificates refused, plaintext refused off
loopback, the login mechanisms (PLAIN, LOGIN, XOAUTH2), timeouts, moving
handled mail, thousands of messages, IDLE and a server restart under `run`.

Timings are measured and printed; the only timing assertions are generous
bounds that a working mentord meets many times over."""
import base64
import http.server
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
import unittest
import urllib.parse

from common import REPO, kinds, mail
from servers import Dovecot, Env, SilentServer, TestCA

IMAP_OK = re.compile(r"IMAP: ok: .*")


def imap_ok_line(out):
    m = IMAP_OK.search(out)
    return m.group(0) if m else ""


class ImapTest(unittest.TestCase):
    dovecot = None       # keyword arguments for servers.Dovecot
    extra_config = ""

    def dovecot_options(self):
        return dict(self.dovecot or {})

    def setUp(self):
        self.env = Env(os.environ["MENTORD"], REPO, self.extra_config,
                       dovecot=self.dovecot_options())
        self.addCleanup(self.env.close)

    def configure(self, extra):
        self.env.reconfigure(self.extra_config + "\n" + extra)

    def mentord(self, *args, expect=None, env=None, timeout=120):
        r = self.env.run(*args, env=env, timeout=timeout)
        out = r.stdout + r.stderr
        self.assertNotIn("runtime error", out)
        self.assertNotIn("Sanitizer", out)
        if expect is not None:
            self.assertEqual(r.returncode, expect, f"mentord {' '.join(args)}: {r.returncode}\n{out}")
        return r

    def spawn_run(self, *options):
        """`mentord run` with its log in a file (a pipe could fill up)."""
        log_path = os.path.join(self.env.root, f"run-{time.monotonic_ns()}.log")
        log = open(log_path, "w")
        p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, *options, "run"],
                             stdout=subprocess.DEVNULL, stderr=log)
        log.close()

        def stop():
            if p.poll() is None:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        p.log_path = log_path
        return p

    def stop_run(self, p):
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        log = self.read_log(p)
        self.assertEqual(p.returncode, 0, log)
        self.assertNotIn("runtime error", log)
        self.assertNotIn("Sanitizer", log)
        return log

    @staticmethod
    def read_log(p):
        with open(p.log_path, errors="replace") as f:
            return f.read()

    def dovecot_log(self):
        with open(self.env.dovecot.log, errors="replace") as f:
            return f.read()

    def mailbox(self, name="INBOX"):
        """{uid: (flags, from)} of a mailbox, read without changing it."""
        imap = self.env.dovecot.imap()
        try:
            typ, _ = imap.select(name, readonly=True)
            self.assertEqual(typ, "OK", f"no mailbox {name}")
            typ, data = imap.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM)])")
            out = {}
            for item in data:
                if isinstance(item, tuple):
                    head = item[0].decode()
                    uid = int(re.search(r"UID (\d+)", head).group(1))
                    flags = re.search(r"FLAGS \(([^)]*)\)", head).group(1)
                    out[uid] = (flags, item[1].decode().strip())
            return out
        finally:
            imap.logout()

    def write_secret(self, name, value):
        path = os.path.join(self.env.root, name)
        with open(path, "w") as f:
            f.write(value + "\n")
        os.chmod(path, 0o600)
        return path


# ---------------------------------------------------------------- TLS ----

class Tls(ImapTest):
    dovecot = {"ssl": "required"}

    def tls_config(self, security="tls", ca_file=None):
        """ca_file: None for the test CA, "" for none (the system's only)."""
        d = self.env.dovecot
        port = d.tls_port if security == "tls" else d.port
        ca_file = d.ca_file if ca_file is None else ca_file
        return (f"imap.security = {security}\nimap.port = {port}\n"
                f"imap.ca_file = {ca_file}\nimap.auth = plain")

    def test_tls_and_starttls_verified_and_working(self):
        for security, label in (("tls", "with TLS (TLS1."), ("starttls", "with STARTTLS (TLS1.")):
            with self.subTest(security=security):
                self.configure(self.tls_config(security))
                r = self.mentord("check-config", "--connect", expect=0)
                print(f"\n  check-config --connect, security = {security}: {imap_ok_line(r.stdout)}")
                self.assertIn(label, r.stdout)
                self.assertIn("certificate verified for 127.0.0.1", r.stdout)
                self.assertIn("by PLAIN as mentord", r.stdout)
                self.env.smtp.clear()
                self.env.dovecot.deliver(mail(f"{security}@example.com", "help"))
                self.mentord("once", expect=0)
                self.assertEqual(kinds(self.env), ["help"])
        log = self.dovecot_log()
        self.assertIn("method=PLAIN", log)
        self.assertRegex(log, r"Login: user=<mentord>, method=PLAIN.*TLS")

    def test_large_message_over_tls(self):
        """A 4 MB message arrives in many TLS records, some held decrypted
        inside GnuTLS between two reads."""
        self.configure(self.tls_config("tls"))
        blob = base64.encodebytes(os.urandom(3 * 1024 * 1024)).decode().replace("\n", "\r\n")
        big = (f"From: big@example.com\r\nTo: mentoring@example.org\r\nSubject: help\r\n"
               f"Message-ID: <big.{time.time()}@example.com>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
               "Content-Type: text/plain; charset=UTF-8\r\n\r\nPlease send the form.\r\n"
               "--b\r\nContent-Type: application/octet-stream\r\n"
               f"Content-Transfer-Encoding: base64\r\n\r\n{blob}--b--\r\n").encode()
        self.assertGreater(len(big), 4 * 1024 * 1024)
        self.env.dovecot.deliver(big)
        self.env.dovecot.deliver(mail("small@example.com", "help"))
        self.mentord("once", expect=0)
        self.assertEqual(sorted(r[0] for _, r, _ in self.env.smtp.sent()),
                         ["big@example.com", "small@example.com"])

    def test_check_config_without_tls_on_loopback(self):
        # ssl = required in Dovecot, but loopback counts as secure there
        self.configure("imap.security = none\nimap.auth = login")
        r = self.mentord("check-config", "--connect", expect=0)
        print(f"\n  check-config --connect, security = none: {imap_ok_line(r.stdout)}")
        self.assertIn("with no TLS (loopback) by LOGIN", r.stdout)

    def test_certificate_from_an_untrusted_ca_is_refused(self):
        other = TestCA(os.path.join(self.env.root, "other-ca"), name="some other CA")
        for security in ("tls", "starttls"):
            for ca_file in (other.cert, ""):
                with self.subTest(security=security, ca_file=ca_file):
                    self.configure(self.tls_config(security, ca_file=ca_file))
                    r = self.mentord("check-config", "--connect", expect=1)
                    self.assertIn("IMAP: FAILED: IMAP: TLS: the certificate of 127.0.0.1 is not trusted",
                                  r.stdout)
                    self.assertIn("issuer", r.stdout)
                    # the hint to set ca_file only when it is not set
                    if ca_file:
                        self.assertNotIn("set ca_file", r.stdout)
                        self.assertIn(f"(signed by an authority neither in ca_file {ca_file} nor"
                                      " among the system's)", r.stdout)
                    else:
                        self.assertIn("(for a private certificate authority, set ca_file in"
                                      " [imap])", r.stdout)
                    r = self.mentord("once", expect=1)
                    self.assertRegex(r.stderr, r"<3>IMAP: TLS: the certificate of 127.0.0.1 is not trusted")
        self.assertNotIn("Login: user=<mentord>", self.dovecot_log())

    def test_starttls_injection_is_refused(self):
        """CVE-2011-0411: a command the server 'answers' in plaintext right
        after its STARTTLS OK must not be taken as coming over TLS."""
        fake = FakeImap(self, caps="IMAP4rev1 STARTTLS AUTH=PLAIN",
                        on_starttls=lambda c, tag: c.send(
                            f"{tag} OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n".encode()))
        self.configure(f"imap.security = starttls\nimap.port = {fake.port}\n"
                       f"imap.ca_file = {self.env.dovecot.ca_file}")
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("sent data after its STARTTLS answer", r.stdout)
        self.assertNotIn("LOGIN", fake.commands())

    def test_capabilities_are_asked_again_after_starttls(self):
        """The scripted server really starts TLS (with the test CA's
        certificate) and offers LOGIN only once TLS is up."""
        fake = FakeImap(self, caps="IMAP4rev1 STARTTLS LOGINDISABLED",
                        caps_after_tls="IMAP4rev1 IDLE AUTH=PLAIN",
                        tls=(self.env.dovecot.cert, self.env.dovecot.key))
        self.configure(f"imap.security = starttls\nimap.port = {fake.port}\n"
                       f"imap.ca_file = {self.env.dovecot.ca_file}\nimap.auth = login")
        r = self.mentord("check-config", "--connect", expect=0)
        cmds = fake.commands()
        self.assertIn("STARTTLS", cmds)
        after = cmds[cmds.index("STARTTLS") + 1:]
        self.assertEqual(after[0], "CAPABILITY", cmds)
        self.assertIn("LOGIN", after)
        self.assertIn("IDLE offered", r.stdout)


class WrongHostName(ImapTest):
    dovecot = {"ssl": "required", "cert_names": ("mail.example.org", "imap.example.org")}

    def test_certificate_for_another_name_is_refused(self):
        d = self.env.dovecot
        for security, port in (("tls", d.tls_port), ("starttls", d.port)):
            with self.subTest(security=security):
                self.configure(f"imap.security = {security}\nimap.port = {port}\n"
                               f"imap.ca_file = {d.ca_file}")
                r = self.mentord("check-config", "--connect", expect=1)
                self.assertIn("TLS: the certificate of 127.0.0.1 is not trusted", r.stdout)
                # the certificate's own names, and no hint about ca_file
                names = "(the certificate is for mail.example.org, imap.example.org, not for 127.0.0.1)"
                self.assertIn(names, r.stdout)
                self.assertNotIn("set ca_file", r.stdout)
                r = self.mentord("once", expect=1)
                self.assertIn(names, r.stderr)
        self.assertNotIn("Login: user=<mentord>", self.dovecot_log())


class StarttlsNotOffered(ImapTest):
    """Dovecot without TLS: no STARTTLS in its capabilities."""

    def test_starttls_configured_but_not_offered_is_refused(self):
        self.configure("imap.security = starttls")
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("IMAP: FAILED: IMAP: 127.0.0.1 does not offer STARTTLS", r.stdout)
        r = self.mentord("once", expect=1)
        self.assertIn("does not offer STARTTLS", r.stderr)
        self.assertNotIn("Login: user=<mentord>", self.dovecot_log())


class PlaintextElsewhere(ImapTest):
    def test_plaintext_to_another_host_is_refused_before_connecting(self):
        silent = SilentServer()
        self.addCleanup(silent.close)
        # 192.0.2.1 is TEST-NET-1: nothing may ever be sent there
        self.configure("imap.host = 192.0.2.1\nimap.security = none")
        r = self.mentord("check-config", "--connect", expect=78)
        self.assertIn("security = none is allowed only to a loopback host, not 192.0.2.1", r.stderr)
        self.assertNotIn("IMAP: ok", r.stdout)
        r = self.mentord("once", expect=78)
        self.assertIn("loopback", r.stderr)


# --------------------------------------------------------------- login ----

class Login(ImapTest):
    def test_plain_and_login(self):
        for auth, method in (("plain", "PLAIN"), ("login", "LOGIN")):
            with self.subTest(auth=auth):
                self.configure(f"imap.auth = {auth}")
                r = self.mentord("check-config", "--connect", expect=0)
                self.assertIn(f"by {method} as mentord", r.stdout)
                self.env.smtp.clear()
                self.env.dovecot.deliver(mail(f"{auth}@example.com", "help"))
                self.mentord("once", expect=0)
                self.assertEqual(kinds(self.env), ["help"])
        # (Dovecot logs method=PLAIN for the LOGIN command too: the wire
        # is checked with the scripted server below)
        self.assertIn("method=PLAIN", self.dovecot_log())

    def test_mechanisms_on_the_wire(self):
        empty = os.path.join(self.env.root, "no-sasl-plugins")
        os.mkdir(empty)
        with_plain = FakeImap(self, caps="IMAP4rev1 IDLE AUTH=PLAIN")
        without_plain = FakeImap(self, caps="IMAP4rev1 IDLE AUTH=CRAM-MD5")
        secret = Dovecot.password
        cases = (
            (with_plain, "plain", None, "AUTHENTICATE", f"\0mentord\0{secret}"),
            (with_plain, "login", None, "LOGIN", f"mentord {secret}"),
            (with_plain, "plain", {"SASL_PATH": empty}, "LOGIN", f"mentord {secret}"),
            (without_plain, "plain", None, "LOGIN", f"mentord {secret}"),
        )
        for fake, auth, env, command, payload in cases:
            with self.subTest(auth=auth, caps=fake.caps, env=env):
                fake.reset()
                self.configure(f"imap.port = {fake.port}\nimap.auth = {auth}")
                r = self.env.run("-v", "check-config", "--connect", env=env)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn(command, fake.commands())
                self.assertNotIn({"AUTHENTICATE": "LOGIN", "LOGIN": "AUTHENTICATE"}[command],
                                 fake.commands())
                got = fake.auth[0]
                if command == "AUTHENTICATE" and not got.startswith("\0"):
                    # an authorisation identity equal to the user is allowed
                    # (RFC 4616 2)
                    self.assertTrue(got.startswith("mentord\0"), got)
                    got = got[len("mentord"):]
                self.assertEqual(got, payload)
                if command == "LOGIN" and auth == "plain":
                    self.assertIn("<7>IMAP: ", r.stderr)
                self.assertNotIn(secret, r.stdout + r.stderr)

    def test_plain_falls_back_to_login_without_the_sasl_plugin(self):
        """libsasl2-modules missing (an empty SASL_PATH): LOGIN on loopback,
        said in a debug line."""
        empty = os.path.join(self.env.root, "no-sasl-plugins")
        os.mkdir(empty)
        self.configure("imap.auth = plain")
        r = self.env.run("-v", "check-config", "--connect", env={"SASL_PATH": empty})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("by LOGIN as mentord", r.stdout)
        self.assertIn("<7>IMAP: SASL PLAIN is not available", r.stderr)

    def test_wrong_password_is_a_clear_failure(self):
        path = self.write_secret("wrong.password", "not-the-password")
        for auth in ("plain", "login"):
            with self.subTest(auth=auth):
                self.configure(f"imap.auth = {auth}\nimap.password_file = {path}")
                r = self.mentord("check-config", "--connect", expect=1)
                # the response code, and what it means
                self.assertIn("127.0.0.1 answered: [AUTHENTICATIONFAILED] Authentication failed."
                              " (the credentials were refused)", r.stdout)
                self.assertNotIn("not-the-password", r.stdout + r.stderr)
                r = self.mentord("once", expect=1)
                self.assertIn("<3>IMAP", r.stderr)


class Introspection:
    """An OAuth 2 token introspection endpoint (RFC 7662) that knows one
    token, for Dovecot's oauth2 passdb."""

    def __init__(self, token, username):
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                got = urllib.parse.parse_qs(body).get("token", [""])[0]
                seen.append(got)
                answer = {"active": got == token}
                if got == token:
                    answer["username"] = username
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/introspect"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class XOAuth2(ImapTest):
    token = "ya29.a0Af-test_token~for.mentord+0123456789/abc="

    def setUp(self):
        self.endpoint = Introspection(self.token, "mentord")
        self.addCleanup(self.endpoint.close)
        super().setUp()

    def dovecot_options(self):
        return {"oauth_url": self.endpoint.url}

    def test_good_token_logs_in(self):
        path = self.write_secret("imap.token", self.token)
        self.configure(f"imap.auth = xoauth2\nimap.password_file = {path}")
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("by XOAUTH2 as mentord", r.stdout)
        self.env.dovecot.deliver(mail("oauth@example.com", "help"))
        self.mentord("once", expect=0)
        self.assertEqual(kinds(self.env), ["help"])
        self.assertIn(self.token, self.endpoint.seen)
        self.assertIn("method=XOAUTH2", self.dovecot_log())

    def test_bad_token_is_refused(self):
        path = self.write_secret("imap.token", "expired-token")
        self.configure(f"imap.auth = xoauth2\nimap.password_file = {path}")
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("IMAP: FAILED: IMAP AUTHENTICATE XOAUTH2", r.stdout)
        self.assertIn("expired-token", self.endpoint.seen)
        self.assertNotIn("expired-token", r.stdout + r.stderr)
        r = self.mentord("once", expect=1)
        self.assertIn("<3>IMAP AUTHENTICATE XOAUTH2", r.stderr)

    def test_a_file_that_is_not_a_token_is_refused(self):
        path = self.write_secret("imap.token", "two words")
        self.configure(f"imap.auth = xoauth2\nimap.password_file = {path}")
        r = self.mentord("check-config", "--connect", expect=1)
        self.assertIn("does not hold a bearer token", r.stdout)
        self.assertEqual(self.endpoint.seen, [])


# ------------------------------------------------------------ timeouts ----

class Timeouts(ImapTest):
    def test_a_silent_server_does_not_hang_mentord(self):
        silent = SilentServer()
        self.addCleanup(silent.close)
        for security, expected in (("none", "no answer from 127.0.0.1 port"),
                                   ("tls", "TLS handshake with 127.0.0.1 port")):
            with self.subTest(security=security):
                self.configure(f"imap.port = {silent.port}\nimap.security = {security}\n"
                               "imap.timeout_seconds = 2")
                start = time.monotonic()
                r = self.mentord("once", expect=1, timeout=60)
                took = time.monotonic() - start
                print(f"\n  silent server, security = {security}: once gave up after {took:.2f} s "
                      "(timeout_seconds = 2)")
                self.assertIn(expected, r.stderr)
                self.assertRegex(r.stderr, r"<3>.*within 2 s")
                self.assertLess(took, 15)
                r = self.mentord("check-config", "--connect", expect=1, timeout=60)
                self.assertIn("within 2 s", r.stdout)
        self.assertGreaterEqual(len(silent.accepted), 4)

    def test_sigterm_ends_run_while_a_server_hangs(self):
        silent = SilentServer()
        self.addCleanup(silent.close)
        self.configure(f"imap.port = {silent.port}\nimap.timeout_seconds = 60")
        p = self.spawn_run()
        deadline = time.monotonic() + 10
        while not silent.accepted and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(silent.accepted, "run did not connect")
        time.sleep(0.5)
        start = time.monotonic()
        p.send_signal(signal.SIGTERM)
        p.wait(30)
        took = time.monotonic() - start
        print(f"\n  SIGTERM while waiting for a silent server (timeout 60 s): "
              f"run ended in {took * 1000:.0f} ms")
        self.assertLess(took, 5.0)
        self.assertEqual(p.returncode, 0, self.read_log(p))


# -------------------------------------------------- moving and volume ----

class ProcessedMailbox(ImapTest):
    extra_config = "imap.processed_mailbox = Processed"

    def check_move(self):
        self.env.dovecot.deliver(mail("person@example.com", "A question about the programme",
                                      "Could I join as both?"))
        self.env.dovecot.deliver(mail("helpme@example.com", "help"))
        self.mentord("once", expect=0)
        # the question stays for a person; its sender is told so, once
        self.assertEqual(sorted(kinds(self.env)), ["help", "passed-on"])
        inbox = self.mentord_mailboxes()
        self.mentord("once", expect=0)
        self.assertEqual(sorted(kinds(self.env)), ["help", "passed-on"])
        return inbox

    def mentord_mailboxes(self):
        inbox = list(self.mailbox("INBOX").values())
        processed = list(self.mailbox("Processed").values())
        self.assertEqual(len(inbox), 1, inbox)
        self.assertIn("person@example.com", inbox[0][1])
        self.assertNotIn("\\Seen", inbox[0][0])
        self.assertNotIn("$MentordDone", inbox[0][0])
        self.assertNotIn("\\Deleted", inbox[0][0])
        self.assertEqual(len(processed), 1, processed)
        self.assertIn("helpme@example.com", processed[0][1])
        self.assertIn("$MentordDone", processed[0][0])
        self.assertNotIn("\\Seen", processed[0][0])
        return inbox

    def test_handled_mail_is_moved_and_human_mail_stays(self):
        self.check_move()
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("MOVE offered", r.stdout)
        self.assertIn("processed mailbox exists", r.stdout)


class ProcessedMailboxWithoutMove(ProcessedMailbox):
    """A server without MOVE: COPY, \\Deleted, UID EXPUNGE of those only."""
    dovecot = {"conf": "imap_capability = IMAP4rev1 LITERAL+ UIDPLUS IDLE"}

    def test_handled_mail_is_moved_and_human_mail_stays(self):
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("MOVE not offered", r.stdout)
        self.assertIn("processed mailbox will be created", r.stdout)
        self.check_move()


def deliver_many(dovecot, messages):
    """Maildir files written directly, much faster than one by one."""
    new = os.path.join(dovecot.maildir, "new")
    for i, raw in enumerate(messages):
        name = f"{1700000000 + i}.M{i}P1.bulk"
        path = os.path.join(new, name)
        with open(path, "wb") as f:
            f.write(raw)
        if os.getuid() == 0:
            os.chown(path, dovecot.owner.pw_uid, dovecot.owner.pw_gid)


# Thousands of newcomers at once: more answers than max_unproven_per_hour
# lets go in an hour, which these tests are not about.
MANY_NEWCOMERS = "programme.max_unproven_per_hour = 100000"


class ManyMessages(ImapTest):
    extra_config = MANY_NEWCOMERS

    def test_1500_help_requests_in_one_run(self):
        n = 1500
        deliver_many(self.env.dovecot, (mail(f"person{i:04d}@example.com", "help")
                                        for i in range(n)))
        start = time.monotonic()
        self.mentord("once", expect=0, timeout=900)
        took = time.monotonic() - start
        print(f"\n  {n} help requests: once took {took:.1f} s ({n / took:.0f} messages/s)")
        sent = self.env.smtp.sent()
        rcpts = [r[0] for _, r, _ in sent]
        self.assertEqual(len(sent), n)
        self.assertEqual(len(set(rcpts)), n, "someone was answered twice")
        flagged = [f for f, _ in self.mailbox().values() if "$MentordDone" in f]
        self.assertEqual(len(flagged), n)
        db = self.env.db()
        self.assertEqual(db.execute("SELECT count(*) FROM inbound").fetchone()[0], n)
        db.close()
        self.mentord("once", expect=0)
        self.assertEqual(len(self.env.smtp.sent()), n)


class LongUidSets(ImapTest):
    """A mailbox whose UIDs have gaps, read again from scratch: the set of
    1,200 scattered UIDs is longer than the server's command-line limit
    (lowered to 4 kB here), so mentord must cut it into several commands."""
    dovecot = {"conf": "imap_max_line_length = 4k"}
    extra_config = "imap.processed_mailbox = Processed\n" + MANY_NEWCOMERS

    def test_scattered_uids_are_sent_in_several_commands(self):
        n = 1200
        deliver_many(self.env.dovecot, (
            mail(f"p{i:04d}@example.com", "help") if i % 2 == 0 else
            # replies in a thread the robot never saw: human mail, no note
            mail(f"p{i:04d}@example.com", f"Re: Question {i}", "Hello",
                 headers={"In-Reply-To": f"<thread{i}@elsewhere.example>"})
            for i in range(2 * n)))
        self.mentord("once", expect=0, timeout=900)
        self.assertEqual(len(self.env.smtp.sent()), n)
        uids = sorted(self.mailbox("INBOX"))
        self.assertEqual(len(uids), n)
        self.assertEqual(uids[:3], [2, 4, 6])
        # the server really refuses such a line in one piece
        long_set = ",".join(str(u) for u in uids)
        imap = self.env.dovecot.imap()
        try:
            imap.select("INBOX", readonly=True)
            with self.assertRaises(Exception):
                imap.uid("FETCH", long_set, "(RFC822.SIZE)")
        finally:
            try:
                imap.logout()
            except Exception:
                pass
        # a new state: every message is read again, nobody answered twice
        self.configure(f"paths.database = {os.path.join(self.env.root, 'state', 'fresh.db')}")
        self.mentord("once", expect=0, timeout=900)
        self.assertEqual(len(self.env.smtp.sent()), n)
        import sqlite3
        db = sqlite3.connect(os.path.join(self.env.root, "state", "fresh.db"))
        self.assertEqual(db.execute("SELECT count(*) FROM inbound").fetchone()[0], n)
        db.close()
        flags = [f for f, _ in self.mailbox("INBOX").values()]
        self.assertFalse([f for f in flags if "$MentordDone" in f or "\\Seen" in f])


# --------------------------------------------------------------- IDLE ----

def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


class Idle(ImapTest):
    # a poll every 60 s could not answer within the bounds below: IDLE must
    extra_config = "imap.poll_seconds = 60"

    def test_new_mail_is_picked_up_at_once_and_idle_costs_no_cpu(self):
        p = self.spawn_run()
        time.sleep(2)
        latencies = []
        for i in range(5):
            before = len(self.env.smtp.sent())
            start = time.monotonic()
            self.env.dovecot.deliver(mail(f"idle{i}@example.com", "help"))
            self.assertTrue(self.env.smtp.wait_for(before + 1, timeout=20),
                            "no answer\n" + self.read_log(p))
            latencies.append(time.monotonic() - start)
            time.sleep(0.5)
        latencies.sort()
        print(f"\n  IDLE: delivery to answer sent, 5 samples: "
              f"{', '.join(f'{x * 1000:.0f}' for x in latencies)} ms "
              f"(median {latencies[2] * 1000:.0f} ms; Dovecot itself notifies ~500 ms after delivery)")
        self.assertLess(latencies[-1], 5.0)
        ticks_per_s = os.sysconf("SC_CLK_TCK")
        t0 = cpu_ticks(p.pid)
        time.sleep(10)
        used = cpu_ticks(p.pid) - t0
        print(f"  IDLE: CPU used in 10 s of waiting: {used} ticks ({used / ticks_per_s:.2f} s)")
        self.assertLess(used, ticks_per_s // 2)
        # SIGHUP while idling: reloaded at once, not at the end of the wait
        start = time.monotonic()
        p.send_signal(signal.SIGHUP)
        while "configuration reloaded" not in self.read_log(p) and time.monotonic() - start < 30:
            time.sleep(0.02)
        took = time.monotonic() - start
        print(f"  IDLE: SIGHUP to configuration reloaded: {took * 1000:.0f} ms")
        self.assertLess(took, 5.0)
        self.stop_run(p)
        self.assertEqual(len(kinds(self.env)), 5)


class Polling(ImapTest):
    extra_config = "imap.idle = no\nimap.poll_seconds = 2"

    def test_idle_no_polls(self):
        p = self.spawn_run()
        time.sleep(1)
        self.env.dovecot.deliver(mail("poll@example.com", "help"))
        self.assertTrue(self.env.smtp.wait_for(1, timeout=15), self.read_log(p))
        self.stop_run(p)


class IdleNotOffered(ImapTest):
    dovecot = {"conf": "imap_capability = IMAP4rev1 LITERAL+ UIDPLUS MOVE"}
    extra_config = "imap.poll_seconds = 2"

    def test_polls_when_the_server_has_no_idle(self):
        r = self.mentord("check-config", "--connect", expect=0)
        self.assertIn("IDLE not offered", r.stdout)
        p = self.spawn_run()
        time.sleep(1)
        self.env.dovecot.deliver(mail("noidle@example.com", "help"))
        self.assertTrue(self.env.smtp.wait_for(1, timeout=15), self.read_log(p))
        self.stop_run(p)


class IdleBufferedNews(ImapTest):
    """News that arrive together with the "+ idling" line are already in
    mentord's buffers, not on the socket: IDLE must end at once anyway."""
    extra_config = "imap.poll_seconds = 60"

    def check(self, idle_answer):
        fake = FakeImap(self, caps="IMAP4rev1 IDLE", idle_answer=idle_answer)
        self.configure(f"imap.port = {fake.port}\nimap.auth = login")
        p = self.spawn_run()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and fake.count("IDLE") < 2:
            time.sleep(0.05)
        log = self.stop_run(p)
        idles = fake.times("IDLE")
        dones = fake.times("DONE")
        self.assertGreaterEqual(len(idles), 2, f"{fake.commands()}\n{log}")
        waited = dones[0] - idles[0]
        print(f"\n  IDLE answered {idle_answer!r}: DONE after {waited * 1000:.0f} ms")
        self.assertLess(waited, 5.0)

    def test_idle_is_left_when_the_wait_ends(self):
        """No news: IDLE ends after idle_seconds, the connection is checked
        with NOOP, and IDLE is entered again (RFC 2177 asks for at most 29
        minutes), without spinning and without a cycle in between."""
        fake = FakeImap(self, caps="IMAP4rev1 IDLE")
        self.configure(f"imap.port = {fake.port}\nimap.auth = login\nimap.idle_seconds = 2")
        p = self.spawn_run()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and fake.count("IDLE") < 4:
            time.sleep(0.05)
        self.stop_run(p)
        idles, dones = fake.times("IDLE"), fake.times("DONE")
        self.assertGreaterEqual(len(idles), 4, fake.commands())
        spans = [d - i for i, d in zip(idles, dones)]
        print(f"\n  IDLE without news, poll_seconds = 2: left after "
              f"{', '.join(f'{x:.2f}' for x in spans[:3])} s")
        for span in spans[:3]:
            self.assertGreater(span, 1.5)
            self.assertLess(span, 10)
        # between two IDLEs: DONE, NOOP and nothing else
        commands = fake.commands()
        first = commands.index("IDLE")
        self.assertEqual(commands[first:first + 6], ["IDLE", "DONE", "NOOP"] * 2, commands)

    def test_news_after_the_continuation(self):
        self.check("+ idling\r\n* 1 EXISTS\r\n")

    def test_news_before_the_continuation(self):
        self.check("* 1 EXISTS\r\n+ idling\r\n")


# ------------------------------------------------------------ restart ----

class ServerRestart(ImapTest):
    extra_config = MANY_NEWCOMERS

    def test_restart_during_run_loses_nothing(self):
        p = self.spawn_run()
        time.sleep(1)
        total = 0

        def deliver(count, prefix):
            nonlocal total
            deliver_many_named(self.env.dovecot, [
                mail(f"{prefix}{i:03d}@example.com", "help") for i in range(count)], prefix)
            total += count

        deliver(5, "a")
        self.assertTrue(self.env.smtp.wait_for(total, timeout=20), self.read_log(p))
        self.env.dovecot.restart()
        deliver(5, "b")
        self.assertTrue(self.env.smtp.wait_for(total, timeout=60), self.read_log(p))
        # now while a batch is being handled
        deliver(300, "c")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(self.env.smtp.sent()) == total - 300:
            time.sleep(0.01)
        self.env.dovecot.restart()
        deliver(5, "d")
        ok = self.env.smtp.wait_for(total, timeout=120)
        log = self.stop_run(p)
        self.assertTrue(ok, log)
        rcpts = [r[0] for _, r, _ in self.env.smtp.sent()]
        self.assertEqual(len(rcpts), total, "someone was answered twice")
        self.assertEqual(len(set(rcpts)), total)
        reconnects = log.count("reconnecting in")
        print(f"\n  restart: {total} help requests answered once each; "
              f"{reconnects} reconnection(s) logged")
        self.assertGreaterEqual(reconnects + log.count("<4>IMAP"), 1, log)


def deliver_many_named(dovecot, messages, prefix):
    new = os.path.join(dovecot.maildir, "new")
    for i, raw in enumerate(messages):
        name = f"{time.time():.6f}.{prefix}{i}P1.bulk"
        tmp = os.path.join(dovecot.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(raw)
        if os.getuid() == 0:
            os.chown(tmp, dovecot.owner.pw_uid, dovecot.owner.pw_gid)
        os.rename(tmp, os.path.join(new, name))


# ------------------------------------------------- a scripted server ----

class FakeImap:
    """A scripted IMAP server on loopback, for what Dovecot will not do:
    it answers the few commands mentord sends (CAPABILITY, LOGIN, SELECT,
    UID SEARCH, IDLE, DONE, NOOP, LOGOUT), records each with the time it
    came, and lets a test choose what it says on STARTTLS and IDLE."""

    def __init__(self, test, caps, caps_after_tls=None, tls=None, on_starttls=None,
                 idle_answer=None):
        self.caps = caps
        self.caps_after_tls = caps_after_tls or caps
        self.tls = tls
        self.on_starttls = on_starttls
        self.idle_answer = idle_answer
        self.log = []
        self.auth = []   # what each login carried: LOGIN arguments, decoded SASL
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.conns = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()
        test.addCleanup(self.close)

    def close(self):
        self.stopping = True
        self.thread.join(5)
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass
        self.sock.close()

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def reset(self):
        with self.lock:
            self.log.clear()
            self.auth.clear()

    def commands(self):
        with self.lock:
            return [c for _, c in self.log]

    def times(self, command):
        with self.lock:
            return [t for t, c in self.log if c == command]

    def count(self, command):
        return len(self.times(command))

    def session(self, conn):
        try:
            self.converse(conn)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            conn.close()

    def converse(self, conn):
        caps = self.caps
        conn.sendall(f"* OK [CAPABILITY {caps}] fake server ready\r\n".encode())
        reader = conn.makefile("rb")
        idling = None
        idles = 0
        while not self.stopping:
            raw = reader.readline()
            if not raw:
                return
            line = raw.decode(errors="replace").rstrip("\r\n")
            tag, _, rest = line.partition(" ")
            words = rest.split(" ")
            command = "DONE" if idling and line.upper() == "DONE" else words[0].upper()
            if command == "UID":
                command = "UID " + words[1].upper()
            with self.lock:
                self.log.append((time.monotonic(), command))
            if command == "DONE":
                conn.sendall(f"{idling} OK Idle completed\r\n".encode())
                idling = None
            elif command == "CAPABILITY":
                conn.sendall(f"* CAPABILITY {caps}\r\n{tag} OK done\r\n".encode())
            elif command == "LOGIN":
                self.auth.append(" ".join(words[1:]))
                conn.sendall(f"{tag} OK logged in\r\n".encode())
            elif command == "AUTHENTICATE":
                if len(words) > 2:
                    response = words[2]
                else:
                    conn.sendall(b"+ \r\n")
                    response = reader.readline().decode().strip()
                self.auth.append(base64.b64decode(response).decode(errors="replace"))
                conn.sendall(f"{tag} OK logged in\r\n".encode())
            elif command == "SELECT":
                conn.sendall(f"* 0 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 1] ok\r\n"
                             f"{tag} OK [READ-WRITE] selected\r\n".encode())
            elif command == "UID SEARCH":
                conn.sendall(f"* SEARCH\r\n{tag} OK searched\r\n".encode())
            elif command == "IDLE":
                idling = tag
                idles += 1
                answer = self.idle_answer if idles == 1 and self.idle_answer else "+ idling\r\n"
                conn.sendall(answer.encode())
            elif command == "STARTTLS":
                if self.on_starttls:
                    self.on_starttls(conn, tag)
                    return
                conn.sendall(f"{tag} OK Begin TLS negotiation now\r\n".encode())
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(*self.tls)
                conn = ctx.wrap_socket(conn, server_side=True)
                reader = conn.makefile("rb")
                caps = self.caps_after_tls
            elif command == "LOGOUT":
                conn.sendall(f"* BYE bye\r\n{tag} OK logged out\r\n".encode())
                return
            else:
                conn.sendall(f"{tag} OK done\r\n".encode())


if __name__ == "__main__":
    unittest.main()
