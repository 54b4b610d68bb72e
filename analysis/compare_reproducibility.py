#!/usr/bin/env python3
"""How closely do the real runs reproduce themselves between sessions, against how closely
gemini-sim compare predicts them? Reads one `gemini-sim compare --json` output per session (all
sessions of the same real/ code and run_all.sh, so that every difference between their measured
phases is the machine's, not the code's) and, per machine kind, scores three predictors of each
session's checked rows at the same tolerance:
  sim   gemini-sim compare's prediction (from that session's own calibration);
  loo   the median of the same row measured in the other sessions of that machine kind (the best
        fixed number a predictor that cannot see the session's conditions could give);
  pair  another single session's measurement (a rerun of the same runs), over every ordered pair.
A simulator can only be held to a tolerance the runs themselves keep from one session to the
next; loo and pair measure that, in the same rows and at the same tolerance.
Usage: python3 analysis/compare_reproducibility.py COMPARE_JSON...   (each named <session>.json;
a machine kind is the runs' CPU model and kernel build, which tell the committed sessions' hosts
apart where the CPU model alone does not; results/cpu/compare-vm/reproducibility/run.sh)"""
import argparse
import collections
import json
import os
import statistics
import sys


def kind(compare):
    """The machine a session's runs ran on: their CPU model and kernel build (one for all runs)."""
    kinds = {f'{r.get("cpu_model") or "unknown CPU"}, kernel {r.get("kernel") or "unknown"}' for r in compare["runs"]}
    if len(kinds) != 1:
        sys.exit(f"runs of one session on different machines: {sorted(kinds)}")
    return kinds.pop()


def load(path):
    """The session's machine kind, and row key (label, phase, method) -> (measured median s, sim
    relative error, checked); rows without a measurement or a prediction are left out."""
    d = json.load(open(path))
    rows = {}
    for run in d["runs"]:
        for p in run["phases"]:
            m = p["measured"]  # null where the run has no such phase (e.g. no recovery)
            if m and m["count"] > 0 and m["median_s"] > 0 and p["rel_error"] is not None:
                rows[(run["label"], p["phase"], p["method"])] = (p["measured"]["median_s"], p["rel_error"], p["checked"])
    return d["tolerance"], kind(d), rows


def scored_rows(sessions, s, names):
    """The rows checked in session s that at least two other sessions of `names` measured (a
    median to predict with): the rows every predictor is scored on."""
    return [r for r, v in sessions[s].items()
            if v[2] and sum(r in sessions[o] for o in names if o != s) >= 2]


def rel(predicted, measured):
    return predicted / measured - 1.0


