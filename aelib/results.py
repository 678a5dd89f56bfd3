"""The benchmark's results, for the book's last chapter.

`make benchmark` (benchmarks/compare.py and benchmarks/run.py) trains every
model of the book under one protocol and writes one results file per dataset,
``aelib/_data/benchmark-full.json`` (the full MNIST) or
``aelib/_data/benchmark-sample.json`` (the offline sample); they ship inside
aelib so the chapter can read them anywhere, Colab included. A page shows only
the results measured on the data it runs on: `load_results(dataset)` reads
that file (and fails, saying what to run, when there is none), `summary()`
averages the seeds of each model, and `markdown_table()` formats rows as a
markdown table.
"""

import json
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).with_name("_data")
DATASETS = {"full": "the full MNIST", "sample": "the offline sample"}

# (column title, summary key, number format) for markdown_table()
COLUMNS = {
    "model": ("model", "model", "{}"),
    "recipe": ("recipe", "recipe", "{}"),
    "k": ("k", "code_size", "{}"),
    "params": ("parameters", "params", "{:,}"),
    "error": ("test error", "error", "{:.2f}"),
    "bce": ("test BCE", "bce", "{:.4f}"),
    "noisy": ("noisy-input error", "noisy_input_error", "{:.2f}"),
    "probe": ("probe accuracy", "probe_accuracy", "{:.3f}"),
    "s/epoch": ("s / epoch", "seconds_per_epoch", "{:.2f}"),
    "seeds": ("seeds", "seeds", "{}"),
}


def results_path(dataset):
    """Where the results measured on `dataset` ("full" or "sample") are stored."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {dataset!r}.")
    return DATA_DIR / f"benchmark-{dataset}.json"


def dataset_of(models):
    """The dataset ("full" or "sample") a results file's "models" section was measured on."""
    return models.get("dataset") or ("sample" if models.get("data_source") == "sample" else "full")


def load_results(dataset, path=None):
    """Read the benchmark results measured on `dataset`, and check them.

    dataset: "full" or "sample", or an `aelib.MNIST` (its ``.dataset``): the
        data the page runs on, so that it never shows results from other data.
    path: read this file instead of aelib's stored one.
    Returns the parsed dict: ``results["models"]`` holds the protocol (data
    source, epochs, ...) and ``rows`` (one per trained model and seed);
    ``results["timings"]``, when present, the suite and chapter times.
    """
    dataset = getattr(dataset, "dataset", dataset)
    path = Path(path) if path is not None else results_path(dataset)
    if not path.exists():
        raise FileNotFoundError(
            f"No benchmark results for {DATASETS.get(dataset, dataset)} ({path.name}): a page shows only "
            "results measured on the data it runs on. Run `make benchmark` in the book's repository "
            "on that data (the full MNIST: with internet, or `AELIB_MNIST_DIR=/path/to/mnist make "
            "benchmark`; the sample: `AELIB_MNIST_SOURCE=sample make benchmark`), then commit "
            f"aelib/_data/{path.name}.")
    try:
        results = json.loads(path.read_text())
        rows = results["models"]["rows"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a benchmark results file ({type(error).__name__}: {error}); "
                         "rerun `make benchmark` to rewrite it.") from None
    if not rows:
        raise ValueError(f"{path} has no model rows; rerun `make benchmark`.")
    if dataset_of(results["models"]) != dataset:
        raise ValueError(f"{path} holds results measured on {DATASETS[dataset_of(results['models'])]}, "
                         f"not on {DATASETS.get(dataset, dataset)}; rerun `make benchmark` on that data.")
    return results


def _mean_sd(values):
    values = np.array([v for v in values if v is not None], dtype=float)
    if values.size == 0:
        return None, None
    return float(values.mean()), (float(values.std(ddof=1)) if values.size > 1 else None)


def summary(results):
    """One dict per (model, recipe, code size), in run order, with seed means.

    Keys: model, family, recipe, book_recipe, code_size, params, seeds (how many
    runs), error (test squared error per image), bce, noisy_input_error,
    probe_accuracy and seconds_per_epoch: each the mean over seeds, with its
    standard deviation over seeds in ``<key>_sd`` (None for one run).
    """
    groups = {}
    for row in results["models"]["rows"]:
        groups.setdefault((row["model"], row["recipe"], row["code_size"]), []).append(row)
    means = {"error": "test_squared_error", "bce": "test_bce",  # summary key: row key
             "noisy_input_error": "noisy_input_error", "probe_accuracy": "probe_accuracy",
             "seconds_per_epoch": "seconds_per_epoch"}
    table = []
    for (model, recipe, code_size), rows in groups.items():
        entry = {"model": model, "family": rows[0]["family"], "recipe": recipe,
                 "book_recipe": rows[0]["book_recipe"], "code_size": code_size,
                 "params": rows[0]["params"], "seeds": len(rows)}
        for key, row_key in means.items():
            entry[key], entry[f"{key}_sd"] = _mean_sd(r[row_key] for r in rows)
        table.append(entry)
    return table


def find(table, family, code_size=None, book_recipe=True, recipe=None):
    """The one summary row of a model family (e.g. "deep") at a code size (and recipe)."""
    hits = [r for r in table if r["family"] == family and r["book_recipe"] == book_recipe
            and (code_size is None or r["code_size"] == code_size)
            and (recipe is None or r["recipe"] == recipe)]
    if len(hits) != 1:
        raise KeyError(f"{len(hits)} rows for family={family!r}, code_size={code_size!r}, "
                       f"book_recipe={book_recipe!r}, recipe={recipe!r}; "
                       f"families: {sorted({r['family'] for r in table})}")
    return hits[0]


def percent(values):
    """Fractions as 'mean ± sd' in % (sd with ddof=1; the mean alone for one value; '-' for none)."""
    if not values:
        return "-"
    text = f"{100 * np.mean(values):.1f}"
    return text + (f" ± {100 * np.std(values, ddof=1):.1f}" if len(values) > 1 else "")


def markdown_table(rows, columns=("model", "recipe", "k", "params", "error", "seeds")):
    """Format summary rows as a markdown table; values over several seeds as mean ± sd."""
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown columns {unknown}; choose from {list(COLUMNS)}")
    lines = ["| " + " | ".join(COLUMNS[c][0] for c in columns) + " |",
             "|" + "|".join("---" if c in ("model", "recipe") else "---:" for c in columns) + "|"]
    for row in rows:
        cells = []
        for c in columns:
            _, key, fmt = COLUMNS[c]
            value = row[key]
            text = "-" if value is None else fmt.format(value)
            if row.get(f"{key}_sd") is not None:  # spread over seeds, in the column's format
                text += " ± " + fmt.format(row[f"{key}_sd"])
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
