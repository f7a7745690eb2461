#!/usr/bin/env bash
# Tests run_guest_test.sh itself, using qemu-riscv64 (through qemu_as_vm.sh)
# as the launcher: correct expectations must pass, and each kind of mismatch
# (stdout, exit status, missing stderr text, qemu disagreeing, a hung guest,
# a missing program) must fail with a message naming it.
#
# usage: runner_selftest.sh RUNNER QEMU_AS_VM QEMU BIN_DIR EXPECTED_DIR
set -euo pipefail

if (($# != 5)); then
    echo "usage: $0 RUNNER QEMU_AS_VM QEMU BIN_DIR EXPECTED_DIR" >&2
    exit 2
fi
runner=$1 wrapper=$2 qemu=$3 bin=$4 expected=$5
export QEMU_RISCV64=$qemu

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vm-runner-selftest.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

passed=0 failed=0

# check NAME WANT_STATUS WANT_TEXT RUNNER_ARGS... : runs the runner and
# requires its exit status and (when WANT_TEXT is not empty) a line of output.
check() {
    local name=$1 want_status=$2 want_text=$3
    shift 3
    local log=$scratch/$name.log status=0
    bash "$runner" "$@" >"$log" 2>&1 || status=$?
    if ((status != want_status)); then
        echo "not ok - $name: runner exited $status, expected $want_status"
        sed 's/^/    /' "$log"
        failed=$((failed + 1))
    elif [[ -n $want_text ]] && ! grep -qF -- "$want_text" "$log"; then
        echo "not ok - $name: runner output lacks '$want_text'"
        sed 's/^/    /' "$log"
        failed=$((failed + 1))
    else
        echo "ok - $name"
        passed=$((passed + 1))
    fi
}

hello=(--program "$bin/hello" --expected-out "$expected/hello.out")
wild=(--program "$bin/wild_pointer" --expected-out "$expected/wild_pointer.out" --expected-status 139)

check pass_plain 0 "guest test hello: ok" --vm "$wrapper" "${hello[@]}"
check pass_with_qemu 0 "qemu exit status: 0" --vm "$wrapper" --qemu "$qemu" "${hello[@]}"
check pass_fault_with_stderr 0 "guest test wild_pointer: ok" --vm "$wrapper" --qemu "$qemu" "${wild[@]}" \
    --vm-stderr-contains "vm: guest SIGSEGV"
check pass_args_env_stdin 0 "guest test args_env_auxv: ok" --vm "$wrapper" --qemu "$qemu" \
    --program "$bin/args_env_auxv" --expected-out "$expected/args_env_auxv.out" \
    --env VM_GUEST_TEST_VAR=set-by-ctest --stdin /dev/null -- first "two words" "ünï" --not-a-vm-option

check fail_wrong_stdout 1 "FAIL: vm stdout differs" --vm "$wrapper" \
    --program "$bin/hello" --expected-out "$expected/exit_code.out"
check fail_wrong_status 1 "FAIL: vm exit status 0, expected 3" --vm "$wrapper" "${hello[@]}" --expected-status 3
check fail_missing_stderr_text 1 "does not contain 'vm: guest SIGILL'" --vm "$wrapper" "${wild[@]}" \
    --vm-stderr-contains "vm: guest SIGILL"
check fail_missing_program 1 "does not exist" --vm "$wrapper" --program "$bin/no_such_program" \
    --expected-out "$expected/hello.out"

# A "qemu" that prints one extra line, and one that exits differently.
cat >"$scratch/chatty_qemu" <<EOF
#!/usr/bin/env bash
"$qemu" "\$@"; status=\$?; echo "extra line"; exit \$status
EOF
cat >"$scratch/failing_qemu" <<EOF
#!/usr/bin/env bash
"$qemu" "\$@"; exit 7
EOF
# A "vm" that never finishes.
cat >"$scratch/hanging_vm" <<'EOF'
#!/usr/bin/env bash
exec sleep 30
EOF
chmod +x "$scratch/chatty_qemu" "$scratch/failing_qemu" "$scratch/hanging_vm"

check fail_qemu_stdout_differs 1 "differs from qemu-riscv64's" --vm "$wrapper" --qemu "$scratch/chatty_qemu" "${hello[@]}"
check pass_qemu_stdout_not_compared 0 "guest test hello: ok" --vm "$wrapper" --qemu "$scratch/chatty_qemu" \
    --no-qemu-stdout "${hello[@]}"
check fail_qemu_status_differs 1 "qemu exit status 7 differs" --vm "$wrapper" --qemu "$scratch/failing_qemu" \
    --no-qemu-stdout "${hello[@]}"
check fail_timeout 1 "timed out" --vm "$scratch/hanging_vm" --timeout 1 "${hello[@]}"
check fail_bad_usage 2 "--vm is required" "${hello[@]}"

echo "$passed passed, $failed failed"
((failed == 0))
