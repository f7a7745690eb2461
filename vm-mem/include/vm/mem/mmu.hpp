// The per-hart MMU: a TLB in front of the page walker, plus guest virtual
// loads and stores whose TLB-hit path is inline (a probe, a compare, an add).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "vm/core/result.hpp"
#include "vm/mem/export.hpp"
#include "vm/mem/mmu_types.hpp"
#include "vm/mem/page_walker.hpp"
#include "vm/mem/physical_bus.hpp"
#include "vm/mem/tlb.hpp"

namespace vm::core::perf {
class Recorder;
}

namespace vm::mem {

struct MmuConfig {
  TlbConfig tlb;
  WalkerConfig walker;
};

// Result of translating one address.
struct Translation {
  bool ok = false;
  GuestPhysAddr pa;  // when ok
  MemFault fault;    // when !ok
};

// One Mmu per hart, used by that hart's thread only. Several Mmus may share
// a PhysicalBus and walk the same page tables concurrently: PTE reads and
// A/D updates are atomic, the bus is read-only while harts run.
class VM_MEM_API Mmu {
 public:
  static Result<Mmu> create(PhysicalBus& bus, const MmuConfig& config = {});

  // Call whenever satp, the privilege or mstatus SUM/MXR/MPRV/MPP change.
  // Changing them does not flush (as on hardware): entries are tagged with
  // the mode and ASID; software still issues sfence.vma after editing tables.
  void set_context(const MmuContext& ctx) noexcept;
  const MmuContext& context() const noexcept { return ctx_; }
  // The tag bits of the current mode for an access type (see tlb.hpp).
  std::uint64_t mode_key(AccessType access) const noexcept { return keys_[static_cast<unsigned>(access)]; }

  // Level-0 hit: one index, one compare (the slow-path bit ignored: MMIO
  // pages translate too), one or.
  Translation translate(GuestVirtAddr va, AccessType access) {
    const std::uint64_t v = va.value();
    const auto a = static_cast<unsigned>(access);
    TlbFastEntry& e = tlb_.fast_entry(v);
    if ((e.tag[a] & ~kTlbSlowPath) == ((v & ~kPageOffsetMask) | keys_[a])) [[likely]] {
      ++e.hits;
      return Translation{true, GuestPhysAddr(e.pa_page | (v & kPageOffsetMask)), {}};
    }
    return translate_slow(va, access);
  }
  // Translates many addresses; out.size() must be >= vas.size().
  void translate_batch(std::span<const GuestVirtAddr> vas, AccessType access, std::span<Translation> out);

  // Guest virtual accesses of 1, 2, 4 or 8 bytes (any alignment). On false,
  // last_fault() holds the trap to raise.
  template <typename T>
  bool load(GuestVirtAddr va, T& value) {
    return access_fast<T>(va, AccessType::kLoad, &value);
  }
  template <typename T>
  bool fetch(GuestVirtAddr va, T& value) {
    return access_fast<T>(va, AccessType::kFetch, &value);
  }
  template <typename T>
  bool store(GuestVirtAddr va, T value) {
    return access_fast<T>(va, AccessType::kStore, &value);
  }
  const MemFault& last_fault() const noexcept { return last_fault_; }

  // sfence.vma rs1, rs2: nullopt stands for x0.
  void sfence_vma(std::optional<GuestVirtAddr> va, std::optional<std::uint16_t> asid) noexcept;

  // Performance events (vm/core/perf): tlb_miss for every lookup level 1
  // cannot serve, page_walk (timed; payload VA and PTE reads) for every
  // walk. Recorded on the miss path only: hits never look at it. The
  // recorder belongs to the hart's thread (Monitor::thread_recorder());
  // nullptr switches recording off.
  void set_perf_recorder(core::perf::Recorder* recorder) noexcept { perf_ = recorder; }

  Tlb& tlb() noexcept { return tlb_; }
  const Tlb& tlb() const noexcept { return tlb_; }
  const PageWalker& walker() const noexcept { return walker_; }

 private:
  Mmu(PhysicalBus& bus, const MmuConfig& config, Tlb tlb);

  // Level-0 hit: the tag compare covers permission, mode, slow-path pages
  // and page crossing (the last byte's page is compared).
  template <typename T>
  bool access_fast(GuestVirtAddr va, AccessType access, void* value) {
    const std::uint64_t v = va.value();
    const auto a = static_cast<unsigned>(access);
    TlbFastEntry& e = tlb_.fast_entry(v);
    if (e.tag[a] == (((v + sizeof(T) - 1) & ~kPageOffsetMask) | keys_[a])) [[likely]] {
      ++e.hits;
      auto* host = reinterpret_cast<std::byte*>(static_cast<std::intptr_t>(v) + e.addend);
      if (access == AccessType::kStore)
        std::memcpy(host, value, sizeof(T));
      else
        std::memcpy(value, host, sizeof(T));
      return true;
    }
    return access_slow(va, access, sizeof(T), value);
  }
  Translation translate_slow(GuestVirtAddr va, AccessType access);
  bool access_slow(GuestVirtAddr va, AccessType access, unsigned size, void* value);
  bool access_in_page(GuestVirtAddr va, AccessType access, unsigned size, std::byte* bytes);
  // The entry for va (TLB hit, superpage refill or walk + fill), or nullptr
  // with last_fault_ set.
  const TlbEntry* entry_for(GuestVirtAddr va, AccessType access);
  const TlbEntry* refill(GuestVirtAddr va, AccessType access);
  WalkResult timed_walk(GuestVirtAddr va, AccessType access);
  TlbEntry make_entry(std::uint64_t va_page, std::uint64_t pa_page, std::uint64_t page_mask, std::uint64_t leaf,
                      bool translated, AccessType filled_by) const;

  PhysicalBus* bus_;
  PageWalker walker_;
  Tlb tlb_;
  MmuContext ctx_;
  std::uint64_t keys_[3] = {};
  MemFault last_fault_;
  core::perf::Recorder* perf_ = nullptr;
};

}  // namespace vm::mem
