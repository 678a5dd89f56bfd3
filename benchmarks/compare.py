"""All models side by side: one protocol, one metric, the classic recipes beside ours.

Usage:
    python benchmarks/compare.py            # full run (minutes on 2 CPU cores)
    AELIB_QUICK=1 python benchmarks/compare.py   # smoke run: tiny data, <= 2 epochs

Protocol: the training and test images of `aelib.load_mnist()` (the source it
used is printed and recorded); every model is trained on the training images and
measured on the test images with the per-image squared error (pixels in [0, 1],
summed over 784 pixels, averaged over images; Hinton & Salakhutdinov's metric)
and per-pixel binary cross-entropy. Seeds fixed. Writes
benchmarks/results/results.json and results.md.
"""

import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import aelib  # noqa: E402
from aelib import baselines, metrics, models  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SWEEP = (2, 8, 16, 32, 64)
EPOCHS = aelib.epochs(30)
BATCH = 256
SEEDS = (42, 43, 44)


def evaluate(name, recipe, model, code_size, x_train, x_test, epochs, optimizer, loss, seed):
    """Train `model` with the given recipe and measure it on the test images."""
    import keras
    model.compile(optimizer=optimizer, loss=loss, steps_per_execution=32)
    history = models.fit_autoencoder(model, x_train, epochs=epochs, batch_size=BATCH)
    shape = (-1,) + tuple(model.input_shape[1:])
    x_hat = model.predict(x_test.reshape(shape), verbose=0, batch_size=1024).reshape(len(x_test), 784)
    x_hat = np.clip(x_hat, 0, 1)
    row = {"model": name, "recipe": recipe, "code_size": code_size, "params": model.count_params(),
           "epochs": epochs, "seed": seed, "train_seconds": round(history.seconds, 2),
           "seconds_per_epoch": round(history.seconds / epochs, 3),
           "test_squared_error": round(metrics.per_image_squared_error(x_test, x_hat), 3),
           "test_bce": round(metrics.bce(x_test, x_hat), 4)}
    keras.backend.clear_session()
    print(f"  {name:34s} {recipe:26s} k={code_size:<4} error {row['test_squared_error']:7.2f} "
          f"({row['train_seconds']:.0f} s)", flush=True)
    return row


def build(kind, code_size):
    """The models the book teaches, built from aelib.models (chapters 2-4 write them out)."""
    if kind == "linear":
        return models.dense_autoencoder(code_size, activation=None, code_activation=None,
                                        output_activation=None)[0]
    if kind == "vanilla":
        return models.dense_autoencoder(code_size)[0]
    if kind == "deep":
        return models.dense_autoencoder(code_size, hidden=(128, 64))[0]
    if kind == "hinton":
        return models.dense_autoencoder(code_size, hidden=(1000, 500, 250), code_activation=None)[0]
    if kind == "conv":
        return models.conv_autoencoder()[0]
    raise ValueError(kind)


