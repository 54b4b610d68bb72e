#!/usr/bin/env bash
# Where does a slow buffered disk save spend its time? Samples every CPU (perf cpu-clock at
# 2 kHz, call stacks) during one memory-strategy run and one disk-strategy run, both as in
# run.sh but with --disk-io buffered (the page-cache path real/ used before O_DIRECT), and
# counts the samples of ranks inside write() by their innermost function. If the memory
# strategy's writes take longer because the copy into fresh page-cache pages is slower, the
# count of copy_folio_from_iter_atomic grows with the same number of bytes written.
# Needs perf and permission for system-wide sampling (root here).
# Usage: bash results/cpu/disk-after-memory/perf_write_cpu.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
. "$(dirname "$0")/perf_run.sh"  # $OUT, perf_run
for strategy in memory disk; do
  perf_run "$OUT" "$B" "$strategy" -F 2000 -e cpu-clock -- --disk-io buffered
  echo "   CPU samples (2 kHz) of ranks inside write(), by innermost function:"
  perf script -i "$OUT/$strategy.data" -F comm,tid,ip,sym 2>/dev/null | python3 -c '
import collections, sys
leaf, n = collections.Counter(), 0
for rec in sys.stdin.read().split("\n\n"):
    lines = [l.strip() for l in rec.strip().split("\n")]
    if not lines or not lines[0].startswith("gemini-train"):
        continue
    syms = [l.split(" ", 1)[1] if " " in l else l for l in lines[1:]]
    if "ksys_write" in syms:
        n += 1
        leaf[syms[0]] += 1
for sym, k in leaf.most_common(4):
    print(f"   {k:6d}  {sym}")
print(f"   {n:6d}  in all")'
done
