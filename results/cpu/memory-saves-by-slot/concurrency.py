#!/usr/bin/env python3
"""How many of the runs' memory saves ran at once, and what the untouched-slot ones cost against
one fresh writer alone and against the four-writer benchmark, per committed session.

For each small/memory and small/gemini run: every memory save's time in the store, from its
event ("t" is logged when the save's stall ends, which ends with the disk save: the store's
copy is [t - disk_s - memory_s, t - disk_s]); for each save the mean number of other ranks'
store copies running beside it over its span; the untouched-slot saves' median (the slot rule
of analysis/event_logs.py); and the calibration's medians of shm-write-fresh (one writer) and
shm-write-fresh-concurrent (four) at the size it measured nearest the runs' image.

Usage: concurrency.py LIST (lines "LABEL COMPARE.json RUNS_DIR PROFILE.json", from run.sh)
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "analysis"))
from event_logs import memory_saves_with_slot_rule, run_events  # noqa: E402

RUNS = ("small-memory", "small-gemini")


def store_span(e):
    end = e["t"] - e["disk_s"]
    return end - e["memory_s"], end


def others_beside(save, saves):
    """Mean number of other saves' store copies running during this one's."""
    s, t = store_span(save)
    overlap = sum(max(0.0, min(t, b) - max(s, a)) for o in saves if o is not save for a, b in [store_span(o)])
    return overlap / (t - s) if t > s else 0.0


def bench_median(profile, name, image_bytes):
    for b in profile["benchmarks"]:
        if b["name"] == name and b["points"]:
            return min(b["points"], key=lambda p: abs(p["bytes"] - image_bytes))["median_s"]
    return None


def main():
    print("Memory saves at once: per run, the mean number of other ranks' store copies beside a save,")
    print("the untouched-slot saves' median, and it and the four-writer benchmark (shm-write-fresh-concurrent)")
    print("as multiples of one fresh writer alone (shm-write-fresh), the benchmarks at the size nearest the image.\n")
    print(f"{'session':<26}{'run':<14}{'others beside':>14}{'untouched s':>13}{'runs / one':>12}{'four / one':>12}")
    beside, runs_ratio, bench_ratio = [], [], []
    for line in open(sys.argv[1]):
        if not line.strip():
            continue
        label, _, runs_dir, profile_path = line.split()
        profile = json.load(open(profile_path))
        for run in RUNS:
            events = run_events(os.path.join(runs_dir, run + ".events"))
            if not events:
                continue
            image_bytes = json.load(open(os.path.join(runs_dir, run + ".json")))["checkpoint_bytes_per_rank"]
            saves = memory_saves_with_slot_rule(events)
            every = [e for e, _ in saves]
            untouched = statistics.median(e["memory_s"] for e, fresh in saves if fresh)
            mean_beside = statistics.mean(others_beside(e, every) for e in every)
            one = bench_median(profile, "shm-write-fresh", image_bytes)
            four = bench_median(profile, "shm-write-fresh-concurrent", image_bytes)
            beside.append(mean_beside)
            runs_ratio.append(untouched / one)
            bench_ratio.append(four / one)
            print(f"{label:<26}{run:<14}{mean_beside:>14.2f}{untouched:>13.4f}{untouched / one:>12.2f}{four / one:>12.2f}")
    print(f"\n{len(beside)} runs: others beside a save {min(beside):.2f}-{max(beside):.2f}; "
          f"untouched saves {min(runs_ratio):.2f}-{max(runs_ratio):.2f} times one writer; "
          f"four writers {min(bench_ratio):.2f}-{max(bench_ratio):.2f} times one writer")


if __name__ == "__main__":
    main()
