"""scripts/deps.sh on a system without dpkg: the libraries are looked for
with pkg-config, and what is missing is named, instead of a failure in
dpkg-query."""
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class DepsWithoutDpkg(unittest.TestCase):
    def setUp(self):
        self.bin = tempfile.mkdtemp(prefix="mentord-nodpkg-")
        # a PATH with the shell's tools but no dpkg-query or apt-get
        for tool in ("sh", "grep", "pkg-config"):
            path = shutil.which(tool)
            self.assertIsNotNone(path, f"{tool} is needed for this test")
            os.symlink(path, os.path.join(self.bin, tool))

    def tearDown(self):
        shutil.rmtree(self.bin)

    def run_deps(self, env_extra):
        env = {"PATH": self.bin, **env_extra}
        return subprocess.run(["/bin/sh", os.path.join(ROOT, "scripts", "deps.sh"), "build"],
                              env=env, capture_output=True, text=True, timeout=60)

    def test_libraries_found_by_pkg_config(self):
        r = self.run_deps({})
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_missing_libraries_named(self):
        empty = tempfile.mkdtemp(prefix="mentord-nopc-")
        try:
            r = self.run_deps({"PKG_CONFIG_LIBDIR": empty, "PKG_CONFIG_PATH": empty})
        finally:
            shutil.rmtree(empty)
        self.assertEqual(r.returncode, 1)
        for lib in ("libetpan", "libcurl", "sqlite3", "libical", "gnutls"):
            self.assertIn(lib, r.stderr)
        self.assertNotIn("dpkg", r.stderr)


if __name__ == "__main__":
    unittest.main()
