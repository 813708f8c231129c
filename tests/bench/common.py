"""Shared pieces of the benchmarks (DESIGN.md section 9).

Environment (run.py sets all three):
  MENTORD         the mentord binary under test
  MENTORD_SOURCE  the repository root (templates, harness)
  BUILD_DIR       a build folder the benchmark may use

Every benchmark prints its own figure beside a reference measured in the
same run on the same machine, the ratio, and PASS or MISS against its
target; it exits 1 on MISS. Absolute times on shared machines are noise.
"""
import itertools
import os
import collections
import statistics
import subprocess
import sys
import threading
import time
from email.utils import formatdate

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get("MENTORD_SOURCE") or os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "harness"))

CLK_TCK = os.sysconf("SC_CLK_TCK")
_seq = itertools.count(1)


def help_request(sender, subject="help"):
    """A help request as a mail client would write it (bytes, CRLF)."""
    n = next(_seq)
    domain = sender.rsplit("@", 1)[-1].strip(">")
    lines = [f"From: {sender}", "To: mentoring@example.org", f"Subject: {subject}",
             f"Date: {formatdate(localtime=False)}",
             f"Message-ID: <bench.{os.getpid()}.{n}.{time.time_ns()}@{domain}>",
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
             "Content-Transfer-Encoding: 8bit", "", "Hello, how do I apply?", ""]
    return "\r\n".join(lines).encode()


def mentord_binary():
    path = os.environ.get("MENTORD")
    if not path:
        sys.exit("MENTORD must name the mentord binary to measure")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        sys.exit(f"MENTORD={path} is not an executable")
    return path


def build_dir():
    d = os.environ.get("BUILD_DIR") or os.path.join(SOURCE, "build", "bench")
    os.makedirs(d, exist_ok=True)
    return d


def run_mentord(mentord, config, *args, now=None, check=True, timeout=3600):
    """Runs mentord once; returns (CompletedProcess, wall seconds)."""
    cmd = [mentord, "-c", config]
    if now:
        cmd += ["--now", now]
    cmd += list(args)
    start = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - start
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr[-3000:]}")
    return r, elapsed


class Drain:
    """Reads a process's stdout and stderr as they come, keeping the last
    lines: a daemon that logs into a pipe nobody reads stops at 64 KB."""

    def __init__(self, proc, keep=200):
        self.tail = collections.deque(maxlen=keep)
        self.threads = [threading.Thread(target=self._read, args=(f,), daemon=True)
                        for f in (proc.stdout, proc.stderr) if f is not None]
        for t in self.threads:
            t.start()

    def _read(self, f):
        for line in f:
            self.tail.append(line)

    def text(self):
        return "".join(self.tail)


def stop(proc):
    """Kills a process still running and closes its pipes (the clean-up
    after a benchmark, whatever happened)."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    proc.stdout.close()
    proc.stderr.close()


def proc_status(pid):
    """VmRSS, VmHWM and the like from /proc/PID/status, in kB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                out[key] = int(value.split()[0])
    return out


def proc_cpu_seconds(pid):
    """utime + stime of the process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    # the command name may hold spaces: fields start after its ")"
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_runtime_ns(pid):
    """CPU time actually run, in ns (/proc/PID/schedstat), finer than ticks."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def percentile(values, p):
    """Nearest-rank percentile of a list (p in 0..100)."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def median(values):
    return statistics.median(values) if values else float("nan")


def verdict(name, ok, target):
    """The last line of a benchmark; returns its exit status."""
    print(f"{name}: {'PASS' if ok else 'MISS'} (target: {target})")
    return 0 if ok else 1
