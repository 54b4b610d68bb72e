#!/usr/bin/env bash
# The seed poster's comparison, done honestly on whatever hardware this runs on: disk vs memory vs
# gemini checkpoint stall, and recovery by source tier after real SIGKILLs, as medians over
# repetitions with ratios of medians. One JSON per run (gemini-launch) plus summary.json/.md.
#
#   real/bench/seed_comparison.sh [--preset small] [--ranks 4] [--machines 2] [--reps 3]
#       [--iterations 15] [--interval 5] [--fail-at 12] [--threads 1] [--device cpu]
#       [--build build-real2] [--out results/cpu/<host>-<preset>] [--dir /tmp/gemini-bench-disk]
#
# Per repetition: none (iteration time without checkpoints); disk + process failure (recovery
# from disk, read cold); memory + process failure (recovery from local memory); gemini (m=2) +
# machine failure (the lost machine's ranks recover from a peer's replica); gemini-inline, the
# same with --replication-mode in-line (each save waits for its replicas: what GEMINI's overlap
# of replication with training saves, measured in the same repetition).
set -euo pipefail
preset=small ranks=4 machines=2 reps=3 iterations=15 interval=5 fail_at=12 threads=1 device=cpu
build=build-real2 out="" dir=/tmp/gemini-bench-disk
while [[ $# -gt 0 ]]; do
  case "$1" in
    --preset) preset=$2; shift 2;; --ranks) ranks=$2; shift 2;; --machines) machines=$2; shift 2;;
    --reps) reps=$2; shift 2;; --iterations) iterations=$2; shift 2;; --interval) interval=$2; shift 2;;
    --fail-at) fail_at=$2; shift 2;; --threads) threads=$2; shift 2;; --device) device=$2; shift 2;;
    --build) build=$2; shift 2;; --out) out=$2; shift 2;; --dir) dir=$2; shift 2;;
    *) echo "seed_comparison.sh: unknown argument $1" >&2; exit 2;;
  esac
done
launch="$build/real/gemini-launch"
[[ -x "$launch" ]] || { echo "seed_comparison.sh: $launch not built" >&2; exit 2; }
host=$(hostname -s)
[[ -n "$out" ]] || out="results/$([[ $device == cpu ]] && echo cpu || echo gpu)/${host}-${preset}"
mkdir -p "$out/runs"
job="bench$$"
common=(--preset "$preset" --ranks "$ranks" --machines "$machines" --threads "$threads" --device "$device"
        --interval "$interval" --dir "$dir" --clean-disk)
for rep in $(seq 1 "$reps"); do
  for cfg in none disk memory gemini gemini-inline; do
    case $cfg in
      none)   extra=(--strategy none --iterations "$interval");;
      disk)   extra=(--strategy disk --iterations "$iterations" --fail "$fail_at:process:1");;
      memory) extra=(--strategy memory --iterations "$iterations" --fail "$fail_at:process:1");;
      gemini*) extra=(--strategy gemini --iterations "$iterations" --replicas 2 --fail "$fail_at:machine:$((machines - 1))");;
    esac
    if [[ $cfg == gemini-inline ]]; then extra+=(--replication-mode in-line); fi
    echo "[bench] rep $rep/$reps: $cfg" >&2
    "$launch" "${common[@]}" "${extra[@]}" --job "$job-$cfg" --run-dir "/tmp/$job-run" \
      --out "$out/runs/$cfg-$rep.json" 2>>"$out/runs/launch.log"
  done
done
rm -rf "/tmp/$job-run"
python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
runs = {}
for f in sorted(glob.glob(os.path.join(out, "runs", "*.json"))):
    cfg = os.path.basename(f).rsplit("-", 1)[0]
    runs.setdefault(cfg, []).append(json.load(open(f)))
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def spread(xs):
    xs = sorted(x for x in xs if x is not None)
    return [xs[0], xs[-1]] if xs else None
def phase(cfg, name):
    return [r["phases"].get(name, {}).get("median_s") for r in runs.get(cfg, [])]
def fail(cfg, key, tier=None):
    vals = []
    for r in runs.get(cfg, []):
        for t in r["timeline"]:
            if key not in t:
                continue
            if tier is None or t.get("source_tier") == tier:
                vals.append(t[key])
    return vals
