#!/usr/bin/env bash
# One device call that does both device jobs a session owes: real/'s NCCL paths
# (nccl-check.sh) and the GPU calibration (calibrate/device/build-and-bench-gpu.sh). The two
# builds run side by side; the measurements start once both are built and run one after the
# other. The device tool brings back at most 8 files, so everything is packed into
# $OUT/device-results.tar.gz, with the two logs beside it, also when the call is cut short.
# On the H200 it took 255 s with a 170 s calibration cap that was too short (the full
# calibration alone took about 245 s): allow 450-600 s.
#   run(command="bash scripts/device/nccl-and-calibrate.sh", carry=[".devdeps"], timeout_s=600)
# Knobs: NCCL_TIMEOUT_S (240: the whole nccl-check.sh), CALIB_TIMEOUT_S (270: the calibration
# run), CALIB_PROFILE_FILE (gpu-profile.yaml). Exits non-zero when either job failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
FINAL_OUT=${OUT:-$ROOT/out/device}
mkdir -p "$FINAL_OUT"
WORK=$(mktemp -d /tmp/gemini-device.XXXX)
mkdir -p "$WORK/nccl" "$WORK/calib"
pack() {  # what has been produced so far, into the folder the tool brings back
  tar -C "$WORK" -czf "$FINAL_OUT/device-results.tar.gz" nccl calib
  cp "$WORK/nccl/session.log" "$FINAL_OUT/nccl-session.log" 2>/dev/null
  cp "$WORK/calib/calibrate.log" "$FINAL_OUT/calibrate.log" 2>/dev/null
  ls -la "$FINAL_OUT"
}
trap pack EXIT
trap 'exit 143' TERM INT  # a TERM (the tool's time limit) also packs; a KILL cannot
calib_built=$WORK/calib-built
nccl_done=$WORK/nccl-done

( OUT=$WORK/calib CALIB_BUILT_FILE=$calib_built CALIB_WAIT_FOR_FILE=$nccl_done \
    CALIB_TIMEOUT_S=${CALIB_TIMEOUT_S:-270} CALIB_PROFILE_FILE=${CALIB_PROFILE_FILE:-gpu-profile.yaml} \
    bash calibrate/device/build-and-bench-gpu.sh >"$WORK/calib/stdout.log" 2>&1 ) &
calib_pid=$!
bash scripts/device/build-real-gpu.sh >"$WORK/nccl/build.log" 2>&1 || echo "real/ build failed (nccl-check.sh says more)"
while [ ! -e "$calib_built" ] && kill -0 $calib_pid 2>/dev/null; do sleep 1; done  # no build beside the measurements
OUT=$WORK/nccl timeout -k 5 "${NCCL_TIMEOUT_S:-240}" bash scripts/device/nccl-check.sh  # its build is done: a no-op
nccl_rc=$?
echo "nccl-check.sh exit $nccl_rc ($(date -u +%H:%M:%S))"
touch "$nccl_done"
wait $calib_pid
calib_rc=$?
echo "build-and-bench-gpu.sh exit $calib_rc ($(date -u +%H:%M:%S))"
sed -n '/=== check outputs/,$p' "$WORK/calib/calibrate.log"
[ $nccl_rc -eq 0 ] && [ $calib_rc -eq 0 ]
