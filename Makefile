# coursesite: every command sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# One test process per core (pytest-xdist): the suite takes half the time on two cores.
# `make test TEST_WORKERS=` runs it in one process.
TEST_WORKERS ?= -n auto

.PHONY: run test lint format migrate demo screenshots clean bench messages lighthouse

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(BIN)/python -c "import django, markdownx, nh3, PIL" 
	@rm -f $(VENV)/.installed-* && touch $@

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The Russian catalogue (locale/ru): extract every marked string, list any without a translation,
# compile. CI runs the same check (.ci/check-translations); it needs GNU gettext.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || apt-get install -y gettext || (apt-get update && apt-get install -y gettext)
	.ci/check-translations

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Load test (not part of `make test`): wrk and Redis from Debian's packages, data in bench/data/.
bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	@command -v redis-server >/dev/null || apt-get install -y redis-server || (apt-get update && apt-get install -y redis-server)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-artifacts

# The README's pictures (docs/screenshots/): the demo's pages in Chromium (needs /usr/bin/chromium).
screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots

# Lighthouse's scores on the demo (not part of `make test`): the npm package pinned in
# .lighthouse/package-lock.json, installed there by `npm ci`, run against /usr/bin/chromium.
LIGHTHOUSE_STAMP := .lighthouse/node_modules/.installed-$(shell cksum .lighthouse/package-lock.json | cut -d' ' -f1)

$(LIGHTHOUSE_STAMP): .lighthouse/package-lock.json
	@command -v npm >/dev/null || (echo "npm not found: apt-get install -y npm" && exit 1)
	cd .lighthouse && npm ci --no-audit --no-fund
	@touch $@

lighthouse: $(STAMP) $(LIGHTHOUSE_STAMP)
	$(BIN)/python -m tests.browser.lighthouse $(LIGHTHOUSE_ARGS)
