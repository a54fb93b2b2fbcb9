# Two commands on a fresh machine: `make demo` and `make test`. Each builds .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean venv browser replay ocr-tools

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "govarchive needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/govarchive demo

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

# Figures, not assertions: each script prints what it measured, with the machine and versions.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.extraction
	$(BIN)/python -m bench.heldout
	$(BIN)/python -m bench.storage
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.crawl
	$(BIN)/python -m bench.export
	$(BIN)/python -m bench.province
	$(BIN)/python -m bench.fleet
	$(BIN)/python -m bench.extract_stage
	$(BIN)/python -m bench.filetext
	$(BIN)/python -m bench.documents_heldout

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) browser replay ocr-tools
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Outside tools the tests drive, in a venv of their own: pywb (replay tests) pins versions
# (Werkzeug, pyOpenSSL, brotlipy) that would clash with Scrapy's, pandas (reading exported
# Parquet) would be imported by sqlite-utils into every crawl if it sat in .venv, and Playwright
# drives Chromium through ReplayWeb.page (its sw.js and ui.js, from npm).
RWP_VERSION := 2.5.3
REPLAY_STAMP := .venv-replay/.installed
$(REPLAY_STAMP):
	$(PYTHON) -m venv .venv-replay
	.venv-replay/bin/python -m pip install --quiet --upgrade pip
	.venv-replay/bin/python -m pip install --quiet 'pywb==2.10.0' 'pandas>=2' 'pyarrow>=15' 'playwright>=1.40'
	rm -rf .venv-replay/replaywebpage && mkdir -p .venv-replay/replaywebpage
	cd .venv-replay/replaywebpage && npm pack --silent replaywebpage@$(RWP_VERSION) >/dev/null \
	  && tar xzf replaywebpage-$(RWP_VERSION).tgz --strip-components=1 package/sw.js package/ui.js
	touch $(REPLAY_STAMP)

replay: $(REPLAY_STAMP)

# Debian's chromium, for the test that renders the Datasette search page. Installed when
# missing and we are root (as in CI); otherwise that one test is skipped and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "note: could not install chromium; the browser check will be skipped"; \
	  else echo "note: chromium not installed; the browser check will be skipped"; fi; }

# Debian's tools for attachment text (govarchive filetext): Tesseract and its Vietnamese model
# (scans), poppler's pdftoppm (pages to images), antiword (DOC), and the DejaVu fonts the tests
# draw Vietnamese text with. Installed when missing and we are root (as in CI); otherwise the
# tests that need them are skipped and say why, and filetext flags the files it cannot read.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-vie poppler-utils antiword fonts-dejavu-core
ocr-tools:
	@{ command -v tesseract && command -v pdftoppm && command -v antiword \
	   && tesseract --list-langs 2>&1 | grep -qx vie \
	   && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null) \
	      || echo "note: could not install $(OCR_PACKAGES); attachment OCR tests will be skipped"; \
	  else echo "note: $(OCR_PACKAGES) not all installed; attachment OCR tests will be skipped"; fi; }

clean:
	rm -rf $(VENV) .venv-replay govarchive-data .pytest_cache
