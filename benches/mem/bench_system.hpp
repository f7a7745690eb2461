// The machine the vm-mem benchmarks run on: guest RAM at 0x8000_0000 (large
// enough for a 1 GiB page, committed only where touched), a bus, page tables
// built with vm::mem_testing, and per-page-size mappings.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vm/mem/mmu.hpp"
#include "vm/mem/testing/page_table_builder.hpp"

namespace mem_bench {

using namespace vm::mem;

inline constexpr std::uint64_t kRamBase = 0x8000'0000;
inline constexpr std::uint64_t kRamSize = (1ull << 30) + (256ull << 20);
inline constexpr std::uint64_t kFlags = pte::kR | pte::kW | pte::kA | pte::kD;

// Virtual windows: 4 KiB pages at 0x1000_0000 (16384 pages = 64 MiB of
// RAM), 2 MiB pages at 0x4000_0000 (the same 64 MiB), a 1 GiB page at 0x1_0000_0000.
inline constexpr std::uint64_t kVa4k = 0x1000'0000;
inline constexpr std::uint64_t kVa2m = 0x4000'0000;
inline constexpr std::uint64_t kVa1g = 0x1'0000'0000;
inline constexpr std::uint64_t kWindow = 64ull << 20;

struct BenchSystem {
  explicit BenchSystem(SatpMode mode = SatpMode::kSv39);
  MmuContext context() const;
  std::unique_ptr<Mmu> make_mmu(const TlbConfig& tlb = {}) const;

  GuestRam ram;
  std::unique_ptr<PhysicalBus> bus;
  std::unique_ptr<testing::PageTableBuilder> tables;
};

// n distinct 4 KiB-page addresses spread over [base, base + span), shuffled
// with a fixed seed, each at a different in-page offset.
std::vector<GuestVirtAddr> spread_addresses(std::uint64_t base, std::uint64_t span, std::size_t n);

}  // namespace mem_bench
