#!/usr/bin/env bash
# Makes sure this machine has the Debian packages postbatch needs to build and test.
#
#   scripts/setup.sh            what `make sample` and `make test` need (both call this first)
#   scripts/setup.sh --checks   also what the CI checks need (scripts/check-*.sh): systemd-analyze, readelf,
#                               chromium (the HTML report's screenshots)
#
# Cheap when everything is there: one `pkg-config --exists` per C library, one `command -v`
# per tool, one file test per data file; nothing is installed or fetched. When something is
# missing it runs `apt-get update && apt-get install -y --no-install-recommends …` as root (or
# through `sudo -n`), and otherwise stops, printing the one command to run. Swift itself is
# not a Debian package: it is expected at `swift` (README, "Two commands").
set -euo pipefail

checks=false
case "${1:-}" in
  --checks) checks=true ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--checks]" >&2; exit 2 ;;
esac

missing=()
need() { # need PACKAGE: remember it once
  local p
  for p in "${missing[@]+"${missing[@]}"}"; do [[ $p == "$1" ]] && return 0; done
  missing+=("$1")
}

# C libraries the package links, by pkg-config module (Package.swift's .systemLibrary targets),
# and littleCMS, which builds the PDF/A sRGB profile (scripts/make-srgb-icc.sh and its test).
libraries=(
  "libxml-2.0 libxml2-dev"
  "pangocairo libpango1.0-dev"
  "cairo libcairo2-dev"
  "harfbuzz-subset libharfbuzz-dev"
  "librsvg-2.0 librsvg2-dev"
  "zlib zlib1g-dev"
  "libarchive libarchive-dev"
  "liblzma liblzma-dev"
  "sqlite3 libsqlite3-dev"
  "lcms2 liblcms2-dev"
)
# Commands the build and the tests run.
tools=(
  "make make"
  "pkg-config pkg-config"
  "python3 python3"
  "git git"
  "xmllint libxml2-utils"
  "pdftotext poppler-utils"
  "pdftoppm poppler-utils"
  "qpdf qpdf"
  "chattr e2fsprogs"
  "mount util-linux"
  "flock util-linux"
  "lzma xz-utils"
  "openssl openssl"
  "zsh zsh"
  "fish fish"
)
# Files read at run time or by the tests.
files=(
  "/usr/bin/time time"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf fonts-dejavu-core"
  "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf fonts-noto-core"
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk"
  "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf fonts-symbola"
)
if $checks; then
  tools+=(
    "systemd-analyze systemd"
    "readelf binutils"
    "dpkg-deb dpkg"
    "unshare util-linux"
    "chromium chromium"
  )
fi

if ! command -v pkg-config >/dev/null 2>&1; then
  need pkg-config
  for entry in "${libraries[@]}"; do need "${entry#* }"; done
else
  for entry in "${libraries[@]}"; do
    pkg-config --exists "${entry%% *}" || need "${entry#* }"
  done
fi
for entry in "${tools[@]}"; do
  command -v "${entry%% *}" >/dev/null 2>&1 || need "${entry#* }"
done
for entry in "${files[@]}"; do
  [[ -e ${entry%% *} ]] || need "${entry#* }"
done

if (( ${#missing[@]} == 0 )); then
  exit 0
fi

install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) == 0 ]]; then
  echo "setup: installing ${missing[*]}" >&2
  sh -c "$install"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "setup: installing ${missing[*]} (sudo)" >&2
  sudo -n sh -c "$install"
else
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "Run this once, then run make again:" >&2
  echo "  sudo sh -c '$install'" >&2
  exit 1
fi
