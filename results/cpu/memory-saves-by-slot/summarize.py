#!/usr/bin/env python3
"""Tabulates the memory-save rows of compare JSONs: the mixture save_memory_s against its two kinds.

Usage: summarize.py LIST (lines "LABEL COMPARE.json ...", from run.sh)
"""
import json
import statistics
import sys

ROWS = ["save_memory_s", "save_memory_untouched_slot_s", "save_memory_touched_slot_s"]
SHORT = {"save_memory_s": "mixture", "save_memory_untouched_slot_s": "untouched", "save_memory_touched_slot_s": "touched"}
TOLERANCE = 0.15


def main():
    sessions = [line.split() for line in open(sys.argv[1]) if line.strip()]
    errors = {(run, row): [] for run in ("small/memory", "small/gemini") for row in ROWS}
    every = {key: [] for key in errors}  # checked or not
    print("Memory saves by slot: measured median (count) / predicted / error, per committed session and run,")
    print("each session's runs against its own profile (gemini-sim compare --no-engine). Rows of 50 ms or less")
    print("are not checked by compare; '*' marks an error beyond 15% on a checked row.\n")
    header = f"{'session':<26}{'run':<14}" + "".join(f"{SHORT[r]:>34}" for r in ROWS)
    print(header)
    for label, path, *_ in sessions:
        for run in json.load(open(path))["runs"]:
            phases = {p["phase"]: p for p in run["phases"] if p["method"] == "closed-form"}
            cells = []
            for row in ROWS:
                p = phases.get(row)
                if p is None or not p.get("measured"):
                    cells.append(f"{'-':>34}")
                    continue
                m = p["measured"]
                e = p["rel_error"]
                over = m["median_s"] > 0.05
                flag = "*" if over and abs(e) > TOLERANCE else " "
                every[(run["label"], row)].append(e)
                if over:
                    errors[(run["label"], row)].append(e)
                cells.append(f"{m['median_s']:.4f} ({m['count']:>2}) / {p['predicted_s']:.4f} / {100 * e:+6.1f}%{flag}")
            print(f"{label:<26}{run['label']:<14}" + "".join(f"{c:>34}" for c in cells))
    print("\n'-': the session's event logs were not kept (no split).")
    print("\nover every session with the split, checked or not: median error and mean |error|")
    for (run, row), e in every.items():
        print(f"  {run:<14}{SHORT[row]:<10} {len(e):>3} sessions, median {100 * statistics.median(e):+6.1f}%, "
              f"mean |error| {100 * statistics.mean(abs(x) for x in e):5.1f}%")
    print("\nover the sessions, rows longer than 50 ms: checked, outside 15%, median and mean |error|")
    for (run, row), e in errors.items():
        if not e:
            print(f"  {run:<14}{SHORT[row]:<10} none longer than 50 ms")
            continue
        outside = sum(abs(x) > TOLERANCE for x in e)
        print(f"  {run:<14}{SHORT[row]:<10} {len(e):>3} checked, {outside:>2} outside, median {100 * statistics.median(e):+6.1f}%, "
              f"mean |error| {100 * statistics.mean(abs(x) for x in e):5.1f}%")


if __name__ == "__main__":
    main()
