#!/usr/bin/env bash
# A sampling profile of `postbatch run` with gdb, for machines where perf cannot
# sample user space and valgrind cannot read Swift's debug information (this project's VM).
#
#   scripts/profile.sh [records] [samples]     # default 100000 records, 60 samples, --dry-run
#   PROFILE_RUN=containers scripts/profile.sh  # a run writing tar.lzma containers
#   PROFILE_RUN=loose PROFILE_SPOOL_DIR=/dev/shm scripts/profile.sh   # loose files on tmpfs
#   PROFILE_CAMPAIGN=path/campaign.toml scripts/profile.sh            # other templates
#
# Starts a release run, stops it every 0.2 s to take every thread's stack, and prints
# the share of busy samples per stage (render, base64, SHA-256, XML, LZMA, write, input,
# compose), per innermost function and per first PostbatchKit function.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-100000}
SAMPLES=${2:-60}
swift build -c release --product postbatch >/dev/null
BIN=$(swift build -c release --show-bin-path)/postbatch
WORK=$(mktemp -d "${TMPDIR:-/tmp}/postbatch-profile.XXXXXX")
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK" "${SPOOL_DIR:-}"' EXIT
"$BIN" generate --count "$RECORDS" --seed 42 --defect-rate 0.1 > "$WORK/input.csv"
ARGS=(--dry-run)
SPOOL_DIR=$(mktemp -d "${PROFILE_SPOOL_DIR:-$WORK}/postbatch-profile-spool.XXXXXX")
case "${PROFILE_RUN:-dry-run}" in
  containers) ARGS=(--spool "$SPOOL_DIR/spool" --container tar.lzma) ;;
  loose) ARGS=(--spool "$SPOOL_DIR/spool") ;;
esac
[ -n "${PROFILE_CAMPAIGN:-}" ] && ARGS+=(--campaign "$PROFILE_CAMPAIGN")
"$BIN" run "$WORK/input.csv" "${ARGS[@]}" --now 2021-10-01T08:00:00Z > /dev/null 2>&1 &
PID=$!
sleep 1
for _ in $(seq "$SAMPLES"); do
  kill -0 "$PID" 2>/dev/null || break
  gdb -p "$PID" -batch -ex "thread apply all bt 40" 2>/dev/null >> "$WORK/stacks.txt" || true
  sleep 0.2
done
swift demangle < "$WORK/stacks.txt" > "$WORK/stacks-demangled.txt"
python3 - "$WORK/stacks-demangled.txt" <<'PY'
import re, sys, collections
threads, inner, ours, stages = 0, collections.Counter(), collections.Counter(), collections.Counter()
# A sample's stage: the first of these found from the innermost frame outward.
STAGES = [("LZMA", ("lzma_", "lz_encode", "lzma_encode", "TarLZMA", "archive_write")),
          ("SHA-256", ("sha256", "SHA256", "Crypto.SHA")),
          ("base64", ("base64", "Base64")),
          ("XML", ("xmlTextWriter", "xmlBuf", "XMLWriter", "EnvelopeWriter")),
          ("render: zlib", ("deflate", "compress2", "Flate")),
          ("render: pango/HarfBuzz", ("pango_", "hb_", "_hb_", "g_utf8", "g_unichar", "cairo_", "FT_")),
          ("render", ("FastLetterRenderer", "FastPDF", "FastPDFA", "LetterRenderer", "GlyphRecorder",
                      "PangoWordShaper", "BodyPlacement", "ShapedBlock")),
          ("compose", ("LetterComposer", "BodySkeleton", "LetterMarkup", "Mustache", "TemplateValues")),
          ("write", ("AtomicFileWriter", "PendingFile", "fsync", "rename", "openat", "__libc_write", "write (",
                     "LooseBatchSink", "SpoolDirectory", "Syscall")),
          ("input", ("InputClassifier", "RecordClassifier", "CSVReader", "RecordReader", "ByteSource")),
          ("memory", ("malloc", "free", "memmove", "memcpy", "swift_retain", "swift_release", "swift_allocObject"))]
def stage(frames):
    for frame in frames:
        for name, keys in STAGES:
            if any(key in frame for key in keys):
                return name
    return "other"
current = []
def flush():
    global threads
    if not current: return
    # Skip idle threads: parked in a futex or epoll with no PostbatchKit frame.
    names = [f for f in current]
    if not any("PostbatchKit" in f or "postbatch" in f for f in names) and any(w in names[0] for w in ("futex", "epoll", "nanosleep", "poll", "sigsuspend")):
        return
    threads += 1
    inner[names[0]] += 1
    stages[stage(names)] += 1
    for f in names:
        if "PostbatchKit." in f:
            ours[f] += 1
            break
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("Thread "):
        flush(); current = []
        continue
    m = re.match(r"#\d+\s+(?:0x[0-9a-f]+ in )?(.+?) \(", line)
    if m:
        name = re.sub(r"\(.*", "", m.group(1).strip())   # drop argument lists
        name = re.sub(r"^(closure #\d+ .*? in )?(static |specialized |merged )*", "", name)
        current.append(name[:100])
flush()
print(f"{threads} busy thread samples")
print("\nby stage (first match from the innermost frame out):")
for name, n in stages.most_common(): print(f"  {100*n/threads:5.1f} %  {name}")
print("\ninnermost function:")
for name, n in inner.most_common(15): print(f"  {100*n/threads:5.1f} %  {name}")
print("\nfirst PostbatchKit function on the stack:")
for name, n in ours.most_common(15): print(f"  {100*n/threads:5.1f} %  {name}")
PY
