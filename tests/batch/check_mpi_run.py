#!/usr/bin/env python3
"""hopelab run across MPI processes (experiments/batch/mpi_*, docs/usage.md "Running on a cluster").

Usage: check_mpi_run.py PATH/TO/hopelab PATH/TO/mpiexec identical|stop|kill
  identical: a small spec with one Monte Carlo unit large enough to be cut by samples (the run
    says so), units of other kinds and small V-NIAH training units run by one process without mpiexec and under mpiexec -n 1, 2, 3, 4: every dataset
    and every attribute of every unit equal bit for bit (all but the `seconds` timings), the root
    attributes equal but for created_utc and `ranks`, which is the process count; the twin: a
    file with one bit of one value changed is told apart by the same comparison.
  stop: a run stopped after 2 units under -n 2 exits 130 with the resume command and keeps its
    checkpoints, and --resume under -n 3 completes it, equal to the run of one process; stopped
    again and resumed under -n 2 after a run was inserted before the others (every unit index
    moves), every checkpoint is reused and the file equals one process's run of the edited spec
    (the other ranks compute the edited spec's units: batch/checkpoints.h); a refused
    run (output exists) under -n 2 exits 2 with one error line, promptly, and so does a unit that
    fails while computing, the line naming the rank and the unit.
  kill: rank 1 killed (SIGKILL) mid-run stops the job with one line naming rank 1 and the unit it
    was computing, keeps the checkpoints, and --resume by one process without MPI completes it;
    the whole job killed (SIGKILL to every process) and --resume'd under -n 2 completes it; each
    completed file equals the run of one process.
Open MPI's mpiexec is given --oversubscribe (more processes than cores), --bind-to none (a
process bound to a core that other work occupies runs ten times slower), its allow-run-as-root
variables when run as root (as in CI), and plain copies between processes (containers often
forbid its single-copy reads). Prints one line per failed check and
exits 1 if any failed.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from check_log import CheckLog  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
MPIEXEC = sys.argv[2]
PART = sys.argv[3]
log = CheckLog(tolerances=False)
check = log.check

# One Monte Carlo unit larger than the rest (cut by samples), units of other kinds, and V-NIAH
# units (training, then evaluation) as vniah.toml's, shrunk.
SPEC_IDENTICAL = """[experiment]
name = "mpi"
seed = 17

[[run]]
name = "big"
kind = "mc-preference"
method = "mrope"
head_dim = 64
offsets = "0:4000:1000"
samples = 120000

[[run]]
name = "mc"
kind = "mc-preference"
offsets = "0:2000:500"
head_dim = 32
samples = 3000
[run.sweep]
method = ["vanilla", "hope"]

[[run]]
name = "fv"
kind = "first-violation"
limit = 20000
[run.sweep]
method = ["mrope", "videorope", "hope"]

[[run]]
name = "bound"
kind = "base-bound"
head_dim = 32
context_length = 1024

[[run]]
name = "pref"
kind = "preference"
method = "videorope"
offsets = "0:5000:1000"

[[run]]
name = "win"
kind = "mc-win-prob"
method = "mrope"
along = "frames"
frames = "0:40:10"
samples = 2000

[[run]]
name = "niah"
kind = "vlm-niah"
task = "marked"
steps = 20
batch = 4
lengths = [4, 8, 16]
depths = [0, 1]
examples = 3
attention_examples = 1
[run.sweep]
method = ["mrope", "hope"]
"""

# Twelve units of about 50 ms each (one process, a quiet machine), so a run lasts long enough to be
# hit mid-unit.
SPEC_FAULTS = """[experiment]
name = "faults"
seed = 5

[[run]]
name = "mc"
kind = "mc-preference"
offsets = "0:2000:500"
head_dim = 64
samples = 16000
[run.sweep]
method = ["vanilla", "mrope", "videorope", "hope"]
base = [1e4, 1e5, 1e6]
"""

# The faults spec with a run inserted before its units: every unit index moves by one.
SPEC_INSERTED = SPEC_FAULTS.replace('[[run]]\nname = "mc"',
                                    '[[run]]\nname = "bound"\nkind = "base-bound"\nhead_dim = 32\n'
                                    'context_length = 512\n\n[[run]]\nname = "mc"', 1)


# Unit 1 passes every check but has no feasible base (one pair at theta = 1): it fails computing.
SPEC_FAILS = """[experiment]
name = "fails"

[[run]]
name = "ok"
kind = "base-bound"
head_dim = 32
context_length = 512

