"""MNIST from a local copy, from Keras, or from an offline sample; corruptions for denoising.

`load_mnist()` looks for MNIST in this order:

1. a **local copy**, when ``AELIB_MNIST_DIR`` (or the ``directory`` argument)
   names a directory holding the four official IDX files (gzipped or not) or a
   Keras ``mnist.npz``. Each file's uncompressed payload is checked against the
   official sha256; a missing, truncated or wrong file is an error that names
   it, never a silent fallback. For air-gapped clusters and classrooms.
2. the full MNIST through Keras (downloaded once, then read from Keras's cache,
   ``~/.keras/datasets``);
3. when that cannot work (no network, a corrupt or partial download), a small
   sample shipped inside aelib: the 10,000 official MNIST test images split
   8,000/2,000.

It prints one line saying which source it used (and why, for the sample).

Environment variables:
    AELIB_MNIST_DIR=/path       read the official files from this directory (verified)
    AELIB_MNIST_SOURCE=sample   always use the shipped sample (tests and CI)
    AELIB_MNIST_SOURCE=keras    require the full MNIST from Keras; fail instead of falling back
    AELIB_QUICK=1               quick mode: keep 1,000 train / 250 test images
"""

import contextlib
import gzip
import hashlib
import io
import os
import socket
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._validate import as_images
from .config import quick_mode

