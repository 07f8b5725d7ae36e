#!/usr/bin/env python3
"""Writes the claims table of the paper suite's results into README.md between its claims markers.

Usage: scripts/update_claims_docs.py HOPELAB RESULTS.h5 [--check]
RESULTS.h5 is what `make run` writes, data/results/paper.h5; the section becomes
`hopelab claims RESULTS.h5 --markdown`. With --check, changes nothing and exits 1 (naming the
first differing line) when a section differs from what the program prints.
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sections(hopelab, results):
    """(file, begin marker, end marker, generated text) of every generated section."""
    claims = subprocess.run([hopelab, "claims", results, "--markdown"], capture_output=True, text=True, check=True)
    return [(os.path.join(ROOT, "README.md"), "<!-- claims:begin -->\n", "<!-- claims:end -->\n", claims.stdout)]


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
