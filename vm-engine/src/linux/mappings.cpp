#include "mappings.hpp"

#include <cerrno>

#include "guest_abi.hpp"

namespace vm::engine::linux_user {

std::uint8_t page_perms(std::uint64_t prot) {
  std::uint8_t perms = 0;
  if ((prot & (abi::kProtRead | abi::kProtWrite)) != 0) perms |= mem::kPermRead;
  if ((prot & abi::kProtWrite) != 0) perms |= mem::kPermWrite;
  if ((prot & abi::kProtExec) != 0) perms |= mem::kPermExec;
  return perms;
}

int errno_for(const vm::Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      return EINVAL;
    default:
      return ENOMEM;
  }
}

vm::Result<void> map_area(ProcessState& ps, Vma vma) {
  VM_TRY_VOID(ps.memory->map_fixed(vma.start, vma.end - vma.start, page_perms(vma.prot)));
  ps.vmas.insert(std::move(vma));
  return {};
}

vm::Result<void> unmap_area(ProcessState& ps, std::uint64_t start, std::uint64_t end) {
  VM_TRY_VOID(ps.memory->unmap(start, end - start));
  ps.vmas.erase(start, end);
  return {};
}

vm::Result<void> protect_area(ProcessState& ps, std::uint64_t start, std::uint64_t end, std::uint64_t prot) {
  VM_TRY_VOID(ps.memory->protect(start, end - start, page_perms(prot)));
  ps.vmas.protect(start, end, static_cast<std::uint8_t>(prot));
  return {};
}

bool mappable_range(const ProcessState& ps, std::uint64_t start, std::uint64_t end) {
  return start >= ps.layout.mmap_min && start < end && end <= ps.layout.limit;
}

std::optional<std::uint64_t> find_unmapped_area(const ProcessState& ps, std::uint64_t len, std::uint64_t hint) {
  const MemoryLayout& layout = ps.layout;
  if (hint != 0) {
    const std::uint64_t start = page_down(hint);
    if (start <= layout.limit - len && mappable_range(ps, start, start + len) &&
        !ps.vmas.overlaps(start, start + len)) {
      return start;
    }
  }
  if (auto below = ps.vmas.highest_gap(len, layout.mmap_min, layout.mmap_base)) return below;
  // Nothing below mmap_base: use what is left between it and the stack.
  if (layout.stack_bottom < layout.mmap_min + kStackGuardGap) return std::nullopt;
  return ps.vmas.highest_gap(len, layout.mmap_min, layout.stack_bottom - kStackGuardGap);
}

}  // namespace vm::engine::linux_user
