#!/usr/bin/env bash
# Runs one guest program end to end under `vm run` and checks it: exit status,
# stdout against an expected file, optionally a text vm must print on stderr,
# and (when a qemu-riscv64 is given) that qemu agrees with vm on the exit status
# and, unless told otherwise, on stdout. Each run gets a fresh working
# directory, so programs that create files never see each other's leftovers.
#
# usage: run_guest_test.sh --vm PATH --program PATH --expected-out FILE
#            [--expected-status N] [--stdin FILE] [--env NAME=VALUE]...
#            [--vm-stderr-contains TEXT] [--qemu PATH] [--no-qemu-stdout]
#            [--timeout SECONDS] [--vm-option OPT]... [--compare-instret]
#            [--seed N] [--] [GUEST_ARGS...]
# --vm-option passes OPT to `vm run` (e.g. --engine jit); --compare-instret
# also runs `vm run --engine interp` and requires the same stdout, exit status
# and retired-instruction count (--stats) as the run with the options.
# --seed N passes `--seed N` to every vm run (repeatable guest randomness).
# Exit status 0 when every check passes, 1 when one fails, 2 on bad usage.
set -uo pipefail

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

die_usage() {
    echo "run_guest_test: $*" >&2
    usage
}

vm="" program="" expected_out="" expected_status=0 stdin_file=/dev/null
stderr_text="" qemu="" compare_qemu_stdout=1 timeout_s=120
env_vars=() guest_args=() vm_options=() compare_instret=0 seed_options=()

while (($# > 0)); do
    case $1 in
        --vm) vm=${2?}; shift 2 ;;
        --program) program=${2?}; shift 2 ;;
        --expected-out) expected_out=${2?}; shift 2 ;;
        --expected-status) expected_status=${2?}; shift 2 ;;
        --stdin) stdin_file=${2?}; shift 2 ;;
        --env) env_vars+=("${2?}"); shift 2 ;;
        --vm-stderr-contains) stderr_text=${2?}; shift 2 ;;
        --qemu) qemu=${2?}; shift 2 ;;
        --no-qemu-stdout) compare_qemu_stdout=0; shift ;;
        --timeout) timeout_s=${2?}; shift 2 ;;
        --vm-option) vm_options+=("${2?}"); shift 2 ;;
        --compare-instret) compare_instret=1; shift ;;
        --seed) seed_options=(--seed "${2?}"); shift 2 ;;
        --) shift; guest_args=("$@"); break ;;
        -h|--help) usage ;;
        *) die_usage "unknown option '$1'" ;;
    esac
done

[[ -n $vm ]] || die_usage "--vm is required"
[[ -n $program ]] || die_usage "--program is required"
[[ -n $expected_out ]] || die_usage "--expected-out is required"
[[ -x $vm ]] || { echo "run_guest_test: vm launcher '$vm' is not an executable file" >&2; exit 1; }
[[ -f $program ]] || { echo "run_guest_test: guest program '$program' does not exist (was vm_guest_programs built?)" >&2; exit 1; }
[[ -f $expected_out ]] || { echo "run_guest_test: expected output '$expected_out' does not exist" >&2; exit 1; }
[[ -r $stdin_file ]] || { echo "run_guest_test: stdin file '$stdin_file' is not readable" >&2; exit 1; }
[[ $expected_status =~ ^[0-9]+$ ]] || die_usage "--expected-status must be a number, got '$expected_status'"
if [[ -n $qemu && ! -x $qemu ]]; then
    echo "run_guest_test: qemu '$qemu' is not an executable file" >&2
    exit 1
fi

