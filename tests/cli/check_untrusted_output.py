#!/usr/bin/env python3
"""What hopelab writes and prints when its inputs or destinations are hostile or a run was killed.

usage: check_untrusted_output.py HOPELAB

  * destinations: a FIFO and a directory given as the output of run --force, merge --force,
    vlm input/logits/grad/dump-qk --force and as a file of a vlm init checkpoint are refused with exit 2 and
    one stderr line, and are still a FIFO / a directory afterwards; vlm init/input/logits refuse
    an existing output without --force and replace it with --force;
  * kill windows: a run killed after its output was renamed into place but before its work
    directory was removed (the state is built by copying files) is finished by run --resume
    (exit 0, work directory gone, output unchanged), while an output of another spec is still
    refused; .NAME.tmp-PID temporaries of dead processes are removed by run (output directory and
    work directory), merge and vlm init, and those of a live process are kept;
  * the one-line contract: values with a newline or an escape sequence, results-file attributes
    holding them (inspect, text and --json, with invalid UTF-8 too), an unknown subcommand, a bad
    theory report (nothing on stdout first), files that are not HDF5 (no HDF5 diagnostics) and
    running out of memory (under an address-space limit) each give exactly one escaped stderr
    line.
Prints one line per failed check and exits 1 if any failed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
import h5py  # noqa: E402
from check_log import CheckLog  # noqa: E402

HOPELAB = os.path.abspath(sys.argv[1])
log = CheckLog(tolerances=False)
SPEC = """[experiment]
name = "tiny"
seed = 1

