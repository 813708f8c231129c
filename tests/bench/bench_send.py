#!/usr/bin/python3
"""Sending benchmark (DESIGN.md section 9): 10,000 queued messages delivered
by `mentord once` to a local smtp-sink, against Postfix's smtp-source sending
as many messages of the same bytes over one connection (-d -s 1 -m 10000
-F FILE) to an smtp-sink of its own, in the same run. Target: at most 1.3
times smtp-source.

The message is a real one: a help answer rendered by mentord itself (a help
request through Dovecot and `once --dry-run`). The queue is a database made
by mentord (`mentord status`), into which 10,000 copies are inserted with
their own Message-IDs and recipients. Each side runs REPEATS times, fresh,
alternating; the best of each counts (the run least disturbed by the rest of
the machine). `mentord once` also logs in to an empty Dovecot mailbox, as it
would in production.

Then the pacing figure: 100 queued messages with [smtp] max_per_minute = 30,
sent by `mentord once` run at --now steps of half a minute: no 60 seconds
may hold more than 30 sends, and all 100 must go, in queue order (the
pacing clock follows --now, so this takes seconds, not minutes).

Environment: SEND_BENCH_COUNT (10000), SEND_BENCH_REPEATS (3),
SEND_BENCH_KEEP=1 keeps the last queue database in BUILD_DIR/send.db (for a
profiler: perf record mentord -c ... once).
"""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from common import SOURCE, build_dir, help_request, mentord_binary, run_mentord, verdict

from servers import Dovecot, Env, ServerError, SmtpSink, mentord_config

COUNT = int(os.environ.get("SEND_BENCH_COUNT", "10000"))
REPEATS = int(os.environ.get("SEND_BENCH_REPEATS", "3"))
TARGET = 1.3
SMTP_SOURCE = "/usr/sbin/smtp-source"


def rendered_help(mentord):
    """One help answer as mentord renders it (bytes, CRLF)."""
    env = Env(mentord, SOURCE)
    try:
        env.dovecot.deliver(help_request("Alice Martin <alice@example.com>"))
        r = env.run("once", dry_run=True)
        if r.returncode != 0:
            sys.exit(f"mentord once --dry-run: exit {r.returncode}\n{r.stderr}")
        outbox = os.path.join(env.root, "state", "spool", "outbox")
        names = sorted(os.listdir(outbox))
        if len(names) != 1:
            sys.exit(f"expected one rendered message in {outbox}, found {names}")
        with open(os.path.join(outbox, names[0]), "rb") as f:
            return f.read()
    finally:
        env.close()


def fill_queue(db_path, message, count=None):
    """count (COUNT) queued copies, each with its own Message-ID and recipient."""
    count = count or COUNT
    db = sqlite3.connect(db_path)
    try:
        rows = []
        for i in range(1, count + 1):
            mid = f"mentord.{i}.bench@example.org"
            data = re.sub(rb"(?mi)^Message-ID: <[^>]*>", f"Message-ID: <{mid}>".encode(), message, 1)
            rows.append((i, mid, "help", f"applicant{i}@example.com", "help", data, i))
        with db:
            db.executemany("INSERT INTO outbound(id, message_id, kind, envelope_to, subject, data,"
                           " status, attempts, next_attempt, created_at)"
                           " VALUES(?, ?, ?, ?, ?, ?, 'queued', 0, 0, ?)", rows)
    finally:
        db.close()


def count_sent(db_path):
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT count(*) FROM outbound WHERE status = 'sent'").fetchone()[0]
    finally:
        db.close()


def run_mentord_side(mentord, tmp, dovecot, message, n):
    root = os.path.join(tmp, f"mentord-{n}")
    os.makedirs(root)
    sink = SmtpSink(root, dump=False)
    try:
        config = mentord_config(root, dovecot.port, sink.port, SOURCE)
        run_mentord(mentord, config, "status")
        db_path = os.path.join(root, "state", "mentord.db")
        fill_queue(db_path, message)
        r, elapsed = run_mentord(mentord, config, "once", check=False)
        sent = count_sent(db_path)
        if r.returncode != 0 or sent != COUNT:
            sys.exit(f"mentord once: exit {r.returncode}, {sent} of {COUNT} sent\n{r.stderr[-3000:]}")
        if os.environ.get("SEND_BENCH_KEEP"):
            shutil.copy(db_path, os.path.join(build_dir(), "send.db"))
        return elapsed
    finally:
        sink.close()


