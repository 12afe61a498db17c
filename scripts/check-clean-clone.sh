#!/usr/bin/env bash
# CI check that the repository is self-contained (`make check-clone`, run by .ci/run after
# `make test`): `git clone` of the committed HEAD into a new temporary folder, where no
# development reference folder exists beside it, then the README's `make sample` there, then `verify` and
# `validate` (with the schemas of the clone) on the spool it wrote.
#
# It builds the clone from scratch (one debug build); SwiftPM's shared repository cache under
# ~/.cache is used as on any machine. Uncommitted changes are not in the clone: commit first.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-clone: FAILED: $*" >&2; exit 1; }
# The folder of the developers' references beside the repository, which nothing may need.
# Spelt in two parts so that this check, which only tests its absence, is not itself a reference.
outside="../"
outside+="shared"

work=$(mktemp -d /tmp/postbatch-clone.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$PWD" "$work/postbatch"
cd "$work/postbatch"
echo "check-clone: cloned $(git rev-parse --short HEAD) into $PWD"
[[ ! -e $outside ]] || fail "$outside exists beside the clone"

# Nothing in the repository may need files outside it.
if git grep -n -I -F -e "$outside" -- .; then
  fail "files above refer to $outside"
fi

start=$SECONDS
make sample > "$work/sample.log" 2>&1 || { tail -n 40 "$work/sample.log" >&2; fail "make sample"; }
echo "check-clone: make sample took $((SECONDS - start)) s"
tail -n 3 "$work/sample.log"
[[ -f spool/manifest.csv && -f spool/report.json ]] || fail "make sample wrote no spool"
letters=$(($(wc -l < spool/manifest.csv) - 1))
(( letters > 0 )) || fail "the spool holds no letter"

# From another folder, so that only the binary's own lookup finds templates and schemas.
cd "$work"
postbatch/.build/debug/postbatch verify postbatch/spool
postbatch/.build/debug/postbatch validate postbatch/spool | tee validate.txt
grep -q "against $work/postbatch/schemas/memo/v1.2/Version1.2/MeMo_core.xsd" validate.txt \
  || fail "validate did not use the clone's shipped schemas"
postbatch/.build/debug/postbatch config
echo "check-clone: OK ($letters letters)"
