#!/usr/bin/env python3
"""The run-time backend choice (docs/architecture.md, "Choosing a backend").

Usage: check_backend_choice.py PATH/TO/hopelab cpu|gpu

cpu (label unit): runs anywhere.
  * `ldd hopelab` names neither libcudart nor libcublas: the program does not link them.
  * a CPU run (--backend cpu, and auto where no NVIDIA driver is present) loads neither them nor
    the CUDA module: the loader's own log (LD_DEBUG=files) is read for every object it opened.
    Its twin: where the build has the CUDA module, --backend cuda loads it and libcudart, and the
    same log shows them (so the watch can see a CUDA load).
  * the provenance of --json and of a results file names the backend and its device: cpu-omp,
    the CPU's model, compute capability and driver "none", runtime "OpenMP ...".
  * --backend cuda where it cannot run (no module, or no device; $HOPELAB_CUDA_MODULE naming
    nothing, a file that is not a shared object, or one without the module's entry point, while
    auto then runs on the CPU), --backend gpu, a spec's
    `backend = "tpu"`: exit 2, nothing on stdout, one stderr line naming the cause; a run refused
    so writes no file. A spec's backend = "cuda" is overridden by `hopelab run --backend cpu`.
gpu (label gpu): exit 77 (skipped) unless --backend cuda runs. The CUDA module against the CPU
  build on the same seed: provenance names the GPU (compute capability "M.m", driver and runtime
  versions); the expected preference's means agree to 1e-9 of max(|mean|, SE) (double
  arithmetic, summed in another order on the device); win probabilities and retrieval hit rates
  differ by at most 2/N (a sample whose score is within rounding of a tie may count on one
  side only); the VLM's bench runs on the device.
Prints one line per failed check and exits 1 if any failed.
"""

import glob
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

CLI = os.path.abspath(sys.argv[1])
MODE = sys.argv[2] if len(sys.argv) > 2 else "cpu"
MODULE = os.environ.get("HOPELAB_CUDA_MODULE") or os.path.join(os.path.dirname(CLI), "libhopelab_cuda.so")
HAS_MODULE = os.path.exists(MODULE)
DRIVER = any(os.path.exists(p) for p in ("/dev/nvidiactl", "/proc/driver/nvidia/version", "/dev/dxg"))
CUDA_LIBS = ("libcudart", "libcublas", "libhopelab_cuda")
log = CheckLog(tolerances=False)
check = log.check

WIN = ["mc", "win-prob", "--method", "vanilla", "--head-dim", "16", "--offsets", "0:3000:1000", "--samples", "400"]
PREF = ["mc", "preference", "--method", "mrope", "--offsets", "0:3000:1000", "--samples", "400"]
RETRIEVAL = ["mc", "retrieval", "--method", "hope", "--frames", "4", "--grid", "2x2", "--samples", "400",
             "--head-dim", "16"]
VLM_BENCH = ["bench", "vlm", "--preset", "tiny", "--tokens", "8", "--repeats", "1", "--decode-steps", "1", "--json"]


def run(args, cwd=None, loader_log=None):
    """(exit status, stdout, stderr, objects the loader opened: [] unless loader_log)."""
    env = dict(os.environ)
    if loader_log:
        env["LD_DEBUG"] = "files"
        env["LD_DEBUG_OUTPUT"] = loader_log
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    opened = []
    if loader_log:
        for path in glob.glob(loader_log + ".*"):
            with open(path, errors="replace") as f:
                opened += [line for line in f if "file=" in line]
            os.remove(path)
    return p.returncode, p.stdout, p.stderr, opened


def cuda_lines(opened):
    return [line.strip() for line in opened if any(lib in line for lib in CUDA_LIBS)]


def one_line_refusal(case, result, words):
    rc, out, err, _ = result
    lines = err.splitlines()
    check(case + ": exit 2", rc == 2, 2, rc)
    check(case + ": nothing on stdout", out == "", "''", repr(out[:200]))
    check(case + ": one stderr line", len(lines) == 1, 1, repr(err[:300]))
    check(case + ": names " + repr(words), all(w in err for w in words), words, repr(err[:300]))


def provenance(stdout):
    try:
        return json.loads(stdout)["provenance"]
    except (ValueError, KeyError, TypeError):
        return {}


