"""Measure the margin of every claim the chapters assert, over training seeds.

Usage:
    python benchmarks/margins.py                   # chapters 01-07, seed shifts 3000 4000 5000
    python benchmarks/margins.py --chapters 02 --shifts 3000 4000

A claim such as "the deep autoencoder's error is below 0.9 times PCA's" is an
assert in a chapter's Checks. Run once, it passes or fails; whether it would
pass again with other initial weights is what this script measures. It runs
each chapter in full mode (with nbclient, as the book build does) once per
seed shift, with every training seed of the chapter shifted by the same amount
(``keras.utils.set_random_seed(42)`` becomes ``(3042)`` for shift 3000, and
``TRAINING_SEEDS = (42, 43)`` becomes ``(3042, 3043)``; the data, its
validation split, the test noise and the few seeds given to numpy directly
stay as they are), on whatever data ``aelib.load_mnist()``
finds. Run it once on the offline sample (AELIB_MNIST_SOURCE=sample) and once
on the full MNIST (AELIB_MNIST_DIR=...). The shifts are ones no claim was
written against (see SHIFTS).

While a chapter runs, an extra first cell rewrites its asserts as IPython
compiles them: an assert no longer stops the chapter (so every claim is seen
on every seed), and each comparison in it (<, <=, >, >=) records its *gap*, how
far it passes in its own units (``b - a`` for ``a < b``; negative if it fails),
the smallest over the evaluations of one run (an assert in a loop is evaluated
once per item). Over the seed shifts a comparison has a mean gap and a
*spread* (largest minus smallest gap). A claim made of comparisons joined by
``and`` or inside ``all(...)`` is kept as stated only if it passes on every
shift and each of its comparisons has a mean gap larger than its spread. How
strict that is, with three shifts and normally distributed gaps (simulated,
200,000 draws each): a claim that a new seed would break one time in six is kept
27 % of the time, one broken one time in 40 is kept 64 %, and one broken one
time in 700 is kept 89 %. Any other assert (equal architectures, a
boolean, ``np.allclose``) must pass on every shift. Claims made only in prose,
with no assert, are not measured. tests/test_margins.py checks all this, and
that the chapter's code and the aelib files it computes with (AELIB_FILES, and
CHAPTER_AELIB_FILES for the chapters that use them) are the ones measured;
benchmarks/MARGINS.md lists every claim.

Chapter 7 runs once, unshifted: its Checks retrain one benchmark row with the
benchmark's own seed and compare the result with the recorded row, and its
comparisons are between benchmark rows, whose seeds benchmarks/compare.py ran
(the chapter asserts that the three-seed rows' gaps to PCA exceed twice their
standard deviation over seeds). Its asserts must pass; they get no spread.

Results: benchmarks/margins/<dataset>.json (written after every run, so an
interrupted run resumes where it stopped: a chapter whose code is unchanged is
not run again for a shift it already has), and benchmarks/MARGINS.md.
About 31 minutes on the sample and 43 on the full MNIST, on 2 cores (chapter 6 alone:
about 11 and 15).
"""

import argparse
import ast
import copy
import datetime
import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat
import results_file
import run

import aelib

ROOT = Path(__file__).resolve().parents[1]
MARGINS_DIR = ROOT / "benchmarks" / "margins"
REPORT = ROOT / "benchmarks" / "MARGINS.md"
EXECUTED_DIR = ROOT / "_build" / "run"  # the unshifted runs, kept for reading or rendering
CHAPTERS = ("01", "02", "03", "04", "05", "06", "07")
# Seed shifts that no claim was written against: the book's own seeds are shift 0,
# and shifts 1000 and 2000 were used once (2026-11-27) to find near ties and
# restate three claims, so they would confirm what they shaped.
SHIFTS = (3000, 4000, 5000)
# aelib's files that decide a chapter's numbers (besides the chapter's own code).
AELIB_FILES = ("aelib/models.py", "aelib/metrics.py", "aelib/baselines.py", "aelib/config.py",
               "aelib/data.py", "aelib/checks.py")
# ... and those that count only for the chapters that use them.
CHAPTER_AELIB_FILES = {"codes": "aelib/codes.py"}
UNSHIFTED_ONLY = ("07",)  # see the docstring
SEED_CALL = re.compile(r"(set_random_seed\(\s*|aelib\.setup\(\s*seed\s*=\s*)(\d+)")
SEED_TUPLE = re.compile(r"^(\s*TRAINING_SEEDS\s*=\s*\()([\d,\s]*)\)", re.MULTILINE)

