"""All models side by side: one protocol, one metric, the classic recipes beside ours.

Usage:
    make benchmark                               # this script, then run.py (times)
    python benchmarks/compare.py                 # the models only (~35 min on 2 CPU cores)
    AELIB_QUICK=1 python benchmarks/compare.py   # smoke run: 1,000/250 images, 2 epochs

Protocol: the training and test images of `aelib.load_mnist()` (the source it
used is printed and recorded). Every model is trained on the training images
for the same number of epochs with fixed seeds (batches of 64 for the book's
recipes, 256 for the Keras blog's, as published), and measured
on the test images by:
- the per-image squared error (summed over the 784 pixels in [0, 1], averaged
  over images: Hinton & Salakhutdinov's metric) and the per-pixel BCE;
- the same error when the input is a noisy test image (Gaussian, sd 0.3) and
  the target the clean one: how well the model denoises;
- a linear probe: test accuracy of a logistic regression fitted on the codes.
Every model trains for `aelib.epochs(30, data)` epochs: 30 on the offline
sample's 8,000 images, 4 on the full MNIST's 60,000 (the same number of images
seen). A full run writes aelib/_data/benchmark-<dataset>.json and
benchmarks/RESULTS-<dataset>.md, per dataset (see results_file.py); the book's
last chapter reads the file of the data it runs on.
"""

import datetime
import os
import platform
import sys
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
import tensorflow as tf  # noqa: E402
from keras import layers, ops  # noqa: E402

SWEEP = (2, 8, 16, 32, 64)
PCA_SIZES = sorted(set(SWEEP) | {30, 128, 512})
SAMPLE_EPOCHS = 30   # epochs on the sample's 8,000 images; aelib.epochs scales them to the data
BATCH = 64            # the book's recipes
CLASSIC_BATCH = 256   # the Keras blog's, as published
SEEDS = (42, 43, 44)
NOISE_SD = 0.3
PROBE_TRAIN = 4000 if not aelib.quick_mode() else 1000  # images for the linear probe's fit


# --- chapter 5's regularized autoencoder (written out and explained there) --------

class RegularizedAutoencoder(keras.Model):
    """784 -> 512 sigmoid code -> 784, trained on BCE + penalty, input optionally corrupted."""

    def __init__(self, penalty=None, corrupt=None, units=512, **kwargs):
        image = keras.Input(shape=(784,), name="image")
        code = layers.Dense(units, activation="sigmoid", name="code")(image)
        pixels = layers.Dense(784, activation="sigmoid", name="reconstruction")(code)
        super().__init__(image, pixels, **kwargs)
        self.encoder = keras.Model(image, code, name="encoder")
        self.penalty, self.corrupt = penalty, corrupt

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        inputs = self.corrupt(x) if self.corrupt else x  # fresh noise every batch
        with tf.GradientTape() as tape:
            code = self.encoder(inputs, training=True)
            rebuilt = self.get_layer("reconstruction")(code)
            loss = ops.mean(keras.losses.binary_crossentropy(x, rebuilt))
            if self.penalty:
                loss = loss + self.penalty(self, code)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {"loss": loss}


def l1_penalty(model, code):
    return 4e-4 * ops.mean(ops.sum(ops.abs(code), axis=1))


def kl_penalty(model, code, rho=0.05):
    rho_hat = ops.clip(ops.mean(code, axis=0), 1e-7, 1 - 1e-7)
    return 1e-3 * ops.sum(rho * ops.log(rho / rho_hat) + (1 - rho) * ops.log((1 - rho) / (1 - rho_hat)))


def contractive_penalty(model, code):
    kernel = model.get_layer("code").kernel
    return 1e-3 * ops.mean(ops.sum((code * (1 - code)) ** 2 * ops.sum(kernel**2, axis=0), axis=1))


def adam_cosine(total_steps):
    """Adam whose learning rate decays from 1e-3 to 0 along a cosine over the run."""
    return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, total_steps))


def gaussian_corruption(x):
    return ops.clip(x + NOISE_SD * keras.random.normal(ops.shape(x)), 0.0, 1.0)


# --- the models, by the name the tables use ----------------------------------

def build(kind, code_size):
    """(autoencoder, encoder) for one kind of model; chapters 2-5 write each one out."""
    if kind == "linear":
        return models.dense_autoencoder(code_size, activation=None, code_activation=None,
                                        output_activation=None)[:2]
    if kind == "vanilla":
        return models.dense_autoencoder(code_size)[:2]
    if kind == "deep":
        return models.dense_autoencoder(code_size, hidden=(128, 64))[:2]
    if kind == "deep 512-256":
        return models.dense_autoencoder(code_size, hidden=(512, 256), code_activation=None)[:2]
    if kind == "hinton":
        return models.dense_autoencoder(code_size, hidden=(1000, 500, 250), code_activation=None)[:2]
    if kind == "conv pooling":
        return models.conv_autoencoder()
    if kind == "conv strided":
        return models.strided_conv_autoencoder()
    penalties = {"plain 512": {}, "sparse L1": {"penalty": l1_penalty},
                 "sparse KL": {"penalty": kl_penalty}, "contractive": {"penalty": contractive_penalty},
                 "denoising": {"corrupt": gaussian_corruption}}
    if kind in penalties:
        model = RegularizedAutoencoder(**penalties[kind], name=kind.replace(" ", "_"))
        return model, model.encoder
    raise ValueError(f"unknown model kind {kind!r}")


