"""Where the benchmark's results live, and the markdown table made from them.

Results are kept per dataset ("full" MNIST or the offline "sample"): a full run
writes aelib/_data/benchmark-<dataset>.json (shipped inside aelib, so that the
results chapter can read it anywhere, Colab included) and
benchmarks/RESULTS-<dataset>.md; a quick run (AELIB_QUICK=1) writes to
benchmarks/results/ (not committed), so a smoke run never overwrites the
published figures. compare.py fills the "models" section, run.py the
"timings" section.
"""

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np

from aelib import results

ROOT = Path(__file__).resolve().parents[1]
QUICK_DIR = ROOT / "benchmarks" / "results"
# The code that produces the numbers: the recipes and the aelib modules they use.
# (compare.py only lists which rows to run, so adding a row keeps the others.)
# The data (and the noisy test inputs made from it) are covered by the data hash.
CODE_FILES = ("benchmarks/recipes.py", "aelib/models.py", "aelib/metrics.py", "aelib/baselines.py")


def code_hash(root=ROOT):
    """sha256 over the files that produce the benchmark's numbers (CODE_FILES)."""
    digest = hashlib.sha256()
    for name in CODE_FILES:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()


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
    return QUICK_DIR / "cache" / (f"{dataset}-quick" if quick else dataset)


def provenance(code_sha256, data_sha256):
    """Where the numbers come from: the commit, and the hashes of the code and the data."""
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except OSError:
            return ""
    dirty = [line[3:] for line in git("status", "--porcelain").splitlines()
             if line[3:] in CODE_FILES]
    return {"commit": git("rev-parse", "HEAD") or None, "code_files": list(CODE_FILES),
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
                  f"Keras {models['keras']}; run on {models['date']} in {models['total_seconds'] / 60:.0f} min.", "",
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
    timings = report.get("timings")
    if timings:
        lines += ["", f"Times ({timings['machine']}):", ""]
        if "suite" in timings:
            suite = timings["suite"]
            lines.append(f"- quick test suite (`make test`'s pytest run): {suite['seconds']:.0f} s ({suite['summary']})")
        for name, chapter in sorted(timings["chapters"].items()):
            lines.append(f"- {name}, full mode: {chapter['seconds']:.0f} s"
                         + ("" if chapter["ok"] else f" (FAILED: {chapter['error']})"))
    return "\n".join(lines) + "\n"
