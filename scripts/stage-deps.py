#!/usr/bin/env python3
"""Which stage folder of PostbatchKit names which other folder's types.

Prints one line per folder with the folders it uses, and exits 1 when a folder uses
one that comes later in the flow (docs/architecture.md): the dependencies must be one-way.

    scripts/stage-deps.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "Sources" / "PostbatchKit"
# The flow, first to last: a folder may use the folders before it (and Support, which all use).
ORDER = ["Support", "Input", "Classification", "Campaign", "Letters", "Envelopes", "Spool", "Report",
         "Verification", "Pipeline"]

declared = {}
texts = {}
for path in ROOT.rglob("*.swift"):
    folder = path.relative_to(ROOT).parts[0]
    text = path.read_text()
    # Drop comments and string literals before looking for names.
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"""(.|\n)*?"""', '""', text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    texts.setdefault(folder, []).append(text)
    for match in re.finditer(r"^(?:public |package |internal |private |fileprivate |final )*"
                             r"(?:struct|enum|class|protocol|typealias|actor)\s+(\w+)", text, re.M):
        declared[match.group(1)] = folder

uses = {folder: set() for folder in texts}
for folder, files in texts.items():
    body = "\n".join(files)
    for name, home in declared.items():
        if home != folder and re.search(r"\b%s\b" % re.escape(name), body):
            uses[folder].add(home)

bad = False
for folder in sorted(uses, key=lambda f: ORDER.index(f) if f in ORDER else 99):
    if folder not in ORDER:
        print(f"{folder}: not in the documented order")
        bad = True
        continue
    later = sorted(f for f in uses[folder] if f in ORDER and ORDER.index(f) > ORDER.index(folder))
    print(f"{folder:14} uses {', '.join(sorted(uses[folder], key=ORDER.index)) or '-'}"
          + (f"   <-- upward: {', '.join(later)}" if later else ""))
    bad = bad or bool(later)
sys.exit(1 if bad else 0)
