#!/usr/bin/env python3
"""Executes one notebook of notebooks/ headless and checks it ran through.

run_notebook.py NOTEBOOK OUT_DIR HOPELAB [options] -- NBCONVERT...

Runs `NBCONVERT --to notebook --execute --output-dir OUT_DIR NOTEBOOK` under a python3 kernel
pinned to /usr/bin/python3, with HOPELAB_BIN=HOPELAB and HOPELAB_RESULTS as given. Fails (exit 1,
saying why) when nbconvert fails, a cell did not run or shows an error, a Python warning was
printed, fewer figures than --images came out, or an --expect text is missing from the outputs.
With --broken it runs a copy with a raising cell inserted instead, and fails unless nbconvert
exits non-zero naming that error: the check that a raising cell fails the test.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

KERNEL = {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
          "display_name": "Python 3 (Debian)", "language": "python"}
BROKEN = "deliberately broken cell"


def fail(message, done=None):
    print(f"FAIL: {message}")
    if done is not None:
        print(f"--- nbconvert exit {done.returncode}, stderr (tail) ---\n{done.stderr[-6000:]}")
    sys.exit(1)


def environment(out, hopelab, results):
    # A python3 kernelspec first on JUPYTER_PATH, so no user kernelspec can replace Debian's python.
    spec = out / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps(KERNEL))
    env = dict(os.environ, HOPELAB_BIN=str(hopelab), JUPYTER_PATH=str(out / "jupyter"),
               JUPYTER_RUNTIME_DIR=str(out / "runtime"), PYTHONDONTWRITEBYTECODE="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("HOPELAB_RESULTS", None)
    if results is not None:
        env["HOPELAB_RESULTS"] = str(results)
    return env


def execute(nbconvert, notebook, out, env):
    command = [*nbconvert, "--to", "notebook", "--execute", "--output-dir", str(out),
               "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.timeout=300",
               str(notebook)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    print(f"{' '.join(command)}: exit {done.returncode} in {time.perf_counter() - start:.1f} s")
    return done


def check_executed(path, images, expected):
    nb = nbformat.read(path, as_version=4)
    texts, pngs = [], 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.execution_count is None:
            fail(f"{path.name}: code cell {index} did not run")
        for output in cell.outputs:
            if output.output_type == "error":
                fail(f"{path.name}: cell {index} raised {output.ename}: {output.evalue}")
            if output.output_type == "stream":
                if output.name == "stderr" and re.search(r"\w+Warning:", output.text):
                    fail(f"{path.name}: cell {index} printed a warning:\n{output.text}")
                texts.append(output.text)
            data = output.get("data", {})
            pngs += "image/png" in data
            texts.append(data.get("text/plain", ""))
    if pngs < images:
        fail(f"{path.name}: {pngs} figures, expected at least {images}")
    for text in expected:
        if not any(text in t for t in texts):
            fail(f"{path.name}: no output contains {text!r}")
    print(f"{path.name}: every code cell ran, {pngs} figures, expected texts present")


def run_broken(nbconvert, notebook, out, env):
    nb = nbformat.read(notebook, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(f'raise RuntimeError("{BROKEN}")'))
    copy = out / "broken" / notebook.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, copy)
    done = execute(nbconvert, copy, out / "broken-out", env)
    if done.returncode == 0:
        fail("nbconvert exited 0 on a notebook whose cell raises", done)
    if BROKEN not in done.stderr:
        fail(f"nbconvert failed, but not on the inserted cell ({BROKEN!r} not in its stderr)", done)
    print(f"{copy.name} with a raising cell: nbconvert exit {done.returncode}, naming the error")


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("hopelab", type=Path)
    parser.add_argument("--results", type=Path, help="HOPELAB_RESULTS (unset when absent)")
    parser.add_argument("--results-absent", action="store_true",
                        help="require --results to be absent")
    parser.add_argument("--images", type=int, default=1, help="figures the notebook must show")
    parser.add_argument("--expect", action="append", default=[], help="a text some output contains")
    parser.add_argument("--broken", action="store_true")
    args = parser.parse_args(argv[:split])
    nbconvert = argv[split + 1:]

    if args.results_absent and args.results.exists():
        fail(f"{args.results} exists; the test needs it absent")
    if args.results is not None and not args.results_absent and not args.results.exists():
        fail(f"results file {args.results} is missing")
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    env = environment(args.out, args.hopelab, args.results)
    if args.broken:
        run_broken(nbconvert, args.notebook, args.out, env)
        return
    done = execute(nbconvert, args.notebook, args.out, env)
    if done.returncode != 0:
        fail(f"nbconvert could not execute {args.notebook.name}", done)
    check_executed(args.out / args.notebook.name, args.images, args.expect)


if __name__ == "__main__":
    main()
