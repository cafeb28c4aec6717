# Podium: every entry point a developer or CI needs. `.venv/` lives at the repo root.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install run test lint bench package chromium clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: install
	$(VENV)/bin/podium dev

# Debian's chromium for the browser tests (playwright cannot download its own browsers here).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/cfn-lint infra/template.yaml

test: install chromium lint
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: install
	$(PY) bench/run_all.py

package: install
	$(PY) -m podium.packaging

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache backend/.chalice/deployments build dist
