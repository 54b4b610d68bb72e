#!/usr/bin/env python3
"""A check by hand of one explanation for the over-predicted disk saves (docs/VALIDATION.md,
"Disk saves"): replay each save's measured disk-write start times (from the ranks' event logs)
on a disk shared fairly among the writers active at each moment, at the aggregate rate of the
profile's concurrent writers (concurrency x per-writer bandwidth, plus their alpha), and compare
the per-rank medians with the measured ones and with the all-at-once prediction that compare uses.
Also printed: "finish together", every rank of a save ending when the first to start would have
ended among all of them (the all-at-once cost after the first start; at least a lone writer's
cost), what staggered benchmark writers do on both VMs (results/cpu/disk-stagger/).

Usage: python3 results/cpu/compare-vm/fair_share_replay.py PROFILE.yaml RUN.events [RUN.events ...]
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "analysis"))
from event_logs import events, rank_files  # noqa: E402  (analysis/event_logs.py)
from profile_entries import hardware_entry  # noqa: E402  (analysis/profile_entries.py)


def lone_writer(profile_path):
    """(alpha_s, bytes_per_s) of the profile's lone disk writer."""
    e = hardware_entry(profile_path, "local_disk_write")
    return float(e["alpha_s"]), float(e["bandwidth_bytes_per_s"])


def concurrent_writers(profile_path):
    """(alpha_s, aggregate bytes_per_s) of the profile's concurrent disk writers."""
    e = hardware_entry(profile_path, "local_disk_write_concurrent")
    return float(e["alpha_s"]), float(e["bandwidth_bytes_per_s"]) * int(e["concurrency"])


def fair_share_seconds(starts, work_bytes, aggregate_bytes_per_s):
    """Each writer's seconds from its start to its end when the active writers share the rate equally."""
    n = len(starts)
    left = [float(work_bytes)] * n
    end = [None] * n
    t = min(starts)
    while any(e is None for e in end):
        active = [i for i in range(n) if end[i] is None and starts[i] <= t]
        later = [s for i, s in enumerate(starts) if end[i] is None and s > t]
        next_start = min(later) if later else float("inf")
        if not active:
            t = next_start
            continue
        rate = aggregate_bytes_per_s / len(active)
        t_next = min(t + min(left[i] for i in active) / rate, next_start)
        for i in active:
            left[i] -= rate * (t_next - t)
            if left[i] <= 1e-9 * work_bytes:
                end[i] = t_next
        t = t_next
    return [end[i] - starts[i] for i in range(n)]


def finish_together_seconds(starts, all_at_once_s, lone_s=0.0):
    """Each writer's seconds when all end at the first start plus the all-at-once cost (a writer
    starting later than that still takes a lone writer's lone_s)."""
    first = min(starts)
    return [max(lone_s, all_at_once_s - (s - first)) for s in starts]


def disk_rounds(events_dir):
    """The run's disk saves: (generation, iteration) -> [(start, seconds, bytes)] of its ranks."""
    rounds = {}
    for path in rank_files(events_dir):
        for e in events(path):
            if e.get("e") == "save" and e.get("disk"):
                # "t" is logged right after the stall, which ends with the disk save.
                rounds.setdefault((e["gen"], e["iteration"]), []).append((e["t"] - e["disk_s"], e["disk_s"], e["bytes"]))
    return rounds


def finish_together(events_dir, alpha, aggregate, lone):
    """Per disk save of every rank: the finish-together seconds (lone: the lone writer's (alpha, rate))."""
    out = []
    for saves in disk_rounds(events_dir).values():
        b = saves[0][2]
        out += finish_together_seconds([s for s, _, _ in saves], alpha + len(saves) * b / aggregate, lone[0] + b / lone[1])
    return out


def replay(events_dir, alpha, aggregate):
    """Per disk save of every rank: (measured, fair-share replayed, all-at-once) seconds."""
    measured, replayed, all_at_once = [], [], []
    for saves in disk_rounds(events_dir).values():
        b = saves[0][2]
        measured += [d for _, d, _ in saves]
        replayed += [alpha + s for s in fair_share_seconds([s for s, _, _ in saves], b, aggregate)]
        all_at_once += [alpha + len(saves) * b / aggregate] * len(saves)
    return measured, replayed, all_at_once


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    alpha, aggregate = concurrent_writers(sys.argv[1])
    lone = lone_writer(sys.argv[1])
    print(f"profile {sys.argv[1]}: concurrent writers together {aggregate / 1e9:.3f} GB/s, alpha {alpha:.4f} s")
    for run in sys.argv[2:]:
        measured, replayed, all_at_once = replay(run, alpha, aggregate)
        m, r, a = statistics.median(measured), statistics.median(replayed), statistics.median(all_at_once)
        f = statistics.median(finish_together(run, alpha, aggregate, lone))
        print(f"{os.path.basename(run)}: {len(measured)} disk saves; measured median {m:.4f} s, "
              f"fair-share replay {r:.4f} s ({(r / m - 1) * 100:+.0f}%), all at once {a:.4f} s ({(a / m - 1) * 100:+.0f}%), "
              f"finish together {f:.4f} s ({(f / m - 1) * 100:+.0f}%)")


if __name__ == "__main__":
    main()
