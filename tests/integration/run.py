"""Runs every integration test (tests/integration/test_*.py) against the
mentord binary named by $MENTORD, with real Dovecot and SMTP servers."""
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
sys.path.insert(0, HERE)


def main():
    if not os.environ.get("MENTORD"):
        sys.exit("MENTORD must name the mentord binary to test")
    pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    start = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    print(f"integration: {result.testsRun} tests, {len(result.failures)} failures, "
          f"{len(result.errors)} errors, {len(result.skipped)} skipped "
          f"in {time.monotonic() - start:.1f} s")
    # a skipped test hides a missing tool: that is a failure here
    sys.exit(0 if result.wasSuccessful() and not result.skipped else 1)


if __name__ == "__main__":
    main()