first = next(iter(runs.values()))[0]
# The checkpointing configurations these runs have (runs of older versions have no gemini-inline).
saving = [c for c in ("disk", "memory", "gemini", "gemini-inline") if c in runs]
columns = ["none"] + saving
summary = {
    "schema": "gemini-seed-comparison/1",
    "environment": first["environment"],
    "config": {k: first["config"][k] for k in ("preset", "device", "ranks", "machines", "threads", "interval", "iterations")},
    "model": first["model"],
    "checkpoint_bytes_per_rank": first["checkpoint_bytes_per_rank"],
    "repetitions": {k: len(v) for k, v in runs.items()},
    "statistic": "median over repetitions of each run's median; [min, max] over repetitions",
    "iteration_s": {cfg: {"median": med(phase(cfg, "iteration_s")), "range": spread(phase(cfg, "iteration_s"))} for cfg in runs},
    "effective_iteration_s": {cfg: med([r["iteration"]["effective_s"] for r in v]) for cfg, v in runs.items()},
    "save_stall_s": {cfg: {"median": med(phase(cfg, "save_stall_s")), "range": spread(phase(cfg, "save_stall_s"))} for cfg in saving},
    "replication_background_s": {"median": med(phase("gemini", "replication_background_s")), "range": spread(phase("gemini", "replication_background_s"))},
    "lost_iterations": {cfg: med(fail(cfg, "lost_iterations")) for cfg in saving},
    "recovery": {},
}
tiers = {"disk": ("disk", "disk"), "memory": ("memory", "memory"), "peer": ("gemini", "mixed")}
for tier, (cfg, source) in tiers.items():
    rec = {}
    for key in ("detection_s", "teardown_s", "restart_s", "agree_s", "retrieval_s", "load_s", "recovery_s", "lost_iterations"):
        vals = fail(cfg, key, source)
        rec[key] = {"median": med(vals), "range": spread(vals), "count": len(vals)}
    # retrieval of the ranks that used this tier only
    per = []
    for r in runs.get(cfg, []):
        for t in r["timeline"]:
            per += [x["retrieval_s"] for x in t.get("ranks", []) if x["tier"] == tier]
    rec["retrieval_s_ranks_on_tier"] = {"median": med(per), "count": len(per)}
    rec["source_tier_reported"] = source
    summary["recovery"][tier] = rec
def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None
S, R = summary["save_stall_s"], summary["recovery"]
summary["ratios"] = {
    "save_stall_disk_over_memory": ratio(S["disk"]["median"], S["memory"]["median"]),
    "save_stall_disk_over_gemini": ratio(S["disk"]["median"], S["gemini"]["median"]),
    "retrieval_disk_over_memory": ratio(R["disk"]["retrieval_s_ranks_on_tier"]["median"], R["memory"]["retrieval_s_ranks_on_tier"]["median"]),
    "retrieval_disk_over_peer": ratio(R["disk"]["retrieval_s_ranks_on_tier"]["median"], R["peer"]["retrieval_s_ranks_on_tier"]["median"]),
    "recovery_disk_over_memory": ratio(R["disk"]["recovery_s"]["median"], R["memory"]["recovery_s"]["median"]),
    "recovery_disk_over_peer": ratio(R["disk"]["recovery_s"]["median"], R["peer"]["recovery_s"]["median"]),
    "effective_iteration_over_none": {cfg: ratio(summary["effective_iteration_s"][cfg], summary["effective_iteration_s"].get("none")) for cfg in saving},
}
if "gemini-inline" in runs:
    summary["ratios"]["save_stall_gemini_inline_over_gemini"] = ratio(S["gemini-inline"]["median"], S["gemini"]["median"])
    summary["ratios"]["effective_iteration_gemini_inline_over_gemini"] = ratio(
        summary["effective_iteration_s"]["gemini-inline"], summary["effective_iteration_s"]["gemini"])
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
env = summary["environment"]
f = lambda x: "n/a" if x is None else (f"{x:.4f}" if isinstance(x, float) else str(x))
lines = [f"# Seed comparison: {summary['config']['preset']} on {env['cpu_model']} ({env['cpu_count']} CPUs, host {env['host']})", "",
         f"LibTorch {env['libtorch_version']}, backend {env['backend']}, {summary['config']['ranks']} ranks in {summary['config']['machines']} machines, "
         f"{summary['model'].get('parameters')} parameters, checkpoint {summary['checkpoint_bytes_per_rank']} bytes per rank, "
         f"repetitions {summary['repetitions']}. {summary['statistic']}.", "",
         "| | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns),
         "| iteration (step) s | " + " | ".join(f(summary["iteration_s"].get(c, {}).get("median")) for c in columns) + " |",
         "| effective iteration s | " + " | ".join(f(summary["effective_iteration_s"].get(c)) for c in columns) + " |",
         "| save stall s | - | " + " | ".join(f(S[c]["median"]) for c in saving) + " |",
         "| lost iterations | - | " + " | ".join(f(summary["lost_iterations"][c]) for c in saving) + " |", "",
         "| recovery from | retrieval s (ranks on tier) | load s | restart s | detection s | total s | lost iterations |", "|---|---|---|---|---|---|---|"]
for tier in ("disk", "memory", "peer"):
    r = R[tier]
    lines.append(f"| {tier} | {f(r['retrieval_s_ranks_on_tier']['median'])} | {f(r['load_s']['median'])} | {f(r['restart_s']['median'])} | "
                 f"{f(r['detection_s']['median'])} | {f(r['recovery_s']['median'])} | {f(r['lost_iterations']['median'])} |")
lines += ["", "Ratios (of medians): " + ", ".join(f"{k} {f(v)}" for k, v in summary["ratios"].items() if not isinstance(v, dict)),
          "Effective iteration over none: " + ", ".join(f"{k} {f(v)}" for k, v in summary["ratios"]["effective_iteration_over_none"].items()), ""]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines))
print("\n".join(lines))
PY
