#!/usr/bin/env bash
# Delivery benchmark and full-flow check: run → deliver → receipts → fallback → status →
# verify on a generated spool (50,000 records, about 46,000 digital letters: the issue's
# "≥ 5,000 letters" flow, too slow for `make test`), against the loopback Digital Post
# stand-in (dp-standin), both on this machine, release builds. `make bench` runs it.
#
#   scripts/bench-deliver.sh                      # 50,000 records, containers of 500
#   BENCH_DELIVER_RECORDS=100000 scripts/bench-deliver.sh
#   BENCH_DELIVER_VALIDATE=1 scripts/bench-deliver.sh   # the stand-in also validates every MeMo
#
# Every figure comes from this run. Printed per step: wall time, letters/s, peak RSS and
# CPU seconds (user + system). The baseline is the same containers POSTed by curl,
# CONNECTIONS at a time, without a ledger, to a fresh stand-in: the transport alone.
# Each is measured twice: against a stand-in that unpacks every container (LZMA + tar,
# as a real service must) and against one that only reads the bodies (postbatch's own
# side). The stand-in prints its own CPU time and the time it spent unpacking, so the
# split of the two cores between sender and stand-in is visible. Each step's outcome is
# checked: every message taken exactly once, every receipt stored, the NOT_ALLOWED
# letters on paper, `verify` clean.
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
fail() { echo "bench-deliver: FAILED: $*" >&2; exit 1; }

# standin_start NAME ARGS...: a fresh stand-in; its base URL in $URL, its report in $WORK/NAME.standin.
standin_start() {
  local name=$1
  shift
  "$BIN/dp-standin" --certs "$WORK/certs" --outcomes test "$@" > "$WORK/$name.url" 2> "$WORK/$name.standin" &
  STANDIN_PID=$!
  for _ in $(seq 300); do [ -s "$WORK/$name.url" ] && break; sleep 0.1; done
  URL=$(head -1 "$WORK/$name.url")
  export URL
  [ -n "$URL" ] || fail "dp-standin did not start: $(cat "$WORK/$name.standin")"
}
standin_stop() {
  kill -INT "$STANDIN_PID"
  wait "$STANDIN_PID" || true
  STANDIN_PID=""
}

# step LABEL LETTERS COMMAND...: runs COMMAND (stderr to $WORK/step.err), prints its figures.
step() {
  local label=$1 letters=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$WORK/time" "$@" > "$WORK/step.out" 2> "$WORK/step.err" \
    || fail "$label: $(tail -5 "$WORK/step.err")"
  end=$(date +%s.%N)
  read -r rss user sys < <(tail -n 1 "$WORK/time")
  awk -v label="$label" -v n="$letters" -v s="$start" -v e="$end" -v rss="$rss" -v u="$user" -v y="$sys" \
    'BEGIN { t = e - s; printf "%-40s %8d %8.2f s %9.0f letters/s %7.1f MB peak RSS %7.2f s CPU\n",
             label, n, t, (t > 0 ? n / t : 0), rss / 1024, u + y }'
}

# The baseline: every container POSTed by curl, CONNECTIONS at a time, no ledger.
post_all() {
  find "$1/digital" -name '*.tar.lzma' -print0 | xargs -0 -P "$CONNECTIONS" -I{} \
    curl -sS --fail -o /dev/null --cert "$WORK/certs/client.pem" --key "$WORK/certs/client.key" \
      --cacert "$WORK/certs/ca.pem" -u "$POSTBATCH_SYSTEM_ID:$POSTBATCH_SYSTEM_SECRET" \
      -H 'Content-Type: application/x-lzma' --data-binary @{} "$URL/memos/"
}
export -f post_all
export WORK CONNECTIONS POSTBATCH_SYSTEM_ID=postbatch-test-system POSTBATCH_SYSTEM_SECRET=test-secret

"$BIN/postbatch" generate --count "$RECORDS" --seed 5 --defect-rate 0 > "$WORK/records.csv"
"$BIN/postbatch" run "$WORK/records.csv" --spool "$WORK/spool" --container tar.lzma --per-container "$PER" \
  --now 2021-10-01T08:00:00Z --quiet > /dev/null 2> "$WORK/run.err" || fail "run: $(tail -5 "$WORK/run.err")"
LETTERS=$(grep -c ',digital,' "$WORK/spool/manifest.csv")
ALL=$(( $(wc -l < "$WORK/spool/manifest.csv") - 1 ))
CONTAINERS=$(find "$WORK/spool/digital" -name '*.tar.lzma' | wc -l)
BYTES=$(du -sb "$WORK/spool/digital" | cut -f1)
cp -r "$WORK/spool" "$WORK/spool-raw"

