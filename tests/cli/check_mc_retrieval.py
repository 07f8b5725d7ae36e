#!/usr/bin/env python3
"""Command-line behaviour of `hopelab mc retrieval` (single-head needle retrieval).

Usage: check_mc_retrieval.py PATH/TO/hopelab
  * --json prints exactly one JSON object, the record of one mc-retrieval unit: its settings
    (method, samples, sigma, eps, ...), seed, provenance (rng, backend) and datasets with one row
    per (frames, depth) of the grid, in order (frame_count only for a range of frames), each with
    keys, needle frame round(depth (F - 1)), mass in [0, 1], hit rates in [0, 1], standard errors
    and n; exit 0, nothing on stderr. Without --json, a table with one row per point.
  * --help exits 0 with a usage text.
  * every bad input (zero frames, bad ranges, depth outside [0, 1], period < 1, a needle cell
    outside the grid, non-numeric values, no text after the video, too few samples, bad
    precision, missing required flags) exits 2 with nothing on stdout and exactly one stderr
    line naming the bad value; with and without --json.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import math
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
log = CheckLog(tolerances=False)
check = log.check
CRASH_MARKS = ("terminate called", "what()", "Traceback", "Aborted", "core dumped",
               "Segmentation fault", "stack trace", "Assertion", "#0 ")
BASE = ["mc", "retrieval"]


def run(args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def show(args):
    return "hopelab " + " ".join("'%s'" % a if (" " in a or a == "") else a for a in args)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_rate(v):
    return is_number(v) and 0 <= v <= 1


# (arguments, expected frames counts, expected depths, similar distractors present)
GOOD = [
    (["--method", "hope", "--frames", "4", "--grid", "2x2", "--samples", "50", "--head-dim", "16"],
     [4], [0.5], False),
    (["--method", "mrope", "--frames", "2:8:3", "--grid", "2x3", "--depth", "0,0.5,1", "--samples", "40",
      "--head-dim", "16", "--text-before", "0", "--text-after", "1", "--seed", "7"], [2, 5], [0, 0.5, 1], False),
    (["--method", "videorope", "--frames", "6", "--grid", "2x2", "--depth", "1", "--samples", "30",
      "--head-dim", "16", "--similar-distractor-period", "2", "--eps", "0.3", "--sigma", "0.5",
      "--needle-cell", "0,1", "--precision", "fp32"], [6], [1], True),
    (["--method", "vanilla", "--frames", "3", "--grid", "1x1", "--samples", "20", "--head-dim", "8"],
     [3], [0.5], False),
]


def check_point(case, p, frames, depth, args, similar):
    check(case + " point frames/depth", p.get("frames") == frames and p.get("depth") == depth,
          "frames %d, depth %g" % (frames, depth), "%r, %r" % (p.get("frames"), p.get("depth")))
    check(case + " needle frame", p.get("needle_frame") == int(math.floor(depth * (frames - 1) + 0.5)),
          "round(depth (F - 1))", repr(p.get("needle_frame")))
    check(case + " keys", is_int(p.get("keys")) and p["keys"] >= 1, "an integer >= 1", repr(p.get("keys")))
    check(case + " mass", is_rate(p.get("mass")), "a number in [0, 1]", repr(p.get("mass")))
    check(case + " hit rate", is_rate(p.get("hit_rate")), "a number in [0, 1]", repr(p.get("hit_rate")))
    for key in ("mass_standard_error", "hit_standard_error", "n"):
        check(case + " " + key, is_number(p.get(key)) and p[key] >= 0, "a number >= 0", repr(p.get(key)))
    samples = int(args[args.index("--samples") + 1])
    check(case + " n", p.get("n") == samples, samples, repr(p.get("n")))
    offset = p.get("needle_offset")
    check(case + " needle offset", isinstance(offset, list) and len(offset) == 3 and all(map(is_number, offset)),
          "[t, h, w]", repr(offset))
    if similar:
        check(case + " similar", is_int(p.get("similar_distractors")) and p["similar_distractors"] >= 1
              and is_rate(p.get("similar_hit_rate")) and is_number(p.get("similar_hit_standard_error")),
              "similar count >= 1 and its hit rate", repr(p)[:200])
    else:
        check(case + " no similar", p.get("similar_distractors") == 0 and p.get("similar_hit_rate") == 1,
              "0 similar and a rate of 1", repr(p)[:200])


def record_points(obj):
    """The rows of a record's datasets as one dict each (frames from frame_count, or the setting)."""
    data = {name: d["values"] for name, d in obj["datasets"].items()}
    points = []
    for k in range(len(data.get("depth", []))):
        p = {name: v[k] for name, v in data.items() if name not in ("needle_offset", "frame_count")}
        p["needle_offset"] = data["needle_offset"][3 * k:3 * k + 3]
        p["frames"] = data["frame_count"][k] if "frame_count" in data else obj["settings"]["frames"]
        points.append(p)
    return points, "frame_count" in data


