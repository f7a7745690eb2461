// Process lifetime and scheduling: exit, tid bookkeeping, futex (for the
// single guest thread), affinity, yield, and the identity getters.
#include <sched.h>
#include <unistd.h>

#include <fmt/format.h>

#include <ctime>

#include "guest_abi.hpp"
#include "guest_io.hpp"
#include "shared_file_sync.hpp"
#include "signal_delivery.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

// futex operations (linux/futex.h).
constexpr std::uint64_t kFutexWait = 0, kFutexWake = 1, kFutexRequeue = 3, kFutexCmpRequeue = 4, kFutexWakeOp = 5,
                        kFutexLockPi = 6, kFutexUnlockPi = 7, kFutexTrylockPi = 8, kFutexWaitBitset = 9,
                        kFutexWakeBitset = 10, kFutexLockPi2 = 13;
constexpr std::uint64_t kFutexPrivate = 128, kFutexClockRealtime = 256;
constexpr std::uint32_t kFutexTidMask = 0x3fffffff;

std::int64_t exit_with(SyscallContext& ctx) {
  write_back_shared_files(ctx.ps, 0, ctx.ps.layout.limit);
  ctx.ps.exited = true;
  ctx.ps.exit_status = static_cast<int>(ctx.arg[0] & 0xff);
  return 0;
}

// A wait nobody can end: with one guest thread no FUTEX_WAKE can come. With
// a timeout that is a sleep; without one Linux would hang forever, which is
// reported and ended instead.
std::int64_t wait_alone(SyscallContext& ctx, std::uint64_t op, std::uint64_t uaddr) {
  const std::uint64_t cmd = op & ~(kFutexPrivate | kFutexClockRealtime);
  if (ctx.arg[3] == 0) {
    terminate_process(ctx.ps, 128 + abi::kSigKill,
                      fmt::format("guest deadlock: futex wait on {:#x} with no other thread to wake it", uaddr));
    return 0;
  }
  timespec timeout{};
  if (!read_guest(*ctx.ps.memory, ctx.arg[3], timeout)) return -EFAULT;
  if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000) return -EINVAL;
  if (cmd == kFutexWait) {
    ::clock_nanosleep(CLOCK_MONOTONIC, 0, &timeout, nullptr);  // relative
  } else {
    const clockid_t clock = (op & kFutexClockRealtime) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    ::clock_nanosleep(clock, TIMER_ABSTIME, &timeout, nullptr);
  }
  return -ETIMEDOUT;
}

// FUTEX_WAKE_OP's operation on *uaddr2 (the wake half finds no waiters).
std::int64_t wake_op(SyscallContext& ctx) {
  std::uint32_t old = 0;
  const std::uint64_t uaddr2 = ctx.arg[4];
  if (!ctx.ps.memory->check(uaddr2, 4, mem::kPermRead | mem::kPermWrite)) return -EFAULT;
  read_guest(*ctx.ps.memory, uaddr2, old);
  const auto encoded = static_cast<std::uint32_t>(ctx.arg[5]);
  const unsigned op = (encoded >> 28) & 7;
  std::uint32_t arg = (encoded >> 12) & 0xfff;
  if (((encoded >> 28) & 8) != 0) arg = 1u << (arg & 31);  // FUTEX_OP_OPARG_SHIFT
  std::uint32_t value = old;
  switch (op) {
    case 0:
      value = arg;
      break;  // SET
    case 1:
      value = old + arg;
      break;  // ADD
    case 2:
      value = old | arg;
      break;  // OR
    case 3:
      value = old & ~arg;
      break;  // ANDN
    case 4:
      value = old ^ arg;
      break;  // XOR
    default:
      return -ENOSYS;
  }
  write_guest(*ctx.ps.memory, uaddr2, value);
  return 0;
}