[[run]]
name = "nobase"
kind = "base-bound"
head_dim = 2
context_length = 100000
"""


def mpiexec_args(n):
    version = subprocess.run([MPIEXEC, "--version"], capture_output=True, text=True).stdout
    openmpi = "Open MPI" in version or "OpenRTE" in version
    extra = ["--oversubscribe", "--bind-to", "none"] if openmpi else []
    return [MPIEXEC, *extra, "-n", str(n)]


def environment():
    env = dict(os.environ)
    # Containers often forbid the cross-process reads of Open MPI's single-copy transfers.
    env.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def run(args, cwd, ranks=None, timeout=120):
    """hopelab ARGS, under mpiexec -n RANKS when given: (status, stdout, stderr)."""
    command = [CLI, *args] if ranks is None else [*mpiexec_args(ranks), CLI, *args]
    p = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=environment())
    return p.returncode, p.stdout, p.stderr


def hopelab_lines(err):
    """stderr less mpiexec's own banners: the lines hopelab wrote."""
    return [line for line in err.splitlines() if line.startswith("hopelab")]


def contents(path):
    """Root attributes (created_utc and ranks apart) and every unit's attributes (seconds apart)
    and datasets (values as bytes, with their attributes)."""
    def value(v):  # strings (attribute_units) by text: an object array's bytes are pointers
        if isinstance(v, np.ndarray):
            return (str(v.dtype), v.shape, repr(v.tolist()) if v.dtype == object else v.tobytes())
        return repr(v)

    with h5py.File(path, "r") as f:
        root = {k: value(v) for k, v in f.attrs.items() if k not in ("created_utc", "ranks")}
        units = {}
        for name, g in f["runs"].items():
            attrs = {k: value(v) for k, v in g.attrs.items() if k != "seconds"}
            data = {k: (value(d[()]), {a: value(b) for a, b in d.attrs.items()}) for k, d in g.items()}
            units[name] = (attrs, data)
        ranks = int(f.attrs["ranks"])
    return root, units, ranks


def differences(a, b):
    """Names of the units (or 'root') whose contents differ between files a and b."""
    ra, ua, _ = contents(a)
    rb, ub, _ = contents(b)
    out = [] if ra == rb else ["root"]
    out += sorted(n for n in set(ua) | set(ub) if ua.get(n) != ub.get(n))
    return out


def partial_units(output):
    work = output + ".partial"
    return sorted(n for n in os.listdir(work) if n.startswith("unit-")) if os.path.isdir(work) else []


def wait_for_checkpoint(output, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        if partial_units(output):
            return True
        time.sleep(0.02)
    return False


def children(pid):
    """The child processes of pid (from /proc/PID/task/*/children, else by scanning /proc)."""
    try:
        found = []
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                found += [int(c) for c in f.read().split()]
        return found
    except OSError:
        pass
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % entry) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, ValueError):
            continue
    return found


def rank_pid(mpiexec_pid, rank):
    """The pid of process `rank` among mpiexec's children (their environment names the rank)."""
    for pid in children(mpiexec_pid):
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if b"OMPI_COMM_WORLD_RANK=%d" % rank in env or b"PMI_RANK=%d" % rank in env:
            return pid
    return None


def identical(tmp):
    with open(os.path.join(tmp, "mpi.toml"), "w") as f:
        f.write(SPEC_IDENTICAL)
    code, out, err = run(["run", "mpi.toml", "-o", "one.h5"], tmp)
    if not check("one process without mpiexec", code == 0, "exit 0", "%d %s" % (code, err)):
        return
    for ranks in (1, 2, 3, 4):
        name = "ranks%d.h5" % ranks
        code, out, err = run(["run", "mpi.toml", "-o", name], tmp, ranks=ranks)
        if not check("-n %d runs" % ranks, code == 0, "exit 0", "%d %s" % (code, err[-2000:])):
            continue
        check("-n %d: datasets and attributes equal one process's" % ranks,
              differences(os.path.join(tmp, "one.h5"), os.path.join(tmp, name)) == [], [],
              differences(os.path.join(tmp, "one.h5"), os.path.join(tmp, name)))
        check("-n %d: ranks recorded" % ranks, contents(os.path.join(tmp, name))[2] == ranks, ranks,
              contents(os.path.join(tmp, name))[2])
        if ranks > 1:
            cut = [re.search(r"; 1 cut by samples into (\d+) pieces$", line) for line in hopelab_lines(err)]
            cut = [int(m.group(1)) for m in cut if m]
            check("-n %d: the large unit is cut into at least a piece per process" % ranks,
                  len(cut) == 1 and cut[0] >= ranks, "1 cut into >= %d pieces" % ranks, cut)
            check("-n %d: summary names the processes" % ranks, "on %d processes" % ranks in out,
                  "on %d processes" % ranks, out)
    # The twin: one bit of one value changed is a difference the comparison finds.
    twin = os.path.join(tmp, "twin.h5")
    shutil.copy(os.path.join(tmp, "ranks2.h5"), twin)
    with h5py.File(twin, "r+") as f:
        mean = f["runs/big/mean"]
        values = mean[()]
        values.view(np.int64)[1] ^= 1
        mean[...] = values
    check("twin: a changed last bit is found", differences(os.path.join(tmp, "one.h5"), twin) == ["big"], ["big"],
          differences(os.path.join(tmp, "one.h5"), twin))


