import gzip
import hashlib
import urllib.error
from pathlib import Path

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
    assert len(out) == 3 and "offline sample" in out[0] and "AELIB_MNIST_SOURCE=sample" in out[-1]
    assert max(map(len, out)) <= 80, out  # fits a phone


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
    assert "the full MNIST could not be downloaded." in out  # plain words on the page ...
    assert "URLError" not in out and "network is unreachable" in d.fallback_reason  # ... the reason kept
    assert "Downloading data from" not in out  # Keras's own chatter is kept off the page


@pytest.mark.parametrize("content", [b"", b"not a zip file at all", b"PK\x03\x04truncated"])
def test_corrupt_cache_falls_back(offline_keras, capsys, content):
    home, _ = offline_keras
    (home / "datasets").mkdir()
    (home / "datasets" / "mnist.npz").write_bytes(content)
    d = aelib.load_mnist()
    assert d.source == "sample"
    assert "could not be downloaded" in capsys.readouterr().out


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


# --- the local-files source (AELIB_MNIST_DIR) ---------------------------------

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def _write_idx(path, array, magic, compress):
    raw = aedata._idx_bytes(array, magic)
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return hashlib.sha256(raw).hexdigest()


@pytest.fixture
def tiny_mnist(monkeypatch, tmp_path):
    """A directory of tiny IDX files (6 train / 4 test images) in the official layout,
    with aelib's table of official hashes and shapes pointed at them."""
    rng = np.random.default_rng(1)
    arrays = {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, 6, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, 4, dtype=np.uint8)}
    table = []
    for name, filename, magic, _, _ in aedata.OFFICIAL_FILES:
        compress = name.startswith("x")  # images gzipped, labels not: both forms are read
        path = tmp_path / (filename + (".gz" if compress else ""))
        sha = _write_idx(path, arrays[name], magic, compress)
        table.append((name, filename, magic, arrays[name].shape, sha))
    monkeypatch.setattr(aedata, "OFFICIAL_FILES", tuple(table))
    monkeypatch.delenv("AELIB_MNIST_SOURCE", raising=False)
    monkeypatch.delenv("AELIB_MNIST_DIR", raising=False)
    monkeypatch.setenv("AELIB_QUICK", "0")
    return tmp_path, arrays


def test_local_dir_reads_idx_files(tiny_mnist, monkeypatch, capsys):
    directory, arrays = tiny_mnist
    monkeypatch.setattr(aedata, "_load_keras", lambda: pytest.fail("Keras was asked"))
    d = aelib.load_mnist(directory=directory)
    assert d.source == "local" and d.dataset == "full"
    np.testing.assert_array_equal((d.x_train * 255).round().astype(np.uint8), arrays["x_train"])
    np.testing.assert_array_equal(d.y_test, arrays["y_test"])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and "local files" in out[0] and str(directory) in out[1] and "sha256 verified" in out[1]


def test_local_dir_from_environment(tiny_mnist, monkeypatch):
    directory, arrays = tiny_mnist
    monkeypatch.setenv("AELIB_MNIST_DIR", str(directory))
    d = aelib.load_mnist(verbose=False)
    assert d.source == "local" and len(d.x_train) == 6


def test_local_dir_reads_a_keras_npz(tiny_mnist, tmp_path_factory):
    _, arrays = tiny_mnist
    directory = tmp_path_factory.mktemp("npz")
    np.savez(directory / "mnist.npz", **arrays)
    d = aelib.load_mnist(directory=directory, verbose=False)
    np.testing.assert_array_equal(d.y_train, arrays["y_train"])
    arrays["y_train"] = (arrays["y_train"] + 1) % 10  # other labels: the hash check must catch it
    np.savez(directory / "mnist.npz", **arrays)
    with pytest.raises(aedata.MNISTFileError, match=r"mnist.npz \[y_train\]: sha256 .* expected the official"):
        aelib.load_mnist(directory=directory, verbose=False)


def test_local_dir_accepts_dotted_names(tiny_mnist):
    directory, _ = tiny_mnist
    (directory / "train-labels-idx1-ubyte").rename(directory / "train-labels.idx1-ubyte")
    assert aelib.load_mnist(directory=directory, verbose=False).source == "local"


def test_local_dir_rejects_a_changed_pixel(tiny_mnist):
    directory, arrays = tiny_mnist
    path = directory / "t10k-images-idx3-ubyte.gz"
    x = arrays["x_test"].copy()
    x[0, 0, 0] ^= 1  # valid header and length, one bit off: only the hash can tell
    _write_idx(path, x, aedata.IMAGE_MAGIC, compress=True)
    with pytest.raises(aedata.MNISTFileError, match=r"t10k-images-idx3-ubyte\.gz: sha256 .* expected the official"):
        aelib.load_mnist(directory=directory, verbose=False)


