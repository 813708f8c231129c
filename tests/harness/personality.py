"""An IMAP proxy on loopback in front of the real Dovecot that speaks as a
provider's server, as far as mentord can tell, line by line:

  exchange  Exchange Online: its greeting and CAPABILITY; FLAGS and
            PERMANENTFLAGS with no keywords (no \\*); a keyword STORE or a
            KEYWORD/UNKEYWORD SEARCH answered `BAD Command Argument Error. 11`
            and never passed on
  gmail     Gmail: its greeting and CAPABILITY (keywords allowed)

and, on a plan the test sets, the answers that matter at these providers:

  throttle(command, ms)     the next `command` (SELECT, UID SEARCH, LOGIN...)
                            answered `NO Request is throttled. Suggested
                            Backoff Time: ms milliseconds`
  bye_after(command)        after the server's answer to the next `command`,
                            `* BYE Session invalidated - AccessTokenExpired`
                            and the connection closed
  refuse_login(text)        the logins answered `NO text` (for instance
                            `[ALERT] Too many simultaneous connections.
                            (Failure)`) for as many as `times`
  respond(command, text, times=1)
                            the next `times` `command`s answered `text` (after
                            their tag)

Literals (a FETCH's message, an APPEND) go through untouched. Every
client command line is recorded (commands()), with a login's secret
replaced by `***`; the answers the proxy made up and each connection are
recorded with their time (events())."""
import re
import socket
import threading

from proxy import LoopbackServer

EXCHANGE_CAPS = ("IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT "
                 "CHILDREN IDLE NAMESPACE LITERAL+ MOVE")
EXCHANGE_FLAGS = r"(\Seen \Answered \Flagged \Deleted \Draft $MDNSent)"
EXCHANGE_GREETING = "* OK The Microsoft Exchange IMAP4 service is ready. [UABSADAAMgBDAEEAMAAwADAAMwAuAA==]"
GMAIL_CAPS = ("IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY "
              "SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER UIDPLUS "
              "MOVE ENABLE CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED LIST-STATUS LITERAL- "
              "SPECIAL-USE APPENDLIMIT=35651584")
GMAIL_GREETING = "* OK Gimap ready for requests from 127.0.0.1 a1b2c3d4e5mb123456"

LITERAL = re.compile(rb"\{(\d+)\+?\}\r?\n$")


