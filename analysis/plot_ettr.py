#!/usr/bin/env python3
"""ETTR (effective training time ratio) per strategy against one sweep axis, with the 95%
confidence interval of each point as error bars. Covers "ETTR vs failure rate" (--x
cluster_failures_per_day or failures.rate) and "ETTR vs number of machines" (--x machines).

Usage: python3 analysis/plot_ettr.py SWEEP.csv --x COLUMN --out ETTR.png [--log-x] [--title T]
Any CSV column works as --x; labels with units ("1.5%/day") plot by their leading number.
Derived columns: cluster_failures_per_day = per-machine rate x machines.
"""
import argparse

import sweeplib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", help="sweep CSV (gemini-sim sweep / merge)")
    ap.add_argument("--x", required=True, help="column on the x axis")
    ap.add_argument("--xlabel", help="x-axis label (default: the column)")
    ap.add_argument("--out", required=True, help="PNG to write")
    ap.add_argument("--log-x", action="store_true", help="logarithmic x axis")
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    df = sweeplib.read_sweep(args.csv)
    df["_x"] = sweeplib.x_values(df, args.x)
    fig, ax = sweeplib.plt.subplots(figsize=(6.4, 4.2))
    for name, g in df.groupby("strategy", sort=False):
        g = g.sort_values("_x")
        err = [g["ettr_mean"] - g["ettr_ci_lo"], g["ettr_ci_hi"] - g["ettr_mean"]]
        ax.errorbar(g["_x"], g["ettr_mean"], yerr=err, marker="o", capsize=3, label=name)
    if args.log_x:
        ax.set_xscale("log")
    ax.set_xlabel(args.xlabel or args.x)
    ax.set_ylabel("ETTR (95% CI)")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(args.title)
    sweeplib.save(fig, args.out)


if __name__ == "__main__":
    main()
