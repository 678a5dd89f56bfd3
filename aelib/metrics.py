"""Reconstruction metrics and subspace comparisons.

The book's headline metric is Hinton & Salakhutdinov's (2006): the squared
error summed over the 784 pixels of an image (pixels in [0, 1]), averaged over
test images. It is 784 times the per-pixel MSE, and it is the number their
paper reports (3.00 for their 30-d autoencoder, 13.87 for PCA with 30 components).
"""

import numpy as np
import scipy.linalg

from ._validate import as_images, same_length

_EPS = 1e-7


def _pair(originals, reconstructions):
    x = as_images(originals, "originals")
    x_hat = as_images(reconstructions, "reconstructions")
    same_length(x, x_hat, "originals", "reconstructions")
    return x.astype(np.float64), x_hat.astype(np.float64)


def squared_errors(originals, reconstructions):
    """Squared error summed over pixels, one value per image: shape (n,)."""
    x, x_hat = _pair(originals, reconstructions)
    return ((x - x_hat) ** 2).sum(axis=1)


def per_image_squared_error(originals, reconstructions):
    """Mean over images of the squared error summed over the 784 pixels.

    originals, reconstructions: (n, 784), (n, 28, 28) or (n, 28, 28, 1), in [0, 1].
    Returns a float in [0, 784]; 0 means perfect reconstruction.
    """
    return float(squared_errors(originals, reconstructions).mean())


def mse(originals, reconstructions):
    """Mean squared error per pixel, a float in [0, 1]."""
    return per_image_squared_error(originals, reconstructions) / 784.0


def bce(originals, reconstructions):
    """Binary cross-entropy per pixel (Keras's convention, natural log), a float >= 0.

    The reconstructions are clipped to [1e-7, 1 - 1e-7] as Keras does. Note that
    the BCE of a perfect reconstruction is not 0 unless the pixels are exactly 0 or 1.
    """
    x, x_hat = _pair(originals, reconstructions)
    p = np.clip(x_hat, _EPS, 1 - _EPS)
    return float(-(x * np.log(p) + (1 - x) * np.log(1 - p)).mean())


def psnr(originals, reconstructions):
    """Peak signal-to-noise ratio in dB (peak 1.0), averaged over images.

    Each image's PSNR is 10 log10(1 / MSE_i); an image reconstructed exactly is
    capped at 100 dB so that the mean stays finite.
    """
    x, x_hat = _pair(originals, reconstructions)
    per_image_mse = ((x - x_hat) ** 2).mean(axis=1)
    values = 10 * np.log10(1.0 / np.maximum(per_image_mse, 1e-10))
    return float(np.minimum(values, 100.0).mean())


def principal_angles(basis_a, basis_b):
    """Principal angles in degrees between the column spaces of two matrices.

    basis_a: (d, k_a), basis_b: (d, k_b); columns need not be orthonormal.
    Returns min(k_a, k_b) angles sorted from smallest to largest. All zeros
    means one subspace contains the other; 90 means orthogonal directions.
    """
    a, b = np.asarray(basis_a, dtype=np.float64), np.asarray(basis_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[0]:
        raise ValueError(
            f"expected two matrices (d, k_a) and (d, k_b) with the same number of rows d, "
            f"got shapes {a.shape} and {b.shape}. Pass basis vectors as columns "
            "(e.g. pca.components_.T, or a Dense kernel of shape (k, 784) transposed).")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("the bases contain NaN or infinite values.")
    return np.sort(np.degrees(scipy.linalg.subspace_angles(a, b)))


def mean_activation(codes):
    """Mean activation of each code unit over the data: (n, units) -> (units,)."""
    codes = _codes(codes)
    return codes.mean(axis=0)


def fraction_near_zero(codes, threshold=0.01):
    """Fraction of all activations whose absolute value is below `threshold`."""
    return float((np.abs(_codes(codes)) < threshold).mean())


def dead_units(codes, threshold=0.01):
    """Number of units whose activation stays below `threshold` on every input."""
    return int((np.abs(_codes(codes)).max(axis=0) < threshold).sum())


def _codes(codes):
    if hasattr(codes, "numpy") and not isinstance(codes, np.ndarray):
        codes = codes.numpy()
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.dtype.kind != "f":
        raise ValueError(f"codes: expected a float array of shape (n, units), got shape "
                         f"{codes.shape} and dtype {codes.dtype}. Flatten conv codes with "
                         "codes.reshape(len(codes), -1).")
    if not np.isfinite(codes).all():
        raise ValueError("codes contain NaN or infinite values; the model may have diverged.")
    return codes
