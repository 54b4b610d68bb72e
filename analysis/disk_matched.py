#!/usr/bin/env python3
"""A real recovery's concurrent disk reads against the benchmark's, measured minutes apart or
seconds apart (results/cpu/disk-matched/probe.sh).

The directory holds probes/probe-K.json (gemini-calibrate's disk-read-cold-concurrent at one
size) and runs/run-K.json (gemini-launch runs recovering from disk), run K taken between probes
K and K+1. For each run: the median over its recoveries of the slowest rank's read (fetch_s: the
read alone, without the checksum verification after it), beside the median over rounds of the
benchmark's slowest reader in the probes just before and after it, and their ratio. A ratio
near 1 means the benchmark reproduces a recovery's reads when both see the same disk; ratios
away from 1 in the same direction in every cycle would mean it does not.

Where NAME.iostat sits beside a JSON (the block device's counters before and after it: reads
completed, sectors read, writes completed, sectors written), the average size of the read
requests that the probe or run sent to the disk is shown too.

Usage: python3 analysis/disk_matched.py DIR [--tolerance 0.15]
"""
import argparse
import glob
import json
import os
import re
import statistics

from disk_drift import probe_seconds


def numbered(pattern):
    """{K: path} for files named ...-K.json."""
    out = {}
    for path in glob.glob(pattern):
        m = re.search(r"-(\d+)\.json$", path)
        if m:
            out[int(m.group(1))] = path
    return out


def slowest_reader_s(probe_path):
    """(bytes, median of each round's slowest reader) of a probe's disk-read-cold-concurrent."""
    with open(probe_path) as f:
        probe = json.load(f)
    for b in probe.get("benchmarks", []):
        if b.get("name") == "disk-read-cold-concurrent" and b.get("points"):
            bytes_, slowest_median_s, _, _ = probe_seconds(b)  # one size; the slowest reader's median
            return bytes_, slowest_median_s
    raise SystemExit(f"{probe_path}: no disk-read-cold-concurrent point")


def recoveries(run_path):
    """Per disk recovery of a run: (slowest rank's read, the recovery's retrieval), bytes per rank."""
    with open(run_path) as f:
        run = json.load(f)
    out = []
    for t in run.get("timeline", []):
        ranks = t.get("ranks") or []
        if ranks and all(r.get("tier") == "disk" for r in ranks):
            out.append((max(r["fetch_s"] for r in ranks), t["retrieval_s"]))
    return out, run.get("checkpoint_bytes_per_rank")


def read_request_kib(json_path):
    """Average KiB per read request around a probe or run (its .iostat file), or None."""
    path = json_path[: -len(".json")] + ".iostat"
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = [[int(x) for x in line.split()] for line in f if line.strip()]
    if len(rows) != 2 or len(rows[0]) != 4 or len(rows[1]) != 4:
        raise SystemExit(f"{path}: expected two lines of four counters")
    reads, sectors = rows[1][0] - rows[0][0], rows[1][1] - rows[0][1]
    return sectors * 512 / 1024 / reads if reads > 0 else None


def kib(x):
    return "-" if x is None else f"{x:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--tolerance", type=float, default=0.15)
    args = ap.parse_args()
    probes = numbered(os.path.join(args.dir, "probes", "probe-*.json"))
    runs = numbered(os.path.join(args.dir, "runs", "run-*.json"))
    if not runs:
        raise SystemExit(f"{args.dir}: no runs/run-K.json")
    print("| run | recoveries | run's slowest read (median) | its retrieval (median) | probe before | probe after "
          "| read / probes' mean | KiB per read request: run, probes |")
    print("|---|---|---|---|---|---|---|---|")
    ratios, bench_all = [], []
    for k in sorted(runs):
        if k not in probes or k + 1 not in probes:
            raise SystemExit(f"run {k} needs probe-{k}.json and probe-{k + 1}.json around it")
        recs, image_bytes = recoveries(runs[k])
        if not recs:
            raise SystemExit(f"{runs[k]}: no recovery in which every rank read from disk")
        (bytes_before, before), (bytes_after, after) = slowest_reader_s(probes[k]), slowest_reader_s(probes[k + 1])
        if image_bytes is not None and not bytes_before == bytes_after == image_bytes:
            raise SystemExit(f"run {k}: image {image_bytes} B, probes at {bytes_before} and {bytes_after} B")
        read = statistics.median(r[0] for r in recs)
        retrieval = statistics.median(r[1] for r in recs)
        ratio = read / ((before + after) / 2)
        ratios.append(ratio)
        bench_all += [before, after]
        sizes = f"{kib(read_request_kib(runs[k]))}, {kib(read_request_kib(probes[k]))}/{kib(read_request_kib(probes[k + 1]))}"
        print(f"| {k} | {len(recs)} | {read:.4f} | {retrieval:.4f} | {before:.4f} | {after:.4f} | {ratio:.2f} | {sizes} |")
    within = sum(abs(r - 1) <= args.tolerance for r in ratios)
    print()
    print(f"read / probes' mean: median {statistics.median(ratios):.2f}, range {min(ratios):.2f}-{max(ratios):.2f}, "
          f"{within} of {len(ratios)} runs within +-{args.tolerance:.0%}")
    print(f"the probes' slowest reader over the study: {min(bench_all):.4f}-{max(bench_all):.4f} s "
          f"(max/min {max(bench_all) / min(bench_all):.2f})")


if __name__ == "__main__":
    main()
