#include "signal_state.hpp"

#include <fmt/format.h>

namespace vm::engine::linux_user {
namespace {

struct SignalFacts {
  const char* name;
  DefaultAction action;
};

constexpr std::array<SignalFacts, 32> kSignals = [] {
  std::array<SignalFacts, 32> table{};
#define SIGNAL(number, name, action) table[number] = {#name, DefaultAction::action};
#include "signals.inc"
#undef SIGNAL
  return table;
}();

}  // namespace

std::string signal_name(int sig) {
  if (sig > 0 && sig < static_cast<int>(kSignals.size())) return kSignals[static_cast<std::size_t>(sig)].name;
  if (sig >= 32 && sig <= abi::kNumSignals) return fmt::format("SIGRT{}", sig - 32);
  return fmt::format("signal {}", sig);
}

DefaultAction default_action(int sig) {
  if (sig > 0 && sig < static_cast<int>(kSignals.size())) return kSignals[static_cast<std::size_t>(sig)].action;
  return DefaultAction::kTerminate;  // real-time signals
}

}  // namespace vm::engine::linux_user
