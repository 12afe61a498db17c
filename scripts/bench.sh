#!/usr/bin/env bash
# postbatch benchmark driver: release build, generated inputs, wall time and peak RSS per command.
#
# Every figure comes from this run. A baseline (a plain copy of the same input) is measured
# in the same run, so results compare across machines as ratios.
#
#   scripts/bench.sh                 # stats and run on 100k and 1M records (a 1M loose spool
#                                    # needs about 22 GB: free space is checked before each)
#   BENCH_SIZES="100000" BENCH_RUN_SIZES="10000" scripts/bench.sh   # a quick look
#   BENCH_PACKAGE=1 scripts/bench.sh # also the in-process benchmarks (package-benchmark)
#   BENCH_TMPFS=/dev/shm scripts/bench.sh   # also a loose run with its spool on tmpfs: on disk,
#                                    # creating 0.8 ms per file bounds loose runs, not postbatch
#   BENCH_DELIVER=0 scripts/bench.sh # without the delivery benchmark (scripts/bench-deliver.sh)
#   BENCH_RUNS="dry containers" scripts/bench.sh   # only some of the runs: dry (two cores),
#                                    # one-core, reference, loose, containers (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"100000 1000000"}
RUN_SIZES=${BENCH_RUN_SIZES:-"100000 1000000"}
REPEAT=${BENCH_REPEAT:-3}
RUNS=" ${BENCH_RUNS:-dry one-core reference loose containers} "
# wanted KIND: whether BENCH_RUNS names the kind of run.
wanted() { [[ "$RUNS" == *" $1 "* ]]; }
swift build -c release --product postbatch >/dev/null
BIN=$(swift build -c release --show-bin-path)/postbatch
WORK=$(mktemp -d "${TMPDIR:-/tmp}/postbatch-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# measure LABEL COUNT UNIT COMMAND...: best wall time of $REPEAT runs, peak RSS of the best run.
measure() {
  local label=$1 count=$2 unit=$3
  shift 3
  local best="" best_rss=""
  for _ in $(seq "$REPEAT"); do
    local start end rss
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$WORK/rss" taskset -c 0 "$@" >/dev/null 2>"$WORK/measure-stderr"
    end=$(date +%s.%N)
    rss=$(tail -n 1 "$WORK/rss")
    local elapsed
    elapsed=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }')
    if [ -z "$best" ] || awk -v a="$elapsed" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$elapsed
      best_rss=$rss
    fi
  done
  awk -v label="$label" -v n="$count" -v t="$best" -v rss="$best_rss" -v unit="$unit" \
    'BEGIN { printf "%-28s %10d %9.3f s %12.0f %s/s %8.1f MB peak RSS\n", label, n, t, n / t, unit, rss / 1024 }'
  if [[ " $* " == *" run "* ]]; then fallbacks; fi
}

# The fast path's count of letters left to the reference renderer, from a run's note
# (no note: none were).
fallbacks() {
  local file=${1:-$WORK/measure-stderr}
  local note
  note=$(grep -oE "[0-9,]+ letters? (was|were) rendered by the reference renderer" "$file" || true)
  echo "     fast path fallbacks: ${note:-none}"
  # Containers whose stream failed liblzma's check and were written again with liblzma.
  if [ "${2:-}" = containers ]; then
    echo "     LZMA check failures: $(grep -c "written again with liblzma" "$file" || true)"
  fi
}

# Templates with personal values anywhere (a salutation, a date in the body, a personal
# paragraph): the shipped templates with the test fixture's introduction laid over them.
PERSONAL="$WORK/personal-templates"
cp -r templates "$PERSONAL"
cp -r Tests/Fixtures/personal-letters/. "$PERSONAL/"

echo "postbatch benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m), best of $REPEAT, pinned to core 0"
printf '%-28s %10s %11s %18s %20s\n' "what" "records" "wall" "rate" "memory"
for n in $SIZES; do
  "$BIN" generate --count "$n" --seed 42 --defect-rate 0.1 > "$WORK/input.csv"
  size=$(stat -c %s "$WORK/input.csv")
  echo "-- $n records, $((size / 1024 / 1024)) MiB of CSV"
  measure "baseline: cat input" "$n" records cat "$WORK/input.csv"
  measure "stats --format json" "$n" records "$BIN" stats "$WORK/input.csv" --format json
done

# Pathological inputs (the end-to-end tests check their outcome and memory; their speed is
# measured here): an unterminated quote at the start of 200 MB, and a million short lines.
echo "-- pathological inputs"
HEADER="cpr;name;co_name;street;postal_code;city;country;cpr_status;address_protected;has_online_banking;needs_id_update;has_key_app;digital_post_exempt;language"
ROW="0707077077;Anna Berg;;Gade 1;1620;By;;01;;ja;nej;;;"
{ printf '%s\n"' "$HEADER"; { yes "$ROW" || true; } | head -c 200000000; } > "$WORK/quote.csv"
measure "stats: 200 MB in one quote" 1 records "$BIN" stats "$WORK/quote.csv" --format csv
{ printf '%s\n' "$HEADER"; { yes 1 || true; } | head -n 1000000; } > "$WORK/short.csv"
measure "stats: 1 M short lines" 1000000 records "$BIN" stats "$WORK/short.csv" --format csv
rm -f "$WORK/quote.csv" "$WORK/short.csv"

