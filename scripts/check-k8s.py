#!/usr/bin/env python3
"""Offline check of deploy/k8s/*.yaml (kubectl is not installable here: no cluster, no
kubectl package in Debian 12's main archive).

    scripts/check-k8s.py SHARDS_YAML MERGE_YAML OUT_DIR

Checks what `kubectl apply --dry-run=client` would not catch either: that the Indexed Job
really shards (completionMode Indexed, completions = parallelism = SHARDS, the command passes
--shard with $JOB_COMPLETION_INDEX), that the merge Job checks the same spools (same SHARDS,
RUN_ID, claim), that every volume mount names a volume and every volume a ConfigMap or claim
defined here, and that the campaign in the ConfigMap is TOML with the keys of templates/campaign.toml.
Then it writes, for scripts/check-deploy.sh to run against a real binary: OUT_DIR/shard.sh,
OUT_DIR/merge.sh (the containers' scripts), OUT_DIR/env (their shared environment, as
shell assignments) and OUT_DIR/campaign.toml (the ConfigMap's file).
"""
import shlex
import sys
import tomllib

import yaml


def fail(message):
    print(f"check-k8s: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def need(condition, message):
    if not condition:
        fail(message)


def load(path):
    with open(path, encoding="utf-8") as handle:
        docs = [doc for doc in yaml.safe_load_all(handle) if doc is not None]
    for doc in docs:
        for key in ("apiVersion", "kind", "metadata"):
            need(key in doc, f"{path}: a document without {key}")
        need(doc["metadata"].get("name"), f"{path}: a {doc['kind']} without metadata.name")
    return docs


def only(docs, kind, name=None):
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    need(len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}")
    return found[0]


def container(job):
    spec = job["spec"]["template"]["spec"]
    need(spec.get("restartPolicy") in ("Never", "OnFailure"), f"{job['metadata']['name']}: restartPolicy")
    containers = spec.get("containers") or []
    need(len(containers) == 1, f"{job['metadata']['name']}: one container expected")
    c = containers[0]
    for key in ("name", "image", "command", "args", "resources", "volumeMounts"):
        need(key in c, f"{job['metadata']['name']}: container without {key}")
    need(c["resources"].get("requests") and c["resources"].get("limits", {}).get("memory"),
         f"{job['metadata']['name']}: container without requests or a memory limit")
    volumes = {v["name"]: v for v in spec.get("volumes") or []}
    for mount in c["volumeMounts"]:
        need(mount["name"] in volumes, f"{job['metadata']['name']}: mount {mount['name']} names no volume")
    return c, volumes


def environment(c):
    env = {}
    for item in c.get("env") or []:
        need("value" in item, f"env {item.get('name')} without a value")
        need(isinstance(item["value"], str), f"env {item['name']}: value must be a string")
        env[item["name"]] = item["value"]
    return env


def script(c):
    need(c["command"] == ["/bin/sh", "-c"], "command must be /bin/sh -c")
    need(len(c["args"]) == 1, "one script in args expected")
    return c["args"][0]


def main():
    if len(sys.argv) != 4:
        fail("usage: check-k8s.py SHARDS_YAML MERGE_YAML OUT_DIR")
    shards_path, merge_path, out = sys.argv[1:]
    shard_docs, merge_docs = load(shards_path), load(merge_path)
    docs = shard_docs + merge_docs

    config_map = only(docs, "ConfigMap")
    claim = only(docs, "PersistentVolumeClaim")
    need("ReadWriteMany" in claim["spec"]["accessModes"], "the claim must be ReadWriteMany: N pods write to it")
    campaign_text = config_map["data"].get("campaign.toml")
    need(campaign_text, "the ConfigMap has no campaign.toml")
    campaign = tomllib.loads(campaign_text)
    # The same keys as the repository's templates/campaign.toml (values are the operator's).
    def keys(table, prefix=""):
        out = set()
        for key, value in table.items():
            out |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return out
    with open("templates/campaign.toml", "rb") as handle:
        reference = keys(tomllib.load(handle))
    need(keys(campaign) == reference,
         f"the ConfigMap's campaign.toml has other keys than templates/campaign.toml: {sorted(keys(campaign) ^ reference)}")

    shard_job = only(shard_docs, "Job")
    merge_job = only(merge_docs, "Job")
    need(shard_job["apiVersion"] == "batch/v1" and merge_job["apiVersion"] == "batch/v1", "Jobs are batch/v1")
    spec = shard_job["spec"]
    need(spec.get("completionMode") == "Indexed", "the shard Job must be completionMode: Indexed")
    need("completionMode" not in merge_job["spec"], "the merge Job is a single pod")

    shard_container, shard_volumes = container(shard_job)
    merge_container, merge_volumes = container(merge_job)
    shard_env, merge_env = environment(shard_container), environment(merge_container)
    shards = int(shard_env.get("SHARDS", "0"))
    need(shards >= 1, "SHARDS must be a whole number ≥ 1")
    need(spec.get("completions") == shards and spec.get("parallelism") == shards,
         f"completions ({spec.get('completions')}) and parallelism ({spec.get('parallelism')}) must equal SHARDS ({shards})")
    for key in ("SHARDS", "RUN_ID", "DATA", "POSTBATCH_CAMPAIGN"):
        need(shard_env.get(key) == merge_env.get(key), f"{key} differs between the shard and the merge Job")
    need("RUN_TIME" in shard_env, "the shards need one RUN_TIME (--now) so their envelopes are one run's")

    if "podFailurePolicy" in spec:
        need(shard_job["spec"]["template"]["spec"]["restartPolicy"] == "Never", "podFailurePolicy needs restartPolicy Never")
        for rule in spec["podFailurePolicy"]["rules"]:
            if rule["action"] == "FailIndex":
                need("backoffLimitPerIndex" in spec, "FailIndex needs backoffLimitPerIndex")
            codes = rule.get("onExitCodes", {})
            need(all(isinstance(v, int) for v in codes.get("values", [])), "exit codes must be integers")
            need(codes.get("containerName") == shard_container["name"], "podFailurePolicy names another container")

    for volumes in (shard_volumes, merge_volumes):
        for volume in volumes.values():
            if "persistentVolumeClaim" in volume:
                need(volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"], "unknown claim")
            elif "configMap" in volume:
                need(volume["configMap"]["name"] == config_map["metadata"]["name"], "unknown ConfigMap")
            else:
                fail(f"volume {volume['name']}: only the claim and the ConfigMap are expected")
    mounts = {m["mountPath"]: m["name"] for m in shard_container["volumeMounts"]}
    need(mounts.get(shard_env["DATA"]) is not None, "DATA is not a mounted volume")
    campaign_folder = shard_env["POSTBATCH_CAMPAIGN"].rsplit("/", 1)[0]
    need(mounts.get(campaign_folder) is not None, "POSTBATCH_CAMPAIGN is not in a mounted volume")

    shard_script, merge_script = script(shard_container), script(merge_container)
    need("JOB_COMPLETION_INDEX" in shard_script and "--shard" in shard_script, "the shard script must pass --shard from JOB_COMPLETION_INDEX")
    need("--now" in shard_script, "the shard script must pass --now \"$RUN_TIME\"")
    for word in ("verify", "validate", "stats"):
        need(word in merge_script, f"the merge script must run postbatch {word}")

    with open(f"{out}/shard.sh", "w", encoding="utf-8") as handle:
        handle.write(shard_script)
    with open(f"{out}/merge.sh", "w", encoding="utf-8") as handle:
        handle.write(merge_script)
    with open(f"{out}/campaign.toml", "w", encoding="utf-8") as handle:
        handle.write(campaign_text)
    with open(f"{out}/env", "w", encoding="utf-8") as handle:
        for key, value in shard_env.items():
            handle.write(f"{key}={shlex.quote(value)}\n")
    print(f"check-k8s: {shards} shards, {len(docs)} documents: OK")


if __name__ == "__main__":
    main()
