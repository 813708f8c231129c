"""SMTP servers for the delivery tests, beyond those of servers.py.

Sink      Postfix's smtp-sink on one port for a whole test; set() restarts it
          with other failure options (-r -f -q -Q -w ...), so that a test can
          refuse first and accept later. Each phase dumps into its own folder:
          smtp-sink writes a message before it answers the final dot, so what
          it refused there is told apart from what it accepted.
Smtpd     an aiosmtpd server with implicit TLS or STARTTLS, AUTH PLAIN, LOGIN
          and XOAUTH2, and per-recipient and end-of-data policies.
Silent    accepts connections and never says a word (timeouts).
make_ca   a private CA and a server certificate for 127.0.0.1 / localhost,
          made with the openssl command line in a temporary folder.

Each has .port and .close(); Sink and Smtpd also .sent() -> [(mail_from,
rcpts, bytes)] and .parsed() like servers.Recorder, and message_ids().
"""
import base64
import collections
import email
import email.policy
import logging
import os
import socket
import ssl
import subprocess
import threading
import time
import warnings

from servers import SMTP_SINK, ServerError, free_port, wait_port

OPENSSL = "/usr/bin/openssl"


def _message_id(data):
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    return (msg.get("Message-ID") or "").strip()


class _Received:
    def parsed(self):
        """Each message parsed with Python's strict policy."""
        return [(f, r, email.message_from_bytes(d, policy=email.policy.strict))
                for f, r, d in self.sent()]

    def message_ids(self):
        """How many times each Message-ID arrived."""
        return collections.Counter(_message_id(d) for _, _, d in self.sent())


