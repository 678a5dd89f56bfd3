"""Time the quick test suite and each chapter in full mode, and print the figures.

Usage:
    python benchmarks/run.py                 # the suite, then every chapter
    python benchmarks/run.py --no-suite      # chapters only
    python benchmarks/run.py --chapters 01 03
    python benchmarks/run.py --from-book     # chapter times recorded by the last `make book`

The figures are merged into the results of the dataset the chapters ran on,
aelib/_data/benchmark-<dataset>.json ("timings") and benchmarks/RESULTS-<dataset>.md,
beside the model results of compare.py.

Chapters run in full mode (no AELIB_QUICK) with nbclient, exactly as the book
build executes them, on whatever data `aelib.load_mnist()` finds (the line it
printed is shown), and the figures are recorded for that dataset. Each chapter
then runs once more in quick mode (as the tests run it) to count the asserts of
its Checks that run in each mode: "asserts" in the code, "ran" (distinct
statements that executed and passed), "evaluations" (counting loop repeats). Budgets on 2
CPU cores: each chapter at most 5 minutes on the sample and 10 on the full MNIST.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import results_file

import aelib
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXECUTED_DIR = ROOT / "_build" / "run"  # the chapters executed in full mode, per dataset


def time_suite():
    """Time `make test`'s two pytest calls (the notebooks and other tests, then the
    quick book built from the notebooks' outputs), one after the other."""
    # The suite cannot check its own time: TIMING_SUITE tells tests/test_results.py so.
    env = {**os.environ, "TIMING_SUITE": "1"}
    calls = [([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadscope", "-m", "not book", "-q",
               "--durations=25"], env),
             ([sys.executable, "-m", "pytest", "-m", "book", "-q", "--durations=10"],
              {**env, "AELIB_REUSE_EXECUTED": "require"})]
    seconds, logs, summaries, exit_code = 0.0, [], [], 0
    for command, call_env in calls:
        start = time.perf_counter()
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=call_env)
        seconds += time.perf_counter() - start
        logs.append(proc.stdout + proc.stderr)
        summaries.append((proc.stdout.strip().splitlines() or ["(no output)"])[-1].strip("= "))
        exit_code = exit_code or proc.returncode
        if proc.returncode:
            break
    log = results_file.QUICK_DIR / "suite.log"  # the slowest tests, for whoever wants a faster suite
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("\n\n".join(logs))
    return {"seconds": round(seconds, 1), "exit_code": exit_code, "summary": "; then ".join(summaries)}


# Counting the Checks that run: a first cell (not part of the chapter) teaches the
# kernel to number every assert statement as IPython compiles a cell and to note
# each one that passes; a last cell prints the tally.
COUNT_CHECKS = """\
import ast as _ast, json as _json
_aelib_checks = {"present": 0, "ran": set(), "evaluations": 0}
def _aelib_check_passed(number):
    _aelib_checks["ran"].add(number)
    _aelib_checks["evaluations"] += 1
class _AelibCountAsserts(_ast.NodeTransformer):
    def visit_Assert(self, node):
        self.generic_visit(node)
        _aelib_checks["present"] += 1
        note = _ast.parse(f"_aelib_check_passed({_aelib_checks['present']})").body[0]
        return [node, _ast.copy_location(note, node)]
get_ipython().ast_transformers.append(_AelibCountAsserts())
"""
REPORT_CHECKS = """\
print("AELIB_CHECKS", _json.dumps({"asserts": _aelib_checks["present"], "ran": len(_aelib_checks["ran"]),
                                  "evaluations": _aelib_checks["evaluations"]}))
"""


def execute_instrumented(nb, path, first, last, quick=False, save_in=None):
    """Execute notebook `nb` (read from `path`) with nbclient, as the book build does
    (full mode unless `quick`), with the code cells `first` and `last` added around
    it (instrumentation, not part of the chapter). Keeps the executed chapter, without
    them, in `save_in` if it ran. Returns seconds, error (None if it ran) and the
    lines it printed."""
    env_backup = dict(os.environ)
    os.environ.pop("AELIB_QUICK", None)
    if quick:  # as the test suite runs it
        os.environ.update(AELIB_QUICK="1", AELIB_MNIST_SOURCE="sample")
        os.environ.pop("AELIB_MNIST_DIR", None)
    nb.cells = [nbformat.v4.new_code_cell(first)] + nb.cells + [nbformat.v4.new_code_cell(last)]
    start = time.perf_counter()
    error = None
    try:
        NotebookClient(nb, timeout=3600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as exc:  # report, don't stop the run
        error = str(exc).strip().splitlines()[-1][:300]
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    seconds = time.perf_counter() - start
    printed = [line for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []) if out.get("name") == "stdout"
               for line in out["text"].splitlines()]
    nb.cells = nb.cells[1:-1]  # the chapter as executed
    if error is None and save_in:  # for whoever wants to read (or render) the executed chapter
        Path(save_in).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(save_in) / path.name)
    return seconds, error, printed


