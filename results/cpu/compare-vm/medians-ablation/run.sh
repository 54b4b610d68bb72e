#!/usr/bin/env bash
# gemini-sim compare from the profile's fitted lines and from the same calibration's medians at
# each run's size (--medians), on every committed session of the AMD EPYC VM
# (results/cpu/compare-vm/ and its repeat-HHMM/), each with its own profile and, where kept,
# its rested profile; current build.
# Offline: no benchmark runs. Writes <session>-<profile>-{fit,medians}.json (not committed) and
# summary.txt here.
# Usage: bash results/cpu/compare-vm/medians-ablation/run.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
R=results/cpu/compare-vm
OUT=$R/medians-ablation
compare_both() {  # LABEL RUNS_DIR PROFILE (path without .yaml/.json)
  local label=$1 runs=$2 profile=$3
  [ -f "$profile.yaml" ] && [ -f "$profile.json" ] || return 0
  local files=("$runs"/{tiny,small}-{disk,memory,gemini}.json "$runs/small-disk-every10.json")
  echo "$label" >&2
  # compare exits 1 when a phase is outside the tolerance: a result here, not a failure.
  "$B/sim/gemini-sim" compare "${files[@]}" --profile "$profile.yaml" --json "$OUT/$label-fit.json" \
    > /dev/null || [ $? -eq 1 ]
  "$B/sim/gemini-sim" compare "${files[@]}" --profile "$profile.yaml" --medians "$profile.json" \
    --json "$OUT/$label-medians.json" > /dev/null || [ $? -eq 1 ]
}
compare_both main-profile "$R/runs" calibrate/profiles/cpu-amd-epyc
compare_both main-rested "$R/runs" results/cpu/disk-rest/profile-rested
for d in "$R"/repeat-[0-9]*/; do  # the AMD EPYC VM's sessions (repeat-xeon-*: another machine kind)
  s=$(basename "$d")
  compare_both "$s-profile" "$d/runs" "$d/profile"
  compare_both "$s-rested" "$d/runs" "$d/profile-rested"
done
python3 "$OUT/summarize.py" "$OUT" > "$OUT/summary.txt"
cat "$OUT/summary.txt"
