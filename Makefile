# postbatch — the two commands a new user needs are `make sample` and `make test`.
# Nothing here installs system packages: see README.md (Debian packages) and .ci/run.

SWIFT ?= swift
SAMPLE ?= samples/records.csv
SPOOL ?= spool

.PHONY: build release sample test bench letters-png fuzz fuzz-build clean

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

## libFuzzer on the CSV reader and record classification (Fuzz/, see README "Hardening"):
## runs FUZZ_SECONDS, fails on a crash, an invariant failure, a leak or a slow input.
FUZZ_SECONDS ?= 60
FUZZ_RSS_MB ?= 2048
FUZZ_BIN = Fuzz/.build/debug/FuzzInput
FUZZ_WORK = Fuzz/.build/fuzz

fuzz-build:
	cd Fuzz && $(SWIFT) build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld

fuzz: fuzz-build
	rm -rf $(FUZZ_WORK)/seeds
	Fuzz/make-corpus.sh $(FUZZ_WORK)/seeds
	mkdir -p $(FUZZ_WORK)/corpus $(FUZZ_WORK)/artifacts
	SWIFT_BACKTRACE=enable=no $(FUZZ_BIN) $(FUZZ_WORK)/corpus $(FUZZ_WORK)/seeds \
		-max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=$(FUZZ_RSS_MB) -max_len=4096 -timeout=10 \
		-artifact_prefix=$(FUZZ_WORK)/artifacts/ -print_final_stats=1

clean:
	rm -rf .build Fuzz/.build $(SPOOL)
