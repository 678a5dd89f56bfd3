"""pytest set-up shared by the unit tests and the notebook (nbval) tests.

Tests run in quick mode on the offline MNIST sample, so they are fast and never
wait on (or use) the network. The variables are set here, before any notebook
kernel starts, so the kernels inherit them.
"""

import os
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("AELIB_QUICK", "1")
os.environ.setdefault("AELIB_MNIST_SOURCE", "sample")
# The tests run on the sample even where a local full copy is configured.
os.environ.pop("AELIB_MNIST_DIR", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYTHONHASHSEED", "0")
# Two pytest workers share two cores: one TensorFlow thread pool each.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_collectstart(collector):
    # nbval: TensorFlow writes start-up lines to stderr; never compare them.
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr", "application/javascript")


def pytest_collection_modifyitems(config, items):
    # Executing a notebook is slow: `make test-fast` (-m "not slow") leaves them out.
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)


# Each notebook executed once per `make test`: nbval's outputs are kept for the
# quick book build (tests/executed_notebooks.py explains; test_book_build.py reuses them).
sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if type(item).__name__ != "IPyNbCell":
        return
    import executed_notebooks

    notebook = item.parent
    run = notebook.__dict__.setdefault("_aelib_run", {"outputs": {}, "failed": False, "start": time.time()})
    if report.when == "setup" and item.cell_num == 0:
        executed_notebooks.executed_path(notebook.fspath).unlink(missing_ok=True)  # never a stale copy
        run["fingerprint"] = executed_notebooks.fingerprint(notebook.fspath)  # the inputs as the run starts
    if not report.passed:
        run["failed"] = True
    elif report.when == "call":
        run["outputs"][item.cell_num] = list(item.test_outputs)
    n_code = sum(cell.cell_type == "code" for cell in notebook.nb.cells)
    if report.when == "call" and item.cell_num == n_code - 1 and not run["failed"] \
            and sorted(run["outputs"]) == list(range(n_code)):
        executed_notebooks.write_executed(notebook.nb, notebook.fspath, run["fingerprint"],
                                          [run["outputs"][i] for i in range(n_code)],
                                          time.time() - run["start"])
