#!/usr/bin/env python3
"""hopelab run: [[claim]] tables (experiments/batch/claims.h), on demo-size specs.

Usage: check_claims.py PATH/TO/hopelab tests/batch/claims_demo.toml experiments/paper.toml [SPEC ...]
  * claims_demo.toml's claims get the verdicts they were built to get (holds, fails by
    construction, holds only under an assumption), printed on stdout after the summary and stored
    in /claims (a string or number dataset per column, read with h5py);
  * a shard evaluates the claims it can and marks the others n/a; `hopelab merge` evaluates them
    again, so merged shards carry the whole run's /claims;
  * bad claims (unknown rule, unknown run, missing parameter, wrong kind, ...) exit 2 with one
    stderr line naming the file and the key, and write nothing;
  * experiments/paper.toml and the other shipped specs given after it parse (--dry-run) and
    list every claim (paper.toml has some).
Prints one line per failed check and exits 1 if any failed.
"""

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
PAPER = os.path.abspath(sys.argv[3])
SHIPPED = [os.path.abspath(path) for path in sys.argv[4:]]
log = CheckLog(tolerances=False)

EXPECTED = {
    "mc-agrees": "holds",
    "bound-feasible": "holds",
    "bound-wrong": "fails",
    "fv-equals": "holds",
    "vanilla-never": "fails",
    "mrope-frames": "holds only under an assumption",
    "dominates": "holds",
    "dominates-reversed": "fails",
    "lemma-a1": "holds",
}
COLUMNS = ["id", "source", "statement", "rule", "runs", "computed", "monte_carlo", "verdict", "assumption", "why",
           "value", "threshold", "ratio", "violation_at"]
NUMBERS = ("value", "threshold", "ratio", "violation_at")
SHORT_VERDICT = {"holds": "holds", "fails": "FAILS", "holds only under an assumption": "holds*", "n/a": "n/a"}


