"""pytest set-up shared by the unit tests and the notebook (nbval) tests.

Tests run in quick mode on the offline MNIST sample, so they are fast and never
wait on (or use) the network. The variables are set here, before any notebook
kernel starts, so the kernels inherit them.
"""

import os

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
    import pytest
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
