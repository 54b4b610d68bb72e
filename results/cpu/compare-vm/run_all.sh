#!/usr/bin/env bash
# Measurements behind docs/VALIDATION.md's CPU comparison (issue 4): 4 ranks in 2 machines,
# tiny and small presets, disk / memory / gemini, a process failure and a machine failure.
# Usage: bash results/cpu/compare-vm/run_all.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
B=${1:-build-compare}
OUT=${2:-results/cpu/compare-vm}
mkdir -p "$OUT/runs"
for preset in tiny small; do
  for strategy in disk memory gemini; do
    extra=()
    [ "$strategy" = gemini ] && extra+=(--replicas 2)
    [ "$strategy" != disk ] && extra+=(--persistent-interval 10)
    "$B/real/gemini-launch" --ranks 4 --machines 2 --preset "$preset" --threads 1 --strategy "$strategy" \
      "${extra[@]}" --interval 5 --iterations 30 --fail 12:process:1 --fail 22:machine:1 \
      --job "cmp-$preset-$strategy" --dir "/tmp/cmp-disk-$preset-$strategy" \
      --out "$OUT/runs/$preset-$strategy.json" > "$OUT/runs/$preset-$strategy.log" 2>&1
    echo "done $preset $strategy"
  done
done
