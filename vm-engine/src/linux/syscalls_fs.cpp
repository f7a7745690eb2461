// Descriptor I/O: open, close, read/write and their vector and positioned
// forms, lseek, truncate, sync. Data moves straight between the host and
// checked guest pages (host_ptr after check), never through an unchecked
// guest pointer.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "guest_abi.hpp"
#include "guest_io.hpp"
#include "host_sigpipe.hpp"
#include "open_flags.hpp"
#include "proc_files.hpp"
#include "signal_delivery.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

// Linux's MAX_RW_COUNT: one call moves at most INT_MAX rounded down to a page.
constexpr std::uint64_t kMaxRwCount = 0x7ffff000;
constexpr std::uint64_t kIovMax = 1024;

// Host pointer and length for a guest buffer of `len` bytes: as much of it as
// is accessible (Linux stops at the first bad page), or nullptr if none is.
std::uint8_t* guest_buffer(const ProcessState& ps, std::uint64_t addr, std::uint64_t& len, std::uint8_t need) {
  len = accessible_prefix(*ps.memory, addr, std::min(len, kMaxRwCount), need);
  return len == 0 ? nullptr : ps.memory->host_ptr(addr, len, need);
}

using HostIo = ssize_t (*)(int, void*, std::size_t, off_t, bool);

ssize_t plain_read(int fd, void* buf, std::size_t len, off_t, bool) { return ::read(fd, buf, len); }
ssize_t plain_write(int fd, void* buf, std::size_t len, off_t, bool) {
  const SigpipeShield shield;
  return ::write(fd, buf, len);
}
ssize_t positioned_read(int fd, void* buf, std::size_t len, off_t off, bool) { return ::pread(fd, buf, len, off); }
ssize_t positioned_write(int fd, void* buf, std::size_t len, off_t off, bool) {
  const SigpipeShield shield;
  return ::pwrite(fd, buf, len, off);
}

// read/write/pread64/pwrite64: `into_guest` means the guest buffer is the
// destination (read), which needs write permission on its pages.
std::int64_t transfer(SyscallContext& ctx, HostIo io, bool into_guest, bool positioned) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  const auto offset = static_cast<off_t>(ctx.arg[3]);
  if (positioned && offset < 0) return -EINVAL;
  std::uint64_t len = ctx.arg[2];
  if (len == 0) {
    char none = 0;
    return host_result(io(host, &none, 0, offset, positioned));
  }
  std::uint8_t* buf = guest_buffer(ctx.ps, ctx.arg[1], len, into_guest ? mem::kPermWrite : mem::kPermRead);
  if (buf == nullptr) return -EFAULT;
  return host_result(io(host, buf, len, offset, positioned));
}

// readv/writev: the guest iovec array becomes a host one over checked pages.
std::int64_t vector_transfer(SyscallContext& ctx, bool into_guest) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  const std::uint64_t count = ctx.arg[2];
  if (count > kIovMax) return -EINVAL;
  std::vector<iovec> guest_iov(count);
  if (count != 0 && !copy_from_guest(*ctx.ps.memory, ctx.arg[1], guest_iov.data(), count * sizeof(iovec))) {
    return -EFAULT;
  }
  std::vector<iovec> host_iov;
  std::uint64_t total = 0;
  for (const iovec& entry : guest_iov) {
    std::uint64_t len = std::min<std::uint64_t>(entry.iov_len, kMaxRwCount - total);
    if (len == 0) continue;
    const auto base = reinterpret_cast<std::uint64_t>(entry.iov_base);
    std::uint64_t want = len;
    std::uint8_t* buf = guest_buffer(ctx.ps, base, len, into_guest ? mem::kPermWrite : mem::kPermRead);
    if (buf == nullptr) break;
    host_iov.push_back({buf, len});
    total += len;
    if (len < want || total == kMaxRwCount) break;
  }
  if (host_iov.empty() && total == 0) {
    // Nothing accessible: an error if the guest asked for any bytes at all.
    for (const iovec& entry : guest_iov) {
      if (entry.iov_len != 0) return -EFAULT;
    }
  }
  const int n = static_cast<int>(host_iov.size());
  if (into_guest) return host_result(::readv(host, host_iov.data(), n));
  const SigpipeShield shield;
  return host_result(::writev(host, host_iov.data(), n));
}

