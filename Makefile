# pass'Sport Club: every task a contributor needs, one word each.
#   make run     create .venv if missing, install, start the program
#   make test    install the test tools, then lint, layer contracts and the whole suite
#   make bench   print the table of measured figures (bench/)
#   make build   the frozen one-folder program in dist/ (PyInstaller)
#   make smoke   build, then start the frozen program once with --smoke-test
#   make lock    re-pin requirements/constraints.txt after a dependency change

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
CONSTRAINTS := requirements/constraints.txt

.PHONY: run test lint bench build smoke lock clean screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install -c $(CONSTRAINTS) -e '.[test,build]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/passsport-club

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

build: $(VENV)/.installed-dev
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN build.spec

smoke: build
	QT_QPA_PLATFORM=offscreen dist/passsport-club/passsport-club --smoke-test

lock: $(VENV)/.installed-dev
	@{ echo "# Exact versions CI tested. Regenerate with 'make lock' after changing pyproject.toml."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > $(CONSTRAINTS)

clean:
	rm -rf build dist

screenshots: $(VENV)/.installed-dev
	$(BIN)/python docs/screenshots.py
	$(BIN)/python docs/treasurer_screenshots.py
	$(BIN)/python docs/a11y_screenshots.py
	$(BIN)/python docs/receipts.py
