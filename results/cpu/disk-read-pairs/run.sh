#!/usr/bin/env bash
# Two cold readers at once, as in a memory-strategy machine loss (the lost machine's two ranks
# read their images from disk while the survivors read their own memory): does the benchmark
# give what the ranks get, and does CPU load (the survivors' copies and checksums) slow the
# readers? disk-read-cold-concurrent with --concurrency 2, alone and beside two busy-looping
# processes, alternated twice; then the ranks' own disk reads in those recoveries of the
# committed small/memory runs. Neighbours: none, two busy loops (CPU only), or two
# `dd if=/dev/zero of=/dev/null bs=256M` (memory traffic: every block is cleared and copied, as
# the survivors' memory reads and checksums stream memory). Idle machine, about 3 minutes.
# Usage: bash results/cpu/disk-read-pairs/run.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
OUT=results/cpu/disk-read-pairs
date -u +%FT%TZ > "$OUT/date.txt"
for round in 1 2; do
  for beside in none cpu memory; do
    pids=()
    for _ in 1 2; do
      case $beside in
        cpu) sh -c 'while :; do :; done' & pids+=($!) ;;
        memory) dd if=/dev/zero of=/dev/null bs=256M count=1000000 2> /dev/null & pids+=($!) ;;
      esac
    done
    sleep 0.3
    "$B/calibrate/gemini-calibrate" --benchmarks disk-read-cold-concurrent --concurrency 2 \
      --min-bytes 16MiB --max-bytes 128MiB --size-factor 2 --reps 10 --dir /tmp \
      --out-json "$OUT/pair-beside-$beside-$round.json" --out-profile '' --quiet
    for p in "${pids[@]+"${pids[@]}"}"; do kill "$p"; done
    wait 2>/dev/null || true
  done
done
# The committed calibrations' beside-memory readers (those that have the benchmark) at the
# runs' image size too.
python3 "$OUT/summary.py" "$OUT" results/cpu/compare-vm/runs/small-memory.json \
  results/cpu/compare-vm/repeat-*/runs/small-memory.json calibrate/profiles/cpu-amd-epyc.json \
  results/cpu/disk-rest/profile-rested.json results/cpu/compare-vm/repeat-*/profile*.json > "$OUT/summary.txt"
cat "$OUT/summary.txt"
