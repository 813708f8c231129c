"""make demo: a short programme played through the real daemon.

Starts a private Dovecot and an SMTP recorder on loopback, plays a short
programme as applicants and the committee would write it (help, applications
in English and French, confirmations by reply, match, approve, a training
invitation, a check-in), runs `mentord once` after each step, prints what
the robot sent, and stops the servers again. The robot's state stays in
spool/demo/ for a look afterwards.
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
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from servers import Dovecot, Recorder, ServerError, mentord_config  # noqa: E402
from common import DKIM_OK, form, mail, reply  # noqa: E402

DAY0 = "2026-03-02T09:00"


class Demo:
    def __init__(self, mentord, dovecot, smtp, config):
        self.mentord = mentord
        self.dovecot = dovecot
        self.smtp = smtp
        self.config = config
        self.seen = 0

    def run(self, *args, now=DAY0):
        r = subprocess.run([self.mentord, "-c", self.config, "--now", now] + list(args),
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout + r.stderr)
            sys.exit(f"mentord {' '.join(args)} failed with status {r.returncode}")
        return r.stdout

    def step(self, title, messages=(), now=DAY0, show_body=True):
        print(f"\n== {title}")
        for m in messages:
            self.dovecot.deliver(m)
        self.run("once", now=now)
        sent = self.smtp.sent()[self.seen:]
        self.seen += len(sent)
        if not sent:
            print("   (nothing sent)")
        for _, rcpts, data in sent:
            msg = email.message_from_bytes(data, policy=email.policy.default)
            print(f"   -> {', '.join(rcpts)}: [{msg['X-Mentord-Kind']}] {msg['Subject']}")
            if show_body:
                body = msg.get_body(("plain",)).get_content().strip().splitlines()
                for line in body[:8]:
                    print("      | " + line)
                if len(body) > 8:
                    print(f"      | ... ({len(body) - 8} more lines)")
                if any(p.get_content_type() == "text/calendar" for p in msg.walk()):
                    print("      + a text/calendar invitation (Accept / Decline buttons)")
        return [email.message_from_bytes(d, policy=email.policy.default) for _, _, d in sent]

    def latest(self, kind, to):
        for _, rcpts, data in reversed(self.smtp.sent()):
            msg = email.message_from_bytes(data, policy=email.policy.default)
            if msg["X-Mentord-Kind"] == kind and to in rcpts:
                return msg
        sys.exit(f"demo: no {kind} message to {to}")


def play(d):
    d.step("Alice asks for help", [mail("Alice Martin <alice@example.org>", "help")], show_body=False)
    print("\n== The committee opens the cohort on the server")
    print(textwrap.indent(d.run("cohort", "open", "2026"), "   "))
    people = [
        ("alice@example.org", "Alice Martin", "mentor", "IT", "Software, Security", "en"),
        ("bruno@example.org", "Bruno Durand", "mentor", "Physique", "Accélérateurs", "fr"),
        ("chloe@example.org", "Chloé Petit", "mentee", "physique", "accelerateurs", "fr"),
        ("dan@example.org", "Dan Brown", "mentee", "it", "software", "en"),
    ]
    # Alice replies to the help text with her form, as it asks: one message
    # is all an address gets until it shows that it is who it claims
    help_text = d.latest("help", "alice@example.org")
    d.step("Four people apply, in English and French (Alice by replying to the help text)", [
        reply(help_text, a, form(r, n, dep, f, l)) if a == "alice@example.org" else
        mail(f"{n} <{a}>", "apply" if l == "en" else "candidature", form(r, n, dep, f, l))
        for a, n, r, dep, f, l in people], show_body=False)
    d.step("Each confirms by replying", [
        reply(d.latest("confirm-request", a), a, "Yes, I confirm." if l == "en" else "Oui, je confirme.",
              "outlook" if l == "en" else "gmail-fr") for a, n, r, dep, f, l in people], show_body=False)
    d.step("The chair asks for a proposal", [mail("chair@example.org", "match", headers=DKIM_OK)])
    proposal = d.latest("proposal", "chair@example.org")
    d.step("The chair approves by replying to the proposal",
           [reply(proposal, "chair@example.org", "approve all", "outlook", extra_headers=DKIM_OK)])
    d.step("A training session is announced", [
        mail("chair@example.org", "training 2026-03-20 14:00 90m Room 40-S2-A01, Mentoring basics",
             headers=DKIM_OK)], show_body=False)
    d.step("Two weeks later, the first check-in", now="2026-03-16T09:00", show_body=False)


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
        config = mentord_config(root, dovecot.port, smtp.port, REPO,
                                "committee.authserv_id = mx.example.org")
        print(f"Dovecot on 127.0.0.1:{dovecot.port}, SMTP recorder on 127.0.0.1:{smtp.port}")
        print(f"configuration: {config}")
        d = Demo(args.mentord, dovecot, smtp, config)
        play(d)
        print("\n== mentord status")
        print(textwrap.indent(d.run("status", now="2026-03-16T10:00"), "   "))
        print(f"{len(smtp.sent())} messages sent in all. The robot's database and spool are in {root}.")
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
