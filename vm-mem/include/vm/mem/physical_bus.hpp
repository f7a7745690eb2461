// The guest physical address space of a machine: RAM regions and MMIO
// regions, dispatching each access to the region that covers it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vm/core/result.hpp"
#include "vm/mem/export.hpp"
#include "vm/mem/guest_memory.hpp"
#include "vm/mem/guest_ram.hpp"
#include "vm/mem/mmio.hpp"

namespace vm::mem {

// One mapped region. The bus does not own the RAM or the handler: they must
// outlive it (devices and RAM belong to the board).
struct BusRegion {
  std::string name;
  GuestPhysAddr base;
  std::uint64_t size = 0;
  GuestRam* ram = nullptr;      // set for RAM regions
  MmioHandler* mmio = nullptr;  // set for MMIO regions
  GuestPhysAddr end() const noexcept { return base + size; }
  bool is_ram() const noexcept { return ram != nullptr; }
};

// Mapping is done before harts run and is not thread-safe; accesses are
// (the bus is read-only while harts run, RAM is plain memory and devices
// serialise themselves).
class VM_MEM_API PhysicalBus final : public GuestMemory {
 public:
  // Base and size must be 4 KiB aligned and non-zero; an overlap with an
  // existing region is refused naming both regions.
  Result<void> map_ram(std::string name, GuestRam& ram);
  Result<void> map_mmio(std::string name, GuestPhysAddr base, std::uint64_t size, MmioHandler& handler);

  // The host address of [addr, addr + len) when all of it is RAM, else
  // nullptr. Inline for the largest RAM region (page tables and most data
  // live there), a region search otherwise.
  std::byte* ram_pointer(GuestPhysAddr addr, std::uint64_t len) noexcept {
    const std::uint64_t off = addr.value() - main_ram_base_;
    if (off < main_ram_size_ && len <= main_ram_size_ - off) [[likely]]
      return main_ram_host_ + off;
    return ram_pointer_slow(addr, len);
  }
  // True when some RAM region keeps dirty bits.
  bool tracks_dirty() const noexcept { return tracks_dirty_; }

  // The region covering addr, or nullptr.
  const BusRegion* find(GuestPhysAddr addr) const noexcept;
  const std::vector<BusRegion>& regions() const noexcept { return regions_; }

  BusStatus read(GuestPhysAddr addr, std::span<std::byte> out) override;
  BusStatus write(GuestPhysAddr addr, std::span<const std::byte> in) override;
  std::span<std::byte> host_span(GuestPhysAddr addr, std::uint64_t len) override;
  BusStatus load(GuestPhysAddr addr, unsigned size, std::uint64_t& value) override;
  BusStatus store(GuestPhysAddr addr, unsigned size, std::uint64_t value) override;

 private:
  Result<void> insert(BusRegion region);
  std::byte* ram_pointer_slow(GuestPhysAddr addr, std::uint64_t len) noexcept;
  // The region holding all of [addr, addr+len), or nullptr.
  const BusRegion* find_range(GuestPhysAddr addr, std::uint64_t len) const noexcept;

  std::vector<BusRegion> regions_;  // sorted by base, disjoint
  std::uint64_t main_ram_base_ = 0;
  std::uint64_t main_ram_size_ = 0;  // 0: no RAM mapped yet
  std::byte* main_ram_host_ = nullptr;
  bool tracks_dirty_ = false;
};

}  // namespace vm::mem
