#include "signal_delivery.hpp"

#include <fmt/format.h>

#include "signal_frame.hpp"

namespace vm::engine::linux_user {
namespace {

// The default action of `sig`, applied. Returns true if the process ended.
bool apply_default(ProcessState& ps, int sig, const std::string& detail) {
  switch (default_action(sig)) {
    case DefaultAction::kTerminate:
    case DefaultAction::kCoreDump:
      terminate_by_signal(ps, sig, detail);
      return true;
    case DefaultAction::kIgnore:
    case DefaultAction::kContinue:
    case DefaultAction::kStop:  // nothing could resume a stopped VM: treated as ignored
      return false;
  }
  return false;
}

// Runs the guest's disposition of one signal. Returns true if the process ended.
bool deliver(ProcessState& ps, CpuState& cpu, int sig, const SignalInfo& info, const std::string& detail) {
  const SignalAction action = ps.signals.actions[static_cast<std::size_t>(sig)];
  if (action.handler == abi::kSigIgn) return false;
  if (action.handler == abi::kSigDfl) return apply_default(ps, sig, detail);
  if (!push_signal_frame(ps, cpu, sig, info, action)) {
    // Linux's force_sigsegv: a handler that cannot get a frame kills.
    terminate_by_signal(ps, 11, fmt::format(" (no room for the {} frame below sp {:#x})", signal_name(sig), cpu.x(2)));
    return true;
  }
  return false;
}

}  // namespace

void queue_signal(ProcessState& ps, int sig, const SignalInfo& info) {
  ps.signals.pending |= signal_bit(sig);
  ps.signals.pending_info[static_cast<std::size_t>(sig)] = info;
}

void deliver_pending_signals(ProcessState& ps, CpuState& cpu) {
  // Lowest number first, as Linux picks synchronous-ish signals first.
  while (!ps.exited) {
    const std::uint64_t ready = ps.signals.pending & ~ps.signals.blocked;
    if (ready == 0) return;
    const int sig = __builtin_ctzll(ready) + 1;
    ps.signals.pending &= ~signal_bit(sig);
    const SignalInfo info = ps.signals.pending_info[static_cast<std::size_t>(sig)];
    const char* cause = info.cause != nullptr ? info.cause : "sent by the guest";
    if (deliver(ps, cpu, sig, info, fmt::format(" at pc {:#x} ({})", cpu.pc, cause))) return;
  }
}

void force_fault_signal(ProcessState& ps, CpuState& cpu, const SignalInfo& info, const std::string& detail) {
  const int sig = info.signo;
  SignalAction& action = ps.signals.actions[static_cast<std::size_t>(sig)];
  // force_sig_info: a blocked or ignored fault cannot be held off; it kills.
  if ((ps.signals.blocked & signal_bit(sig)) != 0 || action.handler == abi::kSigIgn) {
    action = SignalAction{};
    ps.signals.blocked &= ~signal_bit(sig);
  }
  deliver(ps, cpu, sig, info, detail);
}

void terminate_by_signal(ProcessState& ps, int sig, const std::string& detail) {
  terminate_process(ps, 128 + sig, fmt::format("guest {}{}", signal_name(sig), detail));
}

void terminate_process(ProcessState& ps, int status, const std::string& message) {
  fmt::print(stderr, "vm: {}\n", message);
  ps.exited = true;
  ps.exit_status = status;
}

}  // namespace vm::engine::linux_user
