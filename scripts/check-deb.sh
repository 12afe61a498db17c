#!/usr/bin/env bash
# CI check of the Debian package and the static binary (`make check-deb`, run by .ci/run after
# `make test`). Needs root (apt-get install), as CI has.
#
# 1. `make deb`: the release binary built with --static-swift-stdlib, packaged with dpkg-deb.
# 2. The binary in the package names no Swift toolchain library (ldd, readelf -d NEEDED) and
#    its RUNPATH is at most SwiftPM's `$ORIGIN` (readelf -d).
# 3. `apt-get install ./postbatch_*.deb`, so the Depends resolve through apt.
# 4. From a folder that is not the repository, with the toolchain hidden: /opt/swift (where
#    swift is: `dirname $(dirname $(command -v swift))`) is covered by an empty tmpfs in a
#    private mount namespace (unshare -m), and the environment is emptied (env -i). There,
#    `postbatch --version`, `config` (shipped default, then an operator's campaign in
#    $XDG_CONFIG_HOME with the installed templates), `run` on the packaged sample with that
#    campaign, `validate` (with the shipped schemas) and `verify` must succeed.
# 5. `apt-get remove postbatch`: every file dpkg -L listed is gone, and so are its folders.
#
# What this proves: the installed binary starts and does the whole job with no file of the
# Swift toolchain reachable, whatever the dynamic loader would look for. What it does not:
# that it runs on another Debian release or a machine without the build's -dev packages (the
# Depends name only runtime libraries; the -dev packages are still installed here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --checks

if [[ $(id -u) != 0 ]]; then
  echo "check-deb: needs root (apt-get install, unshare -m)" >&2
  exit 1
fi
fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }

make --no-print-directory deb
deb=$(ls "$PWD"/.build/deb/postbatch_*.deb)
echo "check-deb: built $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Depends

# 2. Static stdlib: nothing of the toolchain in the binary's dynamic section or its ldd.
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")   # /opt/swift/usr
toolchain=${toolchain%/usr}
work=$(mktemp -d /tmp/postbatch-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/extract"
binary=$work/extract/usr/bin/postbatch
if ldd "$binary" | grep -F "$toolchain"; then fail "ldd names the toolchain ($toolchain)"; fi
if ldd "$binary" | grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime'; then
  fail "the binary links Swift runtime libraries dynamically"
fi
# SwiftPM always links with RUNPATH $ORIGIN (/usr/bin once installed); nothing else may be there.
runpath=$(readelf -d "$binary" | sed -n 's/.*(R[UN]*PATH).*\[\(.*\)\]/\1/p')
[[ -z $runpath || $runpath == '$ORIGIN' ]] || fail "RPATH/RUNPATH is '$runpath'"
echo "check-deb: ldd names no Swift library, NEEDED holds no Swift runtime, RUNPATH is '${runpath}'"

# 3. Install through apt, so the Depends must resolve.
if dpkg -s postbatch >/dev/null 2>&1; then apt-get remove -y postbatch >/dev/null; fi
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" >/dev/null
dpkg -L postbatch | sort > "$work/files"
echo "check-deb: installed $(wc -l < "$work/files") paths"

# 4. The whole job from another folder, toolchain hidden.
mkdir -p "$work/job"
cat > "$work/job/job.sh" <<'EOF'
set -eu
cd "$1"
test ! -e /opt/swift/usr/bin/swift || { echo "toolchain still visible" >&2; exit 1; }
/usr/bin/postbatch --version
/usr/bin/postbatch config | tee config.txt
grep -q "^campaign:  /usr/share/postbatch/templates/campaign.toml  (shipped default)" config.txt
grep -q "^schemas:   /usr/share/postbatch/schemas  (installed beside the binary)" config.txt
# An operator's campaign in $XDG_CONFIG_HOME: found, with the installed templates, and used.
mkdir -p xdg/postbatch
sed 's/^name = .*/name = "Testkommune Nord"/' /usr/share/doc/postbatch/examples/campaign.toml > xdg/postbatch/campaign.toml
export XDG_CONFIG_HOME="$1/xdg"
/usr/bin/postbatch config | tee config.txt
grep -q "^campaign:  $1/xdg/postbatch/campaign.toml  (\$XDG_CONFIG_HOME/postbatch/campaign.toml)" config.txt
grep -q "^templates: /usr/share/postbatch/templates  (shipped templates)" config.txt
/usr/bin/postbatch run /usr/share/doc/postbatch/examples/records.csv --spool spool --quiet
grep -rlq "Testkommune Nord" spool/digital
/usr/bin/postbatch validate spool > validate.txt
cat validate.txt
grep -q "against /usr/share/postbatch/schemas/memo/v1.2/Version1.2/MeMo_core.xsd" validate.txt
grep -q "against /usr/share/postbatch/schemas/fjernprint/wrapper-ForsendelseI.xsd" validate.txt
/usr/bin/postbatch verify spool
EOF
unshare --mount --propagation private \
  sh -c 'mount -t tmpfs -o ro,size=1m postbatch-hides-swift "$1" && exec env -i PATH=/usr/bin:/bin HOME=/nonexistent sh "$2/job.sh" "$2"' \
  sh "$toolchain" "$work/job" || fail "the installed postbatch did not do the job with the toolchain hidden"
test -f "$work/job/spool/manifest.csv" || fail "no spool written"
echo "check-deb: run, validate and verify passed with $toolchain hidden"

# 5. Remove: nothing of the package is left.
apt-get remove -y postbatch >/dev/null
status=$(dpkg-query -W -f='${db:Status-Status}' postbatch 2>/dev/null || true)
[[ -z $status || $status == not-installed ]] || fail "dpkg still knows postbatch: $status"
left=()
while IFS= read -r path; do
  [[ -e $path || -L $path ]] || continue
  [[ -d $path && ! -L $path ]] && continue   # shared folders (/usr/bin) stay
  left+=("$path")
done < "$work/files"
for folder in /usr/share/postbatch /usr/share/doc/postbatch; do
  [[ ! -e $folder ]] || left+=("$folder")
done
(( ${#left[@]} == 0 )) || fail "left after apt-get remove: ${left[*]}"
echo "check-deb: apt-get remove left nothing of $(wc -l < "$work/files") paths"
echo "check-deb: OK"
