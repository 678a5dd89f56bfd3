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
printed is shown), and the figures are recorded for that dataset. Budgets on 2
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


def time_suite():
    start = time.perf_counter()
    # The suite cannot check its own time: TIMING_SUITE tells tests/test_results.py so.
    proc = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadscope", "-q",
                           "--durations=25"],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "TIMING_SUITE": "1"})
    seconds = time.perf_counter() - start
    log = results_file.QUICK_DIR / "suite.log"  # the slowest tests, for whoever wants a faster suite
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(proc.stdout + proc.stderr)
    summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
    return {"seconds": round(seconds, 1), "exit_code": proc.returncode, "summary": summary}


def time_chapter(path):
    env_backup = dict(os.environ)
    os.environ.pop("AELIB_QUICK", None)
    try:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=3600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        error = None
        try:
            client.execute()
        except Exception as exc:  # report, don't stop the benchmark
            error = str(exc).strip().splitlines()[-1][:300]
        seconds = time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    data_line = next((line for cell in nb.cells if cell.cell_type == "code"
                      for out in cell.get("outputs", []) if out.get("name") == "stdout"
                      for line in out["text"].splitlines() if line.startswith("MNIST:")), "?")
    return {"seconds": round(seconds, 1), "ok": error is None, "error": error, "data": data_line}


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


def run_chapters(selected=None):
    """Execute each chapter (or those whose number is in `selected`) in full mode and time it."""
    times = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        if selected and path.name[:2] not in selected:
            continue
        print(f"{path.name} (full mode) ...", flush=True)
        result = times[path.name] = time_chapter(path)
        status = "ok" if result["ok"] else f"FAILED: {result['error']}"
        print(f"  {result['seconds']:7.1f} s  {status}\n  {result['data']}", flush=True)
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
        report["chapters"] = run_chapters(args.chapters)
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
