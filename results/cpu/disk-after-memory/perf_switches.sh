#!/usr/bin/env bash
# Is real/'s slow disk write() waiting (disk, lock) or sharing the CPUs? Records every context
# switch (perf sched:sched_switch, all CPUs, call stacks) during one memory-strategy run and one
# disk-strategy run (both as in run.sh: small, 4 ranks in 2 machines, disk every 10), then counts,
# for the switches that take a rank off a CPU inside write(), the rank's state (R+: preempted
# while runnable; S/D: asleep) and what ran next. Needs perf and permission for system-wide
# tracepoints (root here). Usage: bash results/cpu/disk-after-memory/perf_switches.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
. "$(dirname "$0")/perf_run.sh"  # $OUT, perf_run
for strategy in memory disk; do
  perf_run "$OUT" "$B" "$strategy" -e sched:sched_switch
  echo "   switches off a CPU inside a rank's write(), by the rank's state and what ran next:"
  perf script -i "$OUT/$strategy.data" 2>/dev/null | awk 'BEGIN{RS=""} /prev_comm=gemini-train/ && /ksys_write/ {
      split($0, L, "\n"); h = L[1]; match(h, /prev_state=[A-Z+]+/); s = substr(h, RSTART, RLENGTH)
      match(h, /next_comm=[^ ]+/); c[s " " substr(h, RSTART, RLENGTH)]++; n++ }
      END { for (x in c) printf "   %5d  %s\n", c[x], x; printf "   %5d  in all\n", n }' | sort -rn | head -8
done