def reference(tmp):
    """The faults spec written to tmp and run by one process: its results file, or None."""
    with open(os.path.join(tmp, "faults.toml"), "w") as f:
        f.write(SPEC_FAULTS)
    code, out, err = run(["run", "faults.toml", "-o", "one.h5"], tmp)
    ok = check("one process without mpiexec", code == 0, "exit 0", "%d %s" % (code, err))
    return os.path.join(tmp, "one.h5") if ok else None


def stop(tmp):
    one = reference(tmp)
    if one is None:
        return
    # --stop-after under -n 2, --resume under -n 3.
    code, out, err = run(["run", "faults.toml", "-o", "stop.h5", "--stop-after", "2"], tmp, ranks=2)
    lines = [line for line in hopelab_lines(err) if "stopped" in line]
    check("--stop-after 2 under -n 2: exit 130", code == 130, 130, "%d %s" % (code, err[-2000:]))
    check("--stop-after: one stop line", len(lines) == 1 and "stopped (--stop-after)" in lines[0], "1 line", lines)
    check("--stop-after: resume command for mpirun", "resume with: mpirun -n 2 hopelab run" in err, "mpirun -n 2",
          err[-2000:])
    check("--stop-after: checkpoints kept, no output", len(partial_units(os.path.join(tmp, "stop.h5"))) >= 2 and
          not os.path.exists(os.path.join(tmp, "stop.h5")), ">= 2 checkpoints", partial_units(os.path.join(tmp, "stop.h5")))
    code, out, err = run(["run", "faults.toml", "-o", "stop.h5", "--resume"], tmp, ranks=3)
    check("--resume under -n 3 completes", code == 0 and "from checkpoints" in out, "exit 0", "%d %s" % (code, err[-2000:]))
    if code == 0:
        check("stopped and resumed with another count equals one process",
              differences(one, os.path.join(tmp, "stop.h5")) == [], [], differences(one, os.path.join(tmp, "stop.h5")))

    # Stopped, then the spec edited (a run inserted first), then resumed under -n 2.
    with open(os.path.join(tmp, "inserted.toml"), "w") as f:
        f.write(SPEC_INSERTED)
    code, out, err = run(["run", "inserted.toml", "-o", "inserted-one.h5"], tmp)
    check("edited spec run by one process", code == 0, "exit 0", "%d %s" % (code, err))
    code, out, err = run(["run", "faults.toml", "-o", "edit.h5", "--stop-after", "2"], tmp, ranks=2)
    kept = len(partial_units(os.path.join(tmp, "edit.h5")))
    check("edit: stopped with checkpoints", code == 130 and kept >= 2, "130, >= 2 checkpoints", "%d, %d" % (code, kept))
    code, out, err = run(["run", "inserted.toml", "-o", "edit.h5", "--resume"], tmp, ranks=2)
    lines = [line for line in hopelab_lines(err) if line.startswith("hopelab run: resume: ")]
    expected = "hopelab run: resume: %d units from checkpoints, 0 recomputed, %d without a checkpoint" % (kept, 13 - kept)
    check("edit: --resume under -n 2 reuses every checkpoint", code == 0 and lines == [expected], expected,
          "%d %s" % (code, lines or err[-2000:]))
    if code == 0:
        check("edit: resumed equals one process's run of the edited spec",
              differences(os.path.join(tmp, "inserted-one.h5"), os.path.join(tmp, "edit.h5")) == [], [],
              differences(os.path.join(tmp, "inserted-one.h5"), os.path.join(tmp, "edit.h5")))

    # Refused input under mpiexec: every process ends, one error line.
    started = time.time()
    code, out, err = run(["run", "faults.toml", "-o", "one.h5"], tmp, ranks=2, timeout=60)
    errors = [line for line in hopelab_lines(err) if line.startswith("hopelab: error:")]
    check("existing output under -n 2: exit 2", code == 2, 2, "%d %s" % (code, err[-2000:]))
    check("existing output: one error line", len(errors) == 1 and "exists" in errors[0], "1 line", errors)
    check("existing output: the job ends promptly", time.time() - started < 30, "< 30 s", time.time() - started)

    # A unit that fails when computed (valid settings, no feasible base): one line naming the
    # rank and the unit, exit 2.
    with open(os.path.join(tmp, "fails.toml"), "w") as f:
        f.write(SPEC_FAILS)
    code, out, err = run(["run", "fails.toml", "-o", "fails.h5"], tmp, ranks=2, timeout=60)
    errors = [line for line in hopelab_lines(err) if line.startswith("hopelab: error:")]
    check("failing unit under -n 2: exit 2", code == 2, 2, "%d %s" % (code, err[-2000:]))
    check("failing unit: one line naming rank and unit",
          len(errors) == 1 and re.fullmatch(r"hopelab: error: rank [01], unit 1 nobase: no feasible base up to 1e15",
                                            errors[0]) is not None,
          "hopelab: error: rank R, unit 1 nobase: no feasible base up to 1e15", errors)


