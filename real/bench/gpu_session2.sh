#!/usr/bin/env bash
# One device call: build gemini-train/gemini-launch against the GPU host's PyTorch LibTorch (CUDA,
# no Gloo headers: the gradient all-reduce is our TCP ring), then run the seed preset with 4 ranks
# in 2 "machines" sharing the one GPU (cuda:0): a short no-checkpoint baseline, then disk, memory
# and gemini (m=2), each with one process failure and one machine failure.
#   run(command="bash real/bench/gpu_session2.sh", carry=[".devdeps"], timeout_s=450)
# Writes at most 8 files into $OUT: session.log (everything printed), run-none.json,
# run-gemini.json, run-disk.json, run-memory.json (gemini-run/1; a run stopped by its time limit
# still writes one, outcome.completed=false), ranks.log (per-rank logs and GPU samples),
# summary.json (one line per run), events.tar.gz (the ranks' raw event logs).
#
# Dry run on a CPU host with an existing build (same commands, cpu and the tiny preset):
#   LAUNCH=build-real3/real/gemini-launch DEVICE=cpu PRESET=tiny THREADS=1 OUT=/tmp/dry \
#     bash real/bench/gpu_session2.sh
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/device/session-preamble.sh" session.log
TEE_PID=$!
trap 'exec 1>&- 2>&-; wait "$TEE_PID" 2>/dev/null' EXIT  # session.log complete before $OUT is collected

START=$(date +%s)
BUDGET_S=${BUDGET_S:-390}          # the whole script, build included
RESERVE_S=${RESERVE_S:-15}         # kept for the summary at the end
DEVICE=${DEVICE:-cuda:0}
PRESET=${PRESET:-seed}
THREADS=${THREADS:-4}              # per rank: 4 ranks x 4 = the host's 16 cores
RANKS=${RANKS:-4}
MACHINES=${MACHINES:-2}
ITERS=${ITERS:-15}
INTERVAL=${INTERVAL:-5}
FAIL_PROCESS=${FAIL_PROCESS:-7}    # rank 1 killed at iteration 7 (checkpoint 5 exists)
FAIL_MACHINE=${FAIL_MACHINE:-12}   # machine 1 (ranks 2, 3) lost at iteration 12 (checkpoint 10)
BASE_ITERS=${BASE_ITERS:-5}
RUN_CAP_S=${RUN_CAP_S:-130}        # longest any one failure run may take
MIN_RUN_S=${MIN_RUN_S:-70}         # kept for each failure run still to come
RANK_TIMEOUT_S=${RANK_TIMEOUT_S:-90}  # rendezvous / all-reduce timeout inside the ranks
ORDER=${ORDER:-"gemini disk memory"}
RUNS=${RUNS:-/tmp/gemini-session2}
CKPT=${CKPT:-$ROOT/build-gpu-real/ckpt}
FAILED=0
loud() { echo "!!! $*"; FAILED=1; }
elapsed() { echo $(( $(date +%s) - START )); }

echo "=== gpu_session2 $(date -u +%FT%TZ): preset $PRESET on $DEVICE, $RANKS ranks in $MACHINES machines ==="
nproc; free -g | head -2; df -h /dev/shm /tmp "$ROOT" 2>/dev/null

# ---- Build (skipped when LAUNCH points at an existing gemini-launch). ----
if [ -z "${LAUNCH:-}" ]; then
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
  nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv,noheader
  if ! bash scripts/device/build-real-gpu.sh > /tmp/build.log 2>&1; then
    tail -60 /tmp/build.log
    loud "build failed"
    exit 1
  fi
  grep -E "gemini:|WARNING|real/ built" /tmp/build.log
  export LD_LIBRARY_PATH="$ROOT/.devdeps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  LAUNCH=build-gpu-real/real/gemini-launch
  echo "built in $(elapsed) s"
fi
[ -x "$LAUNCH" ] || { loud "gemini-launch not found at $LAUNCH"; exit 1; }

# ---- GPU samples in the background (memory used, utilisation, processes on the GPU). ----
SAMPLES=/tmp/gpu-samples.$$
: > "$SAMPLES"
SAMPLER=""
if command -v nvidia-smi > /dev/null; then
  ( while sleep 4; do
      echo "$(date +%T) $(nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader | tr -d '\n')" \
           "procs=$(nvidia-smi --query-compute-apps=pid --format=csv,noheader | wc -l)"
    done >> "$SAMPLES" ) &
  SAMPLER=$!
fi

gpu_leftovers() {  # ranks still holding the GPU after a run: report loudly and end them (by pid)
  command -v nvidia-smi > /dev/null || return 0
  local pids
  pids=$(nvidia-smi --query-compute-apps=pid --format=csv,noheader | tr -d ' ')
  if [ -n "$pids" ]; then
    loud "processes still on the GPU after $1: $pids"
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    sleep 2
  fi
}

