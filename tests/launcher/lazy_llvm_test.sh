#!/usr/bin/env bash
# The LLVM tier (libvm-engine-llvm.so, which alone holds LLVM) is loaded
# only when a region must be compiled: not by `vm --version`, not by the
# interpreter or the baseline tier, not by a tiered run that never gets
# hot; `--engine jit` loads it, and without it says why (naming the file)
# and interprets.
# Usage: lazy_llvm_test.sh VM GUEST_HELLO
set -uo pipefail
vm=$1
guest=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# loads NAME yes|no -- ARGS...: runs vm under LD_DEBUG=files and checks
# whether the LLVM module was mapped (and never libLLVM: the module
# carries the LLVM components it uses).
loads() {
  local name=$1 want=$2
  shift 3
  LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld" "$vm" "$@" > "$work/out" 2> "$work/err" || {
    fail "$name: exit status $?"; cat "$work/err"; return; }
  local got=no
  if cat "$work/ld".* | grep -q "libvm-engine-llvm"; then got=yes; fi
  if cat "$work/ld".* | grep -q "libLLVM"; then fail "$name: libLLVM mapped"; fi
  rm -f "$work/ld".*
  if [ "$got" != "$want" ]; then fail "$name: LLVM tier loaded: $got, expected $want"; return; fi
  echo "ok   $name (LLVM tier loaded: $got)"
}

loads version no -- --version
loads interp no -- run --engine interp "$guest"
grep -q "hello" "$work/out" || fail "interp: wrong output: $(cat "$work/out")"
loads tiered_cold no -- run --jit-threshold 1000000 "$guest"
loads baseline no -- run --engine baseline "$guest"
grep -q "hello" "$work/out" || fail "baseline: wrong output: $(cat "$work/out")"
loads jit yes -- run --engine jit --jit-opt 0 "$guest"
grep -q "hello" "$work/out" || fail "jit: wrong output: $(cat "$work/out")"

# A missing module: --engine jit names the file and the loader's reason in
# one line and falls back to the interpreter.
VM_ENGINE_LLVM_MODULE=/nonexistent/libvm-engine-llvm.so "$vm" run --engine jit "$guest" > "$work/out" 2> "$work/err"
status=$?
[ "$status" = 0 ] || fail "missing module: exit status $status"
grep -q "hello" "$work/out" || fail "missing module: wrong output: $(cat "$work/out")"
grep -qE "^vm: cannot load the LLVM JIT tier /nonexistent/libvm-engine-llvm.so: .*No such file.*; using the interpreter$" \
  "$work/err" || fail "missing module: stderr: $(cat "$work/err")"
[ "$(wc -l < "$work/err")" = 1 ] || fail "missing module: expected one line on stderr: $(cat "$work/err")"
[ "$failures" = 0 ] && echo "ok   missing module: $(cat "$work/err")"

# Runs that end while the tier is loading or compiling (every block is
# queued at its first run): vm ends at once with the guest's output and
# status, abandoning the compiler thread (abandon_compiles_at_exit), and
# never crashes or hangs on the way out.
for i in $(seq 1 20); do
  out=$(timeout 20 "$vm" run --jit-threshold 1 --baseline-threshold 0 "$guest" 2> "$work/err")
  status=$?
  if [ "$status" != 0 ] || [ "$out" != "hello" ] || [ -s "$work/err" ]; then
    fail "exit during compile, run $i: status $status, output '$out', stderr: $(cat "$work/err")"
    break
  fi
done
[ "$failures" = 0 ] && echo "ok   20 runs ending while compiling"

echo "$failures failure(s)"
[ "$failures" = 0 ]
