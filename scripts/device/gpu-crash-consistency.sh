#!/usr/bin/env bash
# One device call: crash consistency of real/ on the GPU path (pinned host buffers, side-stream
# device-to-host copies). Builds gemini-launch against the GPU host's LibTorch + CUDA, then runs
# 4 ranks in 2 "machines" on cuda:0 with GEMINI replicas and a disk tier, killing processes and
# whole machines between iterations, halfway through memory saves, replica sends and recoveries
# (--debug-pause-ms): one run with a kill in every phase, then random kills in
# random phases over several seeds (preset tiny). Checks every recovery restored its checkpoint
# bit for bit and every run completed. (GPU kernels are not bit-deterministic, so final images
# are not compared with a failure-free run here; on CPU tests/real_launch_test.cpp does that.)
#   run(command="bash scripts/device/gpu-crash-consistency.sh", carry=[".devdeps"], timeout_s=290)
# Writes into $OUT: session.log, runs.tar.gz (every run JSON), summary.json.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session-preamble.sh" session.log
START=$SECONDS
RUNS=$(mktemp -d /tmp/gemini-crash.XXXX)
if [ -z "${LAUNCH:-}" ]; then
  bash scripts/device/build-real-gpu.sh 2>&1 | grep -E "gemini:|WARNING|error|real/ built" | head -20
  LAUNCH=build-gpu-real/real/gemini-launch
  export LD_LIBRARY_PATH="$ROOT/.devdeps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
[ -x "$LAUNCH" ] || { echo "FAILED: no gemini-launch"; exit 1; }
DEVICE=${DEVICE:-cuda:0}
run() {  # run NAME PRESET ITERATIONS ARGS...
  local name=$1 preset=$2 iters=$3; shift 3
  echo "=== $name (t=$((SECONDS - START)) s): $*"
  timeout -k 10 "${RUN_LIMIT_S:-75}" "$LAUNCH" --ranks 4 --machines 2 --preset "$preset" --device "$DEVICE" \
    --threads 2 --iterations "$iters" --interval 5 --strategy gemini --replicas 2 --persistent-interval 10 \
    --collective tcp --job "cc-$name" --dir "$RUNS/disk-$name" --run-dir "$RUNS/run-$name" \
    --out "$RUNS/$name.json" --clean-disk "$@" 2>&1 | grep -E "^\[launch\]" | tail -12
  echo "--- $name exit ${PIPESTATUS[0]}"
}
run phases "${PHASES_PRESET:-tiny}" 30 --debug-pause-ms 100 --max-restarts 6 --fail 8:process:1 --fail 8:machine:1:recover \
  --fail 14:machine:0:replicate --fail 17:process:2:save
for seed in ${SEEDS:-11 12}; do
  run "random-$seed" tiny 30 --debug-pause-ms 60 --max-restarts 6 --fail-random 6 --fail-seed "$seed"
done
python3 analysis/crash_summary.py "$RUNS"/*.json --out "$OUT/summary.json"
rc=$?
tar -czf "$OUT/runs.tar.gz" -C "$RUNS" $(cd "$RUNS" && ls *.json) 2>/dev/null
echo "=== done after $((SECONDS - START)) s, exit $rc"
exit $rc
