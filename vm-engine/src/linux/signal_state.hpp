// The guest's signal bookkeeping (actions, blocked mask, pending signals,
// alternate stack) and the facts about each signal number.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "guest_abi.hpp"

namespace vm::engine::linux_user {

enum class DefaultAction : std::uint8_t { kTerminate, kCoreDump, kIgnore, kStop, kContinue };

// "SIGSEGV", or "SIGRT5" / "signal 99" for the rest.
std::string signal_name(int sig);
DefaultAction default_action(int sig);

constexpr std::uint64_t signal_bit(int sig) { return std::uint64_t{1} << (sig - 1); }
// SIGKILL and SIGSTOP can be neither caught, blocked nor ignored.
inline constexpr std::uint64_t kUnblockableSignals = signal_bit(abi::kSigKill) | signal_bit(abi::kSigStop);

// The guest's struct sigaction (riscv64 has no sa_restorer).
struct SignalAction {
  std::uint64_t handler = abi::kSigDfl;
  std::uint64_t flags = 0;
  std::uint64_t mask = 0;
};

// What the guest's handler receives in its siginfo_t.
struct SignalInfo {
  std::int32_t signo = 0;
  std::int32_t code = 0;
  std::uint64_t addr = 0;  // si_addr for faults
  std::int32_t pid = 0;    // si_pid / si_uid for kill()
  std::uint32_t uid = 0;
  const char* cause = nullptr;  // for the report if it kills; nullptr: the guest sent it
};

struct AltStack {
  std::uint64_t sp = 0;
  std::uint64_t size = 0;
  std::int64_t flags = abi::kSsDisable;
};

inline bool on_alt_stack(const AltStack& alt, std::uint64_t sp) {
  return alt.flags != abi::kSsDisable && sp > alt.sp && sp - alt.sp <= alt.size;
}

// Linux's sas_ss_flags(): what uc_stack.ss_flags and sigaltstack() report
// for a thread whose stack pointer is `sp`.
inline std::int64_t alt_stack_flags(const AltStack& alt, std::uint64_t sp) {
  if (alt.flags == abi::kSsDisable || alt.size == 0) return abi::kSsDisable;
  return on_alt_stack(alt, sp) ? abi::kSsOnStack : 0;
}

struct SignalState {
  std::array<SignalAction, abi::kNumSignals + 1> actions{};  // indexed by signal number
  std::uint64_t blocked = 0;
  std::uint64_t pending = 0;
  std::array<SignalInfo, abi::kNumSignals + 1> pending_info{};
  AltStack alt_stack;
};

}  // namespace vm::engine::linux_user
