// How signals reach the guest: queued by kill/tgkill, forced by traps, and
// delivered at the next return to user mode (to a handler through a signal
// frame, or by the default action, which may end the process).
#pragma once

#include <string>

#include "process_state.hpp"

namespace vm::engine::linux_user {

// Marks `sig` pending for the process (kill, tgkill, raise).
void queue_signal(ProcessState& ps, int sig, const SignalInfo& info);

// Delivers pending signals the guest does not block, as Linux does on the
// way back to user mode. cpu holds the state the handler will return to.
void deliver_pending_signals(ProcessState& ps, CpuState& cpu);

// A synchronous fault: delivered now even if blocked or ignored (Linux then
// resets it to the default action, which kills). `detail` completes the
// stderr line "vm: guest SIGSEGV<detail>" printed if it kills.
void force_fault_signal(ProcessState& ps, CpuState& cpu, const SignalInfo& info, const std::string& detail);

// Ends the process as killed by `sig`: one line on stderr, status 128+sig.
void terminate_by_signal(ProcessState& ps, int sig, const std::string& detail);

// Ends the process with `status` after printing "vm: <message>".
void terminate_process(ProcessState& ps, int status, const std::string& message);

}  // namespace vm::engine::linux_user
