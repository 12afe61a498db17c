#!/usr/bin/env python3
"""Finishes the man page swift-argument-parser's generate-manual plugin writes.

The plugin lists every subcommand, hidden ones too, and its EXIT STATUS section only says
"0 on success, >0 on error". This script removes the subcommands the command's own help
hides (`shouldDisplay: false` in `postbatch --experimental-dump-help`) and writes SPEC's
exit codes into EXIT STATUS.

Usage: scripts/man-page.py PAGE.1 HELP.json   (PAGE.1 is rewritten in place)
"""
import json
import sys

EXIT_CODES = [
    ("0", "Success: the command did what it was asked."),
    ("1", "The command finished, but found something: run --strict and records were rejected; "
          "verify or validate found a problem; deliver left containers to check."),
    ("2", "Usage, configuration or input-structure error: nothing was written."),
    ("3", "An I/O failure during the run: what was written stays valid; run the same command "
          "again to finish."),
    ("130", "Stopped by SIGINT (Ctrl-C) at a letter boundary; run the same command again to finish."),
    ("143", "Stopped by SIGTERM, likewise."),
]


def hidden_commands(help_json):
    """Names of subcommands (at any depth) whose help is hidden."""
    names = set()

    def walk(command):
        for sub in command.get("subcommands", []) or []:
            if sub.get("shouldDisplay", True) is False:
                names.add(sub["commandName"])
            walk(sub)

    walk(help_json["command"])
    return names


def without_hidden(lines, hidden):
    """The page without the `.It Em NAME` entries of hidden commands (up to the next
    entry of the same list, or the end of that list)."""
    out = []
    skipping_depth = None  # list depth of the entry being removed
    depth = 0
    for line in lines:
        if line.startswith(".Bl"):
            depth += 1
        if skipping_depth is not None:
            ends_entry = (line.startswith(".It") and depth == skipping_depth) or \
                (line.startswith(".El") and depth == skipping_depth)
            if not ends_entry:
                if line.startswith(".El"):
                    depth -= 1
                continue
            skipping_depth = None
        if line.startswith(".It Em ") and line[len(".It Em "):].strip() in hidden:
            skipping_depth = depth
            continue
        if line.startswith(".El"):
            depth -= 1
        out.append(line)
    return out


def with_exit_codes(lines):
    out = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() in ('.Sh "EXIT STATUS"', ".Sh EXIT STATUS"):
            out.append(line)
            index += 1
            while index < len(lines) and not lines[index].startswith(".Sh"):
                index += 1  # the plugin's text
            out.append(".Bl -tag -width 6n")
            for code, text in EXIT_CODES:
                out.append(f".It {code}")
                out.append(text)
            out.append(".El")
            continue
        out.append(line)
        index += 1
    return out


def main():
    page, help_file = sys.argv[1], sys.argv[2]
    with open(help_file, encoding="utf-8") as handle:
        hidden = hidden_commands(json.load(handle))
    with open(page, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    lines = with_exit_codes(without_hidden(lines, hidden))
    with open(page, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
