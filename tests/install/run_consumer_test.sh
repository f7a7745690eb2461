#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, builds the vm::mem-only
# consumer against it, runs it, and proves that neither LLVM nor vm-engine
# (nor any other heavier vm library) ends up in the consumer's link.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/consumer" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" > "$work/build.log" || { cat "$work/build.log"; exit 1; }

out=$(LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib64:${LD_LIBRARY_PATH:-}" "$work/build/consumer")
[ "$out" = "hello from vm::mem" ] || { echo "unexpected consumer output: $out"; exit 1; }

# The link line and the resolved shared objects must not mention LLVM or
# any vm library other than mem and core.
needed=$(readelf -d "$work/build/consumer" | grep NEEDED || true)
libs=$(LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib64" ldd "$work/build/consumer")
echo "$needed"
for forbidden in LLVM vm-engine vm-cross_arch vm-optimizers vm-device; do
  if grep -q -- "$forbidden" <<<"$needed$libs"; then
    echo "FAIL: consumer of vm::mem pulls in $forbidden"
    echo "$libs"
    exit 1
  fi
done
grep -q "libvm-mem" <<<"$needed" || { echo "FAIL: consumer does not link libvm-mem"; exit 1; }
echo "PASS: vm::mem consumer built and ran; no LLVM, no vm-engine"
