# malark — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= malark-demo

OOXML_HOME ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ooxml-validator

.PHONY: demo test lint bench docs libreoffice ooxml-validator clean

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

## test: install what the tests need (dev extras, LibreOffice, the OOXML validator) and run the suite
test: $(VENV)/.installed-dev libreoffice ooxml-validator
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

## ooxml-validator: Microsoft's Open XML SDK validator + Excel's limits (tools/ooxml), pinned
## packages from PyPI, cached in $(OOXML_HOME); the test that runs it is skipped without it
ooxml-validator:
	@if [ -x "$(OOXML_HOME)/venv/bin/python" ] && [ -f "$(OOXML_HOME)/sdk.runtimeconfig.json" ]; then :; \
	else echo "Installerar OOXML-validatorn i $(OOXML_HOME) (cirka 150 MB, en gång) ..."; \
	  OOXML_HOME="$(OOXML_HOME)" bash tools/ooxml/ooxml-validator/setup.sh >/dev/null 2>&1 \
	  || echo "OOXML-validatorn kunde inte installeras: testet som kör den hoppas över." >&2; \
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