def tagged(printed, tag):
    """The JSON printed after `tag` on a line of its own, or None."""
    return next((json.loads(line.split(" ", 1)[1]) for line in printed
                 if line.startswith(tag + " ")), None)


def execute_chapter(path, quick=False, save_in=None):
    """Execute a chapter (full mode unless `quick`), counting its asserts; keep the
    executed chapter in `save_in` if it ran. Returns seconds, ok, error, the data
    line, checks."""
    seconds, error, printed = execute_instrumented(
        nbformat.read(path, as_version=4), path, COUNT_CHECKS, REPORT_CHECKS, quick, save_in)
    data_line = next((line for line in printed if line.startswith("MNIST:")), "?")
    return {"seconds": round(seconds, 1), "ok": error is None, "error": error, "data": data_line,
            "checks": tagged(printed, "AELIB_CHECKS")}


def chapter_times_from_book(cache_dir=ROOT / "_build" / ".jupyter_cache"):
    """Execution times that `make book` recorded in its jupyter-cache, per chapter."""
    from jupyter_cache import get_cache
    if not Path(cache_dir).exists():
        raise SystemExit(f"no book build cache at {cache_dir}: run `make book` first")
    times = {}
    for record in get_cache(str(cache_dir)).list_cache_records():
        times[Path(record.uri).name] = {"seconds": round(record.data.get("execution_seconds", float("nan")), 1),
                                        "ok": True, "error": None,
                                        "data": f"(recorded by make book at {record.created:%Y-%m-%d %H:%M})"}
    return times


def run_chapters(selected=None, dataset=None):
    """Execute each chapter (or those whose number is in `selected`) in full mode and
    time it; then in quick mode, to count the Checks that run there too."""
    times = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        if selected and path.name[:2] not in selected:
            continue
        print(f"{path.name} (full mode) ...", flush=True)
        result = times[path.name] = execute_chapter(path, save_in=EXECUTED_DIR / f"full-{dataset}")
        status = "ok" if result["ok"] else f"FAILED: {result['error']}"
        print(f"  {result['seconds']:7.1f} s  {status}\n  {result['data']}\n  checks: {result['checks']}", flush=True)
        quick = execute_chapter(path, quick=True)
        result["quick_checks"] = quick["checks"] if quick["ok"] else None
        print(f"  quick mode ({quick['seconds']:.0f} s): checks {quick['checks']}"
              + ("" if quick["ok"] else f" FAILED: {quick['error']}"), flush=True)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-suite", action="store_true")
    parser.add_argument("--chapters", nargs="*", help="chapter numbers, e.g. 01 03 (default: all)")
    parser.add_argument("--from-book", action="store_true",
                        help="report the chapter times recorded by the last `make book` instead of re-running")
    args = parser.parse_args(argv)
    dataset = aelib.load_mnist(quick=False).dataset  # the data the chapters will find, said in one line
    report = {"dataset": dataset, "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
              "python": platform.python_version(), "date": datetime.date.today().isoformat()}
    if args.from_book:
        report["chapters"] = chapter_times_from_book()
        for name, result in sorted(report["chapters"].items()):
            print(f"{name} (full mode, make book)\n  {result['seconds']:7.1f} s  {result['data']}")
    else:
        report["chapters"] = run_chapters(args.chapters, dataset)
    report["load_average_15min"] = round(os.getloadavg()[2], 2)  # times mean little on a busy machine
    save(report)  # before the suite, whose tests read the chapter times
    if not args.no_suite:
        print("quick test suite (pytest -n 2, as make test) ...", flush=True)
        report["suite"] = suite = time_suite()
        print(f"  {suite['seconds']:7.1f} s  exit {suite['exit_code']}  {suite['summary']}", flush=True)
        save(report)
    failed = (report.get("suite", {}).get("exit_code", 0) != 0
              or not all(r["ok"] for r in report["chapters"].values()))
    return 1 if failed else 0


def save(report):
    """Merge into the published results: a partial run (--chapters, --no-suite)
    replaces only what it measured."""
    json_path, _ = results_file.paths(report["dataset"], quick=False)
    old = json.loads(json_path.read_text()).get("timings", {}) if json_path.exists() else {}
    merged = {**old, **report, "chapters": {**old.get("chapters", {}), **report["chapters"]}}
    json_path, md_path = results_file.update("timings", merged, report["dataset"], quick=False)
    print(f"written {json_path} and {md_path}")


if __name__ == "__main__":
    sys.exit(main())
