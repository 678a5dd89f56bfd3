"""MNIST, with an offline fallback, and the corruptions used for denoising.

`load_mnist()` tries the real MNIST through Keras (downloaded once, then read
from Keras's cache, ``~/.keras/datasets``). When that cannot work (no network,
a corrupt or partial download) it falls back to a small sample shipped inside
aelib: the 10,000 official MNIST test images split 8,000/2,000. It prints one
line saying which source it used and why.

Environment variables:
    AELIB_MNIST_SOURCE=sample   always use the shipped sample (tests and CI)
    AELIB_MNIST_SOURCE=keras    require the full MNIST; fail instead of falling back
    AELIB_QUICK=1               quick mode: keep 1,000 train / 250 test images
"""

import contextlib
import io
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._validate import as_images
from .config import quick_mode

SOURCE_ENV = "AELIB_MNIST_SOURCE"
SAMPLE_PATH = Path(__file__).with_name("_data") / "mnist_sample.npz"
QUICK_SIZES = (1000, 250)
DOWNLOAD_TIMEOUT_S = 30


@dataclass
class MNIST:
    """MNIST images and labels.

    x_train, x_test: float32 arrays of shape (n, 28, 28), pixels in [0, 1].
    y_train, y_test: uint8 arrays of shape (n,), digits 0-9.
    source: "keras" (the full 60,000/10,000 MNIST) or "sample" (the offline sample).
    """
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def __repr__(self):
        return (f"MNIST(source={self.source!r}, x_train={self.x_train.shape}, "
                f"x_test={self.x_test.shape})")


def _to_unit_float(images):
    return (images.astype(np.float32) / 255.0).reshape(-1, 28, 28)


def _check_raw(x_train, y_train, x_test, y_test, where):
    for name, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y):
            raise ValueError(f"{where}: {name} images have shape {x.shape} and dtype "
                             f"{x.dtype} with {len(y)} labels; expected (n, 28, 28) uint8")


def _load_keras():
    """The full MNIST via Keras; raises with a readable reason on any failure."""
    import keras
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        # Keras prints "Downloading data from ..." and a progress bar; keep
        # them out of the chapter's output.
        with contextlib.redirect_stdout(io.StringIO()):
            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    finally:
        socket.setdefaulttimeout(old_timeout)
    _check_raw(x_train, y_train, x_test, y_test, "keras.datasets.mnist")
    return x_train, y_train, x_test, y_test


def _load_sample():
    with np.load(SAMPLE_PATH, allow_pickle=False) as f:
        arrays = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    _check_raw(*arrays, where=str(SAMPLE_PATH))
    return arrays


def _short_reason(error):
    text = " ".join(str(error).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def load_mnist(source=None, verbose=True, quick=None):
    """Load MNIST as float32 images in [0, 1] and uint8 labels.

    source: "auto" (default: full MNIST via Keras, else the offline sample),
        "keras" (full MNIST or an error) or "sample" (the offline sample). When
        None, the ``AELIB_MNIST_SOURCE`` environment variable decides.
    Returns an `MNIST` with x_train (n, 28, 28), y_train (n,), x_test, y_test
    and `source`. In quick mode (``AELIB_QUICK=1``) only the first 1,000
    training and 250 test images are kept; ``quick=True``/``False`` overrides
    the environment (e.g. to check full-data results from a quick run).
    """
    quick = quick_mode() if quick is None else bool(quick)
    if source is None:
        source = os.environ.get(SOURCE_ENV, "").strip().lower() or "auto"
    if source not in {"auto", "keras", "sample"}:
        raise ValueError(f"source must be 'auto', 'keras' or 'sample', got {source!r} "
                         f"(from the argument or ${SOURCE_ENV}).")

    message = None
    if source == "sample":
        arrays, used = _load_sample(), "sample"
        message = f"the offline sample was requested ({SOURCE_ENV}=sample or source='sample')"
    else:
        try:
            arrays, used = _load_keras(), "keras"
        except Exception as error:  # network, SSL, corrupt cache, ...
            if source == "keras":
                raise RuntimeError(
                    "Could not load the full MNIST through Keras "
                    f"({_short_reason(error)}). Check the network, or delete a corrupt "
                    "~/.keras/datasets/mnist.npz, or use source='sample'.") from None
            arrays, used = _load_sample(), "sample"
            message = f"the full MNIST could not be loaded through Keras ({_short_reason(error)})"

    x_train, y_train, x_test, y_test = arrays
    if quick:
        x_train, y_train = x_train[:QUICK_SIZES[0]], y_train[:QUICK_SIZES[0]]
        x_test, y_test = x_test[:QUICK_SIZES[1]], y_test[:QUICK_SIZES[1]]
    data = MNIST(_to_unit_float(x_train), y_train.astype(np.uint8),
                 _to_unit_float(x_test), y_test.astype(np.uint8), used)
    if verbose:
        sizes = f"{len(data.x_train):,} train / {len(data.x_test):,} test images"
        subset = ", quick mode subset" if quick else ""
        if used == "keras":
            print(f"MNIST: full dataset via Keras ({sizes}{subset}).")
        else:
            print(f"MNIST: offline sample shipped with aelib ({sizes}{subset}), because "
                  f"{message}.")
    return data


# --- corruptions for denoising -------------------------------------------------

def _rng(seed):
    return np.random.default_rng(seed)


def _check_fraction(value, name):
    if not (isinstance(value, (int, float, np.floating)) and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}.")
    return float(value)


def gaussian_noise(images, std, seed=0):
    """Add N(0, std^2) noise to every pixel and clip to [0, 1].

    images: (n, 784), (n, 28, 28) or (n, 28, 28, 1) floats in [0, 1]; the
    result has the same shape, float32.
    """
    x = as_images(images, "images")
    if not (isinstance(std, (int, float, np.floating)) and std >= 0):
        raise ValueError(f"std must be a non-negative number, got {std!r}.")
    noisy = x + _rng(seed).normal(0.0, std, size=x.shape).astype(np.float32)
    return np.clip(noisy, 0.0, 1.0).reshape(np.shape(images)).astype(np.float32)


def masking_noise(images, fraction, seed=0):
    """Set a random `fraction` of each image's pixels to 0 (Vincent et al., 2008).

    Shapes as in `gaussian_noise`.
    """
    x = as_images(images, "images")
    fraction = _check_fraction(fraction, "fraction")
    keep = _rng(seed).random(x.shape) >= fraction
    return (x * keep).reshape(np.shape(images)).astype(np.float32)


def salt_and_pepper(images, fraction, seed=0):
    """Set a random `fraction` of pixels to 0 or 1 (each with probability 1/2).

    Shapes as in `gaussian_noise`.
    """
    x = as_images(images, "images").copy()
    fraction = _check_fraction(fraction, "fraction")
    rng = _rng(seed)
    hit = rng.random(x.shape) < fraction
    x[hit] = (rng.random(int(hit.sum())) < 0.5).astype(np.float32)
    return x.reshape(np.shape(images)).astype(np.float32)
