# Góp Ý developer commands. `make run` and `make test` are the two a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

OIDC_PROVIDER := tests/auth/oidc_provider/node_modules/.package-lock.json

.PHONY: install run test lint typecheck bench clean

install: $(STAMP)

# Runtime (requirements.lock, all the production image gets) and development
# (requirements-dev.lock: tests, lint, types, the embedded broker of `make run`).
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet -r requirements.lock -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

run: install
	$(PY) -m devrun

lint: install
	$(VENV)/bin/ruff check services shared devrun devtools tests bench migrations
	$(VENV)/bin/ruff format --check services shared devrun devtools tests bench migrations

typecheck: install
	$(VENV)/bin/mypy services shared devrun devtools

# The sign-in tests run a real OpenID Connect provider (node-oidc-provider) under Node.js.
$(OIDC_PROVIDER): tests/auth/oidc_provider/package-lock.json
	npm ci --prefix tests/auth/oidc_provider --no-audit --no-fund --loglevel=error

test: install lint typecheck $(OIDC_PROVIDER)
	$(PY) -m pytest

# Not part of `make test`. `make bench BENCH_ARGS=--quick` finishes in a few minutes.
bench: install
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
