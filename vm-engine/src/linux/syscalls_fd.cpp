// Descriptor-table calls: dup, dup3, fcntl, pipe2, ioctl.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>

#include "guest_abi.hpp"
#include "guest_io.hpp"
#include "open_flags.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

// A new host descriptor for the same open file (so guest close() of one
// guest fd leaves the other working, as with dup on Linux).
HostFd duplicate_host(int host) { return HostFd(::fcntl(host, F_DUPFD_CLOEXEC, 0)); }

std::int64_t dup_at_least(SyscallContext& ctx, int guest_fd, std::uint64_t min_fd, bool cloexec) {
  const int host = ctx.ps.fds.host(guest_fd);
  if (host < 0) return -EBADF;
  if (min_fd >= fd_limit(ctx.ps)) return -EINVAL;
  HostFd copy = duplicate_host(host);
  if (!copy.valid()) return -errno;
  return ctx.ps.fds.install(std::move(copy), cloexec, static_cast<int>(min_fd), fd_limit(ctx.ps));
}

// F_GETLK/F_SETLK/F_SETLKW: struct flock is the same 32 bytes on riscv64
// and 64-bit hosts, so it is copied through unchanged.
std::int64_t record_lock(SyscallContext& ctx, int host, int command) {
  struct flock lock {};
  static_assert(sizeof(lock) == 32);
  if (!read_guest(*ctx.ps.memory, ctx.arg[2], lock)) return -EFAULT;
  if (::fcntl(host, command, &lock) < 0) return -errno;
  if (command == F_GETLK && !write_guest(*ctx.ps.memory, ctx.arg[2], lock)) return -EFAULT;
  return 0;
}

enum class IoctlDirection : std::uint8_t { kToGuest, kFromGuest };
struct IoctlEntry {
  std::uint64_t request;
  IoctlDirection direction;
  std::size_t size;
};
constexpr IoctlEntry kIoctls[] = {
#define IOCTL(request, name, direction, size) {request, IoctlDirection::direction, size},
#include "ioctls.inc"
#undef IOCTL
};

}  // namespace

std::int64_t sys_dup(SyscallContext& ctx) { return dup_at_least(ctx, int_arg(ctx.arg[0]), 0, false); }

std::int64_t sys_dup3(SyscallContext& ctx) {
  const int old_fd = int_arg(ctx.arg[0]);
  const int new_fd = int_arg(ctx.arg[1]);
  const std::uint64_t flags = ctx.arg[2];
  if ((flags & ~abi::kOCloexec) != 0 || old_fd == new_fd) return -EINVAL;
  const int host = ctx.ps.fds.host(old_fd);
  if (host < 0 || new_fd < 0 || static_cast<std::uint64_t>(new_fd) >= fd_limit(ctx.ps)) return -EBADF;
  HostFd copy = duplicate_host(host);
  if (!copy.valid()) return -errno;
  ctx.ps.fds.install_at(new_fd, std::move(copy), (flags & abi::kOCloexec) != 0);
  return new_fd;
}

std::int64_t sys_fcntl(SyscallContext& ctx) {
  const int fd = int_arg(ctx.arg[0]);
  const int host = ctx.ps.fds.host(fd);
  if (host < 0) return -EBADF;
  switch (ctx.arg[1]) {
    case abi::kFDupFd:
      return dup_at_least(ctx, fd, ctx.arg[2], false);
    case abi::kFDupFdCloexec:
      return dup_at_least(ctx, fd, ctx.arg[2], true);
    case abi::kFGetFd:
      return ctx.ps.fds.cloexec(fd) ? static_cast<std::int64_t>(abi::kFdCloexec) : 0;
    case abi::kFSetFd:
      ctx.ps.fds.set_cloexec(fd, (ctx.arg[2] & abi::kFdCloexec) != 0);
      return 0;
    case abi::kFGetFl: {
      const int flags = ::fcntl(host, F_GETFL);
      if (flags < 0) return -errno;
      // The riscv64 kernel forces O_LARGEFILE on every open, as x86-64 does,
      // but 64-bit glibc hosts name it 0; report it as Linux would.
      return static_cast<std::int64_t>(guest_open_flags(flags & ~O_CLOEXEC) | 0100000);
    }
    case abi::kFSetFl:
      return host_result(::fcntl(host, F_SETFL, host_open_flags(ctx.arg[2]) & ~O_CLOEXEC));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
      return record_lock(ctx, host, static_cast<int>(ctx.arg[1]));
    default:
      return -EINVAL;
  }
}

std::int64_t sys_pipe2(SyscallContext& ctx) {
  const std::uint64_t flags = ctx.arg[1];
  constexpr std::uint64_t kAllowed = abi::kOCloexec | 04000 /*O_NONBLOCK*/ | 040000 /*O_DIRECT*/;
  if ((flags & ~kAllowed) != 0) return -EINVAL;
  if (!ctx.ps.memory->check(ctx.arg[0], 2 * sizeof(std::int32_t), mem::kPermWrite)) return -EFAULT;
  int ends[2];
  if (::pipe2(ends, host_open_flags(flags) | O_CLOEXEC) < 0) return -errno;
  HostFd read_end(ends[0]);
  HostFd write_end(ends[1]);
  const bool cloexec = (flags & abi::kOCloexec) != 0;
  const int guest_read = ctx.ps.fds.install(std::move(read_end), cloexec, 0, fd_limit(ctx.ps));
  if (guest_read < 0) return guest_read;
  const int guest_write = ctx.ps.fds.install(std::move(write_end), cloexec, 0, fd_limit(ctx.ps));
  if (guest_write < 0) {
    ctx.ps.fds.close(guest_read);
    return guest_write;
  }
  const std::int32_t guest_ends[2] = {guest_read, guest_write};
  copy_to_guest(*ctx.ps.memory, ctx.arg[0], guest_ends, sizeof(guest_ends));  // checked above
  return 0;
}

std::int64_t sys_ioctl(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  const std::uint64_t request = static_cast<std::uint32_t>(ctx.arg[1]);
  for (const IoctlEntry& entry : kIoctls) {
    if (entry.request != request) continue;
    std::array<std::uint8_t, 64> buf{};
    if (entry.direction == IoctlDirection::kFromGuest &&
        !copy_from_guest(*ctx.ps.memory, ctx.arg[2], buf.data(), entry.size)) {
      return -EFAULT;
    }
    if (::ioctl(host, request, buf.data()) < 0) return -errno;
    if (entry.direction == IoctlDirection::kToGuest &&
        !copy_to_guest(*ctx.ps.memory, ctx.arg[2], buf.data(), entry.size)) {
      return -EFAULT;
    }
    return 0;
  }
  return -ENOTTY;
}

}  // namespace vm::engine::linux_user
