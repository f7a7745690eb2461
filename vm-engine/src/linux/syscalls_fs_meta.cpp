// File-system metadata and names: the stat family (converted to the riscv64
// struct stat), getdents64, mkdir/unlink/rename/link/symlink, readlink,
// access, chmod, utimensat, and the guest's own working directory.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "guest_abi.hpp"
#include "guest_io.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

// riscv64's struct stat (asm-generic/stat.h); x86-64's differs in order and size.
struct GuestStat {
  std::uint64_t dev, ino;
  std::uint32_t mode, nlink, uid, gid;
  std::uint64_t rdev, pad1;
  std::int64_t size;
  std::int32_t blksize, pad2;
  std::int64_t blocks;
  std::int64_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
  std::uint32_t unused4, unused5;
};
static_assert(sizeof(GuestStat) == 128);
static_assert(offsetof(GuestStat, size) == 48 && offsetof(GuestStat, blocks) == 64 && offsetof(GuestStat, atime) == 72);

GuestStat to_guest(const struct stat& st) {
  GuestStat g{};
  g.dev = st.st_dev;
  g.ino = st.st_ino;
  g.mode = st.st_mode;
  g.nlink = static_cast<std::uint32_t>(st.st_nlink);
  g.uid = st.st_uid;
  g.gid = st.st_gid;
  g.rdev = st.st_rdev;
  g.size = st.st_size;
  g.blksize = static_cast<std::int32_t>(st.st_blksize);
  g.blocks = st.st_blocks;
  g.atime = st.st_atim.tv_sec;
  g.atime_nsec = st.st_atim.tv_nsec;
  g.mtime = st.st_mtim.tv_sec;
  g.mtime_nsec = st.st_mtim.tv_nsec;
  g.ctime = st.st_ctim.tv_sec;
  g.ctime_nsec = st.st_ctim.tv_nsec;
  return g;
}

std::int64_t store_stat(SyscallContext& ctx, const struct stat& st, std::uint64_t addr) {
  return write_guest(*ctx.ps.memory, addr, to_guest(st)) ? 0 : -EFAULT;
}

// The (dirfd, path) pair most *at calls take, resolved for the host.
struct AtPath {
  int dir = -1;
  std::string path;
};

std::int64_t resolve_at(const SyscallContext& ctx, std::uint64_t dirfd, std::uint64_t path_addr, AtPath& out) {
  if (const std::int64_t err = read_path_arg(ctx.ps, path_addr, out.path); err != 0) return err;
  out.dir = host_dirfd(ctx.ps, dirfd);
  // An absolute path ignores dirfd, as Linux does; otherwise it must be open.
  if (out.dir < 0 && out.path.rfind('/', 0) != 0) return -EBADF;
  return 0;
}

constexpr std::uint64_t kStatAtFlags = abi::kAtSymlinkNoFollow | abi::kAtNoAutomount | abi::kAtEmptyPath;

std::int64_t access_check(SyscallContext& ctx, std::uint64_t flags) {
  if ((flags & ~(abi::kAtEaccess | abi::kAtSymlinkNoFollow | abi::kAtEmptyPath)) != 0) return -EINVAL;
  if ((ctx.arg[2] & ~std::uint64_t{7}) != 0) return -EINVAL;
  AtPath at;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], at); err != 0) return err;
  return host_result(::faccessat(at.dir, at.path.c_str(), int_arg(ctx.arg[2]), static_cast<int>(flags)));
}

}  // namespace

std::int64_t sys_newfstatat(SyscallContext& ctx) {
  const std::uint64_t flags = ctx.arg[3];
  if ((flags & ~kStatAtFlags) != 0) return -EINVAL;
  AtPath at;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], at); err != 0) return err;
  struct stat st {};
  if (::fstatat(at.dir, at.path.c_str(), &st, static_cast<int>(flags)) < 0) return -errno;
  return store_stat(ctx, st, ctx.arg[2]);
}

