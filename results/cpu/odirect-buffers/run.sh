#!/usr/bin/env bash
# Does the buffer kind change concurrent O_DIRECT writes on this VM? 4 writers x 64 MiB,
# shared and private buffers alternated 5 times, files in the repository's file system.
# Usage: bash results/cpu/odirect-buffers/run.sh > results/cpu/odirect-buffers/output.txt
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=$(mktemp -d)/concurrent_direct_writes
DIR=$(mktemp -d "$HERE/../../../.odirect-buffers.XXXX")
trap 'rm -rf "$DIR" "$(dirname "$BIN")"' EXIT
g++ -O2 -std=c++17 -o "$BIN" "$HERE/concurrent_direct_writes.cpp"
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) $(nproc) CPUs, $(stat -f -c %T "$DIR")"
for i in 1 2 3 4 5; do "$BIN" 64 shared "$DIR"; "$BIN" 64 private "$DIR"; done