def check_cpu():
    ldd = shutil.which("ldd")
    if ldd:
        linked = subprocess.run([ldd, CLI], capture_output=True, text=True).stdout
        check("ldd hopelab: no libcudart or libcublas", not any(lib in linked for lib in CUDA_LIBS[:2]),
              "neither", [l.strip() for l in linked.splitlines() if "cuda" in l or "cublas" in l])
    with tempfile.TemporaryDirectory() as tmp:
        watch = os.path.join(tmp, "ld")
        runs = [("--backend cpu", WIN + ["--backend", "cpu", "--json"])]
        if not DRIVER:  # auto is the CPU here, and must not so much as load the module
            runs += [("default (auto)", WIN + ["--json"]), ("--backend auto", PREF + ["--backend", "auto", "--json"])]
        for case, args in runs:
            rc, out, err, opened = run(args, loader_log=watch)
            check(case + ": exit 0", rc == 0, 0, (rc, err[:300]))
            check(case + ": the loader's log was read", len(opened) > 0, "> 0 objects", len(opened))
            check(case + ": no CUDA library loaded", cuda_lines(opened) == [], [], cuda_lines(opened))
            p = provenance(out)
            check(case + ": provenance backend", p.get("backend") == "cpu-omp", "cpu-omp", p.get("backend"))
            check(case + ": provenance device", bool(p.get("device")) and p.get("device") != "unknown",
                  "the CPU's model", p.get("device"))
            for field in ("compute_capability", "driver_version"):
                check(case + ": provenance " + field, p.get(field) == "none", "none", p.get(field))
            check(case + ": provenance runtime_version", str(p.get("runtime_version", "")).startswith("OpenMP "),
                  "OpenMP ...", p.get("runtime_version"))

        # The model commands take the choice too.
        rc, out, err, opened = run(VLM_BENCH + ["--backend", "cpu"], loader_log=watch)
        check("bench vlm --backend cpu: exit 0", rc == 0, 0, (rc, err[:300]))
        check("bench vlm --backend cpu: backend named", '"backend":"cpu-omp"' in out, "cpu-omp", out[:200])
        check("bench vlm --backend cpu: no CUDA library loaded", cuda_lines(opened) == [], [], cuda_lines(opened))

        # --backend cuda where it cannot run: the module missing, or no device (the twin of the
        # loader watch: the module and libcudart are seen loading).
        if not DRIVER or not HAS_MODULE:
            result = run(WIN + ["--backend", "cuda", "--json"], loader_log=watch)
            if HAS_MODULE:
                one_line_refusal("--backend cuda, no device", result, ["backend cuda", "no CUDA device"])
                loaded = cuda_lines(result[3])
                check("--backend cuda: the loader's log shows the module", any("libhopelab_cuda" in l for l in loaded),
                      "libhopelab_cuda.so opened", loaded)
                check("--backend cuda: the loader's log shows libcudart", any("libcudart" in l for l in loaded),
                      "libcudart opened", loaded)
            else:
                one_line_refusal("--backend cuda, no module", result, ["backend cuda", "no CUDA backend"])
            one_line_refusal("bench mc --backend cuda", run(["bench", "mc", "--backend", "cuda", "--samples", "10",
                                                             "--offsets", "1", "--win-samples", "10",
                                                             "--win-offsets", "1", "--repeats", "1"]),
                             ["backend cuda"])
            one_line_refusal("bench vlm --backend cuda", run(VLM_BENCH + ["--backend", "cuda"]), ["backend cuda"])
        # Whatever stands where the module should: nothing, a file that is not a shared object, a
        # shared object without the entry point. Each is refused with one line naming it.
        not_elf = os.path.join(tmp, "libhopelab_cuda.so")
        with open(not_elf, "w") as f:
            f.write("not a shared object\n")
        libm = next((p for p in ("/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6",
                                 "/lib64/libm.so.6") if os.path.exists(p)), None)
        for case, module, words in [("no module", os.path.join(tmp, "none.so"), ["no CUDA backend", "none.so"]),
                                    ("not a shared object", not_elf, ["cannot load", not_elf]),
                                    ("no entry point", libm, ["is not a CUDA module of this hopelab build"])]:
            if module is None:
                continue
            os.environ["HOPELAB_CUDA_MODULE"] = module
            try:
                one_line_refusal("HOPELAB_CUDA_MODULE, " + case, run(WIN + ["--backend", "cuda"]),
                                 ["backend cuda"] + words)
                rc, out, err, _ = run(WIN + ["--backend", "auto", "--json"])
                check("HOPELAB_CUDA_MODULE, " + case + ": auto runs on the CPU",
                      rc == 0 and provenance(out).get("backend") == "cpu-omp", "cpu-omp", (rc, err[:200]))
            finally:
                del os.environ["HOPELAB_CUDA_MODULE"]
        one_line_refusal("--backend gpu", run(WIN + ["--backend", "gpu"]), ["--backend", "'gpu'"])
        one_line_refusal("unit --backend ''", run(["unit", "preference", "--method", "vanilla", "--backend", ""]),
                         ["''"])
        one_line_refusal("bench vlm --backend gpu", run(VLM_BENCH + ["--backend", "gpu"]), ["--backend", "'gpu'"])

        # Specs: backend in [experiment], overridden by hopelab run --backend.
        def spec(backend):
            path = os.path.join(tmp, "spec-%s.toml" % backend)
            with open(path, "w") as f:
                f.write('[experiment]\nname = "backend"\nseed = 3\nbackend = "%s"\n\n'
                        '[[run]]\nname = "w"\nkind = "mc-win-prob"\nmethod = "vanilla"\nhead_dim = 16\n'
                        'offsets = "0:2000:1000"\nsamples = 200\n' % backend)
            return path

        out_h5 = os.path.join(tmp, "cpu.h5")
        rc, out, err, _ = run(["run", spec("cpu"), "-o", out_h5])
        check("run, backend = \"cpu\": exit 0", rc == 0, 0, (rc, err[:300]))
        rc, out, err, _ = run(["inspect", out_h5, "--json"])
        p = provenance(out)
        check("results file: backend", p.get("backend") == "cpu-omp", "cpu-omp", p.get("backend"))
        check("results file: compute_capability", p.get("compute_capability") == "none", "none",
              p.get("compute_capability"))
        check("results file: runtime_version", str(p.get("runtime_version", "")).startswith("OpenMP "), "OpenMP ...",
              p.get("runtime_version"))

        bad = os.path.join(tmp, "tpu.h5")
        one_line_refusal('run, backend = "tpu"', run(["run", spec("tpu"), "-o", bad]), ["experiment.backend", "'tpu'"])
        check('run, backend = "tpu": no file written', not os.path.exists(bad) and not os.path.exists(bad + ".partial"),
              "nothing", os.listdir(tmp))
        override = os.path.join(tmp, "override.h5")
        rc, out, err, _ = run(["run", spec("cuda"), "-o", override, "--backend", "cpu"])
        check('run, backend = "cuda", --backend cpu: exit 0', rc == 0, 0, (rc, err[:300]))
        rc, out, err, _ = run(["inspect", override, "--json"])
        check('run, backend = "cuda", --backend cpu: runs on the CPU', provenance(out).get("backend") == "cpu-omp",
              "cpu-omp", provenance(out).get("backend"))
        if not DRIVER or not HAS_MODULE:
            refused = os.path.join(tmp, "refused.h5")
            one_line_refusal('run, backend = "cuda" without a device', run(["run", spec("cuda"), "-o", refused]),
                             ["backend cuda"])
            check('run, backend = "cuda" without a device: no file written',
                  not os.path.exists(refused) and not os.path.exists(refused + ".partial"), "nothing", os.listdir(tmp))


