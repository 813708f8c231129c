"""A small OAuth 2 token service on loopback, for the OAuth tests.

It plays the provider's part: the token endpoint (RFC 6749: the
refresh_token and client_credentials grants, and the device_code grant of
RFC 8628), the device authorization endpoint, and an introspection endpoint
(RFC 7662) that Dovecot's oauth2 passdb asks about every token. The test's
SMTP server asks it too (active()).

Access tokens live token_seconds (a few seconds); each use of a refresh
token replaces it with a new one (rotation) and a refresh token used twice
is refused as providers do. A test can revoke tokens, withdraw the
consent, make the service slow or stop it (then its port refuses
connections), serve it over TLS, and read what it was asked (requests).

    svc = TokenService(token_seconds=3)
    refresh = svc.issue_refresh()      # as `oauth2 login` would have got
    svc.url("/token"), svc.url("/introspect"), svc.url("/devicecode")
"""
import http.server
import json
import secrets
import ssl
import threading
import time
import urllib.parse

CLIENT_ID = "mentord-test-client"
SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access"


class TokenService:
    def __init__(self, username="mentord", token_seconds=3, client_secret=None, rotate=True,
                 tls=None):
        """tls: (certificate, key) paths to serve https instead of http."""
        self.username = username
        self.token_seconds = token_seconds
        self.client_secret = client_secret
        self.rotate = rotate
        self.lock = threading.Lock()
        self.access = {}          # token -> expiry (time.monotonic)
        self.refresh = set()      # refresh tokens that work
        self.used_refresh = set() # spent by rotation
        self.requests = []        # (path, grant_type or None, form without secrets)
        self.reuse = []           # refresh tokens presented after they were spent
        self.delay = 0.0          # seconds before each token answer
        self.consent_withdrawn = False
        self.answer_override = None  # (status, body) for every token request
        self.expires_in = None    # what the answers say of lifetime (default token_seconds)
        self.devices = {}         # device_code -> state
        self.polls = 0
        self.tls = tls
        self._start()

    # ---- what a test does ----

    def issue_refresh(self):
        tok = "rt-" + secrets.token_urlsafe(24)
        with self.lock:
            self.refresh.add(tok)
        return tok

    def revoke_refresh(self):
        """Every refresh token stops working (a password change, a revocation)."""
        with self.lock:
            self.used_refresh |= self.refresh
            self.refresh.clear()

    def revoke_access(self):
        """Every access token issued so far stops working at once."""
        with self.lock:
            self.access.clear()

    def active(self, token):
        with self.lock:
            exp = self.access.get(token)
            return exp is not None and time.monotonic() < exp

    def token_requests(self, grant=None):
        with self.lock:
            return [r for r in self.requests if r[0] == "/token" and (grant is None or r[1] == grant)]

    def introspections(self):
        with self.lock:
            return [r for r in self.requests if r[0] == "/introspect"]

    def device(self, user_code, answer):
        """The person at the browser: answer is "approve" or "deny"."""
        with self.lock:
            for d in self.devices.values():
                if d["user_code"] == user_code:
                    d["state"] = answer
                    return True
        return False

    def url(self, path):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def stop(self):
        """The service goes down: its port refuses connections."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.server = None

    def start(self):
        """Back on the same port."""
        if self.server is None:
            self._start(self.port)

    def close(self):
        self.stop()

    # ---- the HTTP side ----

    def _start(self, port=0):
        svc = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(n).decode()).items()}
                path = urllib.parse.urlparse(self.path).path
                status, body = svc._answer(path, form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the slow service)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        if self.tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*self.tls)
            server.socket = ctx.wrap_socket(server.socket, server_side=True)
        self.server = server
        self.port = server.server_address[1]
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def _new_access(self):
        tok = "at-" + secrets.token_urlsafe(24)
        self.access[tok] = time.monotonic() + self.token_seconds
        return tok

    def _client_ok(self, form):
        if form.get("client_id") != CLIENT_ID:
            return False
        return self.client_secret is None or form.get("client_secret") == self.client_secret

    def _answer(self, path, form):
        grant = form.get("grant_type")
        shown = {k: ("..." if k in ("refresh_token", "client_secret", "token", "device_code") else v)
                 for k, v in form.items()}
        with self.lock:
            self.requests.append((path, grant, shown))
        if path == "/introspect":
            tok = form.get("token", "")
            if self.active(tok):
                return 200, {"active": True, "username": self.username, "scope": SCOPE}
            return 200, {"active": False}
        if path == "/devicecode":
            return self._device_start(form)
        if path != "/token":
            return 404, {"error": "not_found"}
        if self.delay:
            time.sleep(self.delay)
        if not self._client_ok(form):
            return 401, {"error": "invalid_client",
                         "error_description": "AADSTS7000215: Invalid client secret provided."}
        if self.answer_override is not None:
            return self.answer_override
        if self.consent_withdrawn:
            return 400, {"error": "invalid_grant", "suberror": "consent_required",
                         "error_description": "AADSTS65001: The user or administrator has not"
                         " consented to use the application.\r\nTrace ID: 1234"}
        with self.lock:
            if grant == "refresh_token":
                rt = form.get("refresh_token", "")
                if rt not in self.refresh:
                    if rt in self.used_refresh:
                        self.reuse.append(rt)
                    return 400, {"error": "invalid_grant",
                                 "error_description": "AADSTS70008: The provided authorization"
                                 " code or refresh token has expired due to inactivity."}
                answer = {"token_type": "Bearer", "scope": SCOPE,
                          "expires_in": self.expires_in or self.token_seconds,
                          "access_token": self._new_access()}
                if self.rotate:
                    self.refresh.discard(rt)
                    self.used_refresh.add(rt)
                    new = "rt-" + secrets.token_urlsafe(24)
                    self.refresh.add(new)
                    answer["refresh_token"] = new
                return 200, answer
            if grant == "client_credentials":
                return 200, {"token_type": "Bearer", "expires_in": self.token_seconds,
                             "ext_expires_in": self.token_seconds, "access_token": self._new_access()}
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                return self._device_poll(form)
        return 400, {"error": "unsupported_grant_type"}

    def _device_start(self, form):
        if form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client"}
        code = "dc-" + secrets.token_urlsafe(16)
        user = secrets.token_hex(2).upper() + "-" + secrets.token_hex(2).upper()
        with self.lock:
            self.devices[code] = {"user_code": user, "state": "pending", "slowed": False,
                                  "scope": form.get("scope")}
        return 200, {"device_code": code, "user_code": user,
                     "verification_uri": "https://login.example.test/device",
                     "expires_in": 60, "interval": 1,
                     "message": f"To sign in, open https://login.example.test/device and enter {user}"}

    def _device_poll(self, form):
        # (called with the lock held)
        self.polls += 1
        d = self.devices.get(form.get("device_code"))
        if d is None:
            return 400, {"error": "expired_token"}
        if d["state"] == "deny":
            return 400, {"error": "access_denied", "error_description": "The user declined."}
        if d["state"] == "pending":
            return 400, {"error": "authorization_pending"}
        if not d["slowed"]:
            # once, as a busy service does: the client must wait 5 s more
            d["slowed"] = True
            return 400, {"error": "slow_down"}
        del self.devices[form.get("device_code")]
        rt = "rt-" + secrets.token_urlsafe(24)
        self.refresh.add(rt)
        return 200, {"token_type": "Bearer", "expires_in": self.token_seconds, "scope": SCOPE,
                     "access_token": self._new_access(), "refresh_token": rt}
