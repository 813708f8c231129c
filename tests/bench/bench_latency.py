#!/usr/bin/python3
"""Latency benchmark (DESIGN.md section 9): `mentord run` with IDLE against
Dovecot; help requests delivered one at a time (Maildir files) at random
intervals. For each: the time from delivery to the answer arriving at the
SMTP server, and, in the same run, the time from delivery to Dovecot's own
IDLE notification (* N EXISTS) as seen by a plain IMAP client idling on the
same mailbox (spoken over a socket: imaplib has no IDLE before Python 3.14).
Dovecot batches its notifications, about half a second after delivery.

Target: p50 of (answer - notification) within 150 ms, and every answer
under 1 s after delivery.

Environment: LATENCY_BENCH_COUNT (20 requests), LATENCY_BENCH_SEED.
"""
import os
import random
import re
import signal
import socket
import sys
import threading
import time

from common import SOURCE, Drain, help_request, median, mentord_binary, stop, verdict

from servers import Dovecot, Env, ServerError
from smtp_extra import Smtpd, wait_until

COUNT = int(os.environ.get("LATENCY_BENCH_COUNT", "20"))
SEED = int(os.environ.get("LATENCY_BENCH_SEED", "20260302"))
TARGET_P50_MS = 150
TARGET_MAX_MS = 1000


class IdleWatcher:
    """A plain IMAP client in IDLE (RFC 2177); keeps the time of each
    untagged EXISTS."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.f = self.sock.makefile("rb")
        self.exists = []          # time.monotonic() of each * N EXISTS
        self.lock = threading.Lock()
        self._expect(None)        # the greeting
        self._command(f'a1 LOGIN {Dovecot.user} "{Dovecot.password}"', "a1")
        self._command("a2 SELECT INBOX", "a2")
        self.sock.sendall(b"a3 IDLE\r\n")
        self._expect(b"+")
        self.sock.settimeout(None)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _expect(self, prefix):
        line = self.f.readline()
        if prefix is not None and not line.startswith(prefix):
            raise ServerError(f"IMAP: unexpected {line!r}")
        return line

    def _command(self, command, tag):
        self.sock.sendall(command.encode() + b"\r\n")
        while True:
            line = self.f.readline()
            if not line:
                raise ServerError("IMAP: connection closed")
            if line.startswith(tag.encode() + b" "):
                if not line.startswith(tag.encode() + b" OK"):
                    raise ServerError(f"IMAP: {command.split()[1]}: {line!r}")
                return

    def _read(self):
        pattern = re.compile(rb"^\* \d+ EXISTS")
        for line in self.f:
            now = time.monotonic()
            if pattern.match(line):
                with self.lock:
                    self.exists.append(now)

    def first_after(self, t):
        with self.lock:
            later = [x for x in self.exists if x >= t]
        return later[0] if later else None

    def close(self):
        try:
            self.sock.sendall(b"DONE\r\na4 LOGOUT\r\n")
        except OSError:
            pass
        self.sock.close()


def main():
    mentord = mentord_binary()
    rng = random.Random(SEED)
    env = proc = watcher = None
    answers, notices = [], []
    try:
        env = Env(mentord, SOURCE, "programme.max_unproven_per_hour = 100000",
                  smtp=lambda root: Smtpd())
        srv = env.smtp
        watcher = IdleWatcher(env.dovecot.port)
        proc = env.spawn("run")
        drain = Drain(proc)
        # warm-up: the daemon is connected and idling once this is answered
        env.dovecot.deliver(help_request("warmup@example.com"))
        if not wait_until(lambda: len(srv.sent()) == 1, 30):
            sys.exit("latency: the warm-up request was not answered within 30 s")
        for i in range(COUNT):
            time.sleep(rng.uniform(0.3, 1.5))
            before = len(srv.sent())
            t0 = time.monotonic()
            env.dovecot.deliver(help_request(f"latency{i}@example.com"))
            if not wait_until(lambda: len(srv.sent()) > before, 10):
                sys.exit(f"latency: request {i} was not answered within 10 s")
            if not wait_until(lambda: watcher.first_after(t0) is not None, 10):
                sys.exit(f"latency: no IDLE notification for request {i} within 10 s")
            answers.append((srv.times[before] - t0) * 1000)
            notices.append((watcher.first_after(t0) - t0) * 1000)
        proc.send_signal(signal.SIGTERM)
        if proc.wait(10) != 0:
            sys.exit(f"latency: mentord run exited with {proc.returncode}\n{drain.text()}")
    except ServerError as e:
        sys.exit(f"latency: cannot start a server: {e}")
    finally:
        stop(proc)
        if watcher is not None:
            watcher.close()
        if env is not None:
            env.close()
    diffs = [a - n for a, n in zip(answers, notices)]
    print(f"latency: {COUNT} help requests, one at a time, 0.3 to 1.5 s apart")
    print(f"latency: answer at the SMTP server  p50 {median(answers):6.0f} ms  max {max(answers):6.0f} ms"
          "  (from delivery)")
    print(f"latency: Dovecot IDLE notification  p50 {median(notices):6.0f} ms  max {max(notices):6.0f} ms"
          "  (reference: a plain client idling)")
    print(f"latency: answer - notification      p50 {median(diffs):6.0f} ms  max {max(diffs):6.0f} ms")
    ok = median(diffs) <= TARGET_P50_MS and max(answers) < TARGET_MAX_MS
    return verdict("latency", ok, f"p50 within {TARGET_P50_MS} ms of the notification,"
                   f" max under {TARGET_MAX_MS} ms")


if __name__ == "__main__":
    sys.exit(main())
