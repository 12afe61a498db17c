# postbatch — the two commands a new user needs are `make sample` and `make test`.
# Nothing here installs system packages: see README.md (Debian packages) and .ci/run.

SWIFT ?= swift
SAMPLE ?= samples/records.csv
SPOOL ?= spool

.PHONY: build release sample test bench clean check-html

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product postbatch

## The main job on the bundled sample.
sample: build
	$(SWIFT) run --skip-build postbatch stats $(SAMPLE)

## Every test (unit tests of each stage and end-to-end tests of the binary).
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Throughput and peak memory, with a baseline from the same run.
bench:
	scripts/bench.sh

## Render the HTML report of the sample with headless Chromium (phone and desktop
## width) and check the screenshots are not blank. Needs the Debian package chromium.
check-html:
	scripts/check-html.sh $(SAMPLE)

clean:
	rm -rf .build $(SPOOL)
