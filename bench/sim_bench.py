#!/usr/bin/env python3
"""Wall-clock benchmark of gemini-sim: medians over repetitions of whole-process runs.

Usage: python3 bench/sim_bench.py [--bin build/sim/gemini-sim] [--reps 5] [--out FILE.md] [--scaling]
Targets (issue 2): scenarios/llama3-16k-h100.yaml, one trial, <= 10 s; 100 trials of
scenarios/gemini-p4d-gpt2-100b.yaml <= 10 s, on a 2-core machine.
"""
import argparse
import json
import os
import re
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


LLAMA = "scenarios/llama3-16k-h100.yaml"


def llama_variant(tmp, machines=2048, rate_scale=1.0, horizon_days=54):
    """The Llama scenario with one knob changed, written to tmp."""
    text = open(os.path.join(ROOT, LLAMA)).read()
    text = re.sub(r"machines: 2048", f"machines: {machines}", text, count=1)
    text = re.sub(r"rate: 0.379%/day", f"rate: {0.379 * rate_scale:.6g}%/day", text, count=1)
    text = re.sub(r"horizon: 54d", f"horizon: {horizon_days}d", text, count=1)
    # A model file is found next to the scenario's folder: point at the repository's models/.
    text = re.sub(r"^model: (\S+)", lambda m: f"model: {os.path.join(ROOT, 'models', m.group(1) + '.yaml')}",
                  text, count=1, flags=re.M)
    path = os.path.join(tmp, f"llama-{machines}-{rate_scale}-{horizon_days}.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def scaling_rows(binary, reps):
    """Wall time of one whole-process trial as machines, failures and horizon grow."""
    rows = ["", "Scaling (Llama-3-like scenario, strawman + highfreq + gemini, 1 trial, whole process):", "",
            "| machines | failure rate x | horizon d | failures | median s | min s | max s |", "|---|---|---|---|---|---|---|"]
    cases = [(m, 1.0, 54) for m in (256, 512, 1024, 2048)] + [(2048, r, 54) for r in (0.25, 4.0)] + \
            [(2048, 1.0, d) for d in (14, 27)]
    with tempfile.TemporaryDirectory() as tmp:
        for machines, rate, days in cases:
            path = llama_variant(tmp, machines, rate, days)
            times = [run_once(binary, path, ["--trials", "1"]) for _ in range(reps)]
            out = os.path.join(tmp, "r.json")
            subprocess.run([binary, path, "-q", "--trials", "1", "--json", out], check=True, stdout=subprocess.DEVNULL)
            failures = json.load(open(out))["strategies"][0]["failures"]["mean"]
            rows.append(f"| {machines} | {rate} | {days} | {failures:.0f} | {statistics.median(times):.3f} | "
                        f"{min(times):.3f} | {max(times):.3f} |")
            print(f"  scaling {machines} x{rate} {days}d: {statistics.median(times):.3f} s", file=sys.stderr)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/sim/gemini-sim"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", help="also write the table (Markdown) here")
    ap.add_argument("--scaling", action="store_true", help="also time machines / failures / horizon variants")
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
    if args.scaling:
        lines += scaling_rows(args.bin, args.reps)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
