#!/usr/bin/env bash
# Whole-VM speed on the guest workloads (benches/guest): runs each workload
# under `vm run --stats --engine E` for every engine, under qemu-riscv64 and
# natively, takes the best wall time of N runs (interleaved: one run of each
# command per round), checks that every run printed
# the same checksum, and prints a Markdown table with guest instructions (from
# vm's `instructions:` stats line), MIPS, and speed relative to qemu and to
# native code, plus geometric means. A vm that fails or disagrees is reported
# in its row; the table is still produced. A second table gives each
# engine's region compile latency from the same runs' --stats (LLVM regions
# and baseline-tier regions: median and p99 per run, then the median over
# runs), for the engines that compiled anything.
#
# usage: ci/run-guest-bench.sh [--vm PATH] [--build-dir DIR] [--reps N]
#            [--engines "interp jit ..."] [--qemu PATH|none] [--workloads "a b"]
#            [--quick] [--timeout SECONDS] [--output FILE] [--svg FILE] [--strict]
#   --build-dir  CMake build tree holding benches/guest (default build/release)
#   --vm         launcher (default BUILD_DIR/tools/vm/vm)
#   --quick      small iteration counts (smoke run, seconds in total)
#   --svg        also draw the speeds relative to qemu as an SVG bar chart
#                (ci/plot-guest-bench.awk); needs qemu-riscv64
#   --strict     exit 1 if any vm run failed or printed a different checksum
# Exit status: 0 when the table was produced (and, with --strict, vm agreed
# everywhere); 1 when a reference run (qemu or native) failed or disagreed;
# 2 on bad usage or missing files.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
    sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
die() {
    echo "run-guest-bench: $*" >&2
    exit 2
}

# The workloads, in table order, and their --quick counts (argv[1]).
workloads=(alu_loop int_mix memory branchy fp_nbody)
declare -A quick_args=([alu_loop]=5000000 [int_mix]=2 [memory]=2 [branchy]=1 [fp_nbody]=20000)

build_dir="$repo_root/build/release"
vm="" reps=3 engines="interp" qemu="" quick=0 timeout_s=600 output="" svg="" strict=0
selected=""
while (($# > 0)); do
    case $1 in
        --vm) vm=${2:?--vm needs a path}; shift 2 ;;
        --build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
        --reps) reps=${2:?--reps needs a number}; shift 2 ;;
        --engines) engines=${2:?--engines needs a list}; shift 2 ;;
        --qemu) qemu=${2:?--qemu needs a path or none}; shift 2 ;;
        --workloads) selected=${2:?--workloads needs a list}; shift 2 ;;
        --quick) quick=1; shift ;;
        --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
        --output) output=${2:?--output needs a file}; shift 2 ;;
        --svg) svg=${2:?--svg needs a file}; shift 2 ;;
        --strict) strict=1; shift ;;
        -h|--help) usage ;;
        *) echo "run-guest-bench: unknown option '$1'" >&2; usage ;;
    esac
done

