#!/usr/bin/env python3
"""The hopelab results file read by tools that share no code with hopelab (h5py, h5dump), and
the hopelab inspect / merge commands.

Usage: check_h5py_reads.py PATH/TO/hopelab PATH/TO/write_sample_results [PATH/TO/h5dump]
  * write_sample_results writes a sample file (tests/results/write_sample_results.cpp); h5py
    reads EVERY root attribute, run group, attribute and dataset back and compares it with the
    content recomputed here (types, shapes, units, descriptions, values bit for bit, compression);
  * h5dump reads the file (exit 0);
  * hopelab inspect prints it (text and one JSON object); hopelab merge of the two shards gives
    an h5dump equal to the single-process file's apart from created_utc;
  * bad inputs to inspect and merge (missing, not HDF5, wrong filetype or version, files of
    different runs, conflicting units, an existing output) exit 2 with one stderr line and
    nothing on stdout.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

CLI, WRITER = sys.argv[1], sys.argv[2]
H5DUMP = sys.argv[3] if len(sys.argv) > 3 else "h5dump"
log = CheckLog(tolerances=False)
check = log.check

ROOT = ["filetype", "format_version", "hopelab_version", "git_commit", "git_dirty", "created_utc", "host",
        "backend", "device", "compute_capability", "driver_version", "runtime_version", "instruction_set", "rng", "seed",
        "spec_name", "spec_text", "units_total", "shard",
        "ranks"]
SPEC_TEXT = ('[experiment]\nname = "sample"\nseed = 1234\n[[run]]\nname = "fv"\nkind = "first-violation"\n'
             '[run.sweep]\nmethod = ["vanilla", "mrope", "videorope", "hope"]\n')


def expected_unit(k):
    """Unit k of the sample, as write_sample_results.cpp writes it: (attributes, datasets)."""
    attributes = [("unit_index", np.int64(k)), ("attribute_units", ["head_dim=1", "base=1", "offsets=position"]),
                  ("head_dim", np.int64(64 + k)), ("base", np.float64(10000.5 + k)),
                  ("method", "mrope-\u00e9"), ("offsets", np.array([0.5 * k, 1.5, -2.25])),
                  ("layout", np.array([k, 2, 3], dtype=np.int64)), ("nothing", None)]
    datasets = [("mean", "1", "mean preference", np.arange(12).reshape(3, 4) * 0.25 + k),
                ("counts", "samples", "samples per offset", np.array([i * i - k for i in range(5)], dtype=np.int64)),
                ("labels", "", "row labels", ["a", "b%d" % k, "\u00fc"]),
                ("empty", "s", "no timings", np.zeros(0)),
                ("total", "1", "one number", np.array(2.5 + k)),  # rank 0: h5py shape ()
                ("first", "token", "one integer", np.array(40 + k, dtype=np.int64))]
    if k == 0:
        datasets.append(("big", "s", "compressed numbers", ((np.arange(30000) % 977) * 0.125 - 3.0).reshape(100, 300)))
    return attributes, datasets


def as_text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def check_root(f, where, shard):
    check(where + " root attributes in order", list(f.attrs.keys()) == ROOT, ROOT, list(f.attrs.keys()))
    a = f.attrs
    check(where + " filetype", as_text(a["filetype"]) == "hopelab-results", "hopelab-results", a["filetype"])
    v = a["format_version"]
    check(where + " format_version", v.dtype == np.int64 and list(v) == [1, 2], "int64 [1, 2]", repr(v))
    for name in ["hopelab_version", "git_commit", "created_utc", "host", "backend", "device", "compute_capability",
                 "driver_version", "runtime_version", "instruction_set", "rng", "spec_name", "spec_text", "shard"]:
        check(where + " " + name + " is a UTF-8 string", isinstance(a[name], str) and
              h5py.check_string_dtype(a.get_id(name).dtype).encoding == "utf-8", "str", type(a[name]))
    check(where + " git_dirty", a["git_dirty"] in (0, 1) and a["git_dirty"].dtype == np.int64, "int64 0/1",
          repr(a["git_dirty"]))
    check(where + " seed", a["seed"].dtype == np.uint64 and a["seed"] == 1234, "uint64 1234", repr(a["seed"]))
    check(where + " ranks", a["ranks"].dtype == np.int64 and a["ranks"] == 1, "int64 1", repr(a["ranks"]))
    check(where + " units_total", a["units_total"].dtype == np.int64 and a["units_total"] == 4, 4,
          repr(a["units_total"]))
    check(where + " rng", a["rng"] == "philox4x32-10", "philox4x32-10", a["rng"])
    check(where + " spec", (a["spec_name"], a["spec_text"]) == ("sample", SPEC_TEXT), SPEC_TEXT, a["spec_text"])
    check(where + " shard", a["shard"] == shard, shard, a["shard"])
    check(where + " backend", a["backend"] in ("cpu-omp", "cuda"), "cpu-omp or cuda", a["backend"])
    check(where + " created_utc ISO 8601", len(a["created_utc"]) == 20 and a["created_utc"].endswith("Z"),
          "YYYY-MM-DDTHH:MM:SSZ", a["created_utc"])
    check(where + " git_commit", a["git_commit"] == "unknown" or len(a["git_commit"]) == 40, "40 hex digits",
          a["git_commit"])
    check(where + " instruction_set", re.fullmatch(r"(native: -march=native.*|portable: compiler default) \(.*\)",
                                                   a["instruction_set"]) is not None,
          "native: FLAGS (EXTENSIONS) or portable: compiler default (EXTENSIONS)", a["instruction_set"])


def check_unit(f, k, where):
    group = "/runs/unit_%d" % k
    if not check(where + " has " + group, group in f, group, sorted(f["runs"].keys())):
        return
    g = f[group]
    attributes, datasets = expected_unit(k)
    names = [n for n, _ in attributes]
    check(where + group + " attributes in order", list(g.attrs.keys()) == names, names, list(g.attrs.keys()))
    for name, want in attributes:
        got = g.attrs.get(name)
        case = where + group + " attribute " + name
        if want is None:
            check(case + " (empty list)", isinstance(got, h5py.Empty) and g.attrs.get_id(name).dtype == np.float64,
                  "h5py.Empty of float64", repr(got))
        elif isinstance(want, str):
            check(case, got == want, want, got)
        elif isinstance(want, list):  # a 1-D list of UTF-8 strings
            dtype = g.attrs.get_id(name).dtype
            check(case, isinstance(got, np.ndarray) and got.shape == (len(want),) and
                  h5py.check_string_dtype(dtype).encoding == "utf-8" and
                  [x.decode() if isinstance(x, bytes) else x for x in got] == want, want, repr(got))
        elif isinstance(want, np.ndarray):
            check(case, isinstance(got, np.ndarray) and got.dtype == want.dtype and got.shape == want.shape
                  and np.array_equal(got, want), repr(want), repr(got))
        else:
            check(case, type(got) == type(want) and got == want, repr(want), repr(got))
    check(where + group + " datasets in order", list(g.keys()) == [d[0] for d in datasets],
          [d[0] for d in datasets], list(g.keys()))
    for name, unit, description, want in datasets:
        case = where + group + "/" + name
        if not check(case + " exists", name in g, name, list(g.keys())):
            continue
        d = g[name]
        check(case + " attributes", list(d.attrs.keys()) == ["unit", "description"], ["unit", "description"],
              list(d.attrs.keys()))
        check(case + " unit", d.attrs["unit"] == unit, unit, d.attrs.get("unit"))
        check(case + " description", d.attrs["description"] == description, description, d.attrs.get("description"))
        if isinstance(want, list):
            got = list(d.asstr()[()])
            check(case + " strings", h5py.check_string_dtype(d.dtype).encoding == "utf-8" and got == want, want, got)
            continue
        got = d[()]
        check(case + " values", got.dtype == want.dtype and got.shape == want.shape and
              np.array_equal(np.atleast_1d(got).view(np.uint8), np.atleast_1d(want).view(np.uint8)),
              "%s %s" % (want.dtype, want.shape),
              "%s %s" % (got.dtype, got.shape))
        compressed = want.size > 4096
        check(case + " compression", (d.compression == "gzip" and d.shuffle and 4 <= d.compression_opts <= 6)
              if compressed else (d.compression is None and d.chunks is None),
              "gzip 4-6 + shuffle" if compressed else "contiguous",
              (d.compression, d.compression_opts, d.shuffle, d.chunks))


def read_everything(path, units, shard):
    where = os.path.basename(path) + ":"
    with h5py.File(path, "r") as f:
        check_root(f, where, shard)
        check(where + " top level", list(f.keys()) == ["runs"], ["runs"], list(f.keys()))
        names = ["unit_%d" % k for k in units]
        check(where + " run groups", sorted(f["runs"].keys()) == names, names, sorted(f["runs"].keys()))
        for k in units:
            check_unit(f, k, where)


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def h5dump_lines(path):
    code, out, err = run([H5DUMP, path])
    check("h5dump %s exit status" % os.path.basename(path), code == 0, 0, "%d: %s" % (code, err.strip()[:200]))
    # Drops the created_utc attribute: from its ATTRIBUTE line to the brace closing it.
    lines = out.splitlines()[1:]  # the first line names the file
    keep, closing = [], None
    for line in lines:
        if closing is None and 'ATTRIBUTE "created_utc"' in line:
            closing = line[:len(line) - len(line.lstrip())] + "}"
            continue
        if closing is not None:
            if line == closing:
                closing = None
            continue
        keep.append(line)
    check("h5dump %s shows created_utc" % os.path.basename(path), len(keep) < len(lines), "present", "absent")
    return keep


def refused(case, args):
    code, out, err = run([CLI, *args])
    lines = err.strip().splitlines()
    check(case + ": exit status", code == 2, 2, code)
    check(case + ": nothing on stdout", out == "", "''", repr(out[:120]))
    check(case + ": one stderr line", len(lines) == 1 and lines[0].startswith("hopelab: error: "),
          "1 line 'hopelab: error: ...'", repr(err[:300]))
    return lines[0] if lines else ""


def main():
    tmp = tempfile.mkdtemp(prefix="hopelab_results_check_")
    try:
        whole, s0, s1 = (os.path.join(tmp, n) for n in ("whole.h5", "s0.h5", "s1.h5"))
        for args in ([whole], [s0, "0", "2"], [s1, "1", "2"]):
            code, out, err = run([WRITER, *args])
            check("write_sample_results " + " ".join(args[1:]), code == 0, 0, "%d %s" % (code, err.strip()))
        read_everything(whole, [0, 1, 2, 3], "all")
        read_everything(s0, [0, 2], "0/2")
        read_everything(s1, [1, 3], "1/2")
        check("no temporary left", sorted(os.listdir(tmp)) == ["s0.h5", "s1.h5", "whole.h5"],
              "3 files", sorted(os.listdir(tmp)))

        # inspect: text and JSON.
        code, out, err = run([CLI, "inspect", whole])
        check("inspect text", code == 0 and err == "" and "/runs/unit_3" in out and "shard all" in out
              and "big(100x300 float64 s)" in out and "total(() float64 1)" in out and "seed 1234" in out
              and "head_dim=64 [1]" in out and "offsets=[0,1.5,-2.25] [position]" in out, "a table", out + err)
        check("inspect text hides the spec", 'unit = [0, 1, 2, 3]' not in out, "no spec text", out)
        code, out, err = run([CLI, "inspect", whole, "--json", "--spec"])
        try:
            doc = json.loads(out)
        except ValueError:
            doc = {}
        check("inspect --json: one object", code == 0 and err == "" and out.count("\n") == 1 and
              isinstance(doc, dict), "one JSON line", out[:200] + err)
        if doc:
            check("inspect --json keys", list(doc.keys()) == ["file", "settings", "filetype", "format_version",
                                                              "provenance", "runs_count", "units_total", "shard",
                                                              "ranks", "runs", "claims"],
                  "documented keys", list(doc.keys()))
            check("inspect --json ranks", doc.get("ranks") == 1, 1, doc.get("ranks"))
            check("inspect --json counts", (doc.get("runs_count"), doc.get("units_total"), doc.get("shard"),
                                            doc.get("format_version")) == (4, 4, "all", [1, 2]),
                  (4, 4, "all", [1, 2]), (doc.get("runs_count"), doc.get("units_total"), doc.get("shard"),
                                          doc.get("format_version")))
            check("inspect --json spec", doc["provenance"].get("spec_text") == SPEC_TEXT, SPEC_TEXT,
                  doc["provenance"].get("spec_text"))
            run0 = doc["runs"][0]
            check("inspect --json run", run0["group"] == "/runs/unit_0" and run0["attributes"]["head_dim"] == 64
                  and run0["attribute_units"] == {"head_dim": "1", "base": "1", "offsets": "position"}
                  and run0["datasets"][4]["shape"] == []
                  and run0["datasets"][6] == {"name": "big", "shape": [100, 300], "type": "float64", "unit": "s",
                                              "description": "compressed numbers"}, "unit_0 with units, big", run0)

        # merge of the shards = the single-process file, apart from created_utc.
        merged = os.path.join(tmp, "merged.h5")
        code, out, err = run([CLI, "merge", s1, s0, "-o", merged])
        check("merge shards", code == 0 and err == "" and "shard all" in out, "exit 0", "%d %s %s" % (code, out, err))
        read_everything(merged, [0, 1, 2, 3], "all")
        a, b = h5dump_lines(whole), h5dump_lines(merged)
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        check("h5dump(merge of shards) == h5dump(whole) but created_utc", a == b and len(a) > 100,
              "%d equal lines" % len(a), "%d vs %d lines, first difference %s" % (len(a), len(b), diff[:1]))

        # Bad files for inspect.
        text = os.path.join(tmp, "text.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        foreign = os.path.join(tmp, "foreign.h5")
        with h5py.File(foreign, "w") as f:
            f["x"] = np.arange(3)
        variants = {}
        for name, change in [("filetype", lambda a: a.__setitem__("filetype", "openmc-statepoint")),
                             ("major", lambda a: a.__setitem__("format_version", np.array([2, 0], dtype=np.int64))),
                             ("minor", lambda a: a.__setitem__("format_version", np.array([1, 9], dtype=np.int64))),
                             ("seed", lambda a: a.__setitem__("seed", np.uint64(99))),
                             ("spec", lambda a: a.__setitem__("spec_text", "edited")),
                             ("total", lambda a: a.__setitem__("units_total", np.int64(5)))]:
            variants[name] = os.path.join(tmp, name + ".h5")
            shutil.copy(s1, variants[name])
            with h5py.File(variants[name], "r+") as f:
                change(f.attrs)
        conflict = os.path.join(tmp, "conflict.h5")
        shutil.copy(s0, conflict)
        with h5py.File(conflict, "r+") as f:
            f["runs/unit_0/mean"][0, 0] = 42.0
        for case, args, word in [
                ("inspect missing", ["inspect", os.path.join(tmp, "missing.h5")], "does not exist"),
                ("inspect not HDF5", ["inspect", text], "not an HDF5 file"),
                ("inspect foreign HDF5", ["inspect", foreign, "--json"], "no filetype attribute"),
                ("inspect wrong filetype", ["inspect", variants["filetype"]], "openmc-statepoint"),
                ("inspect major version", ["inspect", variants["major"]], "format version 2.0"),
                ("inspect newer minor", ["inspect", variants["minor"], "--json"], "newer"),
                ("inspect directory", ["inspect", tmp], "is a directory"),
                ("inspect no file", ["inspect"], "file"),
                ("merge seed", ["merge", s0, variants["seed"], "-o", os.path.join(tmp, "o.h5")], "seed 99"),
                ("merge spec", ["merge", s0, variants["spec"], "-o", os.path.join(tmp, "o.h5")], "spec_text"),
                ("merge units_total", ["merge", s0, variants["total"], "-o", os.path.join(tmp, "o.h5")], "units_total"),
                ("merge version", ["merge", s0, variants["major"], "-o", os.path.join(tmp, "o.h5")], "format version"),
                ("merge conflict", ["merge", s0, conflict, "-o", os.path.join(tmp, "o.h5")], "differs"),
                ("merge existing output", ["merge", s0, s1, "-o", merged], "already exists"),
                ("merge missing input", ["merge", s0, os.path.join(tmp, "nope.h5"), "-o", os.path.join(tmp, "o.h5")],
                 "does not exist"),
                ("merge no output", ["merge", s0, s1], "output"),
                ("merge missing directory", ["merge", s0, "-o", os.path.join(tmp, "no", "o.h5")], "does not exist")]:
            line = refused(case, args)
            check(case + ": names the problem", word in line, word, line)
        code, out, err = run([CLI, "merge", s0, s1, "-o", merged, "--force"])
        check("merge --force overwrites", code == 0 and err == "", 0, "%d %s" % (code, err))
        # A file from before instruction_set was recorded reads as "unknown": merged with one that
        # has it, the output says "mixed".
        older = os.path.join(tmp, "older.h5")
        shutil.copy(s1, older)
        with h5py.File(older, "r+") as f:
            del f.attrs["instruction_set"]
        code, out, err = run([CLI, "merge", s0, older, "-o", os.path.join(tmp, "mixed.h5")])
        with h5py.File(os.path.join(tmp, "mixed.h5"), "r") as f:
            got = f.attrs.get("instruction_set")
        check("merge with a file lacking instruction_set", code == 0 and got == "mixed", "exit 0, mixed",
              "%d %r %s" % (code, got, err))
        # Likewise the device's versions, recorded later still: "unknown" when read, "mixed" merged.
        with h5py.File(older, "r+") as f:
            for name in ("compute_capability", "driver_version", "runtime_version"):
                del f.attrs[name]
        code, out, err = run([CLI, "inspect", older, "--json"])
        got = json.loads(out)["provenance"].get("runtime_version") if code == 0 else None
        check("a file lacking runtime_version reads it as unknown", got == "unknown", "unknown", "%d %r" % (code, got))
        code, out, err = run([CLI, "merge", s0, older, "-o", os.path.join(tmp, "mixed2.h5")])
        with h5py.File(os.path.join(tmp, "mixed2.h5"), "r") as f:
            got = [f.attrs.get(n) for n in ("compute_capability", "driver_version", "runtime_version")]
        check("merge with a file lacking the device's versions", code == 0 and got == ["mixed"] * 3, "exit 0, mixed",
              "%d %r %s" % (code, got, err))
        # ranks: absent reads as one process; files of different rank counts merge to 0 (mixed).
        for case, value, expected in [("lacking ranks", None, 1), ("of 3 ranks", 3, 0)]:
            other = os.path.join(tmp, "ranks.h5")
            shutil.copy(s1, other)
            with h5py.File(other, "r+") as f:
                del f.attrs["ranks"]
                if value is not None:
                    f.attrs.create("ranks", value, dtype=np.int64)
            out_path = os.path.join(tmp, "ranks-merged.h5")
            code, out, err = run([CLI, "merge", s0, other, "-o", out_path, "--force"])
            with h5py.File(out_path, "r") as f:
                got = f.attrs.get("ranks")
            check("merge with a file " + case, code == 0 and got == expected, "exit 0, ranks %d" % expected,
                  "%d %r %s" % (code, got, err))
        check("failed merges leave nothing", not os.path.exists(os.path.join(tmp, "o.h5")) and
              not [n for n in os.listdir(tmp) if ".tmp-" in n], "no o.h5, no temporaries", sorted(os.listdir(tmp)))
    finally:
        shutil.rmtree(tmp)
    sys.exit(log.finish())


main()
