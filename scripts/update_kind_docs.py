#!/usr/bin/env python3
"""Writes `hopelab kinds --markdown` into docs/usage.md between its kinds markers.

Usage: scripts/update_kind_docs.py HOPELAB [--check]
With --check, changes nothing and exits 1 (naming the first differing line) when the section
differs from what the program prints: the test `kind_docs` runs it so.
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "usage.md")
BEGIN, END = "<!-- kinds:begin -->\n", "<!-- kinds:end -->\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hopelab")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    generated = subprocess.run([args.hopelab, "kinds", "--markdown"], capture_output=True, text=True, check=True).stdout
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        print("FAIL: docs/usage.md needs one %s and one %s after it" % (BEGIN.strip(), END.strip()))
        return 1
    head, rest = text.split(BEGIN)
    current, tail = rest.split(END)
    if args.check:
        if current == generated:
            print("ok: docs/usage.md's kinds section is what `hopelab kinds --markdown` prints")
            return 0
        ours, theirs = current.splitlines(), generated.splitlines()
        line = next((k for k in range(max(len(ours), len(theirs)))
                     if k >= len(ours) or k >= len(theirs) or ours[k] != theirs[k]), 0)
        print("FAIL: docs/usage.md's kinds section differs from `hopelab kinds --markdown` at its line %d:\n"
              "  docs:      %r\n  generated: %r\nrun scripts/update_kind_docs.py build/hopelab"
              % (line + 1, ours[line] if line < len(ours) else None, theirs[line] if line < len(theirs) else None))
        return 1
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + generated + END + tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
