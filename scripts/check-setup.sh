#!/usr/bin/env bash
# CI check of scripts/setup.sh's two other branches (`make check-setup`, run by .ci/run; the
# "all there" branch runs at every `make test`). The C libraries are made to look missing by
# pointing pkg-config at an empty folder (PKG_CONFIG_LIBDIR), so nothing is removed:
#
# 1. as an unprivileged user without sudo: it must stop (exit 1) and print the one command
#    that installs exactly the missing -dev packages;
# 2. as root: it must run that command itself (apt-get update and install; here the packages
#    are already installed, so apt changes nothing) and exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-setup: FAILED: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "check-setup: needs root (runs setup.sh as root and as nobody)" >&2; exit 1; }

work=$(mktemp -d /tmp/postbatch-setup.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
install -m 0755 scripts/setup.sh "$work/setup.sh"
expected="libxml2-dev libpango1.0-dev libcairo2-dev libharfbuzz-dev librsvg2-dev zlib1g-dev libarchive-dev liblzma-dev libsqlite3-dev liblcms2-dev"

status=0
setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin PKG_CONFIG_LIBDIR="$work/none" \
  bash "$work/setup.sh" > "$work/out" 2>&1 || status=$?
cat "$work/out"
[[ $status == 1 ]] || fail "as nobody: exit $status, expected 1"
grep -qF "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $expected'" "$work/out" \
  || fail "as nobody: the install command does not name exactly the missing packages"
echo "check-setup: unprivileged: stops with the one command to run"

PKG_CONFIG_LIBDIR="$work/none" bash "$work/setup.sh" > "$work/root" 2>&1 || { cat "$work/root"; fail "as root"; }
grep -q "^setup: installing $expected" "$work/root" || fail "as root: did not install"
grep -q "is already the newest version" "$work/root" || fail "as root: apt-get install did not run"
echo "check-setup: root: ran apt-get update and install itself"

start=$(date +%s%N)
scripts/setup.sh
echo "check-setup: everything present: $(( ($(date +%s%N) - start) / 1000000 )) ms, nothing installed"
