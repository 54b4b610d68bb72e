#!/usr/bin/env bash
# gemini-sim compare two ways (variants A and B: extra compare flags) on committed sessions of
# results/cpu/compare-vm/ (the main result and each repeat-*/ matching SESSIONS), each with its
# own profile and, where kept, its rested profile; current build. Offline: no benchmark runs.
# Writes <session>-<profile>-<A|B name>.json into OUT (not committed) and OUT/summary.txt.
# Usage: bash results/cpu/compare-vm/ablation.sh BUILD_DIR OUT NAME_A "FLAGS_A" NAME_B "FLAGS_B" \
#          "SESSIONS" "TITLE"   (SESSIONS: a glob under results/cpu/compare-vm, e.g. 'repeat-[0-9]*')
set -euo pipefail
B=$1 OUT=$2 NAME_A=$3 FLAGS_A=$4 NAME_B=$5 FLAGS_B=$6 SESSIONS=$7 TITLE=$8
R=results/cpu/compare-vm
# shellcheck source=SCRIPTDIR/compare_session.sh
source "$R/compare_session.sh"
compare_both() {  # LABEL RUNS_DIR PROFILE (path without .yaml/.json)
  local label=$1 runs=$2 profile=$3
  [ -f "$profile.yaml" ] && [ -f "$profile.json" ] || return 0
  echo "$label" >&2
  local name flags
  for variant in A B; do
    if [ $variant = A ]; then name=$NAME_A flags=$FLAGS_A; else name=$NAME_B flags=$FLAGS_B; fi
    # shellcheck disable=SC2086  # the flags are words
    compare_session "$B" "$runs" "$profile.yaml" "$OUT/$label-$name.json" ${flags//@PROFILE@/$profile}
  done
}
compare_both main-profile "$R/runs" calibrate/profiles/cpu-amd-epyc
compare_both main-rested "$R/runs" results/cpu/disk-rest/profile-rested
for d in $R/$SESSIONS/; do
  s=$(basename "$d")
  compare_both "$s-profile" "$d/runs" "$d/profile"
  compare_both "$s-rested" "$d/runs" "$d/profile-rested"
done
python3 "$R/ablation_summary.py" "$OUT" "$NAME_A" "$NAME_B" "$TITLE" > "$OUT/summary.txt"
cat "$OUT/summary.txt"
