# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install whenever pyproject.toml changes; the stamp lives inside the venv so a clean clone has none.
RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev

# The APL validator (npm apl-suggester) for the screen's documents, pinned by tests/apl's lock.
APL_CHECK := tests/apl/node_modules/.package-lock.json
# Bespoken's virtual-alexa, which reads the generated model literally, pinned by tests/nlu's lock.
NLU_CHECK := tests/nlu/node_modules/.package-lock.json

.PHONY: run test check lint typecheck content model package lock bench clean

# The two test lanes (tests/conftest.py marks tests/reliability slow; other slow tests say so).
# Each lane runs on every core (pytest-xdist); TEST_WORKERS=0 runs a lane in one process.
TEST_WORKERS ?= auto
FAST_LANE := $(BIN)/pytest -m "not slow" -n $(TEST_WORKERS) --durations=10
SLOW_LANE := $(BIN)/pytest -m slow -n $(TEST_WORKERS) --durations=10
# DynamoDB Local, started once for everything it wraps, then stopped.
WITH_DYNAMODB := $(BIN)/python tools/dynamodb_local.py run --

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[web]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

## run: set up and start the skill's main job on the embedded default (SQLite, local console)
run: $(RUN_STAMP)
	$(BIN)/runner-strength chat

$(APL_CHECK): tests/apl/package.json tests/apl/package-lock.json
	npm ci --prefix tests/apl --no-audit --no-fund

$(NLU_CHECK): tests/nlu/package.json tests/nlu/package-lock.json
	npm ci --prefix tests/nlu --no-audit --no-fund

## test: everything CI runs: content check, lint, types, then DynamoDB Local and the fast lane,
## then the slow lane (reliability: fuzz, soak, load, faults; bundles; subprocess tools)
test: $(DEV_STAMP) $(APL_CHECK) $(NLU_CHECK)
	$(BIN)/runner-strength check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(WITH_DYNAMODB) sh -c '$(FAST_LANE) && $(SLOW_LANE)'

## check: quick feedback while working: lint, import contracts and the fast lane (no mypy, no slow lane)
check: $(DEV_STAMP) $(APL_CHECK) $(NLU_CHECK)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(WITH_DYNAMODB) $(FAST_LANE)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

## content: recompile content/ into the artefact the skill ships with
content: $(RUN_STAMP)
	$(BIN)/runner-strength build-content

## model: regenerate the interaction model from content
model: $(RUN_STAMP)
	$(BIN)/runner-strength build-model

## package: build the Lambda deployment zip from the locked, hashed dependencies
## (requirements-lambda.txt), its bytecode compiled by the runtime's Python (3.13; found on PATH,
## pyenv or uv, or set LAMBDA_PYTHON=/path/to/python3.13)
package: $(RUN_STAMP) requirements-lambda.txt
	$(BIN)/runner-strength package $(if $(LAMBDA_PYTHON),--python $(LAMBDA_PYTHON))

## lock: re-resolve the Lambda bundle's dependencies for the runtime and write their hashes
lock: $(RUN_STAMP)
	$(BIN)/runner-strength lock

## bench: benchmarks against a baseline in the same run (not part of make test)
bench: $(DEV_STAMP)
	$(BIN)/python tools/dynamodb_local.py run -- $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .tools .mypy_cache .ruff_cache .pytest_cache .hypothesis
	rm -rf tests/apl/node_modules tests/nlu/node_modules