def kill(tmp):
    one = reference(tmp)
    if one is None:
        return
    # Rank 1 killed mid-run.
    killed = os.path.join(tmp, "killed.h5")
    p = subprocess.Popen([*mpiexec_args(2), CLI, "run", "faults.toml", "-o", "killed.h5"], cwd=tmp, env=environment(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid = rank_pid(p.pid, 1) if wait_for_checkpoint(killed, p) else None
    if check("rank 1 found mid-run", pid is not None, "a pid", pid):
        os.kill(pid, signal.SIGKILL)
    out, err = p.communicate(timeout=60)
    lines = [line for line in hopelab_lines(err) if "stopped" in line]
    unit_names = ["mc/method=%s,base=%s" % (m, b) for m in ("vanilla", "mrope", "videorope", "hope")
                  for b in ("1e4", "1e5", "1e6")]
    check("rank 1 killed: the job fails", p.returncode != 0, "non-zero", p.returncode)
    check("rank 1 killed: one line naming rank 1 and its unit",
          len(lines) == 1 and "stopped (rank 1 died in unit " in lines[0] and
          any("died in unit %d %s" % (i, n) in lines[0] for i, n in enumerate(unit_names)),
          "hopelab run: stopped (rank 1 died in unit K NAME ...", lines)
    check("rank 1 killed: checkpoints kept, no output", partial_units(killed) and not os.path.exists(killed),
          "checkpoints", partial_units(killed))
    code, out, err = run(["run", "faults.toml", "-o", "killed.h5", "--resume"], tmp)
    check("--resume by one process without MPI completes", code == 0 and "from checkpoints" in out, "exit 0",
          "%d %s" % (code, err[-2000:]))
    if code == 0:
        check("rank killed and resumed equals one process", differences(one, killed) == [], [],
              differences(one, killed))

    # The whole job killed (every process, SIGKILL), then --resume under -n 2.
    whole = os.path.join(tmp, "whole.h5")
    p = subprocess.Popen([*mpiexec_args(2), CLI, "run", "faults.toml", "-o", "whole.h5"], cwd=tmp, env=environment(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    if wait_for_checkpoint(whole, p):
        os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=60)
    check("job killed: checkpoints kept, no output", partial_units(whole) and not os.path.exists(whole), "checkpoints",
          partial_units(whole))
    code, out, err = run(["run", "faults.toml", "-o", "whole.h5", "--resume"], tmp, ranks=2)
    check("job killed: --resume under -n 2 completes", code == 0, "exit 0", "%d %s" % (code, err[-2000:]))
    if code == 0:
        check("job killed and resumed equals one process", differences(one, whole) == [], [], differences(one, whole))


def main():
    tmp = tempfile.mkdtemp(prefix="hopelab-mpi-")
    try:
        {"identical": identical, "stop": stop, "kill": kill}[PART](tmp)
    finally:
        shutil.rmtree(tmp)
    sys.exit(log.finish())


main()