class Personality(LoopbackServer):
    def __init__(self, upstream_port, kind):
        assert kind in ("exchange", "gmail")
        self.kind = kind
        self.upstream = upstream_port
        self.lines = []
        self.plan = []
        self.login_refusals = 0
        self.login_refusal_text = ""
        self.connections = 0
        super().__init__()

    # ---- what a test asks for ----

    def throttle(self, command, ms):
        self.respond(command, f"NO Request is throttled. Suggested Backoff Time: {ms} milliseconds")

    def respond(self, command, text, times=1):
        with self.lock:
            for _ in range(times):
                self.plan.append(("answer", command.upper(), text))

    def bye_after(self, command):
        with self.lock:
            self.plan.append(("bye", command.upper(), None))

    def refuse_login(self, text, times=1):
        with self.lock:
            self.login_refusals = times
            self.login_refusal_text = text

    def commands(self):
        with self.lock:
            return list(self.lines)

    # ---- the proxy ----

    def _take(self, kind, command):
        with self.lock:
            for i, (k, c, text) in enumerate(self.plan):
                if k == kind and c == command:
                    del self.plan[i]
                    return text if text is not None else True
        return None

    def _serve(self):
        while not self.stopping:
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self.note(f"connect {self.connections}")
            self.held.append(client)
            server = socket.create_connection(("127.0.0.1", self.upstream))
            self.held.append(server)
            conn = {"client": client, "server": server, "pending": {}, "closed": False,
                    "lock": threading.Lock()}
            threading.Thread(target=self._from_client, args=(conn,), daemon=True).start()
            threading.Thread(target=self._from_server, args=(conn,), daemon=True).start()

    @staticmethod
    def _lines(sock):
        """Yields (line, literal bytes after it) as they come."""
        buf = b""
        while True:
            while b"\n" not in buf:
                data = sock.recv(65536)
                if not data:
                    return
                buf += data
            line, _, buf = buf.partition(b"\n")
            line += b"\n"
            m = LITERAL.search(line)
            literal = b""
            if m:
                want = int(m.group(1))
                while len(buf) < want:
                    data = sock.recv(65536)
                    if not data:
                        return
                    buf += data
                literal, buf = buf[:want], buf[want:]
            yield line, literal

    def _send_client(self, conn, data):
        with conn["lock"]:
            if not conn["closed"]:
                conn["client"].sendall(data)

    def _end(self, conn):
        with conn["lock"]:
            conn["closed"] = True
            for s in (conn["client"], conn["server"]):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _from_client(self, conn):
        try:
            for line, literal in self._lines(conn["client"]):
                self._client_line(conn, line, literal)
        except OSError:
            pass
        try:
            conn["server"].shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _client_line(self, conn, line, literal):
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        parts = text.split(" ")
        tag = parts[0] if parts else ""
        words = [w.upper() for w in parts[1:4]]
        command = words[0] if words else ""
        if command == "UID" and len(words) > 1:
            command = "UID " + words[1]
        shown = text
        if command in ("LOGIN", "AUTHENTICATE"):
            shown = " ".join(parts[:3]) + " ***"
        with self.lock:
            self.lines.append(shown)
        if command in ("LOGIN", "AUTHENTICATE") and self.login_refusals > 0:
            with self.lock:
                self.login_refusals -= 1
                answer = self.login_refusal_text
            self._made_up(conn, f"{tag} NO {answer}")
            return
        if self.kind == "exchange" and self._keyword_command(command, text):
            self._made_up(conn, f"{tag} BAD Command Argument Error. 11")
            return
        answer = self._take("answer", command)
        if answer is not None:
            self._made_up(conn, f"{tag} {answer}")
            return
        if self._take("bye", command) is not None:
            conn["pending"][tag] = "bye"
        conn["server"].sendall(line + literal)

    def _keyword_command(self, command, text):
        rest = text.upper()
        if command in ("STORE", "UID STORE"):
            m = re.search(r"FLAGS(?:\.SILENT)?\s+\(?([^)]*)", text, re.I)
            flags = m.group(1).split() if m else []
            return any(not f.startswith("\\") and f != "$MDNSent" for f in flags)
        if command in ("SEARCH", "UID SEARCH"):
            return " KEYWORD " in rest or " UNKEYWORD " in rest
        return False

    def _made_up(self, conn, answer):
        self.note(answer)
        self._send_client(conn, (answer + "\r\n").encode())

    def _from_server(self, conn):
        try:
            for line, literal in self._lines(conn["server"]):
                out = self._server_line(line)
                if out is not None:
                    self._send_client(conn, out + literal)
                tag = line.split(b" ", 1)[0].decode("ascii", "replace")
                if conn["pending"].get(tag) == "bye":
                    self._made_up(conn, "* BYE Session invalidated - AccessTokenExpired")
                    self._end(conn)
                    return
        except OSError:
            pass
        try:
            conn["client"].shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _server_line(self, line):
        text = line.decode("utf-8", "replace")
        caps = EXCHANGE_CAPS if self.kind == "exchange" else GMAIL_CAPS
        greeting = EXCHANGE_GREETING if self.kind == "exchange" else GMAIL_GREETING
        if text.startswith("* OK") and "ready" in text.lower() and "Dovecot" in text:
            return (greeting + "\r\n").encode()
        if text.startswith("* CAPABILITY "):
            return (f"* CAPABILITY {caps}\r\n").encode()
        text = re.sub(r"\[CAPABILITY [^\]]*\]", f"[CAPABILITY {caps}]", text)
        if self.kind == "exchange":
            if text.startswith("* FLAGS "):
                return (f"* FLAGS {EXCHANGE_FLAGS}\r\n").encode()
            if text.startswith("* OK [PERMANENTFLAGS"):
                return (f"* OK [PERMANENTFLAGS {EXCHANGE_FLAGS}] Permanent flags\r\n").encode()
        return text.encode()
