#!/usr/bin/env bash
# Newcomer's first command: install, build the simulator, run the GEMINI paper's main setting.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh" --target gemini-sim
"${BUILD_DIR:-$root/build}/sim/gemini-sim" "$root/scenarios/gemini-p4d-gpt2-100b.yaml" "$@"
