import urllib.error

import numpy as np
import pytest

import aelib
from aelib import data as aedata


def test_sample_is_real_mnist_test_split(monkeypatch):
    monkeypatch.setenv("AELIB_QUICK", "0")
    d = aelib.load_mnist(source="sample", verbose=False)
    assert d.source == "sample"
    assert d.x_train.shape == (8000, 28, 28) and d.x_test.shape == (2000, 28, 28)
    assert d.x_train.dtype == np.float32 and d.y_train.dtype == np.uint8
    assert d.x_train.min() == 0.0 and d.x_train.max() == 1.0
    # Facts of the official MNIST test split (shared/data/mnist/README.md).
    counts = np.bincount(np.concatenate([d.y_train, d.y_test]), minlength=10)
    assert counts.tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    mean = np.concatenate([d.x_train, d.x_test]).mean()
    assert abs(mean - 0.1325) < 5e-4
    # Train and test are disjoint images.
    train_rows = {row.tobytes() for row in (d.x_train.reshape(8000, -1) * 255).astype(np.uint8)}
    assert not any((row * 255).astype(np.uint8).tobytes() in train_rows for row in d.x_test.reshape(2000, -1))


def test_quick_mode_subsets(monkeypatch):
    monkeypatch.setenv("AELIB_QUICK", "1")
    d = aelib.load_mnist(source="sample", verbose=False)
    assert (len(d.x_train), len(d.x_test)) == aedata.QUICK_SIZES
    full = aelib.load_mnist(source="sample", verbose=False, quick=False)  # explicit override
    assert (len(full.x_train), len(full.x_test)) == (8000, 2000)
    np.testing.assert_array_equal(full.x_test[:aedata.QUICK_SIZES[1]], d.x_test)
    monkeypatch.delenv("AELIB_QUICK")
    assert len(aelib.load_mnist(source="sample", verbose=False, quick=True).x_train) == aedata.QUICK_SIZES[0]


def test_env_var_forces_sample_and_says_why(monkeypatch, capsys):
    monkeypatch.setenv("AELIB_MNIST_SOURCE", "sample")

    def must_not_be_called():
        raise AssertionError("Keras was asked for MNIST although the sample was forced")

    monkeypatch.setattr(aedata, "_load_keras", must_not_be_called)
    d = aelib.load_mnist()
    out = capsys.readouterr().out.strip().splitlines()
    assert d.source == "sample"
    assert len(out) == 1 and "offline sample" in out[0] and "AELIB_MNIST_SOURCE=sample" in out[0]


@pytest.fixture
def offline_keras(monkeypatch, tmp_path):
    """Keras with an empty cache in tmp_path and no network (downloads fail at once)."""
    import keras.src.backend.config as keras_config
    import keras.src.utils.file_utils as file_utils

    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path))
    attempts = []

    def no_network(url, *args, **kwargs):
        attempts.append(url)
        raise urllib.error.URLError("network is unreachable (test)")

    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    monkeypatch.delenv("AELIB_MNIST_SOURCE", raising=False)
    return tmp_path, attempts


def test_falls_back_when_offline(offline_keras, capsys):
    _, attempts = offline_keras
    d = aelib.load_mnist()
    out = capsys.readouterr().out
    assert attempts, "the real Keras download path was not tried"
    assert d.source == "sample"
    assert "could not be loaded through Keras" in out and "network is unreachable" in out
    assert "Downloading data from" not in out  # Keras's own chatter is kept off the page


@pytest.mark.parametrize("content", [b"", b"not a zip file at all", b"PK\x03\x04truncated"])
def test_corrupt_cache_falls_back(offline_keras, capsys, content):
    home, _ = offline_keras
    (home / "datasets").mkdir()
    (home / "datasets" / "mnist.npz").write_bytes(content)
    d = aelib.load_mnist()
    assert d.source == "sample"
    assert "could not be loaded through Keras" in capsys.readouterr().out


def test_keras_source_fails_clearly_when_offline(offline_keras):
    with pytest.raises(RuntimeError, match="Could not load the full MNIST through Keras"):
        aelib.load_mnist(source="keras")


def test_uses_keras_when_it_works(monkeypatch, capsys):
    monkeypatch.delenv("AELIB_MNIST_SOURCE", raising=False)
    monkeypatch.setenv("AELIB_QUICK", "0")
    rng = np.random.default_rng(0)
    fake = (rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), rng.integers(0, 10, 60, dtype=np.uint8),
            rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), rng.integers(0, 10, 10, dtype=np.uint8))
    monkeypatch.setattr(aedata, "_load_keras", lambda: fake)
    d = aelib.load_mnist()
    assert d.source == "keras" and d.x_train.shape == (60, 28, 28)
    np.testing.assert_allclose(d.x_train * 255, fake[0], atol=1e-4)
    assert "full dataset via Keras" in capsys.readouterr().out


def test_bad_source_name():
    with pytest.raises(ValueError, match="source must be"):
        aelib.load_mnist(source="internet")


def test_corruptions_keep_shape_and_range():
    x = np.random.default_rng(0).random((20, 28, 28)).astype(np.float32)
    g = aedata.gaussian_noise(x, 0.5, seed=1)
    assert g.shape == x.shape and g.dtype == np.float32 and 0 <= g.min() and g.max() <= 1
    assert not np.allclose(g, x)
    m = aedata.masking_noise(x, 0.3, seed=1)
    zeroed = (m == 0) & (x != 0)
    assert 0.25 < zeroed.mean() < 0.35 and np.all((m == x) | (m == 0))
    s = aedata.salt_and_pepper(x.reshape(20, 784), 0.2, seed=1)
    changed = s != x.reshape(20, 784)
    assert 0.15 < changed.mean() < 0.25 and set(np.unique(s[changed])) <= {0.0, 1.0}
    np.testing.assert_array_equal(aedata.gaussian_noise(x, 0.5, seed=1), g)  # seeded
    np.testing.assert_array_equal(aedata.masking_noise(x, 0.0), x)


@pytest.mark.parametrize("call, match", [
    (lambda x: aedata.gaussian_noise(x, -0.1), "non-negative"),
    (lambda x: aedata.masking_noise(x, 1.5), "between 0 and 1"),
    (lambda x: aedata.salt_and_pepper(x * 255, 0.1), "divide by 255"),
])
def test_corruption_bad_input(call, match):
    x = np.random.default_rng(0).random((3, 784)).astype(np.float32)
    with pytest.raises(ValueError, match=match):
        call(x)
