"""Measure the margin of every claim the chapters assert, over training seeds.

Usage:
    python benchmarks/margins.py                   # chapters 01-06, seed shifts 0 1000 2000
    python benchmarks/margins.py --chapters 02 --shifts 0 1000

A claim such as "the deep autoencoder's error is below 0.9 times PCA's" is an
assert in a chapter's Checks. Run once, it passes or fails; whether it would
pass again with other initial weights is what this script measures. It runs
each chapter in full mode (with nbclient, as the book build does) several
times, each time with every training seed of the chapter shifted by the same
amount (``keras.utils.set_random_seed(42)`` becomes ``(1042)`` for shift 1000,
and so on; the data, its split and the test noise stay as they are), on
whatever data ``aelib.load_mnist()`` finds. Run it once on the offline sample
(AELIB_MNIST_SOURCE=sample) and once on the full MNIST (AELIB_MNIST_DIR=...).

While a chapter runs, an extra first cell rewrites its asserts as IPython
compiles them: an assert no longer stops the chapter (so every claim is seen
on every seed), and each numeric comparison in it records its two sides. The
*margin* of one comparison ``a < b`` is how far it passes, relative to the
larger side: ``(b - a) / max(|a|, |b|)`` (``a > b`` likewise), negative if it
fails; an assert made of comparisons joined by ``and`` or ``all(...)`` has the
smallest margin of its comparisons, over every evaluation. Across seeds a
claim has a mean margin and a *spread* (the largest margin minus the
smallest). It is kept as stated only if it passes on every seed and its mean
margin exceeds its spread; tests/test_margins.py checks that every claim in
the chapters is, and benchmarks/MARGINS.md lists them all. Asserts that are
not comparisons of numbers (equal architectures, "about level with") must pass
on every seed.

Chapter 6 runs once, unshifted: its Checks retrain one benchmark row with the
benchmark's own seed and compare the result with the recorded row, and its
comparisons are between benchmark rows, whose seeds benchmarks/compare.py ran
(the chapter itself asserts that the three-seed rows' gaps to PCA exceed twice
their seed spread). Its margins are listed; its spreads are not seed spreads.

Results: benchmarks/margins/<dataset>.json (written after every run, so an
interrupted run resumes where it stopped: a chapter whose code is unchanged is
not run again for a shift it already has), and benchmarks/MARGINS.md.
About 16 minutes on the sample and 23 on the full MNIST, on 2 cores.
"""

import argparse
import ast
import copy
import datetime
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import aelib

ROOT = Path(__file__).resolve().parents[1]
MARGINS_DIR = ROOT / "benchmarks" / "margins"
REPORT = ROOT / "benchmarks" / "MARGINS.md"
EXECUTED_DIR = ROOT / "_build" / "run"  # the unshifted runs, kept for reading or rendering
CHAPTERS = ("01", "02", "03", "04", "05", "06")
SHIFTS = (0, 1000, 2000)
UNSHIFTED_ONLY = ("06",)  # see the docstring
SEED_CALL = re.compile(r"(set_random_seed\(\s*|aelib\.setup\(\s*seed\s*=\s*)(\d+)")

