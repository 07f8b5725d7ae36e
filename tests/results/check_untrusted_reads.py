#!/usr/bin/env python3
"""Results files and checkpoints as untrusted input (docs/hdf5-format.md, "Threat model: input
side"). Every hostile file is built here, from a small run of this test's own spec.

Usage: check_untrusted_reads.py PATH/TO/hopelab
  * crashes: a global-heap object of absurd size (libhdf5 1.10 crashed on it), and bit flips at
    50 fixed offsets, read by `inspect` and `merge`: exit 0 or 2, never a signal, one stderr line
    on refusal and nothing on stdout; /dev/zero, a FIFO and a directory are refused;
  * memory: a dataset declaring 10^8 elements with nothing stored, one declaring 6 * 10^8, and a
    compressed dataset expanding far beyond deflate's ceiling (one chunk stored, the rest fill) are
    refused with one line, quickly, under a 2 GiB address-space limit;
  * contents: units_total < 0, a unit_index outside 0..units_total-1, a shard "7/3", a unit lacking
    one of its kind's datasets or holding another: refused by inspect and merge;
  * --resume: a checkpoint with an edited value, a dataset removed, NaN written over a dataset, a
    flipped bit, or no checksum is computed again with one stderr line naming the unit, and the
    final file equals an uninterrupted run's.
Prints one line per failed check and exits 1 if any failed.
"""

import os
import random
import resource
import shutil
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

CLI = sys.argv[1]
log = CheckLog(tolerances=False)


def check(ok, what):
    """One counted check; `what` says what was expected and what came."""
    return log.check(what, ok, "as said", "not")

SPEC = """[experiment]
name = "untrusted"
seed = 3

[[run]]
name = "pref"
kind = "preference"
offsets = "0:5000:1000"
[run.sweep]
method = ["vanilla", "mrope", "videorope"]
"""
UNIT = "runs/pref__method-vanilla"  # unit 0


def limit_memory():
    two_gib = 2 << 30
    resource.setrlimit(resource.RLIMIT_AS, (two_gib, two_gib))


def run(*args, memory_limit=False):
    return subprocess.run([CLI, *args], capture_output=True, text=True, errors="replace", timeout=60,
                          preexec_fn=limit_memory if memory_limit else None)


def expect_refused(what, process, *words):
    lines = process.stderr.splitlines()
    ok = (process.returncode == 2 and len(lines) == 1 and lines[0].startswith("hopelab: error:")
          and process.stdout == "" and all(w in process.stderr for w in words))
    check(ok, f"{what}: expected exit 2, one 'hopelab: error:' line with {words} and no stdout; got exit "
              f"{process.returncode}, stderr {process.stderr[:300]!r}, stdout {process.stdout[:100]!r}")


def expect_sound(what, process):
    """Exit 0, or a refusal in one line; never a signal."""
    lines = process.stderr.splitlines()
    refused_cleanly = process.returncode == 2 and len(lines) == 1 and process.stdout == ""
    check(process.returncode == 0 or refused_cleanly,
          f"{what}: expected exit 0 or a one-line refusal; got exit {process.returncode}, "
          f"{len(lines)} stderr lines {process.stderr[:300]!r}")


def edited_copy(source, target, edit):
    shutil.copy(source, target)
    with h5py.File(target, "r+") as f:
        edit(f)
    return target


def check_crashes(tmp, good):
    data = bytearray(open(good, "rb").read())
    at = data.find(b"GCOL")  # the global heap: a collection's first object's size field
    check(at >= 0, "the sample file has a global heap (variable-length strings)")
    bad = bytearray(data)
    struct.pack_into("<Q", bad, at + 16 + 8, 1 << 40)
    path = os.path.join(tmp, "heap.h5")
    open(path, "wb").write(bad)
    expect_refused("inspect of a global-heap object of 2^40 bytes", run("inspect", path), path, "corrupt HDF5")
    expect_refused("merge of it", run("merge", good, path, "-o", os.path.join(tmp, "m.h5")), path)

    rng = random.Random(16)
    for k in range(50):
        offset, bit = rng.randrange(len(data)), rng.randrange(8)
        flipped = bytearray(data)
        flipped[offset] ^= 1 << bit
        path = os.path.join(tmp, "flip.h5")
        open(path, "wb").write(flipped)
        expect_sound(f"inspect after flipping bit {bit} of byte {offset}", run("inspect", path))
        if k % 5 == 0:
            out = os.path.join(tmp, "flip-merged.h5")
            expect_sound(f"merge after flipping bit {bit} of byte {offset}", run("merge", path, "-o", out, "--force"))

    expect_refused("inspect /dev/zero", run("inspect", "/dev/zero"), "/dev/zero", "not a regular file")
    fifo = os.path.join(tmp, "fifo.h5")
    os.mkfifo(fifo)
    expect_refused("inspect of a FIFO", run("inspect", fifo), fifo, "not a regular file")
    expect_refused("inspect of a directory", run("inspect", tmp), "is a directory")


