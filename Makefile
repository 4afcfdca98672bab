# Set-up, tests and the default study. Everything installs into .venv from the pinned
# versions in constraints.txt; nothing is fetched at run time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup test run quick lint

$(BIN)/snakemake: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

setup: $(BIN)/snakemake

## The default study (config/config.yaml) on all cores.
run: setup
	$(BIN)/snakemake --workflow-profile workflow/profiles/default

## The quick look (config/quick.yaml).
quick: setup
	$(BIN)/snakemake --workflow-profile workflow/profiles/default --configfile config/quick.yaml

## Lint and the whole test suite (unit tests, then the end-to-end workflow runs).
test: setup lint
	$(BIN)/pytest -v

lint: setup
	$(BIN)/ruff check src workflow/scripts tests
	$(BIN)/ruff format --check src workflow/scripts tests
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint --configfile tests/config/tiny.yaml
