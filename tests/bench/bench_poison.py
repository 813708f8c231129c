#!/usr/bin/python3
"""Poison-message benchmark: the peak memory of `mentord once` handling one
message of many inline text parts (the shape Apple Mail writes around
pictures), beside the peak for the same bytes in one part, in the same run.

Shapes: 490 parts of 4 KB (about 2 MB, its text within TEXT_BYTES_MAX, so
it is handled) and 499 parts of 20 KB (about 10 MB, just under the message
limit, its text over TEXT_BYTES_MAX, so it is quarantined). Each run also
answers a help request queued behind the big message: the robot must go
on. The peak resident set is the kernel's (getrusage of the finished
process, in a helper process of its own so that runs do not mix).

Target: the peak for each shape at most 1.5 times its one-part reference
(memory linear in the message, whatever the number of parts), and the help
request answered every time.
"""
import os
import subprocess
import sys

from common import help_request, mentord_binary, verdict

from servers import Env, ServerError, SmtpSink

SHAPES = [(490, 4 * 1024), (499, 20 * 1024)]
TARGET_RATIO = 1.5
LINE = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc\r\n"

# Runs mentord and prints the peak resident set of it and its children, KB.
MEASURE = ("import resource, subprocess, sys\n"
           "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n")


def message(parts, size, one_part):
    head = (b"From: Poison <poison@example.net>\r\nTo: mentoring@example.org\r\n"
            b"Subject: pictures\r\nMessage-ID: <poison.%d.%d.%d@example.net>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            % (parts, size, one_part))
    body = LINE * (size // len(LINE))
    if one_part:
        chunks = [b"--b\r\nContent-Type: text/plain\r\n\r\n" + body * parts]
    else:
        chunks = [b"--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i + body
                  for i in range(parts)]
    return head + b"".join(chunks) + b"--b--\r\n"


def peak(mentord, parts, size, one_part):
    """(peak KB, help answered) for one fresh programme."""
    env = Env(mentord, os.environ.get("MENTORD_SOURCE", "."), smtp=SmtpSink)
    try:
        env.dovecot.deliver(message(parts, size, one_part))
        env.dovecot.deliver(help_request("after@example.net"))
        out = subprocess.run([sys.executable, "-c", MEASURE, mentord, "-c", env.config, "once"],
                             capture_output=True, text=True, check=True).stdout.split()
        db = env.db()
        answered = db.execute("SELECT count(*) FROM outbound WHERE kind = 'help'"
                              " AND envelope_to = 'after@example.net' AND status = 'sent'"
                              ).fetchone()[0] == 1
        db.close()
        return int(out[0]), answered
    finally:
        env.close()


def main():
    mentord = mentord_binary()
    ok = True
    try:
        for parts, size in SHAPES:
            many, answered = peak(mentord, parts, size, False)
            one, answered_ref = peak(mentord, parts, size, True)
            ratio = many / one
            print(f"{parts} parts of {size // 1024} KB: peak RSS {many / 1024:.1f} MB;"
                  f" the same bytes in one part {one / 1024:.1f} MB; ratio {ratio:.2f};"
                  f" help behind it answered: {'yes' if answered and answered_ref else 'NO'}")
            ok = ok and ratio <= TARGET_RATIO and answered and answered_ref
    except ServerError as e:
        print(f"poison: cannot measure: {e}")
        return 1
    return verdict("poison", ok, f"peak at most {TARGET_RATIO} times one part, the next message answered")


if __name__ == "__main__":
    sys.exit(main())
