#!/usr/bin/env bash
# Renders the HTML report of the sample with headless Chromium at desktop and phone
# width and checks that each screenshot is not blank. Needs the Debian package
# `chromium` (not installed by .ci/run; `make test` does not need it).
# Usage: scripts/check-html.sh [INPUT]   (PNGs are left in $OUT, default a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."

INPUT=${1:-samples/records.csv}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z "$CHROMIUM" ]]; then
  echo "check-html: chromium not found; install it with: apt-get install -y chromium" >&2
  exit 2
fi
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

swift build --product postbatch >/dev/null
BIN=$(swift build --show-bin-path)/postbatch
"$BIN" stats "$INPUT" --format html > "$OUT/report.html"

status=0
for width in 1024 390; do
  png="$OUT/report-$width.png"
  rm -f "$png"
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --screenshot="$png" --window-size="$width,1400" "file://$OUT/report.html" >/dev/null 2>&1 || true
  if [[ ! -s "$png" ]]; then
    echo "check-html: chromium wrote no screenshot at width $width" >&2
    status=1
    continue
  fi
  python3 scripts/png-colours.py "$png" || status=1
done
echo "check-html: report and screenshots in $OUT"
exit $status