def run_reference(tmp, message, n):
    root = os.path.join(tmp, f"source-{n}")
    os.makedirs(root)
    path = os.path.join(root, "message.txt")
    with open(path, "wb") as f:
        # smtp-source appends CRLF to every line it reads
        f.write(message.replace(b"\r\n", b"\n"))
    sink = SmtpSink(root, dump=False)
    try:
        cmd = [SMTP_SOURCE, "-d", "-s", "1", "-m", str(COUNT), "-F", path,
               "-f", "mentoring@example.org", "-t", "applicant@example.com",
               f"127.0.0.1:{sink.port}"]
        start = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
        elapsed = time.monotonic() - start
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
        return elapsed
    finally:
        sink.close()


PACED_COUNT = 100
PACED_LIMIT = 30


def run_paced(mentord, tmp, dovecot, message):
    """(sends per run of once, largest count in any 60 s, in order?)"""
    from datetime import datetime, timedelta
    root = os.path.join(tmp, "paced")
    os.makedirs(root)
    sink = SmtpSink(root, dump=False)
    try:
        config = mentord_config(root, dovecot.port, sink.port, SOURCE,
                                f"smtp.max_per_minute = {PACED_LIMIT}")
        run_mentord(mentord, config, "status")
        db_path = os.path.join(root, "state", "mentord.db")
        fill_queue(db_path, message, PACED_COUNT)
        t0 = datetime(2031, 3, 4, 10, 0)
        per_run, sent = [], 0
        for step in range(12):
            now = (t0 + timedelta(seconds=30 * step)).strftime("%Y-%m-%dT%H:%M:%S")
            run_mentord(mentord, config, "once", now=now)
            total = count_sent(db_path)
            per_run.append(total - sent)
            sent = total
        db = sqlite3.connect(db_path)
        try:
            rows = db.execute("SELECT id, sent_at FROM outbound WHERE status = 'sent'"
                              " ORDER BY sent_at, id").fetchall()
        finally:
            db.close()
        times = [t for _, t in rows]
        worst = max(sum(1 for u in times if t <= u < t + 60) for t in times) if times else 0
        in_order = [i for i, _ in rows] == list(range(1, PACED_COUNT + 1))
        return per_run, sent, worst, in_order
    finally:
        sink.close()


def main():
    mentord = mentord_binary()
    if not os.path.exists(SMTP_SOURCE):
        sys.exit("smtp-source is not installed (apt-get install postfix)")
    message = rendered_help(mentord)
    tmp = tempfile.mkdtemp(prefix="mentord-bench-send-")
    dovecot = None
    ours, ref = [], []
    try:
        dovecot = Dovecot(tmp)
        for n in range(REPEATS):
            ours.append(run_mentord_side(mentord, tmp, dovecot, message, n))
            ref.append(run_reference(tmp, message, n))
        per_run, paced_sent, worst, in_order = run_paced(mentord, tmp, dovecot, message)
    except ServerError as e:
        sys.exit(f"send: cannot start a server: {e}")
    finally:
        if dovecot is not None:
            dovecot.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    best, best_ref = min(ours), min(ref)
    ratio = best / best_ref
    print(f"send: message of {len(message)} bytes (a rendered help answer), {COUNT} messages")
    print(f"send: mentord once       {best:7.3f} s  {COUNT / best:8.0f} msg/s  "
          f"(runs: {', '.join(f'{t:.3f}' for t in ours)})")
    print(f"send: smtp-source -d     {best_ref:7.3f} s  {COUNT / best_ref:8.0f} msg/s  "
          f"(runs: {', '.join(f'{t:.3f}' for t in ref)})")
    print(f"send: ratio mentord / smtp-source = {ratio:.2f}")
    print(f"pace: {PACED_COUNT} queued, max_per_minute = {PACED_LIMIT}: sends per run of once"
          f" every 30 s of --now: {per_run}")
    print(f"pace: {paced_sent} sent, at most {worst} in any 60 s, in queue order: {in_order}")
    paced_ok = paced_sent == PACED_COUNT and worst <= PACED_LIMIT and in_order
    rc = verdict("pace", paced_ok, f"all {PACED_COUNT} in order, at most {PACED_LIMIT} a minute")
    return verdict("send", ratio <= TARGET, f"at most {TARGET} times smtp-source") or rc


if __name__ == "__main__":
    sys.exit(main())
