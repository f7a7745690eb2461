// Tlb: the level-1 lookup, storage, replacement, level-0 fills and the
// sfence.vma flush forms.
#include "vm/mem/tlb.hpp"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

namespace vm::mem {
namespace {

bool valid(const TlbEntry& e) { return ((e.tag[0] & e.tag[1] & e.tag[2]) & kTlbInvalidTag) == 0; }
void invalidate(TlbEntry& e) { e = TlbEntry{}; }
void invalidate_fast(TlbFastEntry& f) {
  for (std::uint64_t& t : f.tag) t = kTlbInvalidTag;
}
bool covers(const TlbEntry& e, std::uint64_t va) { return ((e.va_page ^ va) & ~e.page_mask) == 0; }

}  // namespace

Result<Tlb> Tlb::create(const TlbConfig& config) {
  if (config.sets == 0 || !std::has_single_bit(config.sets) || config.sets > (1u << 20)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("TLB sets {} must be a power of two up to 2^20", config.sets));
  }
  if (config.ways == 0 || config.ways > 16) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("TLB ways {} must be between 1 and 16", config.ways));
  }
  if (config.fast_entries < 2 || !std::has_single_bit(config.fast_entries) || config.fast_entries > (1u << 16)) {
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("TLB level-0 entries {} must be a power of two from 2 to 65536", config.fast_entries));
  }
  if (config.superpage_entries > 256) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("TLB superpage entries {} must be at most 256", config.superpage_entries));
  }
  return Tlb(config);
}

Tlb::Tlb(const TlbConfig& config)
    : fast_(std::make_unique<TlbFastEntry[]>(config.fast_entries)),
      fast_offset_mask_(std::uint64_t{config.fast_entries - 1} << kFastEntryShift),
      entries_(std::make_unique<TlbEntry[]>(std::size_t{config.sets} * config.ways)),
      set_mask_(config.sets - 1),
      ways_(config.ways),
      next_victim_(config.sets, 0),
      superpages_(config.superpage_entries) {}

const TlbEntry* Tlb::lookup(std::uint64_t va, AccessType access, std::uint64_t key) noexcept {
  const std::uint64_t want = (va & ~kPageOffsetMask) | key;
  const TlbEntry* set = &entries_[((va >> kPageShift) & set_mask_) * ways_];
  const auto a = static_cast<unsigned>(access);
  for (unsigned w = 0; w < ways_; ++w) {
    const TlbEntry& e = set[w];
    if ((e.tag[a] & ~kTlbSlowPath) == want && (e.global || e.asid == asid_)) {
      ++counters_.hits;
      fill_fast(e);
      return &e;
    }
  }
  ++counters_.misses;
  return nullptr;
}

const TlbEntry* Tlb::find_superpage(std::uint64_t va, AccessType access, std::uint64_t key) const noexcept {
  if (!has_superpages_) return nullptr;  // keeps 4 KiB-only misses from scanning
  const auto a = static_cast<unsigned>(access);
  for (const TlbEntry& e : superpages_) {
    const std::uint64_t want = (va & ~e.page_mask) | key;
    if ((e.tag[a] & ~kTlbSlowPath) == want && (e.global || e.asid == asid_)) return &e;
  }
  return nullptr;
}

void Tlb::fill_fast(const TlbEntry& e) noexcept {
  TlbFastEntry& f = fast_entry(e.va_page);
  f.tag[0] = e.tag[0];
  f.tag[1] = e.tag[1];
  f.tag[2] = e.tag[2];
  f.addend = e.addend;
  f.pa_page = e.pa_page;
}

// Keeps the slots' hit counters.
void Tlb::clear_fast() noexcept {
  for (unsigned i = 0; i < fast_size(); ++i) invalidate_fast(fast_[i]);
}

void Tlb::flush_fast_page(std::uint64_t va) noexcept {
  TlbFastEntry& f = fast_entry(va);
  const std::uint64_t page = va & ~kPageOffsetMask;
  for (std::uint64_t t : f.tag) {
    if ((t & kTlbInvalidTag) == 0 && (t & ~kPageOffsetMask) == page) {
      invalidate_fast(f);
      return;
    }
  }
}

