#!/usr/bin/env bash
# The whole CPU comparison of docs/VALIDATION.md in one go, on an idle machine (~25 min, most
# of it the rested calibration): calibrate, the seven runs, a second calibration whose disk
# writes rest 3 s before each run (profile-rested), and the comparison of the runs with each
# profile.
# Usage: bash results/cpu/compare-vm/session.sh [BUILD_DIR] [OUT_DIR]
#   without OUT_DIR: the committed main result (calibrate/profiles/cpu-amd-epyc.*,
#     results/cpu/compare-vm/{runs,compare.*}, results/cpu/disk-rest/{profile,compare}-rested.*);
#   with OUT_DIR (e.g. results/cpu/compare-vm/repeat-HHMM): a repetition, everything in there
#     (profile.*, profile-rested.*, runs/, compare.*, compare-rested.*).
# Environment: PROFILE_NAME (default cpu-amd-epyc) names the profiles; IMAGE_BYTES (default
#   1630592,50907456: real/'s tiny and small images, checkpoint_bytes_per_rank in the run JSONs)
#   are calibrated besides the sweep (--also-bytes), so that compare --medians reads the
#   benchmarks at the runs' own size (compare-medians.*, compare-rested-medians.*).
#   LANDING_AB=1 (repetitions only; ~8 min more) also calibrates with --landing untouched (the
#   retrieval benchmarks reading into memory they fault in, as before 2026-11-29) into
#   profile-untouched.* and compares with it (compare-untouched.*): the same runs, both landings.
set -euo pipefail
B=${1:-build}
OUT=${2:-}
if [ -z "$OUT" ]; then
  R=results/cpu/compare-vm
  PROFILE=calibrate/profiles/cpu-amd-epyc
  RESTED=results/cpu/disk-rest/profile-rested
  RESTED_CMP=results/cpu/disk-rest/compare-rested
else
  R=$OUT
  PROFILE=$OUT/profile
  RESTED=$OUT/profile-rested
  RESTED_CMP=$OUT/compare-rested
fi
mkdir -p "$R"
# The profile is named after the machine kind (PROFILE_NAME to override): the committed main
# result is the AMD EPYC VM's; a repetition on another kind says which in its profile.
NAME=${PROFILE_NAME:-cpu-amd-epyc}
IMAGE_BYTES=${IMAGE_BYTES:-1630592,50907456}
date; uptime
# calibrate OUT NAME [FLAGS...]: the whole calibration into OUT.json and OUT.yaml.
calibrate() {
  local out=$1 name=$2
  shift 2
  "$B/calibrate/gemini-calibrate" --max-bytes 1GiB --reps 20 --min-reps 5 --dir /tmp --also-bytes "$IMAGE_BYTES" "$@" \
    --out-json "$out.json" --out-profile "$out.yaml" --profile-name "$name"
}
# compare PROFILE OUT [FLAGS...]: the seven runs against PROFILE.yaml into OUT.json and OUT.txt.
# compare exits 1 when a phase is outside the tolerance: that is a result here, not a failure.
compare() {
  local profile=$1 out=$2
  shift 2
  "$B/sim/gemini-sim" compare "${RUNS[@]}" --profile "$profile.yaml" "$@" --json "$out.json" > "$out.txt" || [ $? -eq 1 ]
}
calibrate "$PROFILE" "$NAME"
bash results/cpu/compare-vm/run_all.sh "$B" "$R"
calibrate "$RESTED" "$NAME-rested" --disk-rest-ms 3000
UNTOUCHED=
if [ "${LANDING_AB:-0}" = 1 ] && [ -n "$OUT" ]; then
  UNTOUCHED=$OUT/profile-untouched
  calibrate "$UNTOUCHED" "$NAME-untouched" --landing untouched
fi
RUNS=("$R"/runs/{tiny,small}-{disk,memory,gemini}.json "$R/runs/small-disk-every10.json")
compare "$PROFILE" "$R/compare"
compare "$RESTED" "$RESTED_CMP"
# The same with the benchmarks' medians at the runs' size (measured there: IMAGE_BYTES).
compare "$PROFILE" "$R/compare-medians" --medians "$PROFILE.json"
compare "$RESTED" "$RESTED_CMP-medians" --medians "$RESTED.json"
[ -z "$UNTOUCHED" ] || compare "$UNTOUCHED" "$R/compare-untouched"
python3 - "$IMAGE_BYTES" "${RUNS[@]}" <<'PY'
import json, sys
wanted = {int(x) for x in sys.argv[1].split(",")}
for path in sys.argv[2:]:
    n = json.load(open(path))["checkpoint_bytes_per_rank"]
    if n not in wanted:
        print(f"WARNING: {path}: image of {n} bytes is not in IMAGE_BYTES; --medians interpolates there")
PY
tail -n 1 "$R/compare.txt" "$RESTED_CMP.txt" "$R/compare-medians.txt" "$RESTED_CMP-medians.txt" ${UNTOUCHED:+"$R/compare-untouched.txt"}
date
