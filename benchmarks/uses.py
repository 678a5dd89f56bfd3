"""What the codes are for, per model: chapter 7's two columns from chapter 6's protocol.

Usage:
    python benchmarks/uses.py    # ~6 min on the sample, ~10 on the full MNIST (2 CPU cores)

For the book's main models (chapter 2's 784-32, chapter 3's 784-128-64-32,
both with 32-number codes, and chapter 4's strided convolutional model, whose
code is 4 x 4 x 8 = 128 numbers) and the baselines (PCA with 32 components,
raw pixels), on the data
`aelib.load_mnist()` finds:
- anomaly AUROC: chapter 6's one-class protocol. For each normal digit, train
  on that digit's training images only (the training split, without the
  validation images), score every test image by its reconstruction error, and
  measure the AUROC with the other nine digits as anomalies; the mean over the
  ten digits, one value per training seed (and the ten per-digit AUROCs);
- 100-label accuracy: chapter 6's few-label protocol. Train the autoencoder on
  all the training images without labels, then fit a logistic regression on
  the frozen codes of 100 labelled training images (10 per digit, three
  draws), and measure its test accuracy; one value per (seed, draw), seeds
  outer (raw pixels and PCA: one per draw).
The constants below are chapter 6's (tests/test_results.py checks that they
are the same in both), and the learning rate is chosen as chapter 6 chooses
it, on validation images. The AUROCs of the vanilla and strided rows are
chapter 6's experiment (up to the CPU's floating-point nondeterminism); the
100-label accuracies average three seeds of the autoencoder where chapter 6
trains one.
Writes the "uses" section of aelib/_data/benchmark-<dataset>.json.
"""

import datetime
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import results_file  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

import aelib  # noqa: E402
import keras  # noqa: E402
from aelib import baselines, codes, metrics, models  # noqa: E402

# Chapter 6's protocol (tests/test_results.py compares these with the chapter).
CODE_SIZE = 32
TRAINING_SEEDS = (42, 43, 44)
DENSE_EPOCHS_SAMPLE = 40   # aelib.epochs(40, data) passes over one digit's images
CONV_EPOCHS_SAMPLE = 10
GENERAL_EPOCHS_SAMPLE = 20  # the unlabelled training of the few-label section
BATCH_SIZE = 64
LEARNING_RATES = (1e-3, 3e-3)  # chapter 6's candidates, chosen on validation images
LABELS = 100
DRAWS = (0, 1, 2)
CODE_FILES = ("benchmarks/uses.py", "aelib/codes.py", "aelib/models.py", "aelib/baselines.py",
              "aelib/metrics.py", "aelib/config.py", "aelib/data.py")

# name: (builder, one-class epochs on the sample), with the names chapter 7's table uses
MODELS = {
    "vanilla autoencoder": (lambda: models.dense_autoencoder(CODE_SIZE)[:2], DENSE_EPOCHS_SAMPLE),
    "deep autoencoder 128-64-k": (lambda: models.deep_autoencoder((128, 64), CODE_SIZE)[:2],
                                  DENSE_EPOCHS_SAMPLE),
    "convolutional, strided": (models.strided_conv_autoencoder, CONV_EPOCHS_SAMPLE),
}


