#!/bin/sh
# Runs every analysis/ script on small inputs made here by gemini-sim: a 4-point sweep and a
# one-day trace. Each must print --help and write a non-empty PNG. Exit 77 (skipped) when no
# Python with matplotlib, pandas and numpy is found (Debian: python3-matplotlib/-pandas/-numpy).
# Usage: analysis_test.sh GEMINI_SIM SOURCE_DIR
set -eu
SIM=$1
SRC=$2
PY=
for p in /usr/bin/python3 python3; do
  if "$p" -c "import matplotlib, pandas, numpy" 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "no python3 with matplotlib, pandas and numpy: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat > "$T/base.yaml" <<'YAML'
name: small
cluster: {machines: 4, hardware: p4d.24xlarge}
model: gpt2-100b
training: {iteration_time: 62s}
horizon: 1d
storage: {bandwidth: 20Gbps}
failures:
  rate: 25%/day
  events: [{at: 3h, machines: [1], kind: hardware}]
strategies:
  - {name: strawman, kind: strawman, persistent_interval: 3h, serialization: 81s}
  - {name: highfreq, kind: highfreq, serialization: 81s}
  - {name: gemini-blocking, kind: gemini, mode: blocking}
  - gemini
YAML
cat > "$T/sweep.yaml" <<'YAML'
name: small
scenario: base.yaml
axes:
  - {key: cluster.machines, name: machines, values: [4, 8]}
  - {key: cluster.hardware_overrides.network_bandwidth, name: bw, values: [100Gbps, 400Gbps]}
trials: 2
YAML
"$SIM" sweep "$T/sweep.yaml" --out "$T/out" -q -j 2
"$SIM" "$T/base.yaml" -q --trace "$T/trace.json" > /dev/null
CSV=$T/out/sweep.csv
cd "$SRC/analysis"
for s in plot_ettr plot_waste plot_checkpoint_time plot_bars plot_timeline; do
  "$PY" $s.py --help | grep -q "usage:" || { echo "$s --help failed"; exit 1; }
done
"$PY" plot_ettr.py "$CSV" --x machines --log-x --out "$T/ettr.png"
"$PY" plot_ettr.py "$CSV" --x cluster_failures_per_day --out "$T/ettr_rate.png"
"$PY" plot_waste.py "$CSV" --by machines --out "$T/waste.png"
"$PY" plot_waste.py "$CSV" --by machines --per-failure --out "$T/per_failure.png"
"$PY" plot_checkpoint_time.py "$CSV" --x bw --out "$T/ckpt.png"
"$PY" plot_bars.py "$CSV" --metric checkpoint_interval_min --by bw --log-y --out "$T/freq.png"
"$PY" plot_timeline.py "$T/trace.json" --out "$T/timeline.png"
"$PY" plot_timeline.py "$T/trace.json" --window 2 6 --out "$T/timeline_zoom.png"
for f in ettr ettr_rate waste per_failure ckpt freq timeline timeline_zoom; do
  [ -s "$T/$f.png" ] || { echo "missing $f.png"; exit 1; }
done
# The run-JSON tables (docs/VALIDATION.md): committed H100 runs, every recovery listed, bit-exact.
"$PY" launch_summary.py "$SRC"/results/device/h100-compare-2026-11-27/run-gemini.json > "$T/launch.md"
[ "$(grep -c 'bit-exact: True' "$T/launch.md")" -eq 2 ] || { echo "launch_summary.py:"; cat "$T/launch.md"; exit 1; }
# Crash-consistency verdicts: the committed H100 runs pass; one restore made non-bit-exact fails.
"$PY" crash_summary.py "$SRC"/results/device/h100-crash-2026-11-27/random-1[12].json > "$T/crash.txt" ||
  { echo "crash_summary.py on the committed runs:"; cat "$T/crash.txt"; exit 1; }
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); r=d['timeline'][0]['ranks'][0]; r['tensors_equal']=r['tensors']-1; json.dump(d,open(sys.argv[2],'w'))" \
  "$SRC"/results/device/h100-crash-2026-11-27/random-12.json "$T/bad.json"
