#!/usr/bin/env python3
"""Functions, initialisers and closures-as-properties of PostbatchKit longer than a limit.

    scripts/long-functions.py [LIMIT]      # default 60 lines; exits 1 when any is longer

The CSV reader's hot loop (`CSVReader.swift`) and the HTML report page are exempt
(docs/architecture.md says why).
"""
import pathlib
import re
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 60
ROOT = pathlib.Path(__file__).resolve().parent.parent / "Sources"
EXEMPT = {"CSVReader.swift", "Statistics+HTML.swift"}
START = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|private|fileprivate|static|"
                   r"mutating|override|final|nonisolated|convenience|required)\s+)*(?:func\s+\w+|init[?!]?)\s*[(<]")

too_long = []
for path in sorted(ROOT.rglob("*.swift")):
    if path.name in EXEMPT:
        continue
    lines = path.read_text().split("\n")
    index = 0
    while index < len(lines):
        if START.match(lines[index]):
            depth, opened, end = 0, False, index
            for end in range(index, len(lines)):
                code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[end].split("//")[0])
                depth += code.count("{") - code.count("}")
                opened = opened or "{" in code
                if opened and depth <= 0:
                    break
            length = end - index + 1
            if length > LIMIT:
                too_long.append((length, f"{path.relative_to(ROOT.parent)}:{index + 1}: {lines[index].strip()[:70]}"))
            index = end + 1 if opened else index + 1
        else:
            index += 1
for length, where in sorted(too_long, reverse=True):
    print(f"{length:4} lines  {where}")
sys.exit(1 if too_long else 0)
