#!/usr/bin/env bash
# Measurements behind docs/VALIDATION.md's CPU comparison (issue 4): 4 ranks in 2 machines,
# tiny and small presets, disk / memory / gemini, process and machine failures;
# plus small/disk saving every 10 iterations (about 10 s apart, the spacing of the memory and
# gemini strategies' disk saves), for the rest-dependent disk write cost (docs/CALIBRATION.md).
# Six failures per run, alternating process and machine, so that each recovery tier has three
# recoveries to take a median of: one recovery is one draw of the slowest reader, whose time
# varies from round to round and drifts from minute to minute on this VM's disk
# (results/cpu/disk-drift).
# Usage: bash results/cpu/compare-vm/run_all.sh [BUILD_DIR] [OUT_DIR]
#   RUNS: the runs to make, in that order (default: all seven, tiny then small, as below)
set -euo pipefail
B=${1:-build-compare}
OUT=${2:-results/cpu/compare-vm}
mkdir -p "$OUT/runs"
# run NAME PRESET STRATEGY INTERVAL [extra gemini-launch flags]
run() {
  local name=$1 preset=$2 strategy=$3 interval=$4
  shift 4
  "$B/real/gemini-launch" --ranks 4 --machines 2 --preset "$preset" --threads 1 --strategy "$strategy" \
    "$@" --interval "$interval" --iterations 70 --fail 12:process:1 --fail 22:machine:1 --fail 32:process:2 --fail 42:machine:0 \
    --fail 52:process:0 --fail 62:machine:1 --max-restarts 6 \
    --job "cmp-$name" --dir "/tmp/cmp-disk-$name" --run-dir "$OUT/runs/$name.events" \
    --out "$OUT/runs/$name.json" > "$OUT/runs/$name.log" 2>&1
  echo "done $name"
}
# named NAME: the run of that name (PRESET-STRATEGY, or small-disk-every10)
named() {
  local preset=${1%%-*} kind=${1#*-}
  case "$kind" in
    disk) run "$1" "$preset" disk 5 ;;
    memory) run "$1" "$preset" memory 5 --persistent-interval 10 ;;
    gemini) run "$1" "$preset" gemini 5 --replicas 2 --persistent-interval 10 ;;
    disk-every10) run "$1" "$preset" disk 10 ;;
    *) echo "unknown run '$1'" >&2; exit 2 ;;
  esac
}
for name in ${RUNS:-tiny-disk tiny-memory tiny-gemini small-disk small-memory small-gemini small-disk-every10}; do
  named "$name"
done
