# Quick start: `make demo` renders the built-in guides into output/; `make serve` starts the web app
# on http://127.0.0.1:8000/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve test install schemas bench bench-serve screenshot pictures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/guidegen render --all --lang zh --lang en --out output \
	  $$(command -v soffice >/dev/null && command -v pdfinfo >/dev/null && echo --paginate --format docx --format pdf --format md --format xlsx)

serve: $(STAMP)
	$(BIN)/guidegen serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

schemas: $(STAMP)
	$(BIN)/guidegen schema --out schemas --reference docs/reference.md

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

bench-serve: $(STAMP)
	$(BIN)/python benchmarks/serve_load.py --requests 50

# docs/web-app.png for the README (needs chromium and chromium-driver)
screenshot: $(STAMP)
	$(BIN)/python docs/screenshot.py

# docs/page-toc.png and docs/page-mapping.png for the README (needs LibreOffice and poppler)
pictures: $(STAMP)
	$(BIN)/python docs/pictures.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
