"""The margins of the chapters' claims over training seeds (benchmarks/margins.py).

Every assert in a chapter must have been measured, on both data sources, and
must hold there: pass on every seed, with a mean margin larger than its spread
over seeds. A near tie stated as a win fails here; the page must call it a tie.
"""

import ast
import json
import sys

import nbformat
import pytest

from helpers import ROOT, chapter_paths

sys.path.insert(0, str(ROOT / "benchmarks"))
import margins  # noqa: E402

DATASETS = ("sample", "full")


def assert_sources(path):
    """The chapter's asserts, as margins.py records them, in the order they compile."""
    found = [node for node in ast.walk(ast.parse(margins.chapter_code(nbformat.read(path, as_version=4))))
             if isinstance(node, ast.Assert)]
    return [ast.unparse(node.test) for node in sorted(found, key=lambda n: (n.lineno, n.col_offset))]


def measured(dataset):
    path = margins.MARGINS_DIR / f"{dataset}.json"
    if not path.exists():
        pytest.fail(f"{path} is missing: run benchmarks/margins.py on the {dataset} data")
    return json.loads(path.read_text())["chapters"]


@pytest.mark.parametrize("path", chapter_paths(), ids=lambda p: p.name[:2])
def test_every_claim_was_measured_on_both_data_sources_and_holds(path):
    current = assert_sources(path)
    one_run = path.name[:2] in margins.UNSHIFTED_ONLY
    ran_somewhere = set()
    for dataset in DATASETS:
        records = measured(dataset).get(path.name)
        assert records, f"{path.name} was never measured on the {dataset} data: run benchmarks/margins.py"
        rerun = (f"rerun benchmarks/margins.py on the {dataset} data "
                 f"({'AELIB_MNIST_SOURCE=sample' if dataset == 'sample' else 'AELIB_MNIST_DIR=...'})")
        assert records["code"] == margins.code_hash(nbformat.read(path, as_version=4)), (
            f"{path.name} or the aelib files it computes with changed since it was measured: {rerun}")
        summary = margins.summarise(records)
        assert [e["source"] for e in summary] == current, f"{path.name}'s asserts changed: {rerun}"
        shifts = sorted(int(s) for s in records["runs"])
        if one_run:
            assert shifts == [0], shifts
        else:  # seeds no claim was written against
            assert len(shifts) >= 3 and 0 not in shifts and set(shifts) >= set(margins.SHIFTS), shifts
        for entry in summary:
            verdict = margins.verdict(entry, one_run)
            assert verdict in ("holds", "passed (one run)", "not run"), (dataset, verdict, entry)
            if verdict != "not run":
                assert entry["seeds"] == len(shifts), (dataset, entry)
                ran_somewhere.add((entry["index"], entry["source"]))
    never = [s for s in enumerate(current) if s not in ran_somewhere]
    assert not never, f"asserts that ran on neither data source in full mode: {never}"


def test_verdicts_follow_the_rule():
    def entry(gaps, passed=True):
        return {"seeds": len(gaps), "passed": passed, "numeric": True, "comparisons": [
            {"gap": sum(gaps) / len(gaps), "spread": max(gaps) - min(gaps)}]}
    assert margins.verdict(entry([0.20, 0.25, 0.30])) == "holds"     # 0.25 > 0.10
    assert margins.verdict(entry([0.01, 0.09, 0.05])) == "near tie"  # 0.05 < 0.08
    assert margins.verdict(entry([0.1, 0.2, -0.01], passed=False)) == "failed"
    assert margins.verdict(entry([0.01, 0.09, 0.05]), one_run=True) == "passed (one run)"
    assert margins.verdict({"seeds": 0, "passed": True, "comparisons": []}) == "not run"
    assert margins.verdict({"seeds": 3, "passed": True, "comparisons": []}) == "holds"
    # One near-tied comparison makes the whole claim a near tie.
    two = entry([0.20, 0.25, 0.30])
    two["comparisons"].append({"gap": 0.05, "spread": 0.08})
    assert margins.verdict(two) == "near tie"


