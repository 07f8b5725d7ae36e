#!/usr/bin/env python3
"""Command-line behaviour of hopelab: output shapes, help, and how bad input is refused.

Usage: check_cli_behaviour.py PATH/TO/hopelab [PATH/TO/write_empirical_pools]
  * every command with --json prints exactly one JSON object holding its documented keys
    (types checked), exit 0, nothing on stderr; without --json a non-empty text answer;
  * --help at every level exits 0 with a usage text, and so does hopelab without arguments;
    --version prints the version and the build's git describe;
  * every bad input (unknown method, odd head dim, base <= 1 / nan / inf, bad sections,
    malformed layouts, negative sizes, non-numeric values, unknown flags, bad --along / --grid,
    bad custom allocations, out-of-range numbers) exits with status 2, prints nothing on stdout
    and exactly one line on stderr naming the bad value, never a crash or stack trace; checked
    with and without --json;
  * the Monte Carlo empirical law (--dist empirical:FILE.h5:/dataset[:/keys]) on HDF5 pools
    written by write_empirical_pools (tests/cli/write_empirical_pools.cpp): the record names its
    input (dist: file and datasets; attributes: each pool's rows and checksum), |z| within a Sidak
    bound, and every bad file, dataset or flag combination refused as above.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import math
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
POOL_WRITER = sys.argv[2] if len(sys.argv) > 2 else None
log = CheckLog(tolerances=False)  # FAIL lines: "FAIL case: expected X, actual Y"
check = log.check
CRASH_MARKS = ("terminate called", "what()", "Traceback", "Aborted", "core dumped",
               "Segmentation fault", "stack trace", "Assertion", "#0 ")


def run(args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def show(args):
    return "hopelab " + " ".join("'%s'" % a if (" " in a or a == "" or ";" in a) else a for a in args)


# ------------------------------------------------------------------ JSON shapes

def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def int_list(v):
    return isinstance(v, list) and all(is_int(x) for x in v)


def number_list(v):
    return isinstance(v, list) and all(is_number(x) for x in v)


def unit_record(kind, datasets, attributes, optional=()):
    """The keys of a one-unit command's record (docs/usage.md, "One unit from the command line"):
    its kind, every resolved setting, attributes, datasets with values (those in `optional` may be
    absent), and the provenance."""
    def datasets_ok(v):
        return isinstance(v, dict) and all(pred(v[name]["values"]) if name in v else name in optional
                                           for name, pred in datasets.items())

    def attributes_ok(v):
        return isinstance(v, dict) and all(name in v and pred(v[name]) for name, pred in attributes.items())

    return {"kind": lambda v: v == kind,
            "seed": is_int,
            "settings": lambda v: isinstance(v, dict) and "head_dim" in v,
            "attributes": attributes_ok,
            "datasets": datasets_ok,
            "provenance": lambda v: isinstance(v, dict) and all(
                k in v for k in ("hopelab_version", "git_commit", "backend", "instruction_set"))}


# Documented keys of each command's object and a predicate on each value.
SHAPES = {
    "allocation": unit_record("allocation", {"axis": lambda v: int_list(v) and set(v) <= {0, 1, 2},
                                             "zero_frequency": lambda v: int_list(v) and set(v) <= {0, 1},
                                             "theta": number_list},
                              {"position_design": lambda v: isinstance(v, str) and v != ""}),
    "preference": unit_record("preference", {"value": lambda v: len(v) == 1 and number_list(v),
                                             "by_axis": lambda v: len(v) == 3 and number_list(v)}, {}),
    "first-violation": unit_record("first-violation", {
        "first_violation": lambda v: len(v) == 1 and is_int(v[0]) and (v[0] == -1 or v[0] >= 1),
        "proven_never": lambda v: v in ([0], [1])}, {"reason": lambda v: isinstance(v, str) and v != ""}),
    "base-bound": unit_record("base-bound", {"base": lambda v: len(v) == 1 and is_number(v[0]) and v[0] > 1}, {}),
    "critical-length": unit_record("critical-length", {
        "critical_length": lambda v: len(v) == 1 and is_number(v[0]) and v[0] > 1}, {}, optional=("critical_length",)),
    "positions": unit_record("positions", {"t": number_list, "h": number_list, "w": number_list,
                                           "segment": int_list, "rope_delta": lambda v: len(v) == 1},
                             {"position_design": lambda v: isinstance(v, str) and v != ""}),
    "mc-win-prob": unit_record("mc-win-prob", {
        "probability": lambda v: len(v) > 0 and number_list(v) and all(0 <= p <= 1 for p in v),
        **{k: lambda v: len(v) > 0 and number_list(v) for k in ("standard_error", "n", "expected_preference")}}, {}),
    "mc-preference": unit_record("mc-preference", {
        k: lambda v: len(v) > 0 and number_list(v) for k in ("mean", "standard_error", "n", "theory", "z")},
        {"z_bound": is_number}),
}

GOOD = [
    ("allocation", ["theory", "allocation", "--method", "mrope"]),
    ("mc-preference", ["mc", "preference", "--method", "mrope", "--offsets", "0:3000:1000", "--samples", "500"]),
    ("mc-win-prob", ["mc", "win-prob", "--method", "videorope", "--offsets", "0:3000:1000", "--samples", "500"]),
    ("mc-win-prob", ["mc", "win-prob", "--method", "hope", "--along", "frames", "--frames", "0:20:5",
                     "--samples", "300", "--dist", "student-t:5", "--precision", "fp32"]),
    ("mc-preference", ["mc", "preference", "--method", "hope", "--along", "frames", "--frames", "0:20:5",
                       "--samples", "300", "--seed", "7", "--gamma", "0.75"]),
    ("mc-preference", ["mc", "preference", "--method", "vanilla", "--offset3", "5,0,0", "--samples", "100"]),
    ("mc-preference", ["mc", "preference", "--method", "vanilla", "--offsets", "0:5000:1000", "--samples", "100",
                       "--precision", "fp32"]),
    ("mc-preference", ["mc", "preference", "--method", "mrope", "--head-dim", "4", "--variances", "1,2,3,4",
                       "--dist", "student-t:5", "--offsets", "0:3:1", "--samples", "200"]),
    ("allocation", ["theory", "allocation", "--method", "hope", "--head-dim", "64"]),
    ("allocation", ["theory", "allocation", "--method", "videorope", "--head-dim", "80", "--sections", "10,15,15"]),
    ("allocation", ["theory", "allocation", "--method", "custom", "--allocation", "t:0-15;h:16-39;w:40-63;zero:0-3"]),
    ("preference", ["theory", "preference", "--method", "mrope", "--offset", "5,3,2"]),
    ("preference", ["theory", "preference", "--method", "hope", "--offset", "1e9,0.5,-2", "--sigma", "0.5"]),
    ("preference", ["theory", "preference", "--method", "vanilla", "--offset", "0,0,0", "--base", "1e4", "--head-dim", "16"]),
    ("preference", ["theory", "preference", "--method", "mrope", "--offset", "7,1,2", "--head-dim", "8",
                    "--variances", "1,2,3,4,0.5,0.25,1,1"]),
    ("first-violation", ["theory", "first-violation", "--method", "vanilla"]),
    ("first-violation", ["theory", "first-violation", "--method", "hope-x"]),
    ("first-violation", ["theory", "first-violation", "--method", "mrope", "--along", "frames", "--grid", "4x6"]),
    ("first-violation", ["theory", "first-violation", "--method", "videorope", "--only-axis", "t", "--limit", "1000"]),
    ("base-bound", ["theory", "base-bound", "--context-length", "256", "--head-dim", "32"]),
    ("base-bound", ["theory", "base-bound", "--context-length", "1k", "--exclusive"]),
    ("critical-length", ["theory", "critical-length", "--method", "mrope"]),
    ("critical-length", ["theory", "critical-length", "--method", "hope"]),
    ("positions", ["positions", "--method", "mrope", "--layout", "text:3,video:3x2x2,text:5"]),
    ("positions", ["positions", "--method", "hope", "--layout", "text:2,image:3x4,text:1", "--gamma", "0.75"]),
]


def check_good():
    for kind, args in GOOD:
        rc, out, err = run(args + ["--json"])
        case = show(args + ["--json"])
        check(case + " exit", rc == 0, "exit 0", "exit %d (%s)" % (rc, err.strip()))
        check(case + " stderr", err == "", "empty stderr", repr(err[:200]))
        try:
            obj = json.loads(out)  # raises on trailing data: exactly one JSON value
        except ValueError as e:
            check(case + " JSON", False, "one JSON object", "%r (%s)" % (out[:200], e))
            continue
        check(case + " JSON object", isinstance(obj, dict), "a JSON object", type(obj).__name__)
        if not isinstance(obj, dict):
            continue
        for key, pred in SHAPES[kind].items():
            check(case + " key " + key, key in obj and pred(obj[key]), "documented key '%s'" % key,
                  repr(obj.get(key, "<missing>"))[:200])
        if kind == "positions":
            lengths = {len(obj["datasets"][a]["values"]) for a in ("t", "h", "w", "segment")}
            check(case + " equal lengths", len(lengths) == 1, "t, h, w of one length", lengths)
        rc, out, err = run(args)
        case = show(args)
        check(case + " exit", rc == 0, "exit 0", "exit %d (%s)" % (rc, err.strip()))
        check(case + " text", out.strip() != "", "a non-empty answer", repr(out[:100]))
        check(case + " stderr", err == "", "empty stderr", repr(err[:200]))
    rc, out, err = run(["theory", "report"])
    check("hopelab theory report", rc == 0 and len(out.strip().splitlines()) >= 10 and err == "",
          "exit 0 and a table of every method", "exit %d, %d lines, stderr %r" % (rc, len(out.splitlines()), err[:100]))


def check_help():
    for args in ([], ["theory"], ["theory", "allocation"], ["theory", "preference"],
                 ["theory", "first-violation"], ["theory", "base-bound"], ["theory", "critical-length"],
                 ["theory", "report"], ["positions"], ["mc"], ["mc", "preference"], ["mc", "win-prob"],
                 ["mc", "retrieval"]):
        rc, out, err = run(args + ["--help"])
        check(show(args + ["--help"]), rc == 0 and "Usage" in out, "exit 0 with a usage text",
              "exit %d, stdout %r" % (rc, out[:80]))
    # No arguments: the usage on stdout, exit 0 (docs/usage.md); --version: one line naming the
    # version and the build's git describe.
    rc, out, err = run([])
    check("hopelab (no arguments)", rc == 0 and "Usage" in out and "Subcommands" in out and err == "",
          "exit 0, the usage on stdout", "exit %d, stdout %r, stderr %r" % (rc, out[:80], err[:80]))
    rc, out, err = run(["--version"])
    check("hopelab --version", rc == 0 and re.fullmatch(r"hopelab \d+\.\d+\.\d+ \(git [0-9A-Za-z._+-]+\)\n", out),
          "one line 'hopelab X.Y.Z (git DESCRIBE)'", "exit %d, stdout %r, stderr %r" % (rc, out, err))


# ------------------------------------------------------------------ bad input
# (arguments, text the error line must contain: the bad value as typed, or the missing thing)

M = ["--method", "mrope"]
BAD = [
    # unknown method, on every command that takes one
    (["theory", "allocation", "--method", "foo"], "foo"),
    (["theory", "preference", "--method", "rope2d", "--offset", "1,1,1"], "rope2d"),
    (["theory", "first-violation", "--method", "MROPE"], "MROPE"),
    (["theory", "critical-length", "--method", ""], "''"),
    (["positions", "--method", "rope9", "--layout", "text:3"], "rope9"),
    # odd / non-positive head dim
    (["theory", "allocation", *M, "--head-dim", "127"], "127"),
    (["theory", "preference", *M, "--head-dim", "127", "--offset", "1,1,1"], "127"),
    (["theory", "first-violation", *M, "--head-dim", "127"], "127"),
    (["theory", "critical-length", *M, "--head-dim", "127"], "127"),
    (["theory", "base-bound", "--context-length", "64", "--head-dim", "127"], "127"),
    (["positions", *M, "--head-dim", "127", "--layout", "text:3"], "127"),
    (["theory", "allocation", *M, "--head-dim", "0"], "0"),
    (["theory", "allocation", *M, "--head-dim", "-4"], "-4"),
    # base <= 1, not finite, not a number
    *[(["theory", "preference", *M, "--offset", "1,2,3", "--base", b], b) for b in ("1", "0.5", "-3", "nan", "inf")],
    *[(["theory", "first-violation", "--method", "vanilla", "--base", b], b) for b in ("1", "0.5", "-3", "nan", "inf")],
    *[(["theory", "critical-length", *M, "--base", b], b) for b in ("1", "-3", "inf")],
    (["theory", "allocation", *M, "--base", "abc"], "abc"),
    (["theory", "allocation", *M, "--base", ""], "''"),
    # sections
    (["theory", "allocation", *M, "--sections", "16,24,23"], "16,24,23"),
    (["theory", "preference", "--method", "videorope", "--offset", "1,1,1", "--sections", "16,24,25"], "16,24,25"),
    (["theory", "allocation", *M, "--sections", "16,24"], "16,24"),
    (["theory", "allocation", *M, "--sections", "-1,33,32"], "-1"),
    (["theory", "allocation", *M, "--sections", "a,b,c"], "a"),
    (["theory", "allocation", "--method", "mrope-interleave", "--head-dim", "16", "--sections", "2,3,3"], "2,3,3"),
    # layouts
    (["positions", *M, "--layout", "video:3x2"], "video:3x2"),
    (["positions", *M, "--layout", "text:"], "text:"),
    (["positions", *M, "--layout", "foo:3"], "foo:3"),
    (["positions", *M, "--layout", "video:0x2x2"], "video:0x2x2"),
    (["positions", *M, "--layout", "text:-3"], "-3"),
    (["positions", *M, "--layout", ""], "empty"),
    (["positions", *M, "--layout", "video:-3x2x2"], "-3"),
    (["positions", *M, "--layout", "text:3,,text:2"], "''"),
    (["positions", *M, "--layout", "text:1e3"], "1e3"),
    (["positions", *M, "--layout", "image:2x2x2"], "image:2x2x2"),
    (["positions", *M, "--layout", "text:99999999999999999999"], "99999999999999999999"),
    # negative sizes and non-numeric values elsewhere
    (["theory", "base-bound", "--context-length", "-5"], "-5"),
    (["theory", "base-bound", "--context-length", "abc"], "abc"),
    (["theory", "base-bound", "--context-length", "0"], "0"),
    (["theory", "base-bound", "--context-length", "1.5k"], "1.5k"),
    (["theory", "first-violation", *M, "--limit", "-1"], "-1"),
    (["theory", "first-violation", *M, "--limit", "abc"], "abc"),
    (["theory", "first-violation", *M, "--limit", "99999999999999999999"], "99999999999999999999"),
    (["theory", "preference", *M, "--offset", "a,b,c"], "a"),
    (["theory", "preference", *M, "--offset", "1,2"], "1,2"),
    (["theory", "preference", *M, "--offset", "inf,0,0"], "inf"),
    (["theory", "preference", *M, "--offset", "1,2,3", "--sigma", "x"], "x"),
    (["theory", "preference", *M, "--offset", "1,2,3", "--sigma", "-1"], "-1"),
    (["theory", "preference", *M, "--offset", "1,2,3", "--variances", "1,2,3"], "1,2,3"),
    (["mc", "preference", *M, "--samples", "0"], "0"),
    (["mc", "win-prob", *M, "--samples", "1"], "1"),
    (["mc", "win-prob", *M, "--offsets", "5:5:1"], "5:5:1"),
    (["mc", "preference", *M, "--samples", "1"], "1"),
    (["mc", "preference", *M, "--samples", "-5"], "-5"),
    (["mc", "preference", *M, "--samples", "1e5"], "1e5"),
    (["mc", "preference", *M, "--offsets", "10:5:1"], "10:5:1"),
    (["mc", "preference", *M, "--offsets", "0:10:0"], "0:10:0"),
    (["mc", "preference", *M, "--offsets", "0:10"], "0:10"),
    (["mc", "preference", *M, "--seed", "-1"], "-1"),
    (["mc", "preference", *M, "--sigma", "0", "--samples", "10"], "0"),
    (["mc", "preference", *M, "--along", "space"], "space"),
    (["mc", "preference", *M, "--offset3", "1,2"], "1,2"),
    (["mc", "preference", *M, "--dist", "cauchy"], "cauchy"),
    (["mc", "preference", *M, "--precision", "fp16"], "fp16"),
    (["mc", "preference", *M, "--dist", "student-t:2", "--samples", "10"], "2"),
    (["mc", "preference", *M, "--dist", "student-t:x"], "x"),
    (["mc", "preference", *M, "--head-dim", "4", "--variances", "1,2,3"], "1,2,3"),
    (["mc", "preference", *M, "--head-dim", "4", "--variances", "1,2,-3,4"], "-3"),
    (["positions", "--method", "hope", "--layout", "video:2x1x1", "--training-seed", "-1"], "-1"),
    (["theory", "preference", *M, "--offset", "1,2,3", "--head-dim", "4", "--variances", "1,2,x,4"], "x"),
    (["theory", "preference", *M, "--offset", "1,2,3", "--head-dim", "4", "--variances", "1,2,-3,4"], "-3"),
    (["theory", "allocation", "--method", "p-rope", "--keep-fraction", "1.5"], "1.5"),
    (["positions", "--method", "hope", "--layout", "video:2x2x2", "--gamma", "x"], "x"),
    (["positions", "--method", "hope", "--layout", "video:2x2x2", "--gamma", "0"], "0"),
    (["positions", "--method", "videorope", "--layout", "video:2x2x2", "--delta", "-2"], "-2"),
    # unknown flag, missing required flag
    (["theory", "allocation", *M, "--bogus"], "--bogus"),
    (["positions", *M, "--layout", "text:3", "--frobnicate", "1"], "--frobnicate"),
    (["theory", "preference", *M], "--offset"),
    # --along, --only-axis, --grid
    (["theory", "first-violation", *M, "--along", "diag"], "diag"),
    (["theory", "first-violation", *M, "--only-axis", "x"], "x"),
    (["theory", "first-violation", *M, "--along", "frames", "--grid", "12"], "12"),
    (["theory", "first-violation", *M, "--along", "frames", "--grid", "0x3"], "0x3"),
    (["theory", "first-violation", *M, "--along", "frames", "--grid", "axb"], "a"),
    (["theory", "first-violation", *M, "--along", "frames", "--grid", "12x12x3"], "12x12x3"),
    (["theory", "critical-length", *M, "--grid", "-1x3"], "-1"),
    # custom allocations
    (["theory", "allocation", "--method", "custom"], "allocation"),
    (["theory", "allocation", "--method", "custom", "--allocation", "t:0-15;h:16-39;w:40-62"], "63"),
    (["theory", "allocation", "--method", "custom", "--allocation", "t:0-15;h:15-39;w:40-63"], "15"),
    (["theory", "allocation", "--method", "custom", "--allocation", "t:0-63;zero:70"], "70"),
    (["theory", "allocation", "--method", "custom", "--allocation", "x:0-63"], "x"),
    (["theory", "preference", "--method", "custom", "--offset", "1,1,1", "--allocation", "t:5-2"], "5-2"),
]


def check_refused(args, token):
    for extra in ([], ["--json"]):
        full = args + extra
        case = show(full)
        rc, out, err = run(full)
        lines = err.splitlines()
        check(case + " exit status", rc == 2, "exit 2", "exit %d" % rc)
        check(case + " stdout", out == "", "nothing on stdout", repr(out[:120]))
        check(case + " one stderr line", len(lines) == 1 and err.endswith("\n"),
              "exactly one line on stderr", repr(err[:300]))
        check(case + " names the bad value", token in err, "stderr naming %r" % token, repr(err.strip()[:200]))
        check(case + " no crash", not any(mark in err for mark in CRASH_MARKS),
              "no crash or stack trace", repr(err[:300]))


def check_bad():
    for args, token in BAD:
        check_refused(args, token)


def check_no_null_numbers():
    # sigma is accepted as "finite > 0", so the answer must be finite numbers (or, if 2 sigma^2
    # overflows, a refusal with exit 2); a JSON null in place of a number is neither.
    for sigma in ("1e200", "1e-200"):
        args = ["theory", "preference", *M, "--offset", "1,2,3", "--sigma", sigma, "--json"]
        rc, out, err = run(args)
        if rc == 2:
            check(show(args), out == "" and len(err.splitlines()) == 1, "a one-line refusal", repr(err))
            continue
        obj = json.loads(out) if rc == 0 else {}
        ok = rc == 0 and SHAPES["preference"]["datasets"](obj.get("datasets"))
        check(show(args), ok, "finite value and by_axis, or exit 2", "exit %d: %s" % (rc, out.strip()[:200]))


def check_fp32_warning():
    # fp32 phases beyond 2^24: the answer comes (exit 0, JSON on stdout) with one warning line.
    args = ["mc", "preference", "--method", "vanilla", "--offsets", "0:40000000:20000000", "--samples", "50",
            "--precision", "fp32", "--json"]
    rc, out, err = run(args)
    lines = err.strip().splitlines()
    check(show(args), rc == 0 and len(lines) == 1 and "warning" in lines[0] and "2^24" in lines[0]
          and out.strip().startswith("{"), "exit 0, JSON, one warning naming 2^24",
          "exit %d, stderr %r" % (rc, err[:200]))


# ------------------------------------------------------------------ empirical vectors

def sidak_z(checks, family_alpha=1e-6):
    level = -math.expm1(math.log1p(-family_alpha) / checks)  # per-check two-sided level
    lo, hi = 0.0, 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if math.erfc(mid / math.sqrt(2)) > level else (lo, mid)
    return hi


def check_empirical(directory):
    """Good runs on pools.h5 (d = 16) and every refusal; write_empirical_pools made the file."""
    pools = os.path.join(directory, "pools.h5")
    text_file = os.path.join(directory, "not_hdf5.h5")
    with open(text_file, "w") as f:
        f.write("q,k\n1,2\n")
    base = ["mc", "preference", "--method", "mrope", "--head-dim", "16", "--offsets", "0:3000:1000"]
    runs = [  # (extra args, datasets, rows)
        (["--samples", "4000", "--dist", "empirical:%s:/queries" % pools], ["/queries"], [400]),
        (["--samples", "4000", "--dist", "empirical:%s:/queries:/keys" % pools, "--eps", "0.5", "--seed", "3"],
         ["/queries", "/keys"], [400, 300]),
    ]
    z_bound = sidak_z(len(runs) * 3)
    checksums = []
    for extra, datasets, rows in runs:
        args = base + extra + ["--json"]
        case = show(args)
        rc, out, err = run(args)
        check(case + " exit", rc == 0 and err == "", "exit 0, empty stderr", "exit %d (%s)" % (rc, err.strip()))
        if rc != 0:
            continue
        obj = json.loads(out)
        for key, pred in SHAPES["mc-preference"].items():
            check(case + " key " + key, key in obj and pred(obj[key]), "documented key '%s'" % key,
                  repr(obj.get(key, "<missing>"))[:200])
        dist = obj["settings"].get("dist")
        check(case + " settings.dist", dist == "empirical:%s:%s" % (pools, ":".join(datasets)),
              "the pools' file and datasets", repr(dist))
        attrs = obj["attributes"]
        for role, n in zip(("query", "key"), rows):
            entry = {k: attrs.get(role + "_pool_" + k) for k in ("rows", "checksum")}
            checksums.append(entry["checksum"])
            check(case + " " + role + " pool", entry["rows"] == n
                  and re.fullmatch(r"fnv1a64:[0-9a-f]{16}", str(entry["checksum"])) is not None,
                  "%d rows, fnv1a64 checksum" % n, repr(entry))
        if len(datasets) == 1:
            check(case + " no key pool", "key_pool_rows" not in attrs, "no key_pool_rows", repr(attrs))
        for k, z in enumerate(obj["datasets"]["z"]["values"]):
            check(case + " |z| at offset %d" % k, abs(z) <= z_bound, "|z| <= %.2f (Sidak, family 1e-6)" % z_bound, z)
        rc, out, err = run(base + extra)
        check(show(base + extra) + " text", rc == 0 and "queries %d rows (fnv1a64:" % rows[0] in out and err == "",
              "exit 0 and a header naming the pool", "exit %d, %r" % (rc, out[:200]))
    check("empirical checksums", len(set(checksums)) == 2 and checksums[0] == checksums[1],
          "one checksum per pool, the same pool the same", repr(checksums))
    args = ["mc", "win-prob", "--method", "mrope", "--head-dim", "16", "--offsets", "0:3000:1000", "--samples", "500",
            "--dist", "empirical:%s:/queries:/keys" % pools, "--json"]
    rc, out, err = run(args)
    ok = rc == 0 and err == ""
    obj = json.loads(out) if ok else {}
    for key, pred in SHAPES["mc-win-prob"].items():
        ok = ok and key in obj and pred(obj[key])
    ok = ok and obj["attributes"].get("key_pool_rows") == 300
    check(show(args), ok, "exit 0, win-prob JSON naming both pools", "exit %d (%s) %r" % (rc, err.strip(), out[:200]))
    # win-prob reads the same flags; its engine is checked in tests/sim.
    spec = "empirical:%s:/queries" % pools
    W = ["mc", "win-prob", "--method", "mrope", "--head-dim", "16", "--offsets", "0:3000:1000", "--samples", "200"]
    P = base + ["--samples", "200"]
    for args, token in [
        (P + ["--dist", "empirical:%s:/queries" % os.path.join(directory, "missing.h5")], "missing.h5"),
        (P + ["--dist", "empirical:%s:/queries" % text_file], "not_hdf5.h5"),
        (P + ["--dist", "empirical:%s:/absent" % pools], "/absent"),
        (P + ["--dist", "empirical:%s:/group" % pools], "/group"),
        (P + ["--dist", "empirical:%s:/rank3" % pools], "/rank3"),
        (P + ["--dist", "empirical:%s:/narrow" % pools], "/narrow"),
        (P + ["--dist", "empirical:%s:/one_row" % pools], "/one_row"),
        (P + ["--dist", "empirical:%s:/int" % pools], "/int"),
        (P + ["--dist", "empirical:%s:/nan" % pools], "row 2, column 3"),
        (P + ["--dist", "empirical:%s:/queries:/narrow" % pools], "/narrow"),
        (P + ["--dist", "empirical:" + pools], "empirical:" + pools),
        (P + ["--dist", "empirical:%s:/a:/b:/c" % pools], "/a:/b:/c"),
        (P + ["--dist", "empirical:"], "empirical:"),
        (P + ["--dist", spec, "--sigma", "2"], "sigma"),
        (P + ["--dist", spec, "--mu", "0.5"], "mu"),
        (P + ["--dist", spec, "--variances", ",".join(["1"] * 16)], "variances"),
        (["mc", "preference", "--method", "mrope", "--samples", "200", "--dist", spec], "16 columns"),
        (P[:-1] + ["1", "--dist", spec], "samples must be >= 2"),
        (W + ["--dist", "empirical:%s:/absent" % pools], "/absent"),
        (W + ["--dist", spec, "--sigma", "2"], "sigma"),
    ]:
        check_refused(args, token)


def main():
    check_help()
    check_good()
    check_bad()
    check_no_null_numbers()
    check_fp32_warning()
    if POOL_WRITER:
        with tempfile.TemporaryDirectory(prefix="hopelab_cli_") as directory:
            rc = subprocess.run([POOL_WRITER, directory]).returncode
            check("write_empirical_pools", rc == 0, "exit 0", "exit %d" % rc)
            if rc == 0:
                check_empirical(directory)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