# The extra first cell. _aelib_cmp evaluates one comparison and notes its two
# sides when both are numbers; _aelib_claim notes whether an assert held.
RECORD_CLAIMS = r'''
import ast as _ast, json as _json, math as _math, operator as _operator
_aelib_claims = {}
_AELIB_OPS = {"Lt": _operator.lt, "LtE": _operator.le, "Gt": _operator.gt,
              "GtE": _operator.ge}
def _aelib_cmp(number, k, op, left, right):
    result = _AELIB_OPS[op](left, right)
    try:
        a, b = float(left), float(right)
    except (TypeError, ValueError):
        return result
    if _math.isfinite(a) and _math.isfinite(b):
        gap = (b - a) if op in ("Lt", "LtE") else (a - b)  # in the claim's own units
        seen = _aelib_claims[number]["comparisons"][k]
        if seen["gap"] is None or gap < seen["gap"]:  # the closest call of this run
            seen.update(gap=gap, scale=max(abs(a), abs(b)))
    return result
def _aelib_claim(number, outcome):
    claim = _aelib_claims[number]
    claim["evaluations"] += 1
    claim["passed"] = claim["passed"] and bool(outcome)
class _AelibRecordClaims(_ast.NodeTransformer):
    def visit_Assert(self, node):
        number = len(_aelib_claims)
        self._number, self._claim = number, {
            "source": _ast.unparse(node.test), "numeric": _aelib_numeric(node.test),
            "evaluations": 0, "passed": True, "comparisons": []}
        _aelib_claims[number] = self._claim
        test = self.visit(node.test)
        call = _ast.Call(_ast.Name("_aelib_claim", _ast.Load()),
                         [_ast.Constant(number), test], [])
        return _ast.copy_location(_ast.Expr(call), node)
    def visit_Compare(self, node):
        self.generic_visit(node)
        terms = [node.left] + node.comparators
        pairs = []
        for i, op in enumerate(node.ops):
            name = type(op).__name__
            if name not in ("Lt", "LtE", "Gt", "GtE"):
                pairs.append(_ast.Compare(terms[i], [op], [terms[i + 1]]))
                continue
            k = len(self._claim["comparisons"])
            self._claim["comparisons"].append({
                "source": _ast.unparse(_ast.Compare(terms[i], [op], [terms[i + 1]])),
                "gap": None, "scale": None})
            pairs.append(_ast.Call(_ast.Name("_aelib_cmp", _ast.Load()),
                                   [_ast.Constant(self._number), _ast.Constant(k),
                                    _ast.Constant(name), terms[i], terms[i + 1]], []))
        new = pairs[0] if len(pairs) == 1 else _ast.BoolOp(_ast.And(), pairs)
        return _ast.copy_location(new, node)
def _aelib_numeric(test):
    # True for comparisons (<, <=, >, >=) joined by and, or inside all(...)
    if isinstance(test, _ast.Compare):
        return all(type(op).__name__ in ("Lt", "LtE", "Gt", "GtE") for op in test.ops)
    if isinstance(test, _ast.BoolOp) and isinstance(test.op, _ast.And):
        return all(_aelib_numeric(v) for v in test.values)
    if (isinstance(test, _ast.Call) and isinstance(test.func, _ast.Name)
            and test.func.id == "all" and len(test.args) == 1
            and isinstance(test.args[0], (_ast.GeneratorExp, _ast.ListComp))):
        gen = test.args[0]
        return _aelib_numeric(gen.elt) and not any(c.ifs for c in gen.generators)
    return False
class _AelibAsserts(_ast.NodeTransformer):
    def visit_Assert(self, node):
        return _AelibRecordClaims().visit_Assert(node)
get_ipython().ast_transformers.append(_AelibAsserts())
'''
REPORT_CLAIMS = 'print("AELIB_CLAIMS", _json.dumps(list(_aelib_claims.values())))'


