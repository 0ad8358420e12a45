# malark — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= malark-demo

OOXML_HOME ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ooxml-validator

.PHONY: demo test lint bench docs libreoffice chromium node web apt addin ooxml-validator clean

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

WEB_DIR   ?= build/web
export MALARK_WEB_CACHE ?= $(CURDIR)/build/web-cache

## test: install what the tests need (dev extras, LibreOffice, Chromium, Node tools, the OOXML
## validator), build the web page and run the suite
test: $(VENV)/.installed-dev libreoffice chromium node web ooxml-validator
	$(BIN)/python -m pytest -q -n auto --dist loadfile

## web: the validator page and the Office add-in (malark web build) in $(WEB_DIR); Pyodide
## comes from npm and the wheels from the package index, pinned in src/malark/web/lock/
web: $(VENV)/.installed-dev node
	$(BIN)/malark web build -o $(WEB_DIR)

## node: Node.js and the pinned tools the Office add-in's tests use (package-lock.json)
node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory APT_PACKAGES="nodejs npm" apt
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## chromium: the headless browser the web page's test drives (Debian's chromium, chromium-driver)
chromium:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	else $(MAKE) --no-print-directory APT_PACKAGES="chromium chromium-driver" apt; fi

apt:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Installerar $(APT_PACKAGES) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	else \
	  echo "$(APT_PACKAGES) saknas och kan inte installeras här: testerna som behöver dem hoppas över." >&2; \
	fi

## ooxml-validator: Microsoft's Open XML SDK validator + Excel's limits (tools/ooxml), pinned
## packages from PyPI, cached in $(OOXML_HOME); the test that runs it is skipped without it
ooxml-validator:
	@if [ -x "$(OOXML_HOME)/venv/bin/python" ] && [ -f "$(OOXML_HOME)/sdk.runtimeconfig.json" ]; then :; \
	else echo "Installerar OOXML-validatorn i $(OOXML_HOME) (cirka 150 MB, en gång) ..."; \
	  OOXML_HOME="$(OOXML_HOME)" bash tools/ooxml/ooxml-validator/setup.sh >/dev/null 2>&1 \
	  || echo "OOXML-validatorn kunde inte installeras: testet som kör den hoppas över." >&2; \
	fi

## libreoffice: the Excel stand-in the tests recalculate and render with (Debian/Ubuntu)
## (Calc recalculates the workbooks; Writer turns `malark report`'s .docx into PDF)
LIBREOFFICE_PACKAGES := libreoffice-calc libreoffice-writer poppler-utils
libreoffice:
	@if command -v soffice >/dev/null 2>&1 && { ! command -v dpkg >/dev/null 2>&1 || \
	    dpkg -s libreoffice-writer >/dev/null 2>&1; }; then :; \
	else $(MAKE) --no-print-directory APT_PACKAGES="$(LIBREOFFICE_PACKAGES)" apt; fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks

## bench: speed and memory figures (not tests), see docs/performance.md
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py

## docs: regenerate the generated reference pages (CLI, rules)
docs: $(VENV)/.installed-dev
	$(BIN)/python -m malark.cli.docgen docs

clean:
	rm -rf $(VENV) $(DEMO_DIR) build node_modules *.egg-info src/*.egg-info .pytest_cache
