"""Summary for run.sh: the benchmark's two concurrent cold readers per size (each reader's
median, alone and beside CPU-only or memory-streaming neighbours) against the ranks' disk reads (fetch_s) in the recoveries
where exactly two ranks read from disk, with how long the other two ranks (the survivors) were
busy retrieving and loading, per committed run; and, for each calibration JSON given
(gemini-calibrate --out-json, from 2026-11-28 08:00 on), its disk-read-cold-beside-memory readers
at the runs' image size: the slowest reader's fit, which compare charges, against the slowest
readers' medians interpolated between the two measured sizes around it.
Usage: python3 summary.py OUT_DIR RUN_OR_CALIBRATION.json [...]"""
import glob
import json
import os
import statistics
import sys

out, files = sys.argv[1], sys.argv[2:]
docs = {path: json.load(open(path)) for path in files}
runs = [path for path, d in docs.items() if "timeline" in d]
calibrations = [path for path, d in docs.items() if "benchmarks" in d]
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
image_bytes = None
for path in runs:
    d = docs[path]
    reads, survivors = [], []
    for f in d["timeline"]:
        ranks = f.get("ranks", [])
        disk = [r for r in ranks if r.get("tier") == "disk"]
        if len(disk) == 2:
            reads += [r["fetch_s"] for r in disk]
            survivors += [r["retrieval_s"] + r["load_s"] for r in ranks if r.get("tier") == "memory"]
    if reads:
        b = image_bytes = d["checkpoint_bytes_per_rank"]
        print(f"| {path} | {b / 1e6:.1f} | {', '.join(f'{x:.4f}' for x in sorted(reads))} "
              f"| {b / statistics.median(reads) / 1e9:.2f} | {statistics.median(survivors):.4f} |")


def interpolate(points, x):
    """Piecewise-linear in (bytes, seconds) between the measured sizes around x; None outside."""
    for lo, hi in zip(points, points[1:]):
        if lo[0] <= x <= hi[0]:
            return lo[1] + (hi[1] - lo[1]) * (x - lo[0]) / (hi[0] - lo[0])
    return None


if calibrations and image_bytes:
    print()
    print(f"calibrations: disk-read-cold-beside-memory's slowest reader per round at the runs' image "
          f"({image_bytes / 1e6:.1f} MB): the fit compare charges, the medians interpolated, the fit's note")
    print("| calibration | fit_slowest s (GB/s) | medians interpolated s (GB/s) | fit / interpolated | note |")
    print("|---|---|---|---|---|")
    for path in calibrations:
        found = [b for b in docs[path]["benchmarks"] if b["name"] == "disk-read-cold-beside-memory"]
        if not found:
            continue
        b = found[0]
        fit = b["fit_slowest"]
        fit_s = fit["alpha_s"] + image_bytes / fit["beta_bytes_per_s"]
        points = sorted((p["bytes"], p["slowest"]["median_s"]) for p in b["points"])
        mid_s = interpolate(points, image_bytes)
        mid = f"{mid_s:.4f} ({image_bytes / mid_s / 1e9:.2f})" if mid_s else "outside the sizes"
        ratio = f"{fit_s / mid_s:.2f}" if mid_s else "-"
        print(f"| {path} | {fit_s:.4f} ({image_bytes / fit_s / 1e9:.2f}) | {mid} | {ratio} | {'; '.join(b.get('notes', []))} |")
