"""The quick/full switch, seeding, and the one-call notebook set-up.

Quick mode (environment variable ``AELIB_QUICK=1``) is for tests: tiny data
and one or two epochs. Chapters write the full-mode value where the reader
sees it, e.g. ``EPOCHS = aelib.epochs(30)``, and aelib scales it down only in
quick mode.
"""

import os

QUICK_ENV = "AELIB_QUICK"
QUICK_MAX_EPOCHS = 2
DEFAULT_SEED = 42


def quick_mode():
    """True when ``AELIB_QUICK`` is set to a true value (1, true, yes, on)."""
    return os.environ.get(QUICK_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def epochs(full):
    """Number of epochs to train: `full` normally, at most 2 in quick mode."""
    from ._validate import check_int
    full = check_int(full, "epochs", 1, 100_000)
    return min(full, QUICK_MAX_EPOCHS) if quick_mode() else full


def set_seed(seed=DEFAULT_SEED):
    """Seed Python, NumPy and the Keras backend (``keras.utils.set_random_seed``)."""
    import keras
    keras.utils.set_random_seed(seed)


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

    if tensorflow:
        import keras
        import tensorflow as tf
        set_seed(seed)
        try:  # same machine + same seed -> same numbers; cheap on CPU
            tf.config.experimental.enable_op_determinism()
        except Exception:  # very old TF: determinism is best effort
            pass
        versions = f"TensorFlow {tf.__version__}, Keras {keras.__version__}"
    else:
        random.seed(seed)
        np.random.seed(seed)
        versions = "TensorFlow not loaded"
    # Opaque white figures read in the book's dark mode too; a consistent size.
    mpl.rcParams.update({
        "figure.facecolor": "white", "savefig.facecolor": "white",
        "axes.facecolor": "white", "figure.dpi": 100, "figure.figsize": (8, 4),
        "axes.spines.top": False, "axes.spines.right": False,
    })
    if verbose:
        from . import __version__
        mode = "quick mode (AELIB_QUICK=1: tiny data, <=2 epochs)" if quick_mode() else "full mode"
        print(f"aelib {__version__} | {mode} | seed {seed} | {versions}")