def compiled(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    return model


def choose_learning_rate(x_fit, y_fit, x_val, y_val, epochs):
    """Chapter 6's choice: the candidate whose dense model (first seed) has the
    higher mean validation AUROC over the ten normal digits."""
    mean_auroc = {}
    for learning_rate in LEARNING_RATES:
        keras.utils.set_random_seed(TRAINING_SEEDS[0])
        model = compiled(models.dense_autoencoder(CODE_SIZE)[0], learning_rate)
        start_weights = model.get_weights()
        per_digit = []
        for digit in range(10):
            codes.restart(model, start_weights)
            codes.train_on_stream(model, x_fit[y_fit == digit], epochs, TRAINING_SEEDS[0], batch_size=BATCH_SIZE)
            per_digit.append(roc_auc_score(y_val != digit, metrics.squared_errors(
                x_val, models.reconstruct(model, x_val))))
        mean_auroc[learning_rate] = float(np.mean(per_digit))
    print(f"  learning rate, by mean validation AUROC: {mean_auroc}", flush=True)
    return max(mean_auroc, key=mean_auroc.get)


def logistic_accuracy(train_features, labels, test_features, y_test):
    """Chapter 6's classifier: scikit-learn's logistic regression, C = 1, on
    features divided by their overall standard deviation on the labelled images."""
    scale = train_features.std()
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(train_features / scale, labels)
    return float(model.score(test_features / scale, y_test))


def main():
    started = time.perf_counter()
    data = aelib.load_mnist()
    x_train = data.x_train.reshape(len(data.x_train), 784)
    x_test = data.x_test.reshape(len(data.x_test), 784)
    x_fit, y_fit, x_val, y_val = aelib.data.validation_split(x_train, data.y_train, fraction=0.1, seed=0)
    learning_rate = choose_learning_rate(x_fit, y_fit, x_val, y_val, aelib.epochs(DENSE_EPOCHS_SAMPLE, data))
    draws = [codes.balanced_subset(y_fit, LABELS, draw) for draw in DRAWS]
    rows = []

    def row(name, family, code_size, per_digit_per_seed, accuracy, seconds):
        auroc_per_seed = [float(np.mean(v)) for v in per_digit_per_seed] if per_digit_per_seed else None
        rows.append({"model": name, "family": family, "code_size": code_size,
                     "anomaly_auroc": auroc_per_seed, "anomaly_auroc_per_digit": per_digit_per_seed,
                     "few_label_accuracy": accuracy, "seconds": round(seconds, 1)})
        auroc = f"{100 * np.mean(auroc_per_seed):.1f}" if auroc_per_seed else "-"
        print(f"  {name:28s} AUROC {auroc:>5}  {LABELS}-label accuracy {100 * np.mean(accuracy):.1f}"
              f"  ({seconds:.0f} s)", flush=True)

    start = time.perf_counter()
    row("raw pixels (no model)", "pixels", 784, None,
        [logistic_accuracy(x_fit[i], y_fit[i], x_test, data.y_test) for i in draws],
        time.perf_counter() - start)

    start = time.perf_counter()
    per_digit = []
    for digit in range(10):
        pca = baselines.fit_pca(x_fit[y_fit == digit], CODE_SIZE)
        per_digit.append(roc_auc_score(data.y_test != digit, metrics.squared_errors(
            x_test, baselines.pca_reconstruct(pca, x_test))))
    pca_all = baselines.fit_pca(x_fit, CODE_SIZE)
    row(f"PCA, k = {CODE_SIZE}", "pca", CODE_SIZE, [[float(a) for a in per_digit]],
        [logistic_accuracy(pca_all.transform(x_fit[i]), y_fit[i], pca_all.transform(x_test), data.y_test)
         for i in draws], time.perf_counter() - start)

    for name, (build, sample_epochs) in MODELS.items():
        start = time.perf_counter()
        epochs = aelib.epochs(sample_epochs, data)
        reusable = compiled(build()[0], learning_rate)
        auroc, accuracy = [], []
        for seed in TRAINING_SEEDS:
            keras.utils.set_random_seed(seed)
            initial = build()[0].get_weights()
            per_digit = []
            for digit in range(10):
                model = codes.restart(reusable, initial)
                codes.train_on_stream(model, x_fit[y_fit == digit], epochs, seed, batch_size=BATCH_SIZE)
                per_digit.append(roc_auc_score(data.y_test != digit, metrics.squared_errors(
                    x_test, models.reconstruct(model, x_test))))
            auroc.append([float(a) for a in per_digit])
            keras.utils.set_random_seed(seed)
            general, encoder = build()
            code_size = int(np.prod(encoder.output.shape[1:]))
            codes.train_on_stream(compiled(general, learning_rate), x_fit, aelib.epochs(GENERAL_EPOCHS_SAMPLE, data), seed,
                                  batch_size=BATCH_SIZE)
            fit_codes = models.reconstruct(encoder, x_fit)
            test_codes = models.reconstruct(encoder, x_test)
            accuracy += [logistic_accuracy(fit_codes[i], y_fit[i], test_codes, data.y_test) for i in draws]
            keras.backend.clear_session()
        row(name, name, code_size, auroc, accuracy, time.perf_counter() - start)

    report = {"dataset": data.dataset, "n_train": len(x_train), "n_test": len(x_test),
              "quick_mode": aelib.quick_mode(), "code_size": CODE_SIZE, "seeds": list(TRAINING_SEEDS),
              "learning_rate": learning_rate, "labels": LABELS, "draws": len(DRAWS),
              "epochs": {"one-class dense": aelib.epochs(DENSE_EPOCHS_SAMPLE, data),
                         "one-class conv": aelib.epochs(CONV_EPOCHS_SAMPLE, data),
                         "unlabelled": aelib.epochs(GENERAL_EPOCHS_SAMPLE, data)},
              "date": datetime.date.today().isoformat(), "total_seconds": round(time.perf_counter() - started),
              "load_average_15min_at_end": round(os.getloadavg()[2], 2), "rows": rows,
              "provenance": results_file.provenance(results_file.code_hash(files=CODE_FILES),
                                                    results_file.data_hash(data), files=CODE_FILES)}
    json_path, _ = results_file.update("uses", report, data.dataset, quick=aelib.quick_mode())
    print(f"written the 'uses' section of {json_path} in {report['total_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
