// Mmu: TLB miss handling (superpage refill, walk, fill) and the slow paths
// for MMIO pages, dirty-tracked stores and page-crossing accesses.
#include "vm/mem/mmu.hpp"

#include "vm/core/perf/recorder.hpp"

namespace vm::mem {
namespace {

// Mode key bits 5:1 (tlb.hpp): the effective privilege, SUM, MXR and
// whether the access is translated at all.
std::uint64_t key_of(const MmuContext& ctx, AccessType access) {
  const auto priv = static_cast<std::uint64_t>(ctx.effective_privilege(access));
  return (priv << 1) | (std::uint64_t{ctx.sum} << 3) | (std::uint64_t{ctx.mxr} << 4) |
         (std::uint64_t{ctx.translates(access)} << 5);
}

}  // namespace

Result<Mmu> Mmu::create(PhysicalBus& bus, const MmuConfig& config) {
  VM_TRY_ASSIGN(Tlb tlb, Tlb::create(config.tlb));
  return Mmu(bus, config, std::move(tlb));
}

Mmu::Mmu(PhysicalBus& bus, const MmuConfig& config, Tlb tlb)
    : bus_(&bus), walker_(bus, config.walker), tlb_(std::move(tlb)) {
  set_context(MmuContext{});
}

void Mmu::set_context(const MmuContext& ctx) noexcept {
  ctx_ = ctx;
  tlb_.set_asid(ctx.satp.asid);
  for (AccessType a : {AccessType::kFetch, AccessType::kLoad, AccessType::kStore}) {
    keys_[static_cast<unsigned>(a)] = key_of(ctx, a);
  }
}

// An entry serves every access type that has the same mode key as the one
// that filled it and that the leaf permits; stores also need D already set,
// so the first store to a clean page walks and sets it.
TlbEntry Mmu::make_entry(std::uint64_t va_page, std::uint64_t pa_page, std::uint64_t page_mask, std::uint64_t leaf,
                         bool translated, AccessType filled_by) const {
  TlbEntry e;
  e.va_page = va_page;
  e.pa_page = pa_page;
  e.page_mask = page_mask;
  e.asid = ctx_.satp.asid;
  e.global = !translated || (leaf & pte::kG) != 0;
  const GuestPhysAddr frame(pa_page & ~kPageOffsetMask);
  std::byte* host = bus_->ram_pointer(frame, kPageSize);
  bool dirty_tracked = false;
  if (host != nullptr) {
    e.addend = reinterpret_cast<std::intptr_t>(host) - static_cast<std::intptr_t>(va_page & ~kPageOffsetMask);
    dirty_tracked = bus_->tracks_dirty() && bus_->find(frame)->ram->tracks_dirty();
  }
  const std::uint64_t key = mode_key(filled_by);
  for (AccessType a : {AccessType::kFetch, AccessType::kLoad, AccessType::kStore}) {
    if (mode_key(a) != key) continue;
    if (translated && (PageWalker::check_leaf(leaf, a, ctx_) != FaultReason::kNone ||
                       (a == AccessType::kStore && (leaf & pte::kD) == 0))) {
      continue;
    }
    const bool slow = host == nullptr || (a == AccessType::kStore && dirty_tracked);
    e.tag[static_cast<unsigned>(a)] = va_page | key | (slow ? kTlbSlowPath : 0);
  }
  return e;
}

WalkResult Mmu::timed_walk(GuestVirtAddr va, AccessType access) {
  const core::perf::Ticks start = core::perf::read_ticks();
  WalkResult w = walker_.walk(va, access, ctx_);
  perf_->record(core::perf::Event::kPageWalk, start, core::perf::read_ticks() - start, va.value(), w.pte_reads);
  return w;
}

const TlbEntry* Mmu::refill(GuestVirtAddr va, AccessType access) {
  const std::uint64_t v = va.value();
  const std::uint64_t page = v & ~kPageOffsetMask;
  const std::uint64_t key = mode_key(access);
  if (perf_ != nullptr) perf_->count(core::perf::Event::kTlbMiss, v, static_cast<std::uint64_t>(access));
  if (const TlbEntry* sp = tlb_.find_superpage(v, access, key)) {
    tlb_.count_superpage_refill();
    TlbEntry e = *sp;
    const std::uint64_t pa_page = sp->pa_page + (page - sp->va_page);
    // Recompute the host addend for this 4 KiB piece (RAM may not cover the
    // whole superpage) and keep each access type's permission.
    std::byte* host = bus_->ram_pointer(GuestPhysAddr(pa_page), kPageSize);
    e.addend = host == nullptr ? 0 : reinterpret_cast<std::intptr_t>(host) - static_cast<std::intptr_t>(page);
    for (unsigned i = 0; i < 3; ++i) {
      if ((e.tag[i] & kTlbInvalidTag) != 0) continue;
      e.tag[i] = page | (e.tag[i] & kPageOffsetMask) | (host == nullptr ? kTlbSlowPath : 0);
    }
    e.va_page = page;
    e.pa_page = pa_page;
    return &tlb_.insert(e);
  }
  tlb_.count_walk();
  WalkResult w = perf_ == nullptr ? walker_.walk(va, access, ctx_) : timed_walk(va, access);
  if (!w.ok) {
    last_fault_ = w.fault;
    return nullptr;
  }
  const bool translated = ctx_.translates(access);
  const std::uint64_t pa_page = w.pa.value() & ~kPageOffsetMask;
  if (w.level == 0) {
    return &tlb_.insert(make_entry(page, pa_page, kPageOffsetMask, w.leaf_pte, translated, access));
  }
  const std::uint64_t mask = (std::uint64_t{1} << (kPageShift + 9 * w.level)) - 1;
  TlbEntry sp = make_entry(v & ~mask, w.pa.value() & ~mask, mask, w.leaf_pte, translated, access);
  // The superpage record keeps its tags at superpage granularity; a 4 KiB
  // child cut from it recomputes its host addend (and MMIO slow bit).
  for (std::uint64_t& t : sp.tag) {
    if ((t & kTlbInvalidTag) == 0) t = (v & ~mask) | (t & (kTlbKeyMask | kTlbSlowPath));
  }
  tlb_.insert_superpage(sp);
  return &tlb_.insert(make_entry(page, pa_page, mask, w.leaf_pte, translated, access));
}

const TlbEntry* Mmu::entry_for(GuestVirtAddr va, AccessType access) {
  if (const TlbEntry* e = tlb_.lookup(va.value(), access, mode_key(access))) return e;
  return refill(va, access);
}

Translation Mmu::translate_slow(GuestVirtAddr va, AccessType access) {
  Translation t;
  const TlbEntry* e = entry_for(va, access);
  if (e == nullptr) {
    t.fault = last_fault_;
    return t;
  }
  t.ok = true;
  t.pa = GuestPhysAddr(e->pa_page | va.page_offset());
  return t;
}

void Mmu::translate_batch(std::span<const GuestVirtAddr> vas, AccessType access, std::span<Translation> out) {
  const std::size_t n = std::min(vas.size(), out.size());
  for (std::size_t i = 0; i < n; ++i) out[i] = translate(vas[i], access);
}

bool Mmu::access_in_page(GuestVirtAddr va, AccessType access, unsigned size, std::byte* bytes) {
  const TlbEntry* e = entry_for(va, access);
  if (e == nullptr) return false;
  const GuestPhysAddr pa(e->pa_page | va.page_offset());
  // Whole 1/2/4/8-byte pieces reach a device as one access; the odd-sized
  // halves of a page-crossing access go byte by byte.
  const bool sized = size == 1 || size == 2 || size == 4 || size == 8;
  BusStatus status;
  std::uint64_t v = 0;
  if (access == AccessType::kStore) {
    std::memcpy(&v, bytes, size);
    status = sized ? bus_->store(pa, size, v) : bus_->write(pa, std::span<const std::byte>(bytes, size));
  } else if (sized) {
    status = bus_->load(pa, size, v);
    if (status == BusStatus::kOk) std::memcpy(bytes, &v, size);
  } else {
    status = bus_->read(pa, std::span<std::byte>(bytes, size));
  }
  if (status != BusStatus::kOk) {
    last_fault_ = MemFault{access_fault_cause(access), va.value(), FaultReason::kNone};
    return false;
  }
  return true;
}

// MMIO and dirty-tracked pages go through the bus as one sized access; an
// access crossing a page boundary is translated page by page, both pages
// before any byte is stored so a fault leaves memory untouched.
bool Mmu::access_slow(GuestVirtAddr va, AccessType access, unsigned size, void* value) {
  auto* bytes = static_cast<std::byte*>(value);
  const unsigned first = static_cast<unsigned>(std::min<std::uint64_t>(size, kPageSize - va.page_offset()));
  if (first == size) return access_in_page(va, access, size, bytes);
  const GuestVirtAddr second_va = va + first;
  if (entry_for(va, access) == nullptr || entry_for(second_va, access) == nullptr) return false;
  return access_in_page(va, access, first, bytes) && access_in_page(second_va, access, size - first, bytes + first);
}

void Mmu::sfence_vma(std::optional<GuestVirtAddr> va, std::optional<std::uint16_t> asid) noexcept {
  if (!va && !asid)
    tlb_.flush_all();
  else if (!va)
    tlb_.flush_asid(*asid);
  else if (!asid)
    tlb_.flush_page(*va);
  else
    tlb_.flush_page_asid(*va, *asid);
}

}  // namespace vm::mem
