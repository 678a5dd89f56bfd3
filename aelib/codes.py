"""Plumbing for putting codes to work (chapter 6, and the benchmark's columns
for anomaly detection and few labels that chapter 7 shows).

The experiments themselves (train on one digit, score by reconstruction error,
classify from codes) are written out in chapter 6; these helpers only make
them cheap and keep the benchmark on the same protocol.
"""

import numpy as np

from ._validate import as_images, check_int


def train_on_stream(model, images, epochs, seed, batch_size=64):
    """Train a compiled autoencoder on `images` for `epochs` passes, each pass
    shuffled anew (tf.data; the shuffles depend on `seed` alone), in batches
    of `batch_size`, in one ``fit`` call: as many passes over the images as
    ``epochs`` epochs (batches run on across the passes), without Keras's
    fixed cost per epoch. images: (n, 784) or shaped as the model's input.
    Returns the Keras History (one entry: the mean loss over the run).
    """
    import tensorflow as tf

    epochs = check_int(epochs, "epochs", 1, 100_000)
    batch_size = check_int(batch_size, "batch_size", 1, 100_000)
    x = as_images(images, "images").reshape((-1,) + tuple(model.input_shape[1:]))
    tf.random.set_seed(seed)  # the shuffles depend on `seed` only, not on earlier calls
    stream = (tf.data.Dataset.from_tensor_slices((x, x))
              .shuffle(len(x), seed=seed).repeat(epochs).batch(batch_size))
    return model.fit(stream, epochs=1, verbose=0, shuffle=False)


def restart(model, weights):
    """Give a compiled model `weights` and zero its optimizer's state (step
    count, Adam's running averages), keeping its learning rate: it then trains
    as a freshly built and compiled model with those initial weights would,
    without Keras tracing the training step again (tests/test_codes.py checks
    this). Returns the model."""
    import keras

    model.set_weights(weights)
    for variable in model.optimizer.variables:
        if "learning_rate" not in variable.path:
            variable.assign(keras.ops.zeros_like(variable))
    return model


def balanced_subset(labels, n, seed):
    """Indices of `n` labelled examples, n // 10 of each digit, drawn at random
    without replacement (numpy, `seed`), in random order.

    labels: (N,) integer digits 0-9. n must be a multiple of 10 and at most ten
    times the rarest digit's count."""
    labels = np.asarray(labels)
    counts = np.bincount(labels, minlength=10)
    n = check_int(n, "n (labelled examples)", 10, 10 * int(counts.min()))
    if n % 10:
        raise ValueError(f"n (labelled examples): got {n}; pass a multiple of 10, "
                         "so that every digit gets the same number.")
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(labels == d), n // 10, replace=False) for d in range(10)]
    return rng.permutation(np.concatenate(picks))


def threshold_at_fpr(normal_scores, false_positive_rate):
    """The anomaly-score threshold that flags about `false_positive_rate` of
    `normal_scores` (scores of held-out normal images: flag a score above it).
    false_positive_rate in (0, 1)."""
    scores = np.asarray(normal_scores, dtype=float)
    if scores.ndim != 1 or len(scores) == 0 or not np.isfinite(scores).all():
        raise ValueError("normal_scores: expected a non-empty 1-D array of finite "
                         f"scores, got shape {scores.shape}.")
    if not 0 < false_positive_rate < 1:
        raise ValueError(f"false_positive_rate: got {false_positive_rate}; pass a "
                         "fraction strictly between 0 and 1, e.g. 0.05.")
    return float(np.quantile(scores, 1 - false_positive_rate))
