# bookmaker — `make` sets up .venv and builds the sample book; `make test` runs the tests.
# Every target that runs Python sets the virtual environment up first when it is missing.

PYTHON ?= python3
VENV   ?= .venv
BOOK   ?= source
EXAMPLE ?= examples/jingdian-sanzhong
OUT    ?= build
BIN    := $(VENV)/bin

.DEFAULT_GOAL := all
.PHONY: all setup ace epub pdf screen press cover hant hant-report hant-bench check examples example-images test \
	test-fast lint bench docs-images constraints clean distclean system-deps help

all: setup ## Set up .venv if needed and build every output of the sample book into build/
	$(BIN)/bookmaker build $(BOOK) --out $(OUT) --variant source --variant zh-Hant

# constraints.txt holds the exact version of every package: the same set everywhere
$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian/Ubuntu run 'sudo apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

setup: $(VENV)/.installed ## Create .venv and install bookmaker with its test tools

ACE_DIR := tools/ace
$(ACE_DIR)/node_modules/.installed: $(ACE_DIR)/package.json $(ACE_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: run 'sudo make system-deps'"; exit 1; }
	cd $(ACE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

ace: $(ACE_DIR)/node_modules/.installed ## Install Ace by DAISY (npm) into tools/ace; it runs the system's chromium

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

check: setup ace ## Build every EPUB (both editions, vertical too), then EPUBCheck and Ace on each
	$(BIN)/bookmaker check $(BOOK) --out $(OUT) --variant source --variant zh-Hant --vertical

examples: setup ## Build examples/jingdian-sanzhong (EPUB, both PDFs, zh-Hant edition) into build/examples/, then EPUBCheck (needs fonts-noto-cjk, Java)
	$(BIN)/bookmaker build $(EXAMPLE) --out $(OUT)/examples --variant source --variant zh-Hant
	$(BIN)/bookmaker check $(EXAMPLE) --out $(OUT)/examples --variant source --variant zh-Hant

example-images: setup ## Redraw docs/example-*.png: the second book's figure, list and notes pages (needs fonts-noto-cjk)
	$(BIN)/bookmaker build $(EXAMPLE) --out $(OUT)/examples --format pdf --profile screen
	$(BIN)/python docs/render-example-pages.py $(OUT)/examples/jingdian-sanzhong.pdf docs

test: setup ## Lint, check the declared dependencies, then run the tests (outside programs: see README)
	$(BIN)/ruff check src tests bench docs/render-pages.py docs/render-layout-pages.py docs/render-example-pages.py tools
	$(BIN)/deptry .
	$(BIN)/python -m pytest

test-fast: setup ## The tests without the slow ones (any whole book built, EPUBCheck, Ace, Chromium, the wheel), for the edit-test loop
	$(BIN)/python -m pytest -m "not slow"

docs-images: pdf ## Redraw the page images in docs/: title leaf, spread and press corner of the sample; a figure, list and notes page
	$(BIN)/python docs/render-pages.py $(OUT)/beijing-xianjinxing-2006.pdf docs \
		$(OUT)/beijing-xianjinxing-2006.press.pdf
	$(BIN)/python docs/render-layout-pages.py docs

bench: setup ## Time and memory of each output (sample, full-size book) beside pandoc and raw WeasyPrint
	$(BIN)/python bench/bench_build.py $(BENCH_ARGS)

lint: setup ## Check the code with ruff
	$(BIN)/ruff check src tests bench docs/render-pages.py docs/render-layout-pages.py docs/render-example-pages.py tools

constraints: ## After changing a version in pyproject.toml: resolve afresh and rewrite constraints.txt
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
	{ sed -n '/^#/p' constraints.txt; \
	  .venv-lock/bin/python -m pip freeze --disable-pip-version-check | grep -iv '^bookmaker'; \
	} > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-lock

# (no libharfbuzz-subset0: bookmaker subsets the PDF's fonts with the HarfBuzz of uharfbuzz)
system-deps: ## Install Pango for WeasyPrint, Noto CJK for rare characters and the programs the tests use (Debian/Ubuntu, root)
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		default-jre-headless calibre poppler-utils zbar-tools chromium nodejs fonts-noto-cjk fontconfig pandoc \
		libpango-1.0-0 libpangoft2-1.0-0
	command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm

clean: ## Remove build outputs and caches
	rm -rf $(OUT) .pytest_cache .ruff_cache

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'
