#!/usr/bin/python3
"""Re-reads messages mentord wrote with an independent parser.

Usage: check_strict.py DIR|FILE...

Every *.eml file (of DIR, or each FILE) is parsed by Python's email package
with the strict policy (any defect raises); then the checks of DESIGN.md
section 3.5: the headers every outgoing message carries, UTF-8 text parts
(and a PDF, the one binary part, as a base64 attachment),
lines of at most 78 characters before CRLF (RFC 5322 2.1.1) and nothing
left of a template's placeholders in the decoded text. One line per problem
on stdout; exit status 0 when every file passes, 1 when one does not, 2 on
a usage error.
"""

import email
import email.policy
import email.utils
import os
import re
import sys

REQUIRED = ("Date", "Message-ID", "From", "To", "Subject", "MIME-Version",
            "Auto-Submitted", "X-Mentord-Kind")
LINE_MAX = 78


def check_lines(data, problems):
    """Every line ends in CRLF and holds at most LINE_MAX characters."""
    if not data.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    lines = data.split(b"\r\n")
    for n, line in enumerate(lines[:-1], 1):
        if b"\n" in line or b"\r" in line:
            problems.append("line %d: bare CR or LF" % n)
        if len(line) > LINE_MAX:
            problems.append("line %d: %d characters" % (n, len(line)))
    head = data.split(b"\r\n\r\n", 1)[0]
    if any(b >= 0x80 for b in head):
        problems.append("8-bit byte in the header")


def check_headers(msg, problems):
    for name in REQUIRED:
        if msg.get(name) is None:
            problems.append("no %s header" % name)
    for name in ("Date", "Message-ID", "From", "To", "Subject", "MIME-Version",
                 "Content-Type"):
        if len(msg.get_all(name, [])) > 1:
            problems.append("more than one %s header" % name)
    for name, value in msg.items():
        for defect in getattr(value, "defects", ()):
            problems.append("%s header: %s" % (name, defect.__class__.__name__))
        if "=?" in str(value):
            problems.append("%s header: an encoded word was not decoded: %r" % (name, str(value)))
    if msg.get("Date") is not None and msg["Date"].datetime is None:
        problems.append("Date does not parse")
    mid = str(msg.get("Message-ID", ""))
    if not re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", mid):
        problems.append("Message-ID is not <left@right>: %r" % mid)
    for name in ("From", "To", "Cc", "Reply-To"):
        for _, addr in email.utils.getaddresses([str(v) for v in msg.get_all(name, [])]):
            if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", addr):
                problems.append("%s: unusable address %r" % (name, addr))
    if str(msg.get("MIME-Version", "")).strip() != "1.0":
        problems.append("MIME-Version is not 1.0")
    if str(msg.get("Auto-Submitted", "")) not in ("auto-replied", "auto-generated"):
        problems.append("Auto-Submitted is %r" % str(msg.get("Auto-Submitted")))
    if not re.fullmatch(r"[a-z][a-z-]*", str(msg.get("X-Mentord-Kind", ""))):
        problems.append("X-Mentord-Kind is %r" % str(msg.get("X-Mentord-Kind")))


def check_parts(msg, problems):
    texts = 0
    for part in msg.walk():
        for defect in part.defects:
            problems.append("part %s: %s" % (part.get_content_type(),
                                             defect.__class__.__name__))
        if part.is_multipart():
            continue
        if part.get_content_type() == "application/pdf":
            # a report's charts: a file in base64 that is a PDF
            if part.get_content_disposition() != "attachment" or \
                    part.get("Content-Transfer-Encoding", "").lower() != "base64" or \
                    not part.get_content().startswith(b"%PDF-"):
                problems.append("part application/pdf: not a PDF file in base64")
            continue
        if part.get_content_maintype() != "text":
            problems.append("non-text part %s" % part.get_content_type())
            continue
        charset = part.get_content_charset()
        if charset is None or charset.lower() != "utf-8":
            problems.append("part %s: charset %r, not utf-8" % (part.get_content_type(), charset))
        text = part.get_content()
        if "{{" in text:
            problems.append("part %s: a placeholder was left: %r"
                            % (part.get_content_type(), text[text.index("{{"):][:40]))
        if part.get_content_type() == "text/plain":
            texts += 1
    if texts == 0:
        problems.append("no text/plain part")
    if "{{" in str(msg.get("Subject", "")):
        problems.append("a placeholder was left in the Subject")


def check_file(path):
    problems = []
    with open(path, "rb") as f:
        data = f.read()
    check_lines(data, problems)
    try:
        msg = email.message_from_bytes(data, policy=email.policy.strict)
        for defect in msg.defects:
            problems.append("message: %s" % defect.__class__.__name__)
        check_headers(msg, problems)
        check_parts(msg, problems)
    except Exception as e:  # the strict policy raises on any defect
        problems.append("parse error: %s: %s" % (e.__class__.__name__, e))
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    paths = []
    for arg in argv[1:]:
        if os.path.isdir(arg):
            paths += sorted(os.path.join(arg, n) for n in os.listdir(arg) if n.endswith(".eml"))
        else:
            paths.append(arg)
    if not paths:
        print("check_strict: no .eml file given", file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        problems = check_file(path)
        for p in problems:
            print("%s: %s" % (path, p))
        failed += bool(problems)
    print("check_strict: %d of %d messages pass" % (len(paths) - failed, len(paths)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
