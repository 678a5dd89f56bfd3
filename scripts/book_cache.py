"""Keep `make book`'s cache of executed chapters to one dataset.

jupyter-book re-executes a chapter only when its code changed, and its cache
(_build/.jupyter_cache) knows nothing of the data a chapter ran on. Without
this step, `make book` on the full MNIST after a build on the offline sample
would publish the sample's pages. So before each build this script finds out
which data the chapters will load (as they do, through aelib.load_mnist) and
empties the cache when it holds runs on other data. It also removes Sphinx's
saved build state (_build/.doctrees): Sphinx re-reads only the pages whose
source changed, so with it left in place the unchanged chapters would keep
their pages, and their outputs, from the other data.

Usage (the Makefile's `book` target runs it): python scripts/book_cache.py [BUILD_DIR]
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def current_dataset():
    """"full" or "sample": what aelib.load_mnist() returns here, now."""
    sys.path.insert(0, str(ROOT))
    import aelib
    return aelib.load_mnist(quick=False, verbose=False).dataset


def prepare(build_dir, dataset):
    """Empty build_dir's execution cache, and Sphinx's saved build state, if the cache was
    filled on another dataset; returns a message."""
    # The marker lives inside the cache, so that a cache restored elsewhere (CI) carries it.
    cache = build_dir / ".jupyter_cache"
    marker = cache / "aelib-dataset"
    previous = marker.read_text().strip() if marker.exists() else None
    if cache.exists() and previous != dataset:
        shutil.rmtree(cache)
        shutil.rmtree(build_dir / ".doctrees", ignore_errors=True)
        message = (f"book: the chapters will run on the {dataset} data; the cache of executed chapters "
                   f"held runs on {previous or 'unrecorded data'}, so it was emptied")
    else:
        message = f"book: the chapters will run on the {dataset} data"
    cache.mkdir(parents=True, exist_ok=True)
    marker.write_text(dataset + "\n")
    return message


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    build_dir = Path(argv[0]) if argv else ROOT / "_build"
    print(prepare(build_dir, current_dataset()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
