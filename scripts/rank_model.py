#!/usr/bin/env python3
"""The time a spec would take on R MPI processes, from the unit times measured in a results file.

Usage: scripts/rank_model.py RESULTS.h5 [--ranks 1,2,4,8,16,32,64] [--scale S] [--start SECONDS]

Each unit's `seconds` attribute is its measured compute time; --scale multiplies them all (e.g.
the single-core / measured ratio when the file was written with several threads per process).
The model follows experiments/batch/mpi_schedule.h: units largest first to whichever process is
free next (here with the measured times as the estimates, so this is the schedule's best case),
an mc-preference unit costing more than total / (4 R) cut into min(256, ceil(cost / (total /
(4 R)))) equal pieces; --start adds the job's start (mpirun launching the processes). Printed
per R: the modelled time, the lower bound max(total / R, longest unit that cannot be cut), the
efficiency total / (R x time), and the unit that sets the time.
"""

import argparse
import heapq
import math
import sys

import h5py

PIECES_PER_RANK = 4  # kPiecesPerRank in experiments/batch/mpi_schedule.h
CHUNKS = 256         # the estimator's chunks (sim/preference_estimator.cpp)


def units(path, scale):
    """(name, kind, seconds, parts) of every unit of the file."""
    out = []
    with h5py.File(path, "r") as f:
        for name, g in f["runs"].items():
            kind = g.attrs["kind"]
            kind = kind.decode() if isinstance(kind, bytes) else str(kind)
            samples = int(g.attrs["samples"]) if "samples" in g.attrs else 0
            parts = min(CHUNKS, samples) if kind == "mc-preference" else 0
            out.append((name, kind, float(g.attrs["seconds"]) * scale, parts))
    return out


def model(us, ranks):
    """Makespan of the largest-first dynamic schedule, and the name of the task that ends last."""
    total = sum(u[2] for u in us)
    piece = total / (PIECES_PER_RANK * ranks)
    tasks = []
    for name, _, cost, parts in us:
        pieces = 1
        if ranks > 1 and parts > 1 and piece > 0 and cost > piece:
            pieces = min(parts, math.ceil(cost / piece))
        tasks += [(cost / pieces, name)] * pieces
    tasks.sort(key=lambda t: -t[0])
    free = [(0.0, r) for r in range(ranks)]
    last = (0.0, "")
    for cost, name in tasks:
        at, r = heapq.heappop(free)
        end = at + cost
        last = max(last, (end, name))
        heapq.heappush(free, (end, r))
    return last


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results")
    p.add_argument("--ranks", default="1,2,4,8,16,32,64")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--start", type=float, default=0.0)
    a = p.parse_args()
    us = units(a.results, a.scale)
    total = sum(u[2] for u in us)
    longest = max((u for u in us if u[3] <= 1), key=lambda u: u[2], default=("", "", 0.0, 0))
    print("%s: %d units, %.1f s of compute in all; longest unit that is not cut: %s (%s) %.1f s"
          % (a.results, len(us), total, longest[0], longest[1], longest[2]))
    print("%6s %10s %12s %11s  %s" % ("ranks", "time s", "bound s", "efficiency", "last to finish"))
    for r in (int(x) for x in a.ranks.split(",")):
        end, name = model(us, r)
        bound = max(total / r, longest[2])
        time = end + a.start
        print("%6d %10.1f %12.1f %10.0f%%  %s" % (r, time, bound + a.start, 100 * total / (r * time), name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
