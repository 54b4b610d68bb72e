#!/usr/bin/env bash
# Where the ranks' own-memory retrievals run, against the benchmark that predicts them
# (docs/VALIDATION.md "Own-memory retrievals"): REPS times, alternating, (1) small/memory with 4
# ranks in 2 machines and seven process failures (every recovery retrieves all four images from
# the ranks' own memory stores; real/ records each rank's CPU at the retrieval's two ends) and
# (2) gemini-calibrate's memory-retrieval-concurrent at the small image's size (each round's CPU
# layout recorded); then analysis/retrieval_placement.py over both. ~3.5 min per repetition.
# Usage: bash results/cpu/placement/run.sh [BUILD_DIR] [OUT_DIR] (REPS, default 3)
set -euo pipefail
B=${1:-build}
OUT=${2:-results/cpu/placement}
REPS=${REPS:-3}
IMAGE_BYTES=50907456  # real/'s small preset: checkpoint_bytes_per_rank
mkdir -p "$OUT/runs" "$OUT/bench"
date -u; uptime
for i in $(seq 1 "$REPS"); do
  "$B/real/gemini-launch" --ranks 4 --machines 2 --preset small --threads 1 --strategy memory \
    --persistent-interval 10 --interval 5 --iterations 40 --max-restarts 7 \
    --fail 7:process:1 --fail 12:process:2 --fail 17:process:0 --fail 22:process:3 \
    --fail 27:process:1 --fail 32:process:2 --fail 37:process:0 \
    --job "placement-$i" --dir "/tmp/placement-disk-$i" --run-dir "$OUT/runs/run-$i.events" \
    --out "$OUT/runs/run-$i.json" > "$OUT/runs/run-$i.log" 2>&1
  rm -rf "/tmp/placement-disk-$i"
  echo "run $i done"
  "$B/calibrate/gemini-calibrate" --benchmarks memory-retrieval-concurrent --concurrency 4 \
    --min-bytes 32MiB --max-bytes 256MiB --size-factor 2 --also-bytes "$IMAGE_BYTES" --reps 30 \
    --dir /tmp --quiet --out-profile '' --out-json "$OUT/bench/bench-$i.json"
  echo "benchmark $i done"
done
python3 analysis/retrieval_placement.py "$OUT"/runs/run-*.json --bench "$OUT"/bench/bench-*.json \
  --bytes "$IMAGE_BYTES" --json "$OUT/summary.json" | tee "$OUT/summary.md"
date -u