if "$PY" crash_summary.py "$T/bad.json" > "$T/crash_bad.txt"; then echo "crash_summary.py missed a bad restore"; exit 1; fi
grep -q "1 restores not bit-exact" "$T/crash_bad.txt" || { cat "$T/crash_bad.txt"; exit 1; }
# Model benchmarks table from the committed CPU calibration; a calibration without them says so.
"$PY" model_table.py "$SRC/calibrate/profiles/cpu-amd-epyc.json" > "$T/model.md"
grep -q "^| small | 4,240,896 | " "$T/model.md" && grep -q "^Fits: step = " "$T/model.md" ||
  { echo "model_table.py:"; cat "$T/model.md"; exit 1; }
if "$PY" model_table.py "$SRC"/results/device/h100-compare-2026-11-27/gpu-calibration.json > /dev/null 2>&1; then
  echo "model_table.py accepted a calibration without model benchmarks"; exit 1
fi
# Per-save disk timings from a committed run's event logs: every rank's disk saves, split.
"$PY" save_events.py "$SRC/results/cpu/compare-vm/runs/small-disk-every10.events" > "$T/saves.md"
N=$("$PY" -c "import json, sys; print(json.load(open(sys.argv[1]))['phases']['save_disk_s']['count'])" \
  "$SRC/results/cpu/compare-vm/runs/small-disk-every10.json")
[ "$(grep -c '^| [0-3] | ' "$T/saves.md")" -eq "$N" ] && grep -q "^$N disk saves: write() median" "$T/saves.md" ||
  { echo "save_events.py:"; cat "$T/saves.md"; exit 1; }
# ... and the whole disk saves' median is the run's own save_disk_s median (the launcher's figure).
M=$("$PY" -c "import json, sys; print('%.3f' % json.load(open(sys.argv[1]))['phases']['save_disk_s']['median_s'])" \
  "$SRC/results/cpu/compare-vm/runs/small-disk-every10.json")
grep -q "^disk saves (write + commit): median $M s; the first rank to start 0\.[0-9]* s, the last " "$T/saves.md" ||
  { echo "save_events.py: no first/last line with median $M:"; tail -3 "$T/saves.md"; exit 1; }
# ... and the stall's parts: in the disk strategy every save writes to disk, so the stall median is
# the run's save_stall_s median, over all N saves.
S=$("$PY" -c "import json, sys; print('%.4f' % json.load(open(sys.argv[1]))['phases']['save_stall_s']['median_s'])" \
  "$SRC/results/cpu/compare-vm/runs/small-disk-every10.json")
grep -q "^saves with a disk write ($N), medians in s: replication_wait .*, stall $S\$" "$T/saves.md" &&
  ! grep -q "^saves without a disk write" "$T/saves.md" ||
  { echo "save_events.py: no stall parts line with ($N) and stall $S:"; tail -3 "$T/saves.md"; exit 1; }
mkdir -p "$T/empty"
if "$PY" save_events.py "$T/empty" > /dev/null 2>&1; then echo "save_events.py accepted a directory without logs"; exit 1; fi
# Replication during saves: every memory-only save of the committed gemini run is listed, and
# the memory strategy (no replication) has none overlapped.
"$PY" replication_overlap.py "$SRC/results/cpu/compare-vm/runs/small-gemini.events" > "$T/overlap.md"
N=$("$PY" -c "import json, sys; print(json.load(open(sys.argv[1]))['phases']['save_stall_memory_only_s']['count'])" \
  "$SRC/results/cpu/compare-vm/runs/small-gemini.json")
[ "$(grep -c '^| [0-9]* | [0-9]* | [0-3] | ' "$T/overlap.md")" -eq "$N" ] && grep -q "^$N memory-only saves: " "$T/overlap.md" ||
  { echo "replication_overlap.py:"; cat "$T/overlap.md"; exit 1; }
