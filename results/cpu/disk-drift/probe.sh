#!/usr/bin/env bash
# How much does this machine's disk drift from one minute to the next? The same small disk
# calibration (the four disk benchmarks at one size near the small preset's 50.9 MB image),
# repeated PROBES times, SLEEP_S apart, on an idle machine; analysis/disk_drift.py summarises
# them (docs/VALIDATION.md "How steady is the disk").
# Usage: bash results/cpu/disk-drift/probe.sh [BUILD_DIR] [OUT_DIR] [PROBES] [SLEEP_S]
set -euo pipefail
B=${1:-build}
OUT=${2:-results/cpu/disk-drift}
PROBES=${3:-12}
SLEEP_S=${4:-20}
mkdir -p "$OUT/probes"
date -u; uptime
for ((i = 1; i <= PROBES; ++i)); do
  stamp=$(date -u +%H%M%S)
  "$B/calibrate/gemini-calibrate" --benchmarks disk-write,disk-read-cold,disk-write-concurrent,disk-read-cold-concurrent \
    --min-bytes 48MiB --max-bytes 48MiB --reps 8 --min-reps 8 --dir /tmp --quiet \
    --out-json "$OUT/probes/probe-$stamp.json" --out-profile ''
  echo "probe $i/$PROBES done ($stamp)"
  if ((i < PROBES)); then sleep "$SLEEP_S"; fi
done
python3 analysis/disk_drift.py "$OUT"/probes/probe-*.json | tee "$OUT/drift.txt"
