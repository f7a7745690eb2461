// Memory-management calls: brk, mmap, munmap, mprotect, mremap, madvise,
// msync, riscv_flush_icache. Placement follows Linux (top-down below
// mmap_base); any change to executable pages is reported as code_changed so
// the engine drops stale translations.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "guest_abi.hpp"
#include "mappings.hpp"
#include "shared_file_sync.hpp"
#include "syscall_support.hpp"

namespace vm::engine::linux_user {
namespace {

constexpr std::uint64_t kPageMask = mem::kPageSize - 1;
constexpr std::uint64_t kProtMask = abi::kProtRead | abi::kProtWrite | abi::kProtExec;

// Page-rounded end of [addr, addr+len), or 0 if it wraps or passes the limit.
std::uint64_t range_end(const ProcessState& ps, std::uint64_t addr, std::uint64_t len) {
  if (len > ps.layout.limit || addr > ps.layout.limit - len) return 0;
  return page_up(addr + len);
}

// Fills [piece.start, piece.end) from its backing file, as a page fault on a
// private file mapping would; bytes past end of file stay zero.
void fill_from_file(ProcessState& ps, const Vma& piece) {
  std::uint8_t* host = ps.memory->host_base() + piece.start;
  std::uint64_t done = 0;
  const std::uint64_t len = piece.end - piece.start;
  while (done < len) {
    const ssize_t n = ::pread(piece.file->get(), host + done, len - done, static_cast<off_t>(piece.file_offset + done));
    if (n <= 0) break;
    done += static_cast<std::uint64_t>(n);
  }
}

std::int64_t map_failure(const vm::Error& error) { return -errno_for(error); }

// Checks the file side of mmap: which host file, and whether this access is
// allowed. `writable` tells whether a shared mapping may ever be written.
std::int64_t check_file_mapping(SyscallContext& ctx, std::uint64_t prot, bool shared, int& host, bool& writable) {
  host = ctx.ps.fds.host(int_arg(ctx.arg[4]));
  if (host < 0) return -EBADF;
  struct stat st {};
  if (::fstat(host, &st) < 0) return -errno;
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) return -ENODEV;
  const int access = ::fcntl(host, F_GETFL) & O_ACCMODE;
  if (access == O_WRONLY) return -EACCES;
  writable = access == O_RDWR;
  if (shared && (prot & abi::kProtWrite) != 0 && !writable) return -EACCES;
  return 0;
}

// Where a new mapping goes: the fixed address, the hint, or a free range.
std::int64_t place_mapping(SyscallContext& ctx, std::uint64_t flags, std::uint64_t len, std::uint64_t& addr) {
  const std::uint64_t want = ctx.arg[0];
  if ((flags & (abi::kMapFixed | abi::kMapFixedNoReplace)) != 0) {
    if ((want & kPageMask) != 0) return -EINVAL;
    if (want < ctx.ps.layout.mmap_min) return -EPERM;
    if (range_end(ctx.ps, want, len) == 0) return -ENOMEM;
    if ((flags & abi::kMapFixed) == 0 && ctx.ps.vmas.overlaps(want, want + len)) return -EEXIST;
    addr = want;
    return 0;
  }
  auto found = find_unmapped_area(ctx.ps, len, want);
  if (!found) return -ENOMEM;
  addr = *found;
  return 0;
}

// Moves (or, with DONTUNMAP, copies) the area `from` to [dest, dest+new_len):
// the bytes travel, the old range is unmapped or left as fresh zero pages.
std::int64_t move_area(SyscallContext& ctx, const Vma& from, std::uint64_t new_len, std::uint64_t dest,
                       bool dont_unmap) {
  const std::uint64_t old_len = from.end - from.start;
  ctx.code_changed = ctx.code_changed || ctx.ps.vmas.any_executable(dest, dest + new_len);
  Vma moved = from;
  moved.start = dest;
  moved.end = dest + new_len;
  auto mapped = map_area(ctx.ps, moved);
  if (!mapped) return map_failure(mapped.error());
  std::uint8_t* base = ctx.ps.memory->host_base();
  std::memcpy(base + dest, base + from.start, std::min(old_len, new_len));
  if (new_len > old_len && moved.file) {
    Vma tail = moved;
    tail.start = dest + old_len;
    tail.file_offset += old_len;
    fill_from_file(ctx.ps, tail);
  }
  auto released = dont_unmap ? map_area(ctx.ps, from) : unmap_area(ctx.ps, from.start, from.end);
  if (!released) return map_failure(released.error());
  if (dont_unmap && from.file) fill_from_file(ctx.ps, from);
  return static_cast<std::int64_t>(dest);
}

// Grows `area` in place into the free range after it.
std::int64_t grow_in_place(SyscallContext& ctx, const Vma& area, std::uint64_t new_len) {
  Vma extra = area;
  extra.start = area.end;
  extra.end = area.start + new_len;
  if (extra.file) extra.file_offset += area.end - area.start;
  const Vma piece = extra;
  auto mapped = map_area(ctx.ps, std::move(extra));
  if (!mapped) return map_failure(mapped.error());
  if (piece.file) fill_from_file(ctx.ps, piece);
  return static_cast<std::int64_t>(area.start);
}

// mremap's cases once the arguments are checked and the old range written back.
std::int64_t remap_area(SyscallContext& ctx, const Vma& area, std::uint64_t new_len, std::uint64_t new_addr,
                        std::uint64_t flags) {
  const std::uint64_t old_addr = area.start;
  const std::uint64_t old_end = area.end;
  const std::uint64_t old_len = old_end - old_addr;
  const bool may_move = (flags & abi::kMremapMayMove) != 0;
  const bool fixed = (flags & abi::kMremapFixed) != 0;
  const bool dont_unmap = (flags & abi::kMremapDontUnmap) != 0;

  if (fixed) {
    if ((new_addr & kPageMask) != 0) return -EINVAL;
    if (range_end(ctx.ps, new_addr, new_len) == 0 || new_addr < ctx.ps.layout.mmap_min) return -EINVAL;
    if (new_addr < old_end && old_addr < new_addr + new_len) return -EINVAL;
    return move_area(ctx, area, new_len, new_addr, dont_unmap);
  }
  if (!dont_unmap && new_len <= old_len) {
    if (new_len < old_len) {
      auto unmapped = unmap_area(ctx.ps, old_addr + new_len, old_end);
      if (!unmapped) return map_failure(unmapped.error());
    }
    return static_cast<std::int64_t>(old_addr);
  }
  const std::uint64_t grown_end = range_end(ctx.ps, old_addr, new_len);
  if (!dont_unmap && grown_end != 0 && grown_end <= ctx.ps.layout.stack_bottom &&
      !ctx.ps.vmas.overlaps(old_end, grown_end)) {
    return grow_in_place(ctx, area, new_len);
  }
  if (!may_move) return -ENOMEM;
  auto dest = find_unmapped_area(ctx.ps, new_len, 0);
  if (!dest) return -ENOMEM;
  return move_area(ctx, area, new_len, *dest, dont_unmap);
}

}  // namespace

