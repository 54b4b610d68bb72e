#!/usr/bin/env bash
# Why small/disk every 10's disk retrievals came out slower than small/disk's (every 5) in the
# three sessions of 2026-11-30 and 12-08 (docs/VALIDATION.md "A faster host under the same
# name"), where run_all.sh always makes it last: the two runs alternated, each order twice,
# then the slowest rank's retrieval of every disk recovery per run (summarize.py).
# Usage (idle machine, ~6 min): bash results/cpu/disk-every10/run.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
B=${1:-build}
OUT=${2:-results/cpu/disk-every10}
date -u; uptime; grep -m1 'model name' /proc/cpuinfo; uname -r
for round in 1 2; do
  RUNS="small-disk-every10 small-disk" bash results/cpu/compare-vm/run_all.sh "$B" "$OUT/round$round-a"
  RUNS="small-disk small-disk-every10" bash results/cpu/compare-vm/run_all.sh "$B" "$OUT/round$round-b"
done
python3 results/cpu/disk-every10/summarize.py "$OUT"/round*/runs/*.json | tee "$OUT/summary.txt"
date -u
