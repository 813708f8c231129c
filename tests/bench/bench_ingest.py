#!/usr/bin/python3
"""Ingest benchmark (DESIGN.md section 9): 10,000 applications in a local
Dovecot, processed and answered end to end by `mentord once` (each recorded
in its own savepoint, asked for confirmation, the answer sent to a local
smtp-sink, the message flagged on the server, each batch synced to the disk
before its flags), against the bare transport in the same run: one bulk
`UID FETCH 1:* BODY.PEEK[]` of the same mailbox (read and thrown away, no
parsing beyond the literals), plus Postfix's smtp-source sending as many
messages of the answer's size to an smtp-sink. Target: at most 1.5 times.

It also prints what the disk syncs of durability cost (mentord's own
figures, from the log line of its cycle): their number and time.

Each side runs INGEST_BENCH_REPEATS times on a fresh mailbox; the best run
of each counts. Environment: INGEST_BENCH_COUNT (10000),
INGEST_BENCH_REPEATS (2).
"""
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from email.utils import formatdate

from common import SOURCE, mentord_binary, run_mentord, verdict

from servers import Dovecot, ServerError, SmtpSink, mentord_config

COUNT = int(os.environ.get("INGEST_BENCH_COUNT", "10000"))
REPEATS = int(os.environ.get("INGEST_BENCH_REPEATS", "2"))
TARGET = 1.5
SMTP_SOURCE = "/usr/sbin/smtp-source"

DEPARTMENTS = ["IT", "Physics", "Engineering", "Finance", "HR", "Legal", "Safety", "Research"]
FIELDS = ["software", "accelerators", "detectors", "electronics", "accounting", "recruitment",
          "data science", "mechanics", "vacuum", "cryogenics"]


def application(i):
    rnd = random.Random(i)
    role = "mentor" if i % 3 == 0 else "mentee"
    fr = i % 4 == 0
    name = f"Applicant {i}"
    dept = rnd.choice(DEPARTMENTS)
    fields = ", ".join(rnd.sample(FIELDS, rnd.randint(1, 3)))
    if fr:
        body = (f"Bonjour,\n\nRôle : {'mentor' if role == 'mentor' else 'mentorée'}\nNom : {name}\n"
                f"Département : {dept}\nDomaine : {fields}\nLangue : fr\n"
                f"Sujets : carrière, leadership\n\nCordialement,\n{name}\n")
        subject = "candidature"
    else:
        body = (f"Hello,\n\nRole: {role}\nName: {name}\nDepartment: {dept}\nField: {fields}\n"
                f"Topics: leadership, public speaking\n{'Capacity: 2' if role == 'mentor' else ''}\n"
                f"\nBest regards,\n{name}\n--\n{name} | {dept}\n")
        subject = "apply"
    lines = [f"From: {name} <applicant{i}@example.com>", "To: mentoring@example.org",
             f"Subject: {subject}", f"Date: {formatdate(localtime=False)}",
             f"Message-ID: <ingest.{i}.{os.getpid()}@example.com>", "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit", ""]
    return ("\r\n".join(lines) + "\r\n" + body.replace("\n", "\r\n")).encode()


def mailbox(tmp, n):
    root = os.path.join(tmp, f"dovecot-{n}")
    os.makedirs(root)
    d = Dovecot(root)
    for i in range(1, COUNT + 1):
        d.deliver(application(i))
    return d


def ours(mentord, tmp, n):
    dovecot = mailbox(tmp, n)
    sink = None
    try:
        root = os.path.join(tmp, f"mentord-{n}")
        os.makedirs(root)
        sink = SmtpSink(root, dump=False)
        # 10,000 newcomers at once, past the hourly limit of answers to them
        config = mentord_config(root, dovecot.port, sink.port, SOURCE,
                                "programme.max_unproven_per_hour = 100000")
        run_mentord(mentord, config, "cohort", "open", "Benchmark")
        r, elapsed = run_mentord(mentord, config, "once", check=False)
        syncs = [(int(a), float(b)) for a, b in
                 re.findall(r"(\d+) disk sync\(s\), ([0-9.]+) ms", r.stderr)]
        db = sqlite3.connect(os.path.join(root, "state", "mentord.db"))
        apps = db.execute("SELECT count(*) FROM applications").fetchone()[0]
        sent = db.execute("SELECT count(*) FROM outbound WHERE status = 'sent'").fetchone()[0]
        flagged = db.execute("SELECT count(*) FROM inbound WHERE flagged = 1").fetchone()[0]
        size = db.execute("SELECT avg(length(data)) FROM outbound").fetchone()[0]
        db.close()
        if r.returncode != 0 or apps != COUNT or sent != COUNT or flagged != COUNT:
            sys.exit(f"mentord once: exit {r.returncode}; {apps} applications, {sent} answers sent,"
                     f" {flagged} flagged of {COUNT}\n{r.stderr[-3000:]}")
        return elapsed, int(size), sum(a for a, _ in syncs), sum(b for _, b in syncs) / 1000
    finally:
        if sink is not None:
            sink.close()
        dovecot.stop()


