# The project's two commands: `make cluster` and `make test` (see README.md).
SWIFT ?= swift
VENV := .venv
PYTHON ?= python3
# Python packages the integration tests use, installed into $(VENV).
PYTHON_PACKAGES := pytest cassandra-driver cqlsh

.PHONY: deps venv build release test test-swift test-sim test-integration cluster bench-rocksdb bench-redis bench-segment clean

deps:
	@scripts/ensure-deps.sh

venv: $(VENV)/.installed

# Re-run when PYTHON_PACKAGES changes (it lives in this file).
$(VENV)/.installed: Makefile
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PYTHON_PACKAGES)
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Builds and runs every test: Swift unit, model, crash and power-loss tests, then the
## real-process integration tests against local clusters.
test: test-swift test-integration

test-swift: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/run-swift-tests.sh

## The cluster simulator alone. SEED=n replays one seed (SIM_WORKLOAD=unique-inserts,
## registers or logged-batches, and SIM_NODES=3 or 5 pick one run); SIM_SEEDS=n runs n seeds per workload and
## cluster size (default 75).
test-sim: deps
	$(SWIFT) build --build-tests
	SWIFT_DETERMINISTIC_HASHING=1 $(SWIFT) test --skip-build --filter 'SimulationTests\.'

test-integration: deps venv
	$(SWIFT) build --product kvnode
	$(SWIFT) build --product kvcli
	KVCLI=$$($(SWIFT) build --show-bin-path)/kvcli $(VENV)/bin/pytest -q -s Tests/integration

## Builds in release mode and starts a 3-node local cluster on 127.0.0.1-3.
cluster: release
	@bin=$$($(SWIFT) build -c release --show-bin-path); \
	echo "$$bin/kvcli cluster start --nodes 3"; \
	$$bin/kvcli cluster start --nodes 3

## Our engine and RocksDB's db_bench side by side (PERFORMANCE.md §1).
bench-rocksdb: deps
	Benchmarks/compare-rocksdb.sh

## A one-node cluster and Redis side by side on point reads and writes (PERFORMANCE.md §2).
bench-redis: deps
	Benchmarks/compare-redis.sh

## Segments on one- and three-node clusters against SQLite and DuckDB (PERFORMANCE.md §3).
## NUM=200000 make bench-segment runs a small one.
bench-segment: deps
	Benchmarks/compare-segment.sh

clean:
	rm -rf .build
