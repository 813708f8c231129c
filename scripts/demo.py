"""make demo: a short programme played through the real daemon.

Starts a private Dovecot and an SMTP recorder on loopback, delivers a few
messages as applicants and the committee would write them, runs
`mentord once` after each step, prints every message the robot sent, and
stops the servers again. State is kept in spool/demo/ for a look afterwards.
"""
import argparse
import email.policy
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "harness"))

from servers import Dovecot, Recorder, ServerError, mentord_config  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
from common import mail  # noqa: E402

STEPS = [
    ("Alice asks for help, in English", [
        mail("Alice Martin <alice.martin@example.org>", "help"),
    ], []),
    ("Bruno asks in French, and a colleague writes to the committee", [
        mail("Bruno Durand <bruno.durand@example.org>", "Aide"),
        mail("Carol White <carol.white@example.org>", "Question about dates",
             "Hello, when does the next edition start?\nCarol"),
    ], []),
    ("An out-of-office reply arrives: it is never answered", [
        mail("Dan Brown <dan.brown@example.org>", "Out of Office: help",
             "I am away until Monday.", headers={"Auto-Submitted": "auto-replied"}),
    ], []),
]


def show(msg):
    print(f"  From:    {msg['From']}")
    print(f"  To:      {msg['To']}")
    print(f"  Subject: {msg['Subject']}")
    print(f"  Kind:    {msg['X-Mentord-Kind']}")
    body = msg.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    lines = text.strip().splitlines()
    for line in lines[:12]:
        print("  | " + line)
    if len(lines) > 12:
        print(f"  | ... ({len(lines) - 12} more lines)")
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentord", required=True)
    args = ap.parse_args()
    root = os.path.join(REPO, "spool", "demo")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    # Dovecot's own unprivileged processes must reach its folder: a
    # checkout under a private home would not do, /tmp does
    servers = tempfile.mkdtemp(prefix="mentord-demo-")
    dovecot = smtp = None
    try:
        dovecot = Dovecot(servers)
        smtp = Recorder()
        config = mentord_config(root, dovecot.port, smtp.port, REPO)
        print(f"Dovecot on 127.0.0.1:{dovecot.port}, SMTP recorder on 127.0.0.1:{smtp.port}")
        print(f"configuration: {config}\n")
        seen = 0
        for title, messages, commands in STEPS:
            print(f"== {title}")
            for m in messages:
                dovecot.deliver(m)
            for argv in commands:
                subprocess.run([args.mentord, "-c", config] + argv, check=True)
            r = subprocess.run([args.mentord, "-c", config, "once"], capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stderr)
                sys.exit(f"mentord once failed with status {r.returncode}")
            sent = smtp.sent()[seen:]
            seen += len(sent)
            if not sent:
                print("  (nothing sent)\n")
            for _, _, data in sent:
                show(email.message_from_bytes(data, policy=email.policy.default))
        r = subprocess.run([args.mentord, "-c", config, "status"], capture_output=True, text=True)
        print("== mentord status")
        print(textwrap.indent(r.stdout, "  "))
        print(f"The demo's database and spool are in {root}.")
    except ServerError as e:
        sys.exit(f"demo: {e}")
    finally:
        if smtp is not None:
            smtp.close()
        if dovecot is not None:
            dovecot.stop()
        shutil.rmtree(servers, ignore_errors=True)


if __name__ == "__main__":
    main()
