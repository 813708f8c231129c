"""A small OAuth 2 token service on loopback, for the OAuth tests.

It plays the provider's part: the token endpoint (RFC 6749: the
refresh_token and client_credentials grants, and the device_code grant of
RFC 8628), the device authorization endpoint, and an introspection endpoint
(RFC 7662) that Dovecot's oauth2 passdb asks about every token. The test's
SMTP server asks it too (active()).

The authorization endpoint (GET /authorize, RFC 6749 4.1) answers a
browser with a redirect to the client's loopback address carrying a code
and the state; the token endpoint takes that code once, for the same
redirect_uri, with the code_verifier whose S256 challenge came with it (RFC
7636), and gives a refresh token. As Google (provider="google"), the device
authorization endpoint refuses the mail scope https://mail.google.com/
with invalid_scope, as Google's does; as Microsoft (the default) it grants
it.

Access tokens live token_seconds (a few seconds); each use of a refresh
token replaces it with a new one (rotation) and a refresh token used twice
is refused as providers do. A test can revoke tokens, withdraw the
consent, make the service slow or stop it (then its port refuses
connections), serve it over TLS, and read what it was asked (requests).

    svc = TokenService(token_seconds=3)
    refresh = svc.issue_refresh()      # as `oauth2 login` would have got
    svc.url("/token"), svc.url("/introspect"), svc.url("/devicecode")
"""
import base64
import hashlib
import http.server
import json
import secrets
import ssl
import threading
import re
import time
import urllib.error
import urllib.parse

CLIENT_ID = "mentord-test-client"
GOOGLE_MAIL_SCOPE = "https://mail.google.com/"
SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access"


class TokenService:
    def __init__(self, username="mentord", token_seconds=3, client_secret=None, rotate=True,
                 tls=None, provider="microsoft"):
        """tls: (certificate, key) paths to serve https instead of http;
        provider: "microsoft" or "google"."""
        self.provider = provider
        self.codes = {}           # code -> (challenge, redirect_uri)
        self.exchanges = []       # (code known, redirect_uri same, verifier matched)
        self.deny = False         # the person at the browser declines
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

    def browse(self, url):
        """The person's browser at the authorization address: the address
        the provider sends it on to (the client's loopback redirect)."""
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(url, timeout=10)
        except urllib.error.HTTPError as e:
            if e.code == 302:
                return e.headers["Location"]
            raise
        raise AssertionError("the authorization endpoint did not redirect")

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

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                status, location, text = svc._authorize(u.path, urllib.parse.parse_qs(u.query))
                data = text.encode()
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

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

    def _authorize(self, path, query):
        q = {k: v[0] for k, v in query.items()}
        with self.lock:
            self.requests.append((path, None, {k: v for k, v in q.items()
                                                if k not in ("code_challenge",)}))
        if path != "/authorize":
            return 404, None, "not found"
        redirect = q.get("redirect_uri", "")
        # RFC 8252 7.3: a loopback redirect, any port
        if (q.get("client_id") != CLIENT_ID or q.get("response_type") != "code"
                or not re.fullmatch(r"http://127\.0\.0\.1:\d+/", redirect)):
            return 400, None, "invalid request"
        state = q.get("state")
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return 302, f"{redirect}?error=invalid_request&state={state}", ""
        if self.deny:
            return 302, (f"{redirect}?error=access_denied&error_description=The+user+declined"
                         f"&state={state}"), ""
        code = "ac-" + secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = (q["code_challenge"], redirect)
        extra = "&scope=" + urllib.parse.quote(q.get("scope", "")) if self.provider == "google" else ""
        return 302, f"{redirect}?code={code}&state={urllib.parse.quote(state or '')}{extra}", ""

    def _code_grant(self, form):
        # (called with the lock held)
        code = form.get("code", "")
        known = self.codes.pop(code, None)
        verifier = form.get("code_verifier", "")
        made = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        ok = (known is not None, known is not None and known[1] == form.get("redirect_uri"),
              known is not None and known[0] == made)
        self.exchanges.append(ok)
        if not all(ok):
            return 400, {"error": "invalid_grant", "error_description":
                         "AADSTS70008: the code was used, expired, or does not match"}
        rt = "rt-" + secrets.token_urlsafe(24)
        self.refresh.add(rt)
        return 200, {"token_type": "Bearer", "expires_in": self.token_seconds, "scope": SCOPE,
                     "access_token": self._new_access(), "refresh_token": rt}

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
            if grant == "authorization_code":
                return self._code_grant(form)
        return 400, {"error": "unsupported_grant_type"}

    def _device_start(self, form):
        if form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client"}
        if self.provider == "google" and GOOGLE_MAIL_SCOPE in form.get("scope", "").split():
            return 400, {"error": "invalid_scope", "error_description":
                         "Some requested scopes cannot be shown: [https://mail.google.com/]"}
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
