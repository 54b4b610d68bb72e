#!/usr/bin/env python3
"""Measured vs simulated/predicted per phase, from `gemini-sim compare --json`: one point per
(run, phase), log-log, with the y = x line and the tolerance band. Inputs (measured values the
comparison used as they are) are left out; phases not checked (measured median at most
min_phase_s) are drawn hollow. Colour: method (closed-form / engine); marker: strategy.

Usage: python3 analysis/plot_compare.py COMPARE.json --out FIG.png [--title T]
"""
import argparse
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"closed-form": "tab:blue", "engine": "tab:red"}
MARKERS = {"disk": "s", "memory": "o", "gemini": "^"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    with open(args.json) as f:
        doc = json.load(f)
    tol = float(doc.get("tolerance", 0.15))
    fig, ax = plt.subplots(figsize=(6.5, 6))
    lo, hi = float("inf"), 0.0
    seen = set()
    for run in doc["runs"]:
        for p in run["phases"]:
            if p["method"] == "input" or p["measured"] is None or p["predicted_s"] is None:
                continue
            m, s = p["measured"]["median_s"], p["predicted_s"]
            if m <= 0 or s <= 0:
                continue
            lo, hi = min(lo, m, s), max(hi, m, s)
            color = COLORS.get(p["method"], "gray")
            marker = MARKERS.get(run["strategy"], "x")
            key = (p["method"], run["strategy"])
            label = f'{p["method"]}, {run["strategy"]}' if key not in seen else None
            seen.add(key)
            ax.errorbar(m, s, xerr=[[max(0.0, m - p["measured"]["p10_s"])], [max(0.0, p["measured"]["p90_s"] - m)]],
                        fmt=marker, color=color, mfc=color if p["checked"] else "none", ms=6, lw=0.7,
                        alpha=0.85, label=label)
    if hi == 0:
        raise SystemExit("no comparable phases in " + args.json)
    lo, hi = lo / 1.5, hi * 1.5
    xs = [lo, hi]
    ax.plot(xs, xs, "k-", lw=0.8)
    ax.fill_between(xs, [x * (1 - tol) for x in xs], [x * (1 + tol) for x in xs], color="gray", alpha=0.2,
                    label=f"within {tol:.0%}")
    ax.axvline(doc.get("min_phase_s", 0.05), color="gray", ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("measured median, s (bars: p10-p90)")
    ax.set_ylabel("predicted / simulated, s")
    ax.set_title(args.title or f'gemini-sim compare: {doc["checked"]} checked phases, {doc["outside"]} outside {tol:.0%}')
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)


if __name__ == "__main__":
    main()
