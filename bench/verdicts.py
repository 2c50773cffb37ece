#!/usr/bin/env python3
"""One verdict per goal of issue 15 from the JSONs of several full benchmark runs (bench/run-three.sh).

    python3 bench/verdicts.py out1.json out2.json out3.json

Each JSON carries the bench's goal table ("goals": goal, measured, verdict; see bench/Acode.Benchmarks/Harness/Report.cs).
A goal's verdict over the runs is the verdict of the median run: "met" when it was met in more than half of the runs
that measured it (for a threshold on one figure, that is exactly "the median meets it"). Prints markdown: one table with
a row per goal of issue 15 parts 1-6 (a goal no run measured says so), then the other goals the bench checks (issue 4).
"""
import json
import re
import statistics
import sys

# (part, the goal as the issue words it, pattern matched against the bench's goal text, lower case)
ISSUE_15 = [
    ("1", "persist p50 at step 1 000, acode / best LangGraph SQLite ≤ 0.1", r"agent loop persist.*sqlite"),
    ("1", "storage at step 1 000, acode / best LangGraph SQLite ≤ 0.1", r"agent loop storage.*sqlite"),
    ("1", "persist p50 at step 1 000, acode PostgreSQL store / best LangGraph PostgreSQL ≤ 0.1", r"agent loop persist.*postgres"),
    ("1", "storage at step 1 000, acode / best LangGraph PostgreSQL ≤ 0.1", r"agent loop storage.*postgres|persist p50 and storage on postgres"),
    ("2", "sync records/s, acode / binary COPY baseline ≥ 0.7", r"sync.*copy"),
    ("2", "sync records/s, acode / today's unnest baseline ≥ 1.2", r"sync.*(unnest|acode/raw)"),
    ("2", "sync peak memory, 1 M records ≤ 150 MB", r"sync peak rss ≤ 150"),
    ("2", "sync peak memory bounded whatever the payload sizes", r"sync peak rss,.*(mb records|large|payload)"),
    ("3", "team: aggregate records/s with 8 / one alone ≥ 1", r"^team: records/s"),
    ("3", "team: zero failed batches", r"^team: failed batches"),
    ("3", "team: final state identical to a sequential run", r"^team: final state"),
    ("3", "team, conflicts: aggregate records/s with 8 / one alone ≥ 1", r"^team, conflicts: records/s"),
    ("3", "team, conflicts: zero failed batches", r"^team, conflicts: failed batches"),
    ("3", "team, conflicts: final state identical to a sequential run", r"^team, conflicts: final state"),
    ("3", "PostgreSQL bytes per synced record flat over simulated weeks", r"bytes per synced record"),
    ("4", "WAL bytes per save of one tool call (2 KB result) ≤ 16 KB", r"wal"),
    ("4", "local bytes per payload byte after a sync ≤ 1.5", r"local bytes|per payload byte"),
    ("4", "save p99 ≤ 2× save p50 over 3 000 saves", r"save p99.*p50|p99.*≤ 2\s*×.*p50"),
    ("5", "cold `acode session list`, shipped / today ≤ 0.6", r"startup session list"),
    ("5", "cold `acode db status`, shipped / today ≤ 0.6", r"startup db status"),
    ("6", "efcore/acode ≥ 2 on reads and pages (each listed below)", None),
]
EFCORE = r"efcore/acode ≥ 2"


def number(text):
    """The figure of a measurement that is one number (a ratio, a count, "12 MB"); None for text like "identical"."""
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(?:[a-zA-Z%µ]+)?\s*", text.replace(",", ""))
    return float(m.group(1)) if m else None


def summarize(goal, runs):
    cells, verdicts, values = [], [], []
    for goals in runs:
        g = goals.get(goal)
        if g is None or g["verdict"] == "n/a":
            cells.append("–" if g is None else g["measured"])
            continue
        cells.append(f'{g["measured"]} ({g["verdict"]})')
        verdicts.append(g["verdict"] == "met")
        if (v := number(g["measured"])) is not None:
            values.append(v)
    median = f"{statistics.median(values):g}" if values else "–"
    if not verdicts:
        verdict = "n/a"
    else:
        verdict = "**met**" if sum(verdicts) * 2 > len(verdicts) else "**MISSED**"
    return cells, median, verdict, len(verdicts)


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    runs, modes = [], []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if "goals" not in data:
            print(f"{path}: no \"goals\" in this JSON (written by a bench older than this script)", file=sys.stderr)
            return 1
        runs.append({g["goal"]: g for g in data["goals"]})
        modes.append(data.get("mode", "?"))
    header = "| part | goal (issue 15) | as the bench checks it | " + " | ".join(f"run {i + 1} ({m})" for i, m in enumerate(modes)) + " | median | verdict |"
    rule = "|---|---|---|" + "---:|" * len(runs) + "---:|---|"
    names = list(dict.fromkeys(g for r in runs for g in r))
    used = set()
    print(f"### Verdicts over {len(runs)} runs ({', '.join(paths)})\n")
    print(header)
    print(rule)
    for part, label, pattern in ISSUE_15:
        matches = [n for n in names if re.search(EFCORE, n)] if pattern is None else [n for n in names if re.search(pattern, n.lower()) and n not in used][:1]
        if not matches:
            print(f"| {part} | {label} | – | " + " | ".join("not measured" for _ in runs) + " | – | n/a |")
        for name in matches:
            used.add(name)
            cells, median, verdict, _ = summarize(name, runs)
            shown = label if pattern is not None else "efcore/acode ≥ 2 on reads and pages"
            print(f"| {part} | {shown} | {name} | " + " | ".join(cells) + f" | {median} | {verdict} |")
    rest = [n for n in names if n not in used]
    if rest:
        print("\nThe other goals the bench checks (issue 4 and later):\n")
        print("| goal | " + " | ".join(f"run {i + 1} ({m})" for i, m in enumerate(modes)) + " | median | verdict |")
        print("|---|" + "---:|" * len(runs) + "---:|---|")
        for name in rest:
            cells, median, verdict, _ = summarize(name, runs)
            print(f"| {name} | " + " | ".join(cells) + f" | {median} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
