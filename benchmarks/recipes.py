"""The benchmark's recipes: how each model is built, trained and measured.

benchmarks/compare.py says which rows to run; this file says how one row is
computed. Each row is cached under a hash of this file and of the aelib modules
it relies on (`results_file.ROW_CODE_FILES`): when any of them changes, every
row is recomputed. The results file records a hash of these and of compare.py,
the epoch rule and the data loader (`results_file.CODE_FILES`): when any of
them changes, the stored results are stale (a test says so).

Rows are cached under benchmarks/results/cache/<dataset>/, keyed by that code
hash, the data's hash and the row's own settings, so an interrupted
`make benchmark` continues where it stopped.
"""

import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import aelib  # noqa: E402
import results_file  # noqa: E402
from aelib import baselines, metrics, models  # noqa: E402

import keras  # noqa: E402  (after aelib, which quiets TensorFlow's start-up logs)

SAMPLE_EPOCHS = 30   # epochs on the sample's 8,000 images; aelib.epochs scales them to the data
BATCH = 64            # the book's recipes
CLASSIC_BATCH = 256   # the Keras blog's, as published
NOISE_SD = 0.3
PROBE_TRAIN = 4000 if not aelib.quick_mode() else 1000  # images for the linear probe's fit


def adam_cosine(total_steps, learning_rate=1e-3):
    """Adam whose learning rate decays from `learning_rate` to 0 along a cosine over the run."""
    return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(learning_rate, total_steps))


# --- the models, by the name the tables use ----------------------------------

def build(kind, code_size):
    """(autoencoder, encoder) for one kind of model; chapters 2-5 write each one out."""
    if kind == "linear":
        return models.dense_autoencoder(code_size, activation=None, code_activation=None,
                                        output_activation=None)[:2]
    if kind == "vanilla":
        return models.dense_autoencoder(code_size)[:2]
    if kind == "deep":
        return models.deep_autoencoder((128, 64), code_size)[:2]
    if kind == "deep 512-256":
        return models.deep_autoencoder((512, 256), code_size)[:2]
    if kind == "hinton":
        return models.deep_autoencoder((1000, 500, 250), code_size)[:2]
    if kind == "conv pooling":
        return models.conv_autoencoder()
    if kind == "conv strided":
        return models.strided_conv_autoencoder()
    if kind == "conv dense code":
        return models.conv_dense_code_autoencoder(code_size)
    if kind == "conv dense code wide":
        return models.conv_dense_code_autoencoder(code_size, filters=(64, 128))
    penalties = {"plain 512": {}, "sparse L1": {"penalty": models.l1_penalty},
                 "sparse KL": {"penalty": models.kl_penalty},
                 "contractive": {"penalty": models.contractive_penalty},
                 "denoising": {"corrupt": models.gaussian_corruption}}
    if kind in penalties:
        model = models.regularized_autoencoder(**penalties[kind], name=kind.replace(" ", "_"))
        return model, model.encoder
    raise ValueError(f"unknown model kind {kind!r}")


def final_loss(history):
    """The last epoch's training loss (a regularized model reports its BCE as "reconstruction")."""
    losses = history.history
    return (losses["loss"] if "loss" in losses else losses["reconstruction"])[-1]


# A model's outputs, flattened, batch by batch (aelib's helper: no predict()
# retracing); for an encoder, the codes.
outputs = models.reconstruct


def probe_accuracy(train_codes, y_train, test_codes, y_test):
    """Linear probe: logistic regression on standardized codes, test accuracy."""
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    probe.fit(train_codes[:PROBE_TRAIN], y_train[:PROBE_TRAIN])
    return round(float(probe.score(test_codes, y_test)), 4)


