#!/usr/bin/env bash
# gemini-sim compare with every rank of a disk save paying the all-at-once writers' cost
# (--disk-overlap all-at-once, compare's model from 2026-11-28 00:49 to 11-29 05:40) and with the
# ranks finishing together after their measured write starts (finish-together, the default since),
# on every committed session: the AMD EPYC VM's (results/cpu/compare-vm/ and repeat-HHMM/) and
# the Intel Xeon VM's (repeat-xeon-HHMM/), each with its own profile and, where kept, its rested
# profile; the fitted lines; current build.
# Offline: no benchmark runs. Writes <session>-<profile>-{all-at-once,finish-together}.json (not
# committed) and summary.txt here.
# Usage: bash results/cpu/compare-vm/disk-overlap-ablation/run.sh [BUILD_DIR]
set -euo pipefail
bash results/cpu/compare-vm/ablation.sh "${1:-build}" results/cpu/compare-vm/disk-overlap-ablation \
  all-at-once "--disk-overlap all-at-once" finish-together "--disk-overlap finish-together" 'repeat-*' \
  "disk saves all at once vs finishing together after the ranks' measured write starts"
