#!/usr/bin/env python3
"""Per run: the slowest rank's retrieval of each disk recovery and its median; then per name.

Usage: summarize.py RUN.json...
"""
import json
import statistics
import sys


def main():
    print(f"{'run':<64}{'disk retrievals (slowest rank), s':<44}median")
    by_name = {}
    for path in sys.argv[1:]:
        d = json.load(open(path))
        seconds = [t["retrieval_s"] for t in d["timeline"] if t.get("source_tier") == "disk"]
        name = path.split("/")[-1].removesuffix(".json")
        by_name.setdefault(name, []).extend(seconds)
        print(f"{path:<64}{' '.join(f'{s:.4f}' for s in seconds):<44}{statistics.median(seconds):.4f}")
    print()
    for name, seconds in sorted(by_name.items()):
        print(f"{name:<20} {len(seconds):>3} disk recoveries, median {statistics.median(seconds):.4f} s, "
              f"range {min(seconds):.4f}-{max(seconds):.4f} s")


if __name__ == "__main__":
    main()
