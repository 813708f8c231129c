"""Real servers on loopback for tests, the demo and benchmarks.

Dovecot runs from a private configuration in a temporary folder (no system
file is read or written); the SMTP side is either an aiosmtpd recorder in
this process (it keeps every message and envelope, and can be told to
refuse) or Postfix's smtp-sink. Every server is stopped by close(), also
when a test fails; a server that cannot start raises ServerError loudly.
"""
import email
import email.policy
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

DOVECOT = "/usr/sbin/dovecot"
SMTP_SINK = "/usr/sbin/smtp-sink"
OPENSSL = "/usr/bin/openssl"


class ServerError(RuntimeError):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc=None, timeout=15.0, what="server", log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    detail = ""
    if log and os.path.exists(log):
        with open(log, errors="replace") as f:
            detail = f.read()[-3000:]
    raise ServerError(f"{what} did not start on port {port}\n{detail}")


class TestCA:
    """A certificate authority for tests, made with the openssl command line
    in a folder of its own: ca.pem is what a client trusts, issue() makes a
    server certificate for some DNS names and IP addresses."""

    def __init__(self, folder, name="mentord test CA"):
        if not os.path.exists(OPENSSL):
            raise ServerError("openssl is not installed (apt-get install openssl)")
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, 0o755)
        self.key = os.path.join(folder, "ca.key")
        self.cert = os.path.join(folder, "ca.pem")
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-nodes", "-keyout", self.key, "-out", self.cert, "-days", "3",
                      "-subj", f"/CN={name}",
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def _openssl(self, *args):
        r = subprocess.run([OPENSSL, *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise ServerError(f"openssl {args[0]} failed: {r.stderr}")

    def issue(self, names, stem="server"):
        """A certificate for names (DNS names or IP addresses); returns the
        paths of the certificate and of its key."""
        key = os.path.join(self.folder, f"{stem}.key")
        csr = os.path.join(self.folder, f"{stem}.csr")
        cert = os.path.join(self.folder, f"{stem}.pem")
        ext = os.path.join(self.folder, f"{stem}.ext")
        alt = ",".join(("IP:" if _is_ip(n) else "DNS:") + n for n in names)
        with open(ext, "w") as f:
            f.write(f"subjectAltName = {alt}\nbasicConstraints = CA:FALSE\n"
                    "keyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n")
        self._openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={names[0]}")
        self._openssl("x509", "-req", "-in", csr, "-CA", self.cert, "-CAkey", self.key,
                      "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", cert)
        for path in (key, cert):
            os.chmod(path, 0o644)
        return cert, key


def _is_ip(name):
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, name)
            return True
        except OSError:
            pass
    return False


class SilentServer:
    """Accepts TCP connections on loopback and never says a word: a server
    that hangs, for timeout tests."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(conn)

    def close(self):
        self._stop = True
        self.thread.join(5)
        for c in self.accepted:
            c.close()
        self.sock.close()


def _proc_stat(pid):
    """(parent pid, start time) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] == "Z":
        return None
    return int(fields[1]), fields[19]


