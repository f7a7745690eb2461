// The kernel side of mapping memory: keeps UserAddressSpace (pages and
// permissions) and VmaMap (what each area is) in step. The loader, the
// initial stack, brk and the mmap family all map through these.
#pragma once

#include <cstdint>
#include <optional>

#include "process_state.hpp"
#include "vm/core/result.hpp"

namespace vm::engine::linux_user {

constexpr std::uint64_t page_down(std::uint64_t v) { return v & ~(mem::kPageSize - 1); }
constexpr std::uint64_t page_up(std::uint64_t v) { return (v + mem::kPageSize - 1) & ~(mem::kPageSize - 1); }

// Linux's stack_guard_gap: 256 pages below the stack that mmap never uses.
inline constexpr std::uint64_t kStackGuardGap = 256 * mem::kPageSize;

// Guest PROT_* bits as page permissions (RISC-V has no write-only pages:
// PROT_WRITE implies read, as Linux maps it).
std::uint8_t page_perms(std::uint64_t prot);

// The guest errno (positive) for a failed UserAddressSpace call.
int errno_for(const vm::Error& error);

// Maps fresh zero pages for `vma` (replacing anything there) and records it.
vm::Result<void> map_area(ProcessState& ps, Vma vma);
vm::Result<void> unmap_area(ProcessState& ps, std::uint64_t start, std::uint64_t end);
// [start, end) must be mapped (check vmas.covers() first).
vm::Result<void> protect_area(ProcessState& ps, std::uint64_t start, std::uint64_t end, std::uint64_t prot);

// Linux's get_unmapped_area: the hint if [hint, hint+len) is free and
// allowed, otherwise the highest free range below mmap_base, otherwise the
// highest anywhere below the stack's guard gap.
std::optional<std::uint64_t> find_unmapped_area(const ProcessState& ps, std::uint64_t len, std::uint64_t hint);

// True if [start, end) lies where the guest may map: above mmap_min, below the limit.
bool mappable_range(const ProcessState& ps, std::uint64_t start, std::uint64_t end);

}  // namespace vm::engine::linux_user