def predict(network, images):
    shape = (-1,) + tuple(network.input_shape[1:])
    out = network.predict(images.reshape(shape), verbose=0, batch_size=1000)
    return out.reshape(len(images), -1)


def probe_accuracy(train_codes, y_train, test_codes, y_test):
    """Linear probe: logistic regression on standardized codes, test accuracy."""
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    probe.fit(train_codes[:PROBE_TRAIN], y_train[:PROBE_TRAIN])
    return round(float(probe.score(test_codes, y_test)), 4)


class Bench:
    def __init__(self, data):
        self.data = data
        self.epochs = aelib.epochs(SAMPLE_EPOCHS, data)
        self.x_train = data.x_train.reshape(len(data.x_train), 784)
        self.x_test = data.x_test.reshape(len(data.x_test), 784)
        self.x_noisy = aelib.data.gaussian_noise(self.x_test, NOISE_SD, seed=0)
        self.rows = []

    def record(self, row, x_hat, noisy_hat, train_codes, test_codes):
        d = self.data
        row.update(
            test_squared_error=round(metrics.per_image_squared_error(self.x_test, x_hat), 3),
            test_bce=round(metrics.bce(self.x_test, x_hat), 4),
            noisy_input_error=round(metrics.per_image_squared_error(self.x_test, noisy_hat), 3),
            probe_accuracy=probe_accuracy(train_codes, d.y_train, test_codes, d.y_test))
        self.rows.append(row)
        print(f"  {row['model']:30s} {row['recipe']:28s} k={row['code_size']:<4} seed {row['seed']!s:4s} "
              f"error {row['test_squared_error']:7.2f}  noisy {row['noisy_input_error']:6.2f}  "
              f"probe {row['probe_accuracy']:.3f}  ({row['train_seconds']:.0f} s)", flush=True)

    def pca(self, k):
        start = time.perf_counter()
        pca = baselines.fit_pca(self.x_train, k)
        seconds = time.perf_counter() - start
        row = {"model": "PCA", "family": "pca", "recipe": "scikit-learn, exact SVD", "book_recipe": True,
               "code_size": k, "params": int(784 * k + 784), "epochs": 0, "seed": None,
               "train_seconds": round(seconds, 2), "seconds_per_epoch": None}
        self.record(row, baselines.pca_reconstruct(pca, self.x_test),
                    baselines.pca_reconstruct(pca, self.x_noisy),
                    pca.transform(self.x_train[:PROBE_TRAIN]), pca.transform(self.x_test))

    def train(self, name, kind, k, recipe="BCE, Adam", optimizer="adam", loss="binary_crossentropy",
              seed=42, book_recipe=True, batch=BATCH):
        keras.utils.set_random_seed(seed)
        model, encoder = build(kind, k)
        if callable(optimizer):  # a factory of the run's total number of steps, e.g. adam_cosine
            optimizer = optimizer(self.epochs * int(np.ceil(len(self.x_train) / batch)))
        model.compile(optimizer=keras.optimizers.get(optimizer), loss=loss, steps_per_execution=32)
        history = models.fit_autoencoder(model, self.x_train, epochs=self.epochs, batch_size=batch)
        row = {"model": name, "family": kind, "recipe": recipe, "book_recipe": book_recipe,
               "code_size": k, "params": model.count_params(), "epochs": self.epochs, "batch_size": batch, "seed": seed,
               "train_seconds": round(history.seconds, 2),
               "seconds_per_epoch": round(history.seconds / self.epochs, 3),
               "final_training_loss": round(float(history.history["loss"][-1]), 5)}
        self.record(row, np.clip(predict(model, self.x_test), 0, 1),
                    np.clip(predict(model, self.x_noisy), 0, 1),
                    predict(encoder, self.x_train[:PROBE_TRAIN]), predict(encoder, self.x_test))
        keras.backend.clear_session()


