#!/usr/bin/python3
"""Runs the benchmarks: every tests/bench/bench_*.py, or the one named.

    MENTORD=build/mentord /usr/bin/python3 tests/bench/run.py [NAME]

NAME is e.g. send, bench_send or bench_send.py. Each benchmark runs as a
subprocess with MENTORD (absolute), MENTORD_SOURCE (the repository root) and
BUILD_DIR (build/bench under the root, a folder it may use); its output is
printed as it comes. The exit status is 1 if any benchmark exits non-zero
(a MISS, or a failure to measure).
"""
import glob
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
PYTHON = "/usr/bin/python3"


def select(name):
    every = sorted(glob.glob(os.path.join(HERE, "bench_*.py")))
    if name is None:
        return every
    stem = os.path.basename(name)
    stem = stem[:-3] if stem.endswith(".py") else stem
    stem = stem if stem.startswith("bench_") else "bench_" + stem
    chosen = [p for p in every if os.path.basename(p) == stem + ".py"]
    if not chosen:
        names = ", ".join(os.path.basename(p)[6:-3] for p in every)
        sys.exit(f"no benchmark {name}; there are: {names}")
    return chosen


def main():
    if len(sys.argv) > 2:
        sys.exit("usage: run.py [NAME]")
    mentord = os.environ.get("MENTORD")
    if not mentord:
        sys.exit("MENTORD must name the mentord binary to measure")
    env = dict(os.environ)
    env["MENTORD"] = os.path.abspath(mentord)
    env["MENTORD_SOURCE"] = SOURCE
    env["BUILD_DIR"] = os.path.join(SOURCE, "build", "bench")
    os.makedirs(env["BUILD_DIR"], exist_ok=True)
    results = []
    for path in select(sys.argv[1] if len(sys.argv) > 1 else None):
        name = os.path.basename(path)
        print(f"== {name}", flush=True)
        start = time.monotonic()
        rc = subprocess.run([PYTHON, path], env=env, cwd=SOURCE).returncode
        results.append((name, rc, time.monotonic() - start))
        print(flush=True)
    print("benchmarks:")
    for name, rc, seconds in results:
        status = "ok" if rc == 0 else f"exit {rc}"
        print(f"  {name:24} {status:8} ({seconds:.0f} s)")
    sys.exit(0 if all(rc == 0 for _, rc, _ in results) else 1)


if __name__ == "__main__":
    main()
