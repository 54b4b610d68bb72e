#!/usr/bin/env bash
# Fuzzes the input parsers with libFuzzer (clang): scenario YAML, sweep YAML, failure-log CSV.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET=20] [--update-corpus]
# Seeds: the shipped scenarios, sweeps and test inputs, plus tests/fuzz/corpus/<target>/ (inputs
# fuzzing found interesting, replayed by the normal test suite too). Any crash, hang (>5 s),
# leak or exception other than ConfigError fails the run; the input is kept in $build/findings.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
build=${BUILD_DIR:-$root/build-fuzz}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -g -O1"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGEMINI_BUILD_TESTS=OFF -DGEMINI_BUILD_REAL=OFF -DGEMINI_BUILD_CALIBRATE=OFF -DGEMINI_WITH_CUDA=OFF \
  "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link $flags" >/dev/null
cmake --build "$build" --target gemini_core -j "$(nproc)"
mkdir -p "$build/findings" "$build/tmp"
export TMPDIR="$build/tmp"  # the targets' scratch trees (tests/fuzz/fuzz_inputs.cpp)
status=0
for target in scenario:1 sweep:2 failure_log:3; do
  name=${target%%:*} id=${target##*:}
  bin="$build/fuzz_$name"
  clang++ -std=c++17 -fsanitize=fuzzer $flags -DGEMINI_FUZZ_TARGET="$id" -DGEMINI_SOURCE_DIR="\"$root\"" -I"$root/sim/include" -I"$root/profile_format/include" \
    "$root/tests/fuzz/fuzz_inputs.cpp" "$build/sim/libgemini_core.a" -lyaml-cpp -o "$bin"
  work="$build/corpus-$name"
  rm -rf "$work" && mkdir -p "$work"
  case $name in
    scenario) cp "$root"/scenarios/*.yaml "$root"/tests/data/*.yaml "$work"/ ;;
    sweep) cp "$root"/sweeps/*.yaml "$work"/ ;;
    failure_log) cp "$root"/tests/fuzz/seeds/failure_log/* "$work"/ ;;
  esac
  committed="$root/tests/fuzz/corpus/$name"
  [ -d "$committed" ] && cp "$committed"/* "$work"/ 2>/dev/null || true
  echo "fuzz $name for ${seconds}s"
  if ! (cd "$build/findings" && "$bin" "$work" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
        -print_final_stats=1 > "$build/fuzz-$name.log" 2>&1); then
    echo "FAILED: fuzz $name (see $build/fuzz-$name.log, inputs in $build/findings)"; tail -30 "$build/fuzz-$name.log"
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$build/fuzz-$name.log" | tr '\n' ' '; echo
  if [ "${2:-}" = "--update-corpus" ]; then
    mkdir -p "$committed"
    "$bin" -merge=1 "$committed" "$work" > /dev/null 2>&1 || true
  fi
done
exit $status
