// What the guest learns about its system: uname, sysinfo, resource limits
// and usage, umask, getrandom (host entropy or a seeded stream), and
// riscv_hwprobe (the ISA this VM runs).
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>

#include "guest_io.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

// struct new_utsname: six 65-byte fields.
struct GuestUtsname {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
static_assert(sizeof(GuestUtsname) == 390);

void set_field(char (&field)[65], const char* value) {
  std::strncpy(field, value, sizeof(field) - 1);
  field[sizeof(field) - 1] = '\0';
}

std::int64_t check_self(const SyscallContext& ctx, std::uint64_t pid) {
  const int p = int_arg(pid);
  return (p == 0 || p == ctx.ps.pid) ? 0 : -ESRCH;
}

// Get and/or set one limit in the guest's own table (the host's limits are
// left alone: they belong to the whole VM).
std::int64_t exchange_rlimit(SyscallContext& ctx, std::uint64_t resource, std::uint64_t new_addr,
                             std::uint64_t old_addr) {
  if (resource >= kNumResourceLimits) return -EINVAL;
  ResourceLimit next{};
  if (new_addr != 0) {
    if (!read_guest(*ctx.ps.memory, new_addr, next)) return -EFAULT;
    if (next.cur > next.max) return -EINVAL;
  }
  ResourceLimit& limit = ctx.ps.rlimits[resource];
  if (old_addr != 0 && !write_guest(*ctx.ps.memory, old_addr, limit)) return -EFAULT;
  if (new_addr != 0) limit = next;
  return 0;
}

// riscv_hwprobe keys and values (asm/hwprobe.h).
constexpr std::int64_t kHwprobeMvendorId = 0, kHwprobeMarchId = 1, kHwprobeMimpId = 2, kHwprobeBaseBehavior = 3,
                       kHwprobeImaExt0 = 4, kHwprobeCpuPerf0 = 5, kHwprobeZicbozBlockSize = 6,
                       kHwprobeHighestVirtAddress = 7;
constexpr std::uint64_t kBaseBehaviorIma = 1;
constexpr std::uint64_t kImaFd = 1u << 0, kImaC = 1u << 1;
constexpr std::uint64_t kMisalignedUnknown = 0;

bool hwprobe_value(const ProcessState& ps, std::int64_t key, std::uint64_t& value) {
  switch (key) {
    case kHwprobeMvendorId:
    case kHwprobeMarchId:
    case kHwprobeMimpId:
    case kHwprobeZicbozBlockSize:  // no Zicboz
      value = 0;
      return true;
    case kHwprobeBaseBehavior:
      value = kBaseBehaviorIma;
      return true;
    case kHwprobeImaExt0:
      value = kImaFd | kImaC;
      return true;
    case kHwprobeCpuPerf0:
      value = kMisalignedUnknown;
      return true;
    case kHwprobeHighestVirtAddress:
      value = ps.layout.limit - 1;
      return true;
    default:
      return false;
  }
}

}  // namespace

std::int64_t sys_uname(SyscallContext& ctx) {
  GuestUtsname name{};
  struct utsname host {};
  ::uname(&host);
  set_field(name.sysname, "Linux");
  set_field(name.nodename, host.nodename);
  set_field(name.release, "6.1.0");
  set_field(name.version, "#1 SMP vm");
  set_field(name.machine, "riscv64");
  set_field(name.domainname, "(none)");
  return write_guest(*ctx.ps.memory, ctx.arg[0], name) ? 0 : -EFAULT;
}

std::int64_t sys_sysinfo(SyscallContext& ctx) {
  struct sysinfo info {};
  if (::sysinfo(&info) < 0) return -errno;
  info.procs = 1;
  return write_guest(*ctx.ps.memory, ctx.arg[0], info) ? 0 : -EFAULT;
}

std::int64_t sys_getrlimit(SyscallContext& ctx) { return exchange_rlimit(ctx, ctx.arg[0], 0, ctx.arg[1]); }
std::int64_t sys_setrlimit(SyscallContext& ctx) { return exchange_rlimit(ctx, ctx.arg[0], ctx.arg[1], 0); }

std::int64_t sys_prlimit64(SyscallContext& ctx) {
  if (const std::int64_t err = check_self(ctx, ctx.arg[0]); err != 0) return err;
  return exchange_rlimit(ctx, ctx.arg[1], ctx.arg[2], ctx.arg[3]);
}

std::int64_t sys_getrusage(SyscallContext& ctx) {
  const int who = int_arg(ctx.arg[0]);
  struct rusage usage {};
  if (who == RUSAGE_SELF || who == RUSAGE_THREAD) {
    // The VM's own usage is the guest's (one hart, one thread).
    if (::getrusage(who, &usage) < 0) return -errno;
  } else if (who != RUSAGE_CHILDREN) {
    return -EINVAL;  // the guest has no children: their usage is all zero
  }
  return write_guest(*ctx.ps.memory, ctx.arg[1], usage) ? 0 : -EFAULT;
}

std::int64_t sys_umask(SyscallContext& ctx) {
  const std::uint32_t old = ctx.ps.umask;
  ctx.ps.umask = static_cast<std::uint32_t>(ctx.arg[0]) & 0777;
  return old;
}

std::int64_t sys_getrandom(SyscallContext& ctx) {
  constexpr std::uint64_t kKnownFlags = 1 | 2 | 4;  // GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE
  if ((ctx.arg[2] & ~kKnownFlags) != 0) return -EINVAL;
  std::uint64_t len = std::min<std::uint64_t>(ctx.arg[1], 0x1ffffff);  // Linux caps one call at 32 MiB
  if (len == 0) return 0;
  len = accessible_prefix(*ctx.ps.memory, ctx.arg[0], len, mem::kPermWrite);
  std::uint8_t* buf = ctx.ps.memory->host_ptr(ctx.arg[0], len, mem::kPermWrite);
  if (len == 0 || buf == nullptr) return -EFAULT;
  return ctx.ps.random.fill(buf, len, static_cast<unsigned>(ctx.arg[2] & 3));
}

std::int64_t sys_riscv_hwprobe(SyscallContext& ctx) {
  if (ctx.arg[4] != 0) return -EINVAL;  // flags: none defined for this interface version
  const std::uint64_t pairs = ctx.arg[0];
  const std::uint64_t count = ctx.arg[1];
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t addr = pairs + i * 16;
    std::int64_t key = 0;
    if (!read_guest(*ctx.ps.memory, addr, key)) return -EFAULT;
    std::uint64_t value = 0;
    if (!hwprobe_value(ctx.ps, key, value)) key = -1;  // unknown keys are flagged, value 0
    const std::uint64_t pair[2] = {static_cast<std::uint64_t>(key), value};
    if (!copy_to_guest(*ctx.ps.memory, addr, pair, sizeof(pair))) return -EFAULT;
  }
  return 0;
}

}  // namespace vm::engine::linux_user
