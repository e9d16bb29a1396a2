# bookmaker — `make` sets up .venv and builds the sample book; `make test` runs the tests.
# Every target that runs Python sets the virtual environment up first when it is missing.

PYTHON ?= python3
VENV   ?= .venv
BOOK   ?= source
OUT    ?= build
BIN    := $(VENV)/bin

.DEFAULT_GOAL := all
.PHONY: all setup epub pdf screen press cover hant hant-report hant-bench check test lint bench \
	docs-images \
	clean distclean \
	system-deps help

all: setup ## Set up .venv if needed and build every output of the sample book into build/
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --variant source --variant zh-Hant

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian/Ubuntu run 'sudo apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

setup: $(VENV)/.installed ## Create .venv and install bookmaker with its test tools

epub: setup ## Build build/<name>.epub from $(BOOK)
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --format epub

pdf: setup ## Build both PDF profiles: build/<name>.pdf (screen) and .press.pdf (press)
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --format pdf

screen: setup ## Build only the screen PDF (trim size, no marks, PDF/A-2b)
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --format pdf --profile screen

press: setup ## Build only the press PDF (3 mm bleed, crop marks, K-only black)
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --format pdf --profile press

cover: setup ## Build the printed cover spread build/<name>.cover.pdf (spine from the press PDF's pages)
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --format pdf --profile press --format cover

hant: setup ## Build the Traditional-Chinese edition: build/<name>.zh-Hant.epub, .pdf, .press.pdf
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --variant zh-Hant

hant-report: setup ## List the one-to-many conversions of the zh-Hant edition, for review
	$(BIN)/bookmaker variants report $(BOOK)

hant-bench: setup ## Round trip of a Taiwan corpus through t2s and back: bookmaker's and OpenCC's errors
	$(BIN)/python bench/hant_roundtrip.py --check

check: setup ## Build both editions, then validate their EPUBs with EPUBCheck (needs Java)
	$(BIN)/bookmaker check $(BOOK) --out $(OUT) --variant source --variant zh-Hant

test: setup ## Lint, then run the tests (EPUBCheck/Calibre tests skip loudly without Java/Calibre)
	$(BIN)/ruff check src tests bench docs/render-pages.py tools/make-fonts.py
	$(BIN)/python -m pytest

docs-images: screen ## Redraw docs/title-leaf.png and docs/body-spread.png from the screen PDF
	$(BIN)/python docs/render-pages.py $(OUT)/beijing-xianjinxing-2006.pdf docs

bench: setup ## Time and memory of each output (sample, full-size book) beside pandoc and raw WeasyPrint
	$(BIN)/python bench/bench_build.py $(BENCH_ARGS)

lint: setup ## Check the code with ruff
	$(BIN)/ruff check src tests bench docs/render-pages.py tools/make-fonts.py

system-deps: ## Install Pango for WeasyPrint and the programs the tests use (Debian/Ubuntu, root)
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		default-jre-headless calibre poppler-utils zbar-tools chromium pandoc \
		libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

clean: ## Remove build outputs and caches
	rm -rf $(OUT) .pytest_cache .ruff_cache

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'
