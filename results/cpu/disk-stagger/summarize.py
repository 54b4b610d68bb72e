#!/usr/bin/env python3
"""Summary of results/cpu/disk-stagger/run.sh: per round and stagger, each writer's median (in
start order) beside three models of writers that start S apart, all from the same round's
all-at-once per-writer median C (S = 0):
  all at once:      every writer takes C whatever its start
  fair share:       the disk's rate when all write together (4 x bytes / C) shared equally among
                    the writers active at each moment (results/cpu/compare-vm/fair_share_replay.py)
  finish together:  every writer ends when the first would have alone among all four, at C after
                    the first start: writer j takes C - j x S
Usage: python3 summarize.py ROUND*-STAGGER*.json"""
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compare-vm"))
from fair_share_replay import fair_share_seconds, finish_together_seconds  # noqa: E402


def point(path):
    b = json.load(open(path))["benchmarks"][0]
    p = b["points"][0]
    return b["extra"]["stagger_ms"] / 1e3, p["bytes"], p["median_s"], p["extra"]["writer_medians_s"]


def main():
    rounds = {}
    for path in sys.argv[1:]:
        r = int(re.search(r"round(\d+)", os.path.basename(path)).group(1))
        s, n, pooled, own = point(path)
        rounds.setdefault(r, {})[s] = (n, pooled, own)
    errors = {"all at once": [], "fair share": [], "finish together": []}
    print("| round | stagger ms | pooled median s | writers' medians s (start order) | fair share | finish together |")
    print("|---|---|---|---|---|---|")
    for r in sorted(rounds):
        n, c, _ = rounds[r][0.0]
        for s in sorted(rounds[r]):
            _, pooled, own = rounds[r][s]
            k = len(own)
            starts = [j * s for j in range(k)]
            fair = fair_share_seconds(starts, n, k * n / c)
            together = finish_together_seconds(starts, c)
            if s > 0:
                for name, model in (("all at once", [c] * k), ("fair share", fair), ("finish together", together)):
                    errors[name] += [m / o - 1 for m, o in zip(model, own)]
            cells = lambda xs: " ".join(f"{x:.3f}" for x in xs)
            print(f"| {r} | {s * 1e3:.0f} | {pooled:.3f} | {cells(own)} | {cells(fair)} | {cells(together)} |")
    for name, e in errors.items():
        print(f"{name}: staggered writers' medians predicted with mean |error| {statistics.mean(abs(x) for x in e) * 100:.1f}% "
              f"(median error {statistics.median(e) * 100:+.1f}%, {len(e)} writers)")


if __name__ == "__main__":
    main()