# The run: both cores (not pinned), so measured once each.
run_measure() {
  local label=$1 count=$2 letters=$3
  shift 3
  local start end rss
  rm -rf "$WORK/spool"
  # Start with nothing left to write back: a loose spool on disk is 2 GB at 100 k and 20 GB at
  # 1 M, and its write-back and removal go on in the kernel after the run that made it.
  sync
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$WORK/rss" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr"; exit 1; }
  end=$(date +%s.%N)
  rss=$(tail -n 1 "$WORK/rss")
  local bytes=0
  local spool=${MEASURE_SPOOL:-$WORK/spool}
  [ -d "$spool" ] && bytes=$(du -sb "$spool" | cut -f1)
  awk -v label="$label" -v n="$count" -v l="$letters" -v s="$start" -v e="$end" -v rss="$rss" -v b="$bytes" \
    'BEGIN { t = e - s; printf "%-28s %10d %9.3f s %12.0f letters/s %8.1f MB peak RSS %9.0f bytes/letter\n", label, n, t, l / t, rss / 1024, (l > 0 ? b / l : 0) }'
  # For the file-writing baseline after it: this run's rate and mean bytes a letter.
  MEASURED_RATE=$(awk -v l="$letters" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", l / (e - s) }')
  MEASURED_BYTES=$(awk -v l="$letters" -v b="$bytes" 'BEGIN { printf "%.0f", (l > 0 ? b / l : 0) }')
}

# The file system's share of a loose run: scripts/bench-write-files.c writes as many files of the
# same mean size with the loose spool's system calls, one writer a core, and renders, encodes and
# hashes nothing.
WRITE_FILES=""
if command -v cc >/dev/null; then
  WRITE_FILES="$WORK/bench-write-files"
  cc -O2 -o "$WRITE_FILES" scripts/bench-write-files.c
fi
# write_files_baseline FOLDER LETTERS: after a loose run on FOLDER's file system, the baseline with
# that run's letters and mean size, and the run's rate as a share of the baseline's.
write_files_baseline() {
  local folder=$1 letters=$2 rate=$MEASURED_RATE bytes=$MEASURED_BYTES
  [ -n "$WRITE_FILES" ] && [ "$bytes" -gt 0 ] || return 0
  MEASURE_SPOOL="$folder" run_measure "  baseline: write files" "$letters" "$letters" "$WRITE_FILES" "$folder" "$letters" "$bytes" "$(nproc)"
  awk -v r="$rate" -v b="$MEASURED_RATE" 'BEGIN { printf "     the run above made %.0f %% of the letters/s of writing its files alone\n", 100 * r / b }'
  rm -rf "$folder"
}

# What a loose spool takes per letter, rounded up to whole 4 KiB pages and blocks, with a margin:
# a static envelope is about 22.8 KB, a personal one 26.1 KB (docs/performance.md, "Letter size").
STATIC_KIB=25
PERSONAL_KIB=29
# fits FOLDER LETTERS KIB disk|memory LABEL: whether FOLDER has room for a loose spool of LETTERS
# envelopes of KIB KiB each; on tmpfs ("memory") the pages are RAM too, so MemAvailable must hold
# them with 1 GiB to spare. Says why when it does not: such a run is skipped, never half done.
fits() {
  local folder=$1 letters=$2 kib=$3 kind=$4 label=$5
  local need=$((letters * kib * 1024)) free
  free=$(df --output=avail -B1 "$folder" | tail -n 1)
  if [ "$kind" = memory ]; then
    local available
    available=$(awk '$1 == "MemAvailable:" { printf "%.0f\n", $2 * 1024 - 1073741824 }' /proc/meminfo)
    [ "$available" -lt "$free" ] && free=$available
  fi
  if [ "$free" -lt "$need" ]; then
    printf '%-28s skipped: its spool needs %d MiB, %s has %d MiB free\n' "$label" $((need >> 20)) "$folder" $((free >> 20))
    return 1
  fi
}

# A virtual machine whose balloon device takes freed memory back (free page reporting) makes the
# kernel pay a fault to the host for each page it hands out again: tmpfs pages beyond the first
# gigabytes cost 3 times as much (docs/performance.md, "Eighth pass"). Said, so figures compare.
order=/sys/module/page_reporting/parameters/page_reporting_order
if [ -r "$order" ] && compgen -G "/sys/bus/virtio/drivers/virtio_balloon/virtio*" >/dev/null; then
  echo "-- note: this machine returns free memory to its host (virtio balloon, free page reporting of order $(cat "$order") and up)"
fi

