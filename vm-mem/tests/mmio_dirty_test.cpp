#include <catch2/catch.hpp>

#include "mmu_fixture.hpp"
#include "vm/mem/testing/fake_mmio.hpp"

using namespace mmu_test;

TEST_CASE("virtual accesses to MMIO pages reach the device with their size", "[tlb][bus]") {
  System s;
  testing::FakeMmioDevice dev;
  REQUIRE(s.bus.map_mmio("dev", GuestPhysAddr{0x1000'0000}, 0x1000, dev));
  REQUIRE(s.tables.map(GuestVirtAddr{0x7000}, GuestPhysAddr{0x1000'0000}, R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  REQUIRE(mmu.store<std::uint32_t>(GuestVirtAddr{0x7010}, 0xcafe));
  std::uint32_t v = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x7010}, v));
  CHECK(v == 0xcafe);
  std::uint8_t b = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x7011}, b));
  CHECK(b == 0xca);
  auto log = dev.accesses();
  REQUIRE(log.size() == 3);  // every access went to the device, none via host memory
  CHECK(log[0].is_write);
  CHECK(log[0].size == 4);
  CHECK(log[0].offset == 0x10);
  CHECK(log[2].size == 1);
  dev.set_failing(true);
  CHECK_FALSE(mmu.load(GuestVirtAddr{0x7010}, v));
  CHECK(mmu.last_fault().cause == ExceptionCause::kLoadAccessFault);
  CHECK(mmu.last_fault().tval == 0x7010);
  CHECK_FALSE(mmu.store<std::uint8_t>(GuestVirtAddr{0x7000}, 1));
  CHECK(mmu.last_fault().cause == ExceptionCause::kStoreAccessFault);
}

TEST_CASE("a leaf pointing at unmapped physical memory is an access fault", "[tlb][bus]") {
  System s;
  REQUIRE(s.tables.map(GuestVirtAddr{0x7000}, GuestPhysAddr{0x2000'0000}, R | W | X | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  std::uint16_t h = 0;
  CHECK_FALSE(mmu.fetch(GuestVirtAddr{0x7002}, h));
  CHECK(mmu.last_fault().cause == ExceptionCause::kInstructionAccessFault);
  CHECK(mmu.last_fault().tval == 0x7002);
}

TEST_CASE("stores to dirty-tracked RAM through the MMU mark pages dirty", "[tlb][ram]") {
  System s(/*track_dirty=*/true);
  REQUIRE(s.tables.map(GuestVirtAddr{0x9000}, phys(0x90000), R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  (void)s.ram.take_dirty_pages();  // the page-table writes
  std::uint64_t v = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x9000}, v));
  CHECK(s.ram.take_dirty_pages().empty());
  REQUIRE(mmu.store<std::uint64_t>(GuestVirtAddr{0x9008}, 5));
  REQUIRE(mmu.store<std::uint64_t>(GuestVirtAddr{0x9010}, 6));
  auto dirty = s.ram.take_dirty_pages();
  REQUIRE(dirty.size() == 1);
  CHECK(dirty[0] == phys(0x90000));
  REQUIRE(mmu.load(GuestVirtAddr{0x9010}, v));
  CHECK(v == 6);
  REQUIRE(mmu.store<std::uint8_t>(GuestVirtAddr{0x9000}, 1));
  CHECK(s.ram.is_dirty(phys(0x90000)));
}
