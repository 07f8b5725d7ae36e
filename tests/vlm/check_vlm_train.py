#!/usr/bin/python3
"""`hopelab vlm train` and `vlm grad` as a user meets them (docs/vlm.md "Training"):

- bad settings: exit 2, one line on stderr naming the value, no output directory;
- an existing output without --resume or --force: refused;
- kill -9 during a run, then --resume: the final checkpoint, optimiser state and logged losses
  are byte-identical to an uninterrupted run's (same settings and threads); a checkpoint with a
  flipped bit or a file removed is refused by --resume in one line;
- `vlm grad` refuses labels that are neither -100 nor a vocabulary id, naming the entry;
- threads wait passively unless the user set OMP_WAIT_POLICY.

  check_vlm_train.py HOPELAB
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402
from vlm_ref_safetensors import read_safetensors, write_safetensors  # noqa: E402

RUN = ["--preset", "needle", "--method", "hope", "--batch", "4", "--min-frames", "2", "--max-frames", "4",
       "--seed", "3", "--quiet"]


def run(hopelab, args, **kw):
    return subprocess.run([hopelab] + args, capture_output=True, text=True, **kw)


def check_refusals(log, hopelab, tmp):
    bad = {
        "zero steps": ["--steps", "0"],
        "negative steps": ["--steps", "-3"],
        "zero learning rate": ["--lr", "0"],
        "negative learning rate": ["--lr", "-1e-3"],
        "zero gamma": ["--dts", "0.5,0"],
        "negative gamma": ["--dts", "-1"],
        "gamma not a number": ["--dts", "1,x"],
        "frames beyond the limit": ["--max-frames", "100000"],
        "zero frames": ["--min-frames", "0"],
        "one class": ["--classes", "1"],
        "more classes than ids": ["--classes", "30"],
        "DTS without a temporal step": ["--method", "mrope", "--dts", "hope"],
        "zero batch": ["--batch", "0"],
        "warm-up as long as the run": ["--steps", "5", "--warmup", "5"],
        "beta2 of one": ["--beta2", "1"],
        "unknown preset": ["--preset", "huge"],
        "zero frame stride": ["--frame-stride", "0"],
        "a data file that does not exist": ["--data", "/nonexistent/input.safetensors"],
    }
    for case, extra in bad.items():
        out = os.path.join(tmp, "refused")
        r = run(hopelab, ["vlm", "train"] + RUN + ["--steps", "4"] + extra + ["-o", out])
        lines = r.stderr.strip().splitlines()
        log.check(case + ": exit 2", r.returncode == 2, 2, r.returncode)
        log.check(case + ": one line", len(lines) == 1, "1 line", r.stderr.strip())
        log.check(case + ": nothing written", not os.path.exists(out), "no " + out, "exists")


def train(hopelab, out, steps, extra=()):
    return run(hopelab, ["vlm", "train"] + RUN + ["--steps", str(steps), "--warmup", "2",
                                                  "--checkpoint-every", "3", "-o", out] + list(extra))


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def check_resume(log, hopelab, tmp):
    steps = 200  # long enough that the kill lands mid-run even on a loaded machine
    whole = os.path.join(tmp, "whole")
    r = train(hopelab, whole, steps)
    log.check("uninterrupted run: exit 0", r.returncode == 0, 0, r.returncode, r.stderr.strip())
    killed = os.path.join(tmp, "killed")
    p = subprocess.Popen([hopelab, "vlm", "train"] + RUN + ["--steps", str(steps), "--warmup", "2",
                                                            "--checkpoint-every", "3", "-o", killed],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    latest = os.path.join(killed, "state", "latest")
    deadline = time.time() + 60
    while not os.path.exists(latest) and time.time() < deadline and p.poll() is None:
        time.sleep(0.002)
    still_running = p.poll() is None
    p.send_signal(signal.SIGKILL)
    p.wait()
    log.check("the run was killed mid-way (not finished)", still_running, "running at the first checkpoint",
              "finished")
    log.check("a checkpoint survived the kill", os.path.exists(latest), latest, "missing")
    r = train(hopelab, killed, steps, ["--resume"])
    log.check("--resume: exit 0", r.returncode == 0, 0, r.returncode, r.stderr.strip())
    for name in ("model.safetensors", "optimizer.safetensors", "config.json"):
        a, b = os.path.join(whole, name), os.path.join(killed, name)
        same = os.path.exists(b) and file_bytes(a) == file_bytes(b)
        log.check("resumed " + name + " is byte-identical", same, "identical", "differs")
    with h5py.File(os.path.join(whole, "train_log.h5")) as fa, h5py.File(os.path.join(killed, "train_log.h5")) as fb:
        la, lb = fa["runs/train/loss"][()], fb["runs/train/loss"][()]
        log.check("resumed log: every step's loss identical", la.shape == lb.shape and np.array_equal(la, lb),
                  la.shape, lb.shape)
    r = train(hopelab, whole, steps)
    log.check("an existing output without --resume or --force: exit 2", r.returncode == 2, 2, r.returncode)
    r = train(hopelab, killed, steps, ["--resume", "--lr", "2e-3"])
    log.check("--resume with other settings: exit 2", r.returncode == 2, 2, r.returncode)
    log.check("--resume with other settings: names the setting", "learning_rate" in r.stderr,
              "learning_rate", r.stderr.strip())
    check_corrupt_checkpoint(log, hopelab, killed, steps)


def check_corrupt_checkpoint(log, hopelab, out, steps):
    """A flipped bit in a weight of the newest checkpoint (still a finite float, still a valid
    safetensors file), or a file of it removed: --resume refuses in one line, never uses it."""
    latest = os.path.join(out, "state", "latest")
    log.check("a finished run keeps its newest checkpoint", os.path.exists(latest), latest, "missing")
    if not os.path.exists(latest):
        return
    state = os.path.join(out, "state", open(latest).read().strip())
    model = os.path.join(state, "model.safetensors")
    original = file_bytes(model)
    flipped = bytearray(original)
    flipped[-3] ^= 0x01  # a mantissa bit of the last F32 weight
    open(model, "wb").write(flipped)
    for case in ("a flipped bit in a weight", "optimizer.safetensors removed"):
        if case.startswith("optimizer"):
            open(model, "wb").write(original)
            os.rename(os.path.join(state, "optimizer.safetensors"), os.path.join(state, "moved"))
        r = train(hopelab, out, steps, ["--resume"])
        lines = r.stderr.strip().splitlines()
        log.check("--resume over " + case + ": exit 2", r.returncode == 2, 2, r.returncode)
        log.check("--resume over " + case + ": one line naming the checksum",
                  len(lines) == 1 and "checksum" in lines[0], "1 line with 'checksum'", r.stderr.strip())


def check_grad_labels(log, hopelab, tmp):
    model = os.path.join(tmp, "model")
    r = run(hopelab, ["vlm", "init", "--preset", "needle", "-o", model])
    log.check("vlm init: exit 0", r.returncode == 0, 0, r.returncode, r.stderr.strip())
    ids = np.array([26, 3, 4, 5, 6], dtype=np.int64)  # bos and text ids of the needle preset
    for case, labels, code in (("labels in range", [-100, 3, 4, -100, 6], 0),
                               ("a label beyond the vocabulary", [-100, 3, 99, -100, 6], 2),
                               ("a label of -5", [-100, -5, 4, 5, 6], 2),
                               ("labels of another length", [-100, 3, 4], 2),
                               ("every label ignored", [-100] * 5, 2)):
        path = os.path.join(tmp, "input.safetensors")
        write_safetensors(path, {"input_ids": ids, "labels": np.array(labels, dtype=np.int64)})
        out = os.path.join(tmp, "g.safetensors")
        if os.path.exists(out):
            os.remove(out)
        r = run(hopelab, ["vlm", "grad", "--model", model, "--input", path, "-o", out])
        log.check(case + ": exit %d" % code, r.returncode == code, code, r.returncode, r.stderr.strip())
        if code == 2:
            log.check(case + ": one line, nothing written",
                      len(r.stderr.strip().splitlines()) == 1 and not os.path.exists(out), "one line, no file",
                      r.stderr.strip())
        else:
            grads, meta = read_safetensors(out)
            log.check(case + ": three labels counted (labels 1..L-1)", meta.get("label_tokens") == "3", "3",
                      meta.get("label_tokens"))
            log.check(case + ": one gradient per parameter", "lm_head.weight" in grads and
                      grads["model.embed_tokens.weight"].shape == (32, 64), "embed (32, 64)",
                      grads["model.embed_tokens.weight"].shape)


def check_wait_policy(log, hopelab):
    """Unless OMP_WAIT_POLICY is set, the program runs itself again with the passive policy
    (experiments/app/thread_environment.h); a policy the user set is kept."""
    tiny = ["bench", "train", "--threads", "1", "--repeats", "1", "--batch", "1", "--frames", "2", "--json"]
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    for given, expected in ((None, "passive"), ("active", "active"), ("PASSIVE", "PASSIVE")):
        e = dict(env, OMP_WAIT_POLICY=given) if given else env
        r = run(hopelab, tiny, env=e)
        got = json.loads(r.stdout)["omp_wait_policy"] if r.returncode == 0 else "exit %d" % r.returncode
        log.check("wait policy, OMP_WAIT_POLICY %s" % (given or "unset"), got == expected, expected, got)


def main():
    hopelab = sys.argv[1]
    log = CheckLog(tolerances=False)
    tmp = tempfile.mkdtemp(prefix="hopelab-train-")
    try:
        check_refusals(log, hopelab, tmp)
        check_wait_policy(log, hopelab)
        check_resume(log, hopelab, tmp)
        check_grad_labels(log, hopelab, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(log.finish())


if __name__ == "__main__":
    main()
