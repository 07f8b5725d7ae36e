#!/usr/bin/env python3
"""The committed notebooks are valid nbformat v4, carry no outputs, execution counts or
execution timestamps, and run under the python3 kernel.

check_notebooks_clean.py [--strip] NOTEBOOK_DIR [NAME...]   (NAME: a notebook that must be there)

Fails (exit 1, naming the notebook, cell and problem) on any notebook of NOTEBOOK_DIR that breaks
a rule, on a missing NAME, and when the checker itself misses a planted output (its twin).
--strip first rewrites every notebook without outputs, counts and timestamps (before a commit).
"""
import copy
import sys
from pathlib import Path

import nbformat


def problems(nb):
    """Every rule the notebook breaks, as readable lines (empty when it is clean)."""
    found = []
    if nb.get("nbformat") != 4:
        found.append(f"nbformat {nb.get('nbformat')}, expected 4")
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        found.append(f"not valid nbformat v4: {error.message}")
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernelspec {kernel!r}, expected 'python3'")
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {index} has {len(cell['outputs'])} outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {index} has execution count {cell['execution_count']}")
        if "execution" in cell.get("metadata", {}):
            found.append(f"cell {index} has execution timestamps in its metadata")
    return found


def strip(path):
    """Rewrites the notebook at path without outputs, execution counts and timestamps."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, path)


def main():
    args = sys.argv[1:]
    stripping = args[:1] == ["--strip"]
    args = args[stripping:]
    if not args:
        sys.exit(__doc__)
    directory, required = Path(args[0]), args[1:]
    paths = sorted(directory.glob("*.ipynb"))
    if not paths:
        sys.exit(f"FAIL: no notebooks in {directory}")
    for path in paths if stripping else []:
        strip(path)
    failures = [f"{directory}/{name}.ipynb is missing" for name in required
                if not (directory / f"{name}.ipynb").is_file()]
    for path in paths:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        failures += [f"{path.name}: {p}" for p in problems(nb)]
        # twin: the same notebook with one executed cell must be rejected
        dirty = copy.deepcopy(nb)
        cell = next(c for c in dirty.cells if c.cell_type == "code")
        cell.execution_count = 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x\n")]
        if len(problems(dirty)) < 2:
            failures.append(f"{path.name}: the checker missed a planted output and execution count")
    for line in failures:
        print(f"FAIL: {line}")
    if failures:
        sys.exit(1)
    print(f"{len(paths)} notebooks clean: {', '.join(p.name for p in paths)}")


if __name__ == "__main__":
    main()
