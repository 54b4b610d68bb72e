#!/bin/sh
# gemini-sim compare tests. Modes:
#   e2e SIM LAUNCH CALIBRATE SRC   runs gemini-launch (tiny, 4 ranks in 2 machines, a process
#       and a machine failure), gemini-calibrate --quick, then compare (fits, then --medians) with a loose tolerance:
#       it must work, write JSON, and every checked error must be finite and within the bound.
#   cli SIM SRC                    bad inputs exit 2 with file:line (YAML) / a clear message (JSON);
#       what each cost predicts, from fits and from --medians.
#   plot SIM SRC                   analysis/plot_compare.py on a comparison of the committed tiny
#       runs (exit 77, skipped, without python3 + matplotlib).
set -eu
MODE=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
case "$MODE" in
e2e)
  SIM=$2 LAUNCH=$3 CALIB=$4 SRC=$5
  JOB="ctest-cmp-$$"
  "$LAUNCH" --ranks 4 --machines 2 --preset tiny --threads 1 --strategy gemini --replicas 2 --interval 5 \
    --persistent-interval 10 --iterations 30 --fail 12:process:1 --fail 22:machine:1 --job "$JOB" \
    --dir "$T/disk" --run-dir "$T/events" --out "$T/run.json" > "$T/launch.log" 2>&1 || { cat "$T/launch.log"; exit 1; }
  "$CALIB" --quick --benchmarks cpu --time-limit-s 4 --dir "$T" --out-json "$T/cal.json" \
    --out-profile "$T/profile.yaml" --quiet || { echo "gemini-calibrate failed"; exit 1; }
  # The memory saves split by slot: real/'s flag on every save agrees with the model's rule
  # (analysis/event_logs.py memory_saves_with_slot_rule), and the run's phases count each kind.
  python3 - "$T/run.json" "$T/events" "$SRC/analysis" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[3])
from event_logs import memory_saves_with_slot_rule, run_events
phases = json.load(open(sys.argv[1]))["phases"]
untouched, touched = phases["save_memory_untouched_slot_s"]["count"], phases["save_memory_touched_slot_s"]["count"]
assert untouched + touched == phases["save_memory_s"]["count"] and touched > 0, phases
saves = memory_saves_with_slot_rule(run_events(sys.argv[2]))
assert len(saves) == untouched + touched, len(saves)
for e, rule in saves:
    assert e["memory_untouched_slot"] == rule, (rule, e)
print("memory saves: %d into untouched slots, %d into touched ones" % (untouched, touched))
PY
  # Loose bound: the CI machine is loaded and tiny phases are short; the 15% target is checked
  # by hand (docs/VALIDATION.md).
  rc=0
  "$SIM" compare "$T/run.json" --profile "$T/profile.yaml" --tolerance 1.5 --json "$T/cmp.json" -j 1 > "$T/out.txt" || rc=$?
  cat "$T/out.txt"
  [ "$rc" -eq 0 ] || { echo "compare exited $rc (expected 0 with --tolerance 1.5)"; exit 1; }
  # The same from the calibration's medians at the run's size.
  rc=0; "$SIM" compare "$T/run.json" --profile "$T/profile.yaml" --medians "$T/cal.json" --tolerance 1.5 \
    --json "$T/cmp-medians.json" -j 1 > "$T/out-medians.txt" || rc=$?
  [ "$rc" -eq 0 ] || { cat "$T/out-medians.txt"; echo "compare --medians exited $rc (expected 0 with --tolerance 1.5)"; exit 1; }
  for cmp in "$T/cmp.json" "$T/cmp-medians.json"; do
  python3 - "$cmp" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "gemini-compare/1", d["schema"]
rows = [p for r in d["runs"] for p in r["phases"]]
checked = [p for p in rows if p["checked"]]
assert checked, "no checked phase"
assert any(p["method"] == "engine" for p in checked), "no engine row"
assert any(p["method"] == "input" for p in rows), "no input row"
by_phase = {p["phase"]: p for p in rows if p["method"] == "closed-form"}
assert not by_phase["save_memory_s"]["checked"], by_phase["save_memory_s"]
assert by_phase["save_memory_untouched_slot_s"]["predicted_s"] > 0 and by_phase["save_memory_touched_slot_s"]["predicted_s"] > 0, by_phase
for p in checked:
    e = p["rel_error"]
    assert e is not None and math.isfinite(e) and abs(e) <= 1.5, (p["phase"], e)
print("compare e2e (%s): %d checked phases, max |error| %.1f%%" % (d["costs"]["from"], len(checked), 100 * max(abs(p["rel_error"]) for p in checked)))
PY
  done
  ;;
