#!/usr/bin/env python3
"""Markdown tables from gemini-launch run JSONs (schema gemini-run/1): per strategy the
iteration time, save stall and background replication, then every failure with its recovery.

Usage: python3 analysis/launch_summary.py RUN.json [RUN.json ...]
"""
import argparse
import json
import os


def spread(phase):
    if not phase:
        return "-"
    return f'{phase["median_s"]:.3f} ({phase["p10_s"]:.3f}-{phase["p90_s"]:.3f}, n={phase["count"]})'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()
    runs = [(os.path.basename(p), json.load(open(p))) for p in args.runs]
    env = runs[0][1]["environment"]
    print(f'Machine: {env.get("gpu_name") or env.get("cpu_model")}; LibTorch {env.get("libtorch_version")}; '
          f'{runs[0][1]["config"].get("ranks")} ranks in {runs[0][1]["config"].get("machines")} machines; '
          f'{runs[0][1]["checkpoint_bytes_per_rank"] / 1e9:.2f} GB of training state per rank. '
          "Seconds: median (p10-p90, count).\n")
    print("| run | strategy | iteration | all-reduce | save stall | replication (background) |")
    print("|---|---|---|---|---|---|")
    for name, r in runs:
        ph = r["phases"]
        print(f'| {name} | {r["config"].get("strategy")} | {spread(ph.get("iteration_s"))} | '
              f'{spread(ph.get("allreduce_s"))} | {spread(ph.get("save_stall_s"))} | '
              f'{spread(ph.get("replication_background_s"))} |')
    print("\n| run | failure | at iteration | resumed from | source tier | detection | restart | retrieval | load | whole recovery |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in runs:
        for e in r.get("timeline", []):
            failure = f'{e.get("kind")} {e.get("targets")}' + (f' during {e["during"]}' if e.get("during") else "")
            if "source_tier" not in e:
                why = "cut short by the next failure" if e.get("recovery_interrupted") else "none (run ended)"
                print(f'| {name} | {failure} | {e.get("iteration")} | - | {why} | '
                      f'{e.get("detection_s", 0):.2f} | - | - | - | - |')
                continue
            cell = lambda k: f'{e[k]:.2f}' if isinstance(e.get(k), (int, float)) else "-"
            tiers = ", ".join(f"{t} x{n}" for t, n in sorted(e.get("source_tiers", {}).items()))
            ranks = e.get("ranks", [])
            exact = all(x.get("tensors_equal") == x.get("tensors") for x in ranks) if ranks else "n/a (nothing restored)"
            print(f'| {name} | {failure} | {e.get("iteration")} | '
                  f'{e.get("resumed_iteration")} | {e.get("source_tier")} ({tiers}; bit-exact: {exact}) | '
                  f'{cell("detection_s")} | {cell("restart_s")} | {cell("retrieval_s")} | {cell("load_s")} | '
                  f'{cell("recovery_s")} |')

if __name__ == "__main__":
    main()
