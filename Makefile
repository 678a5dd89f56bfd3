# `make book` builds the whole book (full mode) into _build/html.
# `make test` runs every test (quick mode).
# Both create the virtual environment .venv and install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test benchmark clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[test]"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope

# `make benchmark`: every model under one protocol (about 35 min on 2 cores),
# then the chapter and suite times; writes aelib/_data/benchmark.json and
# benchmarks/RESULTS.md, which the book's last chapter reads.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/compare.py
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build
