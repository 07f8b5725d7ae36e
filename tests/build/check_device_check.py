#!/usr/bin/env python3
"""scripts/device-check without a GPU (docs/perf.md, "Device check").

Usage: check_device_check.py SOURCE_DIR WORK_DIR quick|full

quick (label unit):
  * --dry-run on this machine: exit 0; the report (device-check.md, .json, .log) is written; the
    plan configures with the CUDA build, warnings not errors and architecture 90, builds the
    target hopelab_device_check, and skips the gpu tests and benchmarks, naming why (no device).
  * --dry-run with a device standing in (HOPELAB_DEVICE_CHECK_GPU): the architecture is the
    device's, and the plan runs `ctest -L gpu` and every benchmark on --backend cuda and cpu.
  * --deps naming a prepared folder puts its prefix, static HDF5 and its filters on the plan.
  * bad arguments exit 2 with a message: no DIR, two DIRs, --jobs x, an unknown option.
  * --configure-only, for real, into WORK_DIR (where nvcc is found): configure passes and the
    generated build has the target hopelab_device_check and HOPELAB_WERROR OFF.
full (label long): the whole no-device run: configure and build pass, gpu steps skipped, exit 0.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

SOURCE, WORK, MODE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
SCRIPT = os.path.join(SOURCE, "scripts", "device-check")
log = CheckLog(tolerances=False)
check = log.check
HAS_NVCC = shutil.which("nvcc") is not None or os.path.exists("/usr/local/cuda/bin/nvcc")
NO_DEPS = os.path.join(WORK, "no-deps")


def run(args, env_extra=None, timeout=600):
    env = dict(os.environ)
    env.pop("HOPELAB_DEVICE_CHECK_GPU", None)
    env.update(env_extra or {})
    p = subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def report(out):
    try:
        return json.load(open(os.path.join(out, "device-check.json")))
    except (OSError, ValueError):
        return {}


def statuses(r):
    return {s["step"]: s["status"] for s in r.get("steps", [])}


def quick():
    out = os.path.join(WORK, "dry")
    rc, stdout, stderr = run([out, "--dry-run", "--deps", NO_DEPS, "--build-dir", os.path.join(WORK, "b")])
    check("dry run: exit 0", rc == 0, 0, (rc, stderr[-300:]))
    for name in ("device-check.md", "device-check.json", "device-check.log"):
        check("dry run: " + name + " written", os.path.exists(os.path.join(out, name)), "a file", os.listdir(out))
    r, st = report(out), statuses(report(out))
    if HAS_NVCC:
        check("dry run: configure planned", st.get("configure") == "planned", "planned", st.get("configure"))
        plan = [l for l in stdout.splitlines() if l.startswith("would run: cmake -S")]
        line = plan[0] if plan else ""
        for flag in ("-DHOPELAB_CUDA=ON", "-DHOPELAB_WERROR=OFF", "-DCMAKE_CUDA_ARCHITECTURES=90"):
            check("dry run: configure with " + flag, flag in line, flag, line)
        check("dry run: no deps folder, no prefix", "CMAKE_PREFIX_PATH" not in line, "system packages", line)
        check("dry run: builds hopelab_device_check", "--target hopelab_device_check" in stdout, "planned", stdout)
    check("dry run: gpu tests skipped", str(st.get("gpu tests", "")).startswith("skipped: no CUDA device"),
          "skipped: no CUDA device", st.get("gpu tests"))
    check("dry run: no ctest run planned", "ctest" not in stdout, "none", stdout)
    check("dry run: the report names no GPU", r.get("gpu", {}).get("name") is None, None, r.get("gpu"))

    # A device standing in: its architecture, and the GPU half planned.
    out2 = os.path.join(WORK, "dry-gpu")
    deps = os.path.join(WORK, "deps")
    os.makedirs(os.path.join(deps, "usr"), exist_ok=True)
    rc, stdout, stderr = run([out2, "--dry-run", "--deps", deps], {"HOPELAB_DEVICE_CHECK_GPU": "Some GPU, 8.6, 1.2.3"})
    check("dry run with a device: exit 0", rc == 0, 0, (rc, stderr[-300:]))
    r = report(out2)
    check("dry run with a device: its name in the report", r.get("gpu", {}).get("name") == "Some GPU", "Some GPU",
          r.get("gpu"))
    if HAS_NVCC:
        check("dry run with a device: its architecture", "-DCMAKE_CUDA_ARCHITECTURES=86" in stdout, "86", stdout[:400])
        check("dry run with a device: the deps folder's prefix",
              "-DCMAKE_PREFIX_PATH=" + deps + "/usr" in stdout and "-DHDF5_USE_STATIC_LIBRARIES=ON" in stdout
              and "libsz.a" in stdout, "prefix, static HDF5, libsz", stdout[:600])
        check("dry run with a device: ctest -L gpu", "ctest --test-dir" in stdout and "-L gpu" in stdout, "planned",
              stdout)
        for backend in ("cuda", "cpu"):
            for bench in ("bench mc --backend " + backend, "bench vlm --backend " + backend):
                check("dry run with a device: " + bench, bench in stdout, "planned", stdout)

    for case, args in [("no DIR", []), ("two DIRs", [out, out2]), ("--jobs x", [out, "--jobs", "x"]),
                       ("unknown option", [out, "--fast"])]:
        rc, stdout, stderr = run(args + ["--dry-run"])
        check("bad arguments (%s): exit 2" % case, rc == 2, 2, rc)
        check("bad arguments (%s): a message" % case, stderr.strip() != "", "a message", repr(stderr[:200]))

    if HAS_NVCC:  # the no-device half for real, as far as configuring
        out3 = os.path.join(WORK, "configure")
        build = os.path.join(WORK, "build-device")
        rc, stdout, stderr = run([out3, "--configure-only", "--deps", NO_DEPS, "--build-dir", build], timeout=900)
        st = statuses(report(out3))
        check("--configure-only: exit 0", rc == 0, 0, (rc, stderr[-400:]))
        check("--configure-only: configure ok", st.get("configure") == "ok", "ok", st.get("configure"))
        check("--configure-only: build skipped", str(st.get("build", "")).startswith("skipped"), "skipped",
              st.get("build"))
        cache = open(os.path.join(build, "CMakeCache.txt")).read() if os.path.exists(
            os.path.join(build, "CMakeCache.txt")) else ""
        check("--configure-only: HOPELAB_WERROR OFF", "HOPELAB_WERROR:BOOL=OFF" in cache, "OFF", "see the cache")
        made = subprocess.run(["cmake", "--build", build, "--target", "help"], capture_output=True, text=True).stdout
        check("--configure-only: target hopelab_device_check", "hopelab_device_check" in made, "listed", made[-300:])


def full():
    out = os.path.join(WORK, "full")
    rc, stdout, stderr = run([out, "--deps", NO_DEPS, "--build-dir", os.path.join(WORK, "build-full")], timeout=7200)
    st = statuses(report(out))
    check("full no-device run: exit 0", rc == 0, 0, (rc, stderr[-600:]))
    if HAS_NVCC:
        check("full no-device run: configure ok", st.get("configure") == "ok", "ok", st.get("configure"))
        check("full no-device run: build ok", st.get("build") == "ok", "ok", st.get("build"))
    check("full no-device run: gpu tests skipped", str(st.get("gpu tests", "")).startswith("skipped"), "skipped",
          st.get("gpu tests"))


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
quick() if MODE == "quick" else full()
sys.exit(log.finish())