@pytest.mark.slow
def test_the_recorder_notes_margins_without_stopping_at_a_failed_assert(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import random\nrandom.seed(7)\nx = 2.0",
        "assert x < 4, 'a claim'\nassert x > 3\nfor v in (1.0, 3.0):\n    assert v < 2 * x\n"
        "assert all(a < 10 for a in [1, 5]) and x == 2.0\nassert 'a' == 'a'",
    )]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    run = margins.run_chapter(path, shift=1000)
    assert run["error"] is None, run
    claims = {c["source"]: c for c in run["claims"]}
    (below,) = claims["x < 4"]["comparisons"]
    assert claims["x < 4"]["passed"] and below["gap"] == pytest.approx(2.0) and below["scale"] == 4.0
    (above,) = claims["x > 3"]["comparisons"]
    assert not claims["x > 3"]["passed"] and above["gap"] == pytest.approx(-1.0)
    loop = claims["v < 2 * x"]
    assert loop["evaluations"] == 2 and loop["comparisons"][0]["gap"] == pytest.approx(1.0)  # min(3, 1)
    mixed = claims["all((a < 10 for a in [1, 5])) and x == 2.0"]
    assert mixed["numeric"] is False and [c["gap"] for c in mixed["comparisons"]] == [5.0]
    assert claims["'a' == 'a'"]["passed"] and claims["'a' == 'a'"]["comparisons"] == []
    assert [c["source"] for c in run["claims"]] == assert_sources(path)
    assert margins.shift_seeds("keras.utils.set_random_seed(42)\naelib.setup(seed=0)", 1000) == (
        "keras.utils.set_random_seed(1042)\naelib.setup(seed=1000)")
    # The summary over runs: per comparison, the mean gap and its spread.
    records = {"runs": {"1": run, "2": {**run, "claims": [
        {**c, "comparisons": [{**k, "gap": k["gap"] + 1 if k["gap"] is not None else None}
                              for k in c["comparisons"]]} for c in run["claims"]]}}}
    first = margins.summarise(records)[0]
    assert first["comparisons"][0]["gap"] == pytest.approx(2.5) and first["comparisons"][0]["spread"] == 1.0


def test_the_code_hash_ignores_prose_but_not_parameters():
    def notebook(*sources):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
        return nb
    base = margins.code_hash(notebook('model.compile(loss="mse")\nprint(f"error {e:.2f} with chapter 6")'))
    # A sentence for the reader, a comment or a format's prose: the same hash.
    assert base == margins.code_hash(notebook(
        'model.compile(loss="mse")  # why\nprint(f"error {e:.2f} with chapter 7")'))
    # A parameter, a format spec or a value: another hash.
    for changed in ('model.compile(loss="mae")\nprint(f"error {e:.2f} with chapter 6")',
                    'model.compile(loss="mse")\nprint(f"error {e:.3f} with chapter 6")',
                    'model.compile(loss="mse")\nprint(f"error {e + 1:.2f} with chapter 6")'):
        assert margins.code_hash(notebook(changed)) != base, changed

def test_aelib_codes_counts_only_for_the_chapters_that_use_it(monkeypatch):
    def notebook(source):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source)]
        return nb
    uses, other = notebook("aelib.codes.restart(m, w)"), notebook("aelib.models.reconstruct(m, x)")
    before = margins.code_hash(uses), margins.code_hash(other)
    monkeypatch.setattr(margins, "CHAPTER_AELIB_FILES", {"codes": "aelib/checks.py"})  # other content
    assert margins.code_hash(uses) != before[0]
    assert margins.code_hash(other) == before[1]


def test_training_seeds_are_shifted():
    source = "TRAINING_SEEDS = (42, 43, 44)\nDRAWS = (0, 1, 2)\nkeras.utils.set_random_seed(TRAINING_SEEDS[0])\n"
    shifted = margins.shift_seeds(source, 3000)
    assert "TRAINING_SEEDS = (3042, 3043, 3044)" in shifted and "DRAWS = (0, 1, 2)" in shifted
    assert margins.shift_seeds("keras.utils.set_random_seed(42)", 3000) == "keras.utils.set_random_seed(3042)"
