# Frontyard: `make run` starts the whole kiosk on simulators; `make test` passes every test.
# Both install what is missing first (scripts/setup.sh: Debian packages, .venv, generated gRPC code).

VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: help setup run test lint typecheck unit integration e2e screenshots certs audit lock clean install uninstall deb

help:
	@echo "make run    start the daemon, every simulator and the kiosk UI on simulators"
	@echo "make test   lint, type-check and run every test (unit, integration, e2e)"
	@echo "make certs  issue a local CA and mutual-TLS certificates into certs/"
	@echo "make screenshots  regenerate docs/screens/*.png from the screen audit's walk"
	@echo "make lock   re-pin the dependencies (requirements.lock, with hashes)"
	@echo "make clean  remove the virtual environment, generated code and run state"
	@echo "make install    install as an appliance (root; DESTDIR= stages; README: Install on a kiosk PC)"
	@echo "make uninstall  remove it, keeping /etc/frontyard and /var/lib/frontyard unless PURGE=1"
	@echo "make deb        the same as a Debian package in build/"

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

audit: setup
	@bash scripts/audit.sh

test: lint typecheck audit
	$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

unit: setup
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

integration: setup
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

e2e: setup
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

# docs/screens/*.png: every screen of the screen audit's walk (not part of `make test`).
screenshots: setup
	$(PY) -m pytest -p no:cacheprovider tests/e2e/test_screen_audit.py $(PYTEST_ARGS)
	$(PY) -m tests.support.doc_screens

# Re-pin every dependency with hashes after a change to pyproject.toml (no machine-local index lines).
lock: setup
	$(VENV)/bin/pip-compile -q --allow-unsafe --strip-extras --generate-hashes --extra dev \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

certs: setup
	$(PY) -m daemon.certs --out certs

# The appliance: /opt/frontyard, /etc/frontyard, /var/lib/frontyard, systemd units, udev rules, users.
install: setup
	@bash scripts/install.sh install

uninstall:
	@bash scripts/install.sh uninstall

# A Debian package of the same tree: build/frontyard_<version>_<arch>.deb (needs the registry for the lock).
deb: setup
	@bash scripts/install.sh deb

clean:
	rm -rf $(VENV) gen run var
