#!/usr/bin/env python3
"""Did other ranks' background replication run during a rank's save? From one gemini-launch
run's event logs (its --run-dir, rankN.events.jsonl): for every memory-only save (the strategy
memory or gemini, no disk write), the seconds of its stall that overlapped another rank's
replica transfer of the same iteration (a `replicate` event spans `seconds` before its `t`; a
save's stall spans `stall_s` before its `t`), and the median stall with and without such an
overlap. A rank that finishes its save first and starts replicating at once takes CPU from the
peers still saving; real/ now starts replication after the next step's all-reduce, so a run
made since should show no overlap.

Usage: python3 analysis/replication_overlap.py RUN_DIR [--min-overlap-s 0.005]
"""
import argparse
import statistics

from event_logs import events, rank_files


def overlap_s(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--min-overlap-s", type=float, default=0.005,
                    help="a save counts as overlapped from this much shared time (default 0.005)")
    args = ap.parse_args()
    files = rank_files(args.run_dir)
    if not files:
        raise SystemExit(f"{args.run_dir}: no rank*.events.jsonl files")
    saves, transfers = [], []
    for path in files:
        for e in events(path):
            if e.get("e") == "save" and e.get("memory") and not e.get("disk"):
                saves.append(e)
            elif e.get("e") == "replicate":
                transfers.append(e)
    if not saves:
        raise SystemExit(f"{args.run_dir}: no memory-only saves")
    print("| generation | iteration | rank | stall s | overlapped by others' replication s |")
    print("|---|---|---|---|---|")
    hit, clear = [], []
    for s in sorted(saves, key=lambda s: (s["gen"], s["iteration"], s["rank"])):
        s0, s1 = s["t"] - s["stall_s"], s["t"]
        shared = sum(overlap_s(s0, s1, r["t"] - r["seconds"], r["t"]) for r in transfers
                     if r["gen"] == s["gen"] and r["iteration"] == s["iteration"] and r["rank"] != s["rank"])
        (hit if shared >= args.min_overlap_s else clear).append(s["stall_s"])
        print(f"| {s['gen']} | {s['iteration']} | {s['rank']} | {s['stall_s']:.4f} | {shared:.4f} |")

    def med(v):
        return f"median stall {statistics.median(v):.4f} s" if v else "none"
    print()
    print(f"{len(saves)} memory-only saves: {len(hit)} overlapped another rank's replication "
          f"({med(hit)}), {len(clear)} did not ({med(clear)}).")


if __name__ == "__main__":
    main()
