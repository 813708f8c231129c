"""The README's commands against what the build makes: the name of the
Debian package file that `dpkg-buildpackage` writes, derived from
debian/changelog and debian/control as dpkg derives it."""
import fnmatch
import os
import re
import shutil
import subprocess
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = os.path.join(REPO, "README.md")
CHANGELOG = os.path.join(REPO, "debian", "changelog")
CONTROL = os.path.join(REPO, "debian", "control")
# the architecture the README's examples are written for
DOCUMENTED_ARCH = "amd64"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def changelog_version():
    """The version of the topmost changelog entry, as dpkg-parsechangelog
    gives it (with its epoch, if any)."""
    first = read(CHANGELOG).split("\n", 1)[0]
    m = re.match(r"^([a-z0-9][a-z0-9+.-]+) \(([^() ]+)\) ", first)
    if m is None:
        raise AssertionError(f"debian/changelog: first line not understood: {first}")
    return m.group(1), m.group(2)


def binary_packages():
    return re.findall(r"^Package:\s*(\S+)\s*$", read(CONTROL), re.M)


def deb_file(package, version, arch):
    """dpkg-deb's name for a package file: the epoch is not part of it."""
    return f"{package}_{version.split(':', 1)[-1]}_{arch}.deb"


class PackageFileName(unittest.TestCase):
    def test_changelog_read_as_dpkg_reads_it(self):
        source, version = changelog_version()
        self.assertEqual(source, re.search(r"^Source:\s*(\S+)", read(CONTROL), re.M).group(1))
        tool = shutil.which("dpkg-parsechangelog")
        if tool is None:
            self.skipTest("dpkg-parsechangelog is not installed (dpkg-dev)")
        out = subprocess.run([tool, "-l", CHANGELOG, "-S", "Version"], capture_output=True,
                             text=True, check=True).stdout.strip()
        self.assertEqual(out, version)

    def test_the_readme_names_the_file_the_build_makes(self):
        _, version = changelog_version()
        packages = binary_packages()
        self.assertEqual(packages, ["mentord"])
        arches = {DOCUMENTED_ARCH}
        if shutil.which("dpkg"):
            arches.add(subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                      text=True, check=True).stdout.strip())
        made = {deb_file(packages[0], version, a) for a in arches}
        named = re.findall(r"[\w.+~*?-]*_[\w.+~*?:-]*\.deb\b", read(README))
        self.assertTrue(named, "README.md names no .deb file")
        for name in named:
            with self.subTest(name=name):
                # the README's own words for the parts: mentord_VERSION_ARCH.deb
                name = name.replace("VERSION", "*").replace("ARCH", "*")
                if any(c in name for c in "*?"):
                    self.assertTrue(any(fnmatch.fnmatchcase(m, name) for m in made),
                                    f"README.md: {name} matches none of {sorted(made)}")
                else:
                    self.assertIn(name, made, f"README.md: {name}, but the build makes "
                                  f"{deb_file(packages[0], version, DOCUMENTED_ARCH)}")

    def test_a_wrong_name_is_caught(self):
        # the check above, on the name the README once gave
        _, version = changelog_version()
        self.assertNotEqual(deb_file("mentord", version, "amd64"), "mentord_0.1.0-1_amd64.deb")
        self.assertEqual(deb_file("mentord", "1:2.0-3", "arm64"), "mentord_2.0-3_arm64.deb")


if __name__ == "__main__":
    unittest.main()
