"""The configuration's documentation against the parser, the man pages
against groff, the units against systemd-analyze.

The keys come from the parser's own table in src/core/config.c, read
afresh on every run: a key added there and not documented in
mentord.conf(5) and doc/mentord.conf.example fails here."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIG_C = os.path.join(REPO, "src", "core", "config.c")
MAN5 = os.path.join(REPO, "doc", "mentord.conf.5")
MAN8 = os.path.join(REPO, "doc", "mentord.8")
EXAMPLE = os.path.join(REPO, "doc", "mentord.conf.example")
UNITS = [os.path.join(REPO, "systemd", u) for u in ("mentord.service", "mentord@.service")]
# systemd-analyze's exposure, on its 0-100 scale: 15 is 1.5
EXPOSURE_MAX = 15


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parser_keys(source):
    """[(section, key, type, min, max)] of the keys[] table; min and max are
    None where they are not plain numbers."""
    m = re.search(r"static const struct key keys\[\] = \{(.*?)\n\};", source, re.S)
    if m is None:
        raise AssertionError("config.c: the keys[] table was not found")
    entries = [e for e in m.group(1).split("\n") if e.strip().startswith("{")]
    keys = []
    for e in entries:
        k = re.match(r'\s*\{\s*"(\w+)"\s*,\s*"(\w+)"\s*,\s*(\w+)\s*,\s*OFF\([^)]*\)\s*,'
                     r'\s*([^,]+?)\s*,\s*([^,}]+?)\s*\}', e)
        if k is None:
            raise AssertionError(f"config.c: an entry of keys[] not understood: {e.strip()}")
        lo, hi = (int(v) if re.fullmatch(r"-?\d+", v) else None for v in k.group(4, 5))
        keys.append((k.group(1), k.group(2), k.group(3), lo, hi))
    return keys


def man_entries(text):
    """{(section, key): entry text} of mentord.conf(5): .SH "[section]",
    then .TP / .B key / text."""
    entries, section, key = {}, None, None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        sh = re.match(r'^\.SH "?\[(\w+)\]"?$', line)
        if sh:
            section, key = sh.group(1), None
            continue
        if line.startswith(".SH"):
            section, key = None, None
            continue
        if line == ".TP" and section and i + 1 < len(lines):
            b = re.match(r"^\.B (\w+)$", lines[i + 1])
            if b:
                key = (section, b.group(1))
                if key in entries:
                    raise AssertionError(f"mentord.conf(5) describes [{key[0]}] {key[1]} twice")
                entries[key] = ""
                continue
        if key:
            entries[key] += line + "\n"
    return entries


def example_keys(text):
    """{(section, key)} in the example, set or commented out."""
    keys, section = set(), None
    for line in text.split("\n"):
        s = re.match(r"^\[(\w+)\]\s*$", line)
        if s:
            section = s.group(1)
            continue
        k = re.match(r"^#?\s*(\w+)\s*=", line)
        if k and section:
            keys.add((section, k.group(1)))
    return keys


def roff_text(s):
    """An entry's words without font escapes and with plain hyphens."""
    return re.sub(r"\\f[BIRP]", "", s).replace("\\-", "-")


class ConfigurationKeys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = parser_keys(read(CONFIG_C))

    def test_parser_table_is_read(self):
        # the table as it stands holds more than forty keys; far fewer means
        # this reader lost track of it, not that the keys went away
        self.assertGreater(len(self.keys), 40)
        self.assertIn(("imap", "host"), {(s, k) for s, k, *_ in self.keys})

    def test_every_key_is_in_the_man_page(self):
        entries = man_entries(read(MAN5))
        missing = [f"[{s}] {k}" for s, k, *_ in self.keys if (s, k) not in entries]
        self.assertEqual(missing, [], "keys the parser knows that mentord.conf(5) does not describe")

    def test_the_man_page_has_no_key_the_parser_does_not_know(self):
        known = {(s, k) for s, k, *_ in self.keys}
        extra = [f"[{s}] {k}" for s, k in man_entries(read(MAN5)) if (s, k) not in known]
        self.assertEqual(extra, [], "mentord.conf(5) describes keys the parser does not know")

    def test_every_entry_gives_its_default_and_range(self):
        entries = man_entries(read(MAN5))
        for s, k, kind, lo, hi in self.keys:
            text = roff_text(entries.get((s, k), ""))
            with self.subTest(key=f"[{s}] {k}"):
                self.assertRegex(text, r"(Default|default|Required|required)",
                                 "neither a default nor required")
                if kind in ("K_LONG", "K_DOUBLE") and lo is not None and hi is not None:
                    self.assertIn(f"from {lo} to {hi}", text, "the range differs from config.c")

    def test_every_key_is_in_the_example(self):
        have = example_keys(read(EXAMPLE))
        missing = [f"[{s}] {k}" for s, k, *_ in self.keys if (s, k) not in have]
        self.assertEqual(missing, [], "keys the parser knows that the example leaves out")

    def test_the_example_has_no_key_the_parser_does_not_know(self):
        known = {(s, k) for s, k, *_ in self.keys}
        extra = [f"[{s}] {k}" for s, k in example_keys(read(EXAMPLE)) if (s, k) not in known]
        self.assertEqual(extra, [])


