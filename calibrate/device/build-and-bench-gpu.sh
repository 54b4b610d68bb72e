#!/usr/bin/env bash
# Builds gemini-calibrate on the lent GPU machine and runs the full calibration (GPU + CPU).
#
# Run from the repository root ON the device machine, with .devdeps/ carried (see
# ../shared/tools/device-deps.sh):
#   bash calibrate/device/build-and-bench-gpu.sh
# Writes into $OUT (default ./out/device-calibration):
#   gpu-calibration.json  raw results (every size: median/p10/p90/count, fits)
#   h100-profile.yaml     fitted hardware profile
#   calibrate.log         everything printed: environment, nvidia-smi, configure, build, run
# Budget: about 4 minutes (configure + build ~1 min, run ~2 min, capped by CALIB_TIMEOUT_S).
# Exits non-zero when a step failed, but leaves whatever was produced in $OUT.
# Knobs (environment): CALIB_TIMEOUT_S (default 240), CALIB_REPS (10), CALIB_CPU_MAX (4GiB),
# CALIB_GPU_MAX (4GiB), CALIB_TIME_LIMIT_S (per benchmark, 40), GEMINI_BUILD_REAL (OFF),
# JOBS (16), CALIB_WAIT_FOR_FILE (measure only once this file exists), CALIB_BUILT_FILE (touched
# once gemini-calibrate is built), CALIB_PROFILE_FILE (the profile's file name in $OUT, default
# h100-profile.yaml).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=${OUT:-$ROOT/out/device-calibration}
mkdir -p "$OUT"
LOG=$OUT/calibrate.log
PROFILE_FILE=${CALIB_PROFILE_FILE:-h100-profile.yaml}
: >"$LOG"

status=0
fail() { echo "FAILED: $*"; status=1; }
banner() { echo; echo "=== $* ($(date -u +%H:%M:%S)) ==="; }

