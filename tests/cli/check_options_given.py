#!/usr/bin/env python3
"""An option that does not apply is refused whenever it is given, at any value, its default
included (docs/usage.md "Options that do not apply"), on the command line as in a spec.

Usage: check_options_given.py PATH/TO/hopelab PATH/TO/tests/batch/options_given.toml
  * every case of options_given.toml (one per option that only some settings read, most given at
    their default): `hopelab unit KIND` with the case's refusing flags and the option's flag is
    refused with the case's message, and with its reading flags accepted (the twin); the same
    keys in a spec's [[run]], under `hopelab run --dry-run`, likewise (an empty value, which the
    command line refuses as such, only in the spec);
  * the other front ends of the same rule, each with a twin: `mc preference` (a computing
    command), `bench mc` (method flags outside a kind), `bench vlm` (the flags of a method inside
    the VLM) and a vlm-frame-match unit (the VLM's method in a spec);
  * a bool flag: alone or as --flag=true it is true, as --flag=false false (given at its
    default), anything else refused;
  * a sweep over methods of which one does not read an option given beside it, and a sweep over
    the option itself: refused naming the unit.
Every refusal: exit 2, nothing on stdout, exactly one stderr line, "hopelab: error: " and the
message. Prints one FAIL line per failed check (tests/ref/check_log.py) and exits 1 if any failed.
"""

import json
import os
import subprocess
import sys
import tempfile
import tomllib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
CASES = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "batch",
                                                           "options_given.toml")
log = CheckLog(tolerances=False)