# The extra first cell. _aelib_cmp evaluates one comparison and notes its two
# sides when both are numbers; _aelib_claim notes whether an assert held.
RECORD_CLAIMS = r'''
import ast as _ast, json as _json, math as _math, operator as _operator
_aelib_claims = {}
_AELIB_OPS = {"Lt": _operator.lt, "LtE": _operator.le, "Gt": _operator.gt,
              "GtE": _operator.ge, "Eq": _operator.eq, "NotEq": _operator.ne}
def _aelib_cmp(number, op, left, right):
    result = _AELIB_OPS[op](left, right)
    try:
        a, b = float(left), float(right)
    except (TypeError, ValueError):
        return result
    if op in ("Lt", "LtE", "Gt", "GtE") and _math.isfinite(a) and _math.isfinite(b):
        gap = (b - a) if op in ("Lt", "LtE") else (a - b)
        scale = max(abs(a), abs(b))
        margin = gap / scale if scale else 0.0
        claim = _aelib_claims[number]
        claim["margin"] = margin if claim["margin"] is None else min(claim["margin"], margin)
    return result
def _aelib_claim(number, outcome):
    claim = _aelib_claims[number]
    claim["evaluations"] += 1
    claim["passed"] = claim["passed"] and bool(outcome)
class _AelibRecordClaims(_ast.NodeTransformer):
    def visit_Assert(self, node):
        number = len(_aelib_claims)
        _aelib_claims[number] = {"source": _ast.unparse(node.test),
                                 "numeric": _aelib_numeric(node.test),
                                 "evaluations": 0, "passed": True, "margin": None}
        self._number = number
        test = self.visit(node.test)
        call = _ast.Call(_ast.Name("_aelib_claim", _ast.Load()),
                         [_ast.Constant(number), test], [])
        return _ast.copy_location(_ast.Expr(call), node)
    def visit_Compare(self, node):
        self.generic_visit(node)
        if not hasattr(self, "_number"):
            return node
        terms = [node.left] + node.comparators
        pairs = [_ast.Call(_ast.Name("_aelib_cmp", _ast.Load()),
                           [_ast.Constant(self._number), _ast.Constant(type(op).__name__),
                            terms[i], terms[i + 1]], [])
                 if type(op).__name__ in _AELIB_OPS else
                 _ast.Compare(terms[i], [op], [terms[i + 1]])
                 for i, op in enumerate(node.ops)]
        new = pairs[0] if len(pairs) == 1 else _ast.BoolOp(_ast.And(), pairs)
        return _ast.copy_location(new, node)
def _aelib_numeric(test):
    """True for comparisons joined by `and` or inside all(...): those have a margin."""
    if isinstance(test, _ast.Compare):
        return all(type(op).__name__ in ("Lt", "LtE", "Gt", "GtE") for op in test.ops)
    if isinstance(test, _ast.BoolOp) and isinstance(test.op, _ast.And):
        return all(_aelib_numeric(v) for v in test.values)
    if (isinstance(test, _ast.Call) and isinstance(test.func, _ast.Name)
            and test.func.id == "all" and len(test.args) == 1
            and isinstance(test.args[0], (_ast.GeneratorExp, _ast.ListComp))):
        return _aelib_numeric(test.args[0].elt)
    return False
class _AelibAsserts(_ast.NodeTransformer):
    def visit_Assert(self, node):
        return _AelibRecordClaims().visit_Assert(node)
get_ipython().ast_transformers.append(_AelibAsserts())
'''
REPORT_CLAIMS = 'print("AELIB_CLAIMS", _json.dumps(list(_aelib_claims.values())))'


def shift_seeds(source, shift):
    """The cell's source with every training seed shifted by `shift`."""
    return SEED_CALL.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + shift}", source)


def code_hash(nb):
    """Hash of a chapter's code (not its prose): a rerun is needed only when it changes."""
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def run_chapter(path, shift, save_in=None, snapshot=None):
    """Execute one chapter in full mode with its seeds shifted; return its claims.
    `snapshot`: the chapter as read when its measurement began (so that an edit
    made meanwhile cannot mix two versions in one measurement)."""
    nb = copy.deepcopy(snapshot) if snapshot is not None else nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = shift_seeds(cell.source, shift)
    nb.cells = [nbformat.v4.new_code_cell(RECORD_CLAIMS)] + nb.cells + [nbformat.v4.new_code_cell(REPORT_CLAIMS)]
    env_backup = dict(os.environ)
    os.environ.pop("AELIB_QUICK", None)
    start = time.perf_counter()
    error = None
    try:
        NotebookClient(nb, timeout=3600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as exc:  # an error (not a failed claim, which no longer raises)
        error = str(exc).strip().splitlines()[-1][:300]
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    seconds = time.perf_counter() - start
    printed = [line for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []) if out.get("name") == "stdout"
               for line in out["text"].splitlines()]
    claims = next((json.loads(line.split(" ", 1)[1]) for line in printed
                   if line.startswith("AELIB_CLAIMS ")), None)
    if save_in and error is None:
        nb.cells = nb.cells[1:-1]
        Path(save_in).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(save_in) / path.name)
    return {"seconds": round(seconds, 1), "error": error, "claims": claims}


