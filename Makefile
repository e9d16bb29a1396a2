# bookmaker — `make` sets up .venv and builds the sample book; `make test` runs the tests.
# Every target that runs Python sets the virtual environment up first when it is missing.

PYTHON ?= python3
VENV   ?= .venv
BOOK   ?= source
OUT    ?= build
BIN    := $(VENV)/bin

.DEFAULT_GOAL := all
.PHONY: all setup epub check test lint clean distclean system-deps help

all: epub ## Set up .venv if needed and build every output of the sample book into build/

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian/Ubuntu run 'sudo apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

setup: $(VENV)/.installed ## Create .venv and install bookmaker with its test tools

epub: setup ## Build build/<name>.epub from $(BOOK)
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --format epub

check: setup ## Build, then validate the EPUB with EPUBCheck (needs Java)
	$(BIN)/bookmaker check $(BOOK) --out $(OUT)

test: setup ## Lint, then run the tests (EPUBCheck/Calibre tests skip loudly without Java/Calibre)
	$(BIN)/ruff check src tests bench fonts/make-fonts.py
	$(BIN)/python -m pytest

lint: setup ## Check the code with ruff
	$(BIN)/ruff check src tests bench fonts/make-fonts.py

system-deps: ## Install the outside programs the tests use (Debian/Ubuntu, as root)
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		default-jre-headless calibre poppler-utils

clean: ## Remove build outputs and caches
	rm -rf $(OUT) .pytest_cache .ruff_cache

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'