def run(args, timeout=120):
    try:
        return subprocess.run([CLI] + args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def refused(case, args, message):
    """Exit 2, nothing on stdout, one stderr line 'hopelab: error: ...' holding `message`."""
    p = run(args)
    expected = f"exit 2, one line 'hopelab: error: ...{message}...'"
    if p is None:
        log.fail(case, expected, "timed out")
        return
    lines = p.stderr.splitlines()
    ok = (p.returncode == 2 and not p.stdout and len(lines) == 1 and lines[0].startswith("hopelab: error: ")
          and message in lines[0])
    log.check(case, ok, expected, f"exit {p.returncode}, stdout {p.stdout[:100]!r}, stderr {p.stderr[:300]!r}")


def accepted(case, args):
    p = run(args)
    log.check(case, p is not None and p.returncode == 0, "exit 0",
              "timed out" if p is None else f"exit {p.returncode}, stderr {p.stderr.strip()[-300:]!r}")


def flag_text(value):
    """A value as a flag gives it: numbers as TOML wrote them, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(flag_text(v) for v in value)
    return str(value)


def flags(keys):
    """--kebab-case VALUE for each key; a bool field's flag takes its value as --flag=VALUE."""
    out = []
    for key, value in keys.items():
        name = "--" + key.replace("_", "-")
        out += [f"{name}={flag_text(value)}"] if isinstance(value, bool) else [name, flag_text(value)]
    return out


def toml_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    return repr(value)


def spec_text(kind, keys, sweep=None):
    text = f'[experiment]\nname = "given"\n[[run]]\nname = "r"\nkind = "{kind}"\n'
    text += "".join(f"{k} = {toml_text(v)}\n" for k, v in keys.items())
    if sweep:
        text += "[run.sweep]\n" + "".join(f"{k} = {toml_text(v)}\n" for k, v in sweep.items())
    return text


def main():
    with open(CASES, "rb") as f:
        cases = tomllib.load(f)["case"]
    log.check("options_given.toml: a case per option", len(cases) >= 23, ">= 23 cases", len(cases))
    with tempfile.TemporaryDirectory(prefix="hopelab-given-") as tmp:
        counter = [0]

        def spec(*args, **kwargs):
            counter[0] += 1
            path = os.path.join(tmp, f"s{counter[0]}.toml")
            with open(path, "w") as f:
                f.write(spec_text(*args, **kwargs))
            return path

        # ---- every case: the command line and a spec, refused where it does not apply ----------
        for c in cases:
            given = {c["field"]: c["value"]}
            name = f"{c['field']} = {toml_text(c['value'])}"
            refusing, reading = dict(c["refusing"], **given), dict(c["reading"], **given)
            kind = c.get("kind", "preference")
            if c["value"] == "":  # the command line gives no empty value, wherever it applies
                flag = "--" + c["field"].replace("_", "-")
                refused(f"{name} on the command line beside {c['reading']}", ["unit", kind] + flags(reading),
                        f"{flag}: empty value")
            else:
                refused(f"{name} on the command line beside {c['refusing']}", ["unit", kind] + flags(refusing),
                        c["message"])
                accepted(f"{name} on the command line beside {c['reading']} (twin)",
                         ["unit", kind] + flags(reading))
            refused(f"{name} in a spec beside {c['refusing']}", ["run", spec(kind, refusing), "--dry-run"],
                    c["message"])
            accepted(f"{name} in a spec beside {c['reading']} (twin)", ["run", spec(kind, reading), "--dry-run"])

        # ---- the other front ends ----------------------------------------------------------------
        mc = ["mc", "preference", "--samples", "100", "--offsets", "0:10:5"]
        refused("mc preference --fps 1 with vanilla", mc + ["--method", "vanilla", "--fps", "1"],
                "fps = 1 does not apply to method vanilla (flat design): only the qwen25vl design read it")
        accepted("mc preference --fps 1 with the qwen25vl design (twin)",
                 mc + ["--method", "mrope", "--design", "qwen25vl", "--fps", "1"])
        bench = ["bench", "mc", "--samples", "100", "--offsets", "2", "--win-samples", "100", "--win-offsets", "2",
                 "--repeats", "1", "--backend", "cpu"]
        refused("bench mc --keep-fraction 0.75 with mrope", bench + ["--method", "mrope", "--keep-fraction", "0.75"],
                "keep_fraction = 0.75 does not apply to method mrope")
        accepted("bench mc --keep-fraction 0.75 with p-rope (twin)",
                 bench + ["--method", "p-rope", "--keep-fraction", "0.75"])
        vlm = ["bench", "vlm", "--preset", "tiny", "--tokens", "8", "--decode-steps", "1", "--repeats", "1",
               "--backend", "cpu"]
        refused("bench vlm --timestamp-tokens 6 with mrope", vlm + ["--method", "mrope", "--timestamp-tokens", "6"],
                "timestamp_tokens = 6 does not apply to method mrope")
        accepted("bench vlm --timestamp-tokens 6 with qwen3vl (twin)",
                 vlm + ["--method", "qwen3vl", "--timestamp-tokens", "6"])
        frame_match = {"preset": "tiny", "frames": 2, "grid": "1x1"}
        refused("vlm-frame-match spec: kv_heads = 8 with mrope",
                ["run", spec("vlm-frame-match", dict(frame_match, method="mrope", kv_heads=8)), "--dry-run"],
                "kv_heads = 8 does not apply to method mrope")
        accepted("vlm-frame-match spec: spatial_reset = false with mrope (twin)",
                 ["run", spec("vlm-frame-match", dict(frame_match, method="mrope", spatial_reset=False)), "--dry-run"])

        # A bool flag gives false as --flag=false (the default, given), true alone or as --flag=true.
        unit = ["unit", "preference", "--offsets", "0:2:1", "--json"]
        for given, expected in ((["--spatial-reset=false"], False), (["--spatial-reset"], True),
                                (["--spatial-reset=true"], True)):
            p = run(unit + ["--method", "mrope"] + given)
            actual = json.loads(p.stdout)["settings"]["spatial_reset"] if p is not None and p.returncode == 0 else p
            log.check(f"mrope {' '.join(given)}: spatial_reset", actual is expected, expected, actual)
        refused("--spatial-reset=no", unit + ["--method", "mrope", "--spatial-reset=no"],
                "spatial_reset: expected true or false, got 'no'")

        # ---- sweeps ------------------------------------------------------------------------------
        refused("a sweep over methods, keep_fraction beside it",
                ["run", spec("preference", {"keep_fraction": 0.75}, sweep={"method": ["p-rope", "mrope"]}),
                 "--dry-run"], "(unit r/method=mrope): keep_fraction = 0.75 does not apply to method mrope")
        accepted("the same sweep split: p-rope alone with keep_fraction (twin)",
                 ["run", spec("preference", {"keep_fraction": 0.75}, sweep={"method": ["p-rope"]}), "--dry-run"])
        refused("a sweep over keep_fraction with mrope",
                ["run", spec("preference", {"method": "mrope"}, sweep={"keep_fraction": [0.75]}), "--dry-run"],
                "keep_fraction = 0.75 does not apply to method mrope")
        accepted("a sweep over keep_fraction with p-rope (twin)",
                 ["run", spec("preference", {"method": "p-rope"}, sweep={"keep_fraction": [0.5, 0.75]}), "--dry-run"])

    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
