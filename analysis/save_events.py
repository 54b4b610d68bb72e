#!/usr/bin/env python3
"""Per-save timings of one gemini-launch run, from its ranks' event logs (the run's --run-dir,
rankN.events.jsonl): for every save that wrote to disk, per rank, the seconds in write()
(disk_s - disk_fsync_s: open and write into the page cache) and in the commit (fsync, renames,
fsync of the directory), with the generation and iteration. Shows which saves of a run were
slow and in which part, and how close together the ranks' disk writes started (the spread of
their start times per save: the ranks of one save share the disk when it is small), and the
rate the disk gave them together (all their bytes over the first start to the last end), and
the whole disk saves' median beside that of the rank that started first and of the one that
started last in each save; then, for saves without and with a disk write, the medians of
the stall and of its parts.

Usage: python3 analysis/save_events.py RUN_DIR [--all]   (--all: memory-only saves too)
"""
import argparse
import os
import statistics

from event_logs import events, rank_files


# A save's stall is the sum of these (the replication wait, the snapshot's copy and checksum, the
# memory store, the disk save); the last is the stall itself.
STALL_PARTS = ("replication_wait_s", "snapshot_copy_s", "snapshot_checksum_s", "memory_s", "disk_s", "stall_s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--all", action="store_true", help="also saves that did not write to disk")
    args = ap.parse_args()
    files = rank_files(args.run_dir)
    if not files:
        raise SystemExit(f"{args.run_dir}: no rank*.events.jsonl files")
    print("| rank | generation | iteration | disk write() s | disk commit s | memory save s | stall s |")
    print("|---|---|---|---|---|---|---|")
    writes, commits = [], []
    starts = {}  # (generation, iteration) -> the ranks' disk-write start times
    # The stall's parts, per kind of save (with or without a disk write): what a model of it must add up.
    parts = {True: {k: [] for k in STALL_PARTS}, False: {k: [] for k in STALL_PARTS}}
    for path in files:
        rank = os.path.basename(path)[4:].split(".")[0]
        for e in events(path):
            if e.get("e") == "save":
                for k in STALL_PARTS:
                    parts[bool(e.get("disk"))][k].append(e.get(k, 0.0))
            if e.get("e") != "save" or not (e.get("disk") or args.all):
                continue
            w = e["disk_s"] - e["disk_fsync_s"] if e.get("disk") else None
            c = e["disk_fsync_s"] if e.get("disk") else None
            if w is not None:
                writes.append(w)
                commits.append(c)
                # "t" is logged right after the stall, which ends with the disk save.
                starts.setdefault((e["gen"], e["iteration"]), []).append(
                    (e["t"] - e["disk_s"], e["t"], e["bytes"]))
            cell = lambda v: "-" if v is None else f"{v:.3f}"
            print(f'| {rank} | {e["gen"]} | {e["iteration"]} | {cell(w)} | {cell(c)} | '
                  f'{e["memory_s"]:.3f} | {e["stall_s"]:.3f} |')
    if writes:
        print(f"\n{len(writes)} disk saves: write() median {statistics.median(writes):.3f} s "
              f"(min {min(writes):.3f}, max {max(writes):.3f}); commit median {statistics.median(commits):.3f} s "
              f"(min {min(commits):.3f}, max {max(commits):.3f})")
        rounds = [v for v in starts.values() if len(v) > 1]
        if rounds:
            spreads = [max(s for s, _, _ in v) - min(s for s, _, _ in v) for v in rounds]
            print(f"ranks' disk writes of one save started within {statistics.median(spreads):.3f} s of each other "
                  f"(median over {len(spreads)} saves; min {min(spreads):.3f}, max {max(spreads):.3f})")
            # What the disk delivered to the ranks together: all their bytes over the span from the
            # first start to the last end (a lower bound: the span may include idle gaps).
            rates = [sum(b for _, _, b in v) / (max(t for _, t, _ in v) - min(s for s, _, _ in v)) / 1e9 for v in rounds]
            print(f"together the ranks of one save wrote at least {statistics.median(rates):.2f} GB/s "
                  f"(median over {len(rates)} saves; min {min(rates):.2f}, max {max(rates):.2f})")
            # Whole disk saves (write + commit) of the rank that started first and of the one that
            # started last in each save: equal if the ranks of a save finish together.
            durations = [t - s for v in rounds for s, t, _ in v]
            first = [min(v)[1] - min(v)[0] for v in rounds]  # tuples sort by start time
            last = [max(v)[1] - max(v)[0] for v in rounds]
            print(f"disk saves (write + commit): median {statistics.median(durations):.3f} s; the first rank to "
                  f"start {statistics.median(first):.3f} s, the last {statistics.median(last):.3f} s "
                  f"(medians over {len(rounds)} saves)")
    for disk, kind in ((False, "without"), (True, "with")):
        if parts[disk]["stall_s"]:
            medians = ", ".join(f"{k[:-2]} {statistics.median(v):.4f}" for k, v in parts[disk].items())
            print(f"saves {kind} a disk write ({len(parts[disk]['stall_s'])}), medians in s: {medians}")


if __name__ == "__main__":
    main()
