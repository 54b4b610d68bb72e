#!/usr/bin/env bash
# The whole CPU comparison of docs/VALIDATION.md in one go, on an idle machine (~20 min, most
# of it the rested calibration): calibrate, the seven runs, a second calibration whose disk
# writes rest 3 s before each run (results/cpu/disk-rest/profile-rested.*), and the comparison
# of the runs with each profile.
# Usage: bash results/cpu/compare-vm/session.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
R=results/cpu/compare-vm
REST=results/cpu/disk-rest
date; uptime
"$B/calibrate/gemini-calibrate" --max-bytes 1GiB --reps 20 --min-reps 5 --dir /tmp \
  --out-json calibrate/profiles/cpu-amd-epyc.json --out-profile calibrate/profiles/cpu-amd-epyc.yaml
bash "$R/run_all.sh" "$B" "$R"
"$B/calibrate/gemini-calibrate" --max-bytes 1GiB --reps 20 --min-reps 5 --dir /tmp --disk-rest-ms 3000 \
  --out-json "$REST/profile-rested.json" --out-profile "$REST/profile-rested.yaml" --profile-name cpu-amd-epyc-rested
RUNS=("$R"/runs/{tiny,small}-{disk,memory,gemini}.json "$R/runs/small-disk-every10.json")
# compare exits 1 when a phase is outside the tolerance: that is a result here, not a failure.
"$B/sim/gemini-sim" compare "${RUNS[@]}" --profile calibrate/profiles/cpu-amd-epyc.yaml \
  --json "$R/compare.json" > "$R/compare.txt" || [ $? -eq 1 ]
"$B/sim/gemini-sim" compare "${RUNS[@]}" --profile "$REST/profile-rested.yaml" \
  --json "$REST/compare-rested.json" > "$REST/compare-rested.txt" || [ $? -eq 1 ]
tail -n 1 "$R/compare.txt" "$REST/compare-rested.txt"
date
