#!/usr/bin/env bash
# The runs against themselves on the faster AMD EPYC host of 2026-12-08 (kernel 6.18.44-fc-v1300):
# its sessions (results/cpu/busiest/session-*, the same real/ code and run_all.sh), compared again
# with the current build against each one's own profile, then scored by
# analysis/compare_reproducibility.py as results/cpu/compare-vm/reproducibility/run.sh scores the
# two other hosts' sessions (its README section in docs/VALIDATION.md, "The runs against
# themselves"). Offline: no benchmark or run. Writes <session>.json (not committed) and summary.txt.
# Usage: bash results/cpu/busiest/reproducibility/run.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
OUT=results/cpu/busiest/reproducibility
# shellcheck source=SCRIPTDIR/../../compare-vm/compare_session.sh
source results/cpu/compare-vm/compare_session.sh
rm -f "$OUT"/*.json
for d in results/cpu/busiest/session-*/; do
  s=$(basename "$d")
  echo "$s" >&2
  compare_session "$B" "$d/runs" "$d/profile.yaml" "$OUT/$s.json"
done
python3 analysis/compare_reproducibility.py "$OUT"/*.json \
  --unchecked snapshot_copy_s,snapshot_checksum_s,save_memory_untouched_slot_s > "$OUT/summary.txt"
cat "$OUT/summary.txt"