cli)
  SIM=$2 SRC=$3
  RUN="$SRC/results/cpu/compare-vm/runs/tiny-gemini.json"
  PROF="$SRC/calibrate/profiles/cpu-amd-epyc.yaml"
  expect2() {  # expect2 PATTERN ARGS...: exit 2 and PATTERN on stderr
    pat=$1; shift
    rc=0; "$SIM" compare "$@" > "$T/o" 2> "$T/e" || rc=$?
    [ "$rc" -eq 2 ] || { echo "expected exit 2, got $rc for: $*"; cat "$T/e"; exit 1; }
    grep -q -- "$pat" "$T/e" || { echo "expected '$pat' in:"; cat "$T/e"; exit 1; }
  }
  printf 'profile_format: 1\nsource: x\nhardware:\n  host_memcpy: {alpha_s: 0, bandwidth_bytes_per_s: 1e9}\n' > "$T/p.yaml"
  expect2 "p.yaml:4: missing required key 'checksum'" "$RUN" --profile "$T/p.yaml"
  printf 'profile_format: 1\nsource: x\nhardware: [\n' > "$T/bad.yaml"
  expect2 "bad.yaml:" "$RUN" --profile "$T/bad.yaml"
  echo '{"schema": "gemini-run/1", "config": {' > "$T/bad.json"
  expect2 "bad.json: not valid JSON" "$T/bad.json" --profile "$PROF"
  echo '{"schema": "other"}' > "$T/other.json"
  expect2 "expected 'gemini-run/1'" "$T/other.json" --profile "$PROF"
  python3 -c "import json,sys; d=json.load(open('$RUN')); del d['checkpoint_bytes_per_rank']; json.dump(d, open('$T/m.json','w'))"
  expect2 "missing 'checkpoint_bytes_per_rank'" "$T/m.json" --profile "$PROF"
  expect2 "cannot open" "$T/nope.json" --profile "$PROF"
  python3 -c "import json,sys; d=json.load(open('$RUN')); d['disk_saves'][0]['rank']=9; json.dump(d, open('$T/r9.json','w'))"
  expect2 "disk_saves\[\]: rank 9 outside 0..3" "$T/r9.json" --profile "$PROF"
  expect2 "disk-overlap" "$RUN" --profile "$PROF" --disk-overlap fair-share
  # A good comparison: JSON written, exit 0 or 1 only.
  rc=0; "$SIM" compare "$RUN" --profile "$PROF" --json "$T/c.json" -j 1 > /dev/null || rc=$?
  [ "$rc" -le 1 ] && [ -s "$T/c.json" ] || { echo "compare on committed run: exit $rc"; exit 1; }
  # Two runs of one preset and strategy get their file names in the label; a lone one does not.
  cp "$RUN" "$T/other-interval.json"
  rc=0; "$SIM" compare "$RUN" "$T/other-interval.json" --profile "$PROF" --no-engine --json "$T/two.json" > /dev/null || rc=$?
  [ "$rc" -le 1 ] || { echo "compare on two runs: exit $rc"; exit 1; }
  python3 - "$T/two.json" "$T/c.json" <<'PY'
import json, sys
labels = [r["label"] for r in json.load(open(sys.argv[1]))["runs"]]
assert labels == ["tiny/gemini (tiny-gemini)", "tiny/gemini (other-interval)"], labels
assert [r["label"] for r in json.load(open(sys.argv[2]))["runs"]] == ["tiny/gemini"]
PY
  # A GPU run (the committed H100 one): refused with a CPU-only profile; with the GPU's profile
  # the snapshot copy is predicted as R device-to-host copies through the one GPU's link, and as
  # one per link when each rank had its own GPU.
  GPU_RUN="$SRC/results/device/h100-compare-2026-11-27/run-gemini.json"
  GPU_PROF="$SRC/calibrate/profiles/h100-sxm-80gb.yaml"
  expect2 "ran on cuda:0 but .* has no GPU copy costs" "$GPU_RUN" --profile "$PROF"
  rc=0; "$SIM" compare "$GPU_RUN" --profile "$GPU_PROF" --no-engine --json "$T/g.json" > /dev/null || rc=$?
  [ "$rc" -le 1 ] || { echo "compare on the GPU run: exit $rc"; exit 1; }
  python3 - "$T/g.json" "$GPU_PROF" "$GPU_RUN" "$SRC/analysis" <<'PY'
import json, sys
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[4])
from profile_entries import hardware_entry
d = json.load(open(sys.argv[1]))
e = hardware_entry(sys.argv[2], "gpu_to_cpu")
alpha, bw = e["alpha_s"], e["bandwidth_bytes_per_s"]
run = json.load(open(sys.argv[3]))
ranks, image = run["config"]["ranks"], run["checkpoint_bytes_per_rank"]
row = next(p for p in d["runs"][0]["phases"] if p["phase"] == "snapshot_copy_s")
want = alpha + ranks * image / bw
assert abs(row["predicted_s"] - want) <= 1e-6 * want, (row["predicted_s"], want)
assert "device-to-host" in row["note"], row["note"]
PY
  # The same run as if its ranks had one GPU each (environment.gpus_used): one copy per link.
  python3 -c "import json; d=json.load(open('$GPU_RUN')); d['environment']['gpus_used']=d['config']['ranks']; json.dump(d, open('$T/gpus.json','w'))"
  rc=0; "$SIM" compare "$T/gpus.json" --profile "$GPU_PROF" --no-engine --json "$T/gs.json" > /dev/null || rc=$?
  [ "$rc" -le 1 ] || { echo "compare on the one-GPU-per-rank run: exit $rc"; exit 1; }
  python3 - "$T/gs.json" "$GPU_PROF" "$GPU_RUN" "$SRC/analysis" <<'PY'
import json, sys
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[4])
from profile_entries import hardware_entry
own = next(p for p in json.load(open(sys.argv[1]))["runs"][0]["phases"] if p["phase"] == "snapshot_copy_s")
e = hardware_entry(sys.argv[2], "gpu_to_cpu")
run = json.load(open(sys.argv[3]))
want = e["alpha_s"] + run["checkpoint_bytes_per_rank"] / e["bandwidth_bytes_per_s"]
assert abs(own["predicted_s"] - want) <= 1e-6 * want, (own["predicted_s"], want)
assert "1 rank(s) through each GPU" in own["note"], own["note"]
PY
  # Replication over NCCL is not what compare models: refused, not mispredicted.
  python3 -c "import json; d=json.load(open('$GPU_RUN')); d['config']['replication_transport']='nccl'; json.dump(d, open('$T/nccl.json','w'))"
  expect2 "replication_transport is 'nccl'" "$T/nccl.json" --profile "$GPU_PROF"
  python3 -c "import json; d=json.load(open('$GPU_RUN')); d['model']['replication_in_line']=True; json.dump(d, open('$T/in-line.json','w'))"
  expect2 "replication_in_line is true" "$T/in-line.json" --profile "$GPU_PROF"
  # A concurrent cost (KEY: {alpha 0.01 s, 1e8 B/s, 4 at once}) is what a run with exactly that many
  # ranks doing it at once is predicted to pay for PHASE, and the note (NOTE) says so.
  expect_concurrent_cost() {  # RUN KEY PHASE NOTE
    sed -e "/^  $2:/d" -e "/^hardware:/a\\  $2: {alpha_s: 0.01, bandwidth_bytes_per_s: 1e8, concurrency: 4}" "$PROF" > "$T/$2.yaml"
    rc=0; "$SIM" compare "$1" --profile "$T/$2.yaml" --no-engine --json "$T/$2.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with a concurrent $2: exit $rc"; exit 1; }
    python3 - "$T/$2.json" "$1" "$3" "$4" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
