#!/usr/bin/env python3
"""A picture of one trial from a `gemini-sim SCENARIO --trace FILE.json` Chrome trace: one row
per strategy with its phases (compute, checkpoint stalls, detection, replacement, retrieval,
warm-up) as coloured spans, failures as red ticks and recoveries as black ones, plus a row of
the failed machines. --window zooms into [start, end] hours.

Usage: python3 analysis/plot_timeline.py TRACE.json --out TIMELINE.png [--window START_H END_H]
       [--title T]
"""
import argparse
import json

import sweeplib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace")
    ap.add_argument("--out", required=True)
    ap.add_argument("--window", nargs=2, type=float, metavar=("START_H", "END_H"))
    ap.add_argument("--title")
    args = ap.parse_args()
    with open(args.trace) as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    names = {e["pid"]: e["args"]["name"].replace("strategy ", "") for e in events
             if e["ph"] == "M" and e["name"] == "process_name"}
    labels = {e["pid"]: e["args"]["labels"] for e in events if e["ph"] == "M" and e["name"] == "process_labels"}
    pids = sorted(names)
    h = 3600e6  # trace microseconds per hour
    lo, hi = args.window if args.window else (0.0, trace["otherData"]["horizon_s"] / 3600)
    fig, ax = sweeplib.plt.subplots(figsize=(10, 1.0 + 0.8 * (len(pids) + 1)))

    def clipped(e):  # the span in hours, cut to the window (None outside)
        a, b = e["ts"] / h, (e["ts"] + e["dur"]) / h
        return (max(a, lo), max(min(b, hi) - max(a, lo), 1e-4)) if b >= lo and a <= hi else None

    spans = {}  # (y, colour name) -> [(start, width)], drawn one collection each
    for row, pid in enumerate(pids):
        y = len(pids) - row
        for e in events:
            if e.get("pid") != pid:
                continue
            if e["ph"] == "X" and (e["cat"] == "phase" or (e["cat"] == "machine" and row == 0)):
                c = clipped(e)
                if c:
                    spans.setdefault((y if e["cat"] == "phase" else 0, e["name"] if e["cat"] == "phase" else "failed"),
                                     []).append(c)
            elif e["ph"] == "i" and e["name"] in ("failure", "recovered") and lo <= e["ts"] / h <= hi:
                ax.vlines(e["ts"] / h, y - 0.45, y + 0.45, color="red" if e["name"] == "failure" else "black", lw=0.8)
    seen = set()
    for (y, name), xr in spans.items():
        color = "#d62728" if name == "failed" else sweeplib.CAUSE_COLORS.get(name, "#cccccc")
        height = (y - 0.3, 0.6) if name == "failed" else (y - 0.35, 0.7)
        ax.broken_barh(xr, height, color=color, label=name if name not in seen and name != "failed" else None)
        seen.add(name)
    ticks = [len(pids) - r for r in range(len(pids))] + [0]
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"{names[p]}\n{labels.get(p, '')}" for p in pids] + [
        f"failed machines, until\n{names[pids[0]]} recovers"], fontsize=8)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("hours since the start of training")
    od = trace["otherData"]
    ax.set_title(args.title or f"{od['scenario']}: trial {od['trial']} (seed {od['seed']}, {od['machines']} machines)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=6, fontsize=8)
    sweeplib.save(fig, args.out)


if __name__ == "__main__":
    main()
