#!/usr/bin/env bash
# The memory saves by slot, on every committed session (offline, seconds): each session's small
# memory and gemini runs get the split of their memory saves (split_saves.py, from the event
# logs, where the run predates real/ reporting it), then gemini-sim compare with the session's
# own profile, and summarize.py tabulates save_memory_s (the mixture) against the two kinds.
# Usage: bash results/cpu/memory-saves-by-slot/run.sh [BUILD_DIR]
#   LONE_SHARED=1: each profile without its concurrent fresh writers (shm_write_fresh_concurrent),
#   so that compare prices a save into an untouched slot as one writer's cost times the ranks'
#   CPU share (ranks / CPUs); into summary-lone-shared.txt.
set -euo pipefail
B=${1:-build}
HERE=results/cpu/memory-saves-by-slot
LONE_SHARED=${LONE_SHARED:-0}
SUMMARY=$HERE/summary.txt
[ "$LONE_SHARED" = 1 ] && SUMMARY=$HERE/summary-lone-shared.txt
CV=results/cpu/compare-vm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
one() {  # LABEL RUNS_DIR PROFILE_YAML
  local files=()
  for run in small-memory small-gemini; do
    python3 "$HERE/split_saves.py" "$2/$run.json" "$2/$run.events" "$T/$1-$run.json"
    files+=("$T/$1-$run.json")
  done
  local profile=$3
  if [ "$LONE_SHARED" = 1 ]; then
    profile=$T/$1.profile.yaml
    grep -v '^ *shm_write_fresh_concurrent:' "$3" > "$profile"
  fi
  "$B/sim/gemini-sim" compare "${files[@]}" --profile "$profile" --no-engine --json "$T/$1.cmp.json" > /dev/null || [ $? -eq 1 ]
  echo "$1 $T/$1.cmp.json $2 ${3%.yaml}.json"
}
{
  one main-1946 "$CV/runs" calibrate/profiles/cpu-amd-epyc.yaml
  for s in 0329 0403 0448 0800 1236 1255 1315 1337 2005 2223; do one "repeat-$s" "$CV/repeat-$s/runs" "$CV/repeat-$s/profile.yaml"; done
  one busiest-0157 results/cpu/busiest/runs results/cpu/busiest/profile.yaml
  one busiest-0315 results/cpu/busiest/repeat-0315/runs results/cpu/busiest/repeat-0315/profile.yaml
  for d in results/cpu/busiest/session-*/; do
    d=${d%/}
    one "$(basename "$d")" "$d/runs" "$d/profile.yaml"
  done
  for s in 0156 0444 0547 0846 0950 1144 1227 1435 1513 2032; do
    one "repeat-xeon-$s" "$CV/repeat-xeon-$s/runs" "$CV/repeat-xeon-$s/profile.yaml"
  done
} > "$T/list"
python3 "$HERE/summarize.py" "$T/list" > "$SUMMARY"
cat "$SUMMARY"
[ "$LONE_SHARED" = 1 ] || python3 "$HERE/concurrency.py" "$T/list" > "$HERE/concurrency.txt"