"$PY" replication_overlap.py "$SRC/results/cpu/compare-vm/runs/small-memory.events" | grep -q ": 0 overlapped" ||
  { echo "replication_overlap.py found replication in a memory-strategy run"; exit 1; }
if "$PY" replication_overlap.py "$T/empty" > /dev/null 2>&1; then echo "replication_overlap.py accepted a directory without logs"; exit 1; fi
# Disk drift across probes: the committed probes summarised; three made-up probes (1.0, 1.1 and
# 1.5 s) give 2 of 3 within +-15% of their median; a probe with two sizes is refused.
"$PY" disk_drift.py "$SRC"/results/cpu/disk-drift/probes/*.json > "$T/drift.md"
[ "$(grep -c '^| disk-' "$T/drift.md")" -eq 4 ] || { echo "disk_drift.py:"; cat "$T/drift.md"; exit 1; }
for s in 1.0 1.1 1.5; do
  "$PY" -c "import json,sys; s=float(sys.argv[1]); json.dump({'date_utc': sys.argv[1], 'machine': {}, 'benchmarks': [
    {'name': 'disk-write', 'status': 'ok', 'points': [{'bytes': 1e6, 'median_s': s, 'p10_s': s, 'p90_s': s}]}]}, open(sys.argv[2], 'w'))" \
    "$s" "$T/probe-$s.json"
done
"$PY" disk_drift.py "$T"/probe-*.json > "$T/drift3.md"
grep -q "^| disk-write | 1000000 | 1.1000 | 1.0000 | 1.5000 | 1.50 | 2 of 3 | 0% |" "$T/drift3.md" ||
  { echo "disk_drift.py on made-up probes:"; cat "$T/drift3.md"; exit 1; }
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); p=d['benchmarks'][0]['points']; p.append(dict(p[0], bytes=2e6)); json.dump(d, open(sys.argv[2], 'w'))" \
  "$T/probe-1.0.json" "$T/two-sizes.json"
if "$PY" disk_drift.py "$T/two-sizes.json" > /dev/null 2>&1; then echo "disk_drift.py accepted a probe with two sizes"; exit 1; fi
# Recovery reads against bracketing probes: the committed study has a row per run; a made-up
# study (probes at 0.10 and 0.12 s, a run whose two disk recoveries' slowest reads are 0.11 and
# 0.13 s, 10 read requests of 20480 sectors) gives 0.12 / 0.11 = 1.09 and 1024 KiB per request;
# a run without its probe after it is refused.
"$PY" disk_matched.py "$SRC/results/cpu/disk-matched" > "$T/matched.md"
[ "$(grep -c '^| [0-9]' "$T/matched.md")" -ge 3 ] || { echo "disk_matched.py:"; cat "$T/matched.md"; exit 1; }
mkdir -p "$T/dm/probes" "$T/dm/runs"
for p in 1:0.10 2:0.12; do
  "$PY" -c "import json,sys; json.dump({'benchmarks': [{'name': 'disk-read-cold-concurrent', 'points': [
    {'bytes': 1000, 'median_s': 0.05, 'slowest': {'median_s': float(sys.argv[2])}}]}]}, open(sys.argv[1], 'w'))" \
    "$T/dm/probes/probe-${p%%:*}.json" "${p#*:}"
done
"$PY" -c "import json,sys
rank = lambda f: {'tier': 'disk', 'fetch_s': f}
json.dump({'checkpoint_bytes_per_rank': 1000, 'timeline': [
  {'retrieval_s': 0.12, 'ranks': [rank(0.05), rank(0.11)]},
  {'retrieval_s': 0.14, 'ranks': [rank(0.13), rank(0.02)]},
  {'retrieval_s': 0.01, 'ranks': [dict(rank(0.01), tier='memory'), rank(0.01)]}]}, open(sys.argv[1], 'w'))" "$T/dm/runs/run-1.json"
printf '0 0 0 0\n10 20480 0 0\n' > "$T/dm/runs/run-1.iostat"
"$PY" disk_matched.py "$T/dm" > "$T/dm.md"
grep -q "^| 1 | 2 | 0.1200 | 0.1300 | 0.1000 | 0.1200 | 1.09 | 1024, -/- |" "$T/dm.md" ||
  { echo "disk_matched.py on a made-up study:"; cat "$T/dm.md"; exit 1; }
rm "$T/dm/probes/probe-2.json"
if "$PY" disk_matched.py "$T/dm" > /dev/null 2>&1; then echo "disk_matched.py accepted a run without its probe after it"; exit 1; fi
# Runs against themselves: the committed sessions' comparisons are not in the tree (run.sh makes
# them), so three made-up sessions of one row measured 1.0, 1.1 and 1.5 s, predicted +0%, +20%
# and -10%: sim outside once; the other two sessions' median (1.3, 1.25, 1.05 s) outside twice;
# of the six ordered pairs, two within (1.0 <-> 1.1). Two sessions, or two tolerances, are refused.
mkdir -p "$T/rep"
for s in 1:1.0:0.0 2:1.1:0.2 3:1.5:-0.1; do
  "$PY" -c "import json,sys; m, e = float(sys.argv[2]), float(sys.argv[3])
json.dump({'tolerance': float(sys.argv[4]), 'runs': [{'label': 'small/gemini', 'cpu_model': 'AMD EPYC', 'kernel': 'k1', 'phases': [{'phase': 'save_stall_s',
  'method': 'closed-form', 'checked': True, 'measured': {'count': 3, 'median_s': m}, 'rel_error': e}]}]}, open(sys.argv[1], 'w'))" \
    "$T/rep/repeat-000${s%%:*}.json" "$(echo "$s" | cut -d: -f2)" "${s##*:}" 0.15
done
"$PY" -c "import json,sys; d = json.load(open(sys.argv[1])); p = dict(d['runs'][0]['phases'][0], phase='lost_progress_s', measured=None, rel_error=None)
d['runs'][0]['phases'].append(p); json.dump(d, open(sys.argv[1], 'w'))" "$T/rep/repeat-0001.json"  # a phase the run lacks
"$PY" compare_reproducibility.py "$T"/rep/*.json > "$T/rep.txt"
grep -q "^AMD EPYC, kernel k1 (3 sessions, 3 checked rows): outside 1 (sim) vs 2 (loo); every row within in 2 (sim) vs 1 (loo) sessions; one session's runs predicting another's (6 ordered pairs): median 1 rows outside (min 0, max 1), every row within in 2$" "$T/rep.txt" ||
  { echo "compare_reproducibility.py on made-up sessions:"; cat "$T/rep.txt"; exit 1; }
if "$PY" compare_reproducibility.py "$T"/rep/repeat-000[12].json > /dev/null 2> "$T/rep.err" ||
  ! grep -q "the leave-one-out median needs at least 3" "$T/rep.err"; then echo "compare_reproducibility.py accepted two sessions"; cat "$T/rep.err"; exit 1; fi
# A session on another host (same CPU model, another kernel build) is a machine kind of its own.
sed 's/"kernel": "k1"/"kernel": "k2"/' "$T/rep/repeat-0003.json" > "$T/rep/other-host.json"
if "$PY" compare_reproducibility.py "$T"/rep/*.json > /dev/null 2> "$T/rep.err" ||
  ! grep -q "AMD EPYC, kernel k2: 1 sessions" "$T/rep.err"; then echo "compare_reproducibility.py pooled two hosts"; cat "$T/rep.err"; exit 1; fi
rm "$T/rep/other-host.json"
sed 's/"tolerance": 0.15/"tolerance": 0.2/' "$T/rep/repeat-0003.json" > "$T/rep/repeat-0004.json"
if "$PY" compare_reproducibility.py "$T"/rep/*.json > /dev/null 2> "$T/rep.err" ||
  ! grep -q "different tolerances" "$T/rep.err"; then echo "compare_reproducibility.py mixed two tolerances"; cat "$T/rep.err"; exit 1; fi
# The shared-lone trial's profile: the lone copy read at 3 MB from medians at 2 and 4 MB
# (0.002 and 0.005 s: the line 0.0015 s per MB, through -0.001 s, clamped to the origin with
# 0.0035 s at 3 MB), the concurrent copy and checksum dropped, other entries kept; a profile
# without the lone copy, or medians falling with size, are refused.
cat > "$T/trial.yaml" <<'YAML'
name: "trial"
hardware:
  host_memcpy: {alpha_s: 0.1, bandwidth_bytes_per_s: 1e9}  # host-memcpy
  checksum: {alpha_s: 0.1, bandwidth_bytes_per_s: 1e9}  # checksum-xxh64
  host_memcpy_concurrent: {alpha_s: 0, bandwidth_bytes_per_s: 1e9, concurrency: 4}  # host-memcpy-concurrent
  checksum_concurrent: {alpha_s: 0, bandwidth_bytes_per_s: 1e9, concurrency: 4}  # checksum-xxh64-concurrent
  shm_read_fresh: {alpha_s: 0, bandwidth_bytes_per_s: 1e9}  # shm-read-fresh
YAML
"$PY" -c "import json,sys; pts = [{'bytes': 2e6, 'median_s': 0.002}, {'bytes': 4e6, 'median_s': 0.005}]
json.dump({'benchmarks': [{'name': n, 'points': pts} for n in ('host-memcpy', 'checksum-xxh64')]}, open(sys.argv[1], 'w'))" "$T/trial.json"
"$PY" "$SRC/results/cpu/compare-vm/reproducibility/lone_at_size.py" "$T/trial.yaml" "$T/trial.json" 3e6 > "$T/trial-out.yaml"
"$PY" -c "import sys, yaml
h = yaml.safe_load(open(sys.argv[1]))['hardware']
for k in ('host_memcpy', 'checksum'):
    assert h[k]['alpha_s'] == 0 and abs(h[k]['bandwidth_bytes_per_s'] - 3e6 / 0.0035) < 1e-3, h[k]
assert 'host_memcpy_concurrent' not in h and 'checksum_concurrent' not in h, h
assert h['shm_read_fresh'] == {'alpha_s': 0, 'bandwidth_bytes_per_s': 1e9}, h" "$T/trial-out.yaml" ||
  { echo "lone_at_size.py:"; cat "$T/trial-out.yaml"; exit 1; }
sed 's/^  host_memcpy: .*//' "$T/trial.yaml" > "$T/trial-no-copy.yaml"
if "$PY" "$SRC/results/cpu/compare-vm/reproducibility/lone_at_size.py" "$T/trial-no-copy.yaml" "$T/trial.json" 3e6 > /dev/null 2> "$T/trial.err" ||
  ! grep -q "no hardware entry 'host_memcpy'" "$T/trial.err"; then
  echo "lone_at_size.py accepted a profile without host_memcpy"; cat "$T/trial.err"; exit 1
