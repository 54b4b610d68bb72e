#!/usr/bin/env bash
# memory-retrieval-concurrent at the small image's size with its four processes where the
# kernel puts them, pinned three on one CPU and one alone (0,1,1,1), and pinned two per CPU
# (0,0,1,1): the two kinds of own-memory recovery the runs show (README). REPS alternations
# (default 2), ~1 min each layout. Needs 2 CPUs or more.
# Usage: bash results/cpu/placement/pinned.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
B=${1:-build}
OUT=${2:-results/cpu/placement}/pinned
REPS=${REPS:-2}
mkdir -p "$OUT"
date -u; uptime
for i in $(seq 1 "$REPS"); do
  for layout in kernel 0,1,1,1 0,0,1,1; do
    pin=()
    [ "$layout" = kernel ] || pin=(--pin-cpus "$layout")
    "$B/calibrate/gemini-calibrate" --benchmarks memory-retrieval-concurrent --concurrency 4 "${pin[@]}" \
      --min-bytes 32MiB --max-bytes 256MiB --size-factor 2 --also-bytes 50907456 --reps 30 \
      --dir /tmp --quiet --out-profile '' --out-json "$OUT/${layout//,/}-$i.json"
  done
  echo "alternation $i done"
done
for layout in kernel 0111 0011; do
  echo "## $layout"
  python3 analysis/retrieval_placement.py --bench "$OUT/$layout"-*.json --bytes 50907456
done | tee "$OUT/summary.md"
date -u
