#!/usr/bin/python3
"""Footprint benchmark (DESIGN.md section 9): `mentord run` after 10,000
messages processed, then idle. 10,000 help requests (distinct senders, so no
daily cap applies) are delivered as Maildir files before the daemon starts;
once all are answered (every outbound row sent, counted in the database) and
every inbound row is flagged, the daemon is left alone.

Figures from /proc/PID/smaps_rollup (Private_Dirty: the pages the daemon
wrote, its heap and the relocated parts of its libraries, what it really
costs the machine; Private_Clean: library pages that no other process maps
at this moment, which the kernel can drop and read again; Pss, its fair
share of the shared ones), /proc/PID/status (VmRSS now, VmHWM
the peak since start, which count every shared library page in full) and
/proc/PID/stat (utime + stime) over IDLE_SECONDS of idle, with the context
switches in the same window (how often it woke up).
Target: private dirty memory at most 4 MB idle; no CPU time spent and no context
switch (no wakeup) while idle: with IDLE the daemon wakes only for the
server, the next job due or a signal. VmRSS is printed beside it, with the
floor `mentord --version` alone reaches. There is no reference run: these
are absolute figures.

Environment: FOOTPRINT_BENCH_COUNT (10000), FOOTPRINT_IDLE_SECONDS (10).
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time

from common import (SOURCE, Drain, help_request, mentord_binary, proc_cpu_seconds,
                    proc_runtime_ns, proc_status, stop, verdict)

from servers import Env, ServerError, SmtpSink
from smtp_extra import wait_until

COUNT = int(os.environ.get("FOOTPRINT_BENCH_COUNT", "10000"))
IDLE_SECONDS = float(os.environ.get("FOOTPRINT_IDLE_SECONDS", "10"))
PRIVATE_TARGET_KB = 4 * 1024


def smaps_rollup(pid):
    """Private_Dirty, Private_Clean, Pss and the like, in kB."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            fields = line.split()
            if len(fields) == 3 and fields[2] == "kB":
                out[fields[0].rstrip(":")] = int(fields[1])
    return out


def progress(env):
    """(outbound rows sent, inbound rows not yet flagged)."""
    path = os.path.join(env.root, "state", "mentord.db")
    if not os.path.exists(path):
        return 0, COUNT
    db = sqlite3.connect(path, timeout=10)
    try:
        sent = db.execute("SELECT count(*) FROM outbound WHERE status = 'sent'").fetchone()[0]
        unflagged = db.execute("SELECT count(*) FROM inbound"
                               " WHERE needs_flag = 1 AND flagged = 0").fetchone()[0]
        inbound = db.execute("SELECT count(*) FROM inbound").fetchone()[0]
        return sent, unflagged + (COUNT - inbound)
    except sqlite3.OperationalError:
        return 0, COUNT       # the schema is being made
    finally:
        db.close()


def switches(pid):
    s = proc_status_raw(pid)
    return s.get("voluntary_ctxt_switches", 0) + s.get("nonvoluntary_ctxt_switches", 0)