fi
# Medians that fall with size give no line: refused, not written as a negative bandwidth.
"$PY" -c "import json,sys; pts = [{'bytes': 2e6, 'median_s': 0.005}, {'bytes': 4e6, 'median_s': 0.002}]
json.dump({'benchmarks': [{'name': n, 'points': pts} for n in ('host-memcpy', 'checksum-xxh64')]}, open(sys.argv[1], 'w'))" "$T/falling.json"
if "$PY" "$SRC/results/cpu/compare-vm/reproducibility/lone_at_size.py" "$T/trial.yaml" "$T/falling.json" 3e6 > /dev/null 2> "$T/trial.err" ||
  ! grep -q "do not grow with size" "$T/trial.err"; then
  echo "lone_at_size.py wrote a line through falling medians"; cat "$T/trial.err"; exit 1
fi
# Memory saves split by slot from event logs without real/'s flag (runs before 2026-12-08): on a
# run that reports the split itself (six failures, both kinds of recovery), the rule must give
# real/'s own phases exactly.
RUN="$SRC/results/cpu/busiest/session-20261208-0032/runs/small-gemini"
mkdir "$T/noflag"
for f in "$RUN".events/*.events.jsonl; do
  "$PY" -c "import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line); e.pop('memory_untouched_slot', None); print(json.dumps(e))" "$f" > "$T/noflag/$(basename "$f")"
done
"$PY" -c "import json, sys; d = json.load(open(sys.argv[1]))
for k in ('save_memory_untouched_slot_s', 'save_memory_touched_slot_s'): del d['phases'][k]
json.dump(d, open(sys.argv[2], 'w'))" "$RUN.json" "$T/noflag.json"
"$PY" "$SRC/results/cpu/memory-saves-by-slot/split_saves.py" "$T/noflag.json" "$T/noflag" "$T/split.json"
"$PY" -c "import json, sys
own, split = (json.load(open(p))['phases'] for p in sys.argv[1:3])
for k in ('save_memory_untouched_slot_s', 'save_memory_touched_slot_s'):
    assert own[k]['count'] == split[k]['count'] and abs(own[k]['median_s'] - split[k]['median_s']) < 1e-12, (k, own[k], split[k])
assert own['save_memory_untouched_slot_s']['count'] == 38, own" "$RUN.json" "$T/split.json" ||
  { echo "split_saves.py does not reproduce real/'s split"; exit 1; }
# Where ranks retrieved: one made-up recovery with three ranks on CPU 1 and one alone on CPU 0,
# nobody moved, plus a made-up benchmark with one crowded round (a process moved) and one even.
"$PY" -c "import json, sys
ranks = [{'rank': r, 'cpu_at_agreed': c, 'cpu_at_fetched': c, 'retrieval_s': s}
         for r, (c, s) in enumerate([(0, 0.02), (1, 0.06), (1, 0.061), (1, 0.059)])]
json.dump({'timeline': [{'kind': 'process', 'source_tier': 'memory', 'ranks': ranks},
                        {'kind': 'machine', 'source_tier': 'mixed', 'ranks': ranks}]}, open(sys.argv[1], 'w'))
point = {'bytes': 1000, 'extra': {'busiest_cpu_processes': [3, 2], 'moved_processes': [1, 0], 'round_slowest_s': [0.05, 0.04]}}
json.dump({'benchmarks': [{'name': 'memory-retrieval-concurrent', 'points': [point]}]}, open(sys.argv[2], 'w'))" \
  "$T/placed.json" "$T/placed-bench.json"
"$PY" retrieval_placement.py "$T/placed.json" --bench "$T/placed-bench.json" --bytes 1000 --json "$T/placed-out.json" > "$T/placed.md"
"$PY" -c "import json, sys; s = json.load(open(sys.argv[1]))
assert s['runs']['3'] == {'count': 1, 'slowest_median_s': 0.061, 'slowest_min_s': 0.061, 'slowest_max_s': 0.061, 'with_a_moved_process': 0}, s
assert '2' not in s['runs'] and s['runs_one_rank_under_half'] == 1, s
assert s['bench']['3']['with_a_moved_process'] == 1 and s['bench']['2']['slowest_median_s'] == 0.04, s" "$T/placed-out.json" ||
  { echo "retrieval_placement.py:"; cat "$T/placed.md"; exit 1; }
if "$PY" retrieval_placement.py "$T/placed.json" --bench "$T/placed-bench.json" --bytes 2000 > /dev/null 2>&1; then
  echo "retrieval_placement.py accepted a size the benchmark did not measure"; exit 1
fi
echo "analysis scripts OK"