std::int64_t sys_fstat(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  struct stat st {};
  if (::fstat(host, &st) < 0) return -errno;
  return store_stat(ctx, st, ctx.arg[1]);
}

std::int64_t sys_statx(SyscallContext& ctx) {
  AtPath at;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], at); err != 0) return err;
  // struct statx has one layout on every architecture.
  struct statx stx {};
  if (::statx(at.dir, at.path.c_str(), int_arg(ctx.arg[2]), static_cast<unsigned>(ctx.arg[3]), &stx) < 0) {
    return -errno;
  }
  return write_guest(*ctx.ps.memory, ctx.arg[4], stx) ? 0 : -EFAULT;
}

std::int64_t sys_getdents64(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  // linux_dirent64 is architecture-independent: the host fills checked guest pages.
  const std::uint64_t want = std::min<std::uint64_t>(ctx.arg[2], 1u << 20);
  const std::uint64_t len = accessible_prefix(*ctx.ps.memory, ctx.arg[1], want, mem::kPermWrite);
  std::uint8_t* buf = ctx.ps.memory->host_ptr(ctx.arg[1], len, mem::kPermWrite);
  if (buf == nullptr || (len == 0 && want != 0)) return -EFAULT;
  return host_result(::getdents64(host, buf, len));
}

std::int64_t sys_mkdirat(SyscallContext& ctx) {
  AtPath at;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], at); err != 0) return err;
  const auto mode = static_cast<mode_t>(ctx.arg[2] & 07777 & ~ctx.ps.umask);
  return host_result(::mkdirat(at.dir, at.path.c_str(), mode));
}

std::int64_t sys_unlinkat(SyscallContext& ctx) {
  if ((ctx.arg[2] & ~abi::kAtRemoveDir) != 0) return -EINVAL;
  AtPath at;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], at); err != 0) return err;
  return host_result(::unlinkat(at.dir, at.path.c_str(), int_arg(ctx.arg[2])));
}

std::int64_t sys_symlinkat(SyscallContext& ctx) {
  std::string target;
  if (const std::int64_t err = read_guest_string(*ctx.ps.memory, ctx.arg[0], target); err != 0) return err;
  AtPath link;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[1], ctx.arg[2], link); err != 0) return err;
  return host_result(::symlinkat(target.c_str(), link.dir, link.path.c_str()));
}

std::int64_t sys_linkat(SyscallContext& ctx) {
  if ((ctx.arg[4] & ~(abi::kAtSymlinkFollow | abi::kAtEmptyPath)) != 0) return -EINVAL;
  AtPath from;
  AtPath to;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], from); err != 0) return err;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[2], ctx.arg[3], to); err != 0) return err;
  return host_result(::linkat(from.dir, from.path.c_str(), to.dir, to.path.c_str(), int_arg(ctx.arg[4])));
}

std::int64_t sys_renameat2(SyscallContext& ctx) {
  AtPath from;
  AtPath to;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], from); err != 0) return err;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[2], ctx.arg[3], to); err != 0) return err;
  // RENAME_NOREPLACE/EXCHANGE/WHITEOUT have the same values everywhere.
  return host_result(
      ::renameat2(from.dir, from.path.c_str(), to.dir, to.path.c_str(), static_cast<unsigned>(ctx.arg[4])));
}