def summarise(records):
    """One entry per claim of one chapter on one dataset, over its seed shifts."""
    runs = [r for r in records["runs"].values() if r["claims"] is not None]
    if not runs:
        return []
    summary = []
    for index, claim in enumerate(runs[0]["claims"]):
        seen = [r["claims"][index] for r in runs if index < len(r["claims"])
                and r["claims"][index]["source"] == claim["source"]]
        ran = [c for c in seen if c["evaluations"]]
        entry = {"source": claim["source"], "numeric": claim["numeric"], "seeds": len(ran),
                 "passed": all(c["passed"] for c in ran)}
        margins = [c["margin"] for c in ran if c["margin"] is not None]
        if claim["numeric"] and margins and len(margins) == len(ran):
            entry.update(margin=sum(margins) / len(margins), spread=max(margins) - min(margins),
                         worst=min(margins))
        summary.append(entry)
    return summary


def verdict(entry):
    """holds / near tie / failed / not run, by the rule in this module's docstring."""
    if not entry["seeds"]:
        return "not run"
    if not entry["passed"]:
        return "failed"
    if "margin" in entry:
        return "holds" if entry["margin"] > entry["spread"] else "near tie"
    return "holds"


def write_report():
    """benchmarks/MARGINS.md from every dataset's results."""
    lines = ["# Margins of the chapters' claims over training seeds", "",
             "Written by `benchmarks/margins.py` (see its docstring for the method); checked by",
             "`tests/test_margins.py`. Margin: how far a comparison passes, relative to its larger",
             "side (0.10 = by 10 %), the mean over seeds; spread: largest minus smallest margin over",
             "seeds. A claim holds if it passes on every seed and its margin exceeds its spread.", ""]
    for path in sorted(MARGINS_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        lines += [f"## {data['dataset']} ({data['data']})", ""]
        counts = {}
        rows = []
        for chapter, records in sorted(data["chapters"].items()):
            shifts = sorted(int(s) for s in records["runs"])
            seconds = sum(r["seconds"] for r in records["runs"].values())
            note = (" (one run: its comparisons are of benchmark rows, see margins.py)"
                    if chapter[:2] in UNSHIFTED_ONLY else "")
            rows.append(f"\n### {chapter}: seed shifts {shifts}, {seconds:.0f} s in all{note}\n")
            rows.append("| claim (the assert) | margin | spread | worst seed | verdict |")
            rows.append("|---|---|---|---|---|")
            for entry in summarise(records):
                v = verdict(entry)
                counts[v] = counts.get(v, 0) + 1
                source = entry["source"].replace("|", "\\|")
                source = source if len(source) <= 90 else source[:87] + "..."
                numbers = ([f"{entry['margin']:+.3f}", f"{entry['spread']:.3f}", f"{entry['worst']:+.3f}"]
                           if "margin" in entry else ["", "", ""])
                rows.append(f"| `{source}` | " + " | ".join(numbers) + f" | {v} |")
        lines.append("Verdicts: " + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) + ".")
        lines += rows + [""]
    REPORT.write_text("\n".join(lines) + "\n")


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
            run = run_chapter(path, shift, snapshot=snapshot,
                              save_in=EXECUTED_DIR / f"margins-{data.dataset}" if shift == 0 else None)
            if run["error"] or run["claims"] is None:
                print(f"  FAILED after {run['seconds']} s: {run['error']}", flush=True)
                failed = True
                continue
            records["runs"][str(shift)] = run
            results["date"] = datetime.date.today().isoformat()
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=1) + "\n")
            broken = [c["source"] for c in run["claims"] if c["evaluations"] and not c["passed"]]
            print(f"  {run['seconds']} s, {len(run['claims'])} asserts, failed: {broken or 'none'}", flush=True)
    write_report()
    print(f"written {out} and {REPORT}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
