#!/usr/bin/env bash
# One device call that does both device jobs a session owes: real/'s NCCL paths
# (nccl-check.sh) and the GPU calibration (calibrate/device/build-and-bench-gpu.sh). The two
# builds run side by side; the measurements run one after the other, never beside a build.
# The device tool brings back at most 8 files, so everything is packed into
# $OUT/device-results.tar.gz, with the two logs beside it.
#   run(command="bash scripts/device/nccl-and-calibrate.sh", carry=[".devdeps"], timeout_s=560)
# Knobs: NCCL_TIMEOUT_S (240: the whole nccl-check.sh), CALIB_TIMEOUT_S (270: the calibration
# run), CALIB_PROFILE_FILE (gpu-profile.yaml).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
FINAL_OUT=${OUT:-$ROOT/out/device}
mkdir -p "$FINAL_OUT"
WORK=$(mktemp -d /tmp/gemini-device.XXXX)
mkdir -p "$WORK/nccl" "$WORK/calib"
nccl_done=$WORK/nccl-done

( OUT=$WORK/calib CALIB_WAIT_FOR_FILE=$nccl_done CALIB_TIMEOUT_S=${CALIB_TIMEOUT_S:-270} \
    CALIB_PROFILE_FILE=${CALIB_PROFILE_FILE:-gpu-profile.yaml} \
    bash calibrate/device/build-and-bench-gpu.sh >"$WORK/calib/stdout.log" 2>&1 ) &
calib_pid=$!
OUT=$WORK/nccl timeout -k 5 "${NCCL_TIMEOUT_S:-240}" bash scripts/device/nccl-check.sh
echo "nccl-check.sh exit $? ($(date -u +%H:%M:%S))"
touch "$nccl_done"
wait $calib_pid
echo "build-and-bench-gpu.sh exit $? ($(date -u +%H:%M:%S))"
sed -n '/=== check outputs/,$p' "$WORK/calib/calibrate.log"
tar -C "$WORK" -czf "$FINAL_OUT/device-results.tar.gz" nccl calib
cp "$WORK/nccl/session.log" "$FINAL_OUT/nccl-session.log"
cp "$WORK/calib/calibrate.log" "$FINAL_OUT/calibrate.log"
ls -la "$FINAL_OUT"