class Sink(_Received):
    """smtp-sink whose failure options can change between runs."""

    def __init__(self, root, *options):
        if not os.path.exists(SMTP_SINK):
            raise ServerError("smtp-sink is not installed (apt-get install postfix)")
        self.root = root
        self.port = free_port()
        self.proc = None
        self.phases = []      # (options, dump folder)
        self.set(*options)

    def stop(self):
        """Stops the sink: its port refuses connections until set()."""
        self._stop()

    def set(self, *options):
        """Restarts the sink on the same port with these options."""
        self._stop()
        dump = os.path.join(self.root, f"sink-{self.port}-{len(self.phases)}")
        os.makedirs(dump)
        os.chmod(dump, 0o777)
        args = [SMTP_SINK]
        if os.getuid() == 0:
            args += ["-u", "nobody"]
        args += ["-d", os.path.join(dump, "%M%S."), *options, f"127.0.0.1:{self.port}", "64"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.phases.append((tuple(options), dump))
        wait_port(self.port, self.proc, what="smtp-sink")

    @staticmethod
    def _refuses_dot(options):
        opts = list(options)
        for flag in ("-r", "-f", "-q", "-Q"):
            for i, o in enumerate(opts[:-1]):
                if o == flag and "." in opts[i + 1].replace(" ", ",").split(","):
                    return flag
        return None

    def _dumps(self, which):
        out = []
        for options, dump in self.phases:
            refused = self._refuses_dot(options)
            if which == "accepted" and refused is not None and refused != "-q":
                # -q drops the connection after the dot without a word: the
                # server kept the message, the client cannot know it did
                continue
            for name in sorted(os.listdir(dump)):
                with open(os.path.join(dump, name), "rb") as f:
                    got = self._split(f.read())
                # a transaction that ended before the content (a client
                # gone at DATA) leaves only smtp-sink's own lines
                if got[2].strip():
                    out.append(got)
        return out

    @staticmethod
    def _split(raw):
        """smtp-sink's own header lines, then the message as received."""
        head, _, rest = raw.partition(b"Received: ")
        # the Received: line smtp-sink adds is three lines long
        lines = rest.split(b"\n", 3)
        data = lines[3] if len(lines) > 3 else b""
        mail_from, rcpts = "", []
        for line in head.decode(errors="replace").splitlines():
            key, _, value = line.partition(": ")
            if key == "X-Mail-Args":
                mail_from = value.split()[0].strip("<>")
            elif key == "X-Rcpt-Args":
                rcpts.append(value.split()[0].strip("<>"))
        # the dump ends with an empty line of its own
        if data.endswith(b"\n\n"):
            data = data[:-1]
        return mail_from, rcpts, data.replace(b"\n", b"\r\n")

    def sent(self):
        """What the sink accepted (250 after the final dot, or no answer)."""
        return self._dumps("accepted")

    def received(self):
        """Everything the sink read up to the final dot, refused or not."""
        return self._dumps("all")

    def _stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def close(self):
        self._stop()


def make_ca(folder, names=("127.0.0.1", "localhost")):
    """A CA and a server certificate for names (IP addresses and DNS names,
    127.0.0.1 and localhost by default); returns a dict of paths: ca, cert,
    key. openssl must be installed."""
    if not os.path.exists(OPENSSL):
        raise ServerError("openssl is not installed (apt-get install openssl)")
    os.makedirs(folder, exist_ok=True)
    p = {k: os.path.join(folder, v) for k, v in
         {"ca": "ca.pem", "ca_key": "ca.key", "cert": "server.pem", "key": "server.key",
          "csr": "server.csr", "ext": "server.ext"}.items()}
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def run(*args):
        r = subprocess.run([OPENSSL, *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise ServerError(f"openssl {args[0]} failed: {r.stderr}")

    run("req", "-x509", *ec, "-keyout", p["ca_key"], "-out", p["ca"], "-days", "3",
        "-subj", "/CN=mentord test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    dns = [n for n in names if not n.replace(".", "").isdigit()]
    run("req", *ec, "-keyout", p["key"], "-out", p["csr"], "-subj", f"/CN={(dns or names)[0]}")
    san = ", ".join(("IP:" if n.replace(".", "").isdigit() else "DNS:") + n for n in names)
    with open(p["ext"], "w") as f:
        f.write(f"subjectAltName = {san}\n"
                "basicConstraints = CA:FALSE\n"
                "keyUsage = critical, digitalSignature\n"
                "extendedKeyUsage = serverAuth\n")
    run("x509", "-req", "-in", p["csr"], "-CA", p["ca"], "-CAkey", p["ca_key"],
        "-CAcreateserial", "-out", p["cert"], "-days", "3", "-extfile", p["ext"])
    return p


class Smtpd(_Received):
    """An aiosmtpd server with TLS, AUTH and policies.

    tls:       None, "implicit" (smtps) or "starttls" (required before MAIL)
    certs:     make_ca()'s dict, for tls
    login:     (user, secret): AUTH is then required; the secret is the
               password for PLAIN and LOGIN, the bearer token for XOAUTH2
    oauth:     function(user, token) -> bool, instead of login: AUTH is
               required, by XOAUTH2 or OAUTHBEARER (RFC 7628) only, and each
               token is checked by the function (a token service's)
    rcpt:      function(address, count) -> None (accept) or "450 ..."; count
               is how many times this address was offered before
    end:       function(mail_from, rcpts, data) -> None or a reply, at the
               end of data
    pipelining: announce PIPELINING (RFC 2920); aiosmtpd reads commands one
               line at a time, so it copes with pipelined ones
    mail:      function(address) -> None (accept) or a reply, at MAIL FROM
    auth:      function(user) -> None or a "535 ..." reply: AUTH refused so
               whatever the secret
    .connections() counts the TCP connections that said EHLO.
    """

    def __init__(self, tls=None, certs=None, login=None, rcpt=None, end=None,
                 pipelining=False, oauth=None, mail=None, auth=None):
        try:
            from aiosmtpd.controller import Controller
            from aiosmtpd.smtp import AuthResult
        except ImportError as e:
            raise ServerError("python3-aiosmtpd is not installed; use /usr/bin/python3") from e
        # aiosmtpd warns of AUTH without STARTTLS, which the loopback
        # plaintext case wants, and of its own deprecations
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", module="aiosmtpd")
        self.port = free_port()
        self.lock = threading.Lock()
        self.messages = []
        self.times = []             # time.monotonic() of each message
        self.peers = set()          # (address, port) of each connection
        self.pipelining = pipelining
        self.auth_log = []          # (mechanism, user, success)
        self.rcpt_count = collections.Counter()
        server = self
        self.rcpt_policy, self.end_policy, self.login = rcpt, end, login
        self.mail_policy, self.auth_policy = mail, auth
        self.oauth = oauth

        class Handler:
            async def handle_EHLO(self, srv, session, envelope, hostname, responses):
                session.host_name = hostname
                with server.lock:
                    server.peers.add(session.peer)
                if server.pipelining:
                    responses.insert(len(responses) - 1, "250-PIPELINING")
                return responses

            async def handle_MAIL(self, srv, session, envelope, address, options):
                answer = server.mail_policy(address) if server.mail_policy else None
                if answer:
                    return answer
                envelope.mail_from = address
                envelope.mail_options.extend(options)
                return "250 OK"

            async def handle_RCPT(self, srv, session, envelope, address, options):
                with server.lock:
                    n = server.rcpt_count[address]
                    server.rcpt_count[address] += 1
                answer = server.rcpt_policy(address, n) if server.rcpt_policy else None
                if answer:
                    return answer
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, srv, session, envelope):
                data = envelope.original_content or envelope.content
                if server.end_policy is not None:
                    answer = server.end_policy(envelope.mail_from, list(envelope.rcpt_tos), data)
                    if answer:
                        return answer
                with server.lock:
                    server.messages.append((envelope.mail_from, list(envelope.rcpt_tos), data))
                    server.times.append(time.monotonic())
                return "250 OK queued"

            async def auth_XOAUTH2(self, srv, args):
                # https://developers.google.com/gmail/imap/xoauth2-protocol
                if len(args) > 1:
                    blob = base64.b64decode(args[1])
                else:
                    blob = await srv.challenge_auth("")
                    if not isinstance(blob, bytes):
                        return AuthResult(success=False, handled=True)
                fields = dict(f.split("=", 1) for f in blob.decode().split("\x01") if "=" in f)
                user, token = fields.get("user"), fields.get("auth", "")
                ok = server._bearer_ok(user, token)
                server.auth_log.append(("XOAUTH2", user, ok))
                return AuthResult(success=ok, handled=False)

            async def auth_OAUTHBEARER(self, srv, args):
                # RFC 7628 3.1: "n,a=USER," then key=value pairs split by ^A
                if len(args) > 1:
                    blob = base64.b64decode(args[1])
                else:
                    blob = await srv.challenge_auth("")
                    if not isinstance(blob, bytes):
                        return AuthResult(success=False, handled=True)
                head, _, rest = blob.decode().partition("\x01")
                user = None
                for part in head.split(","):
                    if part.startswith("a="):
                        user = part[2:].replace("=2C", ",").replace("=3D", "=")
                fields = dict(f.split("=", 1) for f in rest.split("\x01") if "=" in f)
                ok = server._bearer_ok(user, fields.get("auth", ""))
                server.auth_log.append(("OAUTHBEARER", user, ok))
                if not ok:
                    # 3.2.2: the error as a challenge; the client answers ^A
                    await srv.challenge_auth('{"status":"invalid_token","schemes":"bearer"}')
                return AuthResult(success=ok, handled=False)

        def authenticator(srv, session, envelope, mechanism, auth_data):
            if server.oauth is not None:
                server.auth_log.append((mechanism, None, False))
                return AuthResult(success=False, handled=False)
            user = auth_data.login.decode()
            refused = server.auth_policy(user) if server.auth_policy else None
            if refused:
                server.auth_log.append((mechanism, user, False))
                return AuthResult(success=False, handled=False, message=refused)
            ok = (server.login is not None and user == server.login[0]
                  and auth_data.password.decode() == server.login[1])
            server.auth_log.append((mechanism, user, ok))
            return AuthResult(success=ok, handled=False)

        kwargs = {"decode_data": False, "hostname": "127.0.0.1", "port": self.port,
                  "server_hostname": "localhost"}
        if tls is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(certs["cert"], certs["key"])
            if tls == "implicit":
                kwargs["ssl_context"] = ctx
            else:
                kwargs["tls_context"] = ctx
                kwargs["require_starttls"] = True
        if login is not None or oauth is not None:
            kwargs["authenticator"] = authenticator
            kwargs["auth_required"] = True
            # plaintext only to loopback, which this is; aiosmtpd 1.4
            # counts only STARTTLS as TLS, and would not offer AUTH over
            # implicit TLS
            kwargs["auth_require_tls"] = tls == "starttls"
        self.controller = Controller(Handler(), **kwargs)
        self.controller.start()
        wait_port(self.port, what="aiosmtpd")

    def _bearer_ok(self, user, auth):
        if not auth.startswith("Bearer "):
            return False
        token = auth[len("Bearer "):]
        if self.oauth is not None:
            return self.oauth(user, token)
        return self.login is not None and user == self.login[0] and token == self.login[1]

    def sent(self):
        with self.lock:
            return list(self.messages)

    def connections(self):
        with self.lock:
            return len(self.peers)

    def close(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# What Microsoft 365 and Gmail answer when the sender or the account may
# not send, each at the command where the provider says it: name ->
# (command, reply). None of them is about the message.
ACCOUNT_REFUSALS = {
    "send_as_denied": ("data", "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException."
                       "MapiExceptionSendAsDenied; Failed to process message due to a permanent"
                       " exception with message [BeginDiagnosticData]Cannot submit message."
                       " 0.35250:0A000000[EndDiagnosticData]"),
    "smtp_auth_disabled": ("auth", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication"
                           " is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for"
                           " more information."),
    "not_allowed_sender": ("data", "550 5.7.60 SMTP; Client does not have permissions to send as"
                           " this sender"),
    "quota": ("data", "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException;"
              " Failed to process message due to a permanent exception with message Cannot submit"
              " message."),
    "tenant_blocked": ("mail", "550 5.7.708 Service unavailable. Access denied, traffic not"
                       " accepted from this IP."),
    "tenant_threshold": ("mail", "550 5.7.705 Access denied, tenant has exceeded threshold."),
    "sender_refused": ("mail", "553 5.7.1 Sender address rejected: not owned by user"),
    "auth_failed": ("auth", "535 5.7.3 Authentication unsuccessful"),
    "gmail_quota": ("data", "550-5.4.5 Daily user sending limit exceeded. For more information on"
                    " Gmail sending limits go to\r\n550 5.4.5  https://support.google.com/a/answer/166852"),
}


class Provider(Smtpd):
    """The submission server of Microsoft 365 or Google Workspace, on
    aiosmtpd with AUTH PLAIN and LOGIN: .refusal names one of
    ACCOUNT_REFUSALS, said at its command to every message until it is set
    to None (the administrator fixed it); then it accepts."""

    def __init__(self, login, refusal=None, **kw):
        self.refusal = refusal
        super().__init__(login=login, mail=lambda a: self._say("mail"),
                         auth=lambda u: self._say("auth"), end=lambda f, r, d: self._say("data"),
                         **kw)

    def _say(self, command):
        if self.refusal is None:
            return None
        where, reply = ACCOUNT_REFUSALS[self.refusal]
        return reply if where == command else None


class Silent:
    """Accepts TCP connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.done.is_set():
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                continue

    def sent(self):
        return []

    def close(self):
        self.done.set()
        self.thread.join(2)
        for c in self.conns:
            c.close()
        self.sock.close()


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False
