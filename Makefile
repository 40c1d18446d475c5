# One command runs every check CI runs: make check
PY ?= python3

check: lint test

lint:
	$(PY) -m ruff check send_cli tests benchmarks

test:
	$(PY) -m pytest

.PHONY: check lint test
