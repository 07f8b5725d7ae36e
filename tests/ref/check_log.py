"""Check bookkeeping shared by the Python test scripts (tests/ref/*.py, tests/cli/*.py).

A CheckLog counts checks, prints one "FAIL ..." line per failure as it happens, and at the end
prints the summary line and gives the exit status:

    log = CheckLog()
    log.check("case", got == want, want, got)   # counts one check; prints a FAIL line if not ok
    log.fail("case", "exit 0", "exit 3")         # a failure outside any counted check
    sys.exit(log.finish())                       # "N of M checks FAILED" -> 1, else "all M ..." -> 0
"""

import time


class CheckLog:
    def __init__(self, tolerances=True):
        """tolerances=False drops the ", error E, tolerance T" tail of FAIL lines (for scripts whose
        checks are pass/fail with no numeric error)."""
        self.tolerances = tolerances
        self.failures = []
        self.checks = 0
        self.start = time.time()

    def fail(self, case, expected, actual, error="-", tol="-"):
        """Record and print one failure; does not count a check."""
        line = "FAIL %s: expected %s, actual %s" % (case, expected, actual)
        if self.tolerances:
            line += ", error %s, tolerance %s" % (error, tol)
        self.failures.append(line)
        print(line)

    def check(self, case, ok, expected, actual, error="-", tol="-"):
        """Count one check; record a failure unless ok. Returns whether it passed."""
        self.checks += 1
        if not ok:
            self.fail(case, expected, actual, error, tol)
            return False
        return True

    def finish(self):
        """Print the summary line; return the exit status (1 if any failure, else 0)."""
        if self.failures:
            print("%d of %d checks FAILED" % (len(self.failures), self.checks))
            return 1
        print("all %d checks passed in %.1f s" % (self.checks, time.time() - self.start))
        return 0
