#!/bin/sh
# Renders every PDF in a folder to PNG images (60 dpi) beside it, to look at letters.
#   scripts/letters-png.sh DIR
# Needs pdftoppm (poppler-utils). Writes DIR/<name>-<page>.png for each DIR/<name>.pdf.
set -eu
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR   (a folder of PDF files)" >&2
    exit 2
fi
command -v pdftoppm >/dev/null 2>&1 || { echo "error: pdftoppm not found (apt-get install poppler-utils)" >&2; exit 2; }
found=0
for pdf in "$1"/*.pdf; do
    [ -e "$pdf" ] || continue
    found=1
    pdftoppm -r 60 -png "$pdf" "${pdf%.pdf}"
done
if [ "$found" -eq 0 ]; then
    echo "error: no PDF files in $1" >&2
    exit 1
fi
