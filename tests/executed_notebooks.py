"""Each notebook is executed once per `make test`: nbval runs it, cell by cell, and
a hook in conftest.py writes the outputs it got into an executed copy; the
quick book build then takes its pages from those copies instead of executing
the chapters a second time.

An executed copy is reused only if it was made from the same notebook, the same
aelib (code and shipped data) and the same quick-mode settings as the build's,
and if every one of its cells passed; otherwise the build executes the chapter
itself.
"""

import copy
import hashlib
import os
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
EXECUTED_DIR = ROOT / "_build" / "nbval"
# What a chapter's outputs depend on besides its own code and aelib.
ENVIRONMENT = ("AELIB_QUICK", "AELIB_MNIST_SOURCE", "AELIB_MNIST_DIR")


def fingerprint(notebook_path, environ=None):
    """sha256 of the notebook's bytes, every file of aelib and the data settings."""
    environ = os.environ if environ is None else environ
    digest = hashlib.sha256(Path(notebook_path).read_bytes())
    for path in sorted((ROOT / "aelib").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for name in ENVIRONMENT:
        digest.update(f"{name}={environ.get(name, '')}\0".encode())
    return digest.hexdigest()


def executed_path(notebook_path):
    return EXECUTED_DIR / Path(notebook_path).name


def write_executed(notebook, notebook_path, stamp, outputs, seconds):
    """Write `notebook` (as read by nbval) with the outputs nbval collected, one
    list per code cell, in order; `stamp` is the fingerprint taken when the run began."""
    executed = copy.deepcopy(notebook)
    code_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    if len(code_cells) != len(outputs):
        raise ValueError(f"{len(outputs)} cells' outputs for {len(code_cells)} code cells: not every code cell ran")
    for count, (cell, outs) in enumerate(zip(code_cells, outputs), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.from_dict(dict(out)) for out in outs]
        for out in cell.outputs:
            if out.output_type == "execute_result":
                out.execution_count = count
    executed.metadata["aelib_executed"] = {"fingerprint": stamp,
                                           "seconds": round(seconds, 2), "written": time.time()}
    nbformat.validate(executed)
    EXECUTED_DIR.mkdir(parents=True, exist_ok=True)
    target = executed_path(notebook_path)
    temporary = target.with_suffix(".partial")
    nbformat.write(executed, temporary)
    temporary.replace(target)


def reusable(notebook_path, environ):
    """The executed copy of `notebook_path` if it matches the build's inputs, else None."""
    path = executed_path(notebook_path)
    if not path.exists():
        return None
    executed = nbformat.read(path, as_version=4)
    stamp = executed.metadata.pop("aelib_executed", {})
    if stamp.get("fingerprint") != fingerprint(notebook_path, environ):
        return None
    return executed, stamp["seconds"]
