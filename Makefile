VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov pins its own dependency set, so it lives in a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov

.PHONY: run test bench

run: $(STAMP)
	$(VENV)/bin/bourse serve --host 127.0.0.1 --port 8000

test: $(STAMP) $(CHECKOV)
	$(PY) -m ruff check .
	$(PY) -m mypy
	BOURSE_CHECKOV=$(abspath $(CHECKOV)) $(PY) -m pytest

bench: $(STAMP)
	$(PY) -m benchmarks.engine

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $(STAMP)

$(CHECKOV):
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --upgrade pip
	$(CHECKOV_VENV)/bin/pip install 'checkov>=3.2,<4'
