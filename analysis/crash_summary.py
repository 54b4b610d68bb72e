#!/usr/bin/env python3
"""Crash-consistency verdict over gemini-launch run JSONs (schema gemini-run/1), e.g. from
scripts/device/gpu-crash-consistency.sh: per run, whether it completed, every failure (kind,
phase it struck in, iteration, resumed iteration, source tier), and whether every rank that
restored a checkpoint restored it bit for bit. Problems: a run not completed, a restore not
bit-exact, ranks ending with different images, a lost machine's rank restored "from memory".
Ranks of a recovery that found no checkpoint (source tier none: restart from scratch) restored
nothing and are not counted. Exit 1 when there is a problem.

Usage: python3 analysis/crash_summary.py RUN.json [RUN.json ...] [--out summary.json]
"""
import argparse
import json
import os
import sys


def summarize(path):
    d = json.load(open(path))
    name = os.path.basename(path)[:-5]
    problems = []
    restores = [r for t in d["timeline"] for r in t.get("ranks", []) if r["tier"] != "none"]
    exact = sum(r["tensors"] > 0 and r["tensors_equal"] == r["tensors"] for r in restores)
    row = {"run": name, "completed": d["outcome"]["completed"], "gpu": d["environment"].get("gpu_name", ""),
           "device": d["model"].get("device"), "pinned": d["model"].get("pinned_host_buffer"),
           "failures": [{"kind": t["kind"], "during": t.get("during", ""), "iteration": t["iteration"],
                         "resumed_iteration": t.get("resumed_iteration"), "source_tier": t.get("source_tier"),
                         "recovery_interrupted": bool(t.get("recovery_interrupted"))} for t in d["timeline"]],
           "not_fired": d["outcome"].get("failures_not_fired", []), "restores": len(restores), "bit_exact": exact,
           "final_images": len({f["checksum"] for f in d["final"]})}
    if not row["completed"]:
        problems.append(f"{name}: not completed")
    if exact != len(restores):
        problems.append(f"{name}: {len(restores) - exact} restores not bit-exact")
    if row["final_images"] != 1:
        problems.append(f"{name}: ranks end with different images")
    for t in d["timeline"]:
        if t["kind"] != "machine":
            continue
        for r in t.get("ranks", []):
            if r["rank"] in t["ranks_killed"] and r["tier"] == "memory":
                problems.append(f"{name}: lost rank {r['rank']} restored from its own memory")
    return row, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--out", help="write the rows and problems as JSON")
    args = ap.parse_args()
    rows, problems = [], []
    for path in args.runs:
        row, p = summarize(path)
        rows.append(row)
        problems += p
    for r in rows:
        print(f'{r["run"]}: {"completed" if r["completed"] else "NOT COMPLETED"}, '
              f'{r["bit_exact"]}/{r["restores"]} restores bit-exact, {r["gpu"] or "CPU"} {r["device"]} '
              f'{"pinned" if r["pinned"] else "pageable"}')
        for f in r["failures"]:
            print(f'    {f["kind"]} {"during " + f["during"] if f["during"] else "between iterations"} at {f["iteration"]}: '
                  + ("recovery cut short by the next failure" if f["recovery_interrupted"] else
                     f'resumed {f["resumed_iteration"]} from {f["source_tier"]}'))
    print("problems:", "; ".join(problems) if problems else "none")
    if args.out:
        json.dump({"runs": rows, "problems": problems}, open(args.out, "w"), indent=1)
    sys.exit(1 if problems or not rows else 0)


if __name__ == "__main__":
    main()