for n in $RUN_SIZES; do
  "$BIN" generate --count "$n" --seed 42 --defect-rate 0.1 > "$WORK/input.csv"
  letters=$("$BIN" stats "$WORK/input.csv" --format csv | awk -F, '$1 == "letters.total" { print $2 }')
  echo "-- run: $n records, $letters letters"
  run_measure "baseline: cp input" "$n" "$letters" cp "$WORK/input.csv" "$WORK/copy.csv"
  if wanted dry; then
    run_measure "run --dry-run" "$n" "$letters" "$BIN" run "$WORK/input.csv" --dry-run --now 2021-10-01T08:00:00Z
    fallbacks "$WORK/stderr"
    run_measure "run --dry-run, personal" "$n" "$letters" "$BIN" run "$WORK/input.csv" --dry-run --now 2021-10-01T08:00:00Z --campaign "$PERSONAL/campaign.toml"
    fallbacks "$WORK/stderr"
  fi
  if wanted one-core; then
    # Static against personal templates on one core, best of $REPEAT each, in turn: the ratio of
    # the two is what the fast path's handling of personal values costs.
    measure "  static, one core" "$letters" letters "$BIN" run "$WORK/input.csv" --dry-run --now 2021-10-01T08:00:00Z --workers 1
    measure "  personal, one core" "$letters" letters "$BIN" run "$WORK/input.csv" --dry-run --now 2021-10-01T08:00:00Z --workers 1 --campaign "$PERSONAL/campaign.toml"
  fi
  if wanted reference && [ -z "${reference_done:-}" ]; then
    # The reference renderer is the baseline; on the first size only (at 1 M it alone takes half an hour).
    run_measure "  reference renderer" "$n" "$letters" "$BIN" run "$WORK/input.csv" --dry-run --now 2021-10-01T08:00:00Z --renderer reference
    run_measure "  reference, one core" "$n" "$letters" taskset -c 0 "$BIN" run "$WORK/input.csv" --dry-run --now 2021-10-01T08:00:00Z --renderer reference --workers 1
    reference_done=1
  fi
  if wanted loose && fits "$WORK" "$letters" "$STATIC_KIB" disk "run (loose files)"; then
    run_measure "run (loose files)" "$n" "$letters" "$BIN" run "$WORK/input.csv" --spool "$WORK/spool" --now 2021-10-01T08:00:00Z
    rm -rf "$WORK/spool"
    write_files_baseline "$WORK/files" "$letters"
  fi
  if wanted loose && [ -n "${BENCH_TMPFS:-}" ]; then
    TMPFS_SPOOL=$(mktemp -d "$BENCH_TMPFS/postbatch-bench.XXXXXX")
    if fits "$BENCH_TMPFS" "$letters" "$STATIC_KIB" memory "run (loose files, tmpfs)"; then
      MEASURE_SPOOL="$TMPFS_SPOOL/spool" run_measure "run (loose files, tmpfs)" "$n" "$letters" "$BIN" run "$WORK/input.csv" --spool "$TMPFS_SPOOL/spool" --now 2021-10-01T08:00:00Z
      rm -rf "$TMPFS_SPOOL/spool"
      write_files_baseline "$TMPFS_SPOOL/files" "$letters"
    fi
    if fits "$BENCH_TMPFS" "$letters" "$PERSONAL_KIB" memory "  personal, loose, tmpfs"; then
      MEASURE_SPOOL="$TMPFS_SPOOL/spool" run_measure "  personal, loose, tmpfs" "$n" "$letters" "$BIN" run "$WORK/input.csv" --spool "$TMPFS_SPOOL/spool" --now 2021-10-01T08:00:00Z --campaign "$PERSONAL/campaign.toml"
      fallbacks "$WORK/stderr"
    fi
    rm -rf "$TMPFS_SPOOL"
  fi
  if wanted containers; then
    run_measure "run --container tar.lzma" "$n" "$letters" "$BIN" run "$WORK/input.csv" --spool "$WORK/spool" --now 2021-10-01T08:00:00Z --container tar.lzma
    fallbacks "$WORK/stderr" containers
    run_measure "  personal, tar.lzma" "$n" "$letters" "$BIN" run "$WORK/input.csv" --spool "$WORK/spool" --now 2021-10-01T08:00:00Z --container tar.lzma --campaign "$PERSONAL/campaign.toml"
    fallbacks "$WORK/stderr" containers
    # The baseline of the encoder: liblzma's preset 1, as --lzma-encoder liblzma tunes it.
    run_measure "  liblzma encoder, tar.lzma" "$n" "$letters" "$BIN" run "$WORK/input.csv" --spool "$WORK/spool" --now 2021-10-01T08:00:00Z --container tar.lzma --lzma-encoder liblzma
  fi
  rm -rf "$WORK/spool"
done

# Delivery: deliver with its ledger against the loopback stand-in, next to a curl baseline,
# and the full flow (receipts, fallback, status, verify) on the same spool.
if [ "${BENCH_DELIVER:-1}" != 0 ]; then
  echo "-- delivery (scripts/bench-deliver.sh; BENCH_DELIVER=0 skips it)"
  scripts/bench-deliver.sh
fi

if [ -n "${BENCH_PACKAGE:-}" ]; then
  echo "-- in-process benchmarks (package-benchmark)"
  POSTBATCH_BENCHMARKS=1 swift package --scratch-path .build-bench --disable-sandbox benchmark --target PostbatchBenchmarks
fi