def test_local_dir_names_a_missing_file(tiny_mnist):
    directory, _ = tiny_mnist
    (directory / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(aedata.MNISTFileError, match=r"missing train-labels-idx1-ubyte \(gzipped or not\)"):
        aelib.load_mnist(directory=directory, verbose=False)


def test_local_dir_truncated_files(tiny_mnist):
    directory, _ = tiny_mnist
    gz = directory / "train-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:-40])  # a cut-off download
    with pytest.raises(aedata.MNISTFileError, match=r"train-images-idx3-ubyte\.gz: cannot be read .*truncated"):
        aelib.load_mnist(directory=directory, verbose=False)
    raw = directory / "t10k-labels-idx1-ubyte"
    raw.write_bytes(raw.read_bytes()[:-1])
    _write_idx(gz, np.zeros((6, 28, 28), np.uint8), aedata.IMAGE_MAGIC, True)  # readable again, wrong hash
    with pytest.raises(aedata.MNISTFileError):
        aelib.load_mnist(directory=directory, verbose=False)
    with pytest.raises(aedata.MNISTFileError, match=r"t10k-labels-idx1-ubyte: the header promises shape \(4,\)"):
        aedata.parse_idx(raw.read_bytes(), aedata.LABEL_MAGIC, str(raw))


def test_local_dir_swapped_files(tiny_mnist):
    directory, _ = tiny_mnist
    images = (directory / "train-images-idx3-ubyte.gz").read_bytes()
    (directory / "train-labels-idx1-ubyte").write_bytes(gzip.decompress(images))
    with pytest.raises(aedata.MNISTFileError, match=r"train-labels-idx1-ubyte: IDX magic number is 2051, expected 2049"):
        aelib.load_mnist(directory=directory, verbose=False)


def test_local_dir_never_falls_back(tiny_mnist, monkeypatch, tmp_path_factory):
    empty = tmp_path_factory.mktemp("empty")
    monkeypatch.setattr(aedata, "_load_sample", lambda: pytest.fail("fell back to the sample"))
    monkeypatch.setattr(aedata, "_load_keras", lambda: pytest.fail("fell back to Keras"))
    with pytest.raises(aedata.MNISTFileError, match="missing .* or a Keras mnist.npz"):
        aelib.load_mnist(directory=empty)
    monkeypatch.setenv("AELIB_MNIST_DIR", str(empty / "nowhere"))
    with pytest.raises(aedata.MNISTFileError, match="no such directory"):
        aelib.load_mnist()


def test_local_dir_conflicting_requests(tiny_mnist, monkeypatch):
    directory, _ = tiny_mnist
    with pytest.raises(ValueError, match="two different sources"):
        aelib.load_mnist(source="sample", directory=directory)
    monkeypatch.setenv("AELIB_MNIST_DIR", str(directory))
    monkeypatch.setenv("AELIB_MNIST_SOURCE", "keras")
    with pytest.raises(ValueError, match="two different sources"):
        aelib.load_mnist()
    monkeypatch.delenv("AELIB_MNIST_DIR")
    with pytest.raises(ValueError, match="needs a directory"):
        aelib.load_mnist(source="local")


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason="no shared copy of the full MNIST beside the project")
def test_shared_full_mnist_loads_and_verifies(monkeypatch):
    monkeypatch.setenv("AELIB_QUICK", "0")
    d = aelib.load_mnist(directory=SHARED_MNIST, verbose=False)
    assert d.x_train.shape == (60000, 28, 28) and d.x_test.shape == (10000, 28, 28)
    assert np.bincount(d.y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert d.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_validation_split_is_fixed_disjoint_and_complete():
    x = np.arange(100 * 4, dtype=np.float32).reshape(100, 4)
    y = np.arange(100) % 10
    fit, val = aedata.validation_split(x, fraction=0.2)
    assert (len(fit), len(val)) == (80, 20)
    rows = {tuple(r) for r in fit} | {tuple(r) for r in val}
    assert len(rows) == 100  # disjoint, and together all the images
    again = aedata.validation_split(x, fraction=0.2)
    np.testing.assert_array_equal(again[1], val)  # same seed, same split
    assert not np.array_equal(aedata.validation_split(x, fraction=0.2, seed=1)[1], val)
    fit_x, fit_y, val_x, val_y = aedata.validation_split(x, y, fraction=0.2)
    np.testing.assert_array_equal(fit_x[:, 0] // 4 % 10, fit_y)  # labels follow their images
    with pytest.raises(ValueError, match="between 0 and 1"):
        aedata.validation_split(x, fraction=1.0)
    with pytest.raises(ValueError, match="one label per image"):
        aedata.validation_split(x, y[:5])
