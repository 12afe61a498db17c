#!/usr/bin/env bash
# Writes the fuzz seed corpus into $1: the hand-made edge files of Fuzz/corpus/
# plus samples/records.csv cut into small files (its header, then 8 lines each),
# each behind a control byte (see Sources/FuzzInput/main.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
mkdir -p "$out"
cp Fuzz/corpus/* "$out/"
header=$(head -n 1 samples/records.csv)
tail -n +2 samples/records.csv | split -l 8 - "$out/.part-"
n=0
for part in "$out"/.part-*; do
  # Cycle the control byte: detected/;/, delimiters, several read-size patterns.
  printf "\\$(printf '%03o' $(( (n * 37) % 256 )))" > "$out/sample-$n"
  { printf '%s\n' "$header"; cat "$part"; } >> "$out/sample-$n"
  rm "$part"
  n=$((n + 1))
done