run = json.load(open(sys.argv[2]))
assert run["config"]["ranks"] == 4
row = next(p for p in d["runs"][0]["phases"] if p["phase"] == sys.argv[3])
want = 0.01 + run["checkpoint_bytes_per_rank"] / 1e8
assert abs(row["predicted_s"] - want) <= 1e-6 * want, (sys.argv[3], row["predicted_s"], want)
assert sys.argv[4] in row["note"], row["note"]
PY
  }
  # Disk writers at once; fresh shared-memory writers at once (two thirds of this run's memory saves go
  # into slots their process has not mapped, so the median is the fresh cost).
  DISK_RUN="$SRC/results/cpu/compare-vm/runs/small-disk.json"
  # (Also without its disk_saves list: every rank then pays the all-at-once cost, checked below.)
  python3 -c "import json, sys; d = json.load(open(sys.argv[1])); d.pop('disk_saves', None); json.dump(d, open(sys.argv[2], 'w'))" \
    "$DISK_RUN" "$T/no-starts.json"
  expect_concurrent_cost "$T/no-starts.json" local_disk_write_concurrent save_disk_s concurrent-writers
  expect_concurrent_cost "$SRC/results/cpu/compare-vm/runs/small-memory.json" shm_write_fresh_concurrent save_memory_s "concurrent fresh writers"
  # The others: second saves of ranks that restored from their own memory, a plain copy (the
  # profile's concurrent memcpy), which is the predicted p10.
  python3 - "$T/shm_write_fresh_concurrent.json" "$SRC/results/cpu/compare-vm/runs/small-memory.json" "$PROF" "$SRC/analysis" <<'PY'
import json, sys
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[4])
from profile_entries import hardware_entry
row = next(p for p in json.load(open(sys.argv[1]))["runs"][0]["phases"] if p["phase"] == "save_memory_s")
b = json.load(open(sys.argv[2]))["checkpoint_bytes_per_rank"]
e = hardware_entry(sys.argv[3], "host_memcpy_concurrent")
assert e["concurrency"] == 4, e
warm = e["alpha_s"] + b / e["bandwidth_bytes_per_s"]
assert abs(row["predicted_p10_s"] - warm) <= 1e-6 * warm, (row["predicted_p10_s"], warm)
assert row["predicted_p10_s"] < row["predicted_s"]
PY
  # Concurrent memory retrievals: a process failure's recovery whose ranks all retrieve from their
  # own memory stores costs the benchmark's slowest process when it ran with as many processes
  # (alpha 0.02 s, 5e7 B/s); with 2 processes, or for a machine loss's mixed tiers, the copy and
  # the checksum are charged as before.
  MEM_RUN="$SRC/results/cpu/compare-vm/runs/small-memory.json"
  for n in 4 2; do
    sed -e '/^  memory_retrieval_concurrent:/d' \
        -e "/^hardware:/a\\  memory_retrieval_concurrent: {alpha_s: 0.01, bandwidth_bytes_per_s: 1e8, concurrency: $n, slowest_alpha_s: 0.02, slowest_bandwidth_bytes_per_s: 5e7}" \
        "$PROF" > "$T/mr$n.yaml"
  done
  sed -e '/^  memory_retrieval_concurrent:/d' "$PROF" > "$T/mr0.yaml"
  for n in 0 2 4; do
    rc=0; "$SIM" compare "$MEM_RUN" --profile "$T/mr$n.yaml" --no-engine --json "$T/mr$n.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with memory_retrieval_concurrent for $n: exit $rc"; exit 1; }
  done
  python3 - "$T" "$MEM_RUN" <<'PY'
import json, os, sys
row = lambda n, phase: next(p for p in json.load(open(os.path.join(sys.argv[1], f"mr{n}.json")))["runs"][0]["phases"]
                            if p["phase"] == phase)
b = json.load(open(sys.argv[2]))["checkpoint_bytes_per_rank"]
own, want = row(4, "recovery_retrieval_memory_s"), 0.02 + b / 5e7
assert abs(own["predicted_s"] - want) <= 1e-6 * want, (own["predicted_s"], want)
assert "slowest of the concurrent memory retrievals" in own["note"], own["note"]
for phase in ("recovery_retrieval_memory_s", "recovery_retrieval_mixed_s"):
    assert row(2, phase)["predicted_s"] == row(0, phase)["predicted_s"], phase
assert row(4, "recovery_retrieval_mixed_s")["predicted_s"] == row(0, "recovery_retrieval_mixed_s")["predicted_s"]
assert abs(row(0, "recovery_retrieval_memory_s")["predicted_s"] - want) > 0.1 * want
assert "slowest of the concurrent" not in row(2, "recovery_retrieval_memory_s")["note"]
PY
  # glibc's memcpy regime boundary from the profile's machine: a CPU run whose images lie below
  # it gets a note pointing to --medians; none when they lie above it, the key is 0 or absent, or
  # the run copied its snapshot from a GPU.
  for t in 1000000000000:below 1000:above 0:unknown; do
    sed -e "/^machine:/a\\  memcpy_non_temporal_threshold_bytes: ${t%%:*}" "$PROF" > "$T/nt-${t#*:}.yaml"
    rc=0; "$SIM" compare "$MEM_RUN" --profile "$T/nt-${t#*:}.yaml" --no-engine --json "$T/nt-${t#*:}.json" > "$T/nt-${t#*:}.txt" || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with memcpy_non_temporal_threshold_bytes ${t%%:*}: exit $rc"; exit 1; }
  done
  rc=0; "$SIM" compare "$MEM_RUN" --profile "$PROF" --no-engine --json "$T/nt-none.json" > /dev/null || rc=$?
  [ "$rc" -le 1 ] || { echo "compare without memcpy_non_temporal_threshold_bytes: exit $rc"; exit 1; }
  sed -e "/^machine:/a\\  memcpy_non_temporal_threshold_bytes: 1000000000000" "$GPU_PROF" > "$T/nt-gpu.yaml"
  rc=0; "$SIM" compare "$GPU_RUN" --profile "$T/nt-gpu.yaml" --no-engine --json "$T/nt-gpu.json" > /dev/null || rc=$?
  [ "$rc" -le 1 ] || { echo "compare of the GPU run with memcpy_non_temporal_threshold_bytes: exit $rc"; exit 1; }
  python3 - "$T" <<'PY'
