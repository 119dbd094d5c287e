# credo: `make demo` and `make test` do all the set-up on a bare Debian machine.
VENV  ?= .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: demo test install system-deps lint test-sqlite test-postgres clean reliability

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

demo: install
	$(BIN)/credo demo $(DEMO_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test-sqlite: install system-deps
	CREDO_REQUIRE_SPARK=1 $(BIN)/pytest -q

test-postgres: install system-deps
	bash scripts/with-postgres.sh $(BIN)/pytest -q -m store

test: lint test-sqlite test-postgres

screenshots: install system-deps
	CREDO_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q tests/web/test_browser.py

reliability: install
	$(BIN)/python bench/reliability.py --full

clean:
	rm -rf .credo .pytest_cache .mypy_cache .ruff_cache
