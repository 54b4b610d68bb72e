# shellcheck shell=bash
# Sourced by the offline re-comparisons of committed sessions (ablation.sh, reproducibility/run.sh).
# compare_session BUILD_DIR RUNS_DIR PROFILE_YAML OUT_JSON [compare flags...]: gemini-sim compare
# of a session's seven runs (run_all.sh) against a profile, its JSON to OUT_JSON.
compare_session() {
  local build=$1 runs=$2 profile=$3 out=$4
  shift 4
  local files=("$runs"/{tiny,small}-{disk,memory,gemini}.json "$runs/small-disk-every10.json")
  # compare exits 1 when a phase is outside the tolerance: a result here, not a failure.
  "$build/sim/gemini-sim" compare "${files[@]}" --profile "$profile" "$@" --json "$out" > /dev/null || [ $? -eq 1 ]
}
