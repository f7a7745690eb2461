#!/usr/bin/env bash
# Smoke test of bench_vm_engine: every benchmark runs for a moment and none
# reports an error. The jit_vs_interp cases error out when an engine leaves
# different registers or instruction counts than the interpreter, and the
# jit_compile cases when a compilation fails, so this also checks that the
# engines agree on the benchmark programs. Not a timing test.
# usage: smoke_test.sh BENCH_VM_ENGINE
set -uo pipefail
bench=$1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$bench" --benchmark_min_time=0.001 --benchmark_format=json >"$out" 2>"$err"
status=$?
if ((status != 0)); then
    echo "FAIL: $bench exited with status $status; its stderr ends:"
    tail -n 20 "$err"
    exit 1
fi
count=$(grep -c '"run_name"' "$out")
# Each entry's "name" comes before its "error_message" (Google Benchmark JSON).
errors=$(awk '/"name":/ { name = $0 } /"error_message":/ { print name " " $0 }' "$out")
echo "$count benchmarks ran"
if [[ -n $errors ]]; then
    echo "FAIL: benchmarks reported errors:"
    echo "$errors"
    exit 1
fi
listed=$("$bench" --benchmark_list_tests=true | grep -c .)
((count == listed)) || { echo "FAIL: $listed benchmarks listed but $count ran"; exit 1; }
echo "bench_vm_engine smoke test: ok"