def check_memory(tmp, good):
    def declare(count):
        return lambda f: f[UNIT].create_dataset("huge", shape=(count,), dtype="f8")  # nothing stored

    path = edited_copy(good, os.path.join(tmp, "declared.h5"), declare(100_000_000))
    expect_refused("a dataset of 10^8 elements with nothing stored", run("inspect", path, memory_limit=True),
                   path, "huge", "declares 100000000 elements", "stores 0 bytes")
    path = edited_copy(good, os.path.join(tmp, "declared-big.h5"), declare(600_000_000))
    expect_refused("a dataset of 6*10^8 elements", run("inspect", path, memory_limit=True), path, "read limit")

    def bomb(f):  # one compressed chunk written, the other 4,999 the fill value
        d = f[UNIT].create_dataset("bomb", shape=(5_000_000,), dtype="f8", chunks=(1000,), compression="gzip")
        d[:1000] = 1.0
    path = edited_copy(good, os.path.join(tmp, "bomb.h5"), bomb)
    with h5py.File(path, "r") as f:
        stored = f[UNIT + "/bomb"].id.get_storage_size()
    check(0 < stored and stored * 1100 < 40_000_000, f"the bomb expands more than 1100 times ({stored} bytes stored)")
    expect_refused("a compressed dataset expanding 1100+ times", run("inspect", path, memory_limit=True), path,
                   "bomb", "expands at most 1100 times")


def check_contents(tmp, good):
    def root(name, value):
        return lambda f: f.attrs.modify(name, value)

    cases = [("units_total -1", root("units_total", np.int64(-1)), "units_total -1"),
             ("unit_index 7 of 3", lambda f: f[UNIT].attrs.modify("unit_index", np.int64(7)), "outside 0..2"),
             ("shard 7/3", root("shard", "7/3"), "shard '7/3'"),
             ("a unit lacking a dataset", lambda f: f[UNIT].__delitem__("value"), "lacks the dataset 'value'"),
             ("a unit with another dataset", lambda f: f[UNIT].create_dataset("extra", data=[1.0]),
              "'extra' that kind preference does not write")]
    for what, edit, words in cases:
        path = edited_copy(good, os.path.join(tmp, "edited.h5"), edit)
        expect_refused(f"inspect of {what}", run("inspect", path), path, words)
        expect_refused(f"merge of {what}", run("merge", good, path, "-o", os.path.join(tmp, "m.h5"), "--force"),
                       path, words)


def datasets_of(path):
    with h5py.File(path, "r") as f:
        return {f"{g}/{d}": f["runs"][g][d][()].tobytes() for g in f["runs"] for d in f["runs"][g]}


def check_resume(tmp, spec, clean):
    def nan_over(f):
        f[UNIT + "/value"][...] = np.nan

    def flip_bit(path):
        data = bytearray(open(path, "rb").read())
        with h5py.File(path, "r") as f:
            offset = f[UNIT + "/value"].id.get_offset()
        data[offset] ^= 0x10
        open(path, "wb").write(data)

    cases = [("an edited value", lambda f: f[UNIT + "/value"].__setitem__(0, 1.0), None),
             ("a dataset removed", lambda f: f[UNIT].__delitem__("distance"), None),
             ("NaN over a dataset", nan_over, None),
             ("no checksum", lambda f: f[UNIT].attrs.__delitem__("checkpoint_checksum"), None),
             ("a flipped bit in a value", None, flip_bit)]
    for what, edit, raw in cases:
        out = os.path.join(tmp, "resumed.h5")
        shutil.rmtree(out + ".partial", ignore_errors=True)
        stopped = run("run", spec, "-o", out, "--stop-after", "2")
        check(stopped.returncode == 130, f"--stop-after 2 exits 130 (got {stopped.returncode}: {stopped.stderr})")
        checkpoint = os.path.join(out + ".partial", "unit-0.h5")
        if edit:
            with h5py.File(checkpoint, "r+") as f:
                edit(f)
        else:
            raw(checkpoint)
        resumed = run("run", spec, "-o", out, "--resume")
        notes = [line for line in resumed.stderr.splitlines() if "recomputing" in line]
        check(resumed.returncode == 0, f"resume after {what}: exit 0 (got {resumed.returncode}: {resumed.stderr})")
        check(len(notes) == 1 and "unit 0" in notes[0],
              f"resume after {what}: one line saying unit 0 is computed again; got {notes}")
        if resumed.returncode == 0:
            check(datasets_of(out) == datasets_of(clean), f"resume after {what}: the final file equals a clean run's")
        os.remove(out) if os.path.exists(out) else None


def main():
    tmp = tempfile.mkdtemp(prefix="hopelab-untrusted-")
    try:
        spec = os.path.join(tmp, "untrusted.toml")
        open(spec, "w").write(SPEC)
        good = os.path.join(tmp, "good.h5")
        made = run("run", spec, "-o", good)
        check(made.returncode == 0, f"the sample run succeeds: {made.stderr}")
        if made.returncode != 0:
            return log.finish()
        expect_sound("inspect of the intact file", run("inspect", good))
        check_crashes(tmp, good)
        check_memory(tmp, good)
        check_contents(tmp, good)
        check_resume(tmp, spec, good)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
