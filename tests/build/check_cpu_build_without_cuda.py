#!/usr/bin/env python3
"""The CPU build needs no CUDA toolkit (docs/architecture.md, "One source, two backends").

Usage: check_cpu_build_without_cuda.py SOURCE_DIR WORK_DIR configure|build

Configures the project with the CUDA toolkit hidden: PATH without any folder that holds nvcc,
CUDA_PATH, CUDACXX, CUDA_HOME and CUDAToolkit_ROOT unset, the toolkit's include folders
ignored by every find command (CMAKE_IGNORE_PATH). Then:
  * configure exits 0 and says "no CUDA compiler found; CPU backend only";
  * Thrust comes from outside the toolkit (Debian's libthrust-dev, which scripts/bootstrap
    installs): CCCL_INCLUDE_DIR is not a toolkit folder;
  * nothing generated names the toolkit (CMakeCache.txt, compile_commands.json).
  Its twin, where a toolkit is installed: the same configure without hiding finds nvcc or the
  toolkit's Thrust (so the hiding is what made the difference).
build (label long) also builds the hopelab program there, checks that `ldd` finds no CUDA
library in it and that a Monte Carlo command runs on the CPU.
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
log = CheckLog(tolerances=False)
check = log.check
TOOLKITS = sorted({os.path.realpath(p) for p in ["/usr/local/cuda", os.environ.get("CUDA_PATH", ""),
                                                  os.environ.get("CUDAToolkit_ROOT", "")] if p and os.path.isdir(p)})


def hidden_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("CUDA_PATH", "CUDACXX", "CUDA_HOME", "CUDAToolkit_ROOT", "CUDAHOSTCXX")}
    env["PATH"] = os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                                  if d and not os.path.exists(os.path.join(d, "nvcc")))
    return env


def ignored_paths():
    paths = []
    for root in TOOLKITS + ["/usr/local/cuda"]:
        paths += [root + "/include", root + "/include/cccl", root + "/targets/x86_64-linux/include"]
    return paths + ["/usr/local/include/cccl"]


def configure(build, hide):
    args = ["cmake", "-S", SOURCE, "-B", build, "-DCMAKE_BUILD_TYPE=Release"]
    if shutil.which("ccache"):
        args += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
    if hide:
        args += ["-DCMAKE_IGNORE_PATH=" + ";".join(ignored_paths())]
    p = subprocess.run(args, capture_output=True, text=True, env=hidden_env() if hide else None, timeout=600)
    return p.returncode, p.stdout + p.stderr


def cache_value(build, name):
    try:
        for line in open(os.path.join(build, "CMakeCache.txt")):
            if line.startswith(name + ":"):
                return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def under_toolkit(path):
    real = os.path.realpath(path or "")
    return any(real == t or real.startswith(t + "/") for t in TOOLKITS) or "/usr/local/cuda" in (path or "")


build = os.path.join(WORK, "hidden")
shutil.rmtree(build, ignore_errors=True)
rc, out = configure(build, hide=True)
check("configure without the toolkit: exit 0", rc == 0, 0, (rc, out[-600:]))
check("configure says CPU only", "no CUDA compiler found; CPU backend only" in out, "CPU backend only", out[-400:])
cccl = cache_value(build, "CCCL_INCLUDE_DIR")
check("Thrust from outside the toolkit", cccl is not None and "NOTFOUND" not in cccl and not under_toolkit(cccl),
      "e.g. /usr/include (libthrust-dev)", cccl)
for name in ("CMakeCache.txt", "compile_commands.json"):
    path = os.path.join(build, name)
    text = open(path).read() if os.path.exists(path) else ""
    text = "\n".join(l for l in text.splitlines() if not l.startswith("CMAKE_IGNORE_PATH"))  # the hiding itself
    named = [t for t in TOOLKITS + ["/usr/local/cuda"] if t in text]
    check(name + " names no toolkit", text != "" and named == [], "written, no toolkit path", named or "missing")

if TOOLKITS:  # the twin: not hidden, the same configure sees the toolkit
    twin = os.path.join(WORK, "visible")
    shutil.rmtree(twin, ignore_errors=True)
    rc, out = configure(twin, hide=False)
    seen = under_toolkit(cache_value(twin, "CCCL_INCLUDE_DIR")) or "CUDA backend hopelab_sim_cuda" in out
    check("twin: without hiding, the toolkit is found", rc == 0 and seen, "nvcc or the toolkit's Thrust",
          (rc, cache_value(twin, "CCCL_INCLUDE_DIR")))
    shutil.rmtree(twin, ignore_errors=True)

if MODE == "build":
    jobs = str(os.cpu_count() or 2)
    p = subprocess.run(["cmake", "--build", build, "-j", jobs, "--target", "hopelab"], capture_output=True, text=True,
                       env=hidden_env(), timeout=5400)
    check("build hopelab without the toolkit", p.returncode == 0, 0, (p.returncode, (p.stdout + p.stderr)[-800:]))
    program = os.path.join(build, "hopelab")
    if p.returncode == 0:
        linked = subprocess.run(["ldd", program], capture_output=True, text=True).stdout
        check("ldd: no CUDA library", "cuda" not in linked and "cublas" not in linked, "none", linked)
        q = subprocess.run([program, "mc", "win-prob", "--method", "vanilla", "--head-dim", "16", "--samples", "200",
                            "--offsets", "0:2000:1000", "--json"], capture_output=True, text=True, env=hidden_env())
        ok = q.returncode == 0 and json.loads(q.stdout)["provenance"]["backend"] == "cpu-omp"
        check("mc win-prob runs on the CPU", ok, "exit 0, cpu-omp", (q.returncode, q.stderr[-300:]))
sys.exit(log.finish())
