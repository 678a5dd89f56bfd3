"""Where the benchmark's results live, and the markdown table made from them.

Results are kept per dataset ("full" MNIST or the offline "sample"): a full run
writes aelib/_data/benchmark-<dataset>.json (shipped inside aelib, so that the
results chapter can read it anywhere, Colab included) and
benchmarks/RESULTS-<dataset>.md; a quick run (AELIB_QUICK=1) writes to
benchmarks/results/ (not committed), so a smoke run never overwrites the
published figures. compare.py fills the "models" section, run.py the
"timings" section.
"""

import ast
import hashlib
import json
import os
import subprocess
from pathlib import Path

import numpy as np

from aelib import results

ROOT = Path(__file__).resolve().parents[1]
QUICK_DIR = ROOT / "benchmarks" / "results"
# The code that computes one row: the recipes and the aelib modules they use. A
# finished row is cached under a hash of these files and the row's own settings
# (so adding a row to compare.py keeps the others).
ROW_CODE_FILES = ("benchmarks/recipes.py", "aelib/models.py", "aelib/metrics.py", "aelib/baselines.py")
# Everything that decides the numbers of a results file: the row code, compare.py
# (which rows, seeds, recipes and the protocol), the epoch rule and the data loader.
# A results file records a hash of these; tests/test_results.py fails when it differs.
# The data (and the noisy test inputs made from it) are covered by the data hash.
CODE_FILES = ROW_CODE_FILES + ("benchmarks/compare.py", "aelib/config.py", "aelib/data.py")


def code_hash(root=ROOT, files=ROW_CODE_FILES):
    """sha256 over the code of `files`: by default ROW_CODE_FILES (a row's cache
    key); a results file records the hash over CODE_FILES.

    Hashes each file's syntax tree without its docstrings, so a comment, a blank
    line or a reworded docstring does not make the stored results stale; any
    change to what the code does (a statement, a default, a constant) does.
    """
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + _code_only(root / name).encode() + b"\0")
    return digest.hexdigest()


