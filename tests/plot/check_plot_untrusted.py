#!/usr/bin/env python3
"""hopelab plot on a hostile results file: a small run whose run names, unit names, method,
axis and dataset-unit strings are rewritten with h5py to hold backticks, system("..."), a
newline followed by `!touch FILE`, a single quote and an escape sequence. `plot` must draw its
figures without creating any marker file, name them with plain file names, print no control
character, and every saved .gp re-run by gnuplot alone must create no marker either. Also: a
figure file that is a FIFO is refused before any figure is replaced; a gnuplot that fails is
exit 2 naming the figure, with no figure left behind and no new directory, and an existing
output directory is left as it was.

usage: check_plot_untrusted.py HOPELAB"""
import os
import re
import stat
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
import h5py  # noqa: E402
from check_log import CheckLog  # noqa: E402

HOPELAB = os.path.abspath(sys.argv[1])
log = CheckLog(tolerances=False)
SPEC = """[experiment]
name = "hostile"
seed = 3

[[run]]
name = "pref"
kind = "preference"
offsets = "0:2000:100"
[run.sweep]
method = ["vanilla", "hope"]

[[run]]
name = "cos"
kind = "cosine-map"
method = "videorope"
axis = "h"
distances = "0:64:4"
"""
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=240, **kw)


def hostile(marker_dir, tag):
    """Every way a string could run a command in a gnuplot script or a shell, each touching a
    marker file of its own."""
    m = lambda k: os.path.join(marker_dir, f"{tag}{k}")  # noqa: E731
    return (f"x`touch {m(1)}`'y\"z $(touch {m(2)}) system(\"touch {m(3)}\")\n!touch {m(4)}\n"
            f"system('touch {m(5)}')\r\x1b[2J\\")


def make_hostile_file(tmp, markers):
    spec = os.path.join(tmp, "hostile.toml")
    with open(spec, "w") as f:
        f.write(SPEC)
    path = os.path.join(tmp, "hostile.h5")
    p = run([HOPELAB, "run", spec, "-o", path])
    if not log.check("hopelab run of the hostile spec", p.returncode == 0, 0, f"{p.returncode}: {p.stderr.strip()}"):
        return None
    with h5py.File(path, "r+") as f:
        for name, group in f["runs"].items():
            group.attrs["run"] = hostile(markers, "run") + group.attrs["run"]
            group.attrs["unit"] = hostile(markers, "unit") + "/" + hostile(markers, "sweep")
            for key in ("method", "axis"):
                if key in group.attrs:
                    group.attrs[key] = hostile(markers, key)
            for dataset in group.values():
                if "unit" in dataset.attrs:
                    dataset.attrs["unit"] = hostile(markers, "dunit")
    return path


def check_plot(tmp, path, markers):
    out = os.path.join(tmp, "figures")
    p = run([HOPELAB, "plot", path, "-o", out], cwd=tmp)
    log.check("plot of the hostile file exits 0", p.returncode == 0, 0, f"{p.returncode}: {p.stderr.strip()}")
    log.check("plot prints no escape character", "\x1b" not in p.stdout + p.stderr, "none",
              repr((p.stdout + p.stderr)[:200]))
    log.check("plot creates no marker file", os.listdir(markers) == [], [], os.listdir(markers))
    names = sorted(os.listdir(out)) if os.path.isdir(out) else []
    log.check("plot drew figures", any(n.endswith(".gp") for n in names), "some .gp", names)
    bad = [n for n in names if not SAFE_NAME.match(n)]
    log.check("every figure file has a plain name", bad == [], [], bad)
    for n in names:
        if not n.endswith(".gp"):
            continue
        with open(os.path.join(out, n), encoding="utf-8", errors="replace") as f:
            script = f.read()
        raw = [line for line in script.splitlines() if line.lstrip().startswith("!") or "\x1b" in line]
        log.check(f"{n}: no shell line and no escape character", raw == [], [], raw[:2])
        # gnuplot alone, from another directory, as a reader would re-render it
        g = run(["gnuplot", os.path.join(out, n)], cwd=markers)
        log.check(f"gnuplot {n} exits 0", g.returncode == 0, 0, f"{g.returncode}: {g.stderr.strip()[:200]}")
        log.check(f"gnuplot {n} creates no marker file", os.listdir(markers) == [], [], os.listdir(markers))


def check_fifo_destination(tmp, path):
    """A figure file that is a FIFO: refused before any figure is replaced, the FIFO kept."""
    out = os.path.join(tmp, "figures")
    names = sorted(n for n in os.listdir(out) if n.endswith(".png")) if os.path.isdir(out) else []
    if not names:
        return
    fifo = os.path.join(out, names[-1])
    os.remove(fifo)
    os.mkfifo(fifo)
    before = {n: os.path.getmtime(os.path.join(out, n)) for n in os.listdir(out) if n != names[-1]}
    p = run([HOPELAB, "plot", path, "-o", out])
    lines = p.stderr.strip().splitlines()
    log.check("plot onto a FIFO figure file: exit 2, one line", p.returncode == 2 and len(lines) == 1
              and "is not a regular file" in lines[0], "exit 2, 'is not a regular file'", f"{p.returncode}: {lines}")
    log.check("plot onto a FIFO figure file: the FIFO is kept", stat.S_ISFIFO(os.stat(fifo).st_mode), "a FIFO",
              "replaced")
    after = {n: os.path.getmtime(os.path.join(out, n)) for n in os.listdir(out) if n != names[-1]}
    log.check("plot onto a FIFO figure file: no other figure replaced, nothing left over", after == before,
              sorted(before), sorted(after))


def check_gnuplot_failure(tmp, path):
    """A gnuplot that fails: exit 2, one line naming the figure, nothing left behind."""
    bin_dir = os.path.join(tmp, "bin")
    os.mkdir(bin_dir)
    fake = os.path.join(bin_dir, "gnuplot")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\ncat >/dev/null\necho 'fake gnuplot: cannot draw' >&2\nexit 1\n")
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IXUSR)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    fresh = os.path.join(tmp, "new", "figures")
    p = run([HOPELAB, "plot", path, "-o", fresh], env=env)
    lines = p.stderr.strip().splitlines()
    log.check("failing gnuplot: exit 2", p.returncode == 2, 2, p.returncode)
    log.check("failing gnuplot: one stderr line naming the figure",
              len(lines) == 1 and "gnuplot failed on figure " in lines[0] and "fake gnuplot" in lines[0],
              "one line 'gnuplot failed on figure NAME: ...'", lines)
    log.check("failing gnuplot: nothing on stdout", p.stdout == "", "", p.stdout)
    parent = os.path.dirname(fresh)
    log.check("failing gnuplot: the new output directories are removed", not os.path.exists(parent), "absent",
              sorted(os.listdir(parent)) if os.path.isdir(parent) else "a file")
    existing = os.path.join(tmp, "existing")
    os.mkdir(existing)
    with open(os.path.join(existing, "keep.txt"), "w") as f:
        f.write("mine\n")
    p = run([HOPELAB, "plot", path, "-o", existing], env=env)
    log.check("failing gnuplot into an existing directory: exit 2", p.returncode == 2, 2, p.returncode)
    log.check("failing gnuplot: the existing directory is left as it was", sorted(os.listdir(existing)) == ["keep.txt"],
              ["keep.txt"], sorted(os.listdir(existing)))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        markers = os.path.join(tmp, "markers")
        os.mkdir(markers)
        path = make_hostile_file(tmp, markers)
        if path is not None:
            check_plot(tmp, path, markers)
            check_fifo_destination(tmp, path)
            check_gnuplot_failure(tmp, path)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
