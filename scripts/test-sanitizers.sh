#!/usr/bin/env bash
# Builds the simulator, calibrate/ and real/'s torch-free part (stores, replication, failure
# schedules) with AddressSanitizer + UndefinedBehaviorSanitizer and runs their tests. The LibTorch
# trainer is left out: Debian's LibTorch is not instrumented. SimGrid runs on thread
# contexts here (GEMINI_SIMGRID_CONTEXTS), since ASan cannot follow its raw stack switches.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-asan}
bash "$root/.ci/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGEMINI_BUILD_REAL=OFF \
  -DGEMINI_WITH_CUDA=OFF -DGEMINI_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j "$(nproc)"
export GEMINI_SIMGRID_CONTEXTS=thread
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The analysis scripts and the e2e comparison need real/; the rest runs sanitized.
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 900 -E "analysis_scripts|compare_e2e"
