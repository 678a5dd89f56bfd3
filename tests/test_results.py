"""aelib.results, and the benchmark results file the last chapter reads."""

import json
import os
import sys

import pytest

import aelib
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
    assert deep["noisy_input_error"] == pytest.approx(11.0) and deep["noisy_input_error_sd"] == pytest.approx(1.0)
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
    assert lines[2] == "| pca | 32 | 11.80 | - |" and lines[3] == "| deep | 32 | 10.00 ± 1.00 | 1.00 ± 0.00 |"
    with pytest.raises(ValueError, match="unknown columns"):
        results.markdown_table(table, columns=("error", "speed"))


def test_load_results_says_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="make benchmark"):
        results.load_results("sample", tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a benchmark results file"):
        results.load_results("sample", bad)
    bad.write_text(json.dumps({"timings": {}}))
    with pytest.raises(ValueError, match="not a benchmark results file"):
        results.load_results("sample", bad)
    bad.write_text(json.dumps({"models": {"rows": []}}))
    with pytest.raises(ValueError, match="no model rows"):
        results.load_results("sample", bad)
    with pytest.raises(ValueError, match="dataset must be one of"):
        results.load_results("fashion")


def test_results_are_read_for_the_data_the_page_runs_on(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "DATA_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"No benchmark results for the full MNIST .*AELIB_MNIST_DIR=.* make benchmark"):
        results.load_results("full")
    full = {"models": {"dataset": "full", "data_source": "local", "rows": [row("pca", 32, 13.0)]}}
    (tmp_path / "benchmark-full.json").write_text(json.dumps(full))
    (tmp_path / "benchmark-sample.json").write_text(json.dumps(full))  # a full run filed as the sample's
    assert results.load_results("full")["models"]["rows"][0]["test_squared_error"] == 13.0
    data = aelib.load_mnist(source="sample", verbose=False)
    with pytest.raises(ValueError, match="measured on the full MNIST, not on the offline sample"):
        results.load_results(data)  # an MNIST says which data it is


@pytest.mark.parametrize("dataset", sorted(results.DATASETS))
def test_the_published_results_cover_what_the_chapter_reports(dataset, monkeypatch):
    """Each committed file comes from a full run on its data and holds every comparison chapter 7 reports."""
    if not results.results_path(dataset).exists():
        pytest.skip(f"no results recorded for {dataset} yet")  # a build on that data fails, saying what to run
    report = results.load_results(dataset)
    models, timings = report["models"], report["timings"]
    assert not models["quick_mode"]
    assert models["n_train"] == {"sample": 8000, "full": 60000}[dataset]
    monkeypatch.setenv("AELIB_QUICK", "0")  # the protocol's epochs, by aelib's rule for this data size
    assert models["epochs"] == aelib.epochs(30, models["n_train"])
    table = results.summary(report)
    for k in (2, 8, 16, 32, 64):
        for family in ("pca", "linear", "vanilla", "deep"):
            results.find(table, family, k)
    results.find(table, "pca", 30)
    assert results.find(table, "pixels")["probe_accuracy"] > 0.8  # the probe's raw-pixel baseline
    headline = (("vanilla", 32, None), ("deep", 32, None), ("hinton", 30, None), ("conv strided", 128, None),
                ("conv dense code", 30, "BCE, Adam + cosine decay"))
    for family, k, recipe in headline:
        assert results.find(table, family, k, recipe=recipe)["seeds"] == len(models["seeds"]) == 3
    classic = {(r["family"], r["recipe"]) for r in table if not r["book_recipe"]}
    assert classic == {("vanilla", "Keras blog: adadelta"), ("vanilla", "adadelta, learning_rate=1.0"),
                       ("deep", "Keras blog: adadelta"), ("conv pooling", "Keras blog: adadelta")}
    trained = [r for r in models["rows"] if r["family"] not in ("pca", "pixels")]
    assert all(r["epochs"] == models["epochs"] for r in trained if r["protocol_epochs"])
    long = [r for r in trained if not r["protocol_epochs"]]
    assert len(long) == 1 and long[0]["family"] == "conv dense code" and long[0]["epochs"] > models["epochs"]
    assert set(models["throughput"]) == {"bare model.fit", "aelib fit_autoencoder"}
    # The quick suite runs on the sample whatever the data: its time is kept with the sample's results.
    if dataset == "sample" and os.environ.get("TIMING_SUITE") != "1":  # run.py may be timing this very run
        assert timings["suite"]["exit_code"] == 0 and "passed" in timings["suite"]["summary"]
    chapters = {p.name for p in chapter_paths()}
    assert set(timings["chapters"]) == chapters, (
        f"chapter times recorded for {sorted(timings['chapters'])}, but the chapters are {sorted(chapters)}: "
        f"after adding or renaming a chapter, time it on {results.DATASETS[dataset]} with "
        "`.venv/bin/python benchmarks/run.py --no-suite --chapters NN` (README, Contributing)")
    failed = {name: c["error"] for name, c in timings["chapters"].items() if not c["ok"]}
    assert not failed, f"chapters that failed when timed: {failed}"
    # run.py counted each chapter's asserts: some ran in quick mode, more or as many in full
    # mode, and on the full MNIST every one (on the sample, those about the paper's data do not).
    for name, chapter in timings["chapters"].items():
        full, quick = chapter.get("checks"), chapter.get("quick_checks")
        assert full and quick, f"{name}: no count of its asserts (rerun benchmarks/run.py)"
        assert 0 < quick["ran"] <= full["ran"] <= full["asserts"], f"{name}: quick {quick}, full {full}"
        if dataset == "full":
            assert full["ran"] == full["asserts"], f"{name}: not every assert ran on the full MNIST: {full}"
    # Written by the code as it is now: a changed recipe or model builder makes the file stale.
    stored = models.get("provenance", {})
    assert stored.get("code_sha256") == results_file.code_hash(files=results_file.CODE_FILES), (
        f"aelib/_data/benchmark-{dataset}.json was written by other benchmark code than this "
        f"({', '.join(results_file.CODE_FILES)} changed since): rerun `make benchmark` on "
        f"{results.DATASETS[dataset]} ({'AELIB_MNIST_DIR=/path/to/mnist' if dataset == 'full' else 'AELIB_MNIST_SOURCE=sample'} "
        "make benchmark) and commit the results")
    assert not stored.get("code_uncommitted"), f"written with uncommitted changes to {stored['code_uncommitted']}"
    assert len(stored.get("commit") or "") == 40 and len(stored.get("data_sha256") or "") == 64
    # The markdown beside it was written from the same file.
    assert (ROOT / "benchmarks" / f"RESULTS-{dataset}.md").read_text() == results_file.markdown(report)


def _constants(tree):
    """Top-level NAME = literal (or = aelib.epochs(N, data): N) assignments of a module."""
    import ast
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call) and ast.unparse(value.func) == "aelib.epochs":
                value = value.args[0]
            try:
                found[node.targets[0].id] = ast.literal_eval(value)
            except ValueError:
                pass
    return found


def test_the_codes_benchmark_uses_chapter_6s_protocol():
    """benchmarks/uses.py (chapter 7's two columns) repeats chapter 6's settings."""
    import ast

    import nbformat
    import margins
    chapter = _constants(ast.parse(margins.chapter_code(nbformat.read(
        ROOT / "chapters" / "06_what_codes_are_for.ipynb", as_version=4))))
    bench = _constants(ast.parse((ROOT / "benchmarks" / "uses.py").read_text()))
    pairs = {"CODE_SIZE": "CODE_SIZE", "TRAINING_SEEDS": "TRAINING_SEEDS", "BATCH_SIZE": "BATCH_SIZE",
             "LEARNING_RATES": "LEARNING_RATES", "DENSE_EPOCHS": "DENSE_EPOCHS_SAMPLE",
             "CONV_EPOCHS": "CONV_EPOCHS_SAMPLE", "GENERAL_EPOCHS": "GENERAL_EPOCHS_SAMPLE", "DRAWS": "DRAWS"}
    for in_chapter, in_bench in pairs.items():
        assert chapter[in_chapter] == bench[in_bench], (in_chapter, chapter.get(in_chapter), bench.get(in_bench))
    assert chapter["LABEL_COUNTS"][0] == bench["LABELS"]


@pytest.mark.parametrize("dataset", sorted(results.DATASETS))
def test_the_codes_columns_are_recorded_and_fresh(dataset):
    """The "uses" section chapter 7 reads: every row it shows, from a full run of uses.py as it is now."""
    import uses
    report = results.load_results(dataset)
    assert "uses" in report, f"no 'uses' section: run benchmarks/uses.py on {results.DATASETS[dataset]}"
    section = report["uses"]
    assert not section["quick_mode"] and section["dataset"] == dataset
    assert section["seeds"] == list(uses.TRAINING_SEEDS) and section["labels"] == uses.LABELS
    assert section["learning_rate"] in uses.LEARNING_RATES
    by_name = {r["model"]: r for r in section["rows"]}
    assert set(by_name) == {"raw pixels (no model)", f"PCA, k = {uses.CODE_SIZE}", *uses.MODELS}
    for name in uses.MODELS:
        assert len(by_name[name]["anomaly_auroc"]) == len(uses.TRAINING_SEEDS)
        per_digit = by_name[name]["anomaly_auroc_per_digit"]
        assert [len(v) for v in per_digit] == [10] * len(uses.TRAINING_SEEDS)
        assert by_name[name]["anomaly_auroc"] == pytest.approx([sum(v) / 10 for v in per_digit])
        assert len(by_name[name]["few_label_accuracy"]) == len(uses.TRAINING_SEEDS) * len(uses.DRAWS)
    assert by_name["convolutional, strided"]["code_size"] == 128
    stored = section["provenance"]
    assert stored["code_sha256"] == results_file.code_hash(files=uses.CODE_FILES), (
        f"the 'uses' section of aelib/_data/benchmark-{dataset}.json was written by other code than this "
        f"({', '.join(uses.CODE_FILES)} changed since): rerun benchmarks/uses.py on "
        f"{results.DATASETS[dataset]} and commit the results")
    assert not stored["code_uncommitted"], stored["code_uncommitted"]
    assert len(stored["commit"] or "") == 40 and len(stored["data_sha256"]) == 64  # chapter 7 checks the data


def test_code_hash_follows_the_code(tmp_path):
    """The provenance hash changes when the code of any file that produces the numbers
    changes, and not when only its comments or docstrings do."""
    for name in results_file.CODE_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text())
    before = results_file.code_hash(tmp_path, files=results_file.CODE_FILES)
    assert before == results_file.code_hash(files=results_file.CODE_FILES)
    models_py = tmp_path / "aelib" / "models.py"
    source = models_py.read_text()
    # Comments, blank lines and docstrings are not code: the stored results stay valid.
    cosmetic = source.replace('"""', '"""Reworded. ', 1).replace("\nimport", "\n# a comment\n\n\nimport", 1)
    assert cosmetic != source
    models_py.write_text(cosmetic)
    assert results_file.code_hash(tmp_path, files=results_file.CODE_FILES) == before
    # A changed default is.
    changed = source.replace('code_activation="relu"', 'code_activation="tanh"', 1)
    assert changed != source
    models_py.write_text(changed)
    assert results_file.code_hash(tmp_path, files=results_file.CODE_FILES) != before
    # So is a change to compare.py, which decides the rows and the protocol.
    models_py.write_text(source)
    compare_py = tmp_path / "benchmarks" / "compare.py"
    compare_py.write_text(compare_py.read_text().replace("LONG_SAMPLE_EPOCHS = 300", "LONG_SAMPLE_EPOCHS = 200"))
    assert results_file.code_hash(tmp_path, files=results_file.CODE_FILES) != before


def test_readme_results_are_written_from_the_results_file():
    """The README's table is the one results_file writes from the stored results (the full
    MNIST's when recorded), never typed by hand."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index(results_file.README_START)
    end = readme.index(results_file.README_END) + len(results_file.README_END) + 1
    report = results_file.readme_report()
    assert readme[start:end] == results_file.readme_block(report), (
        "README.md's results differ from the stored results: run "
        "`.venv/bin/python -c 'import sys; sys.path.insert(0, \"benchmarks\"); import results_file; "
        "results_file.update_readme()'` (make benchmark does it)")
    assert f"**{results.DATASETS[results.dataset_of(report['models'])]}**" in readme[start:end]
