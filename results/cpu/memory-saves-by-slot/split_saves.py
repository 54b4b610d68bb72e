#!/usr/bin/env python3
"""Adds the memory saves' split by slot to a run JSON that predates it, from the ranks' event logs.

real/ reports save_memory_untouched_slot_s / save_memory_touched_slot_s since 2026-12-08 (a save
into a slot its process had neither written nor restored from, and the rest). Older runs have
only their mixture, save_memory_s. Their event logs say per save its rank, generation, iteration
and memory_s, and per generation where each rank restored from; real/'s flag follows one rule
(analysis/event_logs.py memory_saves_with_slot_rule), checked on every save of
tests/compare_test.sh's e2e run. This writes the two phases by that rule, or by the flag where the
logs have it (median, p10, p90, count as real/'s launch report computes them).

Usage: split_saves.py RUN.json RUN.events/ OUT.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "analysis"))
from event_logs import memory_saves_with_slot_rule, run_events  # noqa: E402


def spread(values):
    # launch_report's Spread: median, p10, p90 by linear interpolation between order statistics.
    v = sorted(values)

    def q(p):
        pos = p * (len(v) - 1)
        lo = int(pos)
        hi = min(len(v) - 1, lo + 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - lo)

    return {"count": len(v), "median_s": q(0.5), "p10_s": q(0.1), "p90_s": q(0.9)}


def main():
    run_path, events_dir, out_path = sys.argv[1:4]
    run = json.load(open(run_path))
    kinds = {"save_memory_untouched_slot_s": [], "save_memory_touched_slot_s": []}
    for e, untouched in memory_saves_with_slot_rule(run_events(events_dir)):
        untouched = e.get("memory_untouched_slot", untouched)
        kinds["save_memory_untouched_slot_s" if untouched else "save_memory_touched_slot_s"].append(e["memory_s"])
    total = sum(len(v) for v in kinds.values())
    if total and total != run["phases"]["save_memory_s"]["count"]:
        sys.exit(f"{run_path}: {total} memory saves in the event logs, {run['phases']['save_memory_s']['count']} in the run")
    for name, values in kinds.items():
        if values:
            run["phases"][name] = spread(values)
    json.dump(run, open(out_path, "w"), indent=1)


if __name__ == "__main__":
    main()
