# The two commands a user needs are `make lab` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build/collections
export PYTHONPATH := $(CURDIR)/.build/collections
export CONTAINERS_CONF := $(CURDIR)/lab/containers.conf

.PHONY: deps test unit functional compat generations sanity lint docs docsite ee lab lab-down bench

deps:
	bash scripts/host-deps.sh
	bash scripts/venv.sh

# Everything CI runs.
test: deps
	bash scripts/test.sh

unit functional: deps
	$(VENV)/bin/pytest tests/$@

# the offline functional tests on ansible-core 2.16 with Python 3.6 modules on
# this host's Pacemaker (CI runs them with Pacemaker 2.0: make generations)
compat: deps
	bash scripts/compat.sh

# the offline suites with Pacemaker 2.0 (and the oldest controller) and 3.0
generations: deps
	bash scripts/generations.sh

sanity: deps
	bash scripts/sanity.sh

lint: deps
	bash scripts/lint.sh

docs: deps
	bash scripts/docs.sh

# docs/docsite/rst/*.rst from the guides (docs/*.md), after editing a guide
docsite: deps
	$(VENV)/bin/python scripts/docsite.py

# the execution environment (execution-environment.yml) built here with a local
# base image and no Galaxy, and a job run in it through ansible-runner (tests/ee)
ee: deps
	bash scripts/ee.sh

lab: deps
	bash lab/main.sh

lab-down:
	bash lab/down.sh

bench: deps
	$(VENV)/bin/python benchmarks/run.py
	$(VENV)/bin/python scripts/docsite.py
