#!/usr/bin/env bash
# The runs against themselves: every committed session measured with the same real/ code and
# run_all.sh (real/ unchanged since bcdc70a, 2026-11-28 03:29 UTC: on the AMD EPYC VM the main
# result and repeat-0329 to repeat-2223; on the Intel Xeon VM every repeat-xeon-*), compared
# again with the current build against its own back-to-back profile, then scored by
# analysis/compare_reproducibility.py: gemini-sim compare's prediction, the median of the other sessions'
# measurements, and each other session's measurement, as predictors of a session's phases.
# Offline: no benchmark or run. Writes <session>.json (not committed) and summary.txt here.
# Usage: bash results/cpu/compare-vm/reproducibility/run.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
R=results/cpu/compare-vm
OUT=$R/reproducibility
# shellcheck source=SCRIPTDIR/../compare_session.sh
source "$R/compare_session.sh"
rm -f "$OUT"/*.json
compare_session "$B" "$R/runs" calibrate/profiles/cpu-amd-epyc.yaml "$OUT/main-1946.json"
for s in 0329 0403 0448 0800 1236 1255 1315 1337 2005 2223 xeon-0156 xeon-0444 xeon-0547 xeon-0846 \
  xeon-0950 xeon-1144 xeon-1227 xeon-1435 xeon-1513; do
  echo "repeat-$s" >&2
  compare_session "$B" "$R/repeat-$s/runs" "$R/repeat-$s/profile.yaml" "$OUT/repeat-$s.json"
done
python3 analysis/compare_reproducibility.py "$OUT"/*.json --unchecked snapshot_copy_s,snapshot_checksum_s > "$OUT/summary.txt"
cat "$OUT/summary.txt"
