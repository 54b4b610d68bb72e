#!/usr/bin/env bash
# Builds real/ (gemini-train, gemini-launch, gemini-bench-ckpt) against the GPU host's PyTorch
# LibTorch + CUDA into build-gpu-real/. Run from the repository root on the device machine, with
# .devdeps/ carried. Used by gpu-session.sh and gpu-compare-session.sh; prints the configure
# lines that say whether the CUDA stream paths are built.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
t0=$SECONDS
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
cmake -S . -B build-gpu-real -G Ninja -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_PREFIX_PATH=$ROOT/.devdeps/usr;$torch_prefix" -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
  -DGEMINI_BUILD_SIM=OFF -DGEMINI_BUILD_CALIBRATE=OFF -DGEMINI_BUILD_TESTS=OFF \
  -DGEMINI_BUILD_REAL=ON -DGEMINI_WITH_CUDA=ON -DCUDAToolkit_ROOT=/usr/local/cuda >/tmp/real-configure.log 2>&1 ||
  { tail -40 /tmp/real-configure.log; exit 1; }
grep -E "gemini:" /tmp/real-configure.log
grep -q "real/ CUDA stream paths 1" /tmp/real-configure.log || echo "WARNING: real/ CUDA stream paths are not built"
cmake --build build-gpu-real -j "${JOBS:-12}" -- -k 0 || exit 1
echo "real/ built in $((SECONDS - t0)) s"
