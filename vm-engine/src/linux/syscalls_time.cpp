// Clocks and sleeping: clock_gettime/getres, gettimeofday, times, nanosleep,
// clock_nanosleep. timespec and timeval are the same 16 bytes on riscv64
// and the host, so values are copied as they are.
#include <sys/time.h>
#include <sys/times.h>

#include <ctime>

#include "guest_io.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

constexpr long kNanosPerSecond = 1000000000;

std::int64_t read_timespec(const SyscallContext& ctx, std::uint64_t addr, timespec& out) {
  if (!read_guest(*ctx.ps.memory, addr, out)) return -EFAULT;
  if (out.tv_sec < 0 || out.tv_nsec < 0 || out.tv_nsec >= kNanosPerSecond) return -EINVAL;
  return 0;
}

// Negative clock ids are the CPU clocks of a process or thread (~pid << 3 |
// type): the guest may read its own, but must not probe host processes.
std::int64_t check_clock(const SyscallContext& ctx, std::uint64_t reg, clockid_t& out) {
  const int id = int_arg(reg);
  out = static_cast<clockid_t>(id);
  if (id >= 0) return 0;
  const int pid = ~id >> 3;
  return (pid == 0 || pid == ctx.ps.pid) ? 0 : -EINVAL;
}

}  // namespace

std::int64_t sys_clock_gettime(SyscallContext& ctx) {
  timespec now{};
  clockid_t clock{};
  if (const std::int64_t err = check_clock(ctx, ctx.arg[0], clock); err != 0) return err;
  if (::clock_gettime(clock, &now) < 0) return -errno;
  return write_guest(*ctx.ps.memory, ctx.arg[1], now) ? 0 : -EFAULT;
}

std::int64_t sys_clock_getres(SyscallContext& ctx) {
  timespec res{};
  clockid_t clock{};
  if (const std::int64_t err = check_clock(ctx, ctx.arg[0], clock); err != 0) return err;
  if (::clock_getres(clock, &res) < 0) return -errno;
  if (ctx.arg[1] == 0) return 0;
  return write_guest(*ctx.ps.memory, ctx.arg[1], res) ? 0 : -EFAULT;
}

std::int64_t sys_gettimeofday(SyscallContext& ctx) {
  timeval now{};
  ::gettimeofday(&now, nullptr);
  if (ctx.arg[0] != 0 && !write_guest(*ctx.ps.memory, ctx.arg[0], now)) return -EFAULT;
  // struct timezone is obsolete; Linux reports what settimeofday stored, normally zeros.
  const std::int32_t zone[2] = {0, 0};
  if (ctx.arg[1] != 0 && !copy_to_guest(*ctx.ps.memory, ctx.arg[1], zone, sizeof(zone))) return -EFAULT;
  return 0;
}

std::int64_t sys_times(SyscallContext& ctx) {
  struct tms usage {};
  const clock_t ticks = ::times(&usage);
  if (ctx.arg[0] != 0 && !write_guest(*ctx.ps.memory, ctx.arg[0], usage)) return -EFAULT;
  return static_cast<std::int64_t>(ticks);
}

std::int64_t sys_nanosleep(SyscallContext& ctx) {
  timespec request{};
  if (const std::int64_t err = read_timespec(ctx, ctx.arg[0], request); err != 0) return err;
  timespec remaining{};
  if (::nanosleep(&request, &remaining) == 0) return 0;
  const std::int64_t err = -errno;
  if (err == -EINTR && ctx.arg[1] != 0) write_guest(*ctx.ps.memory, ctx.arg[1], remaining);
  return err;
}

std::int64_t sys_clock_nanosleep(SyscallContext& ctx) {
  timespec request{};
  if (const std::int64_t err = read_timespec(ctx, ctx.arg[2], request); err != 0) return err;
  const int flags = int_arg(ctx.arg[1]);
  timespec remaining{};
  // Returns the error number directly, not -1/errno.
  clockid_t clock{};
  if (const std::int64_t bad = check_clock(ctx, ctx.arg[0], clock); bad != 0) return bad;
  const int err = ::clock_nanosleep(clock, flags, &request, &remaining);
  if (err == EINTR && (flags & TIMER_ABSTIME) == 0 && ctx.arg[3] != 0) {
    write_guest(*ctx.ps.memory, ctx.arg[3], remaining);
  }
  return -err;
}

}  // namespace vm::engine::linux_user
