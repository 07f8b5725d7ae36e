#!/usr/bin/env python3
"""hopelab claims: the claims table of a results file (experiments/batch/claims_table.h).

Usage: check_claims_table.py PATH/TO/hopelab tests/batch/claims_demo.toml
  * runs the demo spec (seconds), and a copy whose claims have a 70-character id and a
    300-column statement with UTF-8 and control characters;
  * the table `hopelab claims FILE` prints, the one `hopelab run` prints and the one in
    `hopelab inspect` have no line over 100 columns, and every claim that fails or holds only
    under an assumption has a why block in the text and its numbers (value or threshold) in
    --json, which carries the file's provenance;
  * --csv parses (a header, one row per claim, numbers as numbers), --markdown has one table row
    per claim;
  * a file written before the number columns existed (deleted here with h5py) still prints, its
    computed text standing in for why;
  * the twin: the same check, fed an over-wide line, a failing claim without numbers, or a table
    without a failing claim's why block, reports each.
Prints one line per failed check and exits 1 if any failed.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
import h5py  # noqa: E402
from check_log import CheckLog  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
SPEC = os.path.abspath(sys.argv[2])
WIDTH = 100
NOT_SIMPLY_HOLDING = ("fails", "holds only under an assumption")
PROVENANCE_KEYS = ("hopelab_version", "git_commit", "git_dirty", "created_utc", "host", "backend", "seed")
log = CheckLog(tolerances=False)


def hopelab(*args, cwd=None):
    p = subprocess.run([CLI, *args], capture_output=True, cwd=cwd, timeout=300)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def table_problems(text, claims):
    """What is wrong with a printed table: lines over WIDTH columns (code points), claims that fail
    or hold only under an assumption without a why block (a line "  <id start>, <verdict>:") or
    without numbers (value and threshold both null in --json)."""
    problems = []
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if len(line) > WIDTH:
            problems.append("line %d is %d columns: %r" % (n, len(line), line[:60] + "..."))
    for c in claims:
        if c["verdict"] not in NOT_SIMPLY_HOLDING:
            continue
        head = "  " + c["id"][:20]
        if not any(line.startswith(head) and (", " + c["verdict"][:5]) in line for line in lines):
            problems.append("claim %s (%s) has no why block" % (c["id"], c["verdict"]))
        if c.get("value") is None and c.get("threshold") is None:
            problems.append("claim %s (%s) has no numbers (value, threshold)" % (c["id"], c["verdict"]))
        if not c.get("why"):
            problems.append("claim %s (%s) has no why text" % (c["id"], c["verdict"]))
    return problems


def claims_json(path):
    rc, out, err = hopelab("claims", path, "--json")
    log.check("claims --json exit of " + os.path.basename(path), rc == 0, 0, (rc, err))
    if rc != 0:
        return []
    obj = json.loads(out)
    log.check("claims --json provenance", all(k in obj.get("provenance", {}) for k in PROVENANCE_KEYS),
              PROVENANCE_KEYS, list(obj.get("provenance", {})))
    log.check("claims --json settings", obj.get("settings", {}).get("file") == path, path, obj.get("settings"))
    return obj.get("claims", [])


def after_header(stdout, header):
    """The lines of `stdout` after the line starting with `header`."""
    lines = stdout.splitlines()
    starts = [k for k, line in enumerate(lines) if line.startswith(header)]
    return "\n".join(lines[starts[0] + 1:]) if starts else ""


def check_file(path, run_stdout, label):
    claims = claims_json(path)
    log.check(label + ": claims in --json", len(claims) > 0 and any(c["verdict"] in NOT_SIMPLY_HOLDING for c in claims),
              "some failing or assumption claims", [c["verdict"] for c in claims])
    rc, text, err = hopelab("claims", path)
    log.check(label + ": claims exit", rc == 0, 0, (rc, err))
    log.check(label + ": claims table", table_problems(text, claims) == [], [], table_problems(text, claims))
    if run_stdout is not None:
        printed = after_header(run_stdout, "claims (")
        log.check(label + ": run prints the same table", printed.strip() == text.strip(), text[:200], printed[:200])
    rc, inspected, err = hopelab("inspect", path)
    shown = after_header(inspected, "claims (/claims)")
    log.check(label + ": inspect shows the table", rc == 0 and shown.strip() == text.strip(), text[:200],
              (rc, shown[:200], err))
    rc, out, err = hopelab("inspect", path, "--json")
    log.check(label + ": inspect --json claims", rc == 0 and json.loads(out).get("claims") == claims, "the claims",
              (rc, err))

    rc, out, err = hopelab("claims", path, "--csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    log.check(label + ": csv rows", rc == 0 and [r["id"] for r in rows] == [c["id"] for c in claims],
              [c["id"] for c in claims], (rc, [r.get("id") for r in rows], err))
    for r, c in zip(rows, claims):
        for key in ("value", "threshold", "ratio", "violation_at"):
            want = c[key]
            got = r[key]
            ok = (got == "" and want is None) or (want is not None and abs(float(got) - want) <= 1e-12 * max(1, abs(want)))
            log.check("%s: csv %s of %s" % (label, key, c["id"]), ok or (got in ("inf", "-inf") and want is None),
                      want, got)
    rc, out, err = hopelab("claims", path, "--markdown")
    table_rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| id |")]
    log.check(label + ": markdown rows", rc == 0 and len(table_rows) == len(claims), len(claims), (rc, len(table_rows)))
    return claims


def hostile_spec(tmp):
    """The demo spec with one failing claim's id, statement and why made hostile."""
    with open(SPEC, encoding="utf-8") as f:
        text = f.read()
    long_id = "bound-wrong-" + "x" * 58
    statement = "8e3 is minimal \u03b3 " + "\u2265 " * 100 + "\\u0007 bell and \\t tab"
    text = text.replace('id = "bound-wrong"', 'id = "%s"' % long_id)
    text = text.replace('statement = "8e3 is the minimal base at 1k"', 'statement = "%s"' % statement)
    path = os.path.join(tmp, "hostile.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    log.check("hostile spec edited", long_id in text and statement in text, "both replaced", "unchanged")
    return path


def check_old_file(path, tmp):
    """A copy without the columns added with the numbers still prints, computed standing in for why."""
    old = os.path.join(tmp, "old.h5")
    shutil.copy(path, old)
    with h5py.File(old, "r+") as f:
        for name in ("why", "value", "threshold", "ratio", "violation_at"):
            del f["claims"][name]
    rc, text, err = hopelab("claims", old)
    log.check("old file prints", rc == 0 and "why:" in text, "a table with why blocks", (rc, err, text[:300]))
    rc, out, err = hopelab("claims", old, "--json")
    claims = json.loads(out)["claims"] if rc == 0 else []
    log.check("old file: numbers null", claims and all(c["value"] is None for c in claims), "null", claims[:1])
    failing = [c for c in claims if c["verdict"] == "fails"]
    log.check("old file: computed as why", failing and all(c["computed"][:30] in text for c in failing),
              "computed text in the table", text[:300])


def check_twin():
    """The check itself can fail."""
    good = [{"id": "c", "verdict": "fails", "value": 1.0, "threshold": 2.0, "why": "1 > 2"}]
    table = "1 claim: 0 hold, 1 fail, 0 hold only under an assumption\nid  verdict  statement\nc   FAILS    s\n" \
            "\nwhy:\n  c, fails: 1 > 2\n"
    log.check("twin: a good table passes", table_problems(table, good) == [], [], table_problems(table, good))
    wide = table + "x" * (WIDTH + 1) + "\n"
    log.check("twin: a 101-column line is reported", len(table_problems(wide, good)) == 1, 1, table_problems(wide, good))
    wide_utf8 = table + "\u03b3" * WIDTH + "\n"
    log.check("twin: 100 columns of UTF-8 pass", table_problems(wide_utf8, good) == [], [],
              table_problems(wide_utf8, good))
    bare = [dict(good[0], value=None, threshold=None)]
    log.check("twin: a failing claim without numbers is reported", len(table_problems(table, bare)) == 1, 1,
              table_problems(table, bare))
    no_why = table.split("\nwhy:")[0]
    log.check("twin: a failing claim without a why block is reported", len(table_problems(no_why, good)) == 1, 1,
              table_problems(no_why, good))


def main():
    check_twin()
    tmp = tempfile.mkdtemp(prefix="hopelab-claims-table-")
    try:
        for spec, label in ((SPEC, "demo"), (hostile_spec(tmp), "hostile")):
            out = os.path.join(tmp, label + ".h5")
            rc, stdout, err = hopelab("run", spec, "-o", out, cwd=tmp)
            log.check(label + ": run exit", rc == 0, 0, (rc, err))
            if rc == 0:
                check_file(out, stdout, label)
                if label == "demo":
                    check_old_file(out, tmp)
        rc, _, err = hopelab("claims", os.path.join(tmp, "missing.h5"))
        log.check("claims of a missing file: exit 2", rc == 2 and err.startswith("hopelab: error: "), 2, (rc, err))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(log.finish())


if __name__ == "__main__":
    main()
