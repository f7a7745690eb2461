#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "mmu_fixture.hpp"

using namespace mmu_test;

TEST_CASE("translate_batch translates many addresses and reports faults", "[mmu][tlb]") {
  System s;
  for (std::uint64_t i = 0; i < 32; ++i) {
    REQUIRE(s.tables.map(GuestVirtAddr{0x10'0000 + i * 0x1000}, phys(0x100000 + i * 0x2000), R | A));
  }
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  std::vector<GuestVirtAddr> vas;
  for (std::uint64_t i = 0; i < 33; ++i) vas.push_back(GuestVirtAddr{0x10'0000 + i * 0x1000 + 4});
  std::vector<Translation> out(vas.size());
  mmu.translate_batch(vas, AccessType::kLoad, out);
  for (std::uint64_t i = 0; i < 32; ++i) {
    REQUIRE(out[i].ok);
    CHECK(out[i].pa == phys(0x100000 + i * 0x2000 + 4));
  }
  CHECK_FALSE(out[32].ok);  // the 33rd page is not mapped
  CHECK(out[32].fault.tval == vas[32].value());
  mmu.translate_batch(vas, AccessType::kStore, out);
  CHECK_FALSE(out[0].ok);
  CHECK(out[0].fault.cause == ExceptionCause::kStorePageFault);
}

// Two harts on two threads walk the same tables while the walker sets A
// and D bits in them: every result must be right and every bit set.
TEST_CASE("concurrent translate_batch on two harts", "[mmu][tlb]") {
  constexpr std::uint64_t kPages = 2048;
  System s(false, MmuConfig{.tlb = {.sets = 16, .ways = 2}, .walker = {}});  // small TLB: many walks
  std::vector<GuestPhysAddr> leaves;
  for (std::uint64_t i = 0; i < kPages; ++i) {
    leaves.push_back(s.tables.map(GuestVirtAddr{0x4000'0000 + i * 0x1000}, phys(0x100000 + i * 0x1000), R | W).value());
  }
  std::vector<GuestVirtAddr> vas;
  for (std::uint64_t i = 0; i < kPages; ++i) vas.push_back(GuestVirtAddr{0x4000'0000 + i * 0x1000 + i % 4096});
  auto run = [&](AccessType access, bool reverse, int& errors) {
    Mmu mmu = s.make_mmu();
    mmu.set_context(s.ctx(s.tables.satp()));
    std::vector<GuestVirtAddr> mine = vas;
    if (reverse) std::reverse(mine.begin(), mine.end());
    std::vector<Translation> out(mine.size());
    for (int round = 0; round < 4; ++round) {
      mmu.translate_batch(mine, access, out);
      for (std::size_t i = 0; i < mine.size(); ++i) {
        const std::uint64_t page = (mine[i].value() - 0x4000'0000) >> 12;
        if (!out[i].ok || out[i].pa != phys(0x100000 + page * 0x1000 + mine[i].page_offset())) ++errors;
      }
    }
  };
  int errors1 = 0, errors2 = 0;
  std::thread t1([&] { run(AccessType::kLoad, false, errors1); });
  std::thread t2([&] { run(AccessType::kStore, true, errors2); });
  t1.join();
  t2.join();
  CHECK(errors1 == 0);
  CHECK(errors2 == 0);
  int missing = 0;
  for (GuestPhysAddr leaf : leaves) {
    if ((s.tables.read_pte(leaf) & (A | D)) != (A | D)) ++missing;
  }
  CHECK(missing == 0);
}