def proc_status_raw(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if value.strip().isdigit():
                out[key] = int(value)
    return out


def largest_mappings(pid, n=int(os.environ.get("FOOTPRINT_MAPPINGS", "8"))):
    """The n files (or [heap], [anon]) holding the most resident memory."""
    rss, name = {}, "[anon]"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and ":" not in fields[0]:
                name = os.path.basename(fields[5]) if len(fields) > 5 else "[anon]"
            elif fields[0] == "Rss:":
                rss[name] = rss.get(name, 0) + int(fields[1])
    top = sorted(rss.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{k} {v / 1024:.1f}" for k, v in top)


def floor_kb(mentord):
    """Peak RSS of `mentord --version`: the shared libraries alone."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M", mentord, "--version"],
                       capture_output=True, text=True)
    return int(r.stderr.strip().splitlines()[-1])


def main():
    mentord = mentord_binary()
    env = proc = None
    try:
        # the shipped poll interval (60 s), not the tests' 5 s; 10,000
        # newcomers at once, past the hourly limit of answers to them
        env = Env(mentord, SOURCE, "imap.poll_seconds =\nprogramme.max_unproven_per_hour = 100000",
                  smtp=lambda root: SmtpSink(root, dump=False))
        start = time.monotonic()
        for i in range(COUNT):
            env.dovecot.deliver(help_request(f"Applicant {i} <applicant{i}@example.com>"))
        print(f"footprint: {COUNT} help requests delivered in {time.monotonic() - start:.1f} s")
        start = time.monotonic()
        proc = env.spawn("run")
        drain = Drain(proc)
        done = wait_until(lambda: progress(env) == (COUNT, 0) or proc.poll() is not None, 1800)
        if not done or proc.poll() is not None:
            sent, left = progress(env)
            sys.exit(f"footprint: after {time.monotonic() - start:.0f} s, {sent} of {COUNT} answered,"
                     f" {left} not flagged; mentord: {proc.poll()}\n{drain.text()[-3000:]}")
        busy = time.monotonic() - start
        print(f"footprint: all {COUNT} processed and answered by `mentord run` in {busy:.1f} s")
        time.sleep(2)   # the cycle that committed the last one ends
        before = proc_status(proc.pid)
        mappings = largest_mappings(proc.pid)
        cpu0, sw0 = proc_cpu_seconds(proc.pid), switches(proc.pid)
        ns0 = proc_runtime_ns(proc.pid)
        time.sleep(IDLE_SECONDS)
        after = proc_status(proc.pid)
        rollup = smaps_rollup(proc.pid)
        cpu1, sw1 = proc_cpu_seconds(proc.pid), switches(proc.pid)
        ns1 = proc_runtime_ns(proc.pid)
        proc.send_signal(signal.SIGTERM)
        if proc.wait(10) != 0:
            sys.exit(f"footprint: mentord run exited with {proc.returncode}\n{drain.text()[-3000:]}")
    except ServerError as e:
        sys.exit(f"footprint: cannot start a server: {e}")
    finally:
        stop(proc)
        if env is not None:
            env.close()
    rss, hwm = after["VmRSS"], after["VmHWM"]
    private = rollup["Private_Dirty"]
    floor = floor_kb(mentord)
    cpu = cpu1 - cpu0
    print(f"footprint: private memory {private / 1024:.1f} MB idle (Private_Dirty; target at most"
          f" {PRIVATE_TARGET_KB / 1024:.0f} MB); besides: Private_Clean"
          f" {rollup['Private_Clean'] / 1024:.1f} MB (library pages no other process maps now),"
          f" Pss {rollup['Pss'] / 1024:.1f} MB")
    print(f"footprint: VmRSS {rss / 1024:.1f} MB idle (was {before['VmRSS'] / 1024:.1f} MB"
          f" {IDLE_SECONDS:.0f} s before), VmHWM {hwm / 1024:.1f} MB (peak since start)")
    print(f"footprint: of VmRSS: RssAnon {after['RssAnon'] / 1024:.1f} MB (the process's own),"
          f" RssFile {after['RssFile'] / 1024:.1f} MB (program and shared libraries);"
          f" `mentord --version` alone peaks at {floor / 1024:.1f} MB")
    print(f"footprint: largest resident mappings (MB): {mappings}")
    print(f"footprint: CPU while idle {cpu:.2f} s over {IDLE_SECONDS:.0f} s"
          f" (utime+stime, {1 / os.sysconf('SC_CLK_TCK') * 1000:.0f} ms ticks);"
          f" {(ns1 - ns0) / 1e6:.2f} ms run (schedstat); {sw1 - sw0} context switches")
    wakeups = sw1 - sw0
    print(f"footprint: wakeups while idle: {wakeups} in {IDLE_SECONDS:.0f} s (target 0: the daemon"
          " waits in one IDLE for the server, the next job or a signal)")
    ok = private <= PRIVATE_TARGET_KB and cpu == 0 and wakeups == 0
    return verdict("footprint", ok, "private dirty memory at most 4 MB idle; no CPU and no wakeup while idle")


if __name__ == "__main__":
    sys.exit(main())