def throughput(x_train, repeats=3):
    """Images/s of aelib.models.fit_autoencoder against a bare model.fit, same model."""
    epochs = aelib.epochs(5, x_train)
    results = {"bare model.fit": [], "aelib fit_autoencoder": []}
    for _ in range(repeats):
        for label in results:  # alternate, so drift in machine load hits both
            keras.utils.set_random_seed(0)
            model = build("vanilla", 32)[0]
            model.compile(optimizer="adam", loss="binary_crossentropy", steps_per_execution=32)
            model.fit(x_train[:BATCH * 4], x_train[:BATCH * 4], epochs=1, verbose=0)  # trace first
            start = time.perf_counter()
            if label.startswith("aelib"):
                models.fit_autoencoder(model, x_train, epochs=epochs, batch_size=BATCH)
            else:
                model.fit(x_train, x_train, epochs=epochs, batch_size=BATCH, shuffle=True, verbose=0)
            results[label].append(round(len(x_train) * epochs / (time.perf_counter() - start)))
            keras.backend.clear_session()
        print("  " + "   ".join(f"{label}: {values[-1]:,} images/s" for label, values in results.items()),
              flush=True)
    return results


def main():
    started = time.perf_counter()
    data = aelib.load_mnist()
    bench = Bench(data)
    print(f"protocol: {bench.epochs} epochs, batch {BATCH} (classic recipes {CLASSIC_BATCH}), {len(bench.x_train)} train / "
          f"{len(bench.x_test)} test images, seeds {SEEDS}")

    print("PCA at every code size:")
    for k in PCA_SIZES:
        bench.pca(k)

    print("code-size sweep (the book's recipes):")
    for k in SWEEP:
        bench.train("linear autoencoder", "linear", k, recipe="MSE, Adam", loss="mse")
        bench.train("vanilla autoencoder", "vanilla", k)
        bench.train("deep autoencoder 128-64-k", "deep", k)

    print("headline models, three seeds (the book's recipes):")
    for seed in SEEDS:
        if seed != SEEDS[0]:  # the first seed of these two is in the sweep
            bench.train("vanilla autoencoder", "vanilla", 32, seed=seed)
            bench.train("deep autoencoder 128-64-k", "deep", 32, seed=seed)
        bench.train("Hinton-Salakhutdinov 1000-500-250-30", "hinton", 30, seed=seed)
        bench.train("deep autoencoder 512-256-30", "deep 512-256", 30, seed=seed,
                    recipe="BCE, Adam + cosine decay", optimizer=adam_cosine)
        bench.train("convolutional, strided", "conv strided", 128, seed=seed)

    print("one seed: the 512-256-30 model without the decay, chapter 4's pooling design, "
          "chapter 5's regularized models:")
    bench.train("deep autoencoder 512-256-30", "deep 512-256", 30)
    bench.train("convolutional, pooling", "conv pooling", 128)
    for kind in ("plain 512", "sparse L1", "sparse KL", "denoising", "contractive"):
        bench.train(f"784-512-784, {kind.replace(' 512', '')}", kind, 512)

    print("classic published recipes (Keras blog), same data and epochs:")
    classic = dict(book_recipe=False, batch=CLASSIC_BATCH)
    bench.train("vanilla autoencoder", "vanilla", 32, recipe="Keras blog: adadelta", optimizer="adadelta", **classic)
    bench.train("vanilla autoencoder", "vanilla", 32, recipe="adadelta, learning_rate=1.0",
                optimizer=keras.optimizers.Adadelta(learning_rate=1.0), **classic)
    bench.train("deep autoencoder 128-64-k", "deep", 32, recipe="Keras blog: adadelta", optimizer="adadelta", **classic)
    bench.train("convolutional, pooling", "conv pooling", 128, recipe="Keras blog: adadelta",
                optimizer="adadelta", **classic)

    print("throughput: aelib.models.fit_autoencoder against a bare model.fit:")
    speeds = throughput(bench.x_train)

    sizes = f"{len(bench.x_train):,} train / {len(bench.x_test):,} test images"
    description = {"keras": "the full MNIST, via Keras", "local": "the full MNIST, from the official files",
                   "sample": "the offline sample shipped with aelib (official MNIST test images, "
                             "split 8,000/2,000)"}[data.source]
    report = {"dataset": data.dataset, "data_source": data.source,
              "data_source_description": f"{description}, {sizes}",
              "n_train": len(bench.x_train), "n_test": len(bench.x_test), "quick_mode": aelib.quick_mode(),
              "epochs": bench.epochs, "batch_size": BATCH, "classic_batch_size": CLASSIC_BATCH, "seeds": list(SEEDS), "noise_sd": NOISE_SD,
              "probe_train_images": PROBE_TRAIN,
              "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
              "python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
              "date": datetime.date.today().isoformat(),
              "total_seconds": round(time.perf_counter() - started), "rows": bench.rows,
              "throughput": speeds}
    json_path, md_path = results_file.update("models", report, data.dataset, quick=aelib.quick_mode())
    print(md_path.read_text())
    print(f"written {json_path} and {md_path} in {report['total_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
