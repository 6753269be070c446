# Two commands matter: `make demo` and `make test`. Both create or refresh .venv first (a no-op when
# pyproject.toml and constraints.txt have not changed since the last install).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.govwatch-installed

.PHONY: venv browser demo test lint typecheck unit bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govwatch needs Python >= 3.11; set PYTHON=/path/to/python3.11")'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

demo: venv
	$(BIN)/govwatch demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || (echo "run: $(BIN)/ruff format ." && false)

typecheck: venv
	$(BIN)/mypy

# The web page's tests drive Debian's headless Chromium; installed here when missing (needs root, as CI is).
browser:
	@bash .ci/install-browser

unit: venv browser
	$(BIN)/python -m pytest -q

test: lint typecheck unit

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache govwatch.duckdb*
