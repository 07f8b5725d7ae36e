"""Running spec texts through `hopelab run` for the reference scripts (tests/ref/*_reference.py):
a spec that must run, and a spec that must be refused with one line naming the bad value."""

import os
import subprocess


def run_spec(cli, text, directory, name, log):
    """Writes `text` to DIRECTORY/NAME.toml and runs it into DIRECTORY/NAME.h5; returns that path,
    or None after logging a failure when hopelab exits non-zero."""
    spec = os.path.join(directory, name + ".toml")
    with open(spec, "w") as f:
        f.write(text)
    out = os.path.join(directory, name + ".h5")
    r = subprocess.run([cli, "run", spec, "-o", out], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        log.fail("hopelab run", "exit 0", "exit %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
        return None
    return out


def check_refused(cli, text, directory, name, case, needle, log):
    """A spec that must be refused: exit 2, one stderr line containing `needle`, no results file."""
    spec = os.path.join(directory, name + ".toml")
    with open(spec, "w") as f:
        f.write(text)
    out = os.path.join(directory, name + ".h5")
    r = subprocess.run([cli, "run", spec, "-o", out], capture_output=True, text=True, timeout=60)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    log.check("%s: exit 2" % case, r.returncode == 2, 2, r.returncode)
    log.check("%s: one stderr line naming %r" % (case, needle), len(lines) == 1 and needle in lines[0],
              "one line with " + needle, lines)
    log.check("%s: nothing written" % case, not os.path.exists(out), "no file", out)
