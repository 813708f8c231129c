"""Runs the checks that the documentation and the service files agree with
the code (tests/docs/test_*.py); no server, no mentord binary needed."""
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    start = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    print(f"docs: {result.testsRun} tests, {len(result.failures)} failures, "
          f"{len(result.errors)} errors, {len(result.skipped)} skipped "
          f"in {time.monotonic() - start:.1f} s")
    sys.exit(0 if result.wasSuccessful() and not result.skipped and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()