echo "postbatch delivery benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$RECORDS records: $LETTERS digital letters of $ALL, $CONTAINERS containers of $PER, $((BYTES / 1000000)) MB; $CONNECTIONS connections"
VALIDATE=()
if [ "${BENCH_DELIVER_VALIDATE:-0}" = 1 ]; then VALIDATE=(--schema "$SCHEMA"); echo "the stand-in validates every MeMo against $SCHEMA"; fi

# The ledger alone: a dry run reads the manifest into it.
step "ledger: fill from the manifest (dry run)" "$ALL" "$BIN/postbatch" deliver "$WORK/spool" --dry-run
echo "$(printf '%-40s' '  ledger on disk')$(du -sk "$WORK/spool/.delivery" | cut -f1) KB"

for mode in unpack read-only; do
  extra=("${VALIDATE[@]}")
  if [ "$mode" = read-only ]; then extra=(--no-unpack); fi
  echo "-- stand-in: $([ "$mode" = unpack ] && echo "unpacks every container (LZMA + tar)" || echo "reads the bodies only: postbatch's own side")"
  standin_start "baseline-$mode" "${extra[@]}"
  step "baseline: curl POST, no ledger" "$LETTERS" bash -c "post_all '$WORK/spool-raw'"
  standin_stop
  sed 's/^/  /' "$WORK/baseline-$mode.standin"
  spool="$WORK/spool"
  if [ "$mode" = read-only ]; then
    # A fresh copy with its ledger filled (the fill is the first line above), so both
    # deliver lines measure the same work: containers read, TLS, ledger updates per container.
    rm -rf "$WORK/spool-copy"
    cp -r "$WORK/spool-raw" "$WORK/spool-copy"
    spool="$WORK/spool-copy"
    "$BIN/postbatch" deliver "$spool" --dry-run 2> /dev/null
  fi
  standin_start "deliver-$mode" "${extra[@]}"
  step "deliver (ledger, TLS, retries)" "$LETTERS" "$BIN/postbatch" deliver "$spool" --endpoint "$URL" \
    --cert "$WORK/certs/client.pem" --key "$WORK/certs/client.key" --ca "$WORK/certs/ca.pem" \
    --connections "$CONNECTIONS" --quiet
  grep -q "sent $CONTAINERS container(s) with $LETTERS letter(s)" "$WORK/step.err" || fail "deliver: $(cat "$WORK/step.err")"
  if [ "$mode" = read-only ]; then
    standin_stop
    sed 's/^/  /' "$WORK/deliver-$mode.standin"
    continue
  fi
  step "receipts (page, store, delete)" "$LETTERS" "$BIN/postbatch" receipts "$spool" --endpoint "$URL" \
    --cert "$WORK/certs/client.pem" --key "$WORK/certs/client.key" --ca "$WORK/certs/ca.pem"
  standin_stop
  sed 's/^/  /' "$WORK/deliver-$mode.standin"
  grep -q "$LETTERS message(s) taken, 0 taken more than once" "$WORK/deliver-$mode.standin" \
    || fail "the stand-in did not take every message exactly once"
  "$BIN/postbatch" status "$spool" --format json > "$WORK/status.json"
  python3 - "$WORK/status.json" "$LETTERS" <<'EOF' || fail "status after receipts"
import json, sys
status = json.load(open(sys.argv[1]))["by_status"]
letters = int(sys.argv[2])
received = status["received"] + status["completed"] + status["invalid"] + status["not_allowed"]
assert status["not_sent"] == 0 and status["sent"] == 0 and received == letters, status
assert status["not_allowed"] > 0 and status["invalid"] > 0 and status["completed"] > 0, status
EOF
  NOT_ALLOWED=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['by_status']['not_allowed'])" "$WORK/status.json")
  step "fallback (NOT_ALLOWED → paper)" "$NOT_ALLOWED" "$BIN/postbatch" fallback "$spool" \
    --input "$WORK/records.csv" --today 2021-10-08
  grep -q "wrote $NOT_ALLOWED paper letter(s)" "$WORK/step.err" || fail "fallback: $(cat "$WORK/step.err")"
  step "status --format json" "$(( ALL + NOT_ALLOWED ))" "$BIN/postbatch" status "$spool" --format json
  step "verify (envelopes and ledger)" "$(( ALL + NOT_ALLOWED ))" "$BIN/postbatch" verify "$spool"
done
echo "full flow checked: every message taken once, every receipt stored, $NOT_ALLOWED NOT_ALLOWED letters on paper, verify clean"
