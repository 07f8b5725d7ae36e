#!/usr/bin/env python3
"""Writes the seed corpus of the results-file fuzz target (tests/fuzz/corpus_results/).

The files follow docs/hdf5-format.md, written here with h5py only (not by hopelab's writer):
valid files (must be accepted; run_format_1_1 with a rank-0 dataset and attribute_units), "edited_" ones with bits flipped at fixed offsets or a global-heap
object of absurd size (either outcome, never a crash), and "refused_" ones edited to break the
format's promises (units_total < 0, a shard "7/3", a unit_index outside 0..units_total-1, a
dataset declaring 10^8 elements with nothing stored). Run it with /usr/bin/python3 from the
repository root to regenerate; the files are committed (about 10 KB each).
"""
import os
import random
import shutil
import struct

import h5py
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_results")
STRING = h5py.string_dtype("utf-8")
SPEC = '[experiment]\nname = "corpus"\nseed = 5\n[[run]]\nname = "p"\nkind = "preference"\n'


def root(f, units_total, shard):
    for name, value in [("filetype", "hopelab-results"), ("hopelab_version", "0.1.0"), ("git_commit", "unknown"),
                        ("created_utc", "2026-01-01T00:00:00Z"), ("host", "h"), ("backend", "cpu-omp"),
                        ("device", "cpu"), ("instruction_set", "portable"), ("rng", "philox4x32-10"),
                        ("spec_name", "corpus"), ("spec_text", SPEC), ("shard", shard)]:
        f.attrs.create(name, value, dtype=STRING)
    f.attrs.create("format_version", np.array([1, 0], dtype="<i8"))
    f.attrs.create("git_dirty", np.int64(0))
    f.attrs.create("seed", np.uint64(5))
    f.attrs.create("units_total", np.int64(units_total))


def dataset(group, name, data, unit, **options):
    d = group.create_dataset(name, data=data, **options)
    d.attrs.create("unit", unit, dtype=STRING)
    d.attrs.create("description", "corpus " + name, dtype=STRING)


def unit(runs, name, index, compressed=False):
    g = runs.create_group(name)
    g.attrs.create("unit_index", np.int64(index))
    g.attrs.create("kind", "preference", dtype=STRING)
    g.attrs.create("base", np.float64(1e6))
    g.attrs.create("offsets", np.array([0.0, 1.5, -2.0]))
    dataset(g, "value", np.linspace(-1, 1, 6).reshape(2, 3), "1")
    dataset(g, "counts", np.arange(4, dtype="<i8") - index, "1")
    dataset(g, "labels", np.array(["a", "b\u00e9"], dtype=object), "", dtype=STRING)
    if compressed:
        dataset(g, "big", (np.arange(5000) % 97) * 0.5, "s", chunks=(5000,), shuffle=True, compression="gzip")


def unit_1_1(runs, name, index):
    """A unit in the form of format 1.1: a rank-0 dataset and the attribute_units list."""
    g = runs.create_group(name, track_order=True)
    g.attrs.create("unit_index", np.int64(index))
    g.attrs.create("attribute_units", np.array(["base=1", "seconds=s"], dtype=object), dtype=STRING)
    g.attrs.create("kind", "first-violation", dtype=STRING)
    g.attrs.create("base", np.float64(1e6))
    g.attrs.create("seconds", np.float64(0.5))
    dataset(g, "first_violation", np.int64(40), "token")
    dataset(g, "zero_weight", np.float64(0.25), "1")


def write(name, units_total, shard, units, compressed=False):
    path = os.path.join(HERE, name)
    with h5py.File(path, "w") as f:
        root(f, units_total, shard)
        runs = f.create_group("runs")
        for group, index in units:
            unit(runs, group, index, compressed)
    return path


def edited(source, name, edit):
    path = os.path.join(HERE, name)
    shutil.copy(source, path)
    with h5py.File(path, "r+") as f:
        edit(f)


if __name__ == "__main__":
    shutil.rmtree(HERE, ignore_errors=True)
    os.makedirs(HERE)
    small = write("run_two_units", 2, "all", [("p__a", 0), ("p__b", 1)])
    write("shard_1_of_2", 4, "1/2", [("p__b", 1), ("p__d", 3)])
    write("compressed", 1, "all", [("p", 0)], compressed=True)
    with h5py.File(os.path.join(HERE, "run_format_1_1"), "w") as f:
        root(f, 1, "all")
        f.attrs.modify("format_version", np.array([1, 1], dtype="<i8"))
        unit_1_1(f.create_group("runs"), "fv", 0)
    data = open(small, "rb").read()
    rng = random.Random(16)
    for k in range(3):
        flipped = bytearray(data)
        flipped[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        open(os.path.join(HERE, "edited_flip_%d" % k), "wb").write(flipped)
    heap = bytearray(data)
    at = heap.find(b"GCOL")
    struct.pack_into("<Q", heap, at + 16 + 8, 1 << 40)  # the first heap object's size
    open(os.path.join(HERE, "edited_heap_object_size"), "wb").write(heap)
    edited(small, "refused_units_total", lambda f: f.attrs.modify("units_total", np.int64(-1)))
    edited(small, "refused_shard", lambda f: f.attrs.modify("shard", "7/3"))
    edited(small, "refused_unit_index", lambda f: f["runs/p__b"].attrs.modify("unit_index", np.int64(7)))
    edited(small, "refused_declared_elements",
           lambda f: f["runs/p__a"].create_dataset("huge", shape=(100_000_000,), dtype="f8"))
