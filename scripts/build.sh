#!/usr/bin/env bash
# Installs the Debian packages (idempotent) and builds everything into build/ (or $BUILD_DIR).
# Extra arguments go to `cmake --build` (e.g. `--target gemini-sim`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
bash "$root/.ci/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" "$@"
