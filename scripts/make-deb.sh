#!/usr/bin/env bash
# Builds .build/deb/postbatch_<version>_<arch>.deb with dpkg-deb (`make deb`): `make install`
# into a staging folder with PREFIX=/usr (release binary with --static-swift-stdlib, man page,
# completions), then the Debian files.
#
# Layout: /usr/bin/postbatch, /usr/share/postbatch/{templates,schemas}, the man page, bash, zsh
# and fish completions, and /usr/share/doc/postbatch (copyright, README, examples: the sample
# campaign and the sample CSV). No conffiles: an operator's own campaign goes to
# /etc/postbatch/campaign.toml or ~/.config/postbatch/campaign.toml (docs/deploy.md).
#
# Depends: the packages that own the shared libraries the binary names (readelf NEEDED, ldd,
# dpkg -S: exact for the binary built), plus the fonts and the ICC profile read at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

version_file=Sources/PostbatchKit/Report/RunFacts.swift   # PostbatchVersion.current
version=$(sed -n 's/^ *public static let current = "\([^"]*\)"$/\1/p' "$version_file" | head -n 1)
[[ -n $version ]] || { echo "make-deb: cannot read the version from $version_file" >&2; exit 1; }
arch=$(dpkg --print-architecture)
out=.build/deb
stage=$out/postbatch_${version}_${arch}
rm -rf "$stage" "$out"/postbatch_*.deb
mkdir -p "$stage"

make --no-print-directory install DESTDIR="$PWD/$stage" PREFIX=/usr

# Debian policy: compressed man page, documentation and copyright under /usr/share/doc.
gzip -9n "$stage/usr/share/man/man1/postbatch.1"
doc=$stage/usr/share/doc/postbatch
install -d "$doc/examples"
install -m 0644 README.md "$doc/README.md"
install -m 0644 templates/campaign.toml "$doc/examples/campaign.toml"
install -m 0644 samples/records.csv "$doc/examples/records.csv"
cat > "$doc/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: postbatch

Files: *
Copyright: postbatch maintainers
License: unspecified
Comment: postbatch itself: the binary, templates, examples and documentation. The
 repository declares no licence of its own.

Files: usr/share/postbatch/schemas/memo/*
Copyright: Digitaliseringsstyrelsen (MeMo interface specification)
License: MIT
Comment: Redistributed by itk-dev-rpa/python-serviceplatformen (MeMo 1.1) and mortenm12/memo
 (MeMo 1.2), both MIT. Provenance of every file: usr/share/postbatch/schemas/memo/SOURCE.md.

Files: usr/share/postbatch/schemas/fjernprint/SF1600_EP_SP1-2/*
Copyright: KOMBIT / OIO (fjernprint interface specification)
License: MIT
Comment: Redistributed by itk-dev/serviceplatformen (MIT, Copyright (c) 2020 ITK Development).
 Provenance of every file: usr/share/postbatch/schemas/fjernprint/SOURCE.md.

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 and associated documentation files (the "Software"), to deal in the Software without
 restriction, including without limitation the rights to use, copy, modify, merge, publish,
 distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or
 substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
 BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 NONINFRINGEMENT.
EOF
chmod 0644 "$doc/copyright"

# Debian policy: a stripped binary (95 MB → 64 MB; the Swift runtime needs no symbol table).
strip --strip-unneeded "$stage/usr/bin/postbatch"

# The packages that own the libraries the binary names (NEEDED), as dpkg-shlibdeps would list
# them: the binary's direct dependencies, resolved to files by ldd, owned per dpkg -S.
binary=$stage/usr/bin/postbatch
if readelf -d "$binary" | grep -E 'NEEDED' | grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime'; then
  echo "make-deb: the binary links the Swift runtime dynamically (not built with --static-swift-stdlib?)" >&2
  exit 1
fi
packages=()
for name in $(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  library=$(ldd "$binary" | awk -v n="$name" '$1 == n && $3 ~ /^\// { print $3 }')
  [[ -n $library ]] || library=$(ldd "$binary" | awk -v n="$name" 'index($1, n) { print $1 }')
  real=$(readlink -f "$library")
  owner=$(dpkg -S "$library" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "/usr$real" 2>/dev/null || true)
  [[ -n $owner ]] || { echo "make-deb: no Debian package owns $name ($library)" >&2; exit 1; }
  packages+=("${owner%%:*}")
done
# Read at run time, not linked: DejaVu Sans (fontconfig), the fallback fonts for names in
# other scripts (Noto, Noto CJK, Symbola). The sRGB profile of PDF/A letters is built in.
packages+=(fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-symbola)
depends=$(printf '%s\n' "${packages[@]}" | sort -u | paste -sd, | sed 's/,/, /g')

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
install -d "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<EOF
Package: postbatch
Version: $version
Architecture: $arch
Maintainer: postbatch maintainers <postbatch@localhost>
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Description: batch pipeline for Danish Digital Post letters (MeMo and fjernprint)
 postbatch reads a CSV of people, checks every record, puts each person in one of five
 letter groups, renders the group's letter as a PDF/A and writes one XML envelope per
 letter into a delivery spool: a MeMo message for Digital Post, or a fjernprint
 ForsendelseI for paper. It ships the MeMo 1.1/1.2 and fjernprint schemas it validates
 against, and a sample campaign and CSV under /usr/share/doc/postbatch/examples.
EOF
find "$stage" -type d -exec chmod 0755 {} +
find "$stage/usr/share" -type f -exec chmod 0644 {} +

dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/" >/dev/null
deb=$(ls "$out"/postbatch_"${version}"_"${arch}".deb)
echo "make-deb: $deb"
echo "make-deb: Depends: $depends"
