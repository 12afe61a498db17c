#!/usr/bin/env bash
# Delivery throughput: `postbatch deliver` against the loopback Digital Post stand-in
# (dp-standin), both on this machine, release builds. Prints letters/s and peak RSS.
#
#   scripts/bench-deliver.sh                      # 50,000 records, containers of 500
#   BENCH_DELIVER_RECORDS=100000 scripts/bench-deliver.sh
#   BENCH_DELIVER_VALIDATE=1 scripts/bench-deliver.sh   # the stand-in also validates every MeMo
#   BENCH_DELIVER_UNPACK=0 scripts/bench-deliver.sh     # the stand-in only reads the bodies:
#                                                       # deliver's own cost (TLS, ledger, files)
#
# The stand-in unpacks every container (LZMA + tar) and counts each messageUUID; with
# BENCH_DELIVER_VALIDATE=1 it also checks each MeMo against the XSD, as the tests do.
set -euo pipefail
cd "$(dirname "$0")/.."

RECORDS=${BENCH_DELIVER_RECORDS:-50000}
PER=${BENCH_DELIVER_PER_CONTAINER:-500}
CONNECTIONS=${BENCH_DELIVER_CONNECTIONS:-4}
SCHEMA=${BENCH_DELIVER_SCHEMA:-schemas/memo/v1.2/Version1.2/MeMo_core.xsd}
swift build -c release --product postbatch >/dev/null
swift build -c release --product dp-standin >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/postbatch-bench-deliver.XXXXXX")
STANDIN_PID=""
cleanup() {
  if [ -n "$STANDIN_PID" ]; then kill "$STANDIN_PID" 2>/dev/null || true; wait "$STANDIN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN/postbatch" generate --count "$RECORDS" --seed 5 --defect-rate 0 > "$WORK/records.csv"
"$BIN/postbatch" run "$WORK/records.csv" --spool "$WORK/spool" --container tar.lzma --per-container "$PER" \
  --now 2021-10-01T08:00:00Z --quiet > /dev/null
LETTERS=$(grep -c ',digital,' "$WORK/spool/manifest.csv")
BYTES=$(du -sb "$WORK/spool/digital" | cut -f1)

# The ledger's cost: a dry run on the fresh spool reads the manifest into the ledger.
/usr/bin/time -f "%e s, peak RSS %M KB" -o "$WORK/ledger" "$BIN/postbatch" deliver "$WORK/spool" --dry-run 2>/dev/null
LEDGER_FILL=$(cat "$WORK/ledger")
LEDGER_SIZE=$(du -sk "$WORK/spool/.delivery" | cut -f1)

STANDIN_ARGS=(--certs "$WORK/certs")
if [ "${BENCH_DELIVER_VALIDATE:-0}" = 1 ]; then STANDIN_ARGS+=(--schema "$SCHEMA"); fi
if [ "${BENCH_DELIVER_UNPACK:-1}" = 0 ]; then STANDIN_ARGS+=(--no-unpack); fi
"$BIN/dp-standin" "${STANDIN_ARGS[@]}" > "$WORK/standin.out" 2> "$WORK/standin.err" &
STANDIN_PID=$!
for _ in $(seq 100); do [ -s "$WORK/standin.out" ] && break; sleep 0.1; done
URL=$(head -1 "$WORK/standin.out")

export POSTBATCH_SYSTEM_ID=postbatch-test-system POSTBATCH_SYSTEM_SECRET=test-secret
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/rss" "$BIN/postbatch" deliver "$WORK/spool" --endpoint "$URL" \
  --cert "$WORK/certs/client.pem" --key "$WORK/certs/client.key" --ca "$WORK/certs/ca.pem" \
  --connections "$CONNECTIONS" --quiet 2> "$WORK/deliver.err"
end=$(date +%s.%N)
kill -INT "$STANDIN_PID"; wait "$STANDIN_PID" || true; STANDIN_PID=""
seconds=$(echo "$end - $start" | bc -l)
printf 'deliver: %d letters in containers of %d (%d MB compressed), %d connections, stand-in %s\n' \
  "$LETTERS" "$PER" $((BYTES / 1000000)) "$CONNECTIONS" \
  "$(if [ "${BENCH_DELIVER_UNPACK:-1}" = 0 ]; then echo "not unpacking"; elif [ "${BENCH_DELIVER_VALIDATE:-0}" = 1 ]; then echo "unpacking and validating"; else echo "unpacking, no XSD"; fi)"
printf '  %.2f s, %.0f letters/s, deliver peak RSS %d MB\n' "$seconds" "$(echo "$LETTERS / $seconds" | bc -l)" \
  $(( $(cat "$WORK/rss") / 1024 ))
printf '  ledger: filled from the manifest (%d letters) in %s; .delivery/ %d KB\n' "$(( $(wc -l < "$WORK/spool/manifest.csv") - 1 ))" "$LEDGER_FILL" "$LEDGER_SIZE"
cat "$WORK/deliver.err"
cat "$WORK/standin.err"
