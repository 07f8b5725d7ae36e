"""Check bookkeeping shared by every Python test script (tests/ref, tests/cli, tests/batch, tests/plot,
tests/results, tests/vlm, tests/vlm_io): the one implementation of "count a check, say why it failed".

A CheckLog counts checks, prints one "FAIL ..." line per failure as it happens, and at the end
prints the summary line and gives the exit status:

    log = CheckLog()
    log.check("case", got == want, want, got)   # counts one check; prints a FAIL line if not ok
    log.check("case", err <= tol, want, got, err, tol)
    log.fail("case", "exit 0", "exit 3")         # a failure outside any counted check
    sys.exit(log.finish())                       # "N of M checks FAILED" -> 1, else "all M ..." -> 0

A FAIL line reads "FAIL case: expected E, actual A[, error R, tolerance T]".

Scripts import it by a path relative to their own file:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
    from check_log import CheckLog
"""

import time


class CheckLog:
    def __init__(self, tolerances=True, passes=False):
        """tolerances=False drops the ", error E, tolerance T" tail of FAIL lines whose check gives
        neither (for scripts whose checks are mostly pass/fail with no numeric error); a check that
        gives an error or a tolerance always prints them.
        passes=True also prints "ok   case: ACTUAL" for every check that passes (a record of the
        values behind each verdict)."""
        self.tolerances = tolerances
        self.passes = passes
        self.failures = []
        self.checks = 0
        self.start = time.time()

    def fail(self, case, expected, actual, error="-", tol="-"):
        """Record and print one failure; does not count a check."""
        line = "FAIL %s: expected %s, actual %s" % (case, expected, actual)
        if self.tolerances or error != "-" or tol != "-":
            line += ", error %s, tolerance %s" % (error, tol)
        self.failures.append(line)
        print(line, flush=True)

    def check(self, case, ok, expected, actual, error="-", tol="-"):
        """Count one check; record a failure unless ok. Returns whether it passed."""
        self.checks += 1
        if not ok:
            self.fail(case, expected, actual, error, tol)
            return False
        if self.passes:
            line = "ok   %s: %s" % (case, actual)
            if error != "-" or tol != "-":
                line += ", error %s, tolerance %s" % (error, tol)
            print(line, flush=True)
        return True

    def finish(self):
        """Print the summary line; return the exit status (1 if any failure, else 0)."""
        if self.failures:
            print("%d of %d checks FAILED" % (len(self.failures), self.checks))
            return 1
        print("all %d checks passed in %.1f s" % (self.checks, time.time() - self.start))
        return 0
