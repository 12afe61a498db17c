#!/usr/bin/env bash
# CI check of the deployment files of docs/deploy.md (`make check-deploy`, run by .ci/run).
#
# 1. deploy/systemd: `systemd-analyze verify` (package systemd, installed by
#    `scripts/setup.sh --checks`); any message it prints counts as a failure, since it
#    reports a misspelt setting without failing. Then the service's ExecStart commands run
#    against the debug binary on the sample, in a temporary folder.
# 2. deploy/k8s: scripts/check-k8s.py (PyYAML) checks the manifests offline (no kubectl here),
#    then the pods' own scripts run against the debug binary: the Indexed Job's script once
#    per JOB_COMPLETION_INDEX on the sample input, then the merge Job's script, with the
#    ConfigMap's campaign file and /data replaced by a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --checks
fail() { echo "check-deploy: FAILED: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/postbatch-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. systemd
messages=$(systemd-analyze verify --man=no deploy/systemd/postbatch.service deploy/systemd/postbatch.timer 2>&1) \
  || fail "systemd-analyze verify: $messages"
[[ -z $messages ]] || fail "systemd-analyze verify: $messages"
echo "check-deploy: systemd-analyze verify: service and timer clean"

[[ -x .build/debug/postbatch ]] || swift build --product postbatch
bin=$PWD/.build/debug

(
# The service's own commands, run as systemd would run them (%% is a literal %, $$ a literal $), with the
# installed binary replaced by the debug one and the paths by a temporary folder.
export POSTBATCH_CAMPAIGN=$PWD/templates/campaign.toml
export POSTBATCH_INPUT=$work/incoming/records.csv POSTBATCH_SPOOLS=$work/spools
mkdir -p "$work/incoming" && cp samples/records.csv "$POSTBATCH_INPUT"
grep -q "^Environment=POSTBATCH_CAMPAIGN=/etc/postbatch/campaign.toml$" deploy/systemd/postbatch.service \
  || fail "the service does not name /etc/postbatch/campaign.toml"
commands=0
while IFS= read -r line; do
  command=${line#ExecStart=}
  command=${command//%%/%}
  command=${command//\$\$/\$}
  command=${command//\/usr\/bin\/postbatch/$PWD\/.build\/debug\/postbatch}
  (cd "$work" && eval "$command") > "$work/unit.log" 2>&1 || { cat "$work/unit.log" >&2; fail "ExecStart: $line"; }
  commands=$((commands + 1))
done < <(grep '^ExecStart=' deploy/systemd/postbatch.service)
[[ -f $POSTBATCH_SPOOLS/$(date +%F)/manifest.csv ]] || fail "the service's run wrote no spool for today"
grep -q "envelopes against .*MeMo_core.xsd" "$work/unit.log" || fail "the service did not validate the spool"
echo "check-deploy: the service's ExecStart ($commands) ran: run, validate, verify of today's spool"
)

# 2. Kubernetes
if ! python3 -c 'import yaml' 2>/dev/null; then
  if [[ $(readlink -f "$(command -v python3)") == /usr/bin/python3* ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-yaml >/dev/null
  else
    python3 -m pip install --quiet pyyaml
  fi
fi
python3 scripts/check-k8s.py deploy/k8s/postbatch-shards-job.yaml deploy/k8s/postbatch-merge-job.yaml "$work"

# The pods' environment, with /data and the ConfigMap's mount moved into the temporary folder.
set -a
# shellcheck disable=SC1091
. "$work/env"
set +a
DATA=$work/data
mkdir -p "$DATA/input" "$work/etc"
cp "$work/campaign.toml" "$work/etc/campaign.toml"
POSTBATCH_CAMPAIGN=$work/etc/campaign.toml
cp samples/records.csv "$DATA/input/records.csv"
export DATA POSTBATCH_CAMPAIGN
index=0
while (( index < SHARDS )); do
  (cd "$work" && PATH="$bin:$PATH" JOB_COMPLETION_INDEX=$index sh -e shard.sh) || fail "shard pod $index"
  index=$((index + 1))
done
(cd "$work" && PATH="$bin:$PATH" sh -e merge.sh) | tee "$work/merge.log" || fail "merge pod"
grep -q "^merged: $SHARDS shards" "$work/merge.log" || fail "the merge pod did not merge"
[[ -s $DATA/spools/$RUN_ID/MERGED ]] || fail "no MERGED marker"
echo "check-deploy: $SHARDS shard pods and the merge pod ran their scripts: OK"
