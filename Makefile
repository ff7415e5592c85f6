# pass'Sport Club: every task a contributor needs, one word each.
#   make run     create .venv if missing, install, start the program
#   make test    install the test tools, then lint, layer contracts and the whole suite
#   make suite   the whole suite alone; for another Python:
#                make suite PYTHON=python3.13 VENV=.venv-3.13 (.ci/run does it for each found)
#                as root, make suite also installs what the tests run from Debian's packages
#                (poppler's PDF tools, PostgreSQL's server, the screen-reader stack)
#   make bench   print the table of measured figures (bench/)
#   make build   the frozen one-folder program in dist/ (PyInstaller)
#   make smoke   build, then the frozen program's self-check (--smoke-test: window, receipt
#                PDF and print, XLSX export read back, TLS) and its size budget
#   make deb     the Debian package of the frozen program (FROZEN=dist/passsport-club, made by
#                make build); sudo packaging/check-deb dist/*.deb installs it in a clean Debian
#   make check-workflows  actionlint on .github/workflows (Windows and macOS builds), shellcheck
#                on packaging/
#   make lock    re-pin requirements/constraints.txt after a dependency change

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
CONSTRAINTS := requirements/constraints.txt
# The suite runs on every core (pytest-xdist), four at most: its tests share no port,
# file or keyring. WORKERS=0 runs it in this one process.
WORKERS ?= auto

.PHONY: run test suite screen-reader-tools test-tools orca-transcript lint bench build smoke lock clean screenshots deb check-workflows

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	@echo '*' > $(VENV)/.gitignore

$(VENV)/.installed-run: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install -c $(CONSTRAINTS) -e '.[test]'
	@touch $@ $(VENV)/.installed-run

$(VENV)/.installed-dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install -c $(CONSTRAINTS) -e '.[test,build]'
	@touch $@ $(VENV)/.installed-run $(VENV)/.installed-test

run: $(VENV)/.installed-run
	$(BIN)/passsport-club

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint suite

# What the screen-reader tests run (tests/screen_reader.py), from Debian's packages:
# installed when missing and root, else tests/test_screen_reader.py says what to install.
# Qt's xcb platform plugin (the program on a real X server) loads the libxcb-* libraries,
# the README's list for running the program on Linux.
QT_XCB_PACKAGES := libxkbcommon-x11-0 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 \
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 \
  libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1
SCREEN_READER_PACKAGES := xvfb dbus-daemon at-spi2-core python3-pyatspi xdotool $(QT_XCB_PACKAGES)
screen-reader-tools:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! dpkg -s $(SCREEN_READER_PACKAGES) >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SCREEN_READER_PACKAGES) >/dev/null; \
	fi

# Poppler's pdftotext and pdffonts (the receipts' tests read PDFs with them) and
# PostgreSQL's server, that the storage tests start a cluster of their own with
# (bench/postgres.py), from Debian's packages: installed when missing and root, else those
# tests say what to install. The system cluster the package may start (port 5432) is unused.
TEST_PACKAGES := poppler-utils postgresql
test-tools:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! dpkg -s $(TEST_PACKAGES) >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEST_PACKAGES) >/dev/null; \
	fi

# What Orca itself says over the desk flow (docs/accessibility.md), with Debian's orca.
orca-transcript: $(VENV)/.installed-test screen-reader-tools
	@if [ "$$(id -u)" = 0 ] && { ! command -v orca >/dev/null || [ ! -e /usr/share/i18n/locales/fr_FR ]; }; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq orca locales >/dev/null; \
	fi
	$(BIN)/python -m tests.orca_transcript

suite: $(VENV)/.installed-test screen-reader-tools test-tools
	@$(BIN)/python -c 'import sys; print("The suite on Python", sys.version.split()[0])'
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(WORKERS) --maxprocesses=4

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

build: $(VENV)/.installed-dev
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN build.spec

# The frozen folder's size budget in MB (docs/performance.md): over it, `make smoke` fails.
BUNDLE_MAX_MB ?= 150

smoke: build
	QT_QPA_PLATFORM=offscreen dist/passsport-club/passsport-club --smoke-test
	@$(BIN)/python -c 'import pathlib, sys; \
	  mb = sum(p.stat().st_size for p in pathlib.Path("dist/passsport-club").rglob("*") if p.is_file() and not p.is_symlink()) / 1e6; \
	  print(f"bundle: {mb:.1f} MB, at most $(BUNDLE_MAX_MB) MB"); \
	  sys.exit(mb > $(BUNDLE_MAX_MB) and "the bundle is over its size budget")'

# The frozen folder the package is made of; DEB_DIR is where the .deb goes.
FROZEN ?= dist/passsport-club
DEB_DIR ?= dist
deb:
	packaging/build-deb $(FROZEN) $(DEB_DIR)

# actionlint runs shellcheck on each run: step it finds on the PATH.
check-workflows: $(VENV)/.installed-dev
	PATH="$(BIN):$$PATH" $(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/shellcheck packaging/build-deb packaging/check-deb

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
