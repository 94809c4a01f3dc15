# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint bench serve clean chromium age

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

demo: $(STAMP)
	$(BIN)/lawline demo

test: $(DEVSTAMP) chromium age
	$(BIN)/python -m pytest

# The browser tests drive Debian's chromium. Install it when it is missing and we may (root with
# apt-get); otherwise the tests print why they skip (and fail when CI=true).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium); \
	  else echo "chromium missing and not root: the browser tests will skip"; fi; \
	fi

# The `age -d` interoperability test needs Debian's age: installed the same way, so it always
# runs in CI (root) and skips with its reason elsewhere.
age:
	@if ! command -v age >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -q age || (apt-get update -q && apt-get install -y -q age); \
	  else echo "age missing and not root: the age interoperability test will skip"; fi; \
	fi

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

BENCHSTAMP := $(VENV)/.installed-bench

$(BENCHSTAMP): pyproject.toml $(DEVSTAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

# wrk (Debian) is the HTTP load generator; installed here when running as root and missing.
bench: $(BENCHSTAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } || true
	$(BIN)/python -m bench.run $(BENCH_ARGS)

serve: $(STAMP)
	$(BIN)/lawline serve

clean:
	rm -rf $(VENV) var bench/results.json
