#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need.
# Only Debian's archive is used; nothing is downloaded from anywhere else.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(
  build-essential cmake ninja-build pkg-config git
  catch2 libboost-dev libtomlplusplus-dev libfmt-dev libspdlog-dev libcli11-dev
  nlohmann-json3-dev libbenchmark-dev libfdt-dev libzstd-dev
  llvm-16-dev
  gcc-riscv64-linux-gnu g++-riscv64-linux-gnu
  qemu-user libunicorn-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
