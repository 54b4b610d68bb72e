#!/usr/bin/env bash
# Do the disk's concurrent writers share it fairly over their start times, or finish together?
# (docs/VALIDATION.md "Disk saves".) gemini-calibrate's disk-write-concurrent, 4 writers of
# 64 MiB (about a small-preset rank's 50.9 MB image), released with writer j starting j x S ms
# late: S = 0 (all at once, the profile's benchmark), 7 and 22 ms (the runs' median start spreads
# over 4 ranks: about 0.021 s in the disk strategy's saves, 0.067 s in the memory strategies' on
# the Intel Xeon VM, analysis/save_events.py), alternated over 5 rounds against the disk's drift.
# summarize.py prints each writer's median beside what the two models predict from the same
# round's all-at-once median.
# Usage (idle machine, ~1 min): bash results/cpu/disk-stagger/run.sh [BUILD_DIR] > summary.txt
set -euo pipefail
B=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
date -u; uptime; grep -m1 'model name' /proc/cpuinfo; nproc
for round in 1 2 3 4 5; do
  for stagger_ms in 0 7 22; do
    "$B/calibrate/gemini-calibrate" --benchmarks disk-write-concurrent --min-bytes 64MiB --max-bytes 64MiB \
      --reps 12 --dir /tmp --disk-stagger-ms "$stagger_ms" --quiet --out-profile '' \
      --out-json "$OUT/round$round-stagger$stagger_ms.json"
  done
done
python3 "$HERE/summarize.py" "$OUT"/round*-stagger*.json
date -u
