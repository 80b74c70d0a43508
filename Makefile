# Every target sets up what it needs: a virtual environment in .venv with the package installed
# in editable mode, plus the few system libraries Qt needs (installed with apt-get when missing).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshot bundle smoke-bundle icons install-desktop uninstall-desktop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	bash scripts/ensure-system-deps.sh $(BIN)/python
	bash scripts/ensure-postgres.sh
	touch $(STAMP)

run: $(STAMP)
	@bash scripts/ensure-system-deps.sh $(BIN)/python run
	$(BIN)/readinglist $(ARGS)

LINT_PATHS := $(wildcard readinglist tests benchmarks scripts packaging)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_importers.py
	$(BIN)/python benchmarks/bench_export.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_gui.py
	$(BIN)/python benchmarks/bench_queries.py
	$(BIN)/python benchmarks/bench_related.py
	$(BIN)/python benchmarks/bench_import_command.py
	$(BIN)/python benchmarks/bench_complete.py
	$(BIN)/python benchmarks/bench_postgres.py

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py

# ------------------------------------------------------------------ bundle and desktop entry
# `make bundle` builds dist/ReadingList/ReadingList (READINGLIST_ONEFILE=1: one file instead);
# `make smoke-bundle` runs it headless. Neither is part of `make test` (a build takes minutes).
BUNDLE_STAMP := $(VENV)/.bundle-installed

$(BUNDLE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bundle]'
	touch $(BUNDLE_STAMP)

bundle: $(BUNDLE_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/readinglist.spec

smoke-bundle:
	bash scripts/smoke-bundle.sh

install-desktop:
	bash scripts/install-desktop.sh install

uninstall-desktop:
	bash scripts/install-desktop.sh uninstall

clean:
	rm -rf $(VENV) build dist *.egg-info

icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/make_icons.py