std::int64_t sys_brk(SyscallContext& ctx) {
  MemoryLayout& layout = ctx.ps.layout;
  const std::uint64_t want = ctx.arg[0];
  if (want < layout.brk_start || want > layout.stack_bottom) return static_cast<std::int64_t>(layout.brk);
  const std::uint64_t old_end = page_up(layout.brk);
  const std::uint64_t new_end = page_up(want);
  if (new_end > old_end) {
    // Growing must not run into another mapping (Linux refuses, keeping the old break).
    if (ctx.ps.vmas.overlaps(old_end, new_end)) return static_cast<std::int64_t>(layout.brk);
    auto mapped =
        map_area(ctx.ps, plain_vma(old_end, new_end, abi::kProtRead | abi::kProtWrite, VmaKind::kHeap, "[heap]"));
    if (!mapped) return static_cast<std::int64_t>(layout.brk);
  } else if (new_end < old_end) {
    if (!unmap_area(ctx.ps, new_end, old_end)) return static_cast<std::int64_t>(layout.brk);
  }
  layout.brk = want;
  return static_cast<std::int64_t>(want);
}

std::int64_t sys_mmap(SyscallContext& ctx) {
  const std::uint64_t len = page_up(ctx.arg[1]);
  const std::uint64_t prot = ctx.arg[2] & kProtMask;
  const std::uint64_t flags = ctx.arg[3];
  const std::uint64_t offset = ctx.arg[5];
  const std::uint64_t type = flags & abi::kMapTypeMask;
  if (ctx.arg[1] == 0 || (offset & kPageMask) != 0) return -EINVAL;
  if (type != abi::kMapShared && type != abi::kMapPrivate && type != abi::kMapSharedValidate) return -EINVAL;
  if (len == 0 || len > ctx.ps.layout.limit) return -ENOMEM;
  const bool anonymous = (flags & abi::kMapAnonymous) != 0;
  const bool shared = type != abi::kMapPrivate;
  int host = -1;
  bool writable = false;
  if (!anonymous) {
    if (const std::int64_t err = check_file_mapping(ctx, prot, shared, host, writable); err != 0) return err;
  }
  std::uint64_t addr = 0;
  if (const std::int64_t err = place_mapping(ctx, flags, len, addr); err != 0) return err;
  write_back_shared_files(ctx.ps, addr, addr + len);  // MAP_FIXED may replace a shared mapping

  ctx.code_changed = ctx.ps.vmas.any_executable(addr, addr + len);
  Vma vma = plain_vma(addr, addr + len, prot, anonymous ? VmaKind::kAnonymous : VmaKind::kFile);
  vma.shared = shared;
  if (!anonymous) {
    // Kept open so MADV_DONTNEED and mremap can read the file again.
    auto file = std::make_shared<HostFd>(::fcntl(host, F_DUPFD_CLOEXEC, 0));
    if (!file->valid()) return -errno;
    vma.file = std::move(file);
    vma.file_offset = offset;
    vma.name = host_fd_path(host);
  }
  Vma piece = vma;
  auto mapped = map_area(ctx.ps, std::move(vma));
  if (!mapped) return map_failure(mapped.error());
  if (!anonymous) fill_from_file(ctx.ps, piece);
  if (!anonymous && shared && writable) {
    start_shared_file_image(ctx.ps, piece);
    ctx.ps.vmas.insert(std::move(piece));
  }
  return static_cast<std::int64_t>(addr);
}

