#!/usr/bin/env bash
# One device call for the simulated-vs-measured comparison on a GPU (issue 7): build real/ and
# calibrate/ against the GPU host's LibTorch + CUDA (side by side), calibrate the GPU and CPU
# (every benchmark, so the profile has what `gemini-sim compare` needs), then run the seed
# preset with disk, memory and gemini and real failures (real/bench/gpu_session2.sh) on the
# same machine. Measurements run one after another, never beside a build.
#   run(command="bash scripts/device/gpu-compare-session.sh", carry=[".devdeps"], timeout_s=560)
# Brings back at most 8 files (the device tool's limit): h100-profile.yaml, gpu-calibration.json,
# run-{none,disk,memory,gemini}.json, summary.json, logs.tar.gz (calibrate.log, real.log,
# session.log, ranks.log, events.tar.gz). Then, here:
#   gemini-sim compare --profile h100-profile.yaml run-{disk,memory,gemini}.json
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=${OUT:-$ROOT/out/device}
WORK=$(mktemp -d /tmp/gemini-compare-session.XXXX)
mkdir -p "$OUT" "$WORK/calib" "$WORK/launch"
START=$SECONDS
DONE_FLAG=$WORK/real-built
echo "=== gpu-compare-session $(date -u +%FT%TZ) ==="

( bash scripts/device/build-real-gpu.sh >"$WORK/real.log" 2>&1; echo "real/ build exit $?" >>"$WORK/real.log"; touch "$DONE_FLAG" ) &
OUT=$WORK/calib CALIB_WAIT_FOR_FILE=$DONE_FLAG CALIB_TIMEOUT_S=${CALIB_TIMEOUT_S:-170} \
  bash calibrate/device/build-and-bench-gpu.sh | tail -40
calib_rc=${PIPESTATUS[0]}
wait
tail -3 "$WORK/real.log"
echo "=== calibration exit $calib_rc after $((SECONDS - START)) s; launches next ==="

launch_rc=1
if [ -x build-gpu-real/real/gemini-launch ]; then
  export LD_LIBRARY_PATH="$ROOT/.devdeps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  OUT=$WORK/launch LAUNCH=build-gpu-real/real/gemini-launch BUDGET_S=${LAUNCH_BUDGET_S:-330} \
    bash real/bench/gpu_session2.sh | grep -vE '^\s*$' | tail -60
  launch_rc=${PIPESTATUS[0]}
else
  echo "FAILED: gemini-launch was not built:"; tail -40 "$WORK/real.log"
fi

# At most 8 files come back: the results themselves, and the logs in one archive.
cp "$WORK"/calib/*.json "$WORK"/calib/*.yaml "$WORK"/launch/*.json "$OUT"/ 2>/dev/null
mv "$WORK/calib/calibrate.log" "$WORK/launch/session.log" "$WORK/launch/ranks.log" \
  "$WORK/launch/events.tar.gz" "$WORK/" 2>/dev/null
tar -czf "$OUT/logs.tar.gz" -C "$WORK" $(cd "$WORK" && ls *.log *.tar.gz 2>/dev/null)
echo "=== done after $((SECONDS - START)) s: calibration exit $calib_rc, launches exit $launch_rc ==="
ls -la "$OUT"
[ "$calib_rc" -eq 0 ] && [ "$launch_rc" -eq 0 ]