std::int64_t sys_readlinkat(SyscallContext& ctx) {
  const auto size = static_cast<std::int32_t>(ctx.arg[3]);
  if (size <= 0) return -EINVAL;
  std::string path;
  if (const std::int64_t err = read_guest_string(*ctx.ps.memory, ctx.arg[1], path); err != 0) return err;
  std::string target;
  const ProcSelfLink own = proc_self_link(ctx.ps, path);
  if (own.kind == ProcSelfLink::kMissing) return -ENOENT;
  if (own.kind == ProcSelfLink::kTarget) {
    target = own.target;
  } else {
    const int dir = host_dirfd(ctx.ps, ctx.arg[0]);
    if (dir < 0 && path.rfind('/', 0) != 0) return -EBADF;
    std::vector<char> buf(static_cast<std::size_t>(std::min(size, 1 << 16)));
    const ssize_t n = ::readlinkat(dir, path.c_str(), buf.data(), buf.size());
    if (n < 0) return -errno;
    target.assign(buf.data(), static_cast<std::size_t>(n));
  }
  const std::size_t n = std::min(target.size(), static_cast<std::size_t>(size));
  return copy_to_guest(*ctx.ps.memory, ctx.arg[2], target.data(), n) ? static_cast<std::int64_t>(n) : -EFAULT;
}

std::int64_t sys_getcwd(SyscallContext& ctx) {
  const std::string cwd = current_directory(ctx.ps);
  if (ctx.arg[1] < cwd.size() + 1) return -ERANGE;
  if (!copy_to_guest(*ctx.ps.memory, ctx.arg[0], cwd.c_str(), cwd.size() + 1)) return -EFAULT;
  return static_cast<std::int64_t>(cwd.size() + 1);  // the kernel counts the NUL
}

std::int64_t sys_chdir(SyscallContext& ctx) {
  std::string path;
  if (const std::int64_t err = read_path_arg(ctx.ps, ctx.arg[0], path); err != 0) return err;
  // O_PATH does not check search permission; chdir needs it.
  if (::faccessat(ctx.ps.cwd.get(), path.c_str(), X_OK, 0) < 0) return -errno;
  const int dir = ::openat(ctx.ps.cwd.get(), path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -errno;
  ctx.ps.cwd = HostFd(dir);
  return 0;
}

std::int64_t sys_fchdir(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  struct stat st {};
  if (::fstat(host, &st) < 0) return -errno;
  if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
  const int dir = ::fcntl(host, F_DUPFD_CLOEXEC, 0);
  if (dir < 0) return -errno;
  ctx.ps.cwd = HostFd(dir);
  return 0;
}

std::int64_t sys_faccessat(SyscallContext& ctx) { return access_check(ctx, 0); }
std::int64_t sys_faccessat2(SyscallContext& ctx) { return access_check(ctx, ctx.arg[3]); }

std::int64_t sys_fchmod(SyscallContext& ctx) {
  const int host = ctx.ps.fds.host(int_arg(ctx.arg[0]));
  if (host < 0) return -EBADF;
  return host_result(::fchmod(host, static_cast<mode_t>(ctx.arg[1] & 07777)));
}

std::int64_t sys_fchmodat(SyscallContext& ctx) {
  AtPath at;
  if (const std::int64_t err = resolve_at(ctx, ctx.arg[0], ctx.arg[1], at); err != 0) return err;
  return host_result(::fchmodat(at.dir, at.path.c_str(), static_cast<mode_t>(ctx.arg[2] & 07777), 0));
}

std::int64_t sys_utimensat(SyscallContext& ctx) {
  // A NULL path means "dirfd itself" (Linux's futimens), so it is optional here.
  std::string path;
  const char* host_path = nullptr;
  if (ctx.arg[1] != 0) {
    if (const std::int64_t err = read_path_arg(ctx.ps, ctx.arg[1], path); err != 0) return err;
    host_path = path.c_str();
  }
  const int dir = host_dirfd(ctx.ps, ctx.arg[0]);
  if (dir < 0 && (host_path == nullptr || path.rfind('/', 0) != 0)) return -EBADF;
  timespec times[2];
  const timespec* host_times = nullptr;
  if (ctx.arg[2] != 0) {
    if (!copy_from_guest(*ctx.ps.memory, ctx.arg[2], times, sizeof(times))) return -EFAULT;
    host_times = times;
  }
  return host_result(::syscall(SYS_utimensat, dir, host_path, host_times, int_arg(ctx.arg[3])));
}

}  // namespace vm::engine::linux_user
