#!/usr/bin/env bash
# End-to-end check of the regression gate (CTest label "bench").
#   e2e_selftest.sh BENCH_SELFTEST VM_BENCH WORK_DIR [TRIALS]
# 1. In each of TRIALS trials, bench_selftest runs normally and with
#    VM_SELFTEST_SLOWDOWN_PCT=15; `vm-bench compare` must exit 1 (regression
#    found) and classify at least two thirds of the benchmarks as slower
#    (regression, high severity or warning). On a quiet machine all 24 are
#    regressions; the margin absorbs a machine loaded far beyond its core
#    count (ctest -j2 next to other builds), where single benchmarks can lose
#    significance or show less than 10%.
# 2. Two normal runs compared with each other must flag (regression, high
#    severity or improvement) fewer than 5% of the benchmarks.
# Runs are interleaved in chunks in ABBA order (normal, slow, slow, normal,
# ...) and the chunks pooled by vm-bench, and Google Benchmark's random
# interleaving spreads each benchmark's repetitions over the run, so load
# from other processes on the machine drifts into both sides alike instead of
# into one.
set -euo pipefail

selftest=$1 vm_bench=$2 work=$3 trials=${4:-3}
reps_per_chunk=3 chunks=4 min_time=0.003
rm -rf "$work"
mkdir -p "$work"

# run_chunks PREFIX SLOWDOWN_A SLOWDOWN_B: chunks of A and B in ABBA order.
run_chunks() {
    local prefix=$1 a=$2 b=$3 chunk order
    for ((chunk = 0; chunk < chunks; chunk++)); do
        order="a b"
        ((chunk % 2)) && order="b a"
        for side in $order; do
            local pct=$a
            [[ $side == b ]] && pct=$b
            mkdir -p "$work/$prefix-$side"
            VM_SELFTEST_SLOWDOWN_PCT=$pct "$selftest" --benchmark_min_time=$min_time \
                --benchmark_repetitions=$reps_per_chunk --benchmark_report_aggregates_only=false \
                --benchmark_out="$work/$prefix-$side/chunk$chunk.json" --benchmark_out_format=json \
                --benchmark_enable_random_interleaving=true >>"$work/bench.log" 2>&1
        done
    done
}

# summary FILE -> "compared regression high warning improvement" from the
# Markdown summary line of vm-bench compare.
summary() {
    sed -n 's/^\([0-9]*\) benchmarks compared: \([0-9]*\) regression, \([0-9]*\) high severity, \([0-9]*\) warning, \([0-9]*\) improvement.*/\1 \2 \3 \4 \5/p' "$1"
}

failed=0
for ((t = 1; t <= trials; t++)); do
    run_chunks "trial$t" 0 15
    set +e
    "$vm_bench" compare "$work/trial$t-a" "$work/trial$t-b" >"$work/trial$t.md" 2>"$work/trial$t.err"
    rc=$?
    set -e
    read -r n reg high warn imp < <(summary "$work/trial$t.md")
    slower=$((reg + high + warn))
    echo "trial $t: 15% slow-down: exit $rc, $((reg + high)) of $n benchmarks regressed ($reg regression, $high high severity), $warn warning"
    if ((rc != 1 || slower * 3 < n * 2)); then
        echo "FAIL: trial $t did not flag the slow-down" >&2
        cat "$work/trial$t.md" >&2
        failed=1
    fi
done

run_chunks self 0 0
set +e
"$vm_bench" compare "$work/self-a" "$work/self-b" >"$work/self.md" 2>"$work/self.err"
rc=$?
set -e
read -r n reg high warn imp < <(summary "$work/self.md")
flagged=$((reg + high + imp))
echo "self-compare: exit $rc, $flagged of $n benchmarks flagged ($reg regression, $high high severity, $imp improvement, $warn warning)"
if ((n == 0 || flagged * 100 >= n * 5)); then
    echo "FAIL: a self-compare flagged 5% or more of the benchmarks" >&2
    cat "$work/self.md" >&2
    failed=1
fi
exit $failed
