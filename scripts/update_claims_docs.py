#!/usr/bin/env python3
"""Writes the paper suite's claims into the docs: README.md's claims table and the Table 2 verdicts
of docs/theory-base-bounds.md, each between its markers.

Usage: scripts/update_claims_docs.py HOPELAB RESULTS.h5 [--check]
RESULTS.h5 is what `make run` writes, data/results/paper.h5. README.md's section becomes
`hopelab claims RESULTS.h5 --markdown`; theory-base-bounds.md's a table of the numbers of the
claims t2-<L>-feasible and t2-<L>-minimal (`hopelab claims RESULTS.h5 --json`). With --check,
changes nothing and exits 1 (naming the first differing line) when a section differs from what
the program prints.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def number(x, digits=3):
    """`digits` significant digits in the style of Table 2, 4.29e3; '-' for null."""
    if x is None:
        return "-"
    mantissa, exponent = ("%.*e" % (digits - 1, x)).split("e")
    return "%se%d" % (mantissa, int(exponent))


def base_bound_table(claims):
    """Markdown: one row per Table 2 entry, from the claims t2-<L>-feasible and t2-<L>-minimal."""
    by_id = {c["id"]: c for c in claims}
    entries = [c["id"][3:-len("-feasible")] for c in claims if c["id"].startswith("t2-") and c["id"].endswith("-feasible")]
    lines = ["| L | paper | feasible under every convention | first m with B(m) < 0 at the paper's base "
             "| b\\* furthest from the paper | paper / b\\* | within 5 % |",
             "|---|---|---|---|---|---|---|"]
    for entry in entries:
        feasible, minimal = by_id.get("t2-%s-feasible" % entry), by_id.get("t2-%s-minimal" % entry)
        if minimal is None:
            continue
        first = feasible["violation_at"]
        lines.append("| %s | %s | %s | %s | %s | %.3f | %s |" % (
            entry.upper() if entry.endswith("m") else entry, number(feasible["value"], 2), "yes" if feasible["verdict"] == "holds" else "**no**",
            "-" if first is None else "%d" % first, number(minimal["threshold"]), minimal["ratio"],
            "yes" if minimal["verdict"] == "holds" else "**no**"))
    return "\n".join(lines) + "\n"


def sections(hopelab, results):
    """(file, begin marker, end marker, generated text) of every generated section."""
    run = lambda *args: subprocess.run([hopelab, "claims", results, *args], capture_output=True, text=True,
                                       check=True).stdout
    claims = json.loads(run("--json"))["claims"]
    return [(os.path.join(ROOT, "README.md"), "<!-- claims:begin -->\n", "<!-- claims:end -->\n", run("--markdown")),
            (os.path.join(ROOT, "docs", "theory-base-bounds.md"), "<!-- table2-claims:begin -->\n",
             "<!-- table2-claims:end -->\n", base_bound_table(claims))]


def update(path, begin, end, generated, check):
    """0 when the section is (or now is) `generated`, 1 when --check finds it differs."""
    name = os.path.relpath(path, ROOT)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        print("FAIL: %s needs one %s and one %s after it" % (name, begin.strip(), end.strip()))
        return 1
    head, rest = text.split(begin)
    current, tail = rest.split(end)
    if not check:
        with open(path, "w", encoding="utf-8") as f:
            f.write(head + begin + generated + end + tail)
        return 0
    if current == generated:
        print("ok: %s's section %s is what hopelab prints" % (name, begin.strip()))
        return 0
    ours, theirs = current.splitlines(), generated.splitlines()
    line = next((k for k in range(max(len(ours), len(theirs)))
                 if k >= len(ours) or k >= len(theirs) or ours[k] != theirs[k]), 0)
    print("FAIL: %s's section %s differs from what hopelab prints at its line %d:\n  file:      %r\n"
          "  generated: %r\nrun scripts/update_claims_docs.py build/hopelab data/results/paper.h5"
          % (name, begin.strip(), line + 1, ours[line] if line < len(ours) else None,
             theirs[line] if line < len(theirs) else None))
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hopelab")
    parser.add_argument("results")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    status = 0
    for path, begin, end, generated in sections(args.hopelab, args.results):
        status |= update(path, begin, end, generated, args.check)
    return status


if __name__ == "__main__":
    sys.exit(main())