import json, os, sys
notes = lambda name: json.load(open(os.path.join(sys.argv[1], f"nt-{name}.json")))["runs"][0]["notes"]
regime = lambda name: [n for n in notes(name) if "non-temporal-store threshold (1000000.0 MB" in n]
assert len(regime("below")) == 1 and "--medians" in regime("below")[0], notes("below")
quiet = ("above", "unknown", "none", "gpu")  # a GPU run's snapshot copy is device-to-host
assert not any("non-temporal" in n for name in quiet for n in notes(name)), {name: notes(name) for name in quiet}
PY
  grep -q "non-temporal-store threshold" "$T/nt-below.txt" || { echo "the regime note is not printed:"; cat "$T/nt-below.txt"; exit 1; }
  # A profile from another machine: a note naming what differs (CPU model, CPU count, kernel;
  # "Linux " before the kernel's release is the profile's way of writing it); none for the
  # session's own profile.
  sed -e 's/^  kernel: .*/  kernel: "Linux 9.9.9-other"/' -e 's/^  logical_cpus: .*/  logical_cpus: 64/' "$PROF" > "$T/other-machine.yaml"
  for p in "$PROF" "$T/other-machine.yaml"; do
    rc=0; "$SIM" compare "$RUN" --profile "$p" --no-engine --json "$T/machine.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with $p: exit $rc"; exit 1; }
    python3 - "$T/machine.json" "$p" "$PROF" <<'PY'
import json, sys
notes = [n for n in json.load(open(sys.argv[1]))["runs"][0]["notes"] if "another machine" in n]
if sys.argv[2] == sys.argv[3]:
    assert not notes, notes
else:
    assert len(notes) == 1 and "CPUs 64 there, 2 here; kernel 9.9.9-other there, 6.18.44-fc-v595 here" in notes[0], notes
PY
  done
  # Where the ranks retrieved (real/'s cpu_at_agreed): a run whose own-memory retrievals began
  # with more ranks on one CPU than an even spread says how many; none for the same run spread
  # evenly, nor for a run that does not record CPUs.
  PLACED="$SRC/results/cpu/placement/runs/run-1.json"
  python3 - "$PLACED" "$T/placed-even.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for t in d["timeline"]:
    for r in t.get("ranks", []):
        r["cpu_at_agreed"] = r["rank"] % 2
json.dump(d, open(sys.argv[2], "w"))
PY
  # Nor where every crowded retrieval is below --min-phase (no checked row depends on them).
  for run in "$PLACED" "$T/placed-even.json" "$MEM_RUN" "$PLACED:60"; do
    rc=0; "$SIM" compare "${run%:60}" --profile "$PROF" --no-engine --min-phase "$([ "${run%:60}" = "$run" ] && echo 0.05 || echo 60)" \
      --json "$T/placed-cmp.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare of $run: exit $rc"; exit 1; }
    python3 - "$T/placed-cmp.json" "$run" "$PLACED" <<'PY'
import json, sys
notes = [n for n in json.load(open(sys.argv[1]))["runs"][0]["notes"] if "ranks on one CPU" in n]
if sys.argv[2] == sys.argv[3]:
    assert len(notes) == 1 and notes[0].startswith("5 of 7 own-memory retrievals began with more ranks on one CPU than an even spread (at most 3 of 4 ranks on 2 CPUs, evenly 2 each)"), notes
else:
    assert not notes, (sys.argv[2], notes)
PY
  done
  # --charge-layouts: each own-memory recovery charged at the pinned cost for as many ranks as
  # began on its busiest CPU (memory_retrieval_busiest_K, 4 processes): all K = 2 when spread
  # evenly, K = 3 in 5 of run-1's 7; only where the profile has that K for the run's ranks, the
  # rest as before; never for a run that does not record CPUs, nor without the flag.
  busiest() { echo "  memory_retrieval_busiest_$1: {alpha_s: 0, bandwidth_bytes_per_s: 1e9, concurrency: $2, slowest_alpha_s: $3, slowest_bandwidth_bytes_per_s: 1e9}"; }
  { sed -n '1,/^hardware:/p' "$PROF"; busiest 2 4 0.5; busiest 3 4 0.9; sed '1,/^hardware:/d' "$PROF"; } > "$T/busiest.yaml"
  { sed -n '1,/^hardware:/p' "$PROF"; busiest 2 4 0.5; sed '1,/^hardware:/d' "$PROF"; } > "$T/busiest2.yaml"
  { sed -n '1,/^hardware:/p' "$PROF"; busiest 2 2 0.5; busiest 3 2 0.9; sed '1,/^hardware:/d' "$PROF"; } > "$T/busiest-other.yaml"
  compare_busiest() {  # RUN PROFILE OUT [FLAGS]
    rc=0; "$SIM" compare "$1" --profile "$T/$2.yaml" --no-engine --json "$T/b-$3.json" ${4:-} > "$T/b-$3.txt" || rc=$?
    [ "$rc" -le 1 ] || { echo "compare of $1 with $2: exit $rc"; exit 1; }
  }
  compare_busiest "$PLACED" busiest placed --charge-layouts
  compare_busiest "$T/placed-even.json" busiest even --charge-layouts
  compare_busiest "$PLACED" busiest2 placed2 --charge-layouts
  compare_busiest "$PLACED" busiest-other other --charge-layouts
  compare_busiest "$MEM_RUN" busiest unrecorded --charge-layouts
  compare_busiest "$MEM_RUN" busiest-other unrecorded-other --charge-layouts
  compare_busiest "$PLACED" busiest placed-unflagged
  python3 - "$T" "$PLACED" <<'PY'
