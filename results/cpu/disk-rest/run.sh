#!/usr/bin/env bash
# Does a disk write cost the same after a pause as in back-to-back runs? (docs/VALIDATION.md,
# "Disk saves".) gemini-calibrate's disk writes of one small-preset checkpoint image per writer
# (50907456 B), 4 writers at once and 1 alone, with no rest and with 3 s of rest before each
# run, alternated twice so that drift shows. Writes <OUT>/*.json and <OUT>/summary.txt.
# Usage: bash results/cpu/disk-rest/run.sh [BUILD_DIR] [OUT_DIR]   (on an idle machine, ~3 min)
set -euo pipefail
B=${1:-build}
OUT=${2:-results/cpu/disk-rest}
IMAGE=50907456
mkdir -p "$OUT"
for round in 1 2; do
  for rest in 0 3000; do
    "$B/calibrate/gemini-calibrate" --benchmarks disk-write-concurrent --concurrency 4 --min-bytes $IMAGE \
      --max-bytes $((4 * IMAGE)) --reps 8 --min-reps 8 --warmups 1 --disk-rest-ms $rest --dir /tmp \
      --out-json "$OUT/concurrent-rest$rest-$round.json" --out-profile '' --quiet
    "$B/calibrate/gemini-calibrate" --benchmarks disk-write --min-bytes $IMAGE --max-bytes $IMAGE \
      --reps 8 --min-reps 8 --warmups 1 --disk-rest-ms $rest --dir /tmp \
      --out-json "$OUT/single-rest$rest-$round.json" --out-profile '' --quiet
    echo "done round $round rest $rest ms" >&2
  done
done
python3 - "$OUT" > "$OUT/summary.txt" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print("disk write of 50907456 B per writer, seconds per writer (median, p10-p90, samples)")
for path in sorted(glob.glob(os.path.join(out, "*-rest*-*.json"))):
    run = json.load(open(path))
    for b in run["benchmarks"]:
        for p in b["points"]:
            print("%-28s %-22s rest %5.0f ms  %.3f (%.3f-%.3f, %d)" % (
                os.path.basename(path), b["name"], b["extra"]["rest_ms"], p["median_s"], p["p10_s"],
                p["p90_s"], p["count"]))
print("machine:", run["machine"].get("cpu_model"), "|", run["machine"].get("hostname", ""), "|", run["date_utc"])
PY
cat "$OUT/summary.txt"
