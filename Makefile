# The two commands of the README. Each installs what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: site serve check test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/.installed  ## build the site into site/
	$(PY) build.py

serve: $(VENV)/.installed  ## build, serve on http://127.0.0.1:8000/ and reload on change
	$(PY) build.py serve

check: $(VENV)/.installed  ## validate content and translations only
	$(PY) build.py check

test: $(VENV)/.installed  ## the whole test suite, browser tools included
	sh scripts/install-test-tools
	$(PY) -m pytest

bench: $(VENV)/.installed  ## the benchmark (bench/README.md); BENCH_ARGS=--quick for the short run
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf site .site.new .site.journal .site.lock $(VENV)
