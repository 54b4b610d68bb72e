#!/usr/bin/env python3
"""How the ranks lay on the CPUs when they retrieved their own images, and what it cost.

A process failure's recovery under the memory strategies has every rank copy its image out of
its memory store and hash it at once. With more ranks than CPUs the slowest rank waits for the
most crowded CPU, so this groups recoveries by how many ranks shared the busiest CPU when
their retrieval began (real/'s cpu_at_agreed, docs/REAL.md) and by how many ranks ended on
another CPU (cpu_at_fetched); and, from gemini-calibrate JSONs, the memory-retrieval-concurrent
rounds the same way (busiest_cpu_processes, moved_processes, round_slowest_s at one size).

Usage: retrieval_placement.py RUN.json... [--bench CALIBRATE.json...] [--bytes N] [--json OUT]
Runs from before 2026-11-29 22:50 UTC lack the CPU fields: their recoveries are counted apart,
by timing only (one rank done in under half the time of the slowest).
"""
import argparse
import json
import statistics
import sys
from collections import Counter


def busiest(cpus):
    known = [c for c in cpus if c >= 0]
    return max(Counter(known).values()) if known else 0


def own_memory_recoveries(run):
    """Per all-memory process-failure recovery: its ranks' (cpu_at_agreed, cpu_at_fetched, retrieval_s)."""
    for t in run.get("timeline", []):
        if t.get("kind") != "process" or t.get("source_tier") != "memory":
            continue
        ranks = t.get("ranks", [])
        if ranks:
            yield [(r.get("cpu_at_agreed", -1), r.get("cpu_at_fetched", -1), r["retrieval_s"]) for r in ranks]


def run_rows(paths):
    rows, untagged = [], []
    for path in paths:
        with open(path) as f:
            run = json.load(f)
        for ranks in own_memory_recoveries(run):
            at, end, seconds = zip(*ranks)
            slowest = max(seconds)
            lone = min(seconds) < 0.5 * slowest
            if min(at) < 0 or min(end) < 0:
                untagged.append({"slowest_s": slowest, "one_rank_under_half": lone})
                continue
            rows.append({"busiest": busiest(at), "moved": sum(a != e for a, e in zip(at, end)),
                         "slowest_s": slowest, "one_rank_under_half": lone})
    return rows, untagged


def bench_rows(paths, size):
    rows = []
    for path in paths:
        with open(path) as f:
            cal = json.load(f)
        for b in cal.get("benchmarks", []):
            if b.get("name") != "memory-retrieval-concurrent":
                continue
            for p in b.get("points", []):
                x = p.get("extra", {})
                if int(p["bytes"]) != size or "busiest_cpu_processes" not in x:
                    continue
                for bu, mo, s in zip(x["busiest_cpu_processes"], x["moved_processes"], x["round_slowest_s"]):
                    rows.append({"busiest": bu, "moved": mo, "slowest_s": s})
    return rows


def summary(rows):
    out = {}
    for b in sorted({r["busiest"] for r in rows}):
        group = [r for r in rows if r["busiest"] == b]
        out[str(b)] = {
            "count": len(group),
            "slowest_median_s": statistics.median(r["slowest_s"] for r in group),
            "slowest_min_s": min(r["slowest_s"] for r in group),
            "slowest_max_s": max(r["slowest_s"] for r in group),
            "with_a_moved_process": sum(r["moved"] > 0 for r in group),
        }
    if rows:
        out["all"] = {"count": len(rows), "slowest_median_s": statistics.median(r["slowest_s"] for r in rows)}
    return out


def print_table(title, s, what):
    print(f"{title}")
    print(f"| ranks on the busiest CPU | {what} | slowest median | slowest range | with one moved |")
    print("|---|---|---|---|---|")
    for k, v in s.items():
        if k == "all":
            continue
        print(f"| {k} | {v['count']} | {v['slowest_median_s']:.4f} s | {v['slowest_min_s']:.4f}-{v['slowest_max_s']:.4f} s"
              f" | {v['with_a_moved_process']} |")
    if "all" in s:
        print(f"| all | {s['all']['count']} | {s['all']['slowest_median_s']:.4f} s | | |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="*", help="gemini-launch run JSONs")
    ap.add_argument("--bench", nargs="*", default=[], help="gemini-calibrate --out-json files")
    ap.add_argument("--bytes", type=int, default=50907456, help="benchmark size to read (default: small's image)")
    ap.add_argument("--json", help="write the summary here too")
    a = ap.parse_args()
    if not a.runs and not a.bench:
        ap.error("give run JSONs, --bench calibration JSONs, or both")
    rows, untagged = run_rows(a.runs)
    brows = bench_rows(a.bench, a.bytes)
    if a.bench and not brows:
        sys.exit(f"no memory-retrieval-concurrent rounds with CPU layouts at {a.bytes} bytes in {a.bench}")
    result = {"runs": summary(rows), "bench": summary(brows),
              "runs_without_cpu_fields": {
                  "count": len(untagged),
                  "one_rank_under_half": sum(u["one_rank_under_half"] for u in untagged),
                  "slowest_median_s": statistics.median(u["slowest_s"] for u in untagged) if untagged else None}}
    result["runs_one_rank_under_half"] = sum(r["one_rank_under_half"] for r in rows)
    if rows:
        print_table("Runs: own-memory retrievals of process failures (recoveries)", result["runs"], "recoveries")
    if brows:
        print_table(f"memory-retrieval-concurrent at {a.bytes} bytes (rounds)", result["bench"], "rounds")
    if untagged:
        u = result["runs_without_cpu_fields"]
        print(f"Runs without CPU fields: {u['count']} recoveries, {u['one_rank_under_half']} with one rank done in "
              f"under half the slowest's time; slowest median {u['slowest_median_s']:.4f} s")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
