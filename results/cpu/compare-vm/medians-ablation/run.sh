#!/usr/bin/env bash
# gemini-sim compare from the profile's fitted lines and from the same calibration's medians at
# each run's size (--medians), on every committed session of the AMD EPYC VM
# (results/cpu/compare-vm/ and its repeat-HHMM/; repeat-xeon-*: another machine kind), each with
# its own profile and, where kept, its rested profile; current build.
# Offline: no benchmark runs. Writes <session>-<profile>-{fit,medians}.json (not committed) and
# summary.txt here.
# Usage: bash results/cpu/compare-vm/medians-ablation/run.sh [BUILD_DIR]
set -euo pipefail
bash results/cpu/compare-vm/ablation.sh "${1:-build}" results/cpu/compare-vm/medians-ablation \
  fit "" medians "--medians @PROFILE@.json" 'repeat-*' \
  "fitted lines (fit) vs the calibration's medians at the run's size (medians)"