def datasets(stdout):
    return json.loads(stdout)["datasets"]


def check_gpu():
    rc, out, err, _ = run(WIN + ["--backend", "cuda", "--json"])
    if rc == 2 and ("no CUDA device" in err or "no CUDA backend" in err):
        print("skipped: " + err.strip())
        sys.exit(77)
    check("--backend cuda: exit 0", rc == 0, 0, (rc, err[:300]))
    p = provenance(out)
    check("provenance backend", p.get("backend") == "cuda", "cuda", p.get("backend"))
    check("provenance device", bool(p.get("device")), "the GPU's name", p.get("device"))
    check("provenance compute_capability", re.fullmatch(r"\d+\.\d+", str(p.get("compute_capability"))) is not None,
          "M.m", p.get("compute_capability"))
    check("provenance driver_version", "CUDA" in str(p.get("driver_version")), "... (CUDA M.m)", p.get("driver_version"))
    check("provenance runtime_version", str(p.get("runtime_version")).startswith("CUDA "), "CUDA M.m",
          p.get("runtime_version"))
    for name, args, fields, rates in [("mc preference", PREF, ["mean"], []),
                                      ("mc win-prob", WIN, [], ["probability"]),
                                      ("mc retrieval", RETRIEVAL, ["mass"], ["hit_rate"])]:
        results = {}
        for backend in ("cpu", "cuda"):
            rc, out, err, _ = run(args + ["--backend", backend, "--json"])
            check(name + " --backend " + backend + ": exit 0", rc == 0, 0, (rc, err[:300]))
            results[backend] = datasets(out) if rc == 0 else {}
        cpu, gpu = results["cpu"], results["cuda"]
        n = 400
        for field in fields:
            a, b = cpu.get(field, {}).get("values", []), gpu.get(field, {}).get("values", [])
            se = cpu.get("standard_error", cpu.get("mass_standard_error", {})).get("values", [0.0] * len(a))
            check(name + ": " + field + " on both", len(a) == len(b) and len(a) > 0, len(a), len(b))
            for j, (x, y) in enumerate(zip(a, b)):
                tol = 1e-9 * max(abs(x), abs(se[j]) if j < len(se) else 0.0, 1e-300)
                log.check("%s: %s[%d] cpu vs cuda" % (name, field, j), abs(x - y) <= tol, x, y, abs(x - y), tol)
        for field in rates:
            a, b = cpu.get(field, {}).get("values", []), gpu.get(field, {}).get("values", [])
            check(name + ": " + field + " on both", len(a) == len(b) and len(a) > 0, len(a), len(b))
            for j, (x, y) in enumerate(zip(a, b)):
                log.check("%s: %s[%d] cpu vs cuda" % (name, field, j), abs(x - y) <= 2.0 / n, x, y, abs(x - y), 2.0 / n)
    rc, out, err, _ = run(VLM_BENCH + ["--backend", "cuda"])
    check("bench vlm --backend cuda: exit 0", rc == 0, 0, (rc, err[:300]))
    check("bench vlm --backend cuda: backend named", '"backend":"cuda"' in out, "cuda", out[:200])


if MODE == "gpu":
    check_gpu()
else:
    check_cpu()
sys.exit(log.finish())
