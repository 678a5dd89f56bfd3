# `make book` builds the whole book (full mode) into _build/html.
# `make test` runs every test (quick mode).
# Both create the virtual environment .venv and install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# A relative AELIB_MNIST_DIR means relative to here, not to chapters/ where the
# notebook kernels run: pass it on as an absolute path.
ifdef AELIB_MNIST_DIR
export AELIB_MNIST_DIR := $(abspath $(AELIB_MNIST_DIR))
endif

.PHONY: book test test-fast benchmark clean venv

venv: $(STAMP)

# constraints.txt pins every package to the version the book's results were
# measured with; `make CONSTRAINTS= ...` installs the newest instead (the weekly
# build does, to catch drift). pyproject.toml keeps lower bounds only (Colab).
CONSTRAINTS ?= constraints.txt

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[test]" $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
	touch $(STAMP)

# scripts/book_cache.py empties the cache of executed chapters if it holds runs on other data.
book: $(STAMP)
	$(BIN)/python scripts/book_cache.py
	$(BIN)/jupyter-book build . -W -n --keep-going

# tests/browser.py finds the browser test's Chromium, or installs one (apt-get as root, else Playwright's).
# Two pytest calls, so that each notebook is executed once: the first runs every
# notebook under nbval (and the other tests), keeping its outputs in _build/nbval;
# the second builds the quick book from those outputs and checks its pages.
test: $(STAMP)
	$(BIN)/python tests/browser.py
	$(BIN)/python -m pytest -n 2 --dist loadscope -m "not book"
	AELIB_REUSE_EXECUTED=require $(BIN)/python -m pytest -m book

# `make test-fast`: aelib's unit tests only (no notebooks, book build or browser).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" tests

# `make benchmark`: every model under one protocol (about 35 min on 2 cores),
# then the chapter and suite times; writes aelib/_data/benchmark-<dataset>.json and
# benchmarks/RESULTS-<dataset>.md (dataset: full or sample), which the last chapter reads.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/compare.py
	$(BIN)/python benchmarks/uses.py
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build
