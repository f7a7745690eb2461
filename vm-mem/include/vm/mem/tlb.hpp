// A per-hart software TLB: a direct-mapped level 0 for the current ASID in
// front of a set-associative, ASID- and global-tagged level 1, with a host
// addend per RAM page so a hit is one index, one compare and one add.
//
// Level-0 layout for execution engines (a JIT may inline the hit path):
//   e     = fast_entries()[(va >> 12) & (fast_size() - 1)]
//   want  = ((va + size - 1) & ~0xfff) | mode_key(access)   // Mmu::mode_key()
//   hit   = e.tag[access] == want
//   host  = va + e.addend                        // when hit
// tag[] is indexed by AccessType (fetch 0, load 1, store 2) at offsets 0, 8,
// 16; addend at 24; entries are 32 bytes. Level 0 only holds entries usable
// under the current ASID (global or tagged with it), so the compare needs no
// ASID; it is emptied when the ASID changes. Entries are 64 bytes and also
// hold the physical page (for translate()) and a hit counter. The mode key (privilege, SUM,
// MXR, translated) is part of the tag. Comparing the page of the access's
// last byte makes a page-crossing access miss. Bit 0 of a tag marks the
// slot invalid for that access; bit 6 (kTlbSlowPath) is set for pages that
// must go through the bus (MMIO, or stores to dirty-tracked RAM), so the
// compare fails and the engine calls the MMU's slow path. An engine that
// wants its hits counted adds 1 to e.hits (offset 40).
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

// A level-1 entry (one cache line). Level 1 keeps what level 0 needs plus
// what a refill, a flush and translate() need.
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

// A level-0 entry: a 4 KiB page of the current ASID, one cache line, with
// its own hit counter (consecutive hits on different pages then do not wait
// on each other's increment as they would on one shared counter).
struct alignas(64) TlbFastEntry {
  std::uint64_t tag[3] = {kTlbInvalidTag, kTlbInvalidTag, kTlbInvalidTag};
  std::intptr_t addend = 0;
  std::uint64_t pa_page = 0;  // guest physical 4 KiB page
  std::uint64_t hits = 0;     // hits through this slot (whatever it held)
};
static_assert(sizeof(TlbFastEntry) == 64);
static_assert(offsetof(TlbFastEntry, tag) == 0);
static_assert(offsetof(TlbFastEntry, addend) == 24);
static_assert(offsetof(TlbFastEntry, hits) == 40);

struct TlbConfig {
  unsigned sets = 64;               // power of two
  unsigned ways = 4;                // 1..16
  unsigned superpage_entries = 32;  // fully associative, 2 MiB and larger
  unsigned fast_entries = 256;      // level 0: power of two, 2..65536
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

  // Level 0, the inline hit path (see the layout above). The mask is
  // pre-shifted so the entry's byte offset is one shift and one and.
  TlbFastEntry& fast_entry(std::uint64_t va) noexcept {
    return *reinterpret_cast<TlbFastEntry*>(reinterpret_cast<std::byte*>(fast_.get()) +
                                            ((va >> (kPageShift - kFastEntryShift)) & fast_offset_mask_));
  }
  const TlbFastEntry* fast_entries() const noexcept { return fast_.get(); }
  TlbFastEntry* fast_entries() noexcept { return fast_.get(); }
  unsigned fast_size() const noexcept { return static_cast<unsigned>((fast_offset_mask_ >> kFastEntryShift) + 1); }

  // The ASID lookups are for; a change empties level 0 (level 1 keeps its
  // ASID-tagged entries).
  void set_asid(std::uint16_t asid) noexcept {
    if (asid != asid_) {
      asid_ = asid;
      clear_fast();
    }
  }
  std::uint16_t asid() const noexcept { return asid_; }

  // The level-1 entry serving (va & ~0xfff) | key for access under the
  // current ASID, ignoring the slow-path bit, or nullptr. Counts a hit (and
  // copies the entry into level 0) or a miss.
  const TlbEntry* lookup(std::uint64_t va, AccessType access, std::uint64_t key) noexcept;

  // The superpage entry covering va for access, or nullptr.
  const TlbEntry* find_superpage(std::uint64_t va, AccessType access, std::uint64_t key) const noexcept;

  // Installs a 4 KiB entry of the current ASID in both levels (replacing a
  // level-1 entry for the same page and ASID).
  const TlbEntry& insert(const TlbEntry& entry) noexcept;
  void insert_superpage(const TlbEntry& entry) noexcept;

  // The four sfence.vma forms.
  void flush_all() noexcept;
  void flush_asid(std::uint16_t asid) noexcept;                         // non-global entries of asid
  void flush_page(GuestVirtAddr va) noexcept;                           // every entry mapping va
  void flush_page_asid(GuestVirtAddr va, std::uint16_t asid) noexcept;  // non-global, asid

  // Hits include the level-0 slot counters.
  TlbCounters counters() const noexcept;
  void reset_counters() noexcept;
  void count_walk() noexcept { ++counters_.walks; }
  void count_superpage_refill() noexcept { ++counters_.superpage_refills; }

  const TlbEntry* entries() const noexcept { return entries_.get(); }
  unsigned sets() const noexcept { return static_cast<unsigned>(set_mask_ + 1); }
  unsigned ways() const noexcept { return ways_; }
  // Valid (any access) entries, level 1 plus superpage array; level 0 only
  // holds copies of level-1 entries.
  std::size_t valid_entries() const noexcept;

 private:
  explicit Tlb(const TlbConfig& config);
  template <typename Pred>
  void invalidate_if(Pred pred, bool include_main) noexcept;
  void fill_fast(const TlbEntry& e) noexcept;
  void clear_fast() noexcept;
  void flush_fast_page(std::uint64_t va) noexcept;

  static constexpr unsigned kFastEntryShift = 6;  // log2(sizeof(TlbFastEntry))

  std::unique_ptr<TlbFastEntry[]> fast_;
  std::uint64_t fast_offset_mask_ = 0;  // (fast entries - 1) << kFastEntryShift
  std::uint16_t asid_ = 0;
  std::unique_ptr<TlbEntry[]> entries_;
  std::uint64_t set_mask_ = 0;
  unsigned ways_ = 0;
  std::vector<std::uint8_t> next_victim_;  // round-robin per set
  std::vector<TlbEntry> superpages_;
  unsigned next_superpage_ = 0;
  bool has_superpage_children_ = false;  // main entries cut from superpages
  bool has_superpages_ = false;          // the superpage array may hold entries
  TlbCounters counters_;                 // hits here are level-1 hits only
};

}  // namespace vm::mem
