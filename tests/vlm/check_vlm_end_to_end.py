#!/usr/bin/env python3
"""End-to-end checks of the C++ VLM through the CLI (docs/vlm.md "End-to-end checks").

usage: check_vlm_end_to_end.py HOPELAB

1. hopelab's logits equal the independent NumPy reference (tests/ref/vlm_reference.py compare,
   its derived float32 tolerance) for vanilla, mrope, mrope-interleave, videorope and hope; a
   wrong method must fail the comparison (the twin).
2. hopelab's mrope logits equal transformers' Qwen2VLForConditionalGeneration on the committed
   golden (tests/ref/golden/hopelab_tiny_seed1.json) within twice the reference's tolerance:
   transformers' float64 run still computes norms, softmax and rotary phases in float32, so its
   own error is of the order of one float32 evaluation.
3. `hopelab vlm positions` (the positions inside the model) equal `hopelab positions --layout` of
   the layout the model read, for every method (one code path).
4. `hopelab vlm check --all-methods` passes (cached decode, shift invariance, positions, the
   semantic preference on layer 0), and generation is deterministic.
5. Bad inputs exit 2 with one line naming the value.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ref"))
from check_log import CheckLog  # noqa: E402
from vlm_ref_safetensors import read_safetensors  # noqa: E402

REFERENCE = os.path.join(HERE, "..", "ref", "vlm_reference.py")
GOLDEN = os.path.join(HERE, "..", "ref", "golden", "hopelab_tiny_seed1.json")
METHODS = ["vanilla", "mrope", "mrope-interleave", "videorope", "hope"]
log = CheckLog(tolerances=False)


def run(cmd, expect=0):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != expect:
        log.fail(" ".join(cmd), "exit %d" % expect, "exit %d: %s" % (p.returncode, (p.stdout + p.stderr).strip()[-400:]))
    return p


def check(name, ok, detail):
    if log.check(name, ok, "pass", detail):
        print("ok   %s: %s" % (name, detail))


def main():
    hopelab = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="vlm_e2e_")
    model, prompt = os.path.join(tmp, "tiny"), os.path.join(tmp, "input.safetensors")
    # The golden's commands (its provenance): seed 1 checkpoint, seed 1 default prompt.
    run([hopelab, "vlm", "init", "--preset", "tiny", "--seed", "1", "-o", model])
    run([hopelab, "vlm", "input", "--model", model, "--seed", "1", "-o", prompt])

    tolerances = {}
    for m in METHODS:
        out = os.path.join(tmp, "logits_%s.safetensors" % m)
        run([hopelab, "vlm", "logits", "--model", model, "--input", prompt, "--method", m, "-o", out])
        p = run([sys.executable, REFERENCE, "compare", "--model", model, "--input", prompt, "--method", m,
                 "--logits", out])
        r = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {}
        tolerances[m] = r.get("tolerance", 0.0)
        check("numpy reference %s" % m, r.get("ok") is True,
              "worst %s: hopelab %s, reference %s, error %.3g, tolerance %.3g"
              % (r.get("worst_index"), r.get("actual"), r.get("expected"), r.get("error", -1), r.get("tolerance", -1)))
    # Twin: hopelab's hope logits against the reference's mrope must fail (exit 1).
    p = run([sys.executable, REFERENCE, "compare", "--model", model, "--input", prompt, "--method", "mrope",
             "--logits", os.path.join(tmp, "logits_hope.safetensors")], expect=1)
    check("twin: hope logits fail the mrope reference", p.returncode == 1, "exit %d" % p.returncode)

    golden = json.load(open(GOLDEN))
    logits = read_safetensors(os.path.join(tmp, "logits_mrope.safetensors"))[0]["logits"]
    c0, c1 = golden["columns"]
    worst, where = 0.0, None
    for row, expected in zip(golden["rows"], golden["logits_float64"]):
        for j, e in enumerate(expected):
            err = abs(float(logits[row][c0 + j]) - e)
            if err > worst:
                worst, where = err, (row, c0 + j)
    tol = 2 * tolerances["mrope"]
    check("transformers golden (mrope)", worst <= tol and tol > 0,
          "worst %s error %.3g, tolerance %.3g (transformers %s)" % (where, worst, tol, golden["provenance"]["transformers"]))
    argmax = [int(max(range(len(logits[r])), key=lambda j: logits[r][j])) for r in golden["rows"]]
    check("transformers golden argmax", argmax == golden["full_row_argmax_float64"],
          "hopelab %s, transformers %s" % (argmax, golden["full_row_argmax_float64"]))

    for m in METHODS + ["hope --gamma 0.5"]:
        flags = m.split()
        inside = json.loads(run([hopelab, "vlm", "positions", "--model", model, "--input", prompt, "--method"] + flags).stdout)
        outside = json.loads(run([hopelab, "positions", "--layout", inside["layout"], "--json", "--method"] + flags).stdout)
        same = all(inside[a] == outside["datasets"][a]["values"] for a in "thw")
        check("positions %s" % m, same, "layout %s, %d tokens" % (inside["layout"], len(inside["t"])))

    # The same weights written as shards with an index load to the same logits.
    sharded = os.path.join(tmp, "tiny_sharded")
    run([hopelab, "vlm", "init", "--preset", "tiny", "--seed", "1", "--max-shard-bytes", "400000", "-o", sharded])
    shards = [f for f in os.listdir(sharded) if f.endswith(".safetensors")]
    out = os.path.join(tmp, "logits_sharded.safetensors")
    run([hopelab, "vlm", "logits", "--model", sharded, "--input", prompt, "--method", "mrope", "-o", out])
    same = os.path.exists(out) and (read_safetensors(out)[0]["logits"] == logits).all()
    check("sharded checkpoint", len(shards) > 1 and os.path.exists(os.path.join(sharded, "model.safetensors.index.json"))
          and same, "%d shards, logits identical: %s" % (len(shards), same))

    p = run([hopelab, "vlm", "check", "--model", model, "--all-methods", "--json"])
    report = json.loads(p.stdout) if p.stdout else {"passed": False, "checks": []}
    verdicts = sorted({c["verdict"] for c in report["checks"]})
    check("vlm check --all-methods", report["passed"] and len(report["checks"]) == 20 and verdicts == ["pass"],
          "%d checks, verdicts %s" % (len(report["checks"]), verdicts))
    a = run([hopelab, "vlm", "generate", "--model", model, "--input", prompt, "--method", "hope", "--json"]).stdout
    b = run([hopelab, "vlm", "generate", "--model", model, "--input", prompt, "--method", "hope", "--json"]).stdout
    check("generate is deterministic", a == b and len(json.loads(a)["tokens"]) >= 1, a.strip())

    for args, needle in [(["--method", "rope-9d"], "rope-9d"), (["--gamma", "-1", "--method", "hope"], "-1"),
                         (["--sections", "1,2"], "1,2")]:
        p = run([hopelab, "vlm", "logits", "--model", model, "--input", prompt, "-o", os.path.join(tmp, "bad.st")] + args,
                expect=2)
        lines = p.stderr.strip().splitlines()
        check("bad %s" % " ".join(args), len(lines) == 1 and needle in lines[0] and not os.path.exists(os.path.join(tmp, "bad.st")),
              p.stderr.strip())

    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
