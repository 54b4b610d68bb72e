#!/usr/bin/env python3
"""The seed poster's numbers beside ours: reads a gemini-bench-ckpt JSON (and optionally a
gemini-calibrate JSON from the same machine) and prints a Markdown table.

Usage: python3 analysis/seed_comparison.py BENCH.json [--calibration CALIB.json]
"""
import argparse
import json

# shared/reference/seed-lessons.md: 4 x A100-40GB, the "630M" (really ~204M) model, 3 runs.
SEED = {"save_disk_s": 7.012, "save_memory_s": 0.512, "save_ratio": 13.7, "recovery_ratio": 6.1}


def med(phases, key):
    return phases[key]["median_s"]


def spread(phases, key):
    p = phases[key]
    return f'{p["median_s"]:.3f} ({p["p10_s"]:.3f}-{p["p90_s"]:.3f}, n={p["count"]})'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench")
    ap.add_argument("--calibration")
    args = ap.parse_args()
    b = json.load(open(args.bench))
    ph, env, model = b["phases"], b["environment"], b["model"]
    gb = model["checkpoint_bytes"] / 1e9
    print(f'Measured on {env.get("gpu_name") or env["cpu_model"]} ({env["device"]}), LibTorch '
          f'{env["libtorch_version"]}, preset {b["config"]["preset"]}: {model["parameters"]:,} parameters, '
          f'{gb:.2f} GB of full training state per save. Times in s: median (p10-p90, count).\n')
    print("| quantity | seed poster (4 x A100, 3 runs) | ours |")
    print("|---|---|---|")
    print(f'| save to disk (to durability: fsync) | {SEED["save_disk_s"]:.3f} (not fsynced, 2 files) | {spread(ph, "save_disk_s")} |')
    print(f'| save to CPU memory (full state, checksummed) | {SEED["save_memory_s"]:.3f} (weights only) | {spread(ph, "save_memory_s")} |')
    print(f'| save ratio disk / memory | {SEED["save_ratio"]}x | {med(ph, "save_disk_s") / med(ph, "save_memory_s"):.1f}x |')
    print(f'| load from disk (cold page cache) | - | {spread(ph, "load_disk_s")} |')
    print(f'| load from CPU memory | - | {spread(ph, "load_memory_s")} |')
    print(f'| recovery-load ratio disk / memory | {SEED["recovery_ratio"]}x (no real failure) | {med(ph, "load_disk_s") / med(ph, "load_memory_s"):.1f}x (load only, no failure) |')
    print(f'| iteration without checkpoint | - | {spread(ph, "iteration_s")} |')
    copy = med(ph, "snapshot_copy_s")
    print(f'| device-to-host copy of the state | - | {spread(ph, "snapshot_copy_s")} = {gb / copy:.1f} GB/s |')
    if args.calibration:
        c = json.load(open(args.calibration))
        fits = {x["name"]: x.get("fit") for x in c["benchmarks"]}
        ceiling = fits["gpu-d2h-pinned"]["beta_bytes_per_s"] / 1e9
        pageable = fits["gpu-d2h-pageable"]["beta_bytes_per_s"] / 1e9
        print(f'\nDevice-to-host ceiling measured by gemini-calibrate on the same card: pinned {ceiling:.1f} GB/s, '
              f'pageable {pageable:.1f} GB/s. The snapshot copy reaches {100 * gb / copy / ceiling:.0f}% of the pinned '
              f'ceiling; the whole in-memory save reaches {gb / med(ph, "save_memory_s"):.1f} GB/s '
              f'({100 * gb / med(ph, "save_memory_s") / ceiling:.0f}% of it): the rest is checksumming '
              f'({med(ph, "snapshot_checksum_s"):.3f} s) and the copy into the shared-memory store '
              f'({med(ph, "save_memory_store_s"):.3f} s).')


if __name__ == "__main__":
    main()