# run NAME LIMIT_S ARGS...: one gemini-launch under `timeout` (SIGTERM: the launcher kills its
# ranks and writes a partial JSON; SIGKILL 15 s later as a backstop).
run() {
  local name=$1 limit=$2; shift 2
  local left=$(( BUDGET_S - RESERVE_S - $(elapsed) ))
  (( limit > left )) && limit=$left
  if (( limit < 25 )); then loud "skipped $name: only ${left} s of the budget left"; return 1; fi
  local job=s2-$name
  rm -rf "${RUNS:?}/$name" "$CKPT"; mkdir -p "$CKPT"
  echo
  echo "=== $name: limit ${limit} s, t=$(elapsed) s: $LAUNCH $* ==="
  local t0 rc
  t0=$(date +%s)
  timeout -k 15 "$limit" "$LAUNCH" --ranks "$RANKS" --machines "$MACHINES" --preset "$PRESET" \
    --device "$DEVICE" --threads "$THREADS" --timeout "$RANK_TIMEOUT_S" --collective tcp \
    --job "$job" --dir "$CKPT" --run-dir "$RUNS/$name" --out "$OUT/run-$name.json" --clean-disk "$@"
  rc=$?
  echo "--- $name: exit $rc after $(( $(date +%s) - t0 )) s"
  case $rc in
    0) ;;
    124|137) loud "$name hit its ${limit} s limit (partial JSON if the launcher got to write it)";;
    *) loud "$name failed with exit $rc";;
  esac
  rm -f /dev/shm/gemini-"$job"-* 2>/dev/null
  rm -rf "$CKPT"
  gpu_leftovers "$name"
  {
    echo "##### $name (exit $rc)"
    for f in "$RUNS/$name"/rank*.log; do
      [ -f "$f" ] || continue
      echo "--- $f"; tail -n 25 "$f"
    done
  } >> /tmp/ranks.log.$$
  [ -f "$OUT/run-$name.json" ] && show "$OUT/run-$name.json"
  return $rc
}

show() {  # the essentials of one run JSON
  python3 - "$1" <<'PY' || echo "(could not read $1)"
import json, sys
d = json.load(open(sys.argv[1]))
e, m, o = d["environment"], d.get("model", {}), d["outcome"]
print(f"backend={e['backend']} torch={e['libtorch_version']} gpu={e['gpu_name']!r} device={m.get('device')} "
      f"pinned={m.get('pinned_host_buffer')} image={d['checkpoint_bytes_per_rank']/1e9:.2f} GB/rank")
print("outcome", o, "steps", d["iteration"]["steps"])
ph = d["phases"]
keys = ["iteration_s", "first_iteration_s", "allreduce_s", "save_stall_s", "snapshot_copy_s", "save_memory_s",
        "save_disk_s", "replication_wait_s", "replication_background_s", "replicate_put_s"]
print("  ".join(f"{k}={ph[k]['median_s']:.3f}" for k in keys if k in ph))
for g in d["generations"]:
    print(f"  generation {g['generation']}: start {g['start_s']:.1f} s, spawn->group {g['restart_s']:.2f} s")
for t in d["timeline"]:
    print(f"  {t['kind']} {t['targets']} at it {t['iteration']} -> resumed {t.get('resumed_iteration')} from "
          f"{t.get('source_tier')} {t.get('source_tiers')}; recovery {t.get('recovery_s', float('nan')):.2f} s "
          f"(restart {t.get('restart_s', float('nan')):.2f}, retrieval {t.get('retrieval_s', float('nan')):.2f}, "
          f"load {t.get('load_s', float('nan')):.2f}); bit-exact "
          f"{all(r['tensors'] > 0 and r['tensors_equal'] == r['tensors'] for r in t.get('ranks', []))}")
fin = {f["checksum"] for f in d["final"]}
print(f"  final: {len(d['final'])} ranks, {len(fin)} distinct checksum(s); last loss "
      f"{d['loss'][-1]['loss'] if d['loss'] else None}")
PY
}

# ---- The runs. ----
run none 120 --strategy none --iterations "$BASE_ITERS" --max-restarts 0
STEP=$(python3 -c "import json; print(json.load(open('$OUT/run-none.json'))['iteration']['step_median_s'])" 2>/dev/null || echo 0)
echo "baseline step ${STEP} s"
if python3 -c "import sys; sys.exit(0 if float('$STEP') > 2.5 else 1)"; then
  # Slow steps: a shorter plan so that all three strategies still fit.
  ITERS=12; INTERVAL=4; FAIL_PROCESS=5; FAIL_MACHINE=10
  echo "slow steps: using --iterations $ITERS --interval $INTERVAL, failures at $FAIL_PROCESS and $FAIL_MACHINE"