const TlbEntry& Tlb::insert(const TlbEntry& entry) noexcept {
  const std::uint64_t set = (entry.va_page >> kPageShift) & set_mask_;
  TlbEntry* slots = &entries_[set * ways_];
  TlbEntry* target = nullptr;
  for (unsigned w = 0; w < ways_ && target == nullptr; ++w) {
    const TlbEntry& e = slots[w];
    if (e.va_page == entry.va_page && valid(e) && e.global == entry.global && (entry.global || e.asid == entry.asid)) {
      target = &slots[w];
    }
  }
  if (target == nullptr) {
    std::uint8_t& victim = next_victim_[set];
    target = &slots[victim];
    victim = static_cast<std::uint8_t>(victim + 1u == ways_ ? 0u : victim + 1u);  // no divide on the miss path
  }
  *target = entry;
  if (entry.page_mask != kPageOffsetMask) has_superpage_children_ = true;
  if (entry.global || entry.asid == asid_) fill_fast(entry);
  return *target;
}

void Tlb::insert_superpage(const TlbEntry& entry) noexcept {
  if (superpages_.empty()) return;
  for (TlbEntry& e : superpages_) {
    if (valid(e) && e.va_page == entry.va_page && e.page_mask == entry.page_mask && e.global == entry.global &&
        (entry.global || e.asid == entry.asid)) {
      e = entry;
      return;
    }
  }
  has_superpages_ = true;
  superpages_[next_superpage_] = entry;
  next_superpage_ = (next_superpage_ + 1) % static_cast<unsigned>(superpages_.size());
}

template <typename Pred>
void Tlb::invalidate_if(Pred pred, bool include_main) noexcept {
  if (include_main) {
    const std::size_t n = std::size_t{sets()} * ways_;
    for (std::size_t i = 0; i < n; ++i) {
      if (pred(entries_[i])) invalidate(entries_[i]);
    }
  }
  for (TlbEntry& e : superpages_) {
    if (pred(e)) invalidate(e);
  }
}

void Tlb::flush_all() noexcept {
  ++counters_.flushes;
  invalidate_if([](const TlbEntry&) { return true; }, true);
  clear_fast();
  has_superpage_children_ = false;
  has_superpages_ = false;
}

void Tlb::flush_asid(std::uint16_t asid) noexcept {
  ++counters_.flushes;
  invalidate_if([asid](const TlbEntry& e) { return !e.global && e.asid == asid; }, true);
  if (asid == asid_) clear_fast();  // level 0 holds no other ASID's entries
}

// By address: the set holding va's 4 KiB entries, and when any entry was cut
// from a superpage, every entry whose superpage covers va. Level 0 loses
// va's slot, or everything when superpage children may cover va.
void Tlb::flush_page(GuestVirtAddr va) noexcept {
  ++counters_.flushes;
  const std::uint64_t v = va.value();
  auto match = [v](const TlbEntry& e) { return covers(e, v); };
  if (has_superpage_children_) {
    invalidate_if(match, true);
    clear_fast();
    return;
  }
  flush_fast_page(v);
  TlbEntry* set = &entries_[((v >> kPageShift) & set_mask_) * ways_];
  for (unsigned w = 0; w < ways_; ++w) {
    if (match(set[w])) invalidate(set[w]);
  }
  invalidate_if(match, false);
}

void Tlb::flush_page_asid(GuestVirtAddr va, std::uint16_t asid) noexcept {
  ++counters_.flushes;
  const std::uint64_t v = va.value();
  auto match = [v, asid](const TlbEntry& e) { return !e.global && e.asid == asid && covers(e, v); };
  // Level 0 may lose a global entry too: it is refilled from level 1.
  if (has_superpage_children_) {
    invalidate_if(match, true);
    if (asid == asid_) clear_fast();
    return;
  }
  if (asid == asid_) flush_fast_page(v);
  TlbEntry* set = &entries_[((v >> kPageShift) & set_mask_) * ways_];
  for (unsigned w = 0; w < ways_; ++w) {
    if (match(set[w])) invalidate(set[w]);
  }
  invalidate_if(match, false);
}

TlbCounters Tlb::counters() const noexcept {
  TlbCounters c = counters_;
  for (unsigned i = 0; i < fast_size(); ++i) c.hits += fast_[i].hits;
  return c;
}

void Tlb::reset_counters() noexcept {
  counters_ = {};
  for (unsigned i = 0; i < fast_size(); ++i) fast_[i].hits = 0;
}

std::size_t Tlb::valid_entries() const noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < std::size_t{sets()} * ways_; ++i) n += valid(entries_[i]) ? 1 : 0;
  for (const TlbEntry& e : superpages_) n += valid(e) ? 1 : 0;
  return n;
}

}  // namespace vm::mem
