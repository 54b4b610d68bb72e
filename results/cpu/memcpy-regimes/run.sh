#!/usr/bin/env bash
# Why a line fitted to host-memcpy misses a 50.9 MB copy on the Intel Xeon VM: glibc's memcpy
# switches to non-temporal stores above glibc.cpu.x86_non_temporal_threshold (a fraction of the
# last-level cache), a faster per-byte regime than the cached stores below it. Sweeps host-memcpy
# (and XXH64, which stores nothing, as a control) from 16 to 256 MiB in steps of 2x plus the small
# preset's image (50,907,456 bytes), once with glibc's default threshold and once with it lowered
# to 16 MiB (GLIBC_TUNABLES; the caller's own GLIBC_TUNABLES is set aside for both), and
# tabulates GB/s per size. About 30 s on an idle machine.
# Writes default.json, low-threshold.json (not committed) and summary.md here.
# Usage: bash results/cpu/memcpy-regimes/run.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
OUT=results/cpu/memcpy-regimes
sweep() {  # NAME [GLIBC_TUNABLES value]
  env -u GLIBC_TUNABLES ${2:+GLIBC_TUNABLES=$2} "$B/calibrate/gemini-calibrate" --benchmarks host-memcpy,checksum-xxh64 \
    --min-bytes 16MiB --max-bytes 256MiB --size-factor 2 --also-bytes 50907456 --reps 15 --min-reps 9 \
    --out-json "$OUT/$1.json" --out-profile '' --quiet
}
sweep default
sweep low-threshold glibc.cpu.x86_non_temporal_threshold=0x1000000
tunables=$(env -u GLIBC_TUNABLES /lib64/ld-linux-x86-64.so.2 --list-tunables 2>/dev/null | grep -E 'non_temporal_threshold|shared_cache_size' || true)
python3 - "$OUT" "$tunables" > "$OUT/summary.md" <<'PY'
import json, sys
out, tunables = sys.argv[1], sys.argv[2]
runs = {n: json.load(open(f"{out}/{n}.json")) for n in ("default", "low-threshold")}
m = runs["default"]["machine"]
print(f"# host-memcpy across glibc's non-temporal threshold ({runs['default']['date_utc']})\n")
print(f"Machine: {m.get('cpu_model', '?')}, {m.get('logical_cpus', '?')} logical CPUs; glibc tunables:")
print("```\n" + (tunables or "(ld.so --list-tunables unavailable)") + "\n```\n")
print("GB/s = bytes / median seconds (one process, caches flushed before each repetition); "
      "fit: the profile's absolute-weighted line over these sizes.\n")
print("| MiB | host-memcpy, default | host-memcpy, threshold 16 MiB | checksum-xxh64, default | checksum-xxh64, threshold 16 MiB |")
print("|---|---|---|---|---|")
def gbps(run, name):
    b = next(x for x in run["benchmarks"] if x["name"] == name)
    return {p["bytes"]: p["bytes"] / p["median_s"] / 1e9 for p in b["points"]}, b["fit"]["beta_bytes_per_s"] / 1e9
tables = [gbps(runs[r], n) for n in ("host-memcpy", "checksum-xxh64") for r in ("default", "low-threshold")]
for size in sorted(tables[0][0]):
    print(f"| {size / 2**20:.1f} | " + " | ".join(f"{t[0][size]:.2f}" for t in tables) + " |")
print("| fit | " + " | ".join(f"{t[1]:.2f}" for t in tables) + " |")
PY
cat "$OUT/summary.md"
