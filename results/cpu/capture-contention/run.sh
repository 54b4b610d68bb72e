#!/usr/bin/env bash
# How a rank's snapshot copy and checksum slow down when four one-thread processes share two
# CPUs, as real/'s four ranks on this VM do (docs/VALIDATION.md "Where the target is met").
# Runs real/'s gemini-bench-model (preset small, --threads 1) alone, then four at once, and
# writes each process's capture_copy and capture_checksum medians to summary.txt. The four
# start together but are not released at one moment per capture as the ranks of a run are:
# each captures while the others train or capture. On an idle machine, ~1.5 min.
# Usage: bash results/cpu/capture-contention/run.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
OUT=results/cpu/capture-contention
BENCH=("$B/real/gemini-bench-model" --sizes small --threads 1 --reps 10 --warmup 1)
"${BENCH[@]}" --out "$OUT/alone.json" > /dev/null
pids=()
for i in 0 1 2 3; do
  "${BENCH[@]}" --out "$OUT/four-$i.json" > /dev/null &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
python3 - "$OUT" > "$OUT/summary.txt" <<'PY'
import json, sys
out = sys.argv[1]
def point(name):
    return json.load(open(f"{out}/{name}.json"))["points"][0]
def cell(p, k):
    s = p[k]
    return f"{s['median_s']*1e3:6.2f} ms ({s['p10_s']*1e3:.2f}-{s['p90_s']*1e3:.2f})"
env = json.load(open(f"{out}/alone.json"))["environment"]
print(f"gemini-bench-model small, --threads 1, 10 reps; {env['cpu_model']}, {env['cpu_count']} CPUs, {env['host']}")
print(f"{'process':10s} {'capture_copy (p10-p90)':28s} {'capture_checksum (p10-p90)':28s} iteration")
alone = point("alone")
rows = [("alone", alone)] + [(f"four #{i}", point(f"four-{i}")) for i in range(4)]
for name, p in rows:
    print(f"{name:10s} {cell(p, 'capture_copy'):28s} {cell(p, 'capture_checksum'):28s} {p['iteration']['median_s']:.3f} s")
for k in ("capture_copy", "capture_checksum"):
    ratios = sorted(p[k]["median_s"] / alone[k]["median_s"] for _, p in rows[1:])
    print(f"{k}: the four processes' medians / alone: " + ", ".join(f"{r:.2f}" for r in ratios))
PY
cat "$OUT/summary.txt"
