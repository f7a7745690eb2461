// Shared setup for the TLB/MMU tests: 64 MiB of RAM at 0x8000_0000, a bus,
// a page-table builder and helpers to make contexts.
#pragma once

#include <catch2/catch.hpp>

#include "vm/mem/mmu.hpp"
#include "vm/mem/testing/page_table_builder.hpp"

namespace mmu_test {

using namespace vm::mem;

inline constexpr std::uint64_t kRamBase = 0x8000'0000;
inline constexpr std::uint64_t R = pte::kR, W = pte::kW, X = pte::kX, U = pte::kU, A = pte::kA, D = pte::kD,
                               G = pte::kG;

inline GuestPhysAddr phys(std::uint64_t offset) { return GuestPhysAddr{kRamBase + offset}; }

struct System {
  explicit System(bool track_dirty = false, MmuConfig cfg = {})
      : ram(std::move(
            GuestRam::create({.base = GuestPhysAddr{kRamBase}, .size = 64ull << 20, .track_dirty = track_dirty})
                .value())),
        tables(ram, SatpMode::kSv39, phys(48ull << 20), 8ull << 20),
        config(cfg) {
    REQUIRE(bus.map_ram("ram", ram));
  }
  Mmu make_mmu() { return std::move(Mmu::create(bus, config).value()); }
  MmuContext ctx(std::uint64_t satp, Privilege priv = Privilege::kSupervisor) {
    MmuContext c;
    c.satp = Satp::decode(satp).value();
    c.priv = priv;
    return c;
  }
  GuestRam ram;
  PhysicalBus bus;
  testing::PageTableBuilder tables;
  MmuConfig config;
};

}  // namespace mmu_test
