// Signal calls: rt_sigaction, rt_sigprocmask, rt_sigpending, kill/tkill/
// tgkill (to the process itself; there is no other guest process),
// sigaltstack and rt_sigreturn. Signals raised here are delivered by
// Process::handle_ecall on the way back to the guest.
#include <unistd.h>

#include <fmt/format.h>

#include "guest_abi.hpp"
#include "guest_io.hpp"
#include "signal_delivery.hpp"
#include "signal_frame.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

bool valid_signal(std::int64_t sig) { return sig >= 1 && sig <= abi::kNumSignals; }

// sig 0 only checks that the target exists.
std::int64_t send_to_self(SyscallContext& ctx, std::int64_t sig, std::int32_t code) {
  if (sig == 0) return 0;
  if (!valid_signal(sig)) return -EINVAL;
  queue_signal(ctx.ps, static_cast<int>(sig),
               SignalInfo{.signo = static_cast<std::int32_t>(sig),
                          .code = code,
                          .pid = ctx.ps.pid,
                          .uid = static_cast<std::uint32_t>(::getuid())});
  return 0;
}

// The guest's stack_t: ss_sp, ss_flags (int, padded), ss_size.
struct GuestStack {
  std::uint64_t sp;
  std::int32_t flags;
  std::int32_t pad;
  std::uint64_t size;
};
static_assert(sizeof(GuestStack) == 24);

constexpr std::int64_t kSsAutoDisarm = std::int64_t{1} << 31;

}  // namespace

std::int64_t sys_rt_sigaction(SyscallContext& ctx) {
  const std::int64_t sig = int_arg(ctx.arg[0]);
  if (ctx.arg[3] != abi::kSigsetSize || !valid_signal(sig)) return -EINVAL;
  const auto index = static_cast<std::size_t>(sig);
  SignalAction next{};
  if (ctx.arg[1] != 0) {
    if (sig == abi::kSigKill || sig == abi::kSigStop) return -EINVAL;
    if (!read_guest(*ctx.ps.memory, ctx.arg[1], next)) return -EFAULT;
  }
  if (ctx.arg[2] != 0 && !write_guest(*ctx.ps.memory, ctx.arg[2], ctx.ps.signals.actions[index])) return -EFAULT;
  if (ctx.arg[1] != 0) {
    next.mask &= ~kUnblockableSignals;
    ctx.ps.signals.actions[index] = next;
    // Setting SIG_IGN (or SIG_DFL for a default-ignored signal) discards it if pending.
    const bool ignored =
        next.handler == abi::kSigIgn ||
        (next.handler == abi::kSigDfl && default_action(static_cast<int>(sig)) == DefaultAction::kIgnore);
    if (ignored) ctx.ps.signals.pending &= ~signal_bit(static_cast<int>(sig));
  }
  return 0;
}

std::int64_t sys_rt_sigprocmask(SyscallContext& ctx) {
  if (ctx.arg[3] != abi::kSigsetSize) return -EINVAL;
  SignalState& signals = ctx.ps.signals;
  std::uint64_t set = 0;
  if (ctx.arg[1] != 0) {
    if (!read_guest(*ctx.ps.memory, ctx.arg[1], set)) return -EFAULT;
    if (ctx.arg[0] > abi::kSigSetMask) return -EINVAL;
  }
  if (ctx.arg[2] != 0 && !write_guest(*ctx.ps.memory, ctx.arg[2], signals.blocked)) return -EFAULT;
  if (ctx.arg[1] != 0) {
    switch (ctx.arg[0]) {
      case abi::kSigBlock:
        signals.blocked |= set;
        break;
      case abi::kSigUnblock:
        signals.blocked &= ~set;
        break;
      default:
        signals.blocked = set;
        break;
    }
    signals.blocked &= ~kUnblockableSignals;
  }
  return 0;
}

std::int64_t sys_rt_sigpending(SyscallContext& ctx) {
  if (ctx.arg[1] > abi::kSigsetSize) return -EINVAL;
  const std::uint64_t pending = ctx.ps.signals.pending & ctx.ps.signals.blocked;
  return copy_to_guest(*ctx.ps.memory, ctx.arg[0], &pending, ctx.arg[1]) ? 0 : -EFAULT;
}

std::int64_t sys_kill(SyscallContext& ctx) {
  const int pid = int_arg(ctx.arg[0]);
  // 0 (our group) and -1 (everyone we may signal) reach only ourselves.
  if (pid != ctx.ps.pid && pid != 0 && pid != -1) return -ESRCH;
  return send_to_self(ctx, int_arg(ctx.arg[1]), abi::kSiUser);
}

std::int64_t sys_tkill(SyscallContext& ctx) {
  const int tid = int_arg(ctx.arg[0]);
  if (tid <= 0) return -EINVAL;
  if (tid != ctx.ps.pid) return -ESRCH;
  return send_to_self(ctx, int_arg(ctx.arg[1]), abi::kSiTkill);
}

std::int64_t sys_tgkill(SyscallContext& ctx) {
  const int tgid = int_arg(ctx.arg[0]);
  const int tid = int_arg(ctx.arg[1]);
  if (tgid <= 0 || tid <= 0) return -EINVAL;
  if (tgid != ctx.ps.pid || tid != ctx.ps.pid) return -ESRCH;
  return send_to_self(ctx, int_arg(ctx.arg[2]), abi::kSiTkill);
}

std::int64_t sys_sigaltstack(SyscallContext& ctx) {
  AltStack& alt = ctx.ps.signals.alt_stack;
  const std::uint64_t sp = ctx.cpu.x(2);
  GuestStack next{};
  if (ctx.arg[0] != 0 && !read_guest(*ctx.ps.memory, ctx.arg[0], next)) return -EFAULT;
  if (ctx.arg[1] != 0) {
    const GuestStack old{alt.sp, static_cast<std::int32_t>(alt_stack_flags(alt, sp)), 0, alt.size};
    if (!write_guest(*ctx.ps.memory, ctx.arg[1], old)) return -EFAULT;
  }
  if (ctx.arg[0] == 0) return 0;
  if (on_alt_stack(alt, sp)) return -EPERM;
  const std::int64_t mode = next.flags & ~kSsAutoDisarm;
  if (mode == abi::kSsDisable) {
    alt = AltStack{};
    return 0;
  }
  if (mode != 0 && mode != abi::kSsOnStack) return -EINVAL;
  if (next.size < abi::kMinSigStkSz) return -ENOMEM;
  alt = AltStack{.sp = next.sp, .size = next.size, .flags = 0};
  return 0;
}

std::int64_t sys_rt_sigreturn(SyscallContext& ctx) {
  ctx.context_replaced = true;
  if (!pop_signal_frame(ctx.ps, ctx.cpu)) {
    terminate_by_signal(ctx.ps, 11, fmt::format(" (rt_sigreturn: bad signal frame at sp {:#x})", ctx.cpu.x(2)));
    return 0;
  }
  return static_cast<std::int64_t>(ctx.cpu.x(10));
}

}  // namespace vm::engine::linux_user