std::int64_t sys_mremap(SyscallContext& ctx) {
  const std::uint64_t old_addr = ctx.arg[0];
  const std::uint64_t flags = ctx.arg[3];
  const std::uint64_t new_addr = ctx.arg[4];
  constexpr std::uint64_t kKnown = abi::kMremapMayMove | abi::kMremapFixed | abi::kMremapDontUnmap;
  const bool may_move = (flags & abi::kMremapMayMove) != 0;
  const bool fixed = (flags & abi::kMremapFixed) != 0;
  const bool dont_unmap = (flags & abi::kMremapDontUnmap) != 0;
  if ((old_addr & kPageMask) != 0 || (flags & ~kKnown) != 0 || ((fixed || dont_unmap) && !may_move)) {
    return -EINVAL;
  }
  const std::uint64_t old_len = page_up(ctx.arg[1]);
  const std::uint64_t new_len = page_up(ctx.arg[2]);
  // old_len 0 asks for a second view of a shared mapping, which a copy cannot give.
  if (old_len == 0 || new_len == 0) return -EINVAL;
  if (new_len > ctx.ps.layout.limit) return -ENOMEM;
  const std::uint64_t old_end = range_end(ctx.ps, old_addr, old_len);
  const Vma* found = ctx.ps.vmas.find(old_addr);
  if (old_end == 0 || found == nullptr || found->end < old_end) return -EFAULT;
  const Vma area = ctx.ps.vmas.slice(old_addr, old_end).front();
  if (dont_unmap && (old_len != new_len || area.shared)) return -EINVAL;
  ctx.code_changed = ctx.ps.vmas.any_executable(old_addr, old_end);
  write_back_shared_files(ctx.ps, old_addr, old_end);
  const std::int64_t result = remap_area(ctx, area, new_len, new_addr, flags);
  if (result >= 0 && area.synced) {
    const auto at = static_cast<std::uint64_t>(result);
    restart_shared_file_images(ctx.ps, at, at + new_len);
  }
  return result;
}

