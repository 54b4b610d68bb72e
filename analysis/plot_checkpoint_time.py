#!/usr/bin/env python3
"""Checkpoint time per strategy against the network bandwidth of each machine (log y), with
the reduction factor of --fast over --slow written at each point (GEMINI's Fig. 11).

Usage: python3 analysis/plot_checkpoint_time.py SWEEP.csv --out CKPT.png [--x network_gbps]
       [--slow strawman] [--fast gemini-blocking] [--title T]
checkpoint_time_s is a strategy's time from snapshot to a complete checkpoint (docs/OUTPUT.md);
for a blocking GEMINI it is the replication and local copy alone.
"""
import argparse

import sweeplib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--x", default="network_gbps", help="x column (default: network_gbps)")
    ap.add_argument("--slow", default="strawman", help="baseline strategy of the reduction factor")
    ap.add_argument("--fast", default="gemini-blocking", help="strategy whose reduction is written")
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    df = sweeplib.read_sweep(args.csv)
    df["_x"] = sweeplib.x_values(df, args.x)
    fig, ax = sweeplib.plt.subplots(figsize=(6.4, 4.2))
    # Points that share an x (other axes) are averaged.
    for name, g in df.groupby("strategy", sort=False):
        g = g.groupby("_x")["checkpoint_time_s"].mean()
        ax.plot(g.index, g.values, marker="o", label=name)
    slow = df[df["strategy"] == args.slow].groupby("_x")["checkpoint_time_s"].mean()
    fast = df[df["strategy"] == args.fast].groupby("_x")["checkpoint_time_s"].mean()
    for x in fast.index.intersection(slow.index):
        ax.annotate(f"{slow[x] / fast[x]:.0f}x", (x, fast[x]), textcoords="offset points", xytext=(0, -14),
                    ha="center", fontsize=8)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(args.x)
    ax.set_ylabel("checkpoint time (s)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.set_title(args.title)
    sweeplib.save(fig, args.out)


if __name__ == "__main__":
    main()