main() {
  local t0=$SECONDS
  banner "environment"
  echo "repo: $ROOT   OUT: $OUT"
  uname -a
  nproc; free -g | head -2
  command -v nvidia-smi >/dev/null && nvidia-smi || echo "nvidia-smi: not found"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max --format=csv || true
  local nvcc=/usr/local/cuda/bin/nvcc
  command -v nvcc >/dev/null && nvcc=$(command -v nvcc)
  "$nvcc" --version 2>/dev/null | tail -2 || echo "nvcc: not found"
  cmake --version | head -1; ninja --version 2>/dev/null || echo "ninja: not found"
  python3 --version 2>&1 || true

  if [ ! -d "$ROOT/.devdeps/usr" ]; then
    fail ".devdeps/usr is missing: run ../shared/tools/device-deps.sh here and carry .devdeps"
  fi

  local torch_prefix nccl_root cuda_root=""
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)
  echo "torch cmake prefix: ${torch_prefix:-<none>}"
  # PyTorch's NCCL: the nvidia-nccl-cu13 wheel, site-packages/nvidia/nccl/{include,lib}
  # (nvidia.nccl may be a namespace package, so use __path__ rather than __file__).
  nccl_root=$(python3 -c 'import nvidia.nccl as m; print(list(m.__path__)[0])' 2>/dev/null || true)
  if [ -n "$nccl_root" ] && [ -d "$nccl_root" ]; then
    echo "NCCL wheel: $nccl_root"; ls "$nccl_root/include" "$nccl_root/lib" 2>&1 | head -12
  else
    echo "NCCL wheel: not found (will look in the CUDA toolkit and the system)"; nccl_root=""
  fi
  [ -d /usr/local/cuda ] && cuda_root=/usr/local/cuda

  # Where the disk benchmarks write: /tmp unless it is RAM-backed, then the repo's disk.
  local disk_dir=/tmp/gemini-calib-disk
  if [ "$(stat -f -c %T /tmp 2>/dev/null)" = "tmpfs" ]; then
    disk_dir=$ROOT/build-gpu/disk-bench
    echo "/tmp is tmpfs: disk benchmarks use $disk_dir"
  fi
  mkdir -p "$disk_dir"
  df -h "$disk_dir"; stat -f -c 'filesystem type: %T' "$disk_dir"

  banner "configure"
  local -a args=(-S . -B build-gpu -G Ninja
    "-DCMAKE_PREFIX_PATH=$ROOT/.devdeps/usr;$torch_prefix"
    -DGEMINI_BUILD_SIM=OFF -DGEMINI_BUILD_TESTS=OFF
    "-DGEMINI_BUILD_REAL=${GEMINI_BUILD_REAL:-OFF}"
    -DGEMINI_WITH_CUDA=ON -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_POLICY_VERSION_MINIMUM=3.5)  # lets CMake 4 read old package configs
  [ -n "$cuda_root" ] && args+=("-DCUDAToolkit_ROOT=$cuda_root")
  [ -n "$nccl_root" ] && args+=("-DNCCL_ROOT=$nccl_root")
  echo "cmake ${args[*]}"
  if ! cmake "${args[@]}"; then
    fail "configure with CUDA; retrying without NCCL"
    rm -f build-gpu/CMakeCache.txt
    cmake "${args[@]}" -DGEMINI_WITH_NCCL=OFF || { fail "configure"; return; }
  fi

  banner "build"
  if ! cmake --build build-gpu --target gemini-calibrate -j "${JOBS:-16}"; then
    fail "build; retrying without NCCL"
    cmake -S . -B build-gpu -DGEMINI_WITH_NCCL=OFF -U 'NCCL_*' &&
      cmake --build build-gpu --target gemini-calibrate -j "${JOBS:-16}" || { fail "build"; return; }
  fi
  local exe=build-gpu/calibrate/gemini-calibrate
  ldd "$exe" | grep -E "cudart|nccl|not found" || true
  echo "configure + build took $((SECONDS - t0)) s"
  [ -n "${CALIB_BUILT_FILE:-}" ] && touch "$CALIB_BUILT_FILE"  # a caller measuring beside us may start

  banner "calibrate"
  # Another build may run beside this script (scripts/device/gpu-session.sh builds real/ at the
  # same time): wait for it to finish so that it does not disturb the measurements.
  if [ -n "${CALIB_WAIT_FOR_FILE:-}" ]; then
    echo "waiting for $CALIB_WAIT_FOR_FILE before measuring"
    while [ ! -e "$CALIB_WAIT_FOR_FILE" ]; do sleep 1; done
  fi
  export LD_LIBRARY_PATH="$ROOT/.devdeps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local -a run=("$exe"
    --max-bytes "${CALIB_CPU_MAX:-4GiB}" --gpu-max-bytes "${CALIB_GPU_MAX:-4GiB}"
    --reps "${CALIB_REPS:-10}" --min-reps 3 --warmups 1
    --time-limit-s "${CALIB_TIME_LIMIT_S:-40}"
    --dir "$disk_dir"
    --out-json "$OUT/gpu-calibration.json" --out-profile "$OUT/$PROFILE_FILE")
  # The model benchmarks need real/'s gemini-bench-model (scripts/device/build-real-gpu.sh).
  local model_bench=$ROOT/build-gpu-real/real/gemini-bench-model
  if [ -x "$model_bench" ]; then run+=(--model-bench "$model_bench" --model-device cuda); fi
  echo "${run[*]}"
  timeout -k 10 "${CALIB_TIMEOUT_S:-240}" "${run[@]}"
  local rc=$?
  [ $rc -eq 124 ] && fail "gemini-calibrate ran past ${CALIB_TIMEOUT_S:-240} s (partial results kept)"
  [ $rc -ne 0 ] && [ $rc -ne 124 ] && fail "gemini-calibrate exited $rc"
  rm -rf "$disk_dir"

  banner "check outputs"
  [ -s "$OUT/gpu-calibration.json" ] || fail "no $OUT/gpu-calibration.json"
  [ -s "$OUT/$PROFILE_FILE" ] || fail "no $OUT/$PROFILE_FILE"
  python3 - "$OUT/gpu-calibration.json" "$OUT/$PROFILE_FILE" <<'PY' || fail "output check"
import json, sys
j = json.load(open(sys.argv[1]))
m = j["machine"]
print("GPU status:", m["gpu_status"], "| GPUs:", [g["name"] + " " + g["pcie_link"] for g in m["gpus"]])
print("CUDA driver", m["cuda_driver_version"], "runtime", m["cuda_runtime_version"], "NCCL", m["nccl_version"] or "-")
bad = 0
for b in j["benchmarks"]:
    f = b.get("fit")
    if f:
        print(f'{b["name"]:18} alpha {f["alpha_s"]:.3g} s  beta {f["beta_bytes_per_s"]/1e9:8.3f} GB/s  '
              f'R^2 {f["r_squared"]:.4f}  sizes {len(b["points"])}')
    else:
        print(f'{b["name"]:18} {b.get("message") or b["status"] + ": " + b.get("fit_error", "")}')
    if b["status"] == "error":
        bad += 1
if m["gpu_status"] != "ok":
    print("GPU benchmarks did not run"); bad += 1
try:
    import yaml
    y = yaml.safe_load(open(sys.argv[2]))
    print("profile parses; hardware keys:", sorted(y["hardware"]))
except ImportError:
    print("pyyaml missing: profile not parsed")
sys.exit(1 if bad else 0)
PY
  echo "total $((SECONDS - t0)) s"
}

main 2>&1 | tee -a "$LOG"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# `status` set inside main ran in the pipeline's subshell: read the verdict from the log.
grep -q '^FAILED:' "$LOG" && status=1
ls -la "$OUT"
if [ $status -ne 0 ]; then
  echo "build-and-bench-gpu: FAILED (see $LOG)"
else
  echo "build-and-bench-gpu: OK"
fi
exit $status
