#include "signal_frame.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "guest_abi.hpp"
#include "guest_io.hpp"

namespace vm::engine::linux_user {
namespace {

static_assert(std::endian::native == std::endian::little, "frames are assembled in host byte order");

using Frame = std::array<std::uint8_t, abi::kSigFrameSize>;

template <typename T>
void put(Frame& frame, std::uint64_t offset, T value) {
  std::memcpy(frame.data() + offset, &value, sizeof(T));
}
template <typename T>
T get(const Frame& frame, std::uint64_t offset) {
  T value;
  std::memcpy(&value, frame.data() + offset, sizeof(T));
  return value;
}

constexpr std::uint64_t kStackSpOff = abi::kUcontextOffset + abi::kUcStackOff;
constexpr std::uint64_t kStackFlagsOff = kStackSpOff + 8;
constexpr std::uint64_t kStackSizeOff = kStackSpOff + 16;
constexpr std::uint64_t kSigmaskOff = abi::kUcontextOffset + abi::kUcSigmaskOff;
constexpr std::uint64_t kRegsOff = abi::kUcontextOffset + abi::kUcMcontextOff;
constexpr std::uint64_t kFpOff = kRegsOff + abi::kMcFpOff;
constexpr std::uint64_t kFcsrOff = kRegsOff + abi::kMcFcsrOff;

void write_siginfo(Frame& frame, const SignalInfo& info) {
  put<std::int32_t>(frame, 0, info.signo);
  put<std::int32_t>(frame, 4, 0);  // si_errno
  put<std::int32_t>(frame, 8, info.code);
  if (info.code > 0) {
    put<std::uint64_t>(frame, 16, info.addr);  // fault: si_addr
  } else {
    put<std::int32_t>(frame, 16, info.pid);  // kill/tkill: si_pid, si_uid
    put<std::uint32_t>(frame, 20, info.uid);
  }
}

void write_context(Frame& frame, const CpuState& cpu, const ProcessState& ps) {
  const AltStack& alt = ps.signals.alt_stack;
  put<std::uint64_t>(frame, kStackSpOff, alt.sp);
  put<std::int32_t>(frame, kStackFlagsOff, static_cast<std::int32_t>(alt_stack_flags(alt, cpu.x(2))));
  put<std::uint64_t>(frame, kStackSizeOff, alt.size);
  put<std::uint64_t>(frame, kSigmaskOff, ps.signals.blocked);
  put<std::uint64_t>(frame, kRegsOff, cpu.pc);
  for (unsigned r = 1; r < 32; ++r) put<std::uint64_t>(frame, kRegsOff + 8 * r, cpu.x(r));
  for (unsigned r = 0; r < 32; ++r) put<std::uint64_t>(frame, kFpOff + 8 * r, cpu.f(r));
  put<std::uint32_t>(frame, kFcsrOff, cpu.fcsr);
}

}  // namespace

bool push_signal_frame(ProcessState& ps, CpuState& cpu, int sig, const SignalInfo& info, const SignalAction& action) {
  const AltStack& alt = ps.signals.alt_stack;
  std::uint64_t sp = cpu.x(2);
  if ((action.flags & abi::kSaOnStack) != 0 && alt_stack_flags(alt, sp) == 0) sp = alt.sp + alt.size;
  const std::uint64_t frame_addr = (sp - abi::kSigFrameSize) & ~std::uint64_t{15};

  Frame frame{};
  write_siginfo(frame, info);
  write_context(frame, cpu, ps);
  if (!copy_to_guest(*ps.memory, frame_addr, frame.data(), frame.size())) return false;

  cpu.pc = action.handler;
  cpu.x(1) = ps.layout.sigreturn_trampoline;
  cpu.x(2) = frame_addr;
  cpu.x(10) = static_cast<std::uint64_t>(sig);
  cpu.x(11) = frame_addr;
  cpu.x(12) = frame_addr + abi::kUcontextOffset;
  cpu.reservation = kNoReservation;  // a trap breaks any LR/SC pair

  std::uint64_t blocked = ps.signals.blocked | action.mask;
  if ((action.flags & abi::kSaNoDefer) == 0) blocked |= signal_bit(sig);
  ps.signals.blocked = blocked & ~kUnblockableSignals;
  if ((action.flags & abi::kSaResetHand) != 0) ps.signals.actions[static_cast<std::size_t>(sig)] = SignalAction{};
  return true;
}

bool pop_signal_frame(ProcessState& ps, CpuState& cpu) {
  Frame frame{};
  const std::uint64_t frame_sp = cpu.x(2);
  if (!copy_from_guest(*ps.memory, frame_sp, frame.data(), frame.size())) return false;
  cpu.pc = get<std::uint64_t>(frame, kRegsOff);
  for (unsigned r = 1; r < 32; ++r) cpu.x(r) = get<std::uint64_t>(frame, kRegsOff + 8 * r);
  for (unsigned r = 0; r < 32; ++r) cpu.f(r) = get<std::uint64_t>(frame, kFpOff + 8 * r);
  cpu.fcsr = get<std::uint32_t>(frame, kFcsrOff) & 0xff;
  cpu.reservation = kNoReservation;
  ps.signals.blocked = get<std::uint64_t>(frame, kSigmaskOff) & ~kUnblockableSignals;

  // restore_altstack(): a handler may have changed uc_stack to switch stacks.
  const auto flags = static_cast<std::int64_t>(get<std::int32_t>(frame, kStackFlagsOff));
  const std::uint64_t alt_sp = get<std::uint64_t>(frame, kStackSpOff);
  const std::uint64_t alt_size = get<std::uint64_t>(frame, kStackSizeOff);
  // Like sigaltstack(), it cannot change the stack it is running on.
  if (!on_alt_stack(ps.signals.alt_stack, frame_sp)) {
    if ((flags & abi::kSsDisable) != 0) {
      ps.signals.alt_stack = AltStack{};
    } else if (alt_size >= abi::kMinSigStkSz) {
      ps.signals.alt_stack = AltStack{.sp = alt_sp, .size = alt_size, .flags = 0};
    }
  }
  return true;
}

}  // namespace vm::engine::linux_user
