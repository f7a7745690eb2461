// A per-hart software TLB: set-associative, ASID- and global-tagged, with a
// host addend per RAM page so a hit costs a compare and an add (softmmu style).
//
// Entry layout for execution engines (a JIT may inline the hit path):
//   set   = (va >> 12) & (sets - 1);   entries()[set * ways + way], way < ways
//   want  = (va & ~0xfff) | mode_key(access)      // Mmu::mode_key()
//   hit   = entry.tag[access] == want && (entry.global || entry.asid == asid)
//   host  = va + entry.addend                      // when hit
// tag[] is indexed by AccessType (fetch 0, load 1, store 2) at offsets 0, 8,
// 16; addend at 24; the entry is 64 bytes, 64-byte aligned. Bit 0 of a tag
// marks the slot invalid for that access; bit 6 (kTlbSlowPath) is set for
// pages that must go through the bus (MMIO, or stores to dirty-tracked RAM),
// so the inline compare fails and the engine calls the MMU's slow path. An
// access that crosses its page also takes the slow path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "vm/core/result.hpp"
#include "vm/mem/address.hpp"
#include "vm/mem/export.hpp"
#include "vm/mem/mmu_types.hpp"

namespace vm::mem {

inline constexpr std::uint64_t kTlbInvalidTag = 1;
inline constexpr std::uint64_t kTlbSlowPath = 1u << 6;
inline constexpr std::uint64_t kTlbKeyMask = 0x3e;  // bits 5:1 hold the mode key

struct alignas(64) TlbEntry {
  std::uint64_t tag[3] = {kTlbInvalidTag, kTlbInvalidTag, kTlbInvalidTag};
  std::intptr_t addend = 0;         // host address - guest VA, RAM pages only
  std::uint64_t va_page = 0;        // the 4 KiB (or superpage) VA base
  std::uint64_t pa_page = 0;        // guest physical base of the same page
  std::uint64_t page_mask = 0xfff;  // size - 1 of the translation it came from
  std::uint16_t asid = 0;
  bool global = false;
};
static_assert(sizeof(TlbEntry) == 64);
static_assert(offsetof(TlbEntry, tag) == 0);
static_assert(offsetof(TlbEntry, addend) == 24);

struct TlbConfig {
  unsigned sets = 64;               // power of two
  unsigned ways = 4;                // 1..16
  unsigned superpage_entries = 32;  // fully associative, 2 MiB and larger
};

struct TlbCounters {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;             // lookups that found no usable entry
  std::uint64_t superpage_refills = 0;  // misses served from the superpage array
  std::uint64_t walks = 0;
  std::uint64_t flushes = 0;
  double hit_rate() const noexcept {
    const std::uint64_t total = hits + misses;
    return total == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(total);
  }
};

class VM_MEM_API Tlb {
 public:
  static Result<Tlb> create(const TlbConfig& config = {});

  // The entry serving `want` (page | key) for access, ignoring the slow-path
  // bit, or nullptr. Counts a hit or a miss.
  TlbEntry* lookup(std::uint64_t va, AccessType access, std::uint64_t key, std::uint16_t asid) noexcept {
    TlbEntry* e = probe(va, access, key, asid, ~kTlbSlowPath);
    if (e != nullptr)
      ++counters_.hits;
    else
      ++counters_.misses;
    return e;
  }
  // The fast-path probe: exact tag compare (slow-path entries do not match).
  TlbEntry* probe(std::uint64_t va, AccessType access, std::uint64_t key, std::uint16_t asid,
                  std::uint64_t tag_mask = ~std::uint64_t{0}) noexcept {
    const std::uint64_t want = (va & ~kPageOffsetMask) | key;
    TlbEntry* set = &entries_[((va >> kPageShift) & set_mask_) * ways_];
    const auto a = static_cast<unsigned>(access);
    for (unsigned w = 0; w < ways_; ++w) {
      TlbEntry& e = set[w];
      if ((e.tag[a] & tag_mask) == want && (e.global || e.asid == asid)) return &e;
    }
    return nullptr;
  }
  void count_hit() noexcept { ++counters_.hits; }

  // The superpage entry covering va for access, or nullptr.
  const TlbEntry* find_superpage(std::uint64_t va, AccessType access, std::uint64_t key,
                                 std::uint16_t asid) const noexcept;

  // Installs a 4 KiB entry (replacing one for the same page and ASID).
  TlbEntry& insert(const TlbEntry& entry) noexcept;
  void insert_superpage(const TlbEntry& entry) noexcept;

  // The four sfence.vma forms.
  void flush_all() noexcept;
  void flush_asid(std::uint16_t asid) noexcept;                         // non-global entries of asid
  void flush_page(GuestVirtAddr va) noexcept;                           // every entry mapping va
  void flush_page_asid(GuestVirtAddr va, std::uint16_t asid) noexcept;  // non-global, asid

  const TlbCounters& counters() const noexcept { return counters_; }
  TlbCounters& counters() noexcept { return counters_; }
  void reset_counters() noexcept { counters_ = {}; }

  const TlbEntry* entries() const noexcept { return entries_.get(); }
  unsigned sets() const noexcept { return static_cast<unsigned>(set_mask_ + 1); }
  unsigned ways() const noexcept { return ways_; }
  // Valid (any access) entries, main array plus superpage array.
  std::size_t valid_entries() const noexcept;

 private:
  explicit Tlb(const TlbConfig& config);
  template <typename Pred>
  void invalidate_if(Pred pred, bool include_main) noexcept;

  std::unique_ptr<TlbEntry[]> entries_;
  std::uint64_t set_mask_ = 0;
  unsigned ways_ = 0;
  std::vector<std::uint8_t> next_victim_;  // round-robin per set
  std::vector<TlbEntry> superpages_;
  unsigned next_superpage_ = 0;
  bool has_superpage_children_ = false;  // main entries cut from superpages
  bool has_superpages_ = false;          // the superpage array may hold entries
  TlbCounters counters_;
};

}  // namespace vm::mem
