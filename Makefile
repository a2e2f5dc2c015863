# cdktf-lambda: every target installs what it needs on first use (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
TOOLS := .tools
PY    := $(VENV)/bin/python
PIPENV_VERSION := 2026.10.3

# Project-local environment for every recipe: the virtualenv's node 22 first (jsii and cdktf-cli need it),
# pipenv in the project, Terraform pointed at the project's own CLI config (provider mirror, no global change).
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/$(TOOLS)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_IGNORE_VIRTUALENVS := 1
export PIPENV_NOSPIN := 1
export TF_CLI_CONFIG_FILE := $(CURDIR)/.terraform.d/cli.tfrc
export CHECKPOINT_DISABLE := 1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1
export DISABLE_VERSION_CHECK := true

.PHONY: help setup synth test lint fmt clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(TOOLS)/bin/pipenv:
	@echo "== installing pipenv $(PIPENV_VERSION) into $(TOOLS)/"
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet pipenv==$(PIPENV_VERSION)

$(VENV)/.synced: Pipfile.lock | $(TOOLS)/bin/pipenv
	@echo "== installing Python packages from Pipfile.lock into $(VENV)/ (about a minute on first use)"
	$(TOOLS)/bin/pipenv sync --dev
	@touch $@

node_modules/.installed: package-lock.json $(VENV)/.synced
	@echo "== installing cdktf-cli from package-lock.json (node $$($(VENV)/bin/node --version))"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.terraform.d/cli.tfrc: $(VENV)/.synced
	@$(PY) -m devtools.terraform_cli write-config $@

setup: $(VENV)/.synced node_modules/.installed .terraform.d/cli.tfrc ## install Python packages, node 22, cdktf-cli, Terraform CLI config

synth: setup ## synthesize every stack to cdktf.out/stacks/<stack>/cdk.tf.json
	cdktf synth

test: setup ## run the test suite (unit, synth, snapshot, handler and lifecycle tests)
	$(PY) -m pytest

lint: setup ## ruff
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: setup ## format with ruff
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean: ## remove generated output (keeps installed packages)
	rm -rf cdktf.out out .cdktf-lambda-cache .pytest_cache
