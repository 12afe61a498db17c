#!/usr/bin/env bash
# postbatch benchmark driver: release build, generated inputs, wall time and peak RSS per command.
#
# Every figure comes from this run. A baseline (a plain copy of the same input) is measured
# in the same run, so results compare across machines as ratios.
#
#   scripts/bench.sh                 # 100k and 1M records
#   BENCH_SIZES="100000" scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"100000 1000000"}
REPEAT=${BENCH_REPEAT:-3}
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
    /usr/bin/time -f "%M" -o "$WORK/rss" taskset -c 0 "$@" >/dev/null
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
}

echo "postbatch benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m), best of $REPEAT, pinned to core 0"
printf '%-28s %10s %11s %18s %20s\n' "what" "records" "wall" "rate" "memory"
for n in $SIZES; do
  "$BIN" generate --count "$n" --seed 42 --defect-rate 0.1 > "$WORK/input.csv"
  size=$(stat -c %s "$WORK/input.csv")
  echo "-- $n records, $((size / 1024 / 1024)) MiB of CSV"
  measure "baseline: cat input" "$n" records cat "$WORK/input.csv"
  measure "stats --format json" "$n" records "$BIN" stats "$WORK/input.csv" --format json
done
