// The Sv39/Sv48/Sv57 walk of privileged spec v1.12 section 4.3.2. Step
// numbers in comments refer to that section's algorithm.
#include "vm/mem/page_walker.hpp"

#include <atomic>
#include <cstring>

namespace vm::mem {
namespace {

constexpr std::uint64_t kVpnMask = 511;
constexpr std::uint64_t kPointerCheckMask =
    pte::kV | pte::kR | pte::kW | pte::kX | pte::kU | pte::kA | pte::kD | pte::kN | pte::kPbmtMask | pte::kReservedMask;

const char* const kReasonNames[] = {
#define VM_FAULT_REASON(id, name, text) name,
#include "vm/mem/fault_reasons.inc"
#undef VM_FAULT_REASON
};
const char* const kReasonTexts[] = {
#define VM_FAULT_REASON(id, name, text) text,
#include "vm/mem/fault_reasons.inc"
#undef VM_FAULT_REASON
};

// A PTE that lives in RAM is read and updated in place with atomics, so
// harts walking and updating A/D concurrently see whole entries.
struct PteSlot {
  std::uint64_t* host = nullptr;  // null when the PTE is in MMIO space
  GuestPhysAddr addr;
};

bool read_pte(PhysicalBus& bus, PteSlot& slot, std::uint64_t& value) {
  if (std::byte* host = bus.ram_pointer(slot.addr, 8)) [[likely]] {
    slot.host = reinterpret_cast<std::uint64_t*>(host);
    value = std::atomic_ref<std::uint64_t>(*slot.host).load(std::memory_order_acquire);
    return true;
  }
  return bus.load(slot.addr, 8, value) == BusStatus::kOk;
}

// Reserved-bit rules of step 3 (and 4.4.1's non-leaf rules).
FaultReason check_encoding(std::uint64_t entry, const WalkerConfig& config) {
  if ((entry & pte::kV) == 0) return FaultReason::kInvalid;
  if ((entry & pte::kR) == 0 && (entry & pte::kW) != 0) return FaultReason::kWriteWithoutRead;
  if ((entry & (pte::kReservedMask | pte::kN)) != 0) return FaultReason::kReservedBits;
  const std::uint64_t pbmt = (entry & pte::kPbmtMask) >> pte::kPbmtShift;
  const bool leaf = (entry & (pte::kR | pte::kX)) != 0;
  if (pbmt != 0 && (!config.svpbmt || pbmt == 3 || !leaf)) return FaultReason::kReservedBits;
  if (!leaf && (entry & (pte::kD | pte::kA | pte::kU)) != 0) return FaultReason::kNonLeafReserved;
  return FaultReason::kNone;
}

WalkResult fail(GuestVirtAddr va, AccessType access, FaultReason reason, unsigned reads) {
  WalkResult r;
  r.fault.cause = reason == FaultReason::kPteAccess ? access_fault_cause(access) : page_fault_cause(access);
  r.fault.tval = va.value();
  r.fault.reason = reason;
  r.pte_reads = reads;
  return r;
}

}  // namespace

const char* to_string(FaultReason reason) noexcept { return kReasonNames[static_cast<unsigned>(reason)]; }
const char* explain(FaultReason reason) noexcept { return kReasonTexts[static_cast<unsigned>(reason)]; }

WalkResult PageWalker::walk(GuestVirtAddr va, AccessType access, const MmuContext& ctx,
                            std::vector<WalkStep>* trace) const {
  if (!ctx.translates(access)) {
    WalkResult r;
    r.ok = true;
    r.pa = GuestPhysAddr(va.value());
    return r;
  }
  const SatpMode mode = ctx.satp.mode;
  if (!is_canonical(va, mode)) return fail(va, access, FaultReason::kNonCanonical, 0);
  const unsigned levels = levels_of(mode);
  unsigned reads = 0;
restart:  // step 7: a failed A/D compare-and-swap walks again from the root
  std::uint64_t table = ctx.satp.root_ppn << kPageShift;  // step 1
  for (int i = static_cast<int>(levels) - 1; i >= 0; --i) {
    const unsigned shift = kPageShift + 9 * static_cast<unsigned>(i);
    PteSlot slot{nullptr, GuestPhysAddr(table + ((va.value() >> shift) & kVpnMask) * 8)};
    std::uint64_t entry = 0;
    ++reads;
    if (!read_pte(*bus_, slot, entry)) return fail(va, access, FaultReason::kPteAccess, reads);  // step 2
    if (trace != nullptr) trace->push_back({static_cast<unsigned>(i), slot.addr, entry});
    // The common non-leaf (V set; R, W, X, A, D, U, N, PBMT and reserved
    // bits clear) passes every rule of steps 3 and 4 with one test.
    if ((entry & kPointerCheckMask) == pte::kV && i > 0) [[likely]] {
      table = pte::ppn(entry) << kPageShift;
      continue;
    }
    if (FaultReason bad = check_encoding(entry, config_); bad != FaultReason::kNone) {
      return fail(va, access, bad, reads);  // step 3
    }
    if ((entry & (pte::kR | pte::kX)) == 0) {  // step 4: pointer to the next level
      if (i == 0) return fail(va, access, FaultReason::kNoLeaf, reads);
      table = pte::ppn(entry) << kPageShift;
      continue;
    }
    if (FaultReason bad = check_leaf(entry, access, ctx); bad != FaultReason::kNone) {
      return fail(va, access, bad, reads);  // step 5
    }
    const std::uint64_t low_ppn_mask = (std::uint64_t{1} << (9 * i)) - 1;
    if ((pte::ppn(entry) & low_ppn_mask) != 0) {  // step 6
      return fail(va, access, FaultReason::kMisalignedSuperpage, reads);
    }
    const std::uint64_t need = pte::kA | (access == AccessType::kStore ? pte::kD : 0);
    if ((entry & need) != need) {  // step 7
      if (config_.ad_update == AdUpdate::kFault) {
        return fail(va, access, (entry & pte::kA) == 0 ? FaultReason::kAccessedClear : FaultReason::kDirtyClear, reads);
      }
      // Only RAM supports the atomic update; a PTE in device space cannot be updated.
      if (slot.host == nullptr) return fail(va, access, FaultReason::kPteAccess, reads);
      std::uint64_t expected = entry;
      if (!std::atomic_ref<std::uint64_t>(*slot.host)
               .compare_exchange_strong(expected, entry | need, std::memory_order_acq_rel)) {
        goto restart;
      }
      entry |= need;
    }
    WalkResult r;  // step 8
    r.ok = true;
    const std::uint64_t page_mask = (std::uint64_t{1} << shift) - 1;
    r.pa = GuestPhysAddr(((pte::ppn(entry) << kPageShift) & ~page_mask) | (va.value() & page_mask));
    r.leaf_pte = entry;
    r.leaf_addr = slot.addr;
    r.level = static_cast<unsigned>(i);
    r.pte_reads = reads;
    return r;
  }
  return fail(va, access, FaultReason::kNoLeaf, reads);  // unreachable: level 0 returns above
}

}  // namespace vm::mem
