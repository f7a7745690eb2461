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

# The LLVM tier is a module installed next to libvm-engine, which must not
# link LLVM itself (it dlopens the module on first need).
libdir=$(dirname "$(ls "$work"/prefix/lib*/libvm-engine.so.0 | head -1)")
[ -f "$libdir/libvm-engine-llvm.so" ] || { echo "FAIL: libvm-engine-llvm.so not installed next to libvm-engine"; exit 1; }
if readelf -d "$libdir/libvm-engine.so.0" | grep NEEDED | grep -q LLVM; then
  echo "FAIL: installed libvm-engine links LLVM"; exit 1
fi
# The module holds the LLVM components it uses, hidden: it needs no libLLVM
# and exports no LLVM symbol.
if readelf -d "$libdir/libvm-engine-llvm.so" | grep NEEDED | grep -q LLVM; then
  echo "FAIL: the module needs the shared libLLVM"; exit 1
fi
if nm -D --defined-only "$libdir/libvm-engine-llvm.so" | grep -q " T _ZN4llvm"; then
  echo "FAIL: the module exports LLVM functions"; exit 1
fi
# The installed launcher finds the installed module (when the guest test
# program was built).
hello="$build_dir/tests/launcher/hello_static"
if [ -x "$hello" ] && [ -x "$work/prefix/bin/vm" ]; then
  out=$(LD_LIBRARY_PATH="$libdir" LD_DEBUG=files "$work/prefix/bin/vm" run --engine jit --jit-opt 0 "$hello" 2> "$work/ld")
  [ "$out" = "hello" ] || { echo "FAIL: installed vm --engine jit printed: $out"; cat "$work/ld" | grep -v "^ *[0-9]*:"; exit 1; }
  grep -q "file=$libdir/libvm-engine-llvm.so .*dynamically loaded" "$work/ld" ||
    { echo "FAIL: installed vm did not load the installed module"; grep "file=" "$work/ld"; exit 1; }
  echo "installed vm --engine jit loaded $libdir/libvm-engine-llvm.so"
fi
echo "PASS: vm::mem consumer built and ran; no LLVM, no vm-engine; LLVM tier installed as a module"
