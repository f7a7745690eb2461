#!/bin/sh
# `vm perf show` / `vm perf check` on fixed stats files: a 30% slower syscall
# must be flagged (exit 1, named with its change), a self-compare must pass,
# and bad input must exit 2 naming the file.
set -u
vm="$1"
data="$2"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$vm" perf show "$data/perf_base.json") || fail "perf show exited $?"
echo "$out" | grep -q "^syscall  *15 " || fail "perf show lacks the syscall row: $out"

out=$("$vm" perf check --baseline "$data/perf_base.json" --threshold 20 "$data/perf_slow_syscall.json")
rc=$?
[ "$rc" -eq 1 ] || fail "regression not flagged (exit $rc): $out"
echo "$out" | grep -q "^syscall .*REGRESSED +30.0% (limit 20%)" || fail "syscall not named: $out"
echo "$out" | grep -q "^block_translated .* ok" || fail "block_translated (+4%) should pass: $out"
echo "$out" | grep -q "1 event(s) regressed" || fail "summary: $out"

"$vm" perf check --baseline "$data/perf_base.json" --threshold 20 --event-threshold syscall=35 \
  "$data/perf_slow_syscall.json" >/dev/null || fail "per-event threshold 35% should pass"
"$vm" perf check --baseline "$data/perf_base.json" --threshold 20 "$data/perf_base.json" >/dev/null ||
  fail "self-compare flagged"

err=$("$vm" perf check --baseline "$data/missing.json" "$data/perf_base.json" 2>&1)
rc=$?
[ "$rc" -eq 2 ] || fail "missing baseline: exit $rc"
echo "$err" | grep -q "missing.json" || fail "missing baseline not named: $err"
echo "ok"
