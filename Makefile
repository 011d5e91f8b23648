VENV := .venv
PY := $(VENV)/bin/python
# Every dependency, the dev extra's included, pinned with its hashes for Python 3.11: the venv
# installs exactly these, and is built anew whenever they change.
LOCK := requirements.lock
LOCKED := $(VENV)/.locked
STAMP := $(VENV)/.installed
COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
	--python-version 3.11 --output-file $(LOCK) --quiet
# checkov pins its own dependency set, so it lives in a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov

# The web page, type-checked (tsc) and built by Vite from web/ into web/dist/ whenever its
# sources or packages change (Node.js 20.19 or later); its packages install exactly as
# web/package-lock.json pins them.
WEB_BUILT := web/dist/index.html
WEB_PACKAGES := web/node_modules/.package-lock.json
WEB_SOURCES := web/index.html web/admin.html web/vite.config.js web/tsconfig.json $(wildcard web/src/*) $(wildcard web/src/admin/*)

# The domain, compiled by mypyc (setup.py) into C extensions beside its sources, which Python
# imports instead of them; installing builds it (a C compiler is a prerequisite), and builds it
# anew whenever a source of it changes.
DOMAIN := $(wildcard domain/*.py)
COMPILED := domain/*.so *__mypyc.*.so
# The pure-Python domain's tests run on a copy of the sources without the extensions.
PURE := build/pure

.PHONY: run split test test-pure bench services lock upgrade-lock web

run: $(STAMP) $(WEB_BUILT)
	$(VENV)/bin/bourse serve --host 127.0.0.1 --port 8000

web: $(WEB_BUILT)

$(WEB_BUILT): $(WEB_PACKAGES) $(WEB_SOURCES)
	cd web && npm run build

$(WEB_PACKAGES): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# The design's services as separate processes (Procfile) on the local PostgreSQL and Redis; the
# keys they share are made once into .env, which honcho reads.
split: $(STAMP) services
	@test -f .env || printf 'BOURSE_SECRET_KEY=%s\nBOURSE_JWT_SECRET=%s\n' \
		"$$($(VENV)/bin/bourse secret-key)" "$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')" > .env
	$(VENV)/bin/bourse migrate
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/honcho start

# The suite runs on TEST_WORKERS pytest-xdist workers, a test module to a worker (see
# tests/conftest.py); the tests marked `alone` restart a server the others share: they run after.
# Three on two cores: much of the suite waits on the servers it starts.
TEST_WORKERS ?= 3

test: $(STAMP) $(CHECKOV) $(WEB_BUILT) services
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -c "import domain.exchange as m; assert m.__file__.endswith('.so'), 'domain not compiled'"
	BOURSE_CHECKOV=$(abspath $(CHECKOV)) $(PY) -m pytest -n $(TEST_WORKERS) -m "not alone"
	BOURSE_CHECKOV=$(abspath $(CHECKOV)) $(PY) -m pytest -m alone
	$(MAKE) --no-print-directory test-pure

# The domain's and the application's tests once more, on the pure-Python domain.
test-pure: $(STAMP)
	rm -rf $(PURE)
	mkdir -p $(PURE)
	cp -r domain application adapters entrypoints benchmarks tests pyproject.toml $(PURE)/
	find $(PURE) -name '*.so' -delete
	cd $(PURE) && $(abspath $(PY)) -c "import domain.exchange as m; assert m.__file__.endswith('.py')"
	cd $(PURE) && $(abspath $(PY)) -m pytest -p no:cacheprovider tests/unit tests/application

# The suite runs against the machine's PostgreSQL and Redis on loopback: start them if stopped.
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

bench: $(STAMP)
	$(PY) -m benchmarks.goals

# The lock changes only by these: `lock` after editing the dependencies in pyproject.toml (the
# other pins stay), `upgrade-lock` to move every pin to the newest release pyproject.toml allows.
lock: $(STAMP)
	$(COMPILE)

upgrade-lock: $(STAMP)
	$(COMPILE) --upgrade

$(LOCKED): $(LOCK)
	rm -rf $(VENV)
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install --require-hashes -r $(LOCK)
	touch $(LOCKED)

# The extensions of the build before go first: none is left stale, nor left at all by a build
# that falls back to pure Python (no C compiler).
$(STAMP): $(LOCKED) pyproject.toml setup.py $(DOMAIN)
	rm -f $(COMPILED)
	$(PY) -m pip install --no-deps -e .
	touch $(STAMP)

$(CHECKOV):
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --upgrade pip
	$(CHECKOV_VENV)/bin/pip install 'checkov>=3.2,<4'
