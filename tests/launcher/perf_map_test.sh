#!/usr/bin/env bash
# `vm run --perf-map` writes /tmp/perf-PID.map: one "ADDR SIZE NAME" line
# per compiled block, named by guest pc, baseline code marked ".baseline";
# without the flag no map is written.
# Usage: perf_map_test.sh VM GUEST_HELLO
set -uo pipefail
vm=$1
guest=$2
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# run ARGS...: runs vm in the background to learn its pid; sets $map.
run() {
  "$vm" run "$@" "$guest" > /dev/null 2>&1 &
  local pid=$!
  wait "$pid" || fail "vm run $*: exit status $?"
  map=/tmp/perf-$pid.map
}

run --perf-map --engine jit --jit-opt 0
if [ -f "$map" ]; then
  grep -qE '^[0-9a-f]+ [0-9a-f]+ guest_0x[0-9a-f]+$' "$map" || fail "jit: no LLVM region lines in $map: $(head -3 "$map")"
  if grep -vqE '^[0-9a-f]+ [0-9a-f]+ guest_0x[0-9a-f]+(\.baseline)?$' "$map"; then
    fail "jit: malformed line: $(grep -vE '^[0-9a-f]+ [0-9a-f]+ guest_0x' "$map" | head -1)"
  fi
  rm -f "$map"
else
  fail "jit: no $map"
fi

run --perf-map --engine baseline
if [ -f "$map" ]; then
  grep -qE '^[0-9a-f]+ [0-9a-f]+ guest_0x[0-9a-f]+\.baseline$' "$map" || fail "baseline: no .baseline lines in $map"
  rm -f "$map"
else
  fail "baseline: no $map"
fi

run --engine baseline
[ -f "$map" ] && { fail "a map was written without --perf-map"; rm -f "$map"; }

[ "$failures" = 0 ] && echo "ok   perf map"
echo "$failures failure(s)"
[ "$failures" = 0 ]
