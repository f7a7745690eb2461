#!/usr/bin/env bash
# Runs every per-library Google Benchmark executable (bench_vm_*) of a build
# tree and writes one Google Benchmark JSON per executable, keeping the raw
# repetitions (what `vm-bench compare` tests), with progress on stderr.
#
# usage: ci/run-benchmarks.sh [--mode quick|full|ci] [--filter REGEX]
#            [--build-dir DIR] [--out DIR] [--compare BASELINE]
#   --mode       quick: 0.05 s per repetition, 3 repetitions (a developer's
#                       smoke run; 3 vs 3 repetitions can never be significant
#                       for the U test, so compare only reports warnings)
#                full:  1 s per repetition, 10 repetitions
#                ci:    0.2 s per repetition, 9 repetitions (what the gate uses)
#                (default quick)
#   --filter     only benchmarks whose name matches REGEX (--benchmark_filter)
#   --build-dir  build tree holding benches/*/bench_vm_* (default build/release)
#   --out        output directory (default BUILD_DIR/bench-results/MODE)
#   --compare    afterwards run `vm-bench compare BASELINE OUT` and exit with
#                its status (1 on regression)
# Exit status: 0 success, 1 a benchmark executable failed (or --compare found
# a regression), 2 bad usage or nothing to run.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() {
    sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
die() {
    echo "run-benchmarks: $*" >&2
    exit 2
}

mode=quick filter="" build_dir="$repo_root/build/release" out="" compare=""
while (($# > 0)); do
    case $1 in
        --mode) mode=${2:?--mode needs quick, full or ci}; shift 2 ;;
        --filter) filter=${2:?--filter needs a regex}; shift 2 ;;
        --build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        --compare) compare=${2:?--compare needs a baseline}; shift 2 ;;
        -h|--help) usage ;;
        *) echo "run-benchmarks: unknown option '$1'" >&2; usage ;;
    esac
done

case $mode in
    quick) min_time=0.05 reps=3 ;;
    full) min_time=1 reps=10 ;;
    ci) min_time=0.2 reps=9 ;;
    *) die "--mode must be quick, full or ci, got '$mode'" ;;
esac
[[ -d $build_dir ]] || die "build directory '$build_dir' does not exist (cmake --preset release && cmake --build --preset release, or pass --build-dir)"
build_dir=$(cd "$build_dir" && pwd)
[[ -n $out ]] || out=$build_dir/bench-results/$mode
mkdir -p "$out"

mapfile -t executables < <(find "$build_dir/benches" -maxdepth 2 -type f -name 'bench_vm_*' -perm -u+x 2>/dev/null | sort)
((${#executables[@]} > 0)) || die "no bench_vm_* executables under $build_dir/benches (configure with -DVM_BUILD_BENCHES=ON and build them)"

filter_args=()
[[ -n $filter ]] && filter_args=(--benchmark_filter="$filter")

echo "run-benchmarks: mode $mode ($reps repetitions of ${min_time} s), ${#executables[@]} executables, results in $out" >&2
start=$(date +%s)
failed=0 written=0 index=0
for exe in "${executables[@]}"; do
    index=$((index + 1))
    name=$(basename "$exe")
    count=$("$exe" --benchmark_list_tests=true "${filter_args[@]}" 2>/dev/null | grep -c . || true)
    elapsed=$(($(date +%s) - start))
    if ((count == 0)); then
        echo "[$index/${#executables[@]}] $name: no benchmark matches, skipped (${elapsed} s elapsed)" >&2
        continue
    fi
    echo "[$index/${#executables[@]}] $name: $count benchmarks x $reps repetitions (${elapsed} s elapsed)" >&2
    # The console table (one line per repetition as it finishes) goes to
    # stderr as progress; the JSON file gets every repetition.
    if "$exe" "${filter_args[@]}" --benchmark_min_time="$min_time" --benchmark_repetitions="$reps" \
        --benchmark_report_aggregates_only=false --benchmark_display_aggregates_only=false \
        --benchmark_out="$out/$name.json" --benchmark_out_format=json >&2; then
        written=$((written + 1))
    else
        echo "run-benchmarks: $name failed (exit $?)" >&2
        failed=1
    fi
done
echo "run-benchmarks: wrote $written result files to $out in $(($(date +%s) - start)) s" >&2

if [[ -n $compare ]]; then
    vm_bench=$build_dir/tools/vm-bench/vm-bench
    [[ -x $vm_bench ]] || die "vm-bench not built at $vm_bench"
    set +e
    "$vm_bench" compare "$compare" "$out"
    status=$?
    set -e
    ((status != 0)) && exit "$status"
fi
exit $failed
