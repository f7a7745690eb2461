#include <catch2/catch.hpp>

#include "mmu_fixture.hpp"

using namespace mmu_test;

TEST_CASE("Tlb::create validates its geometry", "[tlb]") {
  CHECK_FALSE(Tlb::create({.sets = 0}));
  CHECK_FALSE(Tlb::create({.sets = 48}));
  CHECK_FALSE(Tlb::create({.sets = 64, .ways = 0}));
  CHECK_FALSE(Tlb::create({.sets = 64, .ways = 17}));
  CHECK_FALSE(Tlb::create({.sets = 64, .ways = 4, .superpage_entries = 1000}));
  auto tlb = Tlb::create({.sets = 16, .ways = 2});
  REQUIRE(tlb);
  CHECK(tlb->sets() == 16);
  CHECK(tlb->ways() == 2);
  CHECK(tlb->valid_entries() == 0);
}

TEST_CASE("TLB hits after a walk and counts hits, misses and walks", "[tlb]") {
  System s;
  REQUIRE(s.tables.map(GuestVirtAddr{0x1000}, phys(0x10000), R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  auto t = mmu.translate(GuestVirtAddr{0x1234}, AccessType::kLoad);
  REQUIRE(t.ok);
  CHECK(t.pa == phys(0x10234));
  CHECK(mmu.tlb().counters().misses == 1);
  CHECK(mmu.tlb().counters().walks == 1);
  t = mmu.translate(GuestVirtAddr{0x1ff8}, AccessType::kStore);
  REQUIRE(t.ok);
  CHECK(t.pa == phys(0x10ff8));
  std::uint64_t v = 0;
  REQUIRE(mmu.store<std::uint64_t>(GuestVirtAddr{0x1008}, 0x0123456789abcdef));
  REQUIRE(mmu.load(GuestVirtAddr{0x1008}, v));
  CHECK(v == 0x0123456789abcdef);
  std::uint64_t raw = 0;
  std::memcpy(&raw, s.ram.host_span(phys(0x10008), 8).data(), 8);
  CHECK(raw == v);
  const auto& c = mmu.tlb().counters();
  CHECK(c.walks == 1);
  CHECK(c.hits == 3);
  CHECK(c.misses == 1);
  CHECK(c.hit_rate() == Approx(0.75));
  mmu.tlb().reset_counters();
  CHECK(mmu.tlb().counters().hit_rate() == 0.0);
}

TEST_CASE("A store to a clean page walks again and sets D", "[tlb][mmu]") {
  System s;
  auto leaf = s.tables.map(GuestVirtAddr{0x2000}, phys(0x20000), R | W);
  REQUIRE(leaf);
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  std::uint32_t v = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x2000}, v));
  CHECK((s.tables.read_pte(*leaf) & (A | D)) == A);
  REQUIRE(mmu.store<std::uint32_t>(GuestVirtAddr{0x2004}, 7));
  CHECK((s.tables.read_pte(*leaf) & (A | D)) == (A | D));
  CHECK(mmu.tlb().counters().walks == 2);
  REQUIRE(mmu.store<std::uint32_t>(GuestVirtAddr{0x2008}, 8));
  CHECK(mmu.tlb().counters().walks == 2);
  CHECK(mmu.tlb().valid_entries() == 1);  // the refill replaced the read-only entry
}

TEST_CASE("faults come back with cause and tval, and are not cached", "[tlb][mmu]") {
  System s;
  auto leaf = s.tables.map(GuestVirtAddr{0x3000}, phys(0x30000), R | A);
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  CHECK_FALSE(mmu.store<std::uint8_t>(GuestVirtAddr{0x3001}, 1));
  CHECK(mmu.last_fault().cause == ExceptionCause::kStorePageFault);
  CHECK(mmu.last_fault().tval == 0x3001);
  std::uint16_t h = 0;
  CHECK_FALSE(mmu.fetch(GuestVirtAddr{0x3002}, h));
  CHECK(mmu.last_fault().cause == ExceptionCause::kInstructionPageFault);
  CHECK_FALSE(mmu.load(GuestVirtAddr{0x9000}, h));
  CHECK(mmu.last_fault().cause == ExceptionCause::kLoadPageFault);
  CHECK(mmu.last_fault().reason == FaultReason::kInvalid);
  // Software fixes the PTE, the fault handler's sfence.vma, then it works.
  s.tables.write_pte(*leaf, s.tables.read_pte(*leaf) | W | D);
  mmu.sfence_vma(GuestVirtAddr{0x3000}, std::nullopt);
  CHECK(mmu.store<std::uint8_t>(GuestVirtAddr{0x3001}, 1));
}

