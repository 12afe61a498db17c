# postbatch — the two commands a new user needs are `make sample` and `make test`.
# Nothing here installs system packages: see README.md (Debian packages) and .ci/run.

SWIFT ?= swift
SAMPLE ?= samples/records.csv
SPOOL ?= spool

.PHONY: build release sample test bench letters-png clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product postbatch

## The main job on the bundled sample: a fresh spool in $(SPOOL)/, then its report.
sample: build
	rm -rf $(SPOOL)
	$(SWIFT) run --skip-build postbatch run $(SAMPLE) --spool $(SPOOL)

## Every test (unit tests of each stage and end-to-end tests of the binary).
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Throughput and peak memory, with a baseline from the same run.
bench:
	scripts/bench.sh

## The letters of samples/letters.csv (every group and language, paper and digital,
## long names, foreign addresses) as PDF and PNG in letters-png/, to look at.
letters-png: build
	rm -rf letters-png
	$(SWIFT) run --skip-build postbatch preview samples/letters.csv --per-group 3 --format pdf --out letters-png
	scripts/letters-png.sh letters-png

clean:
	rm -rf .build $(SPOOL)
