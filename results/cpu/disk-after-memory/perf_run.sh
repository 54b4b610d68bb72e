# Sourced by perf_switches.sh and perf_write_cpu.sh: makes a scratch directory $OUT (removed on
# exit) and defines perf_run OUT BUILD STRATEGY PERF_ARGS... [-- FLAGS...], which
# records perf (system-wide, call stacks, PERF_ARGS) over one gemini-launch run as in run.sh
# (small, 4 ranks in 2 machines, the comparison's two failures, disk saves every 10 iterations;
# the memory strategy checkpoints to memory every 10 as well) with extra launch FLAGS, into
# OUT/STRATEGY.data, and prints the run's disk-save summary (analysis/save_events.py).
perf_run() {
  local out=$1 build=$2 strategy=$3
  shift 3
  local perf_args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do perf_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  local flags=("$@")
  [ "$strategy" = memory ] && flags+=(--persistent-interval 10)
  perf record -q "${perf_args[@]}" -a -g -o "$out/$strategy.data" -- "$build/real/gemini-launch" --ranks 4 \
    --machines 2 --preset small --threads 1 --strategy "$strategy" "${flags[@]}" --interval 10 --iterations 30 \
    --fail 12:process:1 --fail 22:machine:1 --job "dp-$strategy" --dir "$out/disk-$strategy" \
    --run-dir "$out/$strategy.events" --out "$out/$strategy.json" > "$out/$strategy.log" 2>&1
  echo "== $strategy${*:+ ($*)}: $(python3 analysis/save_events.py "$out/$strategy.events" | grep 'disk saves')"
}

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
