#!/usr/bin/env bash
# The runs against themselves: every committed session measured with the same real/ code and
# run_all.sh (real/ unchanged since bcdc70a, 2026-11-28 03:29 UTC: on the AMD EPYC VM the main
# result and repeat-0329 to repeat-2223; on the Intel Xeon VM every repeat-xeon-*; real/'s
# changes of 2026-11-29 20:00 concern in-line replication only, which these runs do not use), compared
# again with the current build against its own back-to-back profile, then scored by
# analysis/compare_reproducibility.py: gemini-sim compare's prediction, the median of the other
# sessions' measurements, and each other session's measurement, as predictors of a session's
# phases. With TRIAL "shared-lone", each profile is first rewritten by lone_at_size.py (the lone
# copy and checksum at the runs' image size, shared among the ranks; an offline trial of
# another model, not what compare does) and the results go to shared-lone/.
# Offline: no benchmark or run. Writes <session>.json (not committed) and summary.txt.
# Usage: bash results/cpu/compare-vm/reproducibility/run.sh [BUILD_DIR [TRIAL]]
set -euo pipefail
B=${1:-build}
TRIAL=${2:-}
R=results/cpu/compare-vm
OUT=$R/reproducibility${TRIAL:+/$TRIAL}
IMAGE_BYTES=50907456  # the small preset's checkpoint_bytes_per_rank (runs/small-*.json)
case "$TRIAL" in "" | shared-lone) ;; *) echo "unknown trial '$TRIAL' (shared-lone)" >&2; exit 2 ;; esac
# shellcheck source=SCRIPTDIR/../compare_session.sh
source "$R/compare_session.sh"
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.yaml
one() {  # LABEL RUNS_DIR PROFILE (path without .yaml/.json)
  local profile=$3.yaml
  if [ -n "$TRIAL" ]; then
    profile=$OUT/$1.yaml
    python3 "$R/reproducibility/lone_at_size.py" "$3.yaml" "$3.json" "$IMAGE_BYTES" > "$profile"
  fi
  echo "$1" >&2
  compare_session "$B" "$2" "$profile" "$OUT/$1.json"
}
one main-1946 "$R/runs" calibrate/profiles/cpu-amd-epyc
for s in 0329 0403 0448 0800 1236 1255 1315 1337 2005 2223 xeon-0156 xeon-0444 xeon-0547 xeon-0846 \
  xeon-0950 xeon-1144 xeon-1227 xeon-1435 xeon-1513 xeon-2032; do
  one "repeat-$s" "$R/repeat-$s/runs" "$R/repeat-$s/profile"
done
python3 analysis/compare_reproducibility.py "$OUT"/*.json \
  --unchecked snapshot_copy_s,snapshot_checksum_s,save_memory_s > "$OUT/summary.txt"
cat "$OUT/summary.txt"
