// The RISC-V page-table walker: Sv39, Sv48, Sv57 (and Bare) exactly as the
// privileged spec v1.12 section 4.3.2 describes, over guest physical memory.
#pragma once

#include <cstdint>
#include <vector>

#include "vm/mem/export.hpp"
#include "vm/mem/mmu_types.hpp"
#include "vm/mem/physical_bus.hpp"

namespace vm::mem {

// What happens when a leaf PTE has A clear (or D clear on a store).
enum class AdUpdate : std::uint8_t {
  kHardware,  // set A (and D) in memory with an atomic compare-and-swap (Svadu)
  kFault,     // raise a page fault and let software set them (Svade)
};

struct WalkerConfig {
  AdUpdate ad_update = AdUpdate::kHardware;
  bool svpbmt = false;  // accept PBMT values 1 and 2 in leaf PTEs
};

// One level of a walk, for tools and tests.
struct WalkStep {
  unsigned level = 0;
  GuestPhysAddr pte_addr;
  std::uint64_t pte = 0;
};

struct WalkResult {
  bool ok = false;
  GuestPhysAddr pa;            // when ok
  std::uint64_t leaf_pte = 0;  // the leaf as used (after any A/D update)
  GuestPhysAddr leaf_addr;     // where the leaf PTE lives
  unsigned level = 0;          // 0 = 4 KiB page, 1 = 2 MiB, 2 = 1 GiB, ...
  MemFault fault;              // when !ok
  unsigned pte_reads = 0;      // memory reads the walk did (for counters)
};

class VM_MEM_API PageWalker {
 public:
  PageWalker(PhysicalBus& bus, WalkerConfig config = {}) : bus_(&bus), config_(config) {}

  // Translates va for one access. M-mode and Bare give the identity. When
  // trace is non-null every PTE read is appended to it.
  WalkResult walk(GuestVirtAddr va, AccessType access, const MmuContext& ctx,
                  std::vector<WalkStep>* trace = nullptr) const;

  // The permission rules for a leaf PTE (spec step 5), without A/D. Used by
  // the TLB to decide which access types an entry may serve.
  // Inline: the TLB fill runs it for each access type on every miss.
  static FaultReason check_leaf(std::uint64_t leaf, AccessType access, const MmuContext& ctx) noexcept {
    const Privilege eff = ctx.effective_privilege(access);
    if (eff == Privilege::kUser && (leaf & pte::kU) == 0) return FaultReason::kSupervisorPageInUser;
    if (eff == Privilege::kSupervisor && (leaf & pte::kU) != 0 && (access == AccessType::kFetch || !ctx.sum)) {
      return FaultReason::kUserPageInSupervisor;
    }
    switch (access) {
      case AccessType::kFetch:
        return (leaf & pte::kX) != 0 ? FaultReason::kNone : FaultReason::kNotExecutable;
      case AccessType::kLoad: {
        const bool readable = (leaf & pte::kR) != 0 || (ctx.mxr && (leaf & pte::kX) != 0);
        return readable ? FaultReason::kNone : FaultReason::kNotReadable;
      }
      case AccessType::kStore:
        return (leaf & pte::kW) != 0 ? FaultReason::kNone : FaultReason::kNotWritable;
    }
    return FaultReason::kNone;
  }

  const WalkerConfig& config() const noexcept { return config_; }
  PhysicalBus& bus() const noexcept { return *bus_; }

 private:
  PhysicalBus* bus_;
  WalkerConfig config_;
};

// True when va's bits above the mode's top VPN bit all equal that bit.
constexpr bool is_canonical(GuestVirtAddr va, SatpMode mode) noexcept {
  const unsigned levels = levels_of(mode);
  if (levels == 0) return true;
  const unsigned va_bits = 12 + 9 * levels;
  const auto signed_va = static_cast<std::int64_t>(va.value());
  return (signed_va >> (va_bits - 1)) == 0 || (signed_va >> (va_bits - 1)) == -1;
}

}  // namespace vm::mem
