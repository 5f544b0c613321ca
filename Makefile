# The project's two commands: `make cluster` and `make test` (see README.md).
SWIFT ?= swift

.PHONY: deps build release test test-swift cluster bench-rocksdb clean

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Builds and runs every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

## Builds in release mode and starts a local cluster (the cluster arrives with issue 3).
cluster: release
	@echo "kvnode and the local cluster are not built yet; the storage engine is (see README)."

## Our engine and RocksDB's db_bench side by side (PERFORMANCE.md §1).
bench-rocksdb: deps
	Benchmarks/compare-rocksdb.sh

clean:
	rm -rf .build
