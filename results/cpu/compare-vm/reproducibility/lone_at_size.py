#!/usr/bin/env python3
"""A profile for the shared-lone trial (run.sh shared-lone): the lone host copy and checksum
read at the run's image size instead of their fitted lines, the concurrent copy and checksum
left out, so that gemini-sim compare charges every rank the lone cost at that size times its
share of the CPUs.

The lone cost at BYTES is the line through the calibration's medians at the two measured sizes
around it (the measured point itself and the one below where the calibration measured BYTES);
a negative intercept becomes the line through the origin with the same time at BYTES.
Usage: lone_at_size.py PROFILE.yaml CALIBRATION.json BYTES > NEW.yaml"""
import json
import os
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "analysis"))
from profile_entries import entry_of, load_profile  # noqa: E402  (analysis/profile_entries.py)

LONE = {"host_memcpy": "host-memcpy", "checksum": "checksum-xxh64"}
DROPPED = ("host_memcpy_concurrent", "checksum_concurrent")


def line_at(points, size):
    """(alpha_s, bandwidth_bytes_per_s) of the secant through the medians around `size`."""
    pts = sorted((p["bytes"], p["median_s"]) for p in points if p["median_s"] > 0)
    if len({b for b, _ in pts}) < 2:
        raise ValueError("fewer than 2 measured sizes")
    above = next((i for i, (b, _) in enumerate(pts) if b >= size), len(pts) - 1)
    lo, hi = pts[max(0, above - 1)], pts[max(1, above)]
    slope = (hi[1] - lo[1]) / (hi[0] - lo[0])
    alpha = lo[1] - slope * lo[0]
    at_size = alpha + slope * size
    if slope <= 0 or at_size <= 0:
        raise ValueError(f"medians do not grow with size around {size:.0f} bytes")
    alpha = max(0.0, alpha)
    return alpha, size / (at_size - alpha)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    profile = load_profile(sys.argv[1])
    hardware = profile["hardware"]
    benchmarks = {b["name"]: b for b in json.load(open(sys.argv[2]))["benchmarks"]}
    size = float(sys.argv[3])
    for key, name in LONE.items():
        entry_of(profile, sys.argv[1], key)  # exits when the profile lacks it
        try:
            alpha, bandwidth = line_at(benchmarks.get(name, {}).get("points", []), size)
        except ValueError as e:
            sys.exit(f"{sys.argv[2]}: {name}: {e}")
        hardware[key] = {"alpha_s": alpha, "bandwidth_bytes_per_s": bandwidth}
    for key in DROPPED:
        hardware.pop(key, None)
    yaml.safe_dump(profile, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main()
