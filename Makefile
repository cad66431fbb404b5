# Góp Ý developer commands. `make run` and `make test` are the two a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

OIDC_PROVIDER := tests/auth/oidc_provider/node_modules/.package-lock.json

.PHONY: install run test lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

run: install
	$(PY) -m devrun

lint: install
	$(VENV)/bin/ruff check services shared devrun tests bench migrations
	$(VENV)/bin/ruff format --check services shared devrun tests bench migrations

typecheck: install
	$(VENV)/bin/mypy services shared devrun

# The sign-in tests run a real OpenID Connect provider (node-oidc-provider) under Node.js.
$(OIDC_PROVIDER): tests/auth/oidc_provider/package-lock.json
	npm ci --prefix tests/auth/oidc_provider --no-audit --no-fund --loglevel=error

test: install lint typecheck $(OIDC_PROVIDER)
	$(PY) -m pytest

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