import json, os, sys
def comparison(name):
    return json.load(open(os.path.join(sys.argv[1], f"b-{name}.json")))["runs"][0]
def memory_row(name):
    return next(p for p in comparison(name)["phases"] if p["phase"] == "recovery_retrieval_memory_s")
b = json.load(open(sys.argv[2]))["checkpoint_bytes_per_rank"]
cost = {2: 0.5 + b / 1e9, 3: 0.9 + b / 1e9}
# Evenly spread: every recovery at K = 2's slowest; run-1: K = 3 in 5 of 7, its median.
even, placed = memory_row("even"), memory_row("placed")
assert abs(even["predicted_s"] - cost[2]) <= 1e-9 * cost[2], even
assert abs(even["predicted_p90_s"] - cost[2]) <= 1e-9 * cost[2], even
assert abs(placed["predicted_s"] - cost[3]) <= 1e-9 * cost[3], placed
assert placed["predicted_p10_s"] < placed["predicted_s"], placed
for row in (even, placed):
    assert row["note"].endswith("the slowest of the concurrent memory retrievals, pinned as the ranks began (memory-retrieval-busiest)"), row["note"]
crowded = [n for n in comparison("placed")["notes"] if "ranks on one CPU" in n]
assert len(crowded) == 1 and "charged at memory-retrieval-busiest's cost" in crowded[0], crowded
# Only K = 2 in the profile: the 2 evenly spread recoveries pinned, the others as without it.
two = memory_row("placed2")
assert "; in 2 of 7 recoveries the slowest of the concurrent memory retrievals pinned as the ranks began" in two["note"], two["note"]
assert two["predicted_s"] < 0.5 * cost[2], two  # the 5 others, charged without a layout, set the median
# Measured with another process count, or a run without CPUs: as before.
for name in ("other", "unrecorded", "unrecorded-other", "placed-unflagged"):
    assert "memory-retrieval-busiest" not in memory_row(name)["note"], (name, memory_row(name)["note"])
assert memory_row("placed-unflagged")["predicted_s"] < 0.5 * cost[2]
unflagged = [n for n in comparison("placed-unflagged")["notes"] if "ranks on one CPU" in n]
assert len(unflagged) == 1 and "--charge-layouts charges each" in unflagged[0], unflagged
assert memory_row("unrecorded")["predicted_s"] == memory_row("unrecorded-other")["predicted_s"]
PY
  # Concurrent loopback transfers: a gemini run with that many ranks replicates at their measured
  # cost, scaled from the benchmark's 2R transfer threads to the run's 3R (training added).
  # A peer fetch's two threads, and the transfer threads in that scale, load the CPUs as much as
  # the concurrent benchmark's do: a benchmark whose transfers slowed exactly as if every thread
  # ran all the time (each at the lone cost x 4: 8 threads on 2 CPUs) predicts what no benchmark
  # does; the committed one (less slowed) predicts a shorter mixed retrieval (machine losses:
  # peer + own memory).
  GEM_RUN="$SRC/results/cpu/compare-vm/runs/small-gemini.json"
  sed -e '/^  loopback_tcp_concurrent:/d' "$PROF" > "$T/t0.yaml"
  sed -e '/^hardware:/a\  loopback_tcp_concurrent: {alpha_s: 0.01, bandwidth_bytes_per_s: 1e8, concurrency: 4}' "$T/t0.yaml" > "$T/t4.yaml"
  TCP=$(sed -n 's/^  loopback_tcp: {alpha_s: \([^,]*\), bandwidth_bytes_per_s: \([^}]*\)}.*/\1 \2/p' "$PROF")
  [ -n "$TCP" ] || { echo "no loopback_tcp line in $PROF"; exit 1; }
  BUSY=$(python3 -c "import sys; a, bw = map(float, sys.argv[1:]); print(f'alpha_s: {4 * a!r}, bandwidth_bytes_per_s: {bw / 4!r}')" $TCP)
  sed -e "/^hardware:/a\\  loopback_tcp_concurrent: {$BUSY, concurrency: 4}" "$T/t0.yaml" > "$T/tbusy.yaml"
  for p in "$T/t0.yaml:t0" "$T/t4.yaml:t4" "$T/tbusy.yaml:tbusy" "$PROF:tprof"; do
    rc=0; "$SIM" compare "$GEM_RUN" --profile "${p%:*}" --no-engine --json "$T/${p##*:}.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with ${p%:*}: exit $rc"; exit 1; }
  done
  python3 - "$T" "$GEM_RUN" "$PROF" "$SRC/tests" <<'PY'
import json, os, sys
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[4])
from compare_costs import run_and_costs
row = lambda name, phase: next(p for p in json.load(open(os.path.join(sys.argv[1], name + ".json")))["runs"][0]["phases"]
                               if p["phase"] == phase)
lone, conc = row("t0", "replicate_put_s"), row("t4", "replicate_put_s")
# t0.yaml is the committed profile without its concurrent loopback line: the same other costs.
run, R, C, b, cost = run_and_costs(sys.argv[2], sys.argv[3])
tcp = cost("loopback_tcp")
# Every put of these runs goes into a slot its receiver has not touched yet (each generation
# saves twice): the put is the transfer + the receiver's XXH64 + the fresh-slot page faults.
receiver_work = cost("checksum") + max(0.0, cost("shm_write_fresh") - cost("host_memcpy"))
share = lambda n: max(1.0, n / C)
all_busy = lambda threads: max(1.0, threads * min(2, C) / (2.0 * C))
# Lone benchmark only: the transfer and the receiver's work slowed as if all 3R threads ran.
want_lone = all_busy(3 * R) * tcp + share(3 * R) * receiver_work
# Concurrent benchmark: the measured transfer, then the R receivers' work sharing the C CPUs,
# both scaled for training's threads (t4's transfers slowed past all-busy: load 1).
want_conc = (0.01 + b / 1e8 + share(R) * receiver_work) * share(3 * R) / share(2 * R)
assert R == 4 and run["config"]["threads"] == 1
for r, want in ((lone, want_lone), (conc, want_conc)):
    assert abs(r["predicted_s"] - want) <= 1e-6 * want, (r["predicted_s"], want)
