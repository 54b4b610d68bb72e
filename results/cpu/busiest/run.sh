#!/usr/bin/env bash
# Own-memory retrievals charged by the layout their ranks began in (docs/VALIDATION.md "Where
# the ranks ran"): one calibration as session.sh makes it (memory-retrieval-busiest included),
# the seven runs of run_all.sh (which record each rank's CPU), then compare of the same runs with
# that profile, with --charge-layouts (each own-memory recovery at memory_retrieval_busiest_K for
# its layout) and without (the unpinned memory-retrieval-concurrent figure, as before): the one
# change, measured together.
# Then results/cpu/placement/run.sh with REPS=2 into OUT/placement (small/memory, seven process
# failures each, every rank's CPU recorded; alternated with the unpinned benchmark), compared
# both ways too. ~35 min.
# Usage: bash results/cpu/busiest/run.sh [BUILD_DIR] [OUT_DIR]
#   PROFILE_NAME: the profile's name (default: gemini-calibrate's, from the CPU model)
#   COMPARE_ONLY=1: only the comparisons, of the runs and profile already in OUT_DIR
set -euo pipefail
B=${1:-build}
OUT=${2:-results/cpu/busiest}
mkdir -p "$OUT"
date -u; uptime
if [ "${COMPARE_ONLY:-0}" != 1 ]; then
  "$B/calibrate/gemini-calibrate" --max-bytes 1GiB --reps 20 --min-reps 5 --dir /tmp --also-bytes 1630592,50907456 \
    --out-json "$OUT/profile.json" --out-profile "$OUT/profile.yaml" ${PROFILE_NAME:+--profile-name "$PROFILE_NAME"}
  bash results/cpu/compare-vm/run_all.sh "$B" "$OUT"
  REPS=2 bash results/cpu/placement/run.sh "$B" "$OUT/placement"
fi
RUNS=("$OUT"/runs/{tiny,small}-{disk,memory,gemini}.json "$OUT/runs/small-disk-every10.json")
PLACED=("$OUT"/placement/runs/run-*.json)
# compare OUT PROFILE RUNS...: exit 1 (a phase outside the tolerance) is a result here.
compare() {
  local out=$1 profile=$2
  shift 2
  "$B/sim/gemini-sim" compare "$@" --profile "$profile" --json "$out.json" > "$out.txt" || [ $? -eq 1 ]
}
compare "$OUT/compare" "$OUT/profile.yaml" --charge-layouts "${RUNS[@]}"
compare "$OUT/compare-unpinned" "$OUT/profile.yaml" "${RUNS[@]}"
compare "$OUT/placement-compare" "$OUT/profile.yaml" --charge-layouts "${PLACED[@]}" --no-engine
compare "$OUT/placement-compare-unpinned" "$OUT/profile.yaml" "${PLACED[@]}" --no-engine
# The same with the benchmarks' medians at the runs' image size instead of the fitted lines.
compare "$OUT/compare-medians" "$OUT/profile.yaml" --charge-layouts "${RUNS[@]}" --medians "$OUT/profile.json"
compare "$OUT/compare-unpinned-medians" "$OUT/profile.yaml" "${RUNS[@]}" --medians "$OUT/profile.json"
compare "$OUT/placement-compare-medians" "$OUT/profile.yaml" --charge-layouts "${PLACED[@]}" --no-engine --medians "$OUT/profile.json"
compare "$OUT/placement-compare-unpinned-medians" "$OUT/profile.yaml" "${PLACED[@]}" --no-engine \
  --medians "$OUT/profile.json"
grep -h "recovery_retrieval_memory_s" "$OUT"/compare.txt "$OUT"/compare-unpinned.txt "$OUT"/placement-compare*.txt
tail -n 1 "$OUT"/compare*.txt
date -u