// PI locks for one thread: a free lock is taken, our own is a deadlock.
std::int64_t pi_lock(SyscallContext& ctx, std::uint64_t cmd, std::uint64_t uaddr, std::uint32_t word) {
  const auto tid = static_cast<std::uint32_t>(ctx.ps.pid);
  if (cmd == kFutexUnlockPi) {
    if ((word & kFutexTidMask) != tid) return -EPERM;
    write_guest(*ctx.ps.memory, uaddr, std::uint32_t{0});
    return 0;
  }
  if ((word & kFutexTidMask) == 0) {
    write_guest(*ctx.ps.memory, uaddr, tid | (word & ~kFutexTidMask));
    return 0;
  }
  if ((word & kFutexTidMask) == tid) return -EDEADLK;
  if (cmd == kFutexTrylockPi) return -EAGAIN;
  // The owner is gone (robust futex) or another process: either way nobody here releases it.
  // FUTEX_LOCK_PI's timeout is absolute on CLOCK_REALTIME, LOCK_PI2's on CLOCK_MONOTONIC.
  const std::uint64_t clock = cmd == kFutexLockPi ? kFutexClockRealtime : 0;
  return wait_alone(ctx, kFutexWaitBitset | clock, uaddr);
}

}  // namespace

std::int64_t sys_exit(SyscallContext& ctx) { return exit_with(ctx); }
std::int64_t sys_exit_group(SyscallContext& ctx) { return exit_with(ctx); }

std::int64_t sys_set_tid_address(SyscallContext& ctx) {
  ctx.ps.clear_child_tid = ctx.arg[0];
  return ctx.ps.pid;
}

std::int64_t sys_set_robust_list(SyscallContext& ctx) {
  // struct robust_list_head is 24 bytes; the list only matters when a thread dies.
  return ctx.arg[1] == 24 ? 0 : -EINVAL;
}

std::int64_t sys_futex(SyscallContext& ctx) {
  const std::uint64_t uaddr = ctx.arg[0];
  const std::uint64_t op = ctx.arg[1];
  const std::uint64_t cmd = op & ~(kFutexPrivate | kFutexClockRealtime);
  if ((uaddr & 3) != 0) return -EINVAL;
  std::uint32_t word = 0;
  if (!read_guest(*ctx.ps.memory, uaddr, word)) return -EFAULT;
  const auto val = static_cast<std::uint32_t>(ctx.arg[2]);
  switch (cmd) {
    case kFutexWait:
    case kFutexWaitBitset:
      if (cmd == kFutexWaitBitset && static_cast<std::uint32_t>(ctx.arg[5]) == 0) return -EINVAL;
      if (word != val) return -EAGAIN;
      return wait_alone(ctx, op, uaddr);
    case kFutexWake:
    case kFutexWakeBitset:
    case kFutexRequeue:
      return 0;  // nobody is waiting
    case kFutexCmpRequeue:
      return word == static_cast<std::uint32_t>(ctx.arg[5]) ? 0 : -EAGAIN;
    case kFutexWakeOp:
      return wake_op(ctx);
    case kFutexLockPi:
    case kFutexLockPi2:
    case kFutexUnlockPi:
    case kFutexTrylockPi:
      return pi_lock(ctx, cmd, uaddr, word);
    default:
      return -ENOSYS;
  }
}

std::int64_t sys_sched_getaffinity(SyscallContext& ctx) {
  const int pid = int_arg(ctx.arg[0]);
  if (pid != 0 && pid != ctx.ps.pid) return -ESRCH;
  const std::uint64_t len = ctx.arg[1];
  if (len < sizeof(std::uint64_t) || (len & 7) != 0) return -EINVAL;
  // One hart: CPU 0 only. The kernel writes (and returns) its cpumask size.
  const std::uint64_t mask = 1;
  if (!write_guest(*ctx.ps.memory, ctx.arg[2], mask)) return -EFAULT;
  return sizeof(mask);
}

std::int64_t sys_sched_yield(SyscallContext&) { return 0; }

std::int64_t sys_getpid(SyscallContext& ctx) { return ctx.ps.pid; }
std::int64_t sys_gettid(SyscallContext& ctx) { return ctx.ps.pid; }  // the only thread is the leader
std::int64_t sys_getppid(SyscallContext&) { return ::getppid(); }
std::int64_t sys_getuid(SyscallContext&) { return ::getuid(); }
std::int64_t sys_geteuid(SyscallContext&) { return ::geteuid(); }
std::int64_t sys_getgid(SyscallContext&) { return ::getgid(); }
std::int64_t sys_getegid(SyscallContext&) { return ::getegid(); }

}  // namespace vm::engine::linux_user
