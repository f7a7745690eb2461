#!/usr/bin/env bash
# Stand-in for the `vm` launcher built on qemu-riscv64, used to test the test
# runners themselves (run_guest_test.sh, ci/run-guest-bench.sh) while vm cannot
# run programs yet, or to compare against qemu. It accepts
#   qemu_as_vm.sh run [--stats] [--engine E|--engine=E] [--seed N] [--] PROGRAM [ARGS...]
# runs PROGRAM under qemu-riscv64 ($QEMU_RISCV64 overrides which one; --seed
# becomes its -seed) and, like vm, exits with the guest's status and names a
# fatal guest signal on stderr as "vm: guest SIG<NAME> ...". It cannot count
# guest instructions, so --stats prints only the wall time and never an
# `instructions:` line.
set -uo pipefail

if (($# == 0)) || [[ $1 != run ]]; then
    echo "usage: $0 run [--stats] [--engine E] PROGRAM [ARGS...]" >&2
    exit 2
fi
shift

stats=0 qemu_options=()
while (($# > 0)); do
    case $1 in
        --stats) stats=1; shift ;;
        --engine) shift 2 ;;
        --engine=*) shift ;;
        --seed) qemu_options+=(-seed "${2?}"); shift 2 ;;
        --) shift; break ;;
        -*) echo "qemu_as_vm: option '$1' is not supported by this stand-in" >&2; exit 2 ;;
        *) break ;;
    esac
done
(($# > 0)) || { echo "qemu_as_vm: no guest program given" >&2; exit 2; }

qemu=${QEMU_RISCV64:-qemu-riscv64}
start_ns=$(date +%s%N)
# The outer 2>/dev/null only swallows bash's own "Segmentation fault" notice;
# qemu's stderr still reaches ours through fd 3.
exec 3>&2
{ "$qemu" ${qemu_options[@]+"${qemu_options[@]}"} "$@" 2>&3; } 2>/dev/null
status=$?
exec 3>&-
end_ns=$(date +%s%N)

if ((status > 128 && status < 160)); then
    signal=$(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))
    echo "vm: guest SIG$signal (reported by the qemu-riscv64 stand-in, exit status $status)" >&2
fi
if ((stats)); then
    echo "wall time: $(((end_ns - start_ns) / 1000000)) ms (qemu stand-in: no instruction count)" >&2
fi
exit "$status"
