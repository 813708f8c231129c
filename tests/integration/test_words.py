"""The words the robot reads are data: a malformed words file is refused by
check-config with its line number, and a third language is a folder of
templates and words, with no change to the program: an application, its
confirmation and a check-in answer played in it."""
import os
import shutil

from common import REPO, ProgrammeTest, mail, of_kind, reply, text_of

GERMAN_WORDS = """# a small test language
applicant apply: bewerbung | bewerben
applicant confirm: bestätigen
applicant status: stand
form-key role: rolle
form-key name: vollständiger name
form-key department: abteilung
form-key field: fachgebiet
form-key language: sprache
role mentor: mentorin
role mentee: mentee-in
language de: deutsch | de
rsvp yes: ja
checkin ok: gut
checkin met: getroffen
checkin problem: problem
courtesy courtesy: danke
"""

GERMAN_FORM = """Hallo,

Rolle: Mentee-in
Vollständiger Name: Greta Huber
Abteilung: IT
Fachgebiet: Software
Sprache: Deutsch

Danke
"""


def site_templates(root, german=True, bad_line=None):
    """A site folder: the shipped templates, a German one copied from the
    English with "DE" in every subject, and its words."""
    site = os.path.join(root, "site-templates")
    shutil.copytree(os.path.join(REPO, "templates"), site)
    if bad_line is not None:
        with open(os.path.join(site, "en", "words"), "a") as f:
            f.write(bad_line)
    if german:
        de = os.path.join(site, "de")
        os.mkdir(de)
        for name in os.listdir(os.path.join(site, "en")):
            if name == "words":
                continue
            with open(os.path.join(site, "en", name)) as f:
                text = f.read()
            assert text.startswith("Subject: ")
            with open(os.path.join(de, name), "w") as f:
                f.write("Subject: DE " + text[len("Subject: "):])
        with open(os.path.join(de, "words"), "w") as f:
            f.write(GERMAN_WORDS)
    return site


class MalformedWords(ProgrammeTest):
    def test_check_config_names_the_line(self):
        with open(os.path.join(REPO, "templates", "en", "words")) as f:
            lines = f.read().count("\n")
        site = site_templates(self.env.root, german=False, bad_line="applicant dance: tango\n")
        with open(self.env.config) as f:
            conf = f.read()
        with open(self.env.config, "w") as f:
            f.write(conf.replace(os.path.join(REPO, "templates"), site))
        r = self.env.run("check-config")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(f"words en line {lines + 1}: not a value of this list: 'dance'", r.stderr)
        # the daemon does not start on it either
        r = self.env.run("once")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(f"words en line {lines + 1}", r.stderr)


class ThirdLanguage(ProgrammeTest):
    def setUp(self):
        super().setUp()
        site = site_templates(self.env.root)
        with open(self.env.config) as f:
            conf = f.read()
        with open(self.env.config, "w") as f:
            f.write(conf.replace(os.path.join(REPO, "templates"), site))

    def test_apply_confirm_and_check_in_in_german(self):
        env = self.env
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.cli("cohort", "open", "2026", now="2026-03-02T08:00")
        self.enrol([("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en")],
                   now="2026-03-02T08:00")
        # the application, in German words
        self.deliver(mail("Greta Huber <greta@example.org>", "Bewerbung", GERMAN_FORM),
                     now="2026-03-02T08:10")
        req = self.latest("confirm-request", "greta@example.org")
        self.assertEqual(req["Content-Language"], "de")
        self.assertIn("DE ", req["Subject"])
        self.assertIn("Greta Huber", text_of(req))
        self.assertEqual(of_kind(env, "form-errors", "greta@example.org"), [])
        # the confirmation, by reply
        self.deliver(reply(req, "greta@example.org", "Ja, danke"), now="2026-03-02T08:20")
        done = self.latest("confirmed", "greta@example.org")
        self.assertEqual(done["Content-Language"], "de")
        # paired and introduced; the check-in answered in German
        self.pair("anna@example.org", "greta@example.org", now="2026-03-02T09:00")
        self.once(now="2026-03-02T09:00")
        self.once(now="2026-03-16T09:05")
        checkin = self.latest("checkin", "greta@example.org")
        self.assertEqual(checkin["Content-Language"], "de")
        self.assertEqual(self.latest("checkin", "anna@example.org")["Content-Language"], "en")
        self.deliver(reply(checkin, "greta@example.org", "Problem: wir finden keine Zeit"),
                     now="2026-03-16T10:00")
        ack = self.latest("issue-ack", "greta@example.org")
        self.assertEqual(ack["Content-Language"], "de")
        self.assertTrue(of_kind(env, "issue-notice"))
