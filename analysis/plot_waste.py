#!/usr/bin/env python3
"""Wasted GPU-hours by cause per strategy as stacked bars (checkpoint stalls, lost progress,
detection, replacement, retrieval, warm-up), one group of bars per value of --by (a sweep
axis), or one group for a one-point CSV. With --per-failure the bars are job minutes lost per
failure instead (cause / GPUs / failures; checkpoint stalls left out, as they are not caused
by failures), which is GEMINI's Fig. 10 quantity plus detection, replacement and warm-up.

Usage: python3 analysis/plot_waste.py SWEEP.csv --out WASTE.png [--by COLUMN] [--per-failure]
       [--log-y] [--title T]
"""
import argparse

import numpy as np

import sweeplib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--by", help="axis column: one group of bars per value (default: point)")
    ap.add_argument("--per-failure", action="store_true", help="job minutes per failure instead of GPU-hours")
    ap.add_argument("--log-y", action="store_true")
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    df = sweeplib.read_sweep(args.csv)
    by = args.by or "point"
    causes = [c for c in sweeplib.CAUSES if not (args.per_failure and c == "checkpoint_stall")]
    col = (lambda c: c + "_per_failure_min") if args.per_failure else (lambda c: "wasted_gpu_hours_" + c)
    groups = list(dict.fromkeys(df[by]))
    strategies = list(dict.fromkeys(df["strategy"]))
    width = 0.8 / len(strategies)
    fig, ax = sweeplib.plt.subplots(figsize=(max(6.4, 1.6 * len(groups) * len(strategies) / 2), 4.4))
    for si, strategy in enumerate(strategies):
        for gi, group in enumerate(groups):
            row = df[(df["strategy"] == strategy) & (df[by] == group)]
            if row.empty:
                continue
            row = row.iloc[0]
            x = gi + (si - (len(strategies) - 1) / 2) * width
            bottom = 0.0
            for cause in causes:
                v = float(np.nan_to_num(row[col(cause)]))
                ax.bar(x, v, width * 0.9, bottom=bottom, color=sweeplib.CAUSE_COLORS[cause],
                       label=cause if (si == 0 and gi == 0) else None)
                bottom += v
            if not args.per_failure:  # 95% CI of the total
                ax.errorbar(x, row["wasted_gpu_hours_mean"],
                            yerr=[[row["wasted_gpu_hours_mean"] - row["wasted_gpu_hours_ci_lo"]],
                                  [row["wasted_gpu_hours_ci_hi"] - row["wasted_gpu_hours_mean"]]],
                            color="black", capsize=2, lw=0.8)
            ax.text(x, bottom, strategy, rotation=90, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([str(g) for g in groups])
    ax.set_xlabel(by)
    ax.set_ylabel("job minutes lost per failure" if args.per_failure else "wasted GPU-hours (mean, 95% CI of total)")
    if args.log_y:
        ax.set_yscale("log")
        ax.set_ylim(bottom=0.5 * max(1e-3, min(float(np.nan_to_num(v)) for c in causes for v in df[col(c)] if v > 0)))
    else:
        ax.margins(y=0.25)
    ax.legend(fontsize=8)
    ax.set_title(args.title)
    sweeplib.save(fig, args.out)


if __name__ == "__main__":
    main()
