#!/usr/bin/env bash
# Where one trial's time goes, as instruction counts (callgrind: repeatable, independent of
# machine load). Usage: bench/profile_trial.sh [SCENARIO] [BIN]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scenario=${1:-$root/scenarios/llama3-16k-h100.yaml}
bin=${2:-$root/build/sim/gemini-sim}
out=$(mktemp /tmp/gemini-callgrind.XXXXXX)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$scenario" --trial-in-process 0 >/dev/null 2>&1
total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "| part of one trial ($(basename "$scenario"), --trial-in-process 0) | instructions | share |"
echo "|---|---|---|"
echo "| whole process | $total | 100% |"
callgrind_annotate "$out" --inclusive=yes 2>/dev/null |
  awk -v total="$total" '
    /_dl_start /                          { name = "dynamic linking at start-up" }
    /gemini::load_scenario\(/             { name = "load and validate the scenario" }
    /gemini::build_platform\(/            { name = "build the SimGrid platform" }
    /gemini::simulate_iteration\(/        { name = "profile iterations (planning; done once per run, not per trial)" }
    /JobRun::run\(\)/                     { name = "run the strategies (job actor, all failures)" }
    /JobRun::retrieve\(/                  { name = "  of which checkpoint retrievals (SimGrid flows)" }
    name != "" && !seen[name]++ {
      gsub(",", "", $1); printf "| %s | %s | %.1f%% |\n", name, $1, 100 * $1 / total
    }
    { name = "" }'
