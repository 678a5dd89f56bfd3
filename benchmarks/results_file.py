"""Where the benchmark's results live, and the markdown table made from them.

Results are kept per dataset ("full" MNIST or the offline "sample"): a full run
writes aelib/_data/benchmark-<dataset>.json (shipped inside aelib, so that the
results chapter can read it anywhere, Colab included) and
benchmarks/RESULTS-<dataset>.md; a quick run (AELIB_QUICK=1) writes to
benchmarks/results/ (not committed), so a smoke run never overwrites the
published figures. compare.py fills the "models" section, run.py the
"timings" section.
"""

import json
from pathlib import Path

import numpy as np

from aelib import results

ROOT = Path(__file__).resolve().parents[1]
QUICK_DIR = ROOT / "benchmarks" / "results"


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
