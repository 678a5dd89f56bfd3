"""aelib.codes: the plumbing of chapter 6 (and of the benchmark's columns for it)."""

import numpy as np
import pytest

from aelib import codes, models


def _images(n, seed=0):
    return np.random.default_rng(seed).random((n, 784)).astype(np.float32) ** 4


def test_restart_trains_exactly_like_a_fresh_model():
    """A reused, compiled model restarted from a fresh model's initial weights
    ends with the weights the fresh model ends with (Adam's state zeroed)."""
    import keras

    x = _images(256)
    reused = models.dense_autoencoder(8)[0]
    reused.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    codes.train_on_stream(reused, x, 2, seed=1, batch_size=32)  # leaves Adam's state nonzero
    keras.utils.set_random_seed(7)
    fresh = models.dense_autoencoder(8)[0]
    fresh.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    codes.restart(reused, fresh.get_weights())
    for model in (reused, fresh):
        codes.train_on_stream(model, x, 2, seed=7, batch_size=32)
    assert all(np.allclose(u, v, atol=1e-6) for u, v in zip(reused.get_weights(), fresh.get_weights()))
    assert np.isclose(float(reused.optimizer.learning_rate), 3e-3)
    # Without the restart, the state left by the first run makes a difference.
    stale = models.dense_autoencoder(8)[0]
    stale.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    codes.train_on_stream(stale, x, 2, seed=1, batch_size=32)
    stale.set_weights(reused.get_weights())
    codes.train_on_stream(stale, x, 1, seed=7, batch_size=32)
    codes.restart(reused, reused.get_weights())
    codes.train_on_stream(reused, x, 1, seed=7, batch_size=32)
    assert not all(np.allclose(u, v, atol=1e-6) for u, v in zip(reused.get_weights(), stale.get_weights()))


def test_train_on_stream_is_epochs_passes_and_checks_its_input():
    import keras

    keras.utils.set_random_seed(0)
    model = models.dense_autoencoder(4)[0]
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = codes.train_on_stream(model, _images(100), epochs=3, seed=0, batch_size=10)
    assert model.optimizer.iterations.numpy() == 30  # 3 passes of 10 batches
    assert np.isfinite(history.history["loss"]).all()
    with pytest.raises(ValueError, match="divide by 255"):
        codes.train_on_stream(model, np.full((4, 784), 200.0, np.float32), 1, seed=0)
    with pytest.raises(ValueError, match="epochs"):
        codes.train_on_stream(model, _images(4), 0, seed=0)


def test_balanced_subset():
    labels = np.repeat(np.arange(10), [30, 25, 40, 20, 35, 30, 30, 30, 30, 30])
    index = codes.balanced_subset(labels, 200, seed=3)
    assert len(set(index)) == 200
    assert (np.bincount(labels[index], minlength=10) == 20).all()
    assert not np.array_equal(index, codes.balanced_subset(labels, 200, seed=4))
    assert np.array_equal(index, codes.balanced_subset(labels, 200, seed=3))
    with pytest.raises(ValueError, match="between 10 and 200"):
        codes.balanced_subset(labels, 210, seed=0)  # digit 3 has only 20
    with pytest.raises(ValueError, match="multiple of 10"):
        codes.balanced_subset(labels, 55, seed=0)


def test_threshold_at_fpr():
    scores = np.arange(1000.0)
    threshold = codes.threshold_at_fpr(scores, 0.05)
    assert np.mean(scores > threshold) == pytest.approx(0.05, abs=0.002)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        codes.threshold_at_fpr(scores, 5)
    with pytest.raises(ValueError, match="finite"):
        codes.threshold_at_fpr(np.array([1.0, np.nan]), 0.1)