def shift_seeds(source, shift):
    """The cell's source with every training seed shifted by `shift`: literal seeds
    of the calls SEED_CALL matches, and every number of a ``TRAINING_SEEDS = (...)``
    line (a chapter that trains one model per seed in a loop)."""
    source = SEED_CALL.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + shift}", source)
    return SEED_TUPLE.sub(lambda m: m.group(1) + re.sub(
        r"\d+", lambda n: str(int(n.group(0)) + shift), m.group(2)) + ")", source)


def chapter_code(nb):
    """A chapter's code cells as one Python module (IPython magics left out)."""
    return "\n".join(line for cell in nb.cells if cell.cell_type == "code"
                     for line in cell.source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


class _DropProse(ast.NodeTransformer):
    """Blanks every string constant with a space in it: text for the reader (a
    printed sentence, a title, a label), like the markdown cells and comments. A
    string without a space can set a computation (a loss, an activation, a
    padding) and counts. The asserts' own text is compared on its own
    (tests/test_margins.py)."""

    def visit_Constant(self, node):
        if isinstance(node.value, str) and " " in node.value:
            return ast.copy_location(ast.Constant(""), node)
        return node


def code_hash(nb):
    """Hash of what decides a chapter's numbers: its code (syntax trees, without
    comments and prose strings, see _DropProse) and the aelib files it computes
    with. A chapter whose hash differs from the recorded one must be measured
    again (tests/test_margins.py)."""
    code = chapter_code(nb)
    tree = _DropProse().visit(ast.parse(code))
    digest = hashlib.sha256(ast.dump(tree).encode())
    used = tuple(f for module, f in CHAPTER_AELIB_FILES.items() if f"aelib.{module}" in code)
    digest.update(results_file.code_hash(files=AELIB_FILES + used).encode())
    return digest.hexdigest()[:16]


def run_chapter(path, shift, save_in=None, snapshot=None):
    """Execute one chapter in full mode with its seeds shifted; return its claims.
    `snapshot`: the chapter as read when its measurement began (so that an edit
    made meanwhile cannot mix two versions in one measurement)."""
    nb = copy.deepcopy(snapshot) if snapshot is not None else nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = shift_seeds(cell.source, shift)
    seconds, error, printed = run.execute_instrumented(nb, path, RECORD_CLAIMS, REPORT_CLAIMS,
                                                       save_in=save_in)
    return {"seconds": round(seconds, 1), "error": error,
            "claims": run.tagged(printed, "AELIB_CLAIMS")}


def summarise(records):
    """One entry per assert of one chapter on one dataset, over its seed shifts:
    whether it passed on each, and for each of its comparisons the gap (mean over
    seeds, in the comparison's own units), the spread of the gap over seeds, the
    closest seed, and the mean gap relative to the larger side (for reading)."""
    runs = [r for r in records["runs"].values() if r["claims"] is not None]
    if not runs:
        return []
    summary = []
    for index, claim in enumerate(runs[0]["claims"]):
        seen = [r["claims"][index] for r in runs if index < len(r["claims"])
                and r["claims"][index]["source"] == claim["source"]]
        ran = [c for c in seen if c["evaluations"]]
        entry = {"index": index, "source": claim["source"], "numeric": claim["numeric"],
                 "seeds": len(ran), "passed": all(c["passed"] for c in ran), "comparisons": []}
        if claim["numeric"] and ran:
            for k, comparison in enumerate(claim["comparisons"]):
                gaps = [c["comparisons"][k]["gap"] for c in ran]
                if any(g is None for g in gaps):
                    continue  # not evaluated on some seed (short-circuited)
                scales = [c["comparisons"][k]["scale"] for c in ran]
                mean = sum(gaps) / len(gaps)
                entry["comparisons"].append({
                    "source": comparison["source"], "gap": mean, "spread": max(gaps) - min(gaps),
                    "worst": min(gaps), "relative": mean / (sum(scales) / len(scales) or 1.0)})
        summary.append(entry)
    return summary


def verdict(entry, one_run=False):
    """holds / near tie / failed / not run / passed (one run), by the rule in this
    module's docstring: every comparison of a numeric claim must have a mean gap
    larger than its spread over seeds."""
    if not entry["seeds"]:
        return "not run"
    if not entry["passed"]:
        return "failed"
    if one_run:
        return "passed (one run)"
    if any(c["gap"] <= c["spread"] for c in entry["comparisons"]):
        return "near tie"
    return "holds"


def write_report():
    """benchmarks/MARGINS.md from every dataset's results."""
    lines = ["# Margins of the chapters' claims over training seeds", "",
             "Written by `benchmarks/margins.py` (its docstring gives the method); checked by",
             "`tests/test_margins.py`. For each comparison in an assert: *gap*, how far it passes",
             "in its own units (`b - a` for `a < b`), the mean over the seed shifts; *spread*, the",
             "largest minus the smallest gap over the shifts; *worst*, the smallest gap;",
             "*relative*, the mean gap over the larger side. A claim holds if it passed on every",
             "shift and each of its comparisons has a gap larger than its spread. Asserts that are",
             "not comparisons must pass on every shift.", ""]
    for path in sorted(MARGINS_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        lines += [f"## {data['dataset']} ({data['data']})", ""]
        counts = {}
        rows = []
        for chapter, records in sorted(data["chapters"].items()):
            shifts = sorted(int(s) for s in records["runs"])
            seconds = sum(r["seconds"] for r in records["runs"].values())
            one_run = chapter[:2] in UNSHIFTED_ONLY
            note = " (one run: its comparisons are of benchmark rows; see margins.py)" if one_run else ""
            rows.append(f"\n### {chapter}: seed shifts {shifts}, {seconds:.0f} s in all{note}\n")
            rows.append("| assert / comparison | gap | spread | worst | relative | verdict |")
            rows.append("|---|---|---|---|---|---|")
            for entry in summarise(records):
                v = verdict(entry, one_run)
                counts[v] = counts.get(v, 0) + 1
                rows.append(f"| `{_cell(entry['source'])}` | | | | | {v} |")
                for c in entry["comparisons"]:
                    rows.append(f"| &nbsp;&nbsp;`{_cell(c['source'])}` | {c['gap']:.4g} | {c['spread']:.3g} | "
                                f"{c['worst']:.4g} | {c['relative']:+.3f} | |")
        lines.append("Verdicts: " + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) + ".")
        lines += rows + [""]
    REPORT.write_text("\n".join(lines) + "\n")


def _cell(source, width=90):
    source = source.replace("|", "\\|")
    return source if len(source) <= width else source[:width - 3] + "..."


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", default=list(CHAPTERS))
    parser.add_argument("--shifts", nargs="*", type=int, default=list(SHIFTS))
    parser.add_argument("--report-only", action="store_true", help="rewrite MARGINS.md only")
    args = parser.parse_args(argv)
    if args.report_only:
        write_report()
        return 0
    data = aelib.load_mnist(quick=False)
    out = MARGINS_DIR / f"{data.dataset}.json"
    results = json.loads(out.read_text()) if out.exists() else {"chapters": {}}
    results.update(dataset=data.dataset, data=f"{len(data.x_train):,} train / {len(data.x_test):,} test images")
    failed = False
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        if path.name[:2] not in args.chapters:
            continue
        snapshot = nbformat.read(path, as_version=4)
        records = results["chapters"].setdefault(path.name, {"code": None, "runs": {}})
        if records["code"] != code_hash(snapshot):  # the chapter's code changed: start again
            records.update(code=code_hash(snapshot), runs={})
        for shift in [0] if path.name[:2] in UNSHIFTED_ONLY else args.shifts:
            if str(shift) in records["runs"]:
                print(f"{path.name} shift {shift}: already measured", flush=True)
                continue
            print(f"{path.name} shift {shift} ...", flush=True)
            measured = run_chapter(path, shift, snapshot=snapshot,
                                   save_in=EXECUTED_DIR / f"margins-{data.dataset}" if shift == 0 else None)
            if measured["error"] or measured["claims"] is None:
                print(f"  FAILED after {measured['seconds']} s: {measured['error']}", flush=True)
                failed = True
                continue
            records["runs"][str(shift)] = measured
            results["date"] = datetime.date.today().isoformat()
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=1) + "\n")
            broken = [c["source"] for c in measured["claims"] if c["evaluations"] and not c["passed"]]
            if not measured["claims"]:
                print("  no asserts recorded: the recorder did not run", flush=True)
                failed = True
            print(f"  {measured['seconds']} s, {len(measured['claims'])} asserts, failed: {broken or 'none'}", flush=True)
    write_report()
    print(f"written {out} and {REPORT}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