SOURCE_ENV = "AELIB_MNIST_SOURCE"
DIR_ENV = "AELIB_MNIST_DIR"
SOURCES = ("auto", "local", "keras", "sample")
SAMPLE_PATH = Path(__file__).with_name("_data") / "mnist_sample.npz"
QUICK_SIZES = (1000, 250)
DOWNLOAD_TIMEOUT_S = 30

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
# The official files: (array name, file name, IDX magic, shape, sha256 of the
# uncompressed bytes as published with MNIST).
OFFICIAL_FILES = (
    ("x_train", "train-images-idx3-ubyte", IMAGE_MAGIC, (60000, 28, 28),
     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    ("y_train", "train-labels-idx1-ubyte", LABEL_MAGIC, (60000,),
     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    ("x_test", "t10k-images-idx3-ubyte", IMAGE_MAGIC, (10000, 28, 28),
     "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    ("y_test", "t10k-labels-idx1-ubyte", LABEL_MAGIC, (10000,),
     "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
)
KERAS_NPZ = "mnist.npz"


class MNISTFileError(ValueError):
    """A local MNIST file is missing, unreadable, or not the official one."""


@dataclass
class MNIST:
    """MNIST images and labels.

    x_train, x_test: float32 arrays of shape (n, 28, 28), pixels in [0, 1].
    y_train, y_test: uint8 arrays of shape (n,), digits 0-9.
    source: where it came from: "local" (official files in a directory),
        "keras" (downloaded by Keras) or "sample" (the offline sample).
    dataset: which data it is: "full" (the 60,000/10,000 MNIST, from "local"
        or "keras") or "sample". Stored results are keyed by this.
    fallback_reason: why the full MNIST could not be downloaded, when the
        sample stood in for it (None otherwise).
    """
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    fallback_reason: str = None  # why Keras's download failed, when the sample stood in

    @property
    def dataset(self):
        return "sample" if self.source == "sample" else "full"

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


def _idx_bytes(array, magic):
    """The bytes of `array` written as an IDX file (what the sha256 is taken over)."""
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def parse_idx(raw, magic, name):
    """The uint8 array held by the bytes `raw` of an IDX file.

    Raises MNISTFileError naming `name` when the magic number or the length
    does not match the header.
    """
    got = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    if got != magic:
        kind = "images" if magic == IMAGE_MAGIC else "labels"
        raise MNISTFileError(f"{name}: IDX magic number is {got}, expected {magic} (an MNIST "
                             f"{kind} file). The file is corrupt or not what its name says.")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=min(len(raw), 4 + 4 * ndim))
    if data.size != int(np.prod(shape)):
        raise MNISTFileError(f"{name}: the header promises shape {shape} ({int(np.prod(shape)):,} "
                             f"values) but the file holds {data.size:,}: it is truncated or corrupt. "
                             "Copy it again from the official source.")
    return data.reshape(shape)


def _read_file(path):
    """The uncompressed bytes of `path` (gzip when it ends in .gz)."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise MNISTFileError(f"{path}: cannot be read ({_short_reason(error)}); the file is "
                             "truncated or corrupt. Copy it again from the official source.") from None


def _verify(array, magic, name, expected_sha, expected_shape):
    if array.shape != expected_shape:
        raise MNISTFileError(f"{name}: holds an array of shape {array.shape}, expected "
                             f"{expected_shape} for the official MNIST.")
    got = hashlib.sha256(_idx_bytes(array, magic)).hexdigest()
    if got != expected_sha:
        raise MNISTFileError(
            f"{name}: sha256 of the uncompressed data is {got}, expected the official "
            f"{expected_sha}. The file is corrupt or modified, or holds other data "
            "(Fashion-MNIST has the same file names). Copy it again from the official source.")


def _find_idx(directory, filename):
    """Path of the official file `filename` in `directory`, gzipped or not, or None."""
    dotted = filename.replace("-idx", ".idx")  # train-images.idx3-ubyte, as some unpackers write
    for stem in (filename, dotted):
        for candidate in (directory / stem, directory / f"{stem}.gz"):
            if candidate.is_file():
                return candidate
    return None


def _load_local(directory):
    """The full MNIST from the official IDX files, or a Keras mnist.npz, in `directory`.

    Every array is checked against the official sha256 of its IDX file.
    """
    directory = Path(directory).expanduser()
    if not directory.is_dir():
        where = "" if directory.is_absolute() else f" (relative to the working directory {Path.cwd()})"
        raise MNISTFileError(f"{DIR_ENV}={directory}: no such directory{where}. Point it at a "
                             "directory holding the four official MNIST files, or unset it.")
    found = {name: _find_idx(directory, filename) for name, filename, *_ in OFFICIAL_FILES}
    npz = directory / KERAS_NPZ
    expected = ", ".join(f"{filename}[.gz]" for _, filename, *_ in OFFICIAL_FILES)
    if not any(found.values()) and npz.is_file():
        try:
            with np.load(npz, allow_pickle=False) as f:
                arrays = {name: f[name] for name, *_ in OFFICIAL_FILES}
        except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise MNISTFileError(f"{npz}: not a readable Keras mnist.npz ({_short_reason(error)}); "
                                 "expected arrays x_train, y_train, x_test, y_test.") from None
        for name, _, magic, shape, sha in OFFICIAL_FILES:
            _verify(arrays[name], magic, f"{npz} [{name}]", sha, shape)
        return tuple(arrays[name] for name, *_ in OFFICIAL_FILES), "Keras mnist.npz"
    missing = [filename for name, filename, *_ in OFFICIAL_FILES if found[name] is None]
    if missing:
        raise MNISTFileError(f"{directory}: missing {', '.join(missing)} (gzipped or not). Expected "
                             f"the four official MNIST files ({expected}) or a Keras {KERAS_NPZ}.")
    arrays = []
    for name, _, magic, shape, sha in OFFICIAL_FILES:
        path = found[name]
        array = parse_idx(_read_file(path), magic, str(path))
        _verify(array, magic, str(path), sha, shape)
        arrays.append(array)
    return tuple(arrays), "IDX files"


def _short_reason(error):
    text = " ".join(str(error).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _pick_source(source, directory):
    """Resolve the arguments, then the environment, to (source, directory).

    Arguments beat the environment; two requests for different sources at the
    same level are an error rather than a guess.
    """
    if source is not None and source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(map(repr, SOURCES))}, got {source!r}.")
    if directory is not None and source not in (None, "auto", "local"):
        raise ValueError(f"directory={str(directory)!r} and source={source!r} ask for two "
                         "different sources: pass only one of them.")
    if directory is None and source in (None, "auto", "local"):
        directory = os.environ.get(DIR_ENV, "").strip() or None
        env_source = os.environ.get(SOURCE_ENV, "").strip().lower() or None
        if source is None and directory is None:
            source = env_source
        if source is None and env_source not in (None, "auto", "local"):
            raise ValueError(f"${DIR_ENV}={directory} and ${SOURCE_ENV}={env_source} ask for two "
                             "different sources: unset one of them.")
    source = source or "auto"
    if source not in SOURCES:
        raise ValueError(f"${SOURCE_ENV} must be one of {', '.join(map(repr, SOURCES))}, got {source!r}.")
    if source == "local" and directory is None:
        raise ValueError(f"source='local' needs a directory: pass directory=... or set ${DIR_ENV}.")
    return ("local" if directory is not None else source), directory


def load_mnist(source=None, verbose=True, quick=None, directory=None):
    """Load MNIST as float32 images in [0, 1] and uint8 labels.

    source: "auto" (default: a local directory if one is given, else the full
        MNIST via Keras, else the offline sample), "local" (the official files
        in `directory`), "keras" (full MNIST via Keras or an error) or "sample"
        (the offline sample). When None, ``AELIB_MNIST_SOURCE`` decides.
    directory: a directory with the four official MNIST IDX files (gzipped or
        not) or a Keras mnist.npz; when None, ``AELIB_MNIST_DIR`` decides. Each
        file is checked against the official sha256, and any problem raises
        `MNISTFileError` naming the file: a directory, once given, is never
        silently replaced by another source.
    Returns an `MNIST` with x_train (n, 28, 28), y_train (n,), x_test, y_test,
    `source` and `dataset` ("full" or "sample"). In quick mode (``AELIB_QUICK=1``)
    only the first 1,000 training and 250 test images are kept;
    ``quick=True``/``False`` overrides the environment.
    """
    quick = quick_mode() if quick is None else bool(quick)
    source, directory = _pick_source(source, directory)

    message = fallback_reason = None
    if source == "local":
        arrays, kind = _load_local(directory)
        used = "local"
        message = f"{kind} in {Path(directory).expanduser()}, sha256 verified"
    elif source == "sample":
        arrays, used = _load_sample(), "sample"
        message = f"it was requested ({SOURCE_ENV}=sample or source='sample')"
    else:
        try:
            arrays, used = _load_keras(), "keras"
        except Exception as error:  # network, SSL, corrupt cache, ...
            if source == "keras":
                raise RuntimeError(
                    "Could not load the full MNIST through Keras "
                    f"({_short_reason(error)}). Check the network, or delete a corrupt "
                    f"~/.keras/datasets/mnist.npz, or set {DIR_ENV} to a local copy, "
                    "or use source='sample'.") from None
            arrays, used = _load_sample(), "sample"
            # Plain words on the page; the technical reason stays on the returned object.
            message = "the full MNIST could not be downloaded"
            fallback_reason = _short_reason(error)

    x_train, y_train, x_test, y_test = arrays
    if quick:
        x_train, y_train = x_train[:QUICK_SIZES[0]], y_train[:QUICK_SIZES[0]]
        x_test, y_test = x_test[:QUICK_SIZES[1]], y_test[:QUICK_SIZES[1]]
    data = MNIST(_to_unit_float(x_train), y_train.astype(np.uint8),
                 _to_unit_float(x_test), y_test.astype(np.uint8), used, fallback_reason)
    if verbose:  # short lines: they must fit a phone's screen
        sizes = f"{len(data.x_train):,} train / {len(data.x_test):,} test images"
        what = {"keras": "full dataset via Keras", "local": "full dataset from local files",
                "sample": "aelib's offline sample"}[used]
        lines = [f"MNIST: {what}, {sizes}"] + ["quick mode subset"] * quick
        if used == "local":
            lines.append(message)
        elif used == "sample":
            lines.append(f"because {message}")
        print(",\n  ".join(lines) + ".")
    return data


def validation_split(images, labels=None, fraction=0.1, seed=0):
    """Hold out a fixed random `fraction` of the training images for validation.

    Monitoring, early stopping and every choice of a setting use the held-out
    part; the test images are kept for the final numbers only.
    images: (n, ...) array; labels: optional (n,) array split the same way.
    Returns (fit_images, val_images), or (fit_images, fit_labels, val_images,
    val_labels) when labels are given. The same seed gives the same split.
    """
    images = np.asarray(images)
    if not (isinstance(fraction, (int, float, np.floating)) and 0 < fraction < 1):
        raise ValueError(f"fraction must be a number between 0 and 1 (exclusive), got {fraction!r}.")
    n_val = int(round(len(images) * fraction))
    if not 0 < n_val < len(images):
        raise ValueError(f"a fraction of {fraction} of {len(images)} images leaves no image on one side; "
                         "give more images or another fraction.")
    order = np.random.default_rng(seed).permutation(len(images))
    val, fit = np.sort(order[:n_val]), np.sort(order[n_val:])
    if labels is None:
        return images[fit], images[val]
    labels = np.asarray(labels)
    if len(labels) != len(images):
        raise ValueError(f"{len(labels)} labels for {len(images)} images; give one label per image.")
    return images[fit], labels[fit], images[val], labels[val]


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
