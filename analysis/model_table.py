#!/usr/bin/env python3
"""Markdown table of the model benchmarks in a gemini-calibrate JSON (model-iteration,
model-capture, model-restore, measured by real/'s gemini-bench-model): per model size the
parameters, image bytes, FLOPs per step, step time, effective FLOP/s, capture and restore
medians, then the three fits.

Usage: python3 analysis/model_table.py CALIBRATION.json
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("calibration_json")
    a = ap.parse_args()
    with open(a.calibration_json) as f:
        d = json.load(f)
    b = {x["name"]: x for x in d.get("benchmarks", [])}
    names = ("model-iteration", "model-capture", "model-restore")
    missing = [n for n in names if b.get(n, {}).get("status") != "ok"]
    if missing:
        sys.exit("%s: no measured %s (run gemini-calibrate with --benchmarks model)" % (a.calibration_json, ", ".join(missing)))
    it, cap, res = (b[n] for n in names)
    print("| size | parameters | image bytes | FLOPs per step | step median (p10-p90, n) | effective GFLOP/s | capture | restore |")
    print("|---|---|---|---|---|---|---|---|")
    for pi, pc, pr in zip(it["points"], cap["points"], res["points"]):
        e = pi["extra"]
        print("| %s | {:,} | {:,} | %.3g | %.4f (%.4f-%.4f, %d) | %.1f | %.4f s | %.4f s |".format(
            e["parameters"], int(e["image_bytes"])) % (
            e["size"], pi["bytes"], pi["median_s"], pi["p10_s"], pi["p90_s"], pi["count"],
            pi["bytes"] / pi["median_s"] / 1e9, pc["median_s"], pr["median_s"]))
    print()
    fits = []
    for label, r, unit, scale in (("step", it, "GFLOP/s", "FLOPs"), ("capture", cap, "GB/s", "image bytes"),
                                  ("restore", res, "GB/s", "image bytes")):
        f = r.get("fit")
        if f is None:
            fits.append("%s: no fit (%s)" % (label, r.get("fit_error", "")))
        else:
            fits.append("%s = %.3g s + %s / %.3g %s (R^2 %.3f)" % (label, f["alpha_s"], scale,
                                                                  f["beta_bytes_per_s"] / 1e9, unit, f["r_squared"]))
    print("Fits: " + "; ".join(fits) + ".")


if __name__ == "__main__":
    main()
