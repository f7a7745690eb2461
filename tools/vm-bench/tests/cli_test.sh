#!/usr/bin/env bash
# Command-line behaviour of vm-bench: exit statuses, error messages that name
# the file, listed name mismatches, and a save-baseline -> compare round trip.
#   cli_test.sh VM_BENCH WORK_DIR
set -euo pipefail
vm_bench=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

value() { awk -v s="$1" -v i="$2" 'BEGIN { printf "%.6f", s * (100 + i) }'; }

# gb_json FILE SCALE NAME...: Google Benchmark JSON, 10 repetitions per name,
# cpu_time = SCALE * (100 + repetition index).
gb_json() {
    local file=$1 scale=$2 sep="" name i
    shift 2
    {
        echo '{"context": {"date": "2026-11-23T00:00:00+00:00"}, "benchmarks": ['
        for name in "$@"; do
            for i in 0 1 2 3 4 5 6 7 8 9; do
                printf '%s{"name": "%s", "run_name": "%s", "run_type": "iteration", "repetition_index": %d, "cpu_time": %s, "real_time": %s, "time_unit": "ns"}\n' \
                    "$sep" "$name" "$name" $i "$(value "$scale" $i)" "$(value "$scale" $i)"
                sep=,
            done
        done
        echo ']}'
    } >"$file"
}

# expect STATUS COMMAND...: runs COMMAND, checks the exit status, keeps stderr.
expect() {
    local want=$1
    shift
    set +e
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    set -e
    ((got == want)) || { cat "$work/out" "$work/err" >&2; fail "expected exit $want, got $got: $*"; }
}

gb_json "$work/base.json" 1 core/a/x core/a/y
gb_json "$work/same.json" 1.001 core/a/x core/a/y
gb_json "$work/slow.json" 1.3 core/a/x core/a/y
gb_json "$work/other.json" 1 mem/b/z

expect 2 "$vm_bench" compare "$work/missing.json" "$work/base.json"
grep -q "$work/missing.json: cannot open" "$work/err" || fail "missing file not named"

printf '{"benchmarks": [\n  {"name": }\n]}\n' >"$work/bad.json"
expect 2 "$vm_bench" compare "$work/base.json" "$work/bad.json"
grep -q "$work/bad.json:2:12: malformed JSON" "$work/err" || fail "malformed JSON position not reported: $(cat "$work/err")"

expect 2 "$vm_bench" compare "$work/base.json" "$work/other.json"
grep -q "core/a/x" "$work/err" && grep -q "mem/b/z" "$work/err" && grep -q "another benchmark set" "$work/err" ||
    fail "mismatched names not listed"

expect 0 "$vm_bench" save-baseline before "$work/base.json" --dir "$work/baselines" --commit c0ffee
[[ -f $work/baselines/before.json ]] || fail "baseline not written"
grep -q '"commit": "c0ffee"' "$work/baselines/before.json" || fail "commit not recorded"

expect 0 "$vm_bench" compare before "$work/same.json" --baseline-dir "$work/baselines" --json "$work/cmp.json"
grep -q '"classification": "stable"' "$work/cmp.json" || fail "0.1% change not stable"

expect 1 "$vm_bench" compare before "$work/slow.json" --baseline-dir "$work/baselines" --github "$work/gh.json"
grep -q "high severity" "$work/out" || fail "30% slow-down not high severity"
grep -q '"unit": "ns"' "$work/gh.json" || fail "customSmallerIsBetter output missing"

# Raising the thresholds turns the same 30% into a pass.
expect 0 "$vm_bench" compare before "$work/slow.json" --baseline-dir "$work/baselines" --regression 40 --high-severity 50

expect 0 "$vm_bench" report "$work/slow.json" --baseline "$work/baselines/before.json" -o "$work/report.md"
grep -q "^## core" "$work/report.md" || fail "report has no core section"

expect 0 "$vm_bench" trend "$work/base.json" --csv "$work/h.csv" --svg-dir "$work/svg" --timestamp 2026-01-01T00:00:00Z --commit a
expect 0 "$vm_bench" trend "$work/slow.json" --csv "$work/h.csv" --svg-dir "$work/svg" --timestamp 2026-01-02T00:00:00Z --commit b
[[ $(wc -l <"$work/h.csv") == 5 ]] || fail "trend CSV should have a header and 4 rows"
grep -q "<polyline" "$work/svg/core_a.svg" || fail "no chart for core/a"
echo "vm-bench CLI: all checks passed"
