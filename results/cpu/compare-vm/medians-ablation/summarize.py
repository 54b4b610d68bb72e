"""Summary of medians-ablation/run.sh: per comparison, the checked rows outside the tolerance
and the mean |error| with the fitted lines and with --medians; then the rows by how often
each is outside."""
import collections
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]
labels = sorted(os.path.basename(p)[: -len("-fit.json")] for p in glob.glob(os.path.join(out, "*-fit.json")))


def checked_rows(path):
    d = json.load(open(path))
    return d["tolerance"], {(r["label"], p["phase"], p["method"]): p["rel_error"]
                            for r in d["runs"] for p in r["phases"] if p["checked"]}


print("gemini-sim compare on every committed session: fitted lines (fit) vs the calibration's medians")
print("at the run's size (medians). Same runs, same calibration; rows checked when measured > min phase.")
print()
print(f"{'comparison':<22} {'checked':>7} {'out fit':>8} {'out med':>8} {'mean|e| fit':>12} {'mean|e| med':>12}")
totals = collections.Counter()
outside_by_row = {"fit": collections.Counter(), "medians": collections.Counter()}
errors_by_row = collections.defaultdict(lambda: {"fit": [], "medians": []})
for label in labels:
    tol, fit = checked_rows(os.path.join(out, label + "-fit.json"))
    _, med = checked_rows(os.path.join(out, label + "-medians.json"))
    rows = sorted(set(fit) & set(med))
    o_fit = [r for r in rows if abs(fit[r]) > tol]
    o_med = [r for r in rows if abs(med[r]) > tol]
    for r in o_fit:
        outside_by_row["fit"][r] += 1
    for r in o_med:
        outside_by_row["medians"][r] += 1
    for r in rows:
        errors_by_row[r]["fit"].append(fit[r])
        errors_by_row[r]["medians"].append(med[r])
    mf = sum(abs(fit[r]) for r in rows) / len(rows)
    mm = sum(abs(med[r]) for r in rows) / len(rows)
    totals.update({"comparisons": 1, "checked": len(rows), "out_fit": len(o_fit), "out_med": len(o_med),
                   "met_fit": not o_fit, "met_med": not o_med})
    print(f"{label:<22} {len(rows):>7} {len(o_fit):>8} {len(o_med):>8} {100 * mf:>11.1f}% {100 * mm:>11.1f}%")
print()
print(f"all {totals['comparisons']} comparisons: {totals['checked']} checked rows; outside {totals['out_fit']} (fit) "
      f"vs {totals['out_med']} (medians); every row within in {totals['met_fit']} (fit) vs {totals['met_med']} (medians)")
print()
print("rows outside in any comparison: times outside (fit / medians), median error over the comparisons")
keys = set(outside_by_row["fit"]) | set(outside_by_row["medians"])
for r in sorted(keys, key=lambda k: (-(outside_by_row["fit"][k] + outside_by_row["medians"][k]), k)):
    e = errors_by_row[r]
    med = statistics.median
    print(f"  {r[0]:<28} {r[1]:<34} {r[2]:<11} {outside_by_row['fit'][r]:>2} / {outside_by_row['medians'][r]:<2}"
          f" {100 * med(e['fit']):+6.1f}% / {100 * med(e['medians']):+6.1f}%")
