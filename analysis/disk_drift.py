#!/usr/bin/env python3
"""How steady is a disk from one calibration to the next? Summarises repeated gemini-calibrate
runs of the same disk benchmarks at the same size (results/cpu/disk-drift/probe.sh): per
benchmark, each probe's median (for disk-read-cold-concurrent, the median of each round's
slowest reader: what a recovery waits for), then across probes the median, the range, the
max/min ratio and the share of probes within +-TOL of the median of all probes.

That share is what a perfect model calibrated by one probe would score against a run measured
at the time of another: a phase's tolerance below the disk's own drift cannot be met reliably.

Usage: python3 analysis/disk_drift.py PROBE.json... [--tolerance 0.15]
"""
import argparse
import json
import statistics

BENCHMARKS = ["disk-write", "disk-read-cold", "disk-write-concurrent", "disk-read-cold-concurrent"]


def probe_seconds(benchmark):
    """(bytes, median, p10, p90) of a benchmark's single point, or for the concurrent reader
    those of each round's slowest reader."""
    points = benchmark.get("points") or []
    if len(points) != 1:
        raise SystemExit(f"{benchmark['name']}: expected one size per probe, found {len(points)}")
    p = points[0]
    q = p.get("slowest", p)
    return p["bytes"], q["median_s"], q.get("p10_s"), q.get("p90_s")


def summarise(name, rows, tolerance):
    seconds = [r[2] for r in rows]
    mid = statistics.median(seconds)
    within = sum(abs(s - mid) <= tolerance * mid for s in seconds)
    spread = [(r[4] - r[3]) / r[2] for r in rows if r[3] is not None and r[2] > 0]
    return {"benchmark": name, "probes": len(seconds), "bytes": rows[0][1], "median_s": mid,
            "min_s": min(seconds), "max_s": max(seconds), "max_over_min": max(seconds) / min(seconds),
            "within_tolerance": within, "within_probe_p10_p90_over_median": statistics.median(spread) if spread else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("probes", nargs="+", help="gemini-calibrate --out-json files, one size each")
    ap.add_argument("--tolerance", type=float, default=0.15)
    args = ap.parse_args()
    by_name = {n: [] for n in BENCHMARKS}
    machines = set()
    for path in args.probes:
        with open(path) as f:
            doc = json.load(f)
        m = doc.get("machine", {})
        machines.add(f"{m.get('hostname', '?')} ({m.get('cpu_model', '?')}, {m.get('logical_cpus', '?')} CPUs)")
        when = doc.get("date_utc", "?")
        for b in doc["benchmarks"]:
            if b["name"] in by_name and b.get("status") == "ok":
                by_name[b["name"]].append((when, *probe_seconds(b)))
    found = {n: rows for n, rows in by_name.items() if rows}
    if not found:
        raise SystemExit("no disk benchmark in " + ", ".join(args.probes))
    print("machine: " + ", ".join(sorted(machines)))
    print(f"{len(args.probes)} probes; seconds per probe (for disk-read-cold-concurrent: the slowest reader, median over rounds)")
    names = list(found)
    print("| probe (UTC) | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    times = sorted({r[0] for rows in found.values() for r in rows})
    for t in times:
        cells = []
        for n in names:
            s = [r[2] for r in found[n] if r[0] == t]
            cells.append(f"{s[0]:.4f}" if s else "-")
        print(f"| {t} | " + " | ".join(cells) + " |")
    print()
    print(f"| benchmark | bytes | median of probes s | min s | max s | max/min | probes within +-{args.tolerance:.0%} | "
          "within-probe (p90-p10)/median |")
    print("|---|---|---|---|---|---|---|---|")
    for n in names:
        s = summarise(n, found[n], args.tolerance)
        inner = s["within_probe_p10_p90_over_median"]
        print(f"| {n} | {int(s['bytes'])} | {s['median_s']:.4f} | {s['min_s']:.4f} | {s['max_s']:.4f} | "
              f"{s['max_over_min']:.2f} | {s['within_tolerance']} of {s['probes']} | "
              f"{'-' if inner is None else f'{inner:.0%}'} |")


if __name__ == "__main__":
    main()
