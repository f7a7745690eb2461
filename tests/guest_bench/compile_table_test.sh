#!/usr/bin/env bash
# Tests the region compile latency table of ci/run-guest-bench.sh: a stand-in
# vm runs the native build of each workload (so its checksum agrees) and
# prints --stats compile lines whose figures differ from run to run; the
# table must show the median over the runs, no row for an engine that
# compiled nothing, and no row for an engine whose runs failed (the main
# table's notes report it).
# usage: compile_table_test.sh REPO_ROOT BUILD_DIR
set -euo pipefail
repo_root=${1:?repo root}
build_dir=${2:?build dir}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vm-compile-table.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

cat >"$scratch/fake_vm.sh" <<'FAKE'
#!/usr/bin/env bash
# fake_vm.sh run --stats --engine E PROGRAM ARGS...: runs native/PROGRAM.
set -euo pipefail
[[ $1 == run && $2 == --stats && $3 == --engine ]] || exit 2
engine=$4 program=$5
shift 5
native=$(dirname "$(dirname "$program")")/native/$(basename "$program")
counter=$FAKE_STATE/$engine
k=$(($(cat "$counter" 2>/dev/null || echo 0) + 1))
echo "$k" >"$counter"
# Run k's figures: run 2 has the largest, run 3 the middle ones.
llvm_median=(0 1.0 3.0 2.0) llvm_p99=(0 10 30 20) llvm_n=(0 4 6 5)
base_median=(0 50 70 60) base_p99=(0 100 300 200) base_n=(0 2 4 3)
# "broken" fails its second run, after printing outlying figures.
if [[ $engine == broken && $k == 2 ]]; then
    echo "  blocks compiled: 99 (0 failed, 1 guest instructions)" >&2
    echo "  compile time: total 1.000 ms, median 99.000 ms, p99 99.000 ms" >&2
    exit 1
fi
"$native" "$@"
echo "  instructions: 1000" >&2
case $engine in
    interp) ;;
    idle)
        echo "  blocks compiled: 0 (0 failed, 0 guest instructions)" >&2
        echo "  compile time: total 0.000 ms, median 0.000 ms, p99 0.000 ms" >&2 ;;
    *)
        if [[ $engine != jit ]]; then
            echo "  baseline block compile time: total 1.000 ms, median 9.0 us, p99 99.0 us" >&2
            echo "  baseline regions: ${base_n[k]} (8 KiB of code)" >&2
            echo "  baseline region compile time: total 0.100 ms, median ${base_median[k]}.0 us, p99 ${base_p99[k]}.0 us" >&2
        fi
        echo "  blocks compiled: ${llvm_n[k]} (0 failed, 100 guest instructions)" >&2
        echo "  compile time: total 9.000 ms, median ${llvm_median[k]}00 ms, p99 ${llvm_p99[k]}.000 ms" >&2 ;;
esac
FAKE
chmod +x "$scratch/fake_vm.sh"
mkdir "$scratch/state"

failures=0
out=$(FAKE_STATE=$scratch/state bash "$repo_root/ci/run-guest-bench.sh" --build-dir "$build_dir" \
    --vm "$scratch/fake_vm.sh" --qemu none --workloads alu_loop --quick --reps 3 \
    --engines "interp idle jit tiered broken" 2>"$scratch/stderr") || {
    echo "FAIL: run-guest-bench exited with $?; stderr:" >&2
    cat "$scratch/stderr" >&2
    exit 1
}
expect() {
    if ! grep -qxF -- "$1" <<<"$out"; then
        echo "FAIL: missing line: $1" >&2
        failures=$((failures + 1))
    fi
}
reject() {
    if grep -qF -- "$1" <<<"$out"; then
        echo "FAIL: unexpected: $1" >&2
        failures=$((failures + 1))
    fi
}
expect "## Region compile latency"
expect "| alu_loop | jit | 5 | 2.00 | 20.00 | – | – | – |"
expect "| alu_loop | tiered | 5 | 2.00 | 20.00 | 3 | 60 | 200 |"
reject "| alu_loop | interp |"
reject "| alu_loop | idle |"
reject "| alu_loop | broken |"
if ((failures > 0)); then
    echo "output was:" >&2
    echo "$out" >&2
    exit 1
fi
echo "compile latency table: ok"