TEST_CASE("entries are tagged with the mode: S fills do not serve U", "[tlb][mmu]") {
  System s;
  REQUIRE(s.tables.map(GuestVirtAddr{0x4000}, phys(0x40000), R | W | A | D));      // S page
  REQUIRE(s.tables.map(GuestVirtAddr{0x5000}, phys(0x50000), R | W | U | A | D));  // U page
  Mmu mmu = s.make_mmu();
  MmuContext sctx = s.ctx(s.tables.satp());
  mmu.set_context(sctx);
  std::uint8_t b = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x4000}, b));
  CHECK_FALSE(mmu.load(GuestVirtAddr{0x5000}, b));  // U page without SUM
  sctx.sum = true;
  mmu.set_context(sctx);
  CHECK(mmu.load(GuestVirtAddr{0x5000}, b));
  mmu.set_context(s.ctx(s.tables.satp(), Privilege::kUser));
  CHECK_FALSE(mmu.load(GuestVirtAddr{0x4000}, b));
  CHECK(mmu.last_fault().reason == FaultReason::kSupervisorPageInUser);
  CHECK(mmu.load(GuestVirtAddr{0x5000}, b));
  // M-mode with MPRV uses MPP for data, the identity for fetches.
  MmuContext m = s.ctx(s.tables.satp(), Privilege::kMachine);
  m.mprv = true;
  m.mpp = Privilege::kUser;
  mmu.set_context(m);
  CHECK(mmu.translate(GuestVirtAddr{0x5008}, AccessType::kLoad).pa == phys(0x50008));
  CHECK(mmu.translate(GuestVirtAddr{0x5008}, AccessType::kFetch).pa == GuestPhysAddr{0x5008});
  // M-mode identity accesses go through the TLB too.
  mmu.set_context(s.ctx(0, Privilege::kMachine));
  REQUIRE(mmu.store<std::uint16_t>(GuestVirtAddr{kRamBase + 0x60000}, 0xbeef));
  std::uint16_t h = 0;
  REQUIRE(mmu.load(GuestVirtAddr{kRamBase + 0x60000}, h));
  CHECK(h == 0xbeef);
  CHECK_FALSE(mmu.load(GuestVirtAddr{0x10}, h));  // nothing at physical 0x10
  CHECK(mmu.last_fault().cause == ExceptionCause::kLoadAccessFault);
  CHECK(mmu.last_fault().tval == 0x10);
}

TEST_CASE("page-crossing accesses translate both pages", "[tlb][mmu]") {
  System s;
  REQUIRE(s.tables.map(GuestVirtAddr{0x6000}, phys(0x61000), R | W | A | D));
  REQUIRE(s.tables.map(GuestVirtAddr{0x7000}, phys(0x72000), R | W | A | D));
  REQUIRE(s.tables.map(GuestVirtAddr{0x8000}, phys(0x80000), R | A | D));  // read-only
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  REQUIRE(mmu.store<std::uint64_t>(GuestVirtAddr{0x6ffd}, 0x1122334455667788));
  CHECK(std::to_integer<int>(s.ram.host_span(phys(0x61ffd), 1)[0]) == 0x88);
  CHECK(std::to_integer<int>(s.ram.host_span(phys(0x72004), 1)[0]) == 0x11);
  std::uint64_t v = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x6ffd}, v));
  CHECK(v == 0x1122334455667788);
  std::uint32_t w = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x6001}, w));  // misaligned inside a page: fast path
  // A store whose second page is read-only faults and writes nothing.
  std::memset(s.ram.host_span(phys(0x72ffe), 2).data(), 0, 2);
  CHECK_FALSE(mmu.store<std::uint32_t>(GuestVirtAddr{0x7ffe}, 0xffffffff));
  CHECK(mmu.last_fault().cause == ExceptionCause::kStorePageFault);
  CHECK(mmu.last_fault().tval == 0x8000);
  CHECK(std::to_integer<int>(s.ram.host_span(phys(0x72ffe), 1)[0]) == 0);
}