// Linux sends SIGPIPE along with EPIPE to a writer whose reader is gone.
std::int64_t raise_sigpipe_on_epipe(SyscallContext& ctx, std::int64_t result) {
  if (result == -EPIPE) {
    queue_signal(ctx.ps, 13,
                 SignalInfo{.signo = 13,
                            .code = abi::kSiUser,
                            .pid = ctx.ps.pid,
                            .uid = static_cast<std::uint32_t>(::getuid()),
                            .cause = "broken pipe"});
  }
  return result;
}

}  // namespace

std::int64_t sys_openat(SyscallContext& ctx) {
  const int dir = host_dirfd(ctx.ps, ctx.arg[0]);
  std::string path;
  if (const std::int64_t err = read_path_arg(ctx.ps, ctx.arg[1], path); err != 0) return err;
  if (dir < 0 && path.rfind('/', 0) != 0) return -EBADF;
  const std::uint64_t flags = ctx.arg[2];
  HostFd synthesised;
  if (auto opened = open_proc_file(ctx.ps, path, synthesised)) {
    if (*opened < 0) return *opened;
    return ctx.ps.fds.install(std::move(synthesised), (flags & abi::kOCloexec) != 0, 0, fd_limit(ctx.ps));
  }
  // Host descriptors are always close-on-exec; the guest's flag is bookkeeping.
  const int host_flags = host_open_flags(flags) | O_CLOEXEC;
  const auto mode = static_cast<mode_t>(ctx.arg[3] & 07777 & ~ctx.ps.umask);
  const int host = ::openat(dir, path.c_str(), host_flags, mode);
  if (host < 0) return -errno;
  return ctx.ps.fds.install(HostFd(host), (flags & abi::kOCloexec) != 0, 0, fd_limit(ctx.ps));
}

std::int64_t sys_close(SyscallContext& ctx) { return ctx.ps.fds.close(int_arg(ctx.arg[0])) ? 0 : -EBADF; }

std::int64_t sys_read(SyscallContext& ctx) { return transfer(ctx, plain_read, true, false); }
std::int64_t sys_write(SyscallContext& ctx) {
  return raise_sigpipe_on_epipe(ctx, transfer(ctx, plain_write, false, false));
}
std::int64_t sys_pread64(SyscallContext& ctx) { return transfer(ctx, positioned_read, true, true); }
std::int64_t sys_pwrite64(SyscallContext& ctx) {
  return raise_sigpipe_on_epipe(ctx, transfer(ctx, positioned_write, false, true));
}
std::int64_t sys_readv(SyscallContext& ctx) { return vector_transfer(ctx, true); }
std::int64_t sys_writev(SyscallContext& ctx) { return raise_sigpipe_on_epipe(ctx, vector_transfer(ctx, false)); }

std::int64_t sys_lseek(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  return host_result(::lseek(host, static_cast<off_t>(ctx.arg[1]), int_arg(ctx.arg[2])));
}

std::int64_t sys_truncate(SyscallContext& ctx) {
  std::string path;
  if (const std::int64_t err = read_path_arg(ctx.ps, ctx.arg[0], path); err != 0) return err;
  // truncate has no *at form: a relative path goes through the magic link of
  // the guest's working directory.
  if (path.rfind('/', 0) != 0) path = fmt::format("/proc/self/fd/{}/{}", ctx.ps.cwd.get(), path);
  return host_result(::truncate(path.c_str(), static_cast<off_t>(ctx.arg[1])));
}

std::int64_t sys_ftruncate(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  return host_result(::ftruncate(host, static_cast<off_t>(ctx.arg[1])));
}

std::int64_t sys_fsync(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  return host < 0 ? -EBADF : host_result(::fsync(host));
}

std::int64_t sys_fdatasync(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  return host < 0 ? -EBADF : host_result(::fdatasync(host));
}

}  // namespace vm::engine::linux_user
