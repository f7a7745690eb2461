// The MMU's performance events: tlb_miss and page_walk on the miss path
// only, nothing for hits, nothing without a recorder.
#include <catch2/catch.hpp>

#include "mmu_fixture.hpp"
#include "vm/core/perf/monitor.hpp"

using namespace mmu_test;
namespace perf = vm::core::perf;

TEST_CASE("the MMU records tlb_miss and page_walk events on misses only", "[tlb][mmu][perf]") {
  System s;
  REQUIRE(s.tables.map(GuestVirtAddr{0x1000}, phys(0x10000), R | W | A | D));
  REQUIRE(s.tables.map(GuestVirtAddr{0x4000'0000}, phys(0x200000), R | W | A | D, 1));  // 2 MiB
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  auto monitor = perf::Monitor::create();
  REQUIRE(monitor);
  perf::Recorder& rec = (*monitor)->thread_recorder();
  const auto miss = perf::id_of(perf::Event::kTlbMiss);
  const auto walk = perf::id_of(perf::Event::kPageWalk);

  std::uint64_t v = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x1000}, v));  // a miss before recording: not counted
  mmu.set_perf_recorder(&rec);
  for (int i = 0; i < 10; ++i) REQUIRE(mmu.load(GuestVirtAddr{0x1008}, v));  // hits
  CHECK(rec.view(miss).count == 0);
  CHECK(rec.view(walk).count == 0);

  REQUIRE(mmu.load(GuestVirtAddr{0x4000'0000}, v));  // miss + walk
  REQUIRE(mmu.load(GuestVirtAddr{0x4000'1000}, v));  // miss, refilled from the superpage array
  CHECK_FALSE(mmu.load(GuestVirtAddr{0x9000}, v));   // miss + walk that faults
  CHECK(rec.view(miss).count == 3);
  CHECK(rec.view(walk).count == 2);
  CHECK(mmu.tlb().counters().walks == 3);

  mmu.set_perf_recorder(nullptr);
  mmu.sfence_vma(std::nullopt, std::nullopt);
  REQUIRE(mmu.load(GuestVirtAddr{0x1000}, v));
  CHECK(rec.view(miss).count == 3);
}
