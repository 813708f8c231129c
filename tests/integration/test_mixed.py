"""Two hundred mixed messages through Dovecot: bounces, automatic replies
and replies from many clients (the corpus), commands, forms and human mail.
Each is recorded in the class it belongs to; human mail stays unread and
unflagged in the mailbox; nothing is answered that should not be."""
import collections
import email
import email.utils
import os

from common import DKIM_OK, REPO, MentordTest, form, mail, delivered

CORPUS = os.path.join(REPO, "tests", "corpus")
# the corpus's documented negatives, and what they are
EXCEPTIONS = {
    "is-not-bounce-01.eml": "human", "is-not-bounce-02.eml": "human",
    "rb-issue-368-bug.eml": "bounce", "non-autoreply.msg": "bounce",
    "lhost-apachejames-01.eml": "human", "lhost-fml-02.eml": "human",
}


def message_id(raw):
    import email
    return email.message_from_bytes(raw).get("Message-ID")


def corpus(category, limit, seen):
    """Samples of a category; a Message-ID seen before is the same message
    for the robot (DESIGN.md section 6), so copies are left out."""
    out = []
    for source in sorted(os.listdir(CORPUS)):
        d = os.path.join(CORPUS, source, category)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".html") or name.startswith("LICENSE"):
                continue
            with open(os.path.join(d, name), "rb") as f:
                raw = f.read()
            mid = message_id(raw)
            if mid is not None and mid in seen:
                continue
            seen.add(mid)
            out.append((name, raw))
    return out[:limit]


class Mixed(MentordTest):
    # 40 answers to newcomers at once: more than max_unproven_per_hour
    extra_config = "committee.authserv_id = mx.example.org\nprogramme.max_unproven_per_hour = 1000"

    def test_two_hundred(self):
        env = self.env
        env.run("cohort", "open", "2026")
        expected = []
        batch = []
        seen = set()
        for name, raw in corpus("bounces", 70, seen):
            batch.append(raw)
            expected.append(EXCEPTIONS.get(name, "bounce"))
        for name, raw in corpus("autoreplies", 20, seen):
            batch.append(raw)
            expected.append(EXCEPTIONS.get(name, "autoreply"))
        for name, raw in corpus("replies", 30, seen):
            if not raw.lstrip().lower().startswith((b"from", b"return-path", b"received", b"delivered",
                                                    b"mime", b"message-id", b"date", b"x-", b"to:",
                                                    b"subject", b"content")):
                continue
            batch.append(raw)
            expected.append("human")
        for i in range(20):
            batch.append(mail(f"asker{i}@example.com", "help" if i % 2 else "Aide"))
            expected.append("command")
        for i in range(20):
            batch.append(mail(f"person{i}@example.com", "apply",
                              form("mentee", f"Person {i}", "IT", "software")))
            expected.append("command")
        for i in range(10):
            batch.append(mail("chair@example.org", "status", headers=DKIM_OK))
            expected.append("command")
        while len(batch) < 200:
            i = len(batch)
            batch.append(mail(f"colleague{i}@example.com", f"Question {i} about the programme",
                              "Hello, could you tell me more?"))
            expected.append("human")
        for raw in batch:
            env.dovecot.deliver(raw)
        r = self.once(expect=None)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        db = env.db()
        rows = db.execute("SELECT uid, class, outcome, flagged FROM inbound ORDER BY uid").fetchall()
        db.close()
        self.assertEqual(len(rows), 200)
        wrong = [(i, exp, row[1], row[2]) for i, (exp, row) in enumerate(zip(expected, rows))
                 if row[1] != exp and not (exp == "command" and row[1] == "command")]
        self.assertEqual(wrong, [], f"{len(wrong)} of 200 in another class")
        # answers only to those who asked: help x20, confirm-request x20,
        # command-result x10; and a note that a person will read it to each
        # human message that starts a conversation (not to a reply in a
        # thread the robot never saw)
        kinds = {}
        for _, rcpts, msg in delivered(env):
            kinds[msg["X-Mentord-Kind"]] = kinds.get(msg["X-Mentord-Kind"], 0) + 1
        # (an address that has not proven itself gets one answer to each of
        # its messages, max_answers_per_unproven_address = 3 a day at most)
        per_sender = collections.Counter(
            email.utils.parseaddr(email.message_from_bytes(raw)["From"])[1].lower()
            for raw, exp in zip(batch, expected) if exp == "human" and not
            any(email.message_from_bytes(raw).get(h) for h in ("In-Reply-To", "References")))
        fresh = sum(min(n, 3) for n in per_sender.values())
        self.assertEqual(kinds, {"help": 20, "confirm-request": 20, "command-result": 10,
                                 "passed-on": fresh})
        # human mail is untouched: not seen, not flagged; the rest flagged
        imap = env.dovecot.imap()
        imap.select("INBOX", readonly=True)
        typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        imap.logout()
        flags = {}
        for item in data:
            text = item.decode() if isinstance(item, bytes) else item[0].decode()
            uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
            flags[uid] = text
        for uid, cls, outcome, flagged in rows:
            self.assertNotIn("\\Seen", flags[uid])
            if cls == "human":
                self.assertNotIn("$MentordDone", flags[uid], outcome)
                self.assertEqual(flagged, 0)
            elif cls != "quarantined":
                self.assertIn("$MentordDone", flags[uid], outcome)