assert conc["note"].startswith("concurrent loopback TCP") and lone["note"].startswith("loopback TCP"), (conc["note"], lone["note"])
assert "sharing the CPUs" in conc["note"] and "sharing the CPUs" not in lone["note"], (conc["note"], lone["note"])
# Peer fetches: an all-busy benchmark is no benchmark; the committed one's lighter load, shorter.
none, busy, measured = (row(name, "recovery_retrieval_mixed_s")["predicted_s"] for name in ("t0", "tbusy", "tprof"))
assert abs(busy - none) <= 1e-9 * none, (busy, none)
assert measured < 0.9 * none, (measured, none)
# Replication with the committed profile: the measured transfers scaled from the benchmark's 2R
# threads at that load to the run's R training threads (busy) + 2R transfer threads.
load = min(1.0, max(1.0 / all_busy(2 * R), cost("loopback_tcp_concurrent") / tcp / all_busy(2 * R)))
assert load < 0.9, load  # the committed benchmark's transfers were not always runnable
want = (cost("loopback_tcp_concurrent") + share(R) * receiver_work) * share(R + 2 * R * load) / share(2 * R * load)
got = row("tprof", "replicate_put_s")["predicted_s"]
assert abs(got - want) <= 1e-6 * want, (got, want)
PY
  # Peer fetches into new memory (loopback_tcp_fresh, where the profile has it): the fetch's
  # transfer is that cost times one slowdown (>= 1), nothing else. Three such costs, 0.01 s apart
  # in alpha or halving the bandwidth, move the mixed retrieval (its peer ranks the slowest at
  # these rates) by amounts in the ratio of the costs' differences.
  for v in "a1:0.01:1e8" "a2:0.02:1e8" "b2:0.01:2e8"; do
    IFS=: read -r tag alpha bw <<EOF_V
$v
EOF_V
    sed -e '/^  loopback_tcp_fresh:/d' -e "/^hardware:/a\  loopback_tcp_fresh: {alpha_s: $alpha, bandwidth_bytes_per_s: $bw}" "$PROF" > "$T/f-$tag.yaml"
    rc=0; "$SIM" compare "$GEM_RUN" --profile "$T/f-$tag.yaml" --no-engine --json "$T/f-$tag.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with f-$tag.yaml: exit $rc"; exit 1; }
  done
  python3 - "$T" "$GEM_RUN" <<'PY'
import json, os, sys
row = lambda name: next(p for p in json.load(open(os.path.join(sys.argv[1], name + ".json")))["runs"][0]["phases"]
                        if p["phase"] == "recovery_retrieval_mixed_s")
b = json.load(open(sys.argv[2]))["checkpoint_bytes_per_rank"]
a1, a2, b2 = (row(n) for n in ("f-a1", "f-a2", "f-b2"))
slowdown_alpha = (a2["predicted_s"] - a1["predicted_s"]) / 0.01
slowdown_bytes = (a1["predicted_s"] - b2["predicted_s"]) / (b / 1e8 - b / 2e8)
assert slowdown_alpha >= 1 - 1e-9, slowdown_alpha
assert abs(slowdown_alpha - slowdown_bytes) <= 1e-6 * slowdown_alpha, (slowdown_alpha, slowdown_bytes)
PY
  # A run that lists its disk saves' start times (disk_saves, as the committed runs do): each rank
  # takes the all-at-once cost less its delay after the save's first start, what the hand check
  # results/cpu/compare-vm/fair_share_replay.py calls "finish together"; without the starts, or
  # with --disk-overlap all-at-once, every rank pays the all-at-once cost.
  for r in "$DISK_RUN:ws:finish-together" "$T/no-starts.json:ns:finish-together" "$DISK_RUN:aa:all-at-once"; do
    f=${r%%:*}; rest=${r#*:}; label=${rest%%:*}; overlap=${rest#*:}
    rc=0; "$SIM" compare "$f" --profile "$PROF" --no-engine --disk-overlap "$overlap" --json "$T/$label.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare $f: exit $rc"; exit 1; }
  done
  python3 - "$T/ws.json" "$PROF" "$SRC/results/cpu/compare-vm/runs/small-disk.events" "$SRC/results/cpu/compare-vm" "$T/ns.json" "$T/aa.json" <<'PY'
import json, statistics, sys
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[4])
from fair_share_replay import concurrent_writers, finish_together, lone_writer, replay
alpha, aggregate = concurrent_writers(sys.argv[2])
_, _, all_at_once = replay(sys.argv[3], alpha, aggregate)
together = statistics.median(finish_together(sys.argv[3], alpha, aggregate, lone_writer(sys.argv[2])))
disk_row = lambda path: next(p for p in json.load(open(path))["runs"][0]["phases"] if p["phase"] == "save_disk_s")
row, without_starts, forced = disk_row(sys.argv[1]), disk_row(sys.argv[5]), disk_row(sys.argv[6])
assert abs(row["predicted_s"] - together) <= 1e-6 * together, (row["predicted_s"], together)
assert row["predicted_s"] < without_starts["predicted_s"], (row["predicted_s"], without_starts["predicted_s"])
for r in (without_starts, forced):
    assert abs(r["predicted_s"] - statistics.median(all_at_once)) <= 1e-6 * r["predicted_s"], (r, statistics.median(all_at_once))
