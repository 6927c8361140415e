# Two commands for a newcomer: `make run` (set up everything, start the app) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run test setup lint bench bench-resilience bench-sms demo clean-db

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/zoelife db upgrade
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .

demo: $(STAMP)
	$(BIN)/zoelife demo --requests 5000

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Inbound texts through /api/twilio/sms of a live server: sustained rate and p99
# (docs/conversations.md, "Throughput").
bench-sms: $(STAMP)
	$(BIN)/python bench/sms_webhook.py

# Each attack of the resilience review against a live server (a few minutes; bench/results.md).
bench-resilience: $(STAMP)
	$(BIN)/python bench/resilience.py