[[run]]
name = "al"
kind = "allocation"
head_dim = 16
[run.sweep]
method = ["hope", "mrope"]
"""
HOSTILE = "evil\n!touch x\x1b[2J\x07\x9b"


def run(args, **kw):
    return subprocess.run([HOPELAB, *args], capture_output=True, timeout=120, **kw)


def text(b):
    return b.decode("utf-8", errors="replace")


def refused(case, p, needle=None):
    """Exit 2, nothing on stdout, exactly one stderr line without a raw control character."""
    err = text(p.stderr)
    lines = err.splitlines()
    ok = (p.returncode == 2 and p.stdout == b"" and len(lines) == 1 and err.endswith("\n")
          and lines[0].startswith("hopelab: error: ") and not any(ord(c) < 32 or c == "\x7f" for c in lines[0])
          and (needle is None or needle in lines[0]))
    log.check(case, ok, "exit 2, one escaped stderr line" + (f" with '{needle}'" if needle else ""),
              f"exit {p.returncode}, stdout {p.stdout[:80]!r}, stderr {err[:300]!r}")


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def write(path, data=b"x"):
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- destinations

def check_destinations(tmp, spec, results):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    directory = os.path.join(tmp, "dir")
    os.mkdir(directory)
    model = os.path.join(tmp, "model")
    p = run(["vlm", "init", "--preset", "tiny", "-o", model])
    log.check("vlm init into a new directory", p.returncode == 0, 0, text(p.stderr))
    vin = os.path.join(tmp, "in.safetensors")
    p = run(["vlm", "input", "--model", model, "-o", vin])
    log.check("vlm input into a new file", p.returncode == 0, 0, text(p.stderr))
    for dest, kind in ((fifo, "FIFO"), (directory, "directory")):
        for name, args in (("run --force", ["run", spec, "-o", dest, "--force"]),
                           ("merge --force", ["merge", results, "-o", dest, "--force"]),
                           ("vlm input --force", ["vlm", "input", "--model", model, "-o", dest, "--force"]),
                           ("vlm logits --force", ["vlm", "logits", "--model", model, "--input", vin, "-o", dest,
                                                   "--method", "mrope", "--force"]),
                           ("vlm grad --force", ["vlm", "grad", "--model", model, "--input", vin, "-o", dest,
                                                 "--method", "mrope", "--force"]),
                           ("vlm dump-qk --force", ["vlm", "dump-qk", "--model", model, "--input", vin, "-o", dest,
                                                    "--method", "mrope", "--force"])):
            refused(f"{name} onto a {kind}", run(args), "is not a regular file")
    log.check("the FIFO is still a FIFO", os.path.exists(fifo) and not os.path.isfile(fifo)
              and not os.path.isdir(fifo), "a FIFO", "replaced")
    log.check("the directory is still an empty directory", os.path.isdir(directory) and os.listdir(directory) == [],
              "empty directory", os.listdir(directory) if os.path.isdir(directory) else "replaced")
    # a checkpoint whose config.json is a FIFO: refused even with --force
    trap = os.path.join(tmp, "trap")
    os.mkdir(trap)
    os.mkfifo(os.path.join(trap, "config.json"))
    refused("vlm init --force over a FIFO config.json", run(["vlm", "init", "--preset", "tiny", "-o", trap, "--force"]),
            "is not a regular file")
    refused("vlm init onto a FIFO", run(["vlm", "init", "--preset", "tiny", "-o", fifo]), "not a directory")
    # existing outputs need --force
    logits = os.path.join(tmp, "logits.safetensors")
    write(logits, b"old")
    for name, args in (("vlm init", ["vlm", "init", "--preset", "tiny", "-o", model]),
                       ("vlm input", ["vlm", "input", "--model", model, "-o", vin]),
                       ("vlm logits", ["vlm", "logits", "--model", model, "--input", vin, "-o", logits,
                                       "--method", "mrope"])):
        refused(f"{name} onto an existing output without --force", run(args), "--force")
        p = run(args + ["--force"])
        log.check(f"{name} --force replaces the existing output", p.returncode == 0, 0, text(p.stderr))
    log.check("vlm logits --force wrote a new file", os.path.getsize(logits) > 3, "> 3 bytes", os.path.getsize(logits))


# ---------------------------------------------------------------- kill windows

def check_kill_windows(tmp, spec):
    out = os.path.join(tmp, "k", "out.h5")
    os.makedirs(os.path.dirname(out))
    p = run(["run", spec, "-o", out])
    log.check("run into a fresh output", p.returncode == 0, 0, text(p.stderr))
    with open(out, "rb") as f:
        finished = f.read()
    # killed after the rename, before the work directory was removed: rebuild that state
    work = out + ".partial"
    os.makedirs(work, exist_ok=True)
    shutil.copy(out, os.path.join(work, "unit-0.h5"))
    p = run(["run", spec, "-o", out, "--resume"])
    log.check("run --resume after a kill between rename and clean-up exits 0", p.returncode == 0, 0,
              f"{p.returncode}: {text(p.stderr)}")
    log.check("... removes the work directory", not os.path.exists(work), "absent", "present")
    with open(out, "rb") as f:
        log.check("... leaves the output as it was", f.read() == finished, "unchanged", "rewritten")
    # the same state with an output of another spec is still refused
    other = os.path.join(tmp, "other.toml")
    with open(other, "w") as f:
        f.write(SPEC.replace("seed = 1", "seed = 2"))
    os.makedirs(work, exist_ok=True)
    refused("run --resume of another spec onto a finished output", run(["run", other, "-o", out, "--resume"]),
            "exists")
    shutil.rmtree(work)

    # stale temporaries: dead processes' go, a live process's stays
    dead, live = dead_pid(), os.getpid()
    stale_out = os.path.join(os.path.dirname(out), f".out.h5.tmp-{dead}")
    live_out = os.path.join(os.path.dirname(out), f".out.h5.tmp-{live}")
    write(stale_out)
    write(live_out)
    p = run(["run", spec, "-o", out, "--stop-after", "1", "--force"])
    log.check("run --stop-after 1 stops with 130", p.returncode == 130, 130, f"{p.returncode}: {text(p.stderr)}")
    log.check("run removes a dead process's .out.h5.tmp-PID", not os.path.exists(stale_out), "removed", "kept")
    log.check("run keeps a live process's .out.h5.tmp-PID", os.path.exists(live_out), "kept", "removed")
    stale_unit = os.path.join(work, f".unit-1.h5.tmp-{dead}")
    write(stale_unit)
    p = run(["run", spec, "-o", out, "--resume"])
    log.check("run --resume completes", p.returncode == 0, 0, f"{p.returncode}: {text(p.stderr)}")
    log.check("run --resume removes a dead process's temporary in the work directory",
              not os.path.exists(stale_unit), "removed", "kept")
    os.remove(live_out)

    merged = os.path.join(tmp, "k", "merged.h5")
    stale_merge = os.path.join(tmp, "k", f".merged.h5.tmp-{dead}")
    write(stale_merge)
    p = run(["merge", out, "-o", merged])
    log.check("merge completes", p.returncode == 0, 0, f"{p.returncode}: {text(p.stderr)}")
    log.check("merge removes a dead process's .merged.h5.tmp-PID", not os.path.exists(stale_merge), "removed", "kept")

    model = os.path.join(tmp, "k", "model")
    os.mkdir(model)
    stale_config = os.path.join(model, f".config.json.tmp-{dead}")
    write(stale_config)
    p = run(["vlm", "init", "--preset", "tiny", "-o", model, "--force"])
    log.check("vlm init completes", p.returncode == 0, 0, f"{p.returncode}: {text(p.stderr)}")
    log.check("vlm init removes a dead process's .config.json.tmp-PID", not os.path.exists(stale_config),
              "removed", "kept")


# ---------------------------------------------------------------- the one-line contract

def check_one_line(tmp, results):
    refused("a flag value with a newline and an escape",
            run(["mc", "preference", "--method", HOSTILE, "--offsets", "0:10:1"]), "evil\\n!touch x\\e[2J\\x07")
    refused("a spec path with a newline", run(["run", os.path.join(tmp, "no\nsuch\x1b.toml")]), "no\\nsuch\\e")
    refused("an unknown subcommand is named", run(["frobnicate"]), "'frobnicate'")
    refused("an unknown vlm subcommand is named", run(["vlm", "frobnicate"]), "'frobnicate'")
    refused("theory report with a bad head dim prints nothing first", run(["theory", "report", "--head-dim", "7"]))
    # out of memory names the command and its values (an address-space limit the test sets)
    import resource

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))
    p = run(["vlm", "init", "--preset", "base100m", "-o", os.path.join(tmp, "big")], preexec_fn=limit_memory)
    refused("out of memory names the command", p, "out of memory in 'hopelab vlm init'")
    log.check("out of memory leaves no checkpoint", not os.path.exists(os.path.join(tmp, "big")), "absent", "written")
    junk = os.path.join(tmp, "junk.h5")
    write(junk, b"not an HDF5 file at all\n" * 40)
    for name, args in (("inspect", ["inspect", junk]), ("merge", ["merge", junk, "-o", os.path.join(tmp, "m.h5")]),
                       ("plot", ["plot", junk, "-o", os.path.join(tmp, "figs")]),
                       ("mc --dist empirical", ["mc", "preference", "--method", "vanilla", "--offsets", "0:10:1",
                                                "--dist", f"empirical:{junk}:/q"])):
        p = run(args)
        refused(f"{name} of a file that is not HDF5", p)
        log.check(f"{name}: no HDF5 diagnostics", b"HDF5-DIAG" not in p.stderr, "none", text(p.stderr)[:200])
    log.check("plot of a bad file leaves no directory", not os.path.exists(os.path.join(tmp, "figs")), "absent",
              "created")

    # results-file attributes holding control characters and invalid UTF-8
    hostile = os.path.join(tmp, "hostile.h5")
    shutil.copy(results, hostile)
    with h5py.File(hostile, "r+") as f:
        f.attrs["host"] = HOSTILE
        f.attrs["spec_name"] = np_bytes(b"bad \xff\xfe utf-8 \x1b]0;title\x07")
        for group in f["runs"].values():
            group.attrs["method"] = HOSTILE
    for args in (["inspect", hostile], ["inspect", hostile, "--spec"]):
        p = run(args)
        out = text(p.stdout)
        log.check(f"{' '.join(args[::2])}: exit 0", p.returncode == 0, 0, f"{p.returncode}: {text(p.stderr)}")
        log.check(f"{' '.join(args[::2])}: no raw control character", not any(
            c in out for c in "\x1b\x07\x9b\r"), "none", repr(out[:300]))
        log.check(f"{' '.join(args[::2])}: no injected line", not any(
            line.startswith("!touch") for line in out.splitlines()), "none", repr(out[:300]))
        log.check(f"{' '.join(args[::2])}: the value shows escaped", "evil\\n!touch x\\e[2J" in out, "escaped value",
                  repr(out[:300]))
    p = run(["inspect", hostile, "--json"])
    try:
        doc = json.loads(p.stdout)
        host = doc["provenance"]["host"]
    except (ValueError, KeyError) as e:
        doc, host = None, repr(e)
    log.check("inspect --json: exit 0 and one JSON object", p.returncode == 0 and doc is not None, "JSON",
              f"{p.returncode}: {text(p.stderr)} {p.stdout[:200]!r}")
    log.check("inspect --json: the value round-trips", host == HOSTILE, repr(HOSTILE), repr(host))
    log.check("inspect --json: no raw control character", not any(b in p.stdout for b in (b"\x1b", b"\x07")),
              "none", repr(p.stdout[:200]))


def np_bytes(b):
    import numpy as np
    return np.bytes_(b)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "tiny.toml")
        with open(spec, "w") as f:
            f.write(SPEC)
        results = os.path.join(tmp, "tiny.h5")
        p = run(["run", spec, "-o", results])
        if log.check("run of the small spec", p.returncode == 0, 0, f"{p.returncode}: {text(p.stderr)}"):
            check_destinations(tmp, spec, results)
            check_kill_windows(tmp, spec)
            check_one_line(tmp, results)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