def _code_only(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


def data_hash(data, *extra):
    """sha256 over the images and labels of an aelib.MNIST, in order, and any `extra` arrays."""
    digest = hashlib.sha256()
    for array in (data.x_train, data.y_train, data.x_test, data.y_test, *extra):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def row_key(code_sha256, data_sha256, spec):
    """The cache key of one row: the code, the data and the row's own settings."""
    text = json.dumps({"code": code_sha256, "data": data_sha256, "row": spec}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cache_dir(dataset, quick):
    """Where finished rows are kept: benchmarks/results/cache/, or $AELIB_BENCHMARK_CACHE
    (a folder outside the checkout survives a fresh clone on the same machine)."""
    root = Path(os.environ.get("AELIB_BENCHMARK_CACHE") or QUICK_DIR / "cache")
    return root / (f"{dataset}-quick" if quick else dataset)


def provenance(code_sha256, data_sha256, files=CODE_FILES):
    """Where the numbers come from: the commit, and the hashes of the code (`files`) and the data."""
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except OSError:
            return ""
    dirty = [line[3:] for line in git("status", "--porcelain").splitlines()
             if line[3:] in files]
    return {"commit": git("rev-parse", "HEAD") or None, "code_files": list(files),
            "code_sha256": code_sha256, "code_uncommitted": dirty, "data_sha256": data_sha256}


def paths(dataset, quick):
    """(results JSON, markdown table) for `dataset` ("full" or "sample")."""
    if quick:
        return QUICK_DIR / f"benchmark-{dataset}-quick.json", QUICK_DIR / f"RESULTS-{dataset}-quick.md"
    return results.results_path(dataset), ROOT / "benchmarks" / f"RESULTS-{dataset}.md"


def update(section, data, dataset, quick):
    """Replace one section of `dataset`'s results file and rewrite its markdown table."""
    json_path, md_path = paths(dataset, quick)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(json_path.read_text()) if json_path.exists() else {}
    report[section] = data
    json_path.write_text(json.dumps(report, indent=1) + "\n")
    md_path.write_text(markdown(report))
    if not quick and "models" in report:
        update_readme()
    return json_path, md_path


def _dataset(report):
    if "models" in report:
        return results.dataset_of(report["models"])
    return report["timings"]["dataset"]


def markdown(report):
    """The results as markdown: mean ± sd over seeds for every (model, recipe, code size)."""
    lines = ["# Benchmark results", "",
             "Written by `make benchmark` (benchmarks/compare.py and benchmarks/run.py); "
             "the book's last chapter reads the same figures from aelib/_data/benchmark-"
             f"{_dataset(report)}.json.", ""]
    models = report.get("models")
    if models:
        lines += [f"Data: **{models['data_source_description']}**. {models['epochs']} epochs, batches of "
                  f"{models['batch_size']} (the Keras blog's recipes: {models['classic_batch_size']}), {models['machine']}, TensorFlow {models['tensorflow']}, "
                  f"Keras {models['keras']}; run on {models['date']}; "
                  f"{sum(r['train_seconds'] or 0 for r in models['rows']) / 60:.0f} min of training in all.", "",
                  "Test error: squared error summed over the 784 pixels of a test image, averaged over "
                  "the test images (pixels in [0, 1]); mean ± sd over seeds. Noisy-input error: the same, "
                  f"when the model is fed test images with Gaussian noise (sd {models['noise_sd']}). "
                  "Probe: test accuracy of a logistic regression fitted on the codes of "
                  f"{models['probe_train_images']:,} training images.", "",
                  results.markdown_table(results.summary(report), columns=tuple(results.COLUMNS)).rstrip(),
                  "", "Training throughput of the vanilla autoencoder (images/s, median of "
                  f"{len(models['throughput']['bare model.fit'])} alternating runs):", ""]
        for label, values in models["throughput"].items():
            lines.append(f"- {label}: {int(np.median(values)):,}")
    uses = report.get("uses")
    if uses:
        lines += ["", "What the codes are for (benchmarks/uses.py, chapter 6's protocol; learning rate "
                  f"{uses['learning_rate']:g}, chosen on validation images): anomaly AUROC, mean over the ten "
                  f"normal digits, ± sd over {len(uses['seeds'])} seeds; {uses['labels']}-label accuracy of a "
                  f"logistic regression on the frozen codes, ± sd over seeds × {uses['draws']} draws.", "",
                  "| model | k | anomaly AUROC (%) | " f"{uses['labels']}-label accuracy (%) |", "|---|---:|---:|---:|"]
        lines += [f"| {r['model']} | {r['code_size']} | {results.percent(r['anomaly_auroc'])} | "
                  f"{results.percent(r['few_label_accuracy'])} |" for r in uses["rows"]]
    timings = report.get("timings")
    if timings:
        lines += ["", f"Times ({timings['machine']}):", ""]
        if "suite" in timings:
            suite = timings["suite"]
            lines.append(f"- quick test suite (`make test`'s pytest run): {suite['seconds']:.0f} s ({suite['summary']})")
        for name, chapter in sorted(timings["chapters"].items()):
            lines.append(f"- {name}, full mode: {chapter['seconds']:.0f} s"
                         + ("" if chapter["ok"] else f" (FAILED: {chapter['error']})") + _checks(chapter))
    return "\n".join(lines) + "\n"


def _checks(chapter):
    """How many of the chapter's asserts ran, in full and in quick mode (run.py counts them)."""
    full, quick = chapter.get("checks"), chapter.get("quick_checks")
    if not full:
        return ""
    text = f"; asserts that ran: {full['ran']} of {full['asserts']} in full mode"
    if quick:
        text += f", {quick['ran']} of {quick['asserts']} in quick mode"
    return text


# --- the README's "Results at a glance", written from a results file ------------

README = ROOT / "README.md"
README_START, README_END = "<!-- results: written by benchmarks/results_file.py -->", "<!-- results: end -->"
# (label, family, code size, recipe or None for the book's one recipe at that size)
README_ROWS = (
    ("vanilla 784-32-784, Adam, batch 64", "vanilla", 32, "BCE, Adam"),
    ("same network, Keras blog recipe (`optimizer='adadelta'`, batch 256)", "vanilla", 32, "Keras blog: adadelta"),
    ("same, `Adadelta(learning_rate=1.0)`", "vanilla", 32, "adadelta, learning_rate=1.0"),
    ("deep 784-128-64-2", "deep", 2, None),
    ("Hinton & Salakhutdinov's 784-1000-500-250-30, end to end", "hinton", 30, None),
    ("deep 784-512-256-30, cosine learning-rate decay", "deep 512-256", 30, "BCE, Adam + cosine decay"),
    ("conv encoder/decoder, dense 30-d code, cosine decay", "conv dense code", 30, "BCE, Adam + cosine decay"),
    ("the same, a longer recipe of its own", "conv dense code", 30, "long"),
    ("strided conv + Conv2DTranspose", "conv strided", 128, None),
)


def readme_block(report):
    """The README's results section (markdown), from one results file."""
    models, table = report["models"], results.summary(report)
    dataset = results.dataset_of(models)
    timings = report.get("timings", {})

    def pick(family, k, recipe):
        rows = [r for r in table if r["family"] == family and r["code_size"] == k]
        if recipe == "long":  # the row on a longer recipe of its own: its recipe names its epochs
            rows = [r for r in rows if "epochs" in r["recipe"]]
        elif recipe is not None:
            rows = [r for r in rows if r["recipe"] == recipe]
        if len(rows) != 1:
            raise KeyError(f"README row {family!r} k={k} recipe={recipe!r}: {len(rows)} rows in the results")
        return rows[0]

    def error(row):
        return f"{row['error']:.2f}" + (f" ± {row['error_sd']:.2f}" if row["error_sd"] is not None else "")

    lines = [README_START,
             f"From the last `make benchmark` run on **{results.DATASETS[dataset]}** "
             f"({models['n_train']:,} training / {models['n_test']:,} test images), "
             f"[benchmarks/RESULTS-{dataset}.md](benchmarks/RESULTS-{dataset}.md) and chapter 7 have every row. "
             f"Every model trained for {models['epochs']} epochs (one row: a longer recipe of its own, said so), "
             f"{models['machine']}, {models['date']}. The metric is the per-image squared error on the "
             "test images (Hinton & Salakhutdinov's); lower is better; ± is the standard deviation over "
             "three seeds.", "",
             "| model | code size | test error | PCA at the same size | ratio |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for label, family, k, recipe in README_ROWS:
        row, pca = pick(family, k, recipe), pick("pca", k, None)
        if recipe == "long":
            label += f" ({row['recipe']})"
        lines.append(f"| {label} | {k} | {error(row)} | {pca['error']:.2f} | {row['error'] / pca['error']:.2f} |")
    lines += ["", "Hinton & Salakhutdinov (2006) report 3.00 (autoencoder) / 8.01 (logistic PCA) / "
              "13.87 (PCA) for 30-d codes on the full MNIST."]
    chapters = timings.get("chapters", {})
    if chapters:
        times = ", ".join(f"{c['seconds']:.0f}" for _, c in sorted(chapters.items()))
        when = timings.get("date", "a run before dates were recorded")
        lines += ["", f"Chapter times in full mode on this data (`benchmarks/run.py`, {timings['machine']}, "
                  f"{when}), chapters 1-{len(chapters)}: {times} s."]
        if "suite" in timings:
            lines[-1] += f" The quick test suite: {timings['suite']['seconds']:.0f} s."
    lines.append(README_END)
    return "\n".join(lines) + "\n"


def readme_report():
    """The results the README shows: the full MNIST's when recorded, else the sample's."""
    for dataset in ("full", "sample"):
        if results.results_path(dataset).exists():
            return results.load_results(dataset)
    raise FileNotFoundError("no benchmark results recorded: run `make benchmark`")


def update_readme():
    text = README.read_text()
    start, end = text.index(README_START), text.index(README_END) + len(README_END) + 1
    README.write_text(text[:start] + readme_block(readme_report()) + text[end:])
