#!/usr/bin/env bash
# One device call: build gemini-train/gemini-launch against the GPU host's PyTorch LibTorch
# (CUDA), then run a short data-parallel job on the GPU with a machine failure (gemini, m=2).
#   run(command="bash real/bench/gpu_check.sh", carry=[".devdeps"], timeout_s=450)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/device/session-preamble.sh" gpu_check.log
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
ls "$(dirname "$torch_prefix")/../include" | grep -i gloo || echo "no gloo include dir next to torch"
cmake -S . -B build-gpu-real -G Ninja -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_PREFIX_PATH=$ROOT/.devdeps/usr;$torch_prefix" -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
  -DGEMINI_BUILD_SIM=OFF -DGEMINI_BUILD_CALIBRATE=OFF -DGEMINI_BUILD_TESTS=OFF \
  -DGEMINI_BUILD_REAL=ON -DGEMINI_WITH_CUDA=ON -DCUDAToolkit_ROOT=/usr/local/cuda > "$OUT/configure.log" 2>&1 \
  || { tail -30 "$OUT/configure.log"; exit 1; }
grep -o "USE_C10D_[A-Z]*" build-gpu-real/build.ninja | sort | uniq -c
time cmake --build build-gpu-real --target gemini-launch gemini-train -j 16 -- -k 0 2>&1 | grep -E "error|warning: unused|FAILED|Linking" | head -40
export LD_LIBRARY_PATH="$ROOT/.devdeps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
L=build-gpu-real/real/gemini-launch
[ -x "$L" ] || { echo "FAILED: gemini-launch not built"; exit 1; }
for preset in small seed; do
  its=$([ $preset = seed ] && echo 12 || echo 20)
  timeout -k 5 150 "$L" --ranks 2 --machines 2 --preset $preset --device cuda --threads 4 \
    --strategy gemini --replicas 2 --interval 5 --iterations $its --fail 8:machine:1 \
    --job gpu-$preset --dir "$ROOT/build-gpu-real/ckpt" --run-dir /tmp/gpu-$preset-run \
    --out "$OUT/gpu-dp-$preset.json"
  echo "gemini-launch $preset exit $?"
  tail -3 /tmp/gpu-$preset-run/rank1.log
  python3 - "$OUT/gpu-dp-$preset.json" <<'PY' || true
import json, sys
d = json.load(open(sys.argv[1]))
print({k: d["environment"][k] for k in ("gpu_name", "libtorch_version", "backend")})
print("final", d["final"])
for t in d["timeline"]:
    print({k: t.get(k) for k in ("kind", "source_tiers", "resumed_iteration", "restart_s", "retrieval_s", "load_s", "recovery_s")})
print({k: round(v["median_s"], 4) for k, v in d["phases"].items()})
PY
done