assert "finishing together after the run's measured write starts in 14 of 14 saves" in row["note"], row["note"]
assert json.load(open(sys.argv[6]))["disk_overlap"] == "all-at-once"
# Every recovery from disk: the retrieval over all (one) tiers is checked.
rows = {p["phase"]: p for p in json.load(open(sys.argv[1]))["runs"][0]["phases"]}
assert rows["recovery_retrieval_s"]["checked"] and rows["recovery_retrieval_disk_s"]["checked"], rows["recovery_retrieval_s"]
PY
  # The memory strategies' two kinds of save (memory only; memory and disk) are checked apart
  # where the run reports them apart; their mixture is shown unchecked. A run without the split
  # keeps the one checked row.
  MEM_RUN="$SRC/results/cpu/compare-vm/runs/small-memory.json"
  python3 -c "import json, sys; d = json.load(open(sys.argv[1])); [d['phases'].pop(k) for k in ('save_stall_memory_only_s', 'save_stall_with_disk_s')]; json.dump(d, open(sys.argv[2], 'w'))" \
    "$MEM_RUN" "$T/unsplit.json"
  for r in "$MEM_RUN" "$T/unsplit.json"; do
    rc=0; "$SIM" compare "$r" --profile "$PROF" --no-engine --json "$T/$(basename "$r").cmp" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare $r: exit $rc"; exit 1; }
  done
  python3 - "$T/small-memory.json.cmp" "$T/unsplit.json.cmp" "$MEM_RUN" <<'PY'
import json, sys
rows = lambda path: {p["phase"]: p for p in json.load(open(path))["runs"][0]["phases"]}
split, unsplit = rows(sys.argv[1]), rows(sys.argv[2])
measured = json.load(open(sys.argv[3]))["phases"]
mem, disk = split["save_stall_memory_only_s"], split["save_stall_with_disk_s"]
assert not split["save_stall_s"]["checked"] and mem["checked"] and disk["checked"], (split["save_stall_s"], mem, disk)
assert mem["measured"]["count"] + disk["measured"]["count"] == measured["save_stall_s"]["count"]
assert disk["predicted_s"] > mem["predicted_s"] and disk["measured"]["median_s"] > mem["measured"]["median_s"]
assert unsplit["save_stall_s"]["checked"] and "save_stall_memory_only_s" not in unsplit, unsplit["save_stall_s"]
# Recoveries from own memory and mixed ones: the retrieval over both tiers is shown, not checked.
assert "recovery_retrieval_mixed_s" in split and not split["recovery_retrieval_s"]["checked"], split["recovery_retrieval_s"]
PY
  # Concurrent cold readers: a recovery waits for its last rank, so where the profile has the
  # slowest reader per round, all ranks reading from disk at once cost that, not the per-reader cost.
  for v in each slowest; do
    extra=""; [ "$v" = slowest ] && extra=", slowest_alpha_s: 0.01, slowest_bandwidth_bytes_per_s: 1e8"
    sed -e '/^  local_disk_read_concurrent:/d' \
        -e "/^hardware:/a\\  local_disk_read_concurrent: {alpha_s: 0.001, bandwidth_bytes_per_s: 1e9, concurrency: 4$extra}" "$PROF" > "$T/r-$v.yaml"
    rc=0; "$SIM" compare "$DISK_RUN" --profile "$T/r-$v.yaml" --no-engine --json "$T/r-$v.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with r-$v.yaml: exit $rc"; exit 1; }
  done
  python3 - "$T/r-each.json" "$T/r-slowest.json" "$DISK_RUN" <<'PY'
import json, sys
row = lambda path: next(p for p in json.load(open(path))["runs"][0]["phases"] if p["phase"] == "recovery_retrieval_disk_s")
each, slowest = row(sys.argv[1]), row(sys.argv[2])
b = json.load(open(sys.argv[3]))["checkpoint_bytes_per_rank"]
want = (0.01 + b / 1e8) - (0.001 + b / 1e9)  # the same checksum in both
got = slowest["predicted_s"] - each["predicted_s"]
assert abs(got - want) <= 1e-6 * want, (got, want)
assert "slowest of the concurrent readers" in slowest["note"] and "slowest" not in each["note"], (slowest["note"], each["note"])
PY
  # Mixed recoveries of small/memory (2 ranks from disk, 2 from memory): where the profile has
  # cold readers measured beside memory streamers with that split, the disk readers cost its
  # slowest reader per round (both costs here make them the recovery's last ranks); another
  # split, or no such entry, leaves the prediction as it was.
  for v in none a b other; do
    case $v in
      none) entry="" ;;
      a) entry="alpha_s: 0.001, bandwidth_bytes_per_s: 1e9, concurrency: 2, neighbours: 2, slowest_alpha_s: 0.003, slowest_bandwidth_bytes_per_s: 4e8" ;;
      b) entry="alpha_s: 0.001, bandwidth_bytes_per_s: 1e9, concurrency: 2, neighbours: 2, slowest_alpha_s: 0.01, slowest_bandwidth_bytes_per_s: 2e8" ;;
      other) entry="alpha_s: 0.01, bandwidth_bytes_per_s: 2e8, concurrency: 2, neighbours: 1" ;;
    esac
    sed -e '/^  local_disk_read_beside_memory:/d' "$PROF" > "$T/m-$v.yaml"
    [ -z "$entry" ] || sed -i "/^hardware:/a\\  local_disk_read_beside_memory: {$entry}" "$T/m-$v.yaml"
    rc=0; "$SIM" compare "$MEM_RUN" --profile "$T/m-$v.yaml" --no-engine --json "$T/m-$v.json" > /dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "compare with m-$v.yaml: exit $rc"; exit 1; }
  done
  python3 - "$T" "$MEM_RUN" <<'PY'
import json, sys
row = lambda v: next(p for p in json.load(open(f"{sys.argv[1]}/m-{v}.json"))["runs"][0]["phases"]
                     if p["phase"] == "recovery_retrieval_mixed_s")