def _descendants(pid):
    """[(pid, start time)] of every process below pid."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _proc_stat(int(entry))
            if st is not None:
                children.setdefault(st[0], []).append((int(entry), st[1]))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child[0])
    return out


def _end(processes, grace=5.0):
    """SIGTERM, then SIGKILL after grace seconds, to each (pid, start time)
    that is still that same process."""
    def alive():
        return [(p, t) for p, t in processes if (_proc_stat(p) or (0, None))[1] == t]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p, _ in alive():
            try:
                os.kill(p, sig)
            except OSError:
                pass
        deadline = time.monotonic() + grace
        while alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not alive():
            return


def _mail_user():
    """The account that owns the mail: ourselves, or nobody when root."""
    if os.getuid() == 0:
        pw = pwd.getpwnam("nobody")
    else:
        pw = pwd.getpwuid(os.getuid())
    return pw


class Dovecot:
    """A private Dovecot with one user, IMAP on a free loopback port.

    Options, all off by default:
      ssl: "yes" or "required" (Dovecot's ssl setting): STARTTLS on port,
        and implicit TLS on tls_port, with a certificate for cert_names
        issued by a test CA made in the folder (its certificate: ca_file).
        (With "required" Dovecot still counts loopback clients as secure.)
      oauth_url: an OAuth 2 token introspection URL (RFC 7662, POST); the
        user may then log in with AUTHENTICATE XOAUTH2 and a bearer token
        that the URL declares active for username_attribute "username".
      conf: more dovecot.conf text, e.g. "imap_capability = IMAP4rev1".
    """

    user = "mentord"
    password = "imap-secret-for-tests"

    def __init__(self, root, ssl="no", cert_names=("localhost", "127.0.0.1"), oauth_url=None,
                 conf=""):
        if not os.path.exists(DOVECOT):
            raise ServerError("dovecot is not installed (apt-get install dovecot-imapd)")
        self.root = os.path.join(root, "dovecot")
        os.makedirs(self.root)
        # Dovecot's internal users must be able to reach the folder
        for d in (root, self.root):
            os.chmod(d, 0o755)
        self.port = free_port()
        self.ssl = ssl
        self.oauth_url = oauth_url
        self.conf_extra = conf
        self.tls_port = None
        self.ca_file = None
        if ssl != "no":
            self.tls_port = free_port()
            self.ca = TestCA(os.path.join(self.root, "tls"))
            self.ca_file = self.ca.cert
            self.cert, self.key = self.ca.issue(list(cert_names))
        self.owner = _mail_user()
        self.home = os.path.join(self.root, "home")
        self.maildir = os.path.join(self.home, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.maildir, sub))
        self._chown_tree(self.home)
        self.log = os.path.join(self.root, "dovecot.log")
        self.conf = os.path.join(self.root, "dovecot.conf")
        self._write_config()
        self.proc = None
        self.start()
        self._seq = itertools.count()

    def _chown_tree(self, top):
        if os.getuid() != 0:
            return
        for dirpath, dirnames, filenames in os.walk(top):
            os.chown(dirpath, self.owner.pw_uid, self.owner.pw_gid)
            for f in filenames:
                os.chown(os.path.join(dirpath, f), self.owner.pw_uid, self.owner.pw_gid)

    def _write_config(self):
        uid, gid = self.owner.pw_uid, self.owner.pw_gid
        with open(os.path.join(self.root, "passwd"), "w") as f:
            f.write(f"{self.user}:{{PLAIN}}{self.password}:{uid}:{gid}::{self.home}::\n")
        me = pwd.getpwuid(os.getuid()).pw_name
        users = ""
        if os.getuid() != 0:
            users = (f"default_internal_user = {me}\ndefault_login_user = {me}\n"
                     f"default_internal_group = {pwd.getpwuid(os.getuid()).pw_name}\n")
        ssl = f"ssl = {self.ssl}\n"
        imaps = "port = 0"
        if self.ssl != "no":
            ssl += f"ssl_cert = <{self.cert}\nssl_key = <{self.key}\n"
            imaps = f"address = 127.0.0.1\n    port = {self.tls_port}\n    ssl = yes"
        mechanisms = "plain login"
        oauth = ""
        if self.oauth_url:
            mechanisms += " xoauth2 oauthbearer"
            oauth_conf = os.path.join(self.root, "dovecot-oauth2.conf.ext")
            with open(oauth_conf, "w") as f:
                f.write(f"introspection_url = {self.oauth_url}\n"
                        "introspection_mode = post\nforce_introspection = yes\n"
                        "username_attribute = username\nusername_format = %u\n"
                        "active_attribute = active\nactive_value = true\n"
                        "timeout_msecs = 5000\n")
            oauth = f"""passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {oauth_conf}
}}
"""
        with open(self.conf, "w") as f:
            f.write(f"""# private test instance
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log}
listen = 127.0.0.1
protocols = imap
{ssl}disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
{users}
{oauth}passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  imap_idle_notify_interval = 2 mins
}}
{self.conf_extra}
""")

    def start(self):
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_port(self.port, self.proc, what="dovecot", log=self.log)
            if self.tls_port:
                wait_port(self.tls_port, self.proc, what="dovecot (imaps)", log=self.log)
        except ServerError:
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
            self.stop()
            raise ServerError(f"dovecot did not start: {err}")

    def stop(self):
        """Stops the master and every process it started. Dovecot's master
        leaves its imap processes serving their clients for a while when it
        exits; they are ended too (each says "* BYE Server shutting down"),
        as a real restart does, so that no connection outlives the server."""
        if self.proc is not None and self.proc.poll() is None:
            below = _descendants(self.proc.pid)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            _end(below)
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def restart(self):
        self.stop()
        self.start()

    def deliver(self, raw, name=None):
        """Delivers one message as a Maildir file (tmp/ then new/)."""
        if isinstance(raw, str):
            raw = raw.encode()
        name = name or f"{time.time():.6f}.M{next(self._seq)}P{os.getpid()}.test"
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(raw)
        if os.getuid() == 0:
            os.chown(tmp, self.owner.pw_uid, self.owner.pw_gid)
        os.rename(tmp, os.path.join(self.maildir, "new", name))
        return name

    def imap(self):
        import imaplib
        if self.ssl != "no":
            import ssl
            ctx = ssl.create_default_context(cafile=self.ca_file)
            c = imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=ctx)
        else:
            c = imaplib.IMAP4("127.0.0.1", self.port)
        c.login(self.user, self.password)
        return c


class Recorder:
    """An SMTP server (aiosmtpd) that keeps what it receives.

    refuse: a function (mail_from, rcpt, data) -> None or "451 ..."/"550 ..."
    consulted at DATA end, to answer with a failure instead of 250.
    """

    def __init__(self, utf8=False):
        """utf8: offer SMTPUTF8 (RFC 6531)."""
        try:
            from aiosmtpd.controller import Controller
        except ImportError as e:
            raise ServerError("python3-aiosmtpd is not installed; run tests with /usr/bin/python3") from e
        self.messages = []
        self.mail_options = []  # the MAIL FROM parameters of each message
        self.lock = threading.Lock()
        self.refuse = None
        self.port = free_port()
        recorder = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                data = envelope.original_content or envelope.content
                if recorder.refuse is not None:
                    answer = recorder.refuse(envelope.mail_from, list(envelope.rcpt_tos), data)
                    if answer:
                        return answer
                with recorder.lock:
                    recorder.messages.append((envelope.mail_from, list(envelope.rcpt_tos), data))
                    recorder.mail_options.append(list(envelope.mail_options))
                return "250 OK queued"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     decode_data=False, enable_SMTPUTF8=utf8)
        self.controller.start()

    def sent(self):
        with self.lock:
            return list(self.messages)

    def parsed(self):
        """Each received message parsed with Python's strict policy."""
        out = []
        for mail_from, rcpts, data in self.sent():
            msg = email.message_from_bytes(data, policy=email.policy.strict)
            out.append((mail_from, rcpts, msg))
        return out

    def wait_for(self, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sent()) >= count:
                return True
            time.sleep(0.02)
        return False

    def clear(self):
        with self.lock:
            self.messages.clear()

    def close(self):
        self.controller.stop()