class ManPages(unittest.TestCase):
    def test_groff_reads_them_without_a_warning(self):
        groff = shutil.which("groff")
        self.assertIsNotNone(groff, "groff is missing (apt-get install groff-base)")
        for page in (MAN8, MAN5):
            with self.subTest(page=os.path.basename(page)):
                r = subprocess.run([groff, "-man", "-ww", "-z", page], capture_output=True, text=True)
                self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_mentord_8_names_every_command(self):
        cli = read(os.path.join(REPO, "src", "cli.c"))
        m = re.search(r"commands\[\] = \{(.*?)\};", cli, re.S)
        self.assertIsNotNone(m, "cli.c: the commands[] table was not found")
        commands = re.findall(r'"([\w-]+)"', m.group(1))
        self.assertGreater(len(commands), 10)
        page = roff_text(read(MAN8))
        missing = [c for c in commands if not re.search(rf"^\.B {re.escape(c)}\b", page, re.M)]
        self.assertEqual(missing, [], "commands mentord(8) does not describe")


class Units(unittest.TestCase):
    def analyze(self):
        tool = shutil.which("systemd-analyze")
        self.assertIsNotNone(tool, "systemd-analyze is missing (apt-get install systemd)")
        return tool

    def test_sandbox_scores(self):
        tool = self.analyze()
        with tempfile.TemporaryDirectory() as tmp:
            for unit in UNITS:
                # a template is scored as one of its instances
                name = os.path.basename(unit).replace("@.", "@example.")
                shutil.copy(unit, os.path.join(tmp, name))
                with self.subTest(unit=name):
                    r = subprocess.run([tool, "security", "--offline=true",
                                        f"--threshold={EXPOSURE_MAX}", name],
                                       cwd=tmp, capture_output=True, text=True)
                    score = re.search(r"Overall exposure level for \S+: ([\d.]+)", r.stdout)
                    self.assertIsNotNone(score, r.stdout + r.stderr)
                    self.assertLessEqual(float(score.group(1)), EXPOSURE_MAX / 10, r.stdout)
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_both_units_have_the_same_sandbox(self):
        sandboxes = [read(u).split("\n# Sandbox", 1)[1].split("\n", 1)[1] for u in UNITS]
        self.assertEqual(sandboxes[0], sandboxes[1])

    def test_memory_and_tasks_are_bounded(self):
        # one message that takes all the memory stops the process, not the
        # machine; the process passes it by after a second death
        for unit in UNITS:
            text = read(unit)
            with self.subTest(unit=os.path.basename(unit)):
                self.assertRegex(text, r"(?m)^MemoryMax=\d+[KMG]$")
                self.assertRegex(text, r"(?m)^TasksMax=\d+$")

    def test_notify_and_watchdog(self):
        for unit in UNITS:
            text = read(unit)
            with self.subTest(unit=os.path.basename(unit)):
                self.assertRegex(text, r"(?m)^Type=notify$")
                self.assertRegex(text, r"(?m)^WatchdogSec=\S+$")
                self.assertRegex(text, r"(?m)^ConditionPathExists=/etc/mentord/")

    def test_the_template_keeps_its_instance_apart(self):
        text = read(UNITS[1])
        for line in ("ExecStart=/usr/bin/mentord -c /etc/mentord/%i.conf run",
                     "StateDirectory=mentord/%i", "SyslogIdentifier=mentord@%i",
                     "ConditionPathExists=/etc/mentord/%i.conf"):
            self.assertIn("\n" + line + "\n", text)


if __name__ == "__main__":
    unittest.main()
