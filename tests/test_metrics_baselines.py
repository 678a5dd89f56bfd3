import numpy as np
import pytest

import aelib
from aelib import baselines, metrics

rng = np.random.default_rng(0)
X = rng.random((50, 784)).astype(np.float32)


def test_per_image_squared_error_by_hand():
    y = np.clip(X + 0.1, 0, 1)
    expected = np.mean([np.sum((a.astype(np.float64) - b) ** 2) for a, b in zip(X, y)])
    assert metrics.per_image_squared_error(X, y) == pytest.approx(expected, rel=1e-6)
    assert metrics.mse(X, y) == pytest.approx(expected / 784, rel=1e-6)
    assert metrics.squared_errors(X, y).shape == (50,)
    assert metrics.per_image_squared_error(X, X) == 0.0


def test_bce_is_zero_only_for_perfect_binary_pixels():
    binary = (X > 0.5).astype(np.float32)
    assert metrics.bce(binary, binary) < 1e-6  # perfect, binary pixels
    assert metrics.bce(X, X) > 0.1             # BCE of a perfect grey reconstruction is not 0
    assert metrics.bce(binary, 1 - binary) > 10


def test_psnr_by_hand():
    noisy = np.clip(X + 0.1, 0, 1)
    mse_i = ((X.astype(np.float64) - noisy) ** 2).mean(axis=1)
    assert metrics.psnr(X, noisy) == pytest.approx(np.mean(10 * np.log10(1 / mse_i)), rel=1e-6)
    assert metrics.psnr(X, X) == 100.0


def test_principal_angles():
    basis = np.linalg.qr(rng.normal(size=(784, 5)))[0]
    mixed = basis @ rng.normal(size=(5, 5))  # same span, other basis
    np.testing.assert_allclose(metrics.principal_angles(basis, mixed), 0, atol=1e-5)
    other = np.linalg.qr(rng.normal(size=(784, 5)) - basis @ (basis.T @ rng.normal(size=(784, 5))))[0]
    np.testing.assert_allclose(metrics.principal_angles(basis, other - basis @ (basis.T @ other)), 90, atol=1e-4)
    with pytest.raises(ValueError, match="same number of rows"):
        metrics.principal_angles(basis, basis.T)


CODES = np.array([[0.0, 0.5, 0.0], [0.0, 1.0, 0.005]], dtype=np.float32)


def test_mean_activation_per_unit():
    np.testing.assert_allclose(metrics.mean_activation(CODES), [0, 0.75, 0.0025])


def test_fraction_near_zero():
    assert metrics.fraction_near_zero(CODES) == pytest.approx(4 / 6)


def test_dead_units_counts_units_never_active_and_checks_the_shape():
    codes = CODES
    assert metrics.dead_units(codes) == 2
    with pytest.raises(ValueError, match="shape \\(n, units\\)"):
        metrics.dead_units(codes[0])


def test_pca_baseline_matches_numpy_svd():
    data = aelib.load_mnist(source="sample", verbose=False)
    train = data.x_train[:1000].reshape(1000, 784)
    test = data.x_test[:200].reshape(200, 784)
    result = baselines.pca_baseline(train, test, 16)
    mean = train.astype(np.float64).mean(axis=0)
    vt = np.linalg.svd(train - mean, full_matrices=False)[2][:16]
    by_hand = np.clip(mean + (test - mean) @ vt.T @ vt, 0, 1)
    assert result.test_error == pytest.approx(metrics.per_image_squared_error(test, by_hand), rel=1e-4)
    # more components, lower error; clipping never hurts
    assert baselines.pca_baseline(train, test, 32).test_error < result.test_error
    raw = baselines.pca_reconstruct(result.pca, test, clip=False)
    assert raw.min() < 0 or raw.max() > 1
    assert result.test_error <= metrics.per_image_squared_error(test, np.clip(raw, 0, 1)) + 1e-6