b = json.load(open(sys.argv[2]))["checkpoint_bytes_per_rank"]
want = (0.01 + b / 2e8) - (0.003 + b / 4e8)  # the same checksum in both
got = row("b")["predicted_s"] - row("a")["predicted_s"]
assert abs(got - want) <= 1e-6 * want, (got, want)
assert row("other")["predicted_s"] == row("none")["predicted_s"], (row("other"), row("none"))
assert row("a")["predicted_s"] != row("none")["predicted_s"]
assert "beside-memory" in row("a")["note"] and "beside-memory" not in row("none")["note"], row("a")["note"]
PY
  sed -e '/^  local_disk_read_beside_memory:/d' \
      -e '/^hardware:/a\  local_disk_read_beside_memory: {alpha_s: 0.01, bandwidth_bytes_per_s: 1e8, concurrency: 2, neighbours: -1}' "$PROF" > "$T/n1.yaml"
  expect2 "n1.yaml:.*neighbours >= 0" "$MEM_RUN" --profile "$T/n1.yaml"
  sed -e '/^  local_disk_read_concurrent:/d' -e '/^hardware:/a\  local_disk_read_concurrent: {alpha_s: 0.001, bandwidth_bytes_per_s: 1e9, concurrency: 4, slowest_alpha_s: 0.01}' "$PROF" > "$T/r-half.yaml"
  expect2 "r-half.yaml:.*slowest_bandwidth_bytes_per_s" "$DISK_RUN" --profile "$T/r-half.yaml"
  sed -e '/^  local_disk_write_concurrent:/d' -e '/^hardware:/a\  local_disk_write_concurrent: {alpha_s: 0.01, bandwidth_bytes_per_s: 1e8, concurrency: 1}' "$PROF" > "$T/c1.yaml"
  expect2 "c1.yaml:.*needs concurrency >= 2" "$DISK_RUN" --profile "$T/c1.yaml"
  # --medians: the medians of the profile's own calibration at the run's size. The mixed retrieval's
  # disk readers pay the slowest beside-memory reader: doubling those medians adds exactly the
  # secant through the two measured sizes around the image once more. Another calibration's JSON
  # is refused.
  CAL="$SRC/calibrate/profiles/cpu-amd-epyc.json"
  expect2 "cannot open" "$RUN" --profile "$PROF" --medians "$T/none.json"
  python3 - "$CAL" "$T" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
json.dump(dict(d, date_utc="2000-01-01T00:00:00Z"), open(sys.argv[2] + "/old-cal.json", "w"))
for b in d["benchmarks"]:
    if b["name"] == "disk-read-cold-beside-memory":
        for p in b["points"]:
            p["median_s"] *= 2
            p["slowest"]["median_s"] *= 2
json.dump(d, open(sys.argv[2] + "/double-cal.json", "w"))
PY
  expect2 "calibrated at 2000-01-01T00:00:00Z, but" "$RUN" --profile "$PROF" --medians "$T/old-cal.json"
  for cal in "$CAL" "$T/double-cal.json"; do
    rc=0; "$SIM" compare "$MEM_RUN" --profile "$PROF" --medians "$cal" --no-engine --json "$T/med-$(basename "$cal")" \
      > "$T/med.txt" || rc=$?
    [ "$rc" -le 1 ] || { echo "compare --medians $cal: exit $rc"; cat "$T/med.txt"; exit 1; }
    grep -q "^costs: the medians in" "$T/med.txt" || { echo "no costs line:"; head -3 "$T/med.txt"; exit 1; }
  done
  python3 - "$T/med-cpu-amd-epyc.json" "$T/med-double-cal.json" "$CAL" "$MEM_RUN" <<'PY'
import json, sys
one, two = (json.load(open(p)) for p in sys.argv[1:3])
assert one["costs"]["from"] == "medians", one["costs"]
row = lambda d: next(p for p in d["runs"][0]["phases"] if p["phase"] == "recovery_retrieval_mixed_s")
b = json.load(open(sys.argv[4]))["checkpoint_bytes_per_rank"]
pts = sorted((p["bytes"], p["slowest"]["median_s"]) for x in json.load(open(sys.argv[3]))["benchmarks"]
             if x["name"] == "disk-read-cold-beside-memory" for p in x["points"])
(b0, t0), (b1, t1) = next((pts[i - 1], pts[i]) for i in range(1, len(pts)) if pts[i][0] >= b or i == len(pts) - 1)
want = t0 + (b - b0) * (t1 - t0) / (b1 - b0)
got = row(two)["predicted_s"] - row(one)["predicted_s"]
assert abs(got - want) <= 1e-6 * want, (got, want)
assert any("disk-read-cold-beside-memory (slowest)" in n for n in one["runs"][0]["notes"]), one["runs"][0]["notes"]
PY
  echo "compare cli: ok"
  ;;
plot)
  SIM=$2 SRC=$3
  PY=
  for p in /usr/bin/python3 python3; do
    if "$p" -c "import matplotlib" 2>/dev/null; then PY=$p; break; fi
  done
  [ -n "$PY" ] || { echo "no python3 with matplotlib: skipped"; exit 77; }
  rc=0
  "$SIM" compare "$SRC"/results/cpu/compare-vm/runs/tiny-*.json --profile "$SRC/calibrate/profiles/cpu-amd-epyc.yaml" \
    --json "$T/c.json" -j 1 > /dev/null || rc=$?
  [ "$rc" -le 1 ] || exit 1
  "$PY" "$SRC/analysis/plot_compare.py" --help > /dev/null
  "$PY" "$SRC/analysis/plot_compare.py" "$T/c.json" --out "$T/c.png"
  [ -s "$T/c.png" ] || { echo "no PNG"; exit 1; }
  "$PY" "$SRC/analysis/compare_table.py" "$T/c.json" --phases save_stall_s > "$T/t.md"
  grep -q "^| tiny/gemini | save_stall_s | " "$T/t.md" && grep -q "checked phases" "$T/t.md" ||
    { echo "compare_table.py:"; cat "$T/t.md"; exit 1; }
  echo "plot_compare: ok"
  ;;
*) echo "unknown mode $MODE"; exit 2 ;;
esac
