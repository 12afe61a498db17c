# postbatch — the two commands a new user needs are `make sample` and `make test`.
# Nothing here installs system packages: see README.md (Debian packages) and .ci/run.

SWIFT ?= swift
SAMPLE ?= samples/records.csv
SPOOL ?= spool
PREFIX ?= /usr/local
DESTDIR ?=
RELEASE_BIN = .build/release/postbatch

.PHONY: build release sample test bench letters-png fuzz fuzz-build fuzz-compile clean check-html man completions install uninstall

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product postbatch

## The main job on the bundled sample: a fresh spool in $(SPOOL)/, then its report.
sample: build
	rm -rf $(SPOOL)
	$(SWIFT) run --skip-build postbatch run $(SAMPLE) --spool $(SPOOL)

## Every test (unit tests of each stage and end-to-end tests of the binary).
test: fuzz-compile
	scripts/stage-deps.py
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Throughput and peak memory, with a baseline from the same run.
bench:
	scripts/bench.sh

## Every letter of samples/letters.csv as PDF and PNG in letters-png/, to look at: each group
## and language digitally, and paper letters to Denmark, the Faroe Islands, Greenland and
## abroad, with a long c/o line, a shortened name and group 5 abroad, in both languages.
letters-png: build
	rm -rf letters-png
	$(SWIFT) run --skip-build postbatch preview samples/letters.csv --per-group 100 --format pdf --out letters-png
	scripts/letters-png.sh letters-png

## Render the HTML report of the sample with headless Chromium (phone and desktop
## width) and check the screenshots are not blank. Needs the Debian package chromium.
check-html:
	scripts/check-html.sh $(SAMPLE)

## The man page, from the command's own help (swift-argument-parser's generate-manual plugin).
man: release
	mkdir -p .build/man
	$(SWIFT) package --disable-sandbox plugin generate-manual --output-directory .build/man

## Shell completion scripts for bash, zsh and fish.
completions: release
	mkdir -p .build/completions
	$(RELEASE_BIN) --generate-completion-script bash > .build/completions/postbatch.bash
	$(RELEASE_BIN) --generate-completion-script zsh > .build/completions/_postbatch
	$(RELEASE_BIN) --generate-completion-script fish > .build/completions/postbatch.fish

## Install the release binary, templates, man page and completions under $(PREFIX)
## (the binary finds its templates in $(PREFIX)/share/postbatch/templates).
install: release man completions
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/postbatch/templates \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/postbatch
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/postbatch/templates/
	install -m 0644 .build/man/postbatch.1 $(DESTDIR)$(PREFIX)/share/man/man1/postbatch.1
	install -m 0644 .build/completions/postbatch.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/postbatch
	install -m 0644 .build/completions/_postbatch $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_postbatch
	install -m 0644 .build/completions/postbatch.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/postbatch.fish

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/postbatch $(DESTDIR)$(PREFIX)/share/postbatch \
	  $(DESTDIR)$(PREFIX)/share/man/man1/postbatch.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/postbatch \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_postbatch \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/postbatch.fish

## libFuzzer on the CSV reader and record classification (Fuzz/, see docs/hardening.md):
## runs FUZZ_SECONDS, fails on a crash, an invariant failure, a leak or a slow input.
## The target (PostbatchFuzz) depends on the library itself; it joins the manifest when
## POSTBATCH_FUZZ is set and builds in its own scratch folder with the sanitizers.
FUZZ_SECONDS ?= 60
FUZZ_RSS_MB ?= 2048
FUZZ_SCRATCH = .build-fuzz
FUZZ_BIN = $(FUZZ_SCRATCH)/debug/PostbatchFuzz
FUZZ_WORK = $(FUZZ_SCRATCH)/fuzz

fuzz-build:
	POSTBATCH_FUZZ=1 $(SWIFT) build -c debug --scratch-path $(FUZZ_SCRATCH) --product PostbatchFuzz \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld

## Compiles the fuzz target without the sanitizers (no link: libFuzzer's driver comes with
## -sanitize=fuzzer), so a change that breaks it fails `make test`.
fuzz-compile:
	POSTBATCH_FUZZ=1 $(SWIFT) build --target PostbatchFuzz

fuzz: fuzz-build
	rm -rf $(FUZZ_WORK)/seeds
	Fuzz/make-corpus.sh $(FUZZ_WORK)/seeds
	mkdir -p $(FUZZ_WORK)/corpus $(FUZZ_WORK)/artifacts
	SWIFT_BACKTRACE=enable=no $(FUZZ_BIN) $(FUZZ_WORK)/corpus $(FUZZ_WORK)/seeds \
		-max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=$(FUZZ_RSS_MB) -max_len=4096 -timeout=10 \
		-artifact_prefix=$(FUZZ_WORK)/artifacts/ -print_final_stats=1

clean:
	rm -rf .build $(FUZZ_SCRATCH) $(SPOOL)
