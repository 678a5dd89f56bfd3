"""Bad input gets a ValueError that says what was wrong and how to fix it."""

import numpy as np
import pytest

import aelib

GOOD = np.random.default_rng(0).random((5, 784)).astype(np.float32)


@pytest.mark.parametrize("bad, match", [
    ((GOOD * 255).astype(np.uint8), r"dtype uint8.*divide by 255"),
    (GOOD * 255, r"max 2\d\d.*divide by 255"),
    (np.where(GOOD > 0.9, np.nan, GOOD), r"NaN or infinite"),
    (GOOD.reshape(5, 28, 28)[:, :27], r"shape \(5, 27, 28\)"),
    (GOOD[0], r"single image needs a batch axis"),
    (GOOD[:0], r"empty batch"),
    (GOOD.tolist(), r"numpy array"),
    (GOOD.astype(str), r"dtype <U"),
    (GOOD - 0.5, r"min -0.\d+.*Clip"),
])
def test_metrics_reject_bad_images(bad, match):
    with pytest.raises(ValueError, match=match):
        aelib.metrics.per_image_squared_error(bad, GOOD)


def test_shapes_accepted_alike():
    ref = aelib.metrics.per_image_squared_error(GOOD, GOOD[::-1])
    for shape in [(5, 28, 28), (5, 28, 28, 1)]:
        assert aelib.metrics.per_image_squared_error(GOOD.reshape(shape), GOOD[::-1]) == pytest.approx(ref)


def test_mismatched_batches():
    with pytest.raises(ValueError, match="5 images but reconstructions has 4"):
        aelib.metrics.per_image_squared_error(GOOD, GOOD[:4])


@pytest.mark.parametrize("k, match", [(0, "between 1 and"), (785, "between 1 and 5"), (2.5, "integer"),
                                      (True, "integer")])
def test_pca_k_out_of_range(k, match):
    with pytest.raises(ValueError, match=match):
        aelib.baselines.fit_pca(GOOD, k)


def test_tf_tensor_accepted():
    import tensorflow as tf
    assert aelib.metrics.mse(tf.constant(GOOD), GOOD) == 0.0


def test_epochs_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("AELIB_QUICK", "0")
    with pytest.raises(ValueError, match="epochs must be an integer"):
        aelib.epochs("30", 8000)
    with pytest.raises(ValueError, match="number of training images must be"):
        aelib.epochs(30, 0)


def test_epochs_one_rule_for_every_data_size(monkeypatch):
    monkeypatch.setenv("AELIB_QUICK", "0")
    assert aelib.epochs(30, 8000) == 30               # stated for the sample's 8,000 images
    assert aelib.epochs(30, 60000) == 4               # the full MNIST: same images seen
    assert aelib.epochs(50, 60000) == 7               # 6.67, rounded up
    assert aelib.epochs(5, 60000) == 2                # 0.67 rounds up to 1, but curves need 2 points
    assert aelib.epochs(1, 60000) == 1                # never zero
    assert aelib.epochs(15, np.zeros((54000, 784))) == 3   # an array: its length counts
    sample = aelib.load_mnist(source="sample", verbose=False, quick=False)
    assert aelib.epochs(10, sample) == 10             # an MNIST: its training images count
    monkeypatch.setenv("AELIB_QUICK", "1")
    assert aelib.epochs(30, 1000) == 2 and aelib.epochs(1, 1000) == 1
