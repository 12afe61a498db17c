#!/usr/bin/env bash
# CI check that the repository is self-contained (`make check-clone`): the README's
# `make sample` in a clean clone where no development reference folder exists beside it,
# then `verify` and `validate` (with the schemas of the clone) on the spool it wrote.
#
# Two ways to get the clean clone:
# - by default, `git clone` of the committed HEAD into a new temporary folder, built from
#   scratch there (one full debug build; uncommitted changes are not in the clone: commit first);
# - with CHECK_CLONE_IN_PLACE=1 (what .ci/run does), the current checkout is the clean clone:
#   .ci/run clones the repository into a temporary folder first and runs `make test` and
#   `make check` inside it, so the clone is checked to be unmodified (no tracked file changed,
#   no untracked file that .gitignore does not name) and to have no reference folder beside
#   it, and `make sample` reuses the build `make test` made there instead of a second one.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-clone: FAILED: $*" >&2; exit 1; }
# The folder of the developers' references beside the repository, which nothing may need.
# Spelt in two parts so that this check, which only tests its absence, is not itself a reference.
outside="../"
outside+="shared"

work=$(mktemp -d /tmp/postbatch-clone.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [[ ${CHECK_CLONE_IN_PLACE:-0} == 1 ]]; then
  changes=$(git status --porcelain --untracked-files=all)
  [[ -z $changes ]] || fail "CHECK_CLONE_IN_PLACE=1, but this checkout is not a clean clone:
$changes"
  clone=$PWD
  echo "check-clone: this checkout ($(git rev-parse --short HEAD), $PWD) is the clean clone"
else
  git clone --quiet --no-hardlinks "$PWD" "$work/postbatch"
  clone=$work/postbatch
  cd "$clone"
  echo "check-clone: cloned $(git rev-parse --short HEAD) into $PWD"
fi
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
"$clone/.build/debug/postbatch" verify "$clone/spool"
"$clone/.build/debug/postbatch" validate "$clone/spool" | tee validate.txt
grep -q "against $clone/schemas/memo/v1.2/Version1.2/MeMo_core.xsd" validate.txt \
  || fail "validate did not use the clone's shipped schemas"
"$clone/.build/debug/postbatch" config
echo "check-clone: OK ($letters letters)"
