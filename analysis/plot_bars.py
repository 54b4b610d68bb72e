#!/usr/bin/env python3
"""One metric per strategy as grouped bars, one group per value of --by (a sweep axis), with
the value written on each bar. Used for checkpoint frequency (--metric checkpoint_interval_min,
GEMINI's Fig. 12) and iteration time under traffic schemes (--metric iteration_overhead_pct or
iteration_time_s, GEMINI's Fig. 16). Any CSV column, or a derived one (analysis/sweeplib.py:
checkpoint_interval_min, iteration_overhead_pct, <cause>_per_failure_min), works as --metric.

Usage: python3 analysis/plot_bars.py SWEEP.csv --metric COLUMN --out BARS.png [--by COLUMN]
       [--log-y] [--ylabel L] [--title T]
"""
import argparse

import sweeplib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--metric", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--by", help="axis column: one group per value (default: point)")
    ap.add_argument("--log-y", action="store_true")
    ap.add_argument("--ylabel")
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    df = sweeplib.read_sweep(args.csv)
    by = args.by or "point"
    groups = list(dict.fromkeys(df[by]))
    strategies = list(dict.fromkeys(df["strategy"]))
    width = 0.8 / len(strategies)
    fig, ax = sweeplib.plt.subplots(figsize=(6.4, 4.2))
    for si, strategy in enumerate(strategies):
        xs, ys = [], []
        for gi, group in enumerate(groups):
            row = df[(df["strategy"] == strategy) & (df[by] == group)]
            if not row.empty:
                xs.append(gi + (si - (len(strategies) - 1) / 2) * width)
                ys.append(float(row.iloc[0][args.metric]))
        bars = ax.bar(xs, ys, width * 0.9, label=strategy)
        ax.bar_label(bars, fmt="%.3g", fontsize=7)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([str(g) for g in groups])
    ax.set_xlabel(by)
    ax.set_ylabel(args.ylabel or args.metric)
    if args.log_y:
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    ax.set_title(args.title)
    sweeplib.save(fig, args.out)


if __name__ == "__main__":
    main()