fi
FAILS=(--fail "$FAIL_PROCESS:process:1" --fail "$FAIL_MACHINE:machine:1")
n=0
for s in $ORDER; do
  n=$((n + 1))
  runs_left=$(( $(echo "$ORDER" | wc -w) - n + 1 ))
  # Earlier runs may take longer, as long as each later one keeps MIN_RUN_S.
  share=$(( BUDGET_S - RESERVE_S - $(elapsed) - MIN_RUN_S * (runs_left - 1) ))
  (( share > RUN_CAP_S )) && share=$RUN_CAP_S
  run "$s" "$share" --strategy "$s" --replicas 2 --iterations "$ITERS" --interval "$INTERVAL" "${FAILS[@]}"
done

# ---- Collect. ----
[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
{ cat /tmp/ranks.log.$$ 2>/dev/null; echo "##### GPU samples (time, memory used, utilisation, processes)"; cat "$SAMPLES"; } \
  > "$OUT/ranks.log"
rm -f /tmp/ranks.log.$$ "$SAMPLES"
tar -czf "$OUT/events.tar.gz" --exclude='*.log' -C "$RUNS" . 2>/dev/null || true
python3 - "$OUT" "$DEVICE" <<'PY' || loud "summary failed"
import glob, json, os, sys
out, device = sys.argv[1], sys.argv[2]
rows, problems = [], []
for path in sorted(glob.glob(os.path.join(out, "run-*.json"))):
    d = json.load(open(path))
    name = os.path.basename(path)[4:-5]
    ph = d["phases"]
    med = lambda k: ph[k]["median_s"] if k in ph else None
    row = {"run": name, "completed": d["outcome"]["completed"], "wall_s": d["outcome"]["wall_s"],
           "backend": d["environment"]["backend"], "gpu": d["environment"]["gpu_name"],
           "device": d["model"].get("device"), "pinned": d["model"].get("pinned_host_buffer"),
           "step_s": med("iteration_s"), "allreduce_s": med("allreduce_s"), "save_stall_s": med("save_stall_s"),
           "failures": [{k: t.get(k) for k in ("kind", "iteration", "resumed_iteration", "source_tier",
                                                 "recovery_s", "retrieval_s", "load_s", "restart_s")}
                        for t in d["timeline"]],
           "final_checksums": sorted({f["checksum"] for f in d["final"]}),
           "final_loss": d["loss"][-1]["loss"] if d["loss"] else None}
    rows.append(row)
    if not row["completed"]:
        problems.append(f"{name}: not completed")
    if len(row["final_checksums"]) > 1:
        problems.append(f"{name}: ranks differ")
    if device.startswith("cuda") and (not row["gpu"] or not str(row["device"]).startswith("cuda") or not row["pinned"]):
        problems.append(f"{name}: not on the GPU path (gpu={row['gpu']!r} device={row['device']} pinned={row['pinned']})")
    for t in d["timeline"]:
        for r in t.get("ranks", []):
            if r["tensors"] > 0 and r["tensors_equal"] != r["tensors"]:
                problems.append(f"{name}: rank {r['rank']} restore not bit-exact")
# Same iterations, same data: equal final images unless the device's kernels are
# non-deterministic (a note, not a failure: on CPU they are equal, see tests/real_launch_tcp_test).
finals = {r["run"]: r["final_checksums"] for r in rows if r["completed"] and r["run"] != "none"}
notes = {"final_image_identical_across_strategies": len({tuple(v) for v in finals.values()}) <= 1,
         "final_loss": {r["run"]: r["final_loss"] for r in rows}}
json.dump({"runs": rows, "problems": problems, "notes": notes}, open(os.path.join(out, "summary.json"), "w"), indent=1)
print("notes:", notes)
for r in rows:
    print(f"{r['run']:>7}: completed={r['completed']} wall={r['wall_s']:.0f}s step={r['step_s']} "
          f"allreduce={r['allreduce_s']} stall={r['save_stall_s']} final_loss={r['final_loss']}")
    for f in r["failures"]:
        print(f"          {f}")
print("PROBLEMS:" if problems else "no problems found", *problems, sep="\n  ")
sys.exit(1 if problems else 0)
PY
[ $? -eq 0 ] || FAILED=1
echo "=== done after $(elapsed) s; files in $OUT:"
ls -la "$OUT"
if [ "$FAILED" -ne 0 ]; then
  echo "!!! gpu_session2 FAILED (see above); partial results kept"
  exit 1
fi
echo "gpu_session2 OK"
