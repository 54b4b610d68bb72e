"""Summary for run.sh: the benchmark's two concurrent cold readers per size (each reader's
median, alone and beside CPU-only or memory-streaming neighbours) against the ranks' disk reads (fetch_s) in the recoveries
where exactly two ranks read from disk, with how long the other two ranks (the survivors) were
busy retrieving and loading, per committed run.
Usage: python3 summary.py OUT_DIR RUN.json [RUN.json ...]"""
import glob
import json
import os
import statistics
import sys

out, runs = sys.argv[1], sys.argv[2:]
print("benchmark: disk-read-cold-concurrent, 2 processes at once; per reader, median over rounds")
print("| file | MiB | median s | p10-p90 s | GB/s per reader |")
print("|---|---|---|---|---|")
for path in sorted(glob.glob(os.path.join(out, "pair-*.json"))):
    for b in json.load(open(path))["benchmarks"]:
        for p in b["points"]:
            mib = int(p["bytes"]) >> 20
            print(f"| {os.path.basename(path)} | {mib} | {p['median_s']:.4f} | {p['p10_s']:.4f}-{p['p90_s']:.4f} "
                  f"| {p['bytes'] / p['median_s'] / 1e9:.2f} |")
print()
print("ranks: recoveries in which exactly two ranks read from disk (the others from memory); the survivors'")
print("memory traffic lasts their retrieval + load (median of their retrieval_s + load_s), the disk readers'")
print("reads last fetch_s")
print("| run | image MB | disk reads (fetch_s) | GB/s per reader (median) | survivors' retrieval + load (median) |")
print("|---|---|---|---|---|")
for path in runs:
    d = json.load(open(path))
    reads, survivors = [], []
    for f in d["timeline"]:
        ranks = f.get("ranks", [])
        disk = [r for r in ranks if r.get("tier") == "disk"]
        if len(disk) == 2:
            reads += [r["fetch_s"] for r in disk]
            survivors += [r["retrieval_s"] + r["load_s"] for r in ranks if r.get("tier") == "memory"]
    if reads:
        b = d["checkpoint_bytes_per_rank"]
        print(f"| {path} | {b / 1e6:.1f} | {', '.join(f'{x:.4f}' for x in sorted(reads))} "
              f"| {b / statistics.median(reads) / 1e9:.2f} | {statistics.median(survivors):.4f} |")
