#!/bin/sh
# Reproduces every number and figure of docs/REPRODUCTION.md: runs the committed sweeps (into
# results/sweeps/<name>/, resumable), one traced trial, the placement probabilities, and draws
# docs/figures/*.png. Usage: sh sweeps/reproduce.sh [BUILD_DIR] [JOBS]   (from the repository root)
set -eu
BUILD=${1:-build}
JOBS=${2:-2}
SIM=$BUILD/sim/gemini-sim
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
R=results/sweeps
F=docs/figures
mkdir -p "$F" results/traces results/placement
for s in fig10-wasted-per-failure fig11-checkpoint-time-vs-bandwidth fig12-checkpoint-frequency \
         fig15a-ettr-vs-failure-rate fig15b-ettr-vs-instances fig16-interleaving cost-128gpu-100b llama3-16k; do
  start=$(date +%s)
  "$SIM" sweep "sweeps/$s.yaml" --jobs "$JOBS" --quiet
  echo "  $s: $(( $(date +%s) - start )) s"
done
# Fig. 9: recovery from CPU memory, N = 16, m = 2, k = 2 and 3 machines lost at once.
for k in 2 3; do "$SIM" placement -N 16 -m 2 -k $k --placement group --json results/placement/n16-m2-k$k.json; done
# One trial of GEMINI's setting as a Chrome trace (trial 2: a software and a hardware failure).
"$SIM" scenarios/gemini-p4d-gpt2-100b.yaml --trials 1 --quiet --trace results/traces/p4d-trial2.json --trace-trial 2 > /dev/null

A=analysis
"$PY" $A/plot_waste.py $R/fig10-wasted-per-failure/sweep.csv --per-failure --by hardware_fraction --log-y \
  --title "Fig. 10: minutes lost per failure (0: software, 1: hardware)" --out $F/fig10-wasted-per-failure.png
"$PY" $A/plot_checkpoint_time.py $R/fig11-checkpoint-time-vs-bandwidth/sweep.csv --x network_gbps \
  --title "Fig. 11: checkpoint time vs instance bandwidth" --out $F/fig11-checkpoint-time.png
"$PY" $A/plot_bars.py $R/fig12-checkpoint-frequency/sweep.csv --metric checkpoint_interval_min --by storage_bandwidth --log-y \
  --ylabel "minutes between checkpoints" --title "Fig. 12: checkpoint interval vs storage bandwidth" --out $F/fig12-checkpoint-frequency.png
"$PY" $A/plot_ettr.py $R/fig15a-ettr-vs-failure-rate/sweep.csv --x cluster_failures_per_day --xlabel "failures per day (16 instances)" \
  --title "Fig. 15a: ETTR vs failures/day (software, 16 p4d)" --out $F/fig15a-ettr-vs-failure-rate.png
"$PY" $A/plot_ettr.py $R/fig15b-ettr-vs-instances/sweep.csv --x machines --log-x --xlabel "p4d instances" \
  --title "Fig. 15b: ETTR vs instances at 1.5%/day (GPT-2 100B)" --out $F/fig15b-ettr-vs-instances.png
"$PY" $A/plot_bars.py $R/fig16-interleaving/sweep.csv --metric iteration_overhead_pct --by network_bandwidth \
  --ylabel "iteration time over no checkpointing (%)" --title "Fig. 16: traffic schemes, GPT-2 40B on 16 p3dn" --out $F/fig16-interleaving.png
"$PY" $A/plot_waste.py $R/cost-128gpu-100b/sweep.csv --by failures.rate \
  --title "128 A100s, GPT-2 100B: wasted GPU-h per week" --out $F/cost-128gpu-100b.png
"$PY" $A/plot_waste.py $R/llama3-16k/sweep.csv --by point --log-y \
  --title "Llama 3 405B, 16,384 H100s, 54 d (0 base, 1 mix, 2 mix+racks)" --out $F/llama3-16k.png
"$PY" $A/plot_timeline.py results/traces/p4d-trial2.json --out $F/timeline-p4d-trial2.png
"$PY" $A/plot_timeline.py results/traces/p4d-trial2.json --window 43.2 44.0 --out $F/timeline-p4d-trial2-zoom.png
