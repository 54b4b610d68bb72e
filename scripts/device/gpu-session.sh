#!/usr/bin/env bash
# One device call: build real/ and calibrate/ against the GPU host's PyTorch LibTorch + CUDA,
# calibrate the GPU (calibrate/device/build-and-bench-gpu.sh), then measure the seed preset's
# checkpoint save/load on the GPU with gemini-bench-ckpt. Everything lands in $OUT.
#   run(command="bash scripts/device/gpu-session.sh", carry=[".devdeps"], timeout_s=560)
# The two builds run side by side; measurements start only after both builds have finished.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=${OUT:-$ROOT/out/device}
mkdir -p "$OUT"
REAL_LOG=$OUT/real.log
DONE_FLAG=$(mktemp -u /tmp/real-build-done.XXXX)

( bash scripts/device/build-real-gpu.sh >"$REAL_LOG" 2>&1; echo "real/ build exit $?" >>"$REAL_LOG"; touch "$DONE_FLAG" ) &
CALIB_WAIT_FOR_FILE=$DONE_FLAG CALIB_TIMEOUT_S=${CALIB_TIMEOUT_S:-200} bash calibrate/device/build-and-bench-gpu.sh
calib_rc=$?
wait

{
  echo "=== seed preset on the GPU ($(date -u +%H:%M:%S)) ==="
  tail -5 "$REAL_LOG"
  df -h /dev/shm /tmp
  bench=build-gpu-real/real/gemini-bench-ckpt
  export LD_LIBRARY_PATH="$ROOT/.devdeps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if [ -x "$bench" ]; then
    mkdir -p "$ROOT/build-gpu-real/ckpt"
    # Disk checkpoints on the VM's disk (not tmpfs); the memory store in /dev/shm.
    timeout -k 10 "${BENCH_TIMEOUT_S:-170}" "$bench" --preset seed --device cuda --reps "${BENCH_REPS:-8}" \
      --warmup 3 --threads 16 --dir "$ROOT/build-gpu-real/ckpt" --out "$OUT/seed-h100.json"
    echo "gemini-bench-ckpt exit $?"
  else
    echo "FAILED: gemini-bench-ckpt was not built (see real.log)"
  fi
} 2>&1 | tee "$OUT/bench.log"
echo "calibration exit $calib_rc"
ls -la "$OUT"