[[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive integer, got '$reps'"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive integer, got '$timeout_s'"
[[ -d $build_dir ]] || die "build directory '$build_dir' does not exist (configure and build first, or pass --build-dir)"
build_dir=$(cd "$build_dir" && pwd)
guest_dir=$build_dir/benches/guest/riscv64
native_dir=$build_dir/benches/guest/native
[[ -d $guest_dir ]] || die "no guest workloads in '$guest_dir': build the vm_guest_workloads target (needs VM_BUILD_BENCHES=ON and riscv64-linux-gnu-gcc)"
[[ -n $vm ]] || vm=$build_dir/tools/vm/vm
if [[ ! -x $vm ]]; then
    echo "run-guest-bench: warning: vm launcher '$vm' is not executable; vm columns will show failures" >&2
fi
if [[ -z $qemu ]]; then
    qemu=$(command -v qemu-riscv64 || true)
elif [[ $qemu == none ]]; then
    qemu=""
elif [[ ! -x $qemu ]]; then
    die "qemu '$qemu' is not executable"
fi
[[ -z $svg || -n $qemu ]] || die "--svg needs qemu-riscv64: the chart shows speeds relative to it"
if [[ -n $selected ]]; then
    read -r -a wanted <<<"$selected"
    for w in "${wanted[@]}"; do
        [[ -v quick_args[$w] ]] || die "unknown workload '$w' (known: ${workloads[*]})"
    done
    workloads=("${wanted[@]}")
fi
read -r -a engine_list <<<"$engines"
((${#engine_list[@]} > 0)) || die "--engines is empty"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vm-guest-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
ulimit -c 0

# Each workload's commands (native, qemu, each engine) run in rounds, one
# run of each per round, so every command sees the same moments of a noisy
# shared machine; with all repetitions of one command in a row, a busy
# spell could land on qemu's runs and not vm's (qemu's alu_loop took 1.2 s
# in one series and 2.9 s in the next, minutes apart).
#
# time_once LABEL COMMAND... : one timed run, unless LABEL already failed;
# keeps the lowest time in best_ns_of[LABEL], the first failure's status
# in status_of[LABEL], and this run's stdout/stderr in $scratch/LABEL.out/.err.
declare -A best_ns_of status_of
time_once() {
    local label=$1
    shift
    last_ok=0
    [[ ${status_of[$label]:-0} == 0 ]] || return 0
    local start end elapsed status=0
    start=$(date +%s%N)
    { timeout --kill-after=5 "$timeout_s" "$@" >"$scratch/$label.out" 2>"$scratch/$label.err"; } 2>/dev/null ||
        status=$?
    end=$(date +%s%N)
    if ((status != 0)); then
        status_of[$label]=$status
        return 0
    fi
    elapsed=$((end - start))
    last_ok=1
    if [[ -z ${best_ns_of[$label]:-} ]] || ((elapsed < best_ns_of[$label])); then best_ns_of[$label]=$elapsed; fi
}
# take LABEL: sets best_ns and run_status from LABEL's runs.
take() {
    best_ns=${best_ns_of[$1]:-} run_status=${status_of[$1]:-0}
}

# Region compile latency from a vm run's --stats (its stderr in
# $scratch/LABEL.err): appends this run's figures to the space-separated
# lists in compile_runs[LABEL/FIELD] for FIELD = llvm_n, llvm_median,
# llvm_p99 (ms), baseline_n, baseline_median, baseline_p99 (us), when that
# tier compiled any region.
declare -A compile_runs
collect_compile_stats() { # LABEL
    local err=$scratch/$1.err n median p99
    n=$(sed -n 's/^[[:space:]]*blocks compiled: \([0-9][0-9]*\).*/\1/p' "$err" | head -n 1)
    if [[ -n $n && $n != 0 ]]; then
        read -r median p99 < <(sed -n 's/^[[:space:]]*compile time: total [0-9.]* ms, median \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2/p' "$err" | head -n 1) || true
        if [[ -n ${p99:-} ]]; then
            compile_runs[$1/llvm_n]+=" $n" compile_runs[$1/llvm_median]+=" $median" compile_runs[$1/llvm_p99]+=" $p99"
        fi
    fi
    n=$(sed -n 's/^[[:space:]]*baseline regions: \([0-9][0-9]*\).*/\1/p' "$err" | head -n 1)
    if [[ -n $n && $n != 0 ]]; then
        median="" p99=""
        read -r median p99 < <(sed -n 's/^[[:space:]]*baseline region compile time: total [0-9.]* ms, median \([0-9.]*\) us, p99 \([0-9.]*\) us.*/\1 \2/p' "$err" | head -n 1) || true
        if [[ -n ${p99:-} ]]; then
            compile_runs[$1/baseline_n]+=" $n" compile_runs[$1/baseline_median]+=" $median" compile_runs[$1/baseline_p99]+=" $p99"
        fi
    fi
}
# median_of "x y z" [FORMAT]: the median of the numbers, printed with FORMAT
# (default %.2f).
median_of() {
    tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g |
        awk -v f="${2:-%.2f}" '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f, m }'
}

seconds() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }
# ratio A B -> A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mips() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.1f", n / (ns / 1e3) }'; }
status_text() {
    case $1 in
        124) echo "timed out after ${timeout_s}s" ;;
        126|127) echo "could not run (status $1)" ;;
        *) if (($1 > 128)); then echo "killed by SIG$(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128)))"; else echo "exit status $1"; fi ;;
    esac
}

declare -A log_ratio_sum log_ratio_count # geometric means, keyed by column
add_ratio() { # COLUMN VALUE
    log_ratio_sum[$1]=$(awk -v s="${log_ratio_sum[$1]:-0}" -v v="$2" 'BEGIN { printf "%.12f", s + log(v) }')
    log_ratio_count[$1]=$((${log_ratio_count[$1]:-0} + 1))
}

notes=()
reference_failed=0 vm_failed=0
rows=()
compile_rows=() # the compile latency table's rows
bars=() # --svg: "GROUP<TAB>SERIES<TAB>RATIO vs qemu" per workload

for w in "${workloads[@]}"; do
    program=$guest_dir/$w
    if [[ ! -x $program ]]; then
        notes+=("$w: guest binary $program missing (build vm_guest_workloads)")
        reference_failed=1
        continue
    fi
    args=()
    ((quick)) && args=("${quick_args[$w]}")
    echo "run-guest-bench: $w ${args[*]-}" >&2

    best_ns_of=() status_of=() compile_runs=()
    for ((rep = 0; rep < reps; ++rep)); do
        [[ -x $native_dir/$w ]] && time_once native "$native_dir/$w" "${args[@]}"
        [[ -n $qemu ]] && time_once qemu "$qemu" "$program" "${args[@]}"
        for e in "${engine_list[@]}"; do
            time_once "vm-$e" "$vm" run --stats --engine "$e" "$program" "${args[@]}"
            ((last_ok)) && collect_compile_stats "vm-$e"
        done
    done

    reference="" reference_from=""
    native_ns="" qemu_ns=""
    if [[ -x $native_dir/$w ]]; then
        take native
        if ((run_status == 0)); then
            native_ns=$best_ns reference=$(cat "$scratch/native.out") reference_from=native
        else
            notes+=("$w: native run failed: $(status_text "$run_status")")
            reference_failed=1
        fi
    fi
    if [[ -n $qemu ]]; then
        take qemu
        if ((run_status != 0)); then
            notes+=("$w: qemu-riscv64 failed: $(status_text "$run_status")")
            reference_failed=1
        elif [[ -n $reference && $(cat "$scratch/qemu.out") != "$reference" ]]; then
            notes+=("$w: qemu-riscv64 printed '$(head -c 200 "$scratch/qemu.out")' but native printed '$reference'")
            reference_failed=1
        else
            qemu_ns=$best_ns
            [[ -n $reference ]] || reference=$(cat "$scratch/qemu.out") reference_from=qemu-riscv64
        fi
    fi

    instructions=""
    engine_cells=()
    declare -A engine_ok=() # engines whose runs all succeeded and agreed
    for e in "${engine_list[@]}"; do
        take "vm-$e"
        if ((run_status != 0)); then
            why=$(status_text "$run_status")
            notes+=("$w/$e: vm failed: $why; stderr: $(tail -n 3 "$scratch/vm-$e.err" 2>/dev/null | tr '\n' ' ' | head -c 300)")
            engine_cells+=("failed | – | – | –")
            vm_failed=1
            continue
        fi
        got=$(cat "$scratch/vm-$e.out")
        if [[ -n $reference && $got != "$reference" ]]; then
            notes+=("$w/$e: checksum mismatch: vm printed '$(head -c 200 <<<"$got")', $reference_from printed '$reference'")
            engine_cells+=("WRONG | – | – | –")
            vm_failed=1
            continue
        fi
        count=$(sed -n 's/^[[:space:]]*instructions:[[:space:]]*\([0-9][0-9,_]*\).*/\1/p' "$scratch/vm-$e.err" | head -n 1 | tr -d ',_')
        [[ -n $count && -z $instructions ]] && instructions=$count
        mips_cell="n/a"
        [[ -n $count ]] && mips_cell=$(mips "$count" "$best_ns")
        vs_qemu="n/a" vs_native="n/a"
        if [[ -n $qemu_ns ]]; then
            vs_qemu=$(ratio "$qemu_ns" "$best_ns")
            add_ratio "$e/qemu" "$vs_qemu"
            bars+=("$w"$'\t'"$e"$'\t'"$vs_qemu")
            vs_qemu="${vs_qemu}×"
        fi
        if [[ -n $native_ns ]]; then
            vs_native=$(ratio "$best_ns" "$native_ns")
            add_ratio "$e/native" "$vs_native"
            vs_native="${vs_native}×"
        fi
        engine_cells+=("$(seconds "$best_ns") | $mips_cell | $vs_qemu | $vs_native")
        engine_ok[$e]=1
    done

    for e in "${engine_list[@]}"; do
        [[ -n ${engine_ok[$e]:-} ]] || continue # its failure is in the notes
        llvm_cells="– | – | –" baseline_cells="– | – | –"
        key="vm-$e"
        [[ -n ${compile_runs[$key/llvm_n]:-} ]] &&
            llvm_cells="$(median_of "${compile_runs[$key/llvm_n]}" %g) | $(median_of "${compile_runs[$key/llvm_median]}" %.2f) | $(median_of "${compile_runs[$key/llvm_p99]}" %.2f)"
        [[ -n ${compile_runs[$key/baseline_n]:-} ]] &&
            baseline_cells="$(median_of "${compile_runs[$key/baseline_n]}" %g) | $(median_of "${compile_runs[$key/baseline_median]}" %.0f) | $(median_of "${compile_runs[$key/baseline_p99]}" %.0f)"
        [[ $llvm_cells == "– | – | –" && $baseline_cells == "– | – | –" ]] ||
            compile_rows+=("| $w | $e | $llvm_cells | $baseline_cells |")
    done

    qemu_cells="n/a | n/a"
    if [[ -n $qemu_ns ]]; then
        qemu_mips="n/a"
        [[ -n $instructions ]] && qemu_mips=$(mips "$instructions" "$qemu_ns")
        qemu_cells="$(seconds "$qemu_ns") | $qemu_mips"
    fi
    native_cell="n/a"
    [[ -n $native_ns ]] && native_cell=$(seconds "$native_ns")
    if [[ -n $native_ns && -n $qemu_ns ]]; then
        native_vs_qemu=$(ratio "$qemu_ns" "$native_ns")
        add_ratio native/qemu "$native_vs_qemu"
        bars+=("$w"$'\t'native$'\t'"$native_vs_qemu")
    fi
    row="| $w | ${instructions:-n/a}"
    for cell in "${engine_cells[@]}"; do row+=" | $cell"; done
    row+=" | $qemu_cells | $native_cell |"
    rows+=("$row")
done

geomean() { # COLUMN
    if [[ -n ${log_ratio_count[$1]:-} ]]; then
        awk -v s="${log_ratio_sum[$1]}" -v n="${log_ratio_count[$1]}" 'BEGIN { printf "%.2f×", exp(s / n) }'
    else
        echo "n/a"
    fi
}

report() {
    local mode="full counts"
    ((quick)) && mode="--quick counts"
    echo "## Guest workloads: vm vs qemu-riscv64 vs native"
    echo
    echo "Best of $reps wall-clock runs, $mode, in rounds (one run of each command per round); vm: \`$vm\`; qemu: \`${qemu:-not used}\`."
    echo "MIPS = guest instructions (vm --stats) / time. qemu MIPS uses vm's instruction count."
    echo "\"vs qemu\" = qemu time / engine time (higher is faster); \"× native\" = engine time / native time (slowdown)."
    echo
    local header="| workload | guest instructions" sep="|---|---:"
    for e in "${engine_list[@]}"; do
        header+=" | $e time (s) | $e MIPS | $e vs qemu | $e × native"
        sep+="|---:|---:|---:|---:"
    done
    header+=" | qemu time (s) | qemu MIPS | native time (s) |"
    sep+="|---:|---:|---:|"
    echo "$header"
    echo "$sep"
    printf '%s\n' "${rows[@]+"${rows[@]}"}"
    local cells=("**geometric mean**" "")
    for e in "${engine_list[@]}"; do cells+=("" "" "$(geomean "$e/qemu")" "$(geomean "$e/native")"); done
    cells+=("" "" "")
    local gm="|" cell
    for cell in "${cells[@]}"; do gm+=" $cell |"; done
    echo "$gm"
    if ((${#compile_rows[@]} > 0)); then
        echo
        echo "## Region compile latency"
        echo
        echo "From the same runs' \`vm run --stats\`: each run's median and p99 over the regions it compiled, then the median over the $reps runs (of the region counts too)."
        echo "LLVM: the optimising tier (ms); baseline: the baseline tier's regions (µs). Blocks the baseline tier compiles one at a time are not counted here."
        echo
        echo "| workload | engine | LLVM regions | LLVM median (ms) | LLVM p99 (ms) | baseline regions | baseline median (µs) | baseline p99 (µs) |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|"
        printf '%s\n' "${compile_rows[@]}"
    fi
    if ((${#notes[@]} > 0)); then
        echo
        echo "Notes:"
        for n in "${notes[@]}"; do echo "- $n"; done
    fi
}

if [[ -n $output ]]; then
    report | tee "$output"
else
    report
fi

# chart_data: the --svg chart's input (ci/plot-guest-bench.awk's format).
chart_data() {
    local mode="full counts" cpu qemu_version
    ((quick)) && mode="--quick counts"
    cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
    qemu_version=$("$qemu" --version 2>/dev/null | head -n 1)
    printf 'title\tGuest workloads: vm and native code against qemu-riscv64\n'
    printf 'note\tBest of %s wall-clock runs, %s, %s; %s CPUs %s\n' "$reps" "$mode" "$(date -u +%Y-%m-%d)" "$(nproc)" "${cpu:-unknown}"
    printf 'note\t%s; native: the same C source built for the host\n' "${qemu_version:-qemu-riscv64}"
    printf 'bar\t%s\n' "${bars[@]+"${bars[@]}"}"
    local column
    for column in "${engine_list[@]/%//qemu}" native/qemu; do
        [[ -n ${log_ratio_count[$column]:-} ]] || continue
        printf 'bar\tgeometric mean\t%s\t%s\n' "${column%/qemu}" "$(geomean "$column" | tr -d '×')"
    done
}

if [[ -n $svg ]]; then
    if ((${#bars[@]} == 0)); then
        echo "run-guest-bench: no speeds to draw; $svg not written" >&2
        reference_failed=1
    else
        chart_data >"$scratch/chart.tsv"
        awk -f "$repo_root/ci/plot-guest-bench.awk" "$scratch/chart.tsv" >"$scratch/chart.svg"
        mv "$scratch/chart.svg" "$svg"
        echo "run-guest-bench: chart written to $svg" >&2
    fi
fi

((reference_failed == 0)) || exit 1
((strict == 0 || vm_failed == 0)) || exit 1
exit 0
