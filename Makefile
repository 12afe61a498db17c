# postbatch — the two commands a new user needs are `make sample` and `make test`.
# Both first run scripts/setup.sh, which installs the Debian packages they need when some
# are missing (as root or through sudo -n) and otherwise prints the one command to run.

SWIFT ?= swift
SAMPLE ?= samples/records.csv
SPOOL ?= spool
PREFIX ?= /usr/local
DESTDIR ?=
RELEASE_BIN = .build/release/postbatch
## The release binary carries the Swift standard library and Foundation inside it, so it
## runs where no Swift toolchain is installed (scripts/check-deb.sh checks it).
RELEASE_FLAGS ?= --static-swift-stdlib

.PHONY: setup build release sample test check check-setup check-clone check-deb check-deploy deb bench letters-png fuzz fuzz-build fuzz-compile clean check-html man completions install uninstall

## The Debian packages the build and the tests need (cheap when they are there).
setup:
	scripts/setup.sh

build:
	scripts/setup.sh
	$(SWIFT) build

release:
	scripts/setup.sh
	$(SWIFT) build -c release --product postbatch $(RELEASE_FLAGS)

## The main job on the bundled sample: a fresh spool in $(SPOOL)/, then its report.
sample: build
	rm -rf $(SPOOL)
	$(SWIFT) run --skip-build postbatch run $(SAMPLE) --spool $(SPOOL)

## Every test (unit tests of each stage and end-to-end tests of the binary), after the
## one-way stage check and the 60-line limit on functions.
test: setup fuzz-compile
	scripts/stage-deps.py
	scripts/long-functions.py
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## What CI runs after `make test`: setup.sh's install and stop branches, a clean clone's
## `make sample`, the Debian package (static binary, install, run, remove), the deployment files,
## the HTML report in headless Chromium (both languages, phone and desktop width).
check: check-setup check-clone check-deb check-deploy check-html

check-setup:
	scripts/check-setup.sh

check-clone:
	scripts/check-clean-clone.sh

check-deb:
	scripts/check-deb.sh

check-deploy:
	scripts/check-deploy.sh

## A Debian package of the release binary with its templates, schemas, man page,
## completions and examples: .build/deb/postbatch_<version>_<arch>.deb.
deb:
	scripts/make-deb.sh

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

## Render the HTML report of the sample with headless Chromium, in Danish and English, at
## phone and desktop width; fail on a blank or overflowing page. Installs chromium when missing.
check-html:
	scripts/check-html.sh $(SAMPLE)

## The man page, from the command's own help (swift-argument-parser's generate-manual plugin),
## without the hidden commands and with SPEC's exit codes (scripts/man-page.py).
## The plugin builds every product first; it does so in debug mode, so that it neither
## rebuilds the release binary without $(RELEASE_FLAGS) nor makes a second release build.
man:
	mkdir -p .build/man
	$(SWIFT) package --disable-sandbox plugin generate-manual --configuration debug --output-directory .build/man
	$$($(SWIFT) build --show-bin-path)/postbatch --experimental-dump-help > .build/man/help.json
	scripts/man-page.py .build/man/postbatch.1 .build/man/help.json

## Shell completion scripts for bash, zsh and fish.
completions: release
	mkdir -p .build/completions
	$(RELEASE_BIN) --generate-completion-script bash > .build/completions/postbatch.bash
	$(RELEASE_BIN) --generate-completion-script zsh > .build/completions/_postbatch
	$(RELEASE_BIN) --generate-completion-script fish > .build/completions/postbatch.fish

## Install the release binary, templates, schemas, man page and completions under $(PREFIX)
## (the binary finds its templates and schemas in $(PREFIX)/share/postbatch).
install: release man completions
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/postbatch/templates \
	  $(DESTDIR)$(PREFIX)/share/postbatch/schemas \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/postbatch
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/postbatch/templates/
	cp -R schemas/. $(DESTDIR)$(PREFIX)/share/postbatch/schemas/
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
fuzz-compile: setup
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
