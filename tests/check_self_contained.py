#!/usr/bin/env python3
"""The repository cites only itself for its references (docs/references.md).

Usage: check_self_contained.py REPOSITORY_ROOT
Fails (exit 1, one line per hit: file, line, text) when a tracked text file other than this one
  * mentions the shared folder beside the checkout (SHARED below) or its REFERENCES.md,
  * names a relative path (../...) that, resolved from the file's folder, leaves the root.
Also checks that docs/references.md exists, and runs the detector on planted lines first (a
twin that must be flagged), so a detector that matches nothing cannot pass.
"""

import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "ref"))
from check_log import CheckLog  # noqa: E402

SHARED = "/".join(["..", "shared"])  # spelled in parts, so this file does not mention it either
FORBIDDEN = re.compile(re.escape(SHARED) + r"\b|\bREFERENCES\.md")
RELATIVE = re.compile(r"(?:\.\./)+[\w.\-/]*")


def tracked_files(root):
    """Paths relative to root: git's list when root is a checkout, else every file below it."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True, capture_output=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
            found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
        return found


def problems(root, relpath, text):
    """-> [(line number, reason)] for one file's text."""
    found = []
    folder = os.path.dirname(os.path.join(root, relpath))
    for number, line in enumerate(text.splitlines(), 1):
        if FORBIDDEN.search(line):
            found.append((number, "names an outside reference: " + line.strip()))
            continue
        for match in RELATIVE.finditer(line):
            target = os.path.normpath(os.path.join(folder, match.group(0)))
            if os.path.relpath(target, root).startswith(os.pardir):
                found.append((number, "path leaves the repository: " + match.group(0)))
    return found


def main():
    root = os.path.realpath(sys.argv[1])
    me = os.path.relpath(os.path.realpath(__file__), root)
    log = CheckLog(tolerances=False)

    # Twin: planted lines the detector must flag, and one it must not.
    planted = {"see " + SHARED + "/REFERENCES.md": 1, "open('../../../notes.md')": 1, "[x](../docs/theory.md)": 0}
    for line, want in planted.items():
        got = len(problems(root, "tests/ref/planted.py", line))
        log.check("detector on planted %r" % line, got == want, "%d hit(s)" % want, "%d" % got)

    log.check("docs/references.md exists", os.path.isfile(os.path.join(root, "docs", "references.md")),
              "a file", "missing")
    files = [f for f in tracked_files(root) if f != me]
    log.check("tracked files found", len(files) > 50, "> 50 files", len(files))
    for relpath in files:
        try:
            with open(os.path.join(root, relpath), encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # binary (figures, corpora) or a path git lists but the tree lacks
        hits = problems(root, relpath, text)
        log.check(relpath, not hits, "no outside references",
                  "; ".join("line %d %s" % h for h in hits[:3]))
    sys.exit(log.finish())


if __name__ == "__main__":
    main()
