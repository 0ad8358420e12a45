# malark — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= malark-demo

.PHONY: demo test lint bench docs libreoffice addin clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

## demo: create .venv, install malark and run the whole round trip on the example
demo: $(VENV)/.installed
	$(BIN)/malark demo $(DEMO_DIR)

## addin: install the excel extra (xlwings) and build malark.xlam in this folder
addin: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[excel]"
	$(BIN)/malark addin build -o .

## test: install what the tests need (dev extras, LibreOffice) and run the suite
test: $(VENV)/.installed-dev libreoffice
	$(BIN)/python -m pytest -q

## libreoffice: the Excel stand-in the tests recalculate and render with (Debian/Ubuntu)
libreoffice:
	@if command -v soffice >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Installerar LibreOffice (libreoffice-calc, poppler-utils) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-calc poppler-utils >/dev/null; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-calc poppler-utils >/dev/null; \
	else \
	  echo "LibreOffice saknas: testerna som räknar om formler hoppas över." >&2; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks

## bench: speed and memory figures (not tests), see docs/performance.md
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py

## docs: regenerate the generated reference pages (CLI, rules)
docs: $(VENV)/.installed-dev
	$(BIN)/python -m malark.cli.docgen docs

clean:
	rm -rf $(VENV) $(DEMO_DIR) build *.egg-info src/*.egg-info .pytest_cache
