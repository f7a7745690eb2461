#include <catch2/catch.hpp>

#include "mmu_fixture.hpp"

using namespace mmu_test;

namespace {

// Two address spaces (ASID 1 and 2) that map the same VAs to different
// frames, plus a global page, and harts whose TLBs are then made stale by
// rewriting the PTEs behind their back.
struct TwoSpaces {
  System s;
  testing::PageTableBuilder second{s.ram, SatpMode::kSv39, phys(40ull << 20), 4ull << 20};
  GuestPhysAddr leaf1_a, leaf1_b, leaf2_a, global1;
  static constexpr GuestVirtAddr kA{0x10000}, kB{0x11000}, kGlobal{0x20000};

  TwoSpaces() {
    leaf1_a = s.tables.map(kA, phys(0x100000), R | W | A | D).value();
    leaf1_b = s.tables.map(kB, phys(0x101000), R | W | A | D).value();
    leaf2_a = second.map(kA, phys(0x200000), R | W | A | D).value();
    REQUIRE(second.map(kB, phys(0x201000), R | W | A | D));
    global1 = s.tables.map(kGlobal, phys(0x300000), R | W | A | D | G).value();
    // The same global mapping appears in both spaces, as kernels do.
    REQUIRE(second.map_raw(kGlobal, 0, s.tables.read_pte(global1)));
  }
  MmuContext space1() { return s.ctx(s.tables.satp(1)); }
  MmuContext space2() { return s.ctx(second.satp(2)); }
  // Points every PTE at a new frame (+0x400000) without telling any TLB.
  void remap_all() {
    for (auto* b : {&s.tables, &second}) {
      for (GuestVirtAddr va : {kA, kB, kGlobal}) {
        auto slot = b->pte_address(va, 0);
        b->write_pte(*slot, b->read_pte(*slot) + ((0x400000ull >> 12) << 10));
      }
    }
  }
  static std::uint64_t pa(Mmu& mmu, GuestVirtAddr va) {
    auto t = mmu.translate(va, AccessType::kLoad);
    REQUIRE(t.ok);
    return t.pa.value() - kRamBase;
  }
  // Fills ASID 1 then ASID 2 entries for kA, kB and the global page.
  void warm(Mmu& mmu) {
    for (MmuContext c : {space1(), space2()}) {
      mmu.set_context(c);
      for (GuestVirtAddr va : {kA, kB, kGlobal}) (void)pa(mmu, va);
    }
  }
};

}  // namespace

TEST_CASE("ASIDs isolate address spaces without flushing", "[tlb][mmu]") {
  TwoSpaces t;
  Mmu mmu = t.s.make_mmu();
  t.warm(mmu);
  const auto walks = mmu.tlb().counters().walks;
  mmu.set_context(t.space1());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x100000);
  mmu.set_context(t.space2());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x200000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kGlobal) == 0x300000);
  CHECK(mmu.tlb().counters().walks == walks);  // all hits, no re-walks
  // The global page is cached once and serves both ASIDs.
  mmu.set_context(t.s.ctx(t.s.tables.satp(77)));
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kGlobal) == 0x300000);
  CHECK(mmu.tlb().counters().walks == walks);
}

TEST_CASE("sfence.vma x0, x0 flushes everything", "[tlb][mmu]") {
  TwoSpaces t;
  Mmu mmu = t.s.make_mmu();
  t.warm(mmu);
  t.remap_all();
  mmu.set_context(t.space1());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x100000);  // stale until fenced
  mmu.sfence_vma(std::nullopt, std::nullopt);
  CHECK(mmu.tlb().valid_entries() == 0);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x500000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kGlobal) == 0x700000);
  mmu.set_context(t.space2());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kB) == 0x601000);
  CHECK(mmu.tlb().counters().flushes == 1);
}

TEST_CASE("sfence.vma x0, asid flushes that ASID's non-global entries", "[tlb][mmu]") {
  TwoSpaces t;
  Mmu mmu = t.s.make_mmu();
  t.warm(mmu);
  t.remap_all();
  mmu.sfence_vma(std::nullopt, std::uint16_t{1});
  mmu.set_context(t.space1());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x500000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kB) == 0x501000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kGlobal) == 0x300000);  // global survives
  mmu.set_context(t.space2());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x200000);  // other ASID untouched
}

TEST_CASE("sfence.vma va, x0 flushes that page in every ASID, global too", "[tlb][mmu]") {
  TwoSpaces t;
  Mmu mmu = t.s.make_mmu();
  t.warm(mmu);
  t.remap_all();
  mmu.sfence_vma(TwoSpaces::kA + 0x123, std::nullopt);
  mmu.sfence_vma(TwoSpaces::kGlobal, std::nullopt);
  mmu.set_context(t.space1());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x500000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kB) == 0x101000);  // other page untouched
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kGlobal) == 0x700000);
  mmu.set_context(t.space2());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x600000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kB) == 0x201000);
}

TEST_CASE("sfence.vma va, asid flushes one page of one ASID, not globals", "[tlb][mmu]") {
  TwoSpaces t;
  Mmu mmu = t.s.make_mmu();
  t.warm(mmu);
  t.remap_all();
  mmu.sfence_vma(TwoSpaces::kA, std::uint16_t{1});
  mmu.sfence_vma(TwoSpaces::kGlobal, std::uint16_t{1});
  mmu.set_context(t.space1());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x500000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kB) == 0x101000);
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kGlobal) == 0x300000);
  mmu.set_context(t.space2());
  CHECK(TwoSpaces::pa(mmu, TwoSpaces::kA) == 0x200000);
  CHECK(mmu.tlb().counters().flushes == 2);
}

TEST_CASE("superpages refill 4 KiB entries without walking; fences cover them", "[tlb][mmu]") {
  System s;
  auto leaf = s.tables.map(GuestVirtAddr{0x4000'0000}, phys(0x200000), R | W | A | D, 1);  // 2 MiB
  REQUIRE(leaf);
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp(3)));
  for (std::uint64_t off = 0; off < 0x200000; off += 0x1000) {
    auto t = mmu.translate(GuestVirtAddr{0x4000'0000 + off + 8}, AccessType::kLoad);
    REQUIRE(t.ok);
    REQUIRE(t.pa == phys(0x200000 + off + 8));
  }
  CHECK(mmu.tlb().counters().walks == 1);
  CHECK(mmu.tlb().counters().superpage_refills == 511);
  // Retarget the superpage; a fence on any address inside it drops every piece.
  s.tables.write_pte(*leaf, pte::make((kRamBase + 0x400000) >> 12, pte::kV | R | W | A | D));
  CHECK(mmu.translate(GuestVirtAddr{0x4000'0000}, AccessType::kLoad).pa == phys(0x200000));
  mmu.sfence_vma(GuestVirtAddr{0x401f'f000}, std::uint16_t{3});
  CHECK(mmu.translate(GuestVirtAddr{0x4000'0000}, AccessType::kLoad).pa == phys(0x400000));
  CHECK(mmu.translate(GuestVirtAddr{0x4010'0010}, AccessType::kLoad).pa == phys(0x500010));
}