std::int64_t sys_munmap(SyscallContext& ctx) {
  const std::uint64_t addr = ctx.arg[0];
  const std::uint64_t end = range_end(ctx.ps, addr, ctx.arg[1]);
  if ((addr & kPageMask) != 0 || ctx.arg[1] == 0 || end == 0) return -EINVAL;
  ctx.code_changed = ctx.ps.vmas.any_executable(addr, end);
  write_back_shared_files(ctx.ps, addr, end);
  auto unmapped = unmap_area(ctx.ps, addr, end);
  return unmapped ? 0 : map_failure(unmapped.error());
}

std::int64_t sys_mprotect(SyscallContext& ctx) {
  const std::uint64_t addr = ctx.arg[0];
  const std::uint64_t prot = ctx.arg[2] & ~(abi::kProtGrowsDown | abi::kProtGrowsUp);
  if ((addr & kPageMask) != 0 || (prot & ~kProtMask) != 0) return -EINVAL;
  if (ctx.arg[1] == 0) return 0;
  const std::uint64_t end = range_end(ctx.ps, addr, ctx.arg[1]);
  if (end == 0 || !ctx.ps.vmas.covers(addr, end)) return -ENOMEM;
  for (const Vma& piece : ctx.ps.vmas.slice(addr, end)) {
    // A shared mapping of a file opened read-only can never become writable.
    if (piece.shared && piece.file && !piece.synced && (prot & abi::kProtWrite) != 0) return -EACCES;
  }
  ctx.code_changed = ctx.ps.vmas.any_executable(addr, end);
  auto changed = protect_area(ctx.ps, addr, end, prot);
  return changed ? 0 : map_failure(changed.error());
}

std::int64_t sys_madvise(SyscallContext& ctx) {
  const std::uint64_t addr = ctx.arg[0];
  const std::uint64_t advice = ctx.arg[2];
  if ((addr & kPageMask) != 0) return -EINVAL;
  const bool known = advice <= 4 || (advice >= 8 && advice <= 25);
  if (!known) return -EINVAL;
  if (ctx.arg[1] == 0) return 0;
  const std::uint64_t end = range_end(ctx.ps, addr, ctx.arg[1]);
  if (end == 0) return -EINVAL;
  // Only DONTNEED changes what the guest sees: anonymous pages read as zero
  // again and private file pages as the file. Other advice is a hint.
  if (advice == abi::kMadvDontNeed) {
    ctx.code_changed = ctx.ps.vmas.any_executable(addr, end);
    // Shared file pages keep their data (it is the file's): write it back first.
    write_back_shared_files(ctx.ps, addr, end);
    for (const Vma& piece : ctx.ps.vmas.slice(addr, end)) {
      auto fresh = ctx.ps.memory->map_fixed(piece.start, piece.end - piece.start, page_perms(piece.prot));
      if (!fresh) return map_failure(fresh.error());
      if (piece.file) fill_from_file(ctx.ps, piece);
    }
    restart_shared_file_images(ctx.ps, addr, end);
  }
  return ctx.ps.vmas.covers(addr, end) ? 0 : -ENOMEM;
}

std::int64_t sys_msync(SyscallContext& ctx) {
  const std::uint64_t addr = ctx.arg[0];
  const std::uint64_t flags = ctx.arg[2];
  constexpr std::uint64_t kAsync = 1, kInvalidate = 2, kSync = 4;
  if ((addr & kPageMask) != 0 || (flags & ~(kAsync | kInvalidate | kSync)) != 0) return -EINVAL;
  if ((flags & kAsync) != 0 && (flags & kSync) != 0) return -EINVAL;
  const std::uint64_t end = range_end(ctx.ps, addr, ctx.arg[1]);
  if (end == 0 && ctx.arg[1] != 0) return -ENOMEM;
  if (!ctx.ps.vmas.covers(addr, end)) return -ENOMEM;
  write_back_shared_files(ctx.ps, addr, end);
  return 0;
}

std::int64_t sys_riscv_flush_icache(SyscallContext& ctx) {
  if ((ctx.arg[2] & ~std::uint64_t{1}) != 0) return -EINVAL;  // only SYS_RISCV_FLUSH_ICACHE_LOCAL
  ctx.code_changed = true;
  return 0;
}

}  // namespace vm::engine::linux_user
