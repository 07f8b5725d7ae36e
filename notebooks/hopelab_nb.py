"""Shared helpers of the hopelab notebooks: where the binary and the results file are, running
the CLI, and reading a results file (docs/hdf5-format.md) with h5py.

HOPELAB_BIN     the hopelab binary (default: build/hopelab under the repository root)
HOPELAB_RESULTS a results file (default: data/results/paper.h5, made by `make run`); when it is
                absent, the notebook makes a small one beside it from notebooks/specs/<spec>.toml
"""
import os
import subprocess
import textwrap
from pathlib import Path

import h5py

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "notebooks" / "specs"


def hopelab_bin():
    """The hopelab binary: $HOPELAB_BIN, else build/hopelab; refuses a missing one."""
    path = Path(os.environ.get("HOPELAB_BIN", ROOT / "build" / "hopelab"))
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise FileNotFoundError(f"no hopelab binary at {path}: run `make build` or set HOPELAB_BIN")
    return path


def hopelab(*args):
    """Runs `hopelab ARGS...` and returns its stdout; a non-zero exit raises with its stderr."""
    done = subprocess.run([str(hopelab_bin()), *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"hopelab {' '.join(map(str, args))} exited {done.returncode}:\n"
                           f"{done.stderr}")
    return done.stdout


def results_path(spec):
    """$HOPELAB_RESULTS (default data/results/paper.h5) when it exists; otherwise runs the small
    spec notebooks/specs/<spec>.toml into <that file's directory>/<spec>.h5 and returns that."""
    path = Path(os.environ.get("HOPELAB_RESULTS", ROOT / "data" / "results" / "paper.h5"))
    if path.exists():
        print(f"results file: {path}")
        return path
    small = path.parent / f"{spec}.h5"
    small.parent.mkdir(parents=True, exist_ok=True)
    print(f"{path} is absent: running the small spec notebooks/specs/{spec}.toml")
    print(hopelab("run", SPECS / f"{spec}.toml", "-o", small, "--force").strip())
    print(f"results file: {small}")
    return small


def open_results(path):
    """Opens a hopelab results file read-only after checking its type and format major (1)."""
    f = h5py.File(path, "r")
    if f.attrs.get("filetype") != "hopelab-results" or f.attrs["format_version"][0] != 1:
        f.close()
        raise ValueError(f"{path} is not a hopelab results file of format 1.x")
    return f


def units(f, run=None, kind=None):
    """The unit groups of /runs (file order) whose `run` / `kind` attributes match."""
    return [g for g in f["runs"].values()
            if (run is None or g.attrs["run"] == run) and (kind is None or g.attrs["kind"] == kind)]


def require_units(f, run):
    """units(f, run), refusing a file without them (a results file of another spec)."""
    found = units(f, run=run)
    if not found:
        raise KeyError(f"{f.filename} has no units of run {run!r}: use data/results/paper.h5 "
                       f"or a file of notebooks/specs/")
    return found


def scalar(group, name):
    """The one value of a single-number dataset (first violations, bases, lengths) as a number:
    rank 0 in files of format 1.1, shape (1,) in files of 1.0 (h5py reads both with [()])."""
    return group[name][()].item()


def claims(f):
    """The /claims table as a list of dicts (column -> string, or number for value, threshold,
    ratio, violation_at), [] when the file has none."""
    if "claims" not in f:
        return []
    table = f["claims"]
    columns = {name: table[name].asstr()[()] if h5py.check_string_dtype(table[name].dtype) else table[name][()]
               for name in table}
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def show_claims(f, source_contains):
    """Prints the claims whose source contains any of the given strings, one block each."""
    shown = [c for c in claims(f) if any(s in c["source"] for s in source_contains)]
    if not shown:
        raise KeyError(f"{f.filename} has no claims from {source_contains}")
    for c in shown:
        print(f"[{c['verdict'].upper()}] {c['id']} ({c['source']})")
        for label in ("statement", "computed", "monte_carlo", "assumption", "why"):
            if c.get(label) and c[label] != "-":
                print(textwrap.fill(c[label], 100, initial_indent=f"    {label}: ",
                                    subsequent_indent=" " * 8))
    return shown


def wilson_interval(rate, trials, z=1.959963984540054):
    """The 95 % Wilson score interval (low, high) of a rate measured over `trials` samples: the p
    whose score test |k/n - p| <= z sqrt(p (1 - p) / n) accepts k = rate * n (theory/binomial.h,
    which the command-line tables use)."""
    n = int(round(trials))
    if n < 1:
        return 0.0, 1.0
    p = round(rate * n) / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return max(0.0, centre - half), min(1.0, centre + half)


def print_table(header, rows):
    """Prints rows (sequences of values) under a header, columns padded to their widest cell."""
    cells = [list(map(str, header))] + [[str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
