"""Installing aelib where TensorFlow is already installed (as in Colab) leaves it alone.

Builds aelib's wheel, makes a virtual environment that already holds an older
supported TensorFlow (2.16.2, the first release with Keras 3) and its numpy,
installs the wheel there (the environment is cached per user: see SIM_DIR), and checks that pip neither planned nor made any
change to tensorflow, numpy or keras, and that aelib then works with that
TensorFlow.
"""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from helpers import ROOT


pytestmark = pytest.mark.slow  # excluded from `make test-fast`

OLD_TF = "2.16.2"
COLAB_WIDGETS = "7.7.1"  # the ipywidgets release Colab has long preinstalled
# The simulated Colab environment depends only on the two versions above, not on
# this project, so it is kept per user, like pip's cache, and reused by every
# clone on the machine (the first run builds it, about a minute); the fixture
# checks it and removes any aelib from it before use. AELIB_TEST_CACHE moves it.
SIM_DIR = Path(os.environ.get("AELIB_TEST_CACHE") or Path.home() / ".cache" / "aelib-tests") / "colab-sim"
PROTECTED = ("tensorflow", "numpy", "keras", "ipywidgets")


def run(*args, **kwargs):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def versions(python):
    listed = json.loads(run(python, "-m", "pip", "list", "--format", "json"))
    return {p["name"].lower(): p["version"] for p in listed}


@pytest.fixture(scope="module")
def colab_like_env():
    env_dir = SIM_DIR / f"venv-tf{OLD_TF}-ipywidgets{COLAB_WIDGETS}"
    python = env_dir / "bin" / "python"
    if not (python.exists() and versions(python).get("tensorflow") == OLD_TF):
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        run(python, "-m", "pip", "install", "-q", f"tensorflow=={OLD_TF}", f"ipywidgets=={COLAB_WIDGETS}")
    run(python, "-m", "pip", "uninstall", "-y", "-q", "aelib")  # in case an earlier run stopped halfway
    return python


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, ROOT)
    wheels = list(out.glob("aelib-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_ships_the_offline_sample(wheel):
    import zipfile
    names = zipfile.ZipFile(wheel).namelist()
    assert "aelib/_data/mnist_sample.npz" in names and "aelib/_data/README.md" in names
    assert "aelib/_data/benchmark-sample.json" in names  # the last chapter reads it in Colab too


def test_installing_aelib_leaves_tensorflow_and_numpy_alone(colab_like_env, wheel, tmp_path):
    python = colab_like_env
    before = versions(python)
    assert before["tensorflow"] == OLD_TF

    report_path = tmp_path / "report.json"
    run(python, "-m", "pip", "install", "--dry-run", "--report", report_path, wheel)
    planned = {item["metadata"]["name"].lower() for item in json.loads(report_path.read_text())["install"]}
    assert "aelib" in planned
    assert not planned & set(PROTECTED), f"pip planned to (re)install {planned & set(PROTECTED)}"

    run(python, "-m", "pip", "install", "-q", wheel)
    after = versions(python)
    for name in PROTECTED:
        assert after.get(name) == before.get(name), f"{name} changed: {before.get(name)} -> {after.get(name)}"

    # aelib works there: data, metrics, a model, an explorer on ipywidgets 7.
    script = (
        "import aelib, keras, tensorflow as tf, ipywidgets as w\n"
        "d = aelib.load_mnist(source='sample', verbose=False)\n"
        "auto, enc, dec = aelib.models.dense_autoencoder(code_size=4)\n"
        "x = d.x_test[:8].reshape(8, 784)\n"
        "seen = []\n"
        "ui = aelib.widgets.explorer(lambda k: seen.append(k), k=w.IntSlider(1, 0, 5))\n"
        "ui.children[0].value = 4\n"
        "rows = aelib.results.summary(aelib.results.load_results('sample'))\n"
        "print(tf.__version__, w.__version__, aelib.metrics.mse(x, auto.predict(x, verbose=0)) > 0, seen[-1],\n"
        "      len(rows) > 10)\n")
    out = run(python, "-c", script, env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"})
    assert out.strip().splitlines()[-1] == f"{OLD_TF} {COLAB_WIDGETS} True 4 True"
    run(python, "-m", "pip", "uninstall", "-y", "-q", "aelib")  # leave the simulated Colab clean