def pct(x):
    return f"{100 * x:+6.1f}%"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("compare_json", nargs="+", help="gemini-sim compare --json outputs, one per session")
    ap.add_argument("--unchecked", default="", metavar="PHASE,...",
                    help="also list sim's median error for these phases, checked or not (e.g. a stall's parts)")
    args = ap.parse_args()
    paths = args.compare_json
    sessions = {}
    kinds = {}
    tolerances = set()
    for p in paths:
        tol, machine, rows = load(p)
        tolerances.add(tol)
        name = os.path.basename(p)[: -len(".json")]
        sessions[name] = rows
        kinds[name] = machine
    if len(tolerances) != 1:
        sys.exit(f"the comparisons used different tolerances: {sorted(tolerances)}")
    tol = tolerances.pop()
    by_kind = collections.defaultdict(list)
    for s in sorted(sessions):
        by_kind[kinds[s]].append(s)
    for k, names in by_kind.items():
        if len(names) < 3:
            sys.exit(f"{k}: {len(names)} sessions; the leave-one-out median needs at least 3")

    print(f"Real runs against themselves and against gemini-sim compare, tolerance {100 * tol:.0f}%.")
    print("Rows checked as compare checks them (measured > min phase); loo: the median of the other")
    print("sessions' measurements of the row; pair: one other session's measurement.")
    print()
    print(f"{'session':<20} {'checked':>7} {'out sim':>8} {'out loo':>8} {'mean|e| sim':>12} {'mean|e| loo':>12}")
    per_row = collections.defaultdict(lambda: {"measured": [], "sim": [], "loo": []})
    totals = collections.defaultdict(collections.Counter)
    for k, names in by_kind.items():
        for s in names:
            others = [o for o in names if o != s]
            out_sim = out_loo = 0
            sum_sim = sum_loo = 0.0
            n = 0
            for r in scored_rows(sessions, s, names):
                seen = [sessions[o][r][0] for o in others if r in sessions[o]]
                measured, e_sim, _ = sessions[s][r]
                e_loo = rel(statistics.median(seen), measured)
                n += 1
                out_sim += abs(e_sim) > tol
                out_loo += abs(e_loo) > tol
                sum_sim += abs(e_sim)
                sum_loo += abs(e_loo)
                per_row[(k,) + r]["sim"].append(e_sim)
                per_row[(k,) + r]["loo"].append(e_loo)
            for r, v in sessions[s].items():
                if v[2]:
                    per_row[(k,) + r]["measured"].append(v[0])
            if n == 0:
                sys.exit(f"{s}: no checked row that other sessions also measured")
            print(f"{s:<20} {n:>7} {out_sim:>8} {out_loo:>8} {100 * sum_sim / n:>11.1f}% {100 * sum_loo / n:>11.1f}%")
            totals[k].update({"sessions": 1, "checked": n, "out_sim": out_sim, "out_loo": out_loo,
                              "met_sim": out_sim == 0, "met_loo": out_loo == 0})
    print()
    for k, names in by_kind.items():
        t = totals[k]
        pairs = []
        for a in names:
            for b in names:
                if a == b:
                    continue
                common = [r for r in scored_rows(sessions, b, names) if r in sessions[a]]
                if not common:
                    continue  # nothing to compare: no verdict either way
                pairs.append(sum(abs(rel(sessions[a][r][0], sessions[b][r][0])) > tol for r in common))
        print(f"{k} ({t['sessions']} sessions, {t['checked']} checked rows): outside {t['out_sim']} (sim) vs "
              f"{t['out_loo']} (loo); every row within in {t['met_sim']} (sim) vs {t['met_loo']} (loo) sessions; "
              f"one session's runs predicting another's ({len(pairs)} ordered pairs): median {statistics.median(pairs):g} "
              f"rows outside (min {min(pairs)}, max {max(pairs)}), every row within in {sum(p == 0 for p in pairs)}")
    print()
    print("rows outside in any session (sim or loo), per machine kind: sessions checked, measured across")
    print("sessions (median, min-max relative to it), times outside and median error for sim and loo")
    keys = [r for r, v in per_row.items() if v["sim"] and any(abs(e) > tol for e in v["sim"] + v["loo"])]
    keys.sort(key=lambda r: (r[0], -sum(abs(e) > tol for e in per_row[r]["sim"] + per_row[r]["loo"]), r))
    for i, r in enumerate(keys):
        if i == 0 or keys[i - 1][0] != r[0]:
            print(f" {r[0]}")
        v = per_row[r]
        m = statistics.median(v["measured"])
        spread = f"{pct(min(v['measured']) / m - 1)} to {pct(max(v['measured']) / m - 1)}"
        out_sim = sum(abs(e) > tol for e in v["sim"])
        out_loo = sum(abs(e) > tol for e in v["loo"])
        print(f"  {r[1]:<32} {r[2]:<30} {len(v['sim']):>2}  {m:8.4f} s {spread}   sim {out_sim:>2} "
              f"{pct(statistics.median(v['sim']))}   loo {out_loo:>2} {pct(statistics.median(v['loo']))}")

    parts = [p for p in args.unchecked.split(",") if p]
    if parts:
        print()
        print("sim's error in these phases, checked or not: median over the sessions (min to max)")
    for k, names in by_kind.items():
        for phase in parts:
            errors = collections.defaultdict(list)
            for s in names:
                for (label, ph, method), v in sessions[s].items():
                    if ph == phase and method == "closed-form":
                        errors[label].append(v[1])
            for label in sorted(errors):
                e = errors[label]
                print(f"  {k:<40} {label:<32} {phase:<30} {len(e):>2}  {pct(statistics.median(e))} "
                      f"({pct(min(e))} to {pct(max(e))})")


if __name__ == "__main__":
    main()