def bulk_fetch(dovecot):
    """One UID FETCH of every whole message over one connection, as a stock
    client would download the mailbox; returns (seconds, messages)."""
    sock = socket.create_connection(("127.0.0.1", dovecot.port))
    f = sock.makefile("rb")
    f.readline()

    def command(tag, text):
        sock.sendall(f"{tag} {text}\r\n".encode())
        count = 0
        while True:
            line = f.readline()
            if not line:
                sys.exit("bulk fetch: the server closed the connection")
            if line.startswith(tag.encode() + b" "):
                if not line.startswith(tag.encode() + b" OK"):
                    sys.exit(f"bulk fetch: {line!r}")
                return count
            if line.endswith(b"}\r\n"):
                f.read(int(line[line.rindex(b"{") + 1:-3]))
                count += 1
    try:
        command("a", f"LOGIN {dovecot.user} {dovecot.password}")
        command("b", "SELECT INBOX")
        start = time.monotonic()
        got = command("c", "UID FETCH 1:* (BODY.PEEK[])")
        return time.monotonic() - start, got
    finally:
        sock.close()


def reference(tmp, n, size):
    dovecot = mailbox(tmp, f"ref-{n}")
    sink = None
    try:
        root = os.path.join(tmp, f"ref-{n}")
        os.makedirs(root)
        # the connection and login are outside the figure, as in mentord's
        # they are inside: the reference is the bare transport
        t_fetch, got = bulk_fetch(dovecot)
        if got != COUNT:
            sys.exit(f"bulk fetch: {got} of {COUNT} messages")
        sink = SmtpSink(root, dump=False)
        start = time.monotonic()
        r = subprocess.run([SMTP_SOURCE, "-d", "-s", "1", "-m", str(COUNT), "-l", str(size),
                            "-f", "mentoring@example.org", "-t", "applicant@example.com",
                            f"127.0.0.1:{sink.port}"], capture_output=True, text=True)
        t_send = time.monotonic() - start
        if r.returncode != 0:
            sys.exit(f"smtp-source: exit {r.returncode}\n{r.stderr}")
        return t_fetch, t_send
    finally:
        if sink is not None:
            sink.close()
        dovecot.stop()


def main():
    mentord = mentord_binary()
    if not os.path.exists(SMTP_SOURCE):
        sys.exit(f"{SMTP_SOURCE} is not installed (apt-get install postfix)")
    tmp = tempfile.mkdtemp(prefix="mentord-bench-ingest-")
    os.chmod(tmp, 0o755)
    runs, refs = [], []
    try:
        for n in range(REPEATS):
            runs.append(ours(mentord, tmp, n))
            refs.append(reference(tmp, n, runs[-1][1]))
    except ServerError as e:
        sys.exit(f"ingest: cannot start a server: {e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    best_run = min(runs, key=lambda r: r[0])
    best = best_run[0]
    best_ref = min(f + s for f, s in refs)
    fetch, send = min(refs, key=lambda x: x[0] + x[1])
    ratio = best / best_ref
    print(f"ingest: {COUNT} applications, answers of {runs[0][1]} bytes")
    print(f"ingest: mentord once              {best:7.3f} s  {COUNT / best:7.0f} msg/s  "
          f"(runs: {', '.join(f'{r[0]:.3f}' for r in runs)})")
    print(f"ingest: bulk UID FETCH + smtp-source {best_ref:7.3f} s  "
          f"(UID FETCH {fetch:.3f} s, smtp-source {send:.3f} s)")
    print(f"ingest: durability: {best_run[2]} disk sync(s) (fdatasync of the WAL before the flags"
          f" and before sending) took {best_run[3]:.3f} s, {best_run[3] / best * 100:.1f}% of the run;"
          f" without them the ratio would be {(best - best_run[3]) / best_ref:.2f}")
    print(f"ingest: ratio mentord / bare transport = {ratio:.2f}")
    return verdict("ingest", ratio <= TARGET, f"at most {TARGET} times one bulk UID FETCH + smtp-source")


if __name__ == "__main__":
    sys.exit(main())