def check_good():
    for args, frames_list, depths, similar in GOOD:
        full = BASE + args + ["--json"]
        case = show(full)
        rc, out, err = run(full)
        check(case + " exit", rc == 0, "exit 0", "exit %d (%s)" % (rc, err.strip()))
        check(case + " stderr", err == "", "empty stderr", repr(err[:200]))
        try:
            obj = json.loads(out)
        except ValueError as e:
            check(case + " JSON", False, "one JSON object", "%r (%s)" % (out[:200], e))
            continue
        method = args[args.index("--method") + 1]
        if not check(case + " record", isinstance(obj, dict) and obj.get("kind") == "mc-retrieval"
                     and all(k in obj for k in ("seed", "settings", "attributes", "datasets", "provenance")),
                     "the record of an mc-retrieval unit", repr(obj)[:200]):
            continue
        settings, provenance = obj["settings"], obj["provenance"]
        check(case + " method", settings.get("method") == method, method, repr(settings.get("method")))
        check(case + " rng", provenance.get("rng") == "philox4x32-10", "philox4x32-10", repr(provenance.get("rng")))
        check(case + " backend", provenance.get("backend") in ("cpu-omp", "cuda"), "cpu-omp or cuda",
              repr(provenance.get("backend")))
        check(case + " seed", is_int(obj.get("seed")), "an integer", repr(obj.get("seed")))
        check(case + " samples", is_int(settings.get("samples")), "an integer", repr(settings.get("samples")))
        for key in ("sigma", "eps"):
            check(case + " " + key, is_number(settings.get(key)), "a number", repr(settings.get(key)))
        points, has_frame_count = record_points(obj)
        grid = [(f, d) for f in frames_list for d in depths]
        ranged = ":" in args[args.index("--frames") + 1]
        check(case + " frame_count", has_frame_count == ranged, "a frame_count dataset only for a range",
              "present" if has_frame_count else "absent")
        if not check(case + " points", len(points) == len(grid), "%d points" % len(grid), repr(points)[:200]):
            continue
        for p, (frames, depth) in zip(points, grid):
            check_point(case, p, frames, depth, args, similar)
        rc, out, err = run(BASE + args)
        case = show(BASE + args)
        rows = out.strip().splitlines()
        check(case + " table", rc == 0 and err == "" and len(rows) == 2 + len(grid),
              "exit 0, a header, column names and %d rows" % len(grid), "exit %d, %r" % (rc, out[:200]))


def check_determinism():
    args = BASE + ["--method", "hope", "--frames", "3", "--grid", "2x2", "--samples", "30", "--head-dim", "16",
                   "--json"]
    first, second = (json.loads(run(args)[1] or "{}").get("datasets") for _ in range(2))
    check(show(args) + " repeated", first == second and first, "identical datasets", "differ")


def check_help():
    rc, out, _ = run(BASE + ["--help"])
    check(show(BASE + ["--help"]), rc == 0 and "Usage" in out and "--similar-distractor-period" in out,
          "exit 0 with a usage text", "exit %d, %r" % (rc, out[:80]))


M = ["--method", "hope", "--grid", "2x2", "--samples", "20", "--head-dim", "16"]
BAD = [
    (BASE + M + ["--frames", "0"], "0"),
    (BASE + M + ["--frames", "0:4:2"], "0"),
    (BASE + M + ["--frames", "5:2:1"], "5:2:1"),
    (BASE + M + ["--frames", "2:8:0"], "2:8:0"),
    (BASE + M + ["--frames", "2:8"], "2:8"),
    (BASE + M + ["--frames", "x"], "x"),
    (BASE + M + ["--frames", "-3"], "-3"),
    (BASE + M + ["--frames", "4", "--depth", "1.5"], "1.5"),
    (BASE + M + ["--frames", "4", "--depth", "-0.1"], "-0.1"),
    (BASE + M + ["--frames", "4", "--depth", "0.5,abc"], "abc"),
    (BASE + M + ["--frames", "4", "--depth", "nan"], "nan"),
    (BASE + M + ["--frames", "4", "--similar-distractor-period", "0"], "0"),
    (BASE + M + ["--frames", "4", "--similar-distractor-period", "-2"], "-2"),
    (BASE + M + ["--frames", "4", "--needle-cell", "2,0"], "2"),
    (BASE + M + ["--frames", "4", "--needle-cell", "0,7"], "7"),
    (BASE + M + ["--frames", "4", "--needle-cell", "middle"], "middle"),
    (BASE + M + ["--frames", "4", "--text-after", "0"], "0"),
    (BASE + M + ["--frames", "4", "--text-before", "-1"], "-1"),
    (BASE + M + ["--frames", "4", "--precision", "fp16"], "fp16"),
    (BASE + ["--method", "hope", "--grid", "0x2", "--frames", "4"], "0x2"),
    (BASE + ["--method", "hope", "--grid", "2", "--frames", "4"], "2"),
    (BASE + ["--method", "hope", "--grid", "2x2", "--frames", "4", "--samples", "1"], "1"),
    (BASE + ["--method", "hope", "--grid", "2x2", "--frames", "4", "--eps", "-1"], "-1"),
    (BASE + ["--method", "rope9", "--grid", "2x2", "--frames", "4"], "rope9"),
    (BASE + ["--method", "hope", "--grid", "2x2"], "--frames"),
    (BASE + ["--method", "hope", "--frames", "4"], "--grid"),
    (BASE + ["--method", "hope", "--grid", "2x2", "--frames", "99999999999"], "99999999999"),
]


def check_bad():
    for args, token in BAD:
        for extra in ([], ["--json"]):
            full = args + extra
            case = show(full)
            rc, out, err = run(full)
            lines = err.splitlines()
            check(case + " exit status", rc == 2, "exit 2", "exit %d" % rc)
            check(case + " stdout", out == "", "nothing on stdout", repr(out[:120]))
            one_line = len(lines) == 1 and err.endswith("\n") and lines[0].startswith("hopelab: error: ")
            check(case + " one stderr line", one_line, "exactly one 'hopelab: error:' line on stderr", repr(err[:300]))
            check(case + " names the bad value", token in err, "stderr naming %r" % token, repr(err.strip()[:200]))
            check(case + " no crash", not any(mark in err for mark in CRASH_MARKS),
                  "no crash or stack trace", repr(err[:300]))


def main():
    check_help()
    check_good()
    check_determinism()
    check_bad()
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
