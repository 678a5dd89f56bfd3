"""The quick/full switch and the one-call notebook set-up (seeds included).

Quick mode (environment variable ``AELIB_QUICK=1``) is for tests: tiny data
and one or two epochs. Chapters write the full-mode value where the reader
sees it, e.g. ``EPOCHS = aelib.epochs(30, data)``: 30 epochs on the offline
sample's 8,000 training images, proportionally fewer on a larger training set
(4 on the full MNIST's 60,000), and at most 2 in quick mode.
"""

import math
import os

import numpy as np

QUICK_ENV = "AELIB_QUICK"
QUICK_MAX_EPOCHS = 2
DEFAULT_SEED = 42
REFERENCE_TRAIN_SIZE = 8000  # the offline sample's training images: epochs are stated for it


def quick_mode():
    """True when ``AELIB_QUICK`` is set to a true value (1, true, yes, on)."""
    return os.environ.get(QUICK_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def epochs(full, data):
    """Number of epochs to train, by one rule for every data size.

    full: the number of epochs on the offline sample's 8,000 training images.
    data: the training data (an `MNIST`, an array of training images, or their
        number). A larger training set gets proportionally fewer epochs, so a
        model sees about the same number of images, and costs about the same
        time, whatever the data: ``ceil(full * 8,000 / n_train)``, but never
        fewer than 2 when `full` is 2 or more (a training curve needs two
        points). For example 30 on the sample is 4 on the full MNIST's 60,000
        images, and 5 is 2. In quick mode
        (``AELIB_QUICK=1``) `full`, but at most 2.
    """
    from ._validate import check_int
    full = check_int(full, "epochs", 1, 100_000)
    if hasattr(data, "x_train"):
        data = data.x_train
    n_train = check_int(data if isinstance(data, (int, np.integer)) else len(data),
                        "the number of training images", 1, 10**9)
    if quick_mode():  # tests: a smoke run on the quick subset, whatever its size
        return min(full, QUICK_MAX_EPOCHS)
    # At least two epochs where `full` asks for two or more, so a training curve
    # has a start and an end to compare.
    return max(min(full, 2), math.ceil(full * REFERENCE_TRAIN_SIZE / n_train))


def setup(seed=DEFAULT_SEED, verbose=True, tensorflow=True):
    """Set up a chapter: seeds, deterministic ops, quiet logs, readable figures.

    Call once in every chapter's setup cell. Prints one line saying the mode,
    the seed and the library versions, so a reader can compare runs.
    tensorflow=False skips TensorFlow (seeds NumPy and Python only), for a
    chapter that trains nothing and need not pay for starting it.
    """
    import random

    import matplotlib as mpl
    import numpy as np

    determinism = ""
    if tensorflow:
        import keras
        import tensorflow as tf
        keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow; chapters reseed with it too
        # Same machine + same seed -> the same numbers (tests/test_reproducibility.py); cheap on CPU.
        if hasattr(tf.config.experimental, "enable_op_determinism"):
            tf.config.experimental.enable_op_determinism()
        else:  # TensorFlow before 2.9: say so rather than give up silently
            determinism = " | no op determinism in this TensorFlow: numbers may vary slightly between runs"
        # Chapters train many small models, each tracing its own function, and
        # TensorFlow warns about "retracing" once a few have: expected here, noise on a page.
        tf.get_logger().setLevel("ERROR")
        versions = f"TensorFlow {tf.__version__}, Keras {keras.__version__}"
    else:
        random.seed(seed)
        np.random.seed(seed)
        versions = "TensorFlow not loaded"
    # Opaque white figures read in the book's dark mode too; a consistent size.
    mpl.rcParams.update({
        "figure.facecolor": "white", "savefig.facecolor": "white",
        "axes.facecolor": "white", "figure.dpi": 100, "figure.figsize": (8, 4),
        "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
    })
    if verbose:
        from . import __version__
        mode = "quick mode (AELIB_QUICK=1: tiny data, <=2 epochs)" if quick_mode() else "full mode"
        print(f"aelib {__version__} | {mode} | seed {seed} | {versions}{determinism}")
