#!/usr/bin/env bash
# One device call for real/'s NCCL paths (docs/REAL.md "NCCL"): build real/ against the host's
# PyTorch LibTorch, run gemini-nccl-check on every GPU (one GPU: an exchange with itself), then
# train with --collective nccl: one rank alone, then gemini with --replication-transport nccl,
# two machines of one rank each, with a machine failure (on one GPU both ranks share it: the
# launcher's per-machine NCCL_HOSTID makes NCCL take them for two hosts joined by sockets).
#   run(command="bash scripts/device/nccl-check.sh", carry=[".devdeps"], timeout_s=480)
# $OUT: session.log, nccl-check.json, run-*.json (gemini-run/1).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session-preamble.sh" session.log
nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader
bash scripts/device/build-real-gpu.sh || exit 1
export NCCL_DEBUG=${NCCL_DEBUG:-WARN}  # NCCL says why it refuses or fails
export LD_LIBRARY_PATH="$ROOT/.devdeps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
B=build-gpu-real/real
[ -x $B/gemini-nccl-check ] || { echo "FAILED: gemini-nccl-check not built (NCCL not found at configure?)"; exit 1; }
timeout -k 5 120 $B/gemini-nccl-check --mib 1024 --reps 5 --json "$OUT/nccl-check.json"
echo "gemini-nccl-check exit $?"
gpus=$(nvidia-smi --list-gpus | wc -l)
launch() {  # name, then gemini-launch flags
  local name=$1; shift
  timeout -k 5 150 $B/gemini-launch --preset small --device cuda --threads 4 --iterations 20 --interval 5 \
    --job nccl-$name --dir /tmp/nccl-ckpt --run-dir /tmp/nccl-$name --timeout 60 --out "$OUT/run-$name.json" "$@"
  echo "gemini-launch $name exit $?"
  python3 - "$OUT/run-$name.json" <<'PY' || true
import json, sys
d = json.load(open(sys.argv[1]))
print({k: d["model"].get(k) for k in ("backend", "device", "gpu", "replication_transport")})
print("outcome", {k: d["outcome"].get(k) for k in ("completed", "generations")}, "final", d["final"])
print({k: round(v["median_s"], 4) for k, v in d["phases"].items()})
PY
}
# One rank: NCCL (a communicator of one) against the TCP ring; the same seed must give the same image.
launch one-nccl --ranks 1 --machines 1 --strategy memory --collective nccl
launch one-tcp --ranks 1 --machines 1 --strategy memory --collective tcp
echo "$gpus GPU(s): the two ranks run on GPU slots 0 and 1 (modulo the GPUs), one per machine"
launch gemini-nccl --ranks 2 --machines 2 --strategy gemini --replicas 2 --collective nccl \
  --replication-transport nccl --fail 12:machine:1
launch gemini-tcp --ranks 2 --machines 2 --strategy gemini --replicas 2 --collective tcp --fail 12:machine:1