def main():
    import keras
    data = aelib.load_mnist()
    x_train = data.x_train.reshape(len(data.x_train), 784)
    x_test = data.x_test.reshape(len(data.x_test), 784)
    rows = []

    def run(name, recipe, kind, k, optimizer="adam", loss="binary_crossentropy", seed=42, epochs=EPOCHS):
        keras.utils.set_random_seed(seed)
        opt = keras.optimizers.get(optimizer) if isinstance(optimizer, str) else optimizer
        rows.append(evaluate(name, recipe, build(kind, k), k, x_train, x_test, epochs, opt, loss, seed))

    print(f"protocol: {EPOCHS} epochs, batch {BATCH}, {len(x_train)} train / {len(x_test)} test images")
    print("PCA:")
    for k in sorted(set(SWEEP) | {30}):
        start = time.perf_counter()
        pca_hat = baselines.pca_reconstruct(baselines.fit_pca(x_train, k), x_test)
        error = metrics.per_image_squared_error(x_test, pca_hat)
        rows.append({"model": "PCA", "recipe": "scikit-learn, exact SVD", "code_size": k,
                     "params": int(784 * k + 784), "epochs": 0, "seed": None,
                     "train_seconds": round(time.perf_counter() - start, 2), "seconds_per_epoch": None,
                     "test_squared_error": round(error, 3),
                     "test_bce": round(metrics.bce(x_test, pca_hat), 4)})
        print(f"  PCA k={k:<3} error {error:7.2f}")

    print("code-size sweep (book recipes):")
    for k in SWEEP:
        run("linear autoencoder", "MSE, Adam", "linear", k, loss="mse")
        run("vanilla autoencoder", "BCE, Adam", "vanilla", k)
        run("deep autoencoder 128-64-k", "BCE, Adam", "deep", k)

    print("headline models over seeds (book recipes):")
    for seed in SEEDS:
        if seed != 42:  # seed 42 of the vanilla-32 model is already in the sweep
            run("vanilla autoencoder", "BCE, Adam", "vanilla", 32, seed=seed)
        run("Hinton-Salakhutdinov 1000-500-250-30", "BCE, Adam", "hinton", 30, seed=seed)
        run("convolutional (classic)", "BCE, Adam", "conv", 128, seed=seed)

    print("classic published recipes (Keras blog), same data and epochs:")
    run("vanilla autoencoder", "Keras blog: adadelta", "vanilla", 32, optimizer="adadelta")
    run("vanilla autoencoder", "adadelta, learning_rate=1.0", "vanilla", 32,
        optimizer=keras.optimizers.Adadelta(learning_rate=1.0))
    run("deep autoencoder 128-64-k", "Keras blog: adadelta", "deep", 32, optimizer="adadelta")
    run("convolutional (classic)", "Keras blog: adadelta", "conv", 128, optimizer="adadelta")

    print("throughput: aelib.models.fit_autoencoder against a bare model.fit:")
    throughput = {}
    for label in ("bare model.fit", "aelib fit_autoencoder", "bare model.fit (again)"):
        keras.utils.set_random_seed(0)
        model = build("vanilla", 32)
        model.compile(optimizer="adam", loss="binary_crossentropy", steps_per_execution=32)
        model.fit(x_train[:BATCH * 2], x_train[:BATCH * 2], epochs=1, verbose=0)  # warm-up
        start = time.perf_counter()
        if label.startswith("aelib"):
            models.fit_autoencoder(model, x_train, epochs=aelib.epochs(5), batch_size=BATCH)
        else:
            model.fit(x_train, x_train, epochs=aelib.epochs(5), batch_size=BATCH, verbose=0)
        throughput[label] = round(len(x_train) * aelib.epochs(5) / (time.perf_counter() - start))
        print(f"  {label:24s} {throughput[label]:>9,} images/s")

    report = {"data_source": data.source, "n_train": len(x_train), "n_test": len(x_test),
              "quick_mode": aelib.quick_mode(), "epochs": EPOCHS, "batch_size": BATCH,
              "machine": f"{platform.machine()}, {os.cpu_count()} cores", "python": platform.python_version(),
              "tensorflow": __import__("tensorflow").__version__, "keras": keras.__version__,
              "rows": rows, "throughput_images_per_s": throughput}
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "results-quick" if aelib.quick_mode() else "results"
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1))
    (RESULTS / f"{name}.md").write_text(markdown_table(report))
    print(markdown_table(report))
    print(f"written {RESULTS / (name + '.json')}")
    return 0


def markdown_table(report):
    """Mean ± sd over seeds for each (model, recipe, code size)."""
    groups = {}
    for row in report["rows"]:
        groups.setdefault((row["model"], row["recipe"], row["code_size"]), []).append(row)
    lines = [f"Data: {report['data_source']} ({report['n_train']} train / {report['n_test']} test), "
             f"{report['epochs']} epochs, batch {report['batch_size']}.", "",
             "| model | recipe | k | params | test squared error | test BCE | s/epoch | seeds |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for (model, recipe, k), rs in groups.items():
        err = np.array([r["test_squared_error"] for r in rs])
        bce = np.array([r["test_bce"] for r in rs])
        spe = [r["seconds_per_epoch"] for r in rs if r["seconds_per_epoch"] is not None]
        spread = f" ± {err.std(ddof=1):.2f}" if len(rs) > 1 else ""
        per_epoch = f"{np.mean(spe):.2f}" if spe else "-"
        lines.append(f"| {model} | {recipe} | {k} | {rs[0]['params']:,} | {err.mean():.2f}{spread} | "
                     f"{bce.mean():.4f} | {per_epoch} | {len(rs)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