def run(args, cwd):
    p = subprocess.run([CLI, "run", *args], capture_output=True, text=True, timeout=300, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def read_claims(path):
    with h5py.File(path, "r") as f:
        log.check("/claims group", "claims" in f, "present", list(f.keys()))
        if "claims" not in f:
            return {}
        g = f["claims"]
        log.check("/claims columns", list(g.keys()) == COLUMNS or sorted(g.keys()) == sorted(COLUMNS), COLUMNS,
                  list(g.keys()))
        log.check("/claims unit_index", int(g.attrs["unit_index"]) == int(f.attrs["units_total"]), "units_total",
                  g.attrs["unit_index"])
        # numbers as repr strings, so that NaN compares equal to NaN
        cols = {c: ([repr(float(x)) for x in g[c][()]] if c in NUMBERS else list(g[c].asstr()[()]))
                for c in COLUMNS if c in g}
        n = len(cols.get("id", []))
        log.check("/claims columns of one length", all(len(v) == n for v in cols.values()), n,
                  {c: len(v) for c, v in cols.items()})
        return {cols["id"][i]: {c: cols[c][i] for c in cols} for i in range(n)}


def check_verdicts(tmp):
    out = os.path.join(tmp, "claims.h5")
    rc, stdout, err = run([SPEC, "-o", out], tmp)
    log.check("claims spec exit", rc == 0, 0, (rc, err))
    if rc != 0:
        return
    for cid, verdict in EXPECTED.items():
        rows = [line.split() for line in stdout.splitlines() if line.startswith(cid + " ")]
        log.check("stdout row of " + cid, len(rows) == 1 and rows[0][1] == SHORT_VERDICT[verdict],
                  "one row with verdict " + SHORT_VERDICT[verdict], rows)
    claims = read_claims(out)
    log.check("claims in file order", list(claims) == list(EXPECTED), list(EXPECTED), list(claims))
    for cid, verdict in EXPECTED.items():
        got = claims.get(cid, {}).get("verdict")
        log.check("verdict of " + cid + " in /claims", got == verdict, verdict, (got, claims.get(cid)))
    if "mc-agrees" in claims:
        log.check("Monte Carlo column of mc-agrees", claims["mc-agrees"]["monte_carlo"] != "-", "a value", "-")
        log.check("Monte Carlo column without MC", claims["fv-equals"]["monte_carlo"] == "-", "-",
                  claims["fv-equals"]["monte_carlo"])
        log.check("assumption text", claims["mrope-frames"]["assumption"] == "temporal pairs only",
                  "temporal pairs only", claims["mrope-frames"]["assumption"])
        log.check("computed value of vanilla-never", "27115" in claims["vanilla-never"]["computed"], "27115",
                  claims["vanilla-never"]["computed"])

    # A shard: units 0, 2, 4, 6 (mc, fv-text, pref-hope, flip's absent... ) -> claims on absent units n/a.
    shard = os.path.join(tmp, "shard.h5")
    rc, stdout, err = run([SPEC, "--shard", "0/2", "-o", shard], tmp)
    log.check("shard exit", rc == 0, 0, (rc, err))
    if rc == 0:
        claims = read_claims(shard)
        # units: 0 mc, 1 bound, 2 fv-text, 3 fv-frames, 4 fv-frames-t, 5 pref-hope, 6 pref-videorope, 7 flip
        want = {"mc-agrees": "holds", "bound-feasible": "n/a", "fv-equals": "holds", "vanilla-never": "fails",
                "mrope-frames": "n/a", "dominates": "n/a", "lemma-a1": "n/a"}
        for cid, verdict in want.items():
            got = claims.get(cid, {}).get("verdict")
            log.check("shard verdict of " + cid, got == verdict, verdict, got)

    # `hopelab merge` evaluates the claims again on the merged units: the two shards' merge has the
    # whole run's /claims, and a merge of one shard has the shard's (n/a where units are absent).
    other = os.path.join(tmp, "shard1.h5")
    rc, _, err = run([SPEC, "--shard", "1/2", "-o", other], tmp)
    log.check("shard 1/2 exit", rc == 0, 0, (rc, err))
    merged, partial = os.path.join(tmp, "merged.h5"), os.path.join(tmp, "partial.h5")
    for inputs, output in (([shard, other], merged), ([shard], partial)):
        r = subprocess.run([CLI, "merge", *inputs, "-o", output], cwd=tmp, capture_output=True, text=True)
        log.check("merge of %d shard(s) exit" % len(inputs), r.returncode == 0, 0, (r.returncode, r.stderr))
    if os.path.exists(merged) and os.path.exists(out):
        log.check("merged shards' /claims", read_claims(merged) == read_claims(out), "the whole run's", "different")
    if os.path.exists(partial) and os.path.exists(shard):
        log.check("one shard merged: /claims", read_claims(partial) == read_claims(shard), "the shard's", "different")


HEAD = '[experiment]\nname = "bad"\n[[run]]\nname = "fv"\nkind = "first-violation"\nmethod = "mrope"\n' \
       '[[run]]\nname = "p"\nkind = "preference"\nmethod = "hope"\n'
CLAIM = '[[claim]]\nid = "c"\nstatement = "s"\nsource = "x"\n'

BAD_CLAIMS = [
    ("unknown rule", CLAIM + 'runs = ["fv"]\nrule = "holds-always"\n', "claim[0].rule", "expected one of"),
    ("unknown run", CLAIM + 'runs = ["fv", "nope"]\nrule = "never-violated"\n', "claim[0].runs[1]", "unknown run"),
    ("missing expected", CLAIM + 'runs = ["fv"]\nrule = "violated-before"\n', "claim[0].expected", "required"),
    ("missing dataset", CLAIM + 'runs = ["fv"]\nrule = "value-equals"\nexpected = 1\n', "claim[0].dataset",
     "required"),
    ("wrong kind", CLAIM + 'runs = ["p"]\nrule = "never-violated"\n', "claim[0].runs[0]", "kind"),
    ("wrong run count", CLAIM + 'runs = ["p"]\nrule = "dominates"\n', "claim[0].runs", "exactly 2"),
    ("assumption without inner rule", CLAIM + 'runs = ["fv", "fv"]\nrule = "assumption"\nassumption = "a"\n',
     "claim[0].inner_rule", "required"),
    ("assumption without text", CLAIM + 'runs = ["fv", "fv"]\nrule = "assumption"\ninner_rule = "never-violated"\n',
     "claim[0].assumption", "required"),
    ("missing runs", CLAIM + 'rule = "never-violated"\n', "claim[0].runs", "required"),
    ("missing source", '[[claim]]\nid = "c"\nstatement = "s"\nruns = ["fv"]\nrule = "never-violated"\n',
     "claim[0].source", "required"),
    ("unknown claim key", CLAIM + 'runs = ["fv"]\nrule = "never-violated"\ncolour = 1\n', "claim[0].colour",
     "unknown key"),
    ("runs not strings", CLAIM + 'runs = [1]\nrule = "never-violated"\n', "claim[0].runs[0]", "string"),
    ("duplicate id", CLAIM + 'runs = ["fv"]\nrule = "never-violated"\n' + CLAIM +
     'runs = ["fv"]\nrule = "never-violated"\n', "claim[1].id", "duplicate"),
]


def check_bad_claims(tmp):
    for case, text, key, what in BAD_CLAIMS:
        d = tempfile.mkdtemp(dir=tmp)
        spec = os.path.join(d, "bad.toml")
        with open(spec, "w") as f:
            f.write(HEAD + text)
        rc, out, err = run([spec, "-o", os.path.join(d, "out.h5")], d)
        line = err.rstrip("\n")
        log.check("bad claim (%s) exit" % case, rc == 2, 2, (rc, err))
        log.check("bad claim (%s) one stderr line" % case, out == "" and "\n" not in line, "one line", (out, err))
        log.check("bad claim (%s) message" % case, spec in line and key in line and what in line,
                  "file, %s and %r" % (key, what), line)
        log.check("bad claim (%s) writes nothing" % case, sorted(os.listdir(d)) == ["bad.toml"], ["bad.toml"],
                  sorted(os.listdir(d)))


def check_shipped_spec_parses(tmp, spec):
    name = os.path.basename(spec)
    rc, out, err = run([spec, "--dry-run"], tmp)
    log.check("%s --dry-run" % name, rc == 0, 0, (rc, err))
    listed = [line for line in out.splitlines() if line.startswith("claim ")]
    count = sum(1 for line in open(spec) if line.strip() == "[[claim]]")
    log.check("%s lists every claim" % name, len(listed) == count and (count > 0 or spec != PAPER), count, len(listed))


def main():
    tmp = tempfile.mkdtemp(prefix="hopelab-claims-")
    try:
        check_verdicts(tmp)
        check_bad_claims(tmp)
        for spec in [PAPER] + SHIPPED:
            check_shipped_spec_parses(tmp, spec)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
