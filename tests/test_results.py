"""aelib.results, and the benchmark results file the last chapter reads."""

import json
import os
import sys

import pytest

from aelib import results
from helpers import ROOT, chapter_paths

sys.path.insert(0, str(ROOT / "benchmarks"))
import results_file  # noqa: E402


def row(family, k, error, seed=42, book=True, recipe="BCE, Adam", model=None):
    return {"model": model or family, "family": family, "recipe": recipe, "book_recipe": book,
            "code_size": k, "params": 10 * k, "seed": seed, "test_squared_error": error, "test_bce": 0.1,
            "noisy_input_error": error + 1, "probe_accuracy": 0.5, "seconds_per_epoch": None if family == "pca" else 1.0}


def test_summary_averages_seeds_and_keeps_recipes_apart():
    report = {"models": {"rows": [row("pca", 32, 11.8), row("deep", 32, 9.0, seed=42), row("deep", 32, 10.0, seed=43),
                                  row("deep", 32, 11.0, seed=44),
                                  row("deep", 32, 50.0, book=False, recipe="Keras blog: adadelta")]}}
    table = results.summary(report)
    assert [(r["family"], r["seeds"]) for r in table] == [("pca", 1), ("deep", 3), ("deep", 1)]
    deep = results.find(table, "deep", 32)
    assert deep["error"] == pytest.approx(10.0) and deep["error_sd"] == pytest.approx(1.0)
    assert deep["noisy_input_error"] == pytest.approx(11.0)
    assert results.find(table, "deep", 32, book_recipe=False)["error"] == 50.0
    assert results.find(table, "pca", 32)["error_sd"] is None
    with pytest.raises(KeyError, match="0 rows for family='conv'"):
        results.find(table, "conv")
    with pytest.raises(KeyError, match="2 rows for family='deep'"):
        results.find([*table, {**deep, "recipe": "other"}], "deep", 32)
    assert results.find(table, "deep", recipe="Keras blog: adadelta", book_recipe=False)["error"] == 50.0
    text = results.markdown_table(table, columns=("model", "k", "error", "s/epoch"))
    lines = text.splitlines()
    assert lines[0] == "| model | k | test error | s / epoch |" and lines[1] == "|---|---:|---:|---:|"
    assert lines[2] == "| pca | 32 | 11.80 | - |" and lines[3] == "| deep | 32 | 10.00 ± 1.00 | 1.00 |"
    with pytest.raises(ValueError, match="unknown columns"):
        results.markdown_table(table, columns=("error", "speed"))


def test_load_results_says_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="make benchmark"):
        results.load_results(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a benchmark results file"):
        results.load_results(bad)
    bad.write_text(json.dumps({"timings": {}}))
    with pytest.raises(ValueError, match="not a benchmark results file"):
        results.load_results(bad)
    bad.write_text(json.dumps({"models": {"rows": []}}))
    with pytest.raises(ValueError, match="no model rows"):
        results.load_results(bad)


def test_the_published_results_cover_what_the_chapter_reports():
    """The committed file comes from a full run and holds every comparison the issue asks for."""
    report = results.load_results()
    models, timings = report["models"], report["timings"]
    assert not models["quick_mode"] and models["n_train"] >= 8000 and models["data_source"] in ("sample", "keras")
    table = results.summary(report)
    for k in (2, 8, 16, 32, 64):
        for family in ("pca", "linear", "vanilla", "deep"):
            results.find(table, family, k)
    results.find(table, "pca", 30)
    for family, k in (("vanilla", 32), ("deep", 32), ("hinton", 30), ("conv strided", 128)):
        assert results.find(table, family, k)["seeds"] == len(models["seeds"]) == 3
    classic = {(r["family"], r["recipe"]) for r in table if not r["book_recipe"]}
    assert classic == {("vanilla", "Keras blog: adadelta"), ("vanilla", "adadelta, learning_rate=1.0"),
                       ("deep", "Keras blog: adadelta"), ("conv pooling", "Keras blog: adadelta")}
    assert all(r["epochs"] == models["epochs"] for r in models["rows"] if r["family"] != "pca")
    assert set(models["throughput"]) == {"bare model.fit", "aelib fit_autoencoder"}
    if os.environ.get("TIMING_SUITE") != "1":  # benchmarks/run.py is timing this very run
        assert timings["suite"]["exit_code"] == 0 and "passed" in timings["suite"]["summary"]
    assert set(timings["chapters"]) == {p.name for p in chapter_paths()}
    # The markdown beside it was written from the same file.
    assert (ROOT / "benchmarks" / "RESULTS.md").read_text() == results_file.markdown(report)