class SmtpSink:
    """Postfix's smtp-sink, with its failure options (-r, -f, -q, -Q)."""

    def __init__(self, root, options=(), dump=True):
        if not os.path.exists(SMTP_SINK):
            raise ServerError("smtp-sink is not installed (apt-get install postfix)")
        self.port = free_port()
        self.dumpdir = os.path.join(root, f"sink-{self.port}")
        os.makedirs(self.dumpdir)
        os.chmod(self.dumpdir, 0o777)
        args = [SMTP_SINK]
        if os.getuid() == 0:
            args += ["-u", "nobody"]
        if dump:
            args += ["-d", os.path.join(self.dumpdir, "%M%S.")]
        args += list(options) + [f"127.0.0.1:{self.port}", "256"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_port(self.port, self.proc, what="smtp-sink")

    def dumped(self):
        out = []
        for name in sorted(os.listdir(self.dumpdir)):
            with open(os.path.join(self.dumpdir, name), "rb") as f:
                out.append(f.read())
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()


def mentord_config(root, imap_port, smtp_port, repo, extra=""):
    """A configuration for mentord against these servers; returns its path."""
    state = os.path.join(root, "state")
    os.makedirs(state, exist_ok=True)
    secret = os.path.join(root, "imap.password")
    with open(secret, "w") as f:
        f.write(Dovecot.password + "\n")
    os.chmod(secret, 0o600)
    path = os.path.join(root, "mentord.conf")
    sections = {
        "programme": {"name": "WIT Mentoring", "address": "mentoring@example.org",
                      "display_name": "WIT Mentoring Committee", "timezone": "Europe/Zurich",
                      "language": "en"},
        "committee": {"members": "chair@example.org, vice@example.org"},
        "imap": {"host": "127.0.0.1", "port": str(imap_port), "security": "none",
                 "user": Dovecot.user, "password_file": secret, "auth": "login",
                 "poll_seconds": "5", "timeout_seconds": "10"},
        "smtp": {"url": f"smtp://127.0.0.1:{smtp_port}", "security": "none",
                 "timeout_seconds": "10"},
        "paths": {"database": os.path.join(state, "mentord.db"),
                  "spool": os.path.join(state, "spool"),
                  "templates": os.path.join(repo, "templates")},
    }
    for line in extra.strip().splitlines():
        # "section.key = value" overrides
        key, _, value = line.partition("=")
        section, _, name = key.strip().partition(".")
        if value.strip() == "":
            sections.setdefault(section, {}).pop(name, None)
        else:
            sections.setdefault(section, {})[name] = value.strip()
    with open(path, "w") as f:
        for section, keys in sections.items():
            f.write(f"[{section}]\n")
            for k, v in keys.items():
                f.write(f"{k} = {v}\n")
            f.write("\n")
    return path


class Env:
    """Dovecot + recorder + a mentord configuration, in one temporary folder."""

    def __init__(self, mentord, repo, extra_config="", smtp=None, dovecot=None):
        """dovecot: keyword arguments for Dovecot (ssl=..., oauth_url=...)."""
        self.mentord_bin = mentord
        self.repo = repo
        self.root = tempfile.mkdtemp(prefix="mentord-test-")
        self.dovecot = None
        self.smtp = None
        try:
            self.dovecot = Dovecot(self.root, **(dovecot or {}))
            self.smtp = smtp(self.root) if smtp else Recorder()
            self.config = mentord_config(self.root, self.dovecot.port, self.smtp.port, repo,
                                         extra_config)
        except BaseException:
            self.close()
            raise

    def run(self, *args, now=None, env=None, timeout=120, dry_run=False):
        cmd = [self.mentord_bin, "-c", self.config]
        if now:
            cmd += ["--now", now]
        if dry_run:
            cmd += ["--dry-run"]
        cmd += list(args)
        full_env = dict(os.environ)
        full_env.update(env or {})
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env)

    def spawn(self, *args, now=None, env=None):
        cmd = [self.mentord_bin, "-c", self.config]
        if now:
            cmd += ["--now", now]
        cmd += list(args)
        full_env = dict(os.environ)
        full_env.update(env or {})
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=full_env)

    def reconfigure(self, extra_config):
        """Writes the configuration again with other overrides."""
        self.config = mentord_config(self.root, self.dovecot.port, self.smtp.port, self.repo,
                                     extra_config)

    def db(self):
        import sqlite3
        return sqlite3.connect(os.path.join(self.root, "state", "mentord.db"))

    def close(self):
        if self.smtp is not None:
            self.smtp.close()
        if self.dovecot is not None:
            self.dovecot.stop()
        shutil.rmtree(self.root, ignore_errors=True)
