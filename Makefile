VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov pins its own dependency set, so it lives in a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov

.PHONY: run test bench services

run: $(STAMP)
	$(VENV)/bin/bourse serve --host 127.0.0.1 --port 8000

test: $(STAMP) $(CHECKOV) services
	$(PY) -m ruff check .
	$(PY) -m mypy
	BOURSE_CHECKOV=$(abspath $(CHECKOV)) $(PY) -m pytest

# The suite runs against the machine's PostgreSQL and Redis on loopback: start them if stopped.
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

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
