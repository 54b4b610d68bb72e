#!/usr/bin/env bash
# Installs the Debian packages gemini-sim needs; idempotent (skips what is already there).
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config
      libsimgrid-dev libyaml-cpp-dev libeigen3-dev libcli11-dev nlohmann-json3-dev libgtest-dev
      libtorch-dev libopenblas0-pthread libgloo-dev
      python3 python3-matplotlib python3-pandas python3-numpy python3-yaml
      clang libclang-rt-14-dev)  # clang + libFuzzer: scripts/fuzz.sh
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "install-deps: all packages present"; exit 0; fi
echo "install-deps: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
