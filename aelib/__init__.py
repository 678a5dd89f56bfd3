"""aelib: the plumbing shared by the chapters of *Autoencoders, executable*.

Data (`load_mnist`), metrics, the PCA baseline, plots, widgets and the
benchmark's results (`results`). Each model is written out in the chapter
that teaches it; `models` keeps copies only for later chapters and the
benchmark to reuse.
"""

import os

# Quiet TensorFlow's C++ start-up logs. This must run before TensorFlow is
# imported, which is why chapters import aelib first.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

from . import baselines, checks, codes, metrics, models, plots, results, widgets  # noqa: E402
from .config import epochs, quick_mode, setup  # noqa: E402
from .data import MNIST, load_mnist  # noqa: E402

__all__ = [
    "MNIST", "load_mnist", "epochs", "quick_mode", "setup",
    "baselines", "checks", "codes", "metrics", "models", "plots", "results", "widgets", "__version__",
]