# The guest runs in another directory, so every path handed over must be absolute.
absolute() { [[ $1 == /* ]] && printf '%s\n' "$1" || printf '%s/%s\n' "$PWD" "$1"; }
vm=$(absolute "$vm")
program=$(absolute "$program")
expected_out=$(absolute "$expected_out")
stdin_file=$(absolute "$stdin_file")
[[ -z $qemu ]] || qemu=$(absolute "$qemu")

work=$(mktemp -d "${TMPDIR:-/tmp}/vm-guest-test.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
ulimit -c 0 # a guest killed by a signal must not leave a core file behind

# run_one LABEL COMMAND... : runs in $work/LABEL-cwd, leaves $work/LABEL.out,
# $work/LABEL.err and sets $status (128+N when killed by signal N, as a shell
# reports it; 124 when the timeout hit).
run_one() {
    local label=$1
    shift
    mkdir -p "$work/$label-cwd"
    # The outer 2>/dev/null only swallows bash's own "Segmentation fault"
    # notice; the guest's stderr goes to its file.
    {
        env -C "$work/$label-cwd" ${env_vars[@]+"${env_vars[@]}"} \
            timeout --kill-after=5 "$timeout_s" "$@" \
            <"$stdin_file" >"$work/$label.out" 2>"$work/$label.err"
    } 2>/dev/null
    status=$?
}

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

show_stderr() {
    local label=$1
    if [[ -s $work/$label.err ]]; then
        echo "--- $label stderr (first 40 lines) ---"
        head -n 40 "$work/$label.err"
    fi
}

name=$(basename "$program")
echo "guest program: $(printf '%q ' "$program" ${guest_args[@]+"${guest_args[@]}"})"

stats_option=()
((compare_instret)) && stats_option=(--stats)
run_one vm "$vm" run ${stats_option[@]+"${stats_option[@]}"} ${seed_options[@]+"${seed_options[@]}"} \
    ${vm_options[@]+"${vm_options[@]}"} \
    "$program" ${guest_args[@]+"${guest_args[@]}"}
vm_status=$status
echo "vm exit status: $vm_status (expected $expected_status)"
((vm_status == 124)) && fail "vm run timed out after ${timeout_s}s"
((vm_status == expected_status)) || fail "vm exit status $vm_status, expected $expected_status"
if ! diff -u --label "expected/$(basename "$expected_out")" --label "vm stdout ($name)" \
    "$expected_out" "$work/vm.out"; then
    fail "vm stdout differs from $expected_out (diff above)"
fi
if [[ -n $stderr_text ]] && ! grep -qF -- "$stderr_text" "$work/vm.err"; then
    fail "vm stderr does not contain '$stderr_text'"
fi
if ((failures > 0)); then
    show_stderr vm
    # vm reports guest signals itself; a bare signal death is vm crashing.
    if ((vm_status > 128 && vm_status != 124)) && ! grep -q '^vm: guest SIG' "$work/vm.err"; then
        echo "note: vm died from signal $((vm_status - 128)) without a 'vm: guest SIG...' report:" \
            "the host process itself probably crashed"
    fi
fi

# The engine under test must retire exactly what the interpreter retires.
if ((compare_instret)); then
    # Label "rf": its working directory path has the same length as "vm"'s,
    # so programs that look at their cwd retire the same instructions.
    run_one rf "$vm" run --stats --engine interp ${seed_options[@]+"${seed_options[@]}"} \
        "$program" ${guest_args[@]+"${guest_args[@]}"}
    ((status == vm_status)) || fail "interpreter exit status $status differs from $vm_status"
    diff -q "$work/rf.out" "$work/vm.out" >/dev/null || fail "interpreter stdout differs from this engine's"
    ref_insns=$(grep -m1 '^  instructions:' "$work/rf.err")
    vm_insns=$(grep -m1 '^  instructions:' "$work/vm.err")
    echo "retired: interp '${ref_insns# *}', this engine '${vm_insns# *}'"
    [[ -n $vm_insns && $ref_insns == "$vm_insns" ]] || fail "retired-instruction count differs from the interpreter's"
fi

if [[ -n $qemu ]]; then
    run_one qemu "$qemu" "$program" ${guest_args[@]+"${guest_args[@]}"}
    qemu_status=$status
    echo "qemu exit status: $qemu_status"
    ((qemu_status == vm_status)) || fail "qemu exit status $qemu_status differs from vm's $vm_status"
    if ((compare_qemu_stdout)) && ! diff -u --label "qemu stdout ($name)" --label "vm stdout ($name)" \
        "$work/qemu.out" "$work/vm.out"; then
        fail "vm stdout differs from qemu-riscv64's (diff above)"
    fi
fi

if ((failures > 0)); then
    echo "guest test $name: $failures check(s) failed"
    exit 1
fi
echo "guest test $name: ok"
