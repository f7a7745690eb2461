// Test and benchmark double: writes Sv39/Sv48/Sv57 page tables into guest
// RAM, allocating table pages from a region of that RAM, and returns satp.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "vm/core/result.hpp"
#include "vm/mem/guest_ram.hpp"
#include "vm/mem/mmu_types.hpp"

namespace vm::mem::testing {

class PageTableBuilder {
 public:
  // Table pages come from [pool, pool + pool_size), which must lie in ram.
  PageTableBuilder(GuestRam& ram, SatpMode mode, GuestPhysAddr pool, std::uint64_t pool_size)
      : ram_(&ram), mode_(mode), next_(pool), pool_end_(pool + pool_size) {
    root_ = alloc_table().value_or(GuestPhysAddr{});
  }

  GuestPhysAddr root() const noexcept { return root_; }
  SatpMode mode() const noexcept { return mode_; }
  std::uint64_t satp(std::uint16_t asid = 0) const noexcept {
    return Satp{mode_, asid, root_.value() >> kPageShift}.encode();
  }
  // Table bytes used so far (root included).
  std::uint64_t tables_used() const noexcept { return tables_ * kPageSize; }

  // Maps va -> pa with a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB ...).
  // flags are PTE bits (R/W/X/U/G/A/D); V is added. Returns the leaf's address.
  Result<GuestPhysAddr> map(GuestVirtAddr va, GuestPhysAddr pa, std::uint64_t flags, unsigned level = 0) {
    return map_raw(va, level, pte::make(pa.value() >> kPageShift, flags | pte::kV));
  }

  // Writes an arbitrary PTE value as the entry for va at level, creating
  // the non-leaf tables above it (for malformed-PTE tests).
  Result<GuestPhysAddr> map_raw(GuestVirtAddr va, unsigned level, std::uint64_t entry) {
    GuestPhysAddr table = root_;
    for (unsigned i = levels_of(mode_) - 1; i > level; --i) {
      const GuestPhysAddr slot = slot_of(table, va, i);
      std::uint64_t next = read_pte(slot);
      if ((next & pte::kV) == 0) {
        VM_TRY_ASSIGN(GuestPhysAddr fresh, alloc_table());
        next = pte::make(fresh.value() >> kPageShift, pte::kV);
        write_pte(slot, next);
      } else if ((next & (pte::kR | pte::kX)) != 0) {
        return make_error(ErrorCode::kInvalidArgument, "a leaf already maps this range");
      }
      table = GuestPhysAddr(pte::ppn(next) << kPageShift);
    }
    const GuestPhysAddr slot = slot_of(table, va, level);
    write_pte(slot, entry);
    return slot;
  }

  // Where va's entry at `level` lives, if the tables above it exist.
  std::optional<GuestPhysAddr> pte_address(GuestVirtAddr va, unsigned level) const {
    GuestPhysAddr table = root_;
    for (unsigned i = levels_of(mode_) - 1; i > level; --i) {
      const std::uint64_t next = read_pte(slot_of(table, va, i));
      if ((next & pte::kV) == 0 || (next & (pte::kR | pte::kX)) != 0) return std::nullopt;
      table = GuestPhysAddr(pte::ppn(next) << kPageShift);
    }
    return slot_of(table, va, level);
  }

  std::uint64_t read_pte(GuestPhysAddr addr) const {
    std::uint64_t v = 0;
    std::memcpy(&v, ram_->host_span(addr, 8).data(), 8);
    return v;
  }
  void write_pte(GuestPhysAddr addr, std::uint64_t value) { std::memcpy(ram_->host_span(addr, 8).data(), &value, 8); }

  // A zeroed 4 KiB table page from the pool.
  Result<GuestPhysAddr> alloc_table() {
    if (next_ + kPageSize > pool_end_ || !ram_->contains(next_, kPageSize)) {
      return make_error(ErrorCode::kResourceExhausted, "page-table pool exhausted");
    }
    const GuestPhysAddr table = next_;
    next_ += kPageSize;
    std::memset(ram_->host_span(table, kPageSize).data(), 0, kPageSize);
    ++tables_;
    return table;
  }

 private:
  static GuestPhysAddr slot_of(GuestPhysAddr table, GuestVirtAddr va, unsigned level) {
    return table + ((va.value() >> (kPageShift + 9 * level)) & 511) * 8;
  }

  GuestRam* ram_;
  SatpMode mode_;
  GuestPhysAddr next_;
  GuestPhysAddr pool_end_;
  GuestPhysAddr root_;
  std::uint64_t tables_ = 0;
};

}  // namespace vm::mem::testing
