#!/usr/bin/env python3
"""Wall-clock benchmark of gemini-sim: medians over repetitions of whole-process runs.

Usage: python3 bench/sim_bench.py [--bin build/sim/gemini-sim] [--reps 5] [--out FILE.md]
Targets (issue 2): scenarios/llama3-16k-h100.yaml, one trial, <= 10 s; 100 trials of
scenarios/gemini-p4d-gpt2-100b.yaml <= 10 s, on a 2-core machine.
"""
import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CASES = [
    ("llama3-16k-h100, 1 trial", "scenarios/llama3-16k-h100.yaml", ["--trials", "1"], 10.0),
    ("gemini-p4d-gpt2-100b, 100 trials", "scenarios/gemini-p4d-gpt2-100b.yaml", ["--trials", "100"], 10.0),
    ("gemini-p4d-gpt2-100b, 1000 trials", "scenarios/gemini-p4d-gpt2-100b.yaml", ["--trials", "1000"], None),
]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_once(binary, scenario, extra):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [binary, os.path.join(ROOT, scenario), "-q", "--json", os.path.join(tmp, "r.json")] + extra
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/sim/gemini-sim"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", help="also write the table (Markdown) here")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"error: {args.bin} not found; build first (scripts/build.sh)")

    lines = [f"Machine: {cpu_model()}, {os.cpu_count()} cores; {args.reps} repetitions each, "
             f"whole process (platform built, JSON written).", "",
             "| case | median s | min s | max s | target s | peak RSS of a child MB |",
             "|---|---|---|---|---|---|"]
    for name, scenario, extra, target in CASES:
        times = []
        for i in range(args.reps):
            times.append(run_once(args.bin, scenario, extra))
            print(f"  {name}: run {i + 1}/{args.reps} {times[-1]:.3f} s", file=sys.stderr)
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        lines.append(f"| {name} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} | "
                     f"{target if target else '-'} | {rss_mb:.0f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
