#!/usr/bin/env bash
# Are a real recovery's concurrent disk reads slower than the benchmark's, or was the disk just
# slower when the runs ran than when it was calibrated? Alternates a disk probe (the concurrent
# disk benchmarks of gemini-calibrate at the small preset's image size) with a short small/disk
# run of 4 ranks in 2 machines with three failures, so that every run is bracketed by probes
# taken seconds before and after it; analysis/disk_matched.py sets each recovery's slowest read
# beside the benchmark's slowest reader of the probes around it, and the average size of the
# disk's read requests in each (the block device's counters before and after it; /tmp must be
# on a block device) (docs/VALIDATION.md "Recovery reads against the benchmark").
# Usage: bash results/cpu/disk-matched/probe.sh [BUILD_DIR] [OUT_DIR] [CYCLES]
set -euo pipefail
B=${1:-build}
OUT=${2:-results/cpu/disk-matched}
CYCLES=${3:-6}
IMAGE_BYTES=50907456  # the small preset's checkpoint image per rank (gemini-launch reports it)
mkdir -p "$OUT/probes" "$OUT/runs"
date -u; uptime
# The block device under /tmp and its counters (reads completed, sectors read, writes completed,
# sectors written): their change around a probe or run gives the size of its I/O requests.
DEV=$(basename "$(findmnt -no SOURCE --target /tmp)")
counters() { awk '{print $1, $3, $5, $7}' "/sys/class/block/$DEV/stat"; }
# with_counters NAME COMMAND...: runs the command, writing NAME.iostat beside its JSON
with_counters() {
  local name=$1 before
  shift
  before=$(counters)
  "$@"
  printf '%s\n%s\n' "$before" "$(counters)" > "$OUT/$name.iostat"
}
probe() {
  with_counters "probes/probe-$1" "$B/calibrate/gemini-calibrate" --benchmarks disk-write-concurrent,disk-read-cold-concurrent \
    --min-bytes "$IMAGE_BYTES" --max-bytes "$IMAGE_BYTES" --reps 8 --min-reps 8 --dir /tmp --quiet \
    --out-json "$OUT/probes/probe-$1.json" --out-profile ''
}
for ((k = 1; k <= CYCLES; ++k)); do
  probe "$k"
  with_counters "runs/run-$k" "$B/real/gemini-launch" --ranks 4 --machines 2 --preset small --threads 1 --strategy disk --interval 5 \
    --iterations 36 --fail 12:process:1 --fail 22:machine:1 --fail 32:process:2 --max-restarts 3 \
    --job "matched-$k" --dir "/tmp/matched-disk-$k" --clean-disk --out "$OUT/runs/run-$k.json" > "$OUT/runs/run-$k.log" 2>&1
  echo "cycle $k/$CYCLES done ($(date -u +%H:%M:%S))"
done
probe "$((CYCLES + 1))"
python3 analysis/disk_matched.py "$OUT" | tee "$OUT/matched.txt"
