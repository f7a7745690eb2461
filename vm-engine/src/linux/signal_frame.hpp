// The riscv64 rt signal frame: siginfo then ucontext (saved registers, FP
// state, blocked mask, alternate stack) pushed on the guest stack when a
// handler runs, and read back by rt_sigreturn.
#pragma once

#include "process_state.hpp"

namespace vm::engine::linux_user {

// Builds the frame for `sig` below the current (or alternate) stack and
// points cpu at the handler: pc = handler, ra = the sigreturn trampoline,
// sp = frame, a0 = sig, a1 = &siginfo, a2 = &ucontext. Updates the blocked
// mask per the action. False if the frame cannot be written.
bool push_signal_frame(ProcessState& ps, CpuState& cpu, int sig, const SignalInfo& info, const SignalAction& action);

// rt_sigreturn: restores registers, FP state, blocked mask and alternate
// stack from the frame at sp. False if the frame cannot be read.
bool pop_signal_frame(ProcessState& ps, CpuState& cpu);

}  // namespace vm::engine::linux_user
