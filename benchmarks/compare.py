"""All models side by side: one protocol, one metric, the classic recipes beside ours.

Usage:
    make benchmark                               # this script, then run.py (times)
    python benchmarks/compare.py                 # the models only (~35 min on 2 CPU cores)
    AELIB_QUICK=1 python benchmarks/compare.py   # smoke run: 1,000/250 images, 2 epochs

Protocol: the training and test images of `aelib.load_mnist()` (the source it
used is printed and recorded). Every model is trained on the training images
for the same number of epochs with fixed seeds (batches of 64 for the book's
recipes, 256 for the Keras blog's recipes, whose conv model used 128), and measured
on the test images by:
- the per-image squared error (summed over the 784 pixels in [0, 1], averaged
  over images: Hinton & Salakhutdinov's metric) and the per-pixel BCE;
- the same error when the input is a noisy test image (Gaussian, sd 0.3) and
  the target the clean one: how well the model denoises;
- a linear probe: test accuracy of a logistic regression fitted on the codes.
Every model trains for `aelib.epochs(30, data)` epochs: 30 on the offline
sample's 8,000 images, 4 on the full MNIST's 60,000 (the same number of images
seen). This file lists the rows; benchmarks/recipes.py computes each one, and
caches it, so an interrupted run resumes where it stopped. A full run writes
aelib/_data/benchmark-<dataset>.json and benchmarks/RESULTS-<dataset>.md, per
dataset, with the provenance of the numbers (see results_file.py); the book's
last chapter reads the file of the data it runs on.
"""

import datetime
import os
import platform
import sys
import time

import results_file
from recipes import BATCH, CLASSIC_BATCH, NOISE_SD, PROBE_TRAIN, Bench, adam_cosine, build

import aelib
import keras
import tensorflow as tf
from aelib import models

SWEEP = (2, 8, 16, 32, 64)
PCA_SIZES = sorted(set(SWEEP) | {30, 128, 512})
SEEDS = (42, 43, 44)
LONG_SAMPLE_EPOCHS = 300  # the best-30-d row: 300 epochs on the sample, 40 on the full MNIST


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

    print("raw pixels (the probe's baseline) and PCA at every code size:")
    bench.pixels()
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
        bench.train("convolutional, dense 30-d code", "conv dense code", 30, seed=seed,
                    recipe="BCE, Adam + cosine decay", optimizer=adam_cosine)

    print("one seed: the 512-256-30 model without the decay, chapter 4's pooling design, "
          "chapter 5's regularized models:")
    bench.train("deep autoencoder 512-256-30", "deep 512-256", 30)
    bench.train("convolutional, pooling", "conv pooling", 128)
    for kind in ("plain 512", "sparse L1", "sparse KL", "denoising", "contractive"):
        bench.train(f"784-512-784, {kind.replace(' 512', '')}", kind, 512)

    print("the best 30-d code, a longer recipe of its own (10 times the protocol's epochs):")
    bench.train("convolutional, dense 30-d code", "conv dense code", 30, sample_epochs=LONG_SAMPLE_EPOCHS,
                batch=128, recipe=f"BCE, Adam 2e-3 + cosine decay, batch 128, {LONG_SAMPLE_EPOCHS // 30}x epochs",
                optimizer=lambda steps: adam_cosine(steps, learning_rate=2e-3))

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
              "total_seconds": round(time.perf_counter() - started), "rows_reused": bench.reused,
              # Times are only comparable on a quiet machine: the load average says how quiet it was.
              "load_average_15min_at_end": round(os.getloadavg()[2], 2),
              "rows": bench.rows, "throughput": speeds,
              "provenance": results_file.provenance(results_file.code_hash(files=results_file.CODE_FILES),
                                                    bench.data_sha256)}
    json_path, md_path = results_file.update("models", report, data.dataset, quick=aelib.quick_mode())
    print(md_path.read_text())
    print(f"written {json_path} and {md_path} in {report['total_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
