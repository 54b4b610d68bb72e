#!/usr/bin/env bash
# The retrieval benchmarks with either landing (gemini-calibrate --landing, docs/CALIBRATION.md
# "Where retrievals land"), one right after the other, and their medians at real/'s small image
# (50,907,456 bytes) side by side: what reading into memory the read faults in adds to each.
# About 1 minute on the 2-CPU VMs. Writes landing-{resident,untouched}.json and summary.txt here.
# Usage: bash results/cpu/landing/run.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
D=results/cpu/landing
for landing in resident untouched; do
  "$B/calibrate/gemini-calibrate" --benchmarks shm-read-fresh,tcp-loopback-fresh,disk-read-cold,disk-read-cold-concurrent,disk-read-cold-beside-memory \
    --max-bytes 256MiB --also-bytes 50907456 --reps 20 --min-reps 5 --dir /tmp --landing "$landing" --quiet \
    --out-json "$D/landing-$landing.json" --out-profile ''
done
python3 - "$D" > "$D/summary.txt" <<'PY'
import json, sys
d = sys.argv[1]
runs = {l: json.load(open(f"{d}/landing-{l}.json")) for l in ("resident", "untouched")}
m = runs["resident"]["machine"]
print(f"gemini-calibrate --landing resident, then untouched: {m['cpu_model']}, {m['logical_cpus']} CPUs, {runs['resident']['date_utc']}")
print("medians at 50,907,456 bytes (real/'s small image), seconds; slowest: each round's last reader")
print(f"{'benchmark':34} {'resident':>10} {'untouched':>10} {'ratio':>7}")
def at(run, name):
    for b in run["benchmarks"]:
        if b["name"] == name:
            for p in b["points"]:
                if p["bytes"] == 50907456:
                    return p
for b in runs["resident"]["benchmarks"]:
    r, u = at(runs["resident"], b["name"]), at(runs["untouched"], b["name"])
    if not r or not u:
        continue
    rows = [("", r["median_s"], u["median_s"])]
    if r.get("slowest") and u.get("slowest"):
        rows.append((" (slowest)", r["slowest"]["median_s"], u["slowest"]["median_s"]))
    for suffix, a, c in rows:
        print(f"{b['name'] + suffix:34} {a:10.4f} {c:10.4f} {c / a:7.2f}")
PY
cat "$D/summary.txt"