class Bench:
    def __init__(self, data):
        self.data = data
        self.epochs = aelib.epochs(SAMPLE_EPOCHS, data)
        self.code_sha256 = results_file.code_hash()
        self.cache_dir = results_file.cache_dir(data.dataset, aelib.quick_mode())
        self.reused = 0
        self.x_train = data.x_train.reshape(len(data.x_train), 784)
        self.x_test = data.x_test.reshape(len(data.x_test), 784)
        self.x_noisy = aelib.data.gaussian_noise(self.x_test, NOISE_SD, seed=0)
        self.data_sha256 = results_file.data_hash(data, self.x_noisy)  # the noisy inputs too
        self.rows = []

    def _cached(self, spec):
        """(cache file, stored row or None) for a row computed with these settings."""
        key = results_file.row_key(self.code_sha256, self.data_sha256, spec)
        path = self.cache_dir / f"{key}.json"
        if path.exists():
            row = json.loads(path.read_text())
            self.rows.append(row)
            self.reused += 1
            print(f"  {row['model']:30s} {row['recipe']:28s} k={row['code_size']:<4} seed {row['seed']!s:4s} "
                  f"error {row['test_squared_error']:7.2f}  (reused from an earlier run)", flush=True)
            return path, row
        return path, None

    def record(self, row, x_hat, noisy_hat, train_codes, test_codes, cache_path=None):
        d = self.data
        row.update(
            test_squared_error=round(metrics.per_image_squared_error(self.x_test, x_hat), 3),
            test_bce=round(metrics.bce(self.x_test, x_hat), 4),
            noisy_input_error=round(metrics.per_image_squared_error(self.x_test, noisy_hat), 3),
            probe_accuracy=probe_accuracy(train_codes, d.y_train, test_codes, d.y_test))
        self.rows.append(row)
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            cache_path.write_text(json.dumps(row) + "\n")
        print(f"  {row['model']:30s} {row['recipe']:28s} k={row['code_size']:<4} seed {row['seed']!s:4s} "
              f"error {row['test_squared_error']:7.2f}  noisy {row['noisy_input_error']:6.2f}  "
              f"probe {row['probe_accuracy']:.3f}  ({row['train_seconds']:.0f} s)", flush=True)

    def pca(self, k):
        cache_path, row = self._cached({"family": "pca", "code_size": k})
        if row:
            return
        start = time.perf_counter()
        pca = baselines.fit_pca(self.x_train, k)
        seconds = time.perf_counter() - start
        row = {"model": "PCA", "family": "pca", "recipe": "scikit-learn, exact SVD", "book_recipe": True,
               "code_size": k, "params": int(784 * k + 784), "epochs": 0, "seed": None,
               "train_seconds": round(seconds, 2), "seconds_per_epoch": None}
        self.record(row, baselines.pca_reconstruct(pca, self.x_test),
                    baselines.pca_reconstruct(pca, self.x_noisy),
                    pca.transform(self.x_train[:PROBE_TRAIN]), pca.transform(self.x_test), cache_path)

    def pixels(self):
        """The raw pixels as a 784-number "code": the probe's baseline (no model at all)."""
        cache_path, row = self._cached({"family": "pixels"})
        if row:
            return
        row = {"model": "raw pixels (no model)", "family": "pixels", "recipe": "identity", "book_recipe": True,
               "code_size": 784, "params": 0, "epochs": 0, "seed": None, "train_seconds": 0.0,
               "seconds_per_epoch": None}
        self.record(row, self.x_test, np.clip(self.x_noisy, 0, 1), self.x_train[:PROBE_TRAIN], self.x_test,
                    cache_path)

    def train(self, name, kind, k, recipe="BCE, Adam", optimizer="adam", loss="binary_crossentropy",
              seed=42, book_recipe=True, batch=BATCH, sample_epochs=SAMPLE_EPOCHS):
        """Train one model and record its row. `recipe` names the optimizer and loss
        (it keys the cache, so give each optimizer its own recipe name);
        `sample_epochs` scales with the data like every epoch count (aelib.epochs)."""
        epochs = aelib.epochs(sample_epochs, self.data)
        cache_path, row = self._cached({"model": name, "family": kind, "code_size": k, "recipe": recipe,
                                        "loss": loss, "seed": seed, "batch": batch, "epochs": epochs,
                                        "book_recipe": book_recipe})
        if row:
            return
        keras.utils.set_random_seed(seed)
        model, encoder = build(kind, k)
        if callable(optimizer):  # a factory of the run's total number of steps, e.g. adam_cosine
            optimizer = optimizer(epochs * int(np.ceil(len(self.x_train) / batch)))
        model.compile(optimizer=keras.optimizers.get(optimizer), loss=loss, steps_per_execution=32)
        history = models.fit_autoencoder(model, self.x_train, epochs=epochs, batch_size=batch)
        row = {"model": name, "family": kind, "recipe": recipe, "book_recipe": book_recipe,
               "code_size": k, "params": model.count_params(), "epochs": epochs, "protocol_epochs": sample_epochs == SAMPLE_EPOCHS, "batch_size": batch, "seed": seed,
               "train_seconds": round(history.seconds, 2),
               "seconds_per_epoch": round(history.seconds / epochs, 3),
               "final_training_loss": round(float(final_loss(history)), 5)}
        self.record(row, np.clip(outputs(model, self.x_test), 0, 1),
                    np.clip(outputs(model, self.x_noisy), 0, 1),
                    outputs(encoder, self.x_train[:PROBE_TRAIN]), outputs(encoder, self.x_test), cache_path)
        keras.backend.clear_session()
