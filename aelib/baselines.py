"""The PCA baseline every chapter compares against (scikit-learn).

PCA with k components is the best *linear* code of size k: no linear
encoder/decoder pair reconstructs the training data with lower squared error
(Eckart-Young). An autoencoder with a k-unit code earns its keep by beating it.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA

from . import metrics
from ._validate import N_PIXELS, as_images, check_int


def fit_pca(train_images, k):
    """Fit scikit-learn's PCA with `k` components on (n, 784)-shaped images.

    k must be between 1 and min(n, 784). Returns the fitted `sklearn.decomposition.PCA`.
    """
    x = as_images(train_images, "train_images")
    k = check_int(k, "k (number of PCA components)", 1, min(len(x), N_PIXELS))
    # The exact solver: deterministic, and a few seconds even on all 60,000 images.
    return PCA(n_components=k, svd_solver="full").fit(x)


def pca_reconstruct(pca, images, clip=True):
    """Project images onto the fitted PCA subspace and back.

    images: (n, 784), (n, 28, 28) or (n, 28, 28, 1). Returns float32 (n, 784),
    clipped to [0, 1] unless clip=False. Clipping can only reduce the error,
    since every true pixel lies in [0, 1], and keeps the output a valid image.
    """
    x = as_images(images, "images")
    x_hat = pca.inverse_transform(pca.transform(x))
    return (np.clip(x_hat, 0.0, 1.0) if clip else x_hat).astype(np.float32)


@dataclass
class PCAResult:
    """PCA at k components: the fitted model and its test error."""
    k: int
    pca: PCA
    test_error: float  # per-image squared error on the test images

    def __repr__(self):
        return f"PCAResult(k={self.k}, test_error={self.test_error:.2f})"


def pca_baseline(train_images, test_images, k):
    """Fit PCA(k) on the training images and measure it on the test images.

    Returns a `PCAResult` whose `test_error` is the per-image squared error
    (`aelib.metrics.per_image_squared_error`) of the clipped reconstructions.
    """
    pca = fit_pca(train_images, k)
    x_test = as_images(test_images, "test_images")
    error = metrics.per_image_squared_error(x_test, pca_reconstruct(pca, x_test))
    return PCAResult(k=k, pca=pca, test_error=error)
