#!/usr/bin/env bash
# A sampling profile of `postbatch run`: `perf record --call-graph dwarf` where perf can
# sample user space, else gdb stopping the run every 0.2 s (valgrind cannot read Swift's
# debug information).
#
#   scripts/profile.sh [records] [samples]     # default 100000 records, --dry-run; samples: gdb only (60)
#   PROFILE_RUN=containers scripts/profile.sh  # a run writing tar.lzma containers
#   PROFILE_RUN=loose PROFILE_SPOOL_DIR=/dev/shm scripts/profile.sh   # loose files on tmpfs
#   PROFILE_CAMPAIGN=path/campaign.toml scripts/profile.sh            # other templates
#   PROFILE_SAMPLER=gdb scripts/profile.sh     # gdb even where perf works
#   PROFILE_HZ=199 scripts/profile.sh          # perf's samples per second and thread (default 199)
#
# Prints the share of busy samples per stage (render, base64, SHA-256, XML, LZMA, write,
# input, compose), per innermost function and per first PostbatchKit function.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-100000}
SAMPLES=${2:-60}
swift build -c release --product postbatch >/dev/null
BIN=$(swift build -c release --show-bin-path)/postbatch
WORK=$(mktemp -d "${TMPDIR:-/tmp}/postbatch-profile.XXXXXX")
PID=""
trap 'if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$WORK" "${SPOOL_DIR:-}"' EXIT
"$BIN" generate --count "$RECORDS" --seed 42 --defect-rate 0.1 > "$WORK/input.csv"
ARGS=(--dry-run)
SPOOL_DIR=$(mktemp -d "${PROFILE_SPOOL_DIR:-$WORK}/postbatch-profile-spool.XXXXXX")
case "${PROFILE_RUN:-dry-run}" in
  containers) ARGS=(--spool "$SPOOL_DIR/spool" --container tar.lzma) ;;
  loose) ARGS=(--spool "$SPOOL_DIR/spool") ;;
esac
[ -n "${PROFILE_CAMPAIGN:-}" ] && ARGS+=(--campaign "$PROFILE_CAMPAIGN")

SAMPLER=${PROFILE_SAMPLER:-}
if [ -z "$SAMPLER" ]; then
  # perf must exist and be allowed to sample this user's processes (perf_event_paranoid, VMs).
  if command -v perf >/dev/null && perf record -q -o "$WORK/probe.data" -- true >/dev/null 2>&1; then
    SAMPLER=perf
  else
    SAMPLER=gdb
  fi
fi
echo "sampler: $SAMPLER; run: ${PROFILE_RUN:-dry-run}, $RECORDS records"
if [ "$SAMPLER" = perf ]; then
  # DWARF unwinding: the C libraries (zlib, pango, liblzma) keep no frame pointers, and a
  # sample inside them would lose the Swift frames that say which stage called them.
  perf record -q -F "${PROFILE_HZ:-199}" --call-graph dwarf,16384 -o "$WORK/perf.data" -- \
    "$BIN" run "$WORK/input.csv" "${ARGS[@]}" --now 2021-10-01T08:00:00Z > /dev/null 2>&1
  perf script -i "$WORK/perf.data" 2>/dev/null | swift demangle > "$WORK/stacks-demangled.txt"
else
  "$BIN" run "$WORK/input.csv" "${ARGS[@]}" --now 2021-10-01T08:00:00Z > /dev/null 2>&1 &
  PID=$!
  sleep 1
  for _ in $(seq "$SAMPLES"); do
    kill -0 "$PID" 2>/dev/null || break
    gdb -p "$PID" -batch -ex "thread apply all bt 40" 2>/dev/null >> "$WORK/stacks.txt" || true
    sleep 0.2
  done
  swift demangle < "$WORK/stacks.txt" > "$WORK/stacks-demangled.txt"
fi
python3 - "$WORK/stacks-demangled.txt" "$SAMPLER" <<'PY'
import re, sys, collections
threads, inner, ours, stages = 0, collections.Counter(), collections.Counter(), collections.Counter()
# A sample's stage: the first of these found from the innermost frame outward.
STAGES = [("LZMA", ("lzma_", "lz_encode", "lzma_encode", "TarLZMA", "archive_write", "liblzma.so")),
          ("SHA-256", ("sha256", "SHA256", "Crypto.SHA")),
          ("base64", ("base64", "Base64")),
          ("XML", ("xmlTextWriter", "xmlBuf", "XMLWriter", "EnvelopeWriter", "libxml2.so")),
          ("render: zlib", ("deflate", "compress2", "Flate", "Deflater", "libz.so")),
          ("render: pango/HarfBuzz", ("pango_", "hb_", "_hb_", "g_utf8", "g_unichar", "cairo_", "FT_",
                                      "libpango", "libharfbuzz", "libfreetype")),
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
    # Skip idle threads (gdb stops every thread): parked in a futex or epoll with no
    # PostbatchKit frame. perf samples threads only while they run.
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
perf = sys.argv[2] == "perf"
for line in open(sys.argv[1], errors="replace"):
    if perf:
        # perf script: a header line per sample, its frames indented (innermost first),
        # "address symbol+offset (object)", then an empty line.
        if not line.strip():
            flush(); current = []
        elif line[0] in " \t":
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                symbol, _, dso = parts[1].rpartition(" (")
                if symbol.startswith("[unknown]"):   # a stripped library: name it by its file
                    name = "[unknown in " + dso.rstrip(")").rsplit("/", 1)[-1] + "]"
                else:
                    name = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
                name = re.sub(r"^(closure #\d+ .*? in )?(static |specialized |merged )*", "", name)
                current.append(name[:100])
        continue
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
