#!/usr/bin/env bash
# What slows the memory and gemini strategies' disk saves (docs/VALIDATION.md "Disk saves")?
#  1. real/: small preset, 4 ranks in 2 machines, the two failures of results/cpu/compare-vm,
#     disk saves every 10 iterations in both: the memory strategy checkpointing to memory every
#     10 (so each disk save follows a memory save in the same stall) and the disk strategy;
#     alternated twice. Prints each run's write()/commit split (analysis/save_events.py).
#  2. shm_then_write.cpp: the same copy-into-/dev/shm-then-write sequence outside real/.
#  3. first_touch.cpp: anonymous memory filled at once or after 3 s of rest.
#  4. touch_rate.cpp: 4 GiB of anonymous memory first-touched 256 MiB at a time (the VM's two
#     speeds of free memory: recently freed pages, and pages its host has taken back).
# Usage (idle machine, ~6 min): bash results/cpu/disk-after-memory/run.sh [BUILD_DIR] > summary.txt
set -euo pipefail
B=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
date; uptime
run() {  # NAME STRATEGY [flags]
  local name=$1 strategy=$2; shift 2
  "$B/real/gemini-launch" --ranks 4 --machines 2 --preset small --threads 1 --strategy "$strategy" "$@" \
    --interval 10 --iterations 30 --fail 12:process:1 --fail 22:machine:1 --job "dam-$name" \
    --dir "$OUT/disk-$name" --run-dir "$OUT/$name.events" --out "$OUT/$name.json" > "$OUT/$name.log" 2>&1
  echo "$name ($strategy, disk every 10$([ "$strategy" = memory ] && echo ', memory every 10')): $(python3 analysis/save_events.py "$OUT/$name.events" | tail -1)"
}
for round in 1 2; do
  run "memory-$round" memory --persistent-interval 10
  run "disk-$round" disk
done
g++ -O2 -o "$OUT/shm_then_write" "$HERE/shm_then_write.cpp"
g++ -O2 -o "$OUT/first_touch" "$HERE/first_touch.cpp"
g++ -O2 -o "$OUT/touch_rate" "$HERE/touch_rate.cpp"
for mode in 0 1 2 0 1 2; do "$OUT/shm_then_write" $mode "$OUT"; done
"$OUT/first_touch" 400 0
"$OUT/first_touch" 400 3000
"$OUT/touch_rate" 4096
date
