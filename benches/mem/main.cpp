// bench_vm_mem entry point and the shared benchmark machine.
#include <algorithm>
#include <random>

#include <benchmark/benchmark.h>

#include "bench_system.hpp"

namespace mem_bench {

BenchSystem::BenchSystem(SatpMode mode)
    : ram(std::move(GuestRam::create({.base = GuestPhysAddr{kRamBase}, .size = kRamSize}).value())),
      bus(std::make_unique<PhysicalBus>()) {
  (void)bus->map_ram("ram", ram);
  tables = std::make_unique<testing::PageTableBuilder>(ram, mode, GuestPhysAddr{kRamBase + (1ull << 30)}, 256ull << 20);
  const GuestPhysAddr data{kRamBase};
  for (std::uint64_t off = 0; off < kWindow; off += kPageSize) {
    (void)tables->map(GuestVirtAddr{kVa4k + off}, data + off, kFlags, 0);
  }
  for (std::uint64_t off = 0; off < kWindow; off += 2ull << 20) {
    (void)tables->map(GuestVirtAddr{kVa2m + off}, data + off, kFlags, 1);
  }
  (void)tables->map(GuestVirtAddr{kVa1g}, data, kFlags, 2);
}

MmuContext BenchSystem::context() const {
  MmuContext c;
  c.satp = *Satp::decode(tables->satp(1));
  c.priv = Privilege::kSupervisor;
  return c;
}

std::unique_ptr<Mmu> BenchSystem::make_mmu(const TlbConfig& tlb) const {
  auto mmu = std::make_unique<Mmu>(std::move(Mmu::create(*bus, {.tlb = tlb, .walker = {}}).value()));
  mmu->set_context(context());
  return mmu;
}

std::vector<GuestVirtAddr> spread_addresses(std::uint64_t base, std::uint64_t span, std::size_t n) {
  std::vector<GuestVirtAddr> out;
  const std::uint64_t pages = span / kPageSize;
  const std::uint64_t stride = std::max<std::uint64_t>(1, pages / n);
  for (std::size_t i = 0; i < n; ++i) {
    out.emplace_back(base + ((i * stride) % pages) * kPageSize + (i * 8) % kPageSize);
  }
  std::shuffle(out.begin(), out.end(), std::mt19937_64(42));
  return out;
}

}  // namespace mem_bench

BENCHMARK_MAIN();
