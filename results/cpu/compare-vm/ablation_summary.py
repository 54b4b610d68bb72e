"""Summary of ablation.sh: per comparison, the checked rows outside the tolerance and the mean
|error| with variants A and B of gemini-sim compare; totals over all comparisons and per machine
kind (the runs' CPU model and kernel build); then the rows by how often each is outside.
Usage: python3 ablation_summary.py OUT NAME_A NAME_B TITLE"""
import collections
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "analysis"))
from compare_reproducibility import kind  # noqa: E402  (analysis/compare_reproducibility.py)

out, name_a, name_b, title = sys.argv[1:5]
labels = sorted(os.path.basename(p)[: -len(f"-{name_a}.json")] for p in glob.glob(os.path.join(out, f"*-{name_a}.json")))


def checked_rows(path):
    d = json.load(open(path))
    return d["tolerance"], kind(d), {(r["label"], p["phase"], p["method"]): p["rel_error"]
                                     for r in d["runs"] for p in r["phases"] if p["checked"]}


print(f"gemini-sim compare on committed sessions: {title}.")
print("Same runs, same calibration; rows checked when measured > min phase.")
print()
print(f"{'comparison':<26} {'checked':>7} {'out ' + name_a:>16} {'out ' + name_b:>16} {'mean|e| ' + name_a:>20} {'mean|e| ' + name_b:>20}")
totals = collections.defaultdict(collections.Counter)  # "all" and each machine kind
outside_by_row = {name_a: collections.Counter(), name_b: collections.Counter()}
errors_by_row = collections.defaultdict(lambda: {name_a: [], name_b: []})
for label in labels:
    tol, machine, a = checked_rows(os.path.join(out, f"{label}-{name_a}.json"))
    _, _, b = checked_rows(os.path.join(out, f"{label}-{name_b}.json"))
    rows = sorted(set(a) & set(b))
    o_a = [r for r in rows if abs(a[r]) > tol]
    o_b = [r for r in rows if abs(b[r]) > tol]
    for r in o_a:
        outside_by_row[name_a][r] += 1
    for r in o_b:
        outside_by_row[name_b][r] += 1
    for r in rows:
        errors_by_row[r][name_a].append(a[r])
        errors_by_row[r][name_b].append(b[r])
    ma = sum(abs(a[r]) for r in rows) / len(rows)
    mb = sum(abs(b[r]) for r in rows) / len(rows)
    for group in ("all", machine):
        totals[group].update({"comparisons": 1, "checked": len(rows), "out_a": len(o_a), "out_b": len(o_b),
                              "met_a": not o_a, "met_b": not o_b, "b_lower": mb < ma})
    print(f"{label:<26} {len(rows):>7} {len(o_a):>16} {len(o_b):>16} {100 * ma:>19.1f}% {100 * mb:>19.1f}%")
print()
for group in ["all"] + sorted(g for g in totals if g != "all"):
    t = totals[group]
    print(f"{group} ({t['comparisons']} comparisons): {t['checked']} checked rows; outside {t['out_a']} ({name_a}) "
          f"vs {t['out_b']} ({name_b}); every row within in {t['met_a']} ({name_a}) vs {t['met_b']} ({name_b}); "
          f"mean |error| lower with {name_b} in {t['b_lower']}")
print()
print(f"rows outside in any comparison: times outside ({name_a} / {name_b}), median error over the comparisons")
keys = set(outside_by_row[name_a]) | set(outside_by_row[name_b])
for r in sorted(keys, key=lambda k: (-(outside_by_row[name_a][k] + outside_by_row[name_b][k]), k)):
    e = errors_by_row[r]
    med = statistics.median
    print(f"  {r[0]:<28} {r[1]:<34} {r[2]:<11} {outside_by_row[name_a][r]:>2} / {outside_by_row[name_b][r]:<2}"
          f" {100 * med(e[name_a]):+6.1f}% / {100 * med(e[name_b]):+6.1f}%")
