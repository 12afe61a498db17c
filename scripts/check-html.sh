#!/usr/bin/env bash
# Renders the HTML report of the sample with headless Chromium, in Danish and English, at
# desktop and phone width, and fails on a blank page or one wider than the window (a
# horizontal overflow: an element reaching past the right edge). Needs the Debian package
# `chromium` (scripts/setup.sh --checks installs it; `make test` does not need it).
#   Danish:  the spool's report.html of a run (with the run's facts; da is the campaign's default)
#   English: stats --format html --report-language en
# Usage: scripts/check-html.sh [INPUT]   (pages and PNGs are left in $OUT, default a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."

INPUT=${1:-samples/records.csv}
[[ -n ${CHROMIUM:-} ]] || scripts/setup.sh --checks
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z "$CHROMIUM" ]]; then
  echo "check-html: chromium not found; install it with: apt-get install -y chromium" >&2
  exit 2
fi
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

swift build --product postbatch >/dev/null
BIN=$(swift build --show-bin-path)/postbatch
rm -rf "$OUT/spool"
"$BIN" run "$INPUT" --spool "$OUT/spool" --quiet >/dev/null 2>&1
cp "$OUT/spool/report.html" "$OUT/report-da.html"
"$BIN" stats "$INPUT" --format html --report-language en > "$OUT/report-en.html" 2>/dev/null

chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --disable-dev-shm-usage --allow-file-access-from-files "$@" 2>/dev/null
}

# A page inside an iframe of the width under test (headless Chromium lays a window out at no
# less than 500 px). A script in the frame page (the report itself has none) writes, per
# frame, the elements that reach past the frame's right edge ("page" when it scrolls sideways).
frame() { # frame ID PAGE WIDTH HEIGHT
  cat <<HTML
<iframe id="$1" src="$(basename "$2")" style="width:$3px;height:$4px;border:0;display:block"></iframe>
<script>document.getElementById("$1").onload = (event) => { try { const w = event.target.contentWindow, d = w.document;
const wide = [...d.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w.innerWidth + 1)
  .map(e => e.tagName.toLowerCase()).slice(0, 10);
if (d.documentElement.scrollWidth > w.innerWidth) wide.unshift("page");
document.body.setAttribute("data-$1", wide.join(" ") + "|" + d.documentElement.scrollWidth + " of " + w.innerWidth + " px") }
  catch (error) { document.body.setAttribute("data-$1", "error " + error) } }</script>
HTML
}

status=0
probe="$OUT/probe.html"
echo '<!DOCTYPE html><html><body style="margin:0">' > "$probe"
for language in da en; do
  page="$OUT/report-$language.html"
  grep -q "<html lang=\"$language\">" "$page" || { echo "check-html: $page is not in $language" >&2; status=1; }
  for width in 1024 390; do
    wrapper="$OUT/frame-$language-$width.html"
    { echo '<!DOCTYPE html><html><body style="margin:0">'; frame f "$page" "$width" 1600; echo '</body></html>'; } > "$wrapper"
    frame "$language-$width" "$page" "$width" 1600 >> "$probe"
    png="$OUT/report-$language-$width.png"
    rm -f "$png"
    chrome --screenshot="$png" --window-size="$width,1600" "file://$wrapper" >/dev/null || true
    if [[ ! -s "$png" ]]; then
      echo "check-html: chromium wrote no screenshot of $language at width $width" >&2
      status=1
      continue
    fi
    python3 scripts/png-colours.py "$png" || status=1
  done
done
echo '</body></html>' >> "$probe"
# One window measures all four frames.
dom=$(chrome --dump-dom --window-size=1500,1600 "file://$probe" || true)
for language in da en; do
  for width in 1024 390; do
    measured=$(grep -o "data-$language-$width=\"[^\"]*\"" <<< "$dom" | cut -d'"' -f2 || true)
    if [[ $measured != '|'* ]]; then
      echo "check-html: $language at width $width overflows, or could not be measured: ${measured:-nothing}" >&2
      status=1
    else
      echo "check-html: $language at width $width fits: ${measured#|}"
    fi
  done
done
echo "check-html: pages and screenshots in $OUT"
exit $status
