#!/usr/bin/env python3
"""Markdown table from a `gemini-sim compare --json` file (schema gemini-compare/1): per run and
phase the measured median with its spread, the prediction, the relative error and whether it is
within the comparison's tolerance. Input rows (measured values used as given) are left out.

Usage: python3 analysis/compare_table.py COMPARE.json [--phases save_stall_s,whole_run_s ...]
"""
import argparse
import json


def measured(m):
    if m["count"] > 1:
        return f'{m["median_s"]:.3f} ({m["p10_s"]:.3f}-{m["p90_s"]:.3f}, {m["count"]})'
    return f'{m["median_s"]:.3f}'


def verdict(p, tolerance):
    if not p["checked"]:
        return "-"
    return "yes" if abs(p["rel_error"]) <= tolerance else "**no**"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("compare_json")
    ap.add_argument("--phases", default="", help="comma-separated phases to show (default: every predicted one)")
    args = ap.parse_args()
    d = json.load(open(args.compare_json))
    if d.get("schema") != "gemini-compare/1":
        raise SystemExit(f"{args.compare_json}: not a gemini-sim compare --json file")
    wanted = [p for p in args.phases.split(",") if p]
    tolerance = d["tolerance"]
    print(f"| run | phase | measured median (p10-p90, n) | predicted | error | within {100 * tolerance:.0f}% |")
    print("|---|---|---|---|---|---|")
    for run in d["runs"]:
        for p in run["phases"]:
            if p["method"] == "input" or p["predicted_s"] is None or p["measured"] is None:
                continue
            if wanted and p["phase"] not in wanted:
                continue
            error = f'{100 * p["rel_error"]:+.0f}%' if p["rel_error"] is not None else "-"
            print(f'| {run["label"]} | {p["phase"]} | {measured(p["measured"])} | {p["predicted_s"]:.3f} | '
                  f'{error} | {verdict(p, tolerance)} |')
    print(f'\n{d["checked"]} checked phases, {d["outside"]} outside +-{100 * tolerance:.0f}%.')


if __name__ == "__main__":
    main()
