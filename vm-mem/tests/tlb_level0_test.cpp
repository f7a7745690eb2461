// Level 0 of the TLB (the direct-mapped, current-ASID array the inline hit
// path reads): slot conflicts, ASID switches, fences that must reach it
// without a context switch, hit counting and the documented layout.
#include <catch2/catch.hpp>

#include "mmu_fixture.hpp"
#include "vm/mem/testing/fake_mmio.hpp"

using namespace mmu_test;

namespace {

std::uint64_t pa_of(Mmu& mmu, std::uint64_t va, AccessType access = AccessType::kLoad) {
  auto t = mmu.translate(GuestVirtAddr{va}, access);
  REQUIRE(t.ok);
  return t.pa.value() - kRamBase;
}

// Points va's leaf at a frame 0x400000 further on, behind the TLB's back.
void remap(testing::PageTableBuilder& tables, std::uint64_t va) {
  auto slot = tables.pte_address(GuestVirtAddr{va}, 0);
  REQUIRE(slot);
  tables.write_pte(*slot, tables.read_pte(*slot) + ((0x400000ull >> 12) << 10));
}

}  // namespace

TEST_CASE("Tlb::create validates the level-0 size", "[tlb]") {
  CHECK_FALSE(Tlb::create({.fast_entries = 0}));
  CHECK_FALSE(Tlb::create({.fast_entries = 1}));
  CHECK_FALSE(Tlb::create({.fast_entries = 96}));
  CHECK_FALSE(Tlb::create({.fast_entries = 1u << 17}));
  auto tlb = Tlb::create({.fast_entries = 2});
  REQUIRE(tlb);
  CHECK(tlb->fast_size() == 2);
}

TEST_CASE("pages sharing a level-0 slot each keep their own translation", "[tlb][mmu]") {
  System s(false, MmuConfig{.tlb = {.fast_entries = 2}, .walker = {}});
  // 0x1000 and 0x3000 both land in slot 1 of a two-entry level 0.
  REQUIRE(s.tables.map(GuestVirtAddr{0x1000}, phys(0x10000), R | W | A | D));
  REQUIRE(s.tables.map(GuestVirtAddr{0x3000}, phys(0x30000), R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  REQUIRE(mmu.store<std::uint32_t>(GuestVirtAddr{0x1010}, 0x1111));
  REQUIRE(mmu.store<std::uint32_t>(GuestVirtAddr{0x3010}, 0x3333));
  for (int round = 0; round < 3; ++round) {
    std::uint32_t a = 0, b = 0;
    REQUIRE(mmu.load(GuestVirtAddr{0x1010}, a));
    REQUIRE(mmu.load(GuestVirtAddr{0x3010}, b));
    CHECK(a == 0x1111);
    CHECK(b == 0x3333);
    CHECK(pa_of(mmu, 0x1ff8) == 0x10ff8);
    CHECK(pa_of(mmu, 0x3008) == 0x30008);
  }
  // Each page was walked once; the evictions from level 0 refilled from level 1.
  const TlbCounters c = mmu.tlb().counters();
  CHECK(c.walks == 2);
  CHECK(c.misses == 2);
  CHECK(c.hits == 12);  // every one a level-1 hit: the slot always held the other page
}

TEST_CASE("an ASID switch empties level 0; level 1 serves the old ASID again", "[tlb][mmu]") {
  System s;
  testing::PageTableBuilder second{s.ram, SatpMode::kSv39, phys(40ull << 20), 4ull << 20};
  REQUIRE(s.tables.map(GuestVirtAddr{0x10000}, phys(0x100000), R | W | A | D));
  REQUIRE(second.map(GuestVirtAddr{0x10000}, phys(0x200000), R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp(1)));
  CHECK(pa_of(mmu, 0x10008) == 0x100008);
  mmu.set_context(s.ctx(second.satp(2)));
  std::uint64_t v = 0;
  REQUIRE(mmu.store<std::uint64_t>(GuestVirtAddr{0x10000}, 42));
  REQUIRE(mmu.load(GuestVirtAddr{0x10000}, v));
  CHECK(v == 42);
  CHECK(pa_of(mmu, 0x10008) == 0x200008);
  mmu.set_context(s.ctx(s.tables.satp(1)));
  CHECK(pa_of(mmu, 0x10008) == 0x100008);
  REQUIRE(mmu.load(GuestVirtAddr{0x10000}, v));
  CHECK(v == 0);  // ASID 1's frame, not the one written under ASID 2
  CHECK(mmu.tlb().counters().walks == 2);
  // A privilege change keeps level 0 (the mode is in the tag) but an
  // S-mode entry does not serve U-mode.
  mmu.set_context(s.ctx(s.tables.satp(1), Privilege::kUser));
  CHECK_FALSE(mmu.load(GuestVirtAddr{0x10000}, v));
  CHECK(mmu.last_fault().cause == ExceptionCause::kLoadPageFault);
}

TEST_CASE("each sfence form reaches level 0 without a context switch", "[tlb][mmu]") {
  struct Form {
    const char* name;
    std::optional<std::uint64_t> va;
    std::optional<std::uint16_t> asid;
  };
  for (const Form& f : {Form{"all", std::nullopt, std::nullopt}, Form{"asid", std::nullopt, std::uint16_t{1}},
                        Form{"page", 0x10000, std::nullopt}, Form{"page+asid", 0x10000, std::uint16_t{1}}}) {
    SECTION(f.name) {
      System s;
      REQUIRE(s.tables.map(GuestVirtAddr{0x10000}, phys(0x100000), R | W | A | D));
      REQUIRE(s.tables.map(GuestVirtAddr{0x11000}, phys(0x101000), R | W | A | D));
      Mmu mmu = s.make_mmu();
      mmu.set_context(s.ctx(s.tables.satp(1)));
      CHECK(pa_of(mmu, 0x10010) == 0x100010);
      CHECK(pa_of(mmu, 0x11010) == 0x101010);
      remap(s.tables, 0x10000);
      remap(s.tables, 0x11000);
      CHECK(pa_of(mmu, 0x10010) == 0x100010);  // stale until fenced
      std::optional<GuestVirtAddr> va;
      if (f.va) va = GuestVirtAddr{*f.va};
      mmu.sfence_vma(va, f.asid);
      CHECK(pa_of(mmu, 0x10010) == 0x500010);
      std::uint64_t v = 1;
      REQUIRE(mmu.load(GuestVirtAddr{0x10010}, v));
      CHECK(v == 0);
      // The per-page forms leave the other page's entry alone.
      CHECK(pa_of(mmu, 0x11010) == (f.va ? 0x101010 : 0x501010));
    }
  }
}

TEST_CASE("a fence for another ASID leaves the current one's level 0 intact", "[tlb][mmu]") {
  System s;
  REQUIRE(s.tables.map(GuestVirtAddr{0x10000}, phys(0x100000), R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp(1)));
  CHECK(pa_of(mmu, 0x10000) == 0x100000);
  mmu.sfence_vma(std::nullopt, std::uint16_t{9});
  mmu.sfence_vma(GuestVirtAddr{0x10000}, std::uint16_t{9});
  CHECK(pa_of(mmu, 0x10000) == 0x100000);
  CHECK(mmu.tlb().counters().walks == 1);
}

TEST_CASE("the documented level-0 layout gives the host address an engine would use", "[tlb][mmu]") {
  System s;
  REQUIRE(s.tables.map(GuestVirtAddr{0x5000}, phys(0x50000), R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  std::uint64_t v = 0;
  REQUIRE(mmu.load(GuestVirtAddr{0x5000}, v));  // fills the entry
  const Tlb& tlb = mmu.tlb();
  auto inline_hit = [&](std::uint64_t va, unsigned size, AccessType access) -> const std::byte* {
    const TlbFastEntry& e = tlb.fast_entries()[(va >> 12) & (tlb.fast_size() - 1)];
    const std::uint64_t want = ((va + size - 1) & ~std::uint64_t{0xfff}) | mmu.mode_key(access);
    if (e.tag[static_cast<unsigned>(access)] != want) return nullptr;
    return reinterpret_cast<const std::byte*>(static_cast<std::intptr_t>(va) + e.addend);
  };
  CHECK(inline_hit(0x5008, 8, AccessType::kLoad) == s.ram.host_span(phys(0x50008), 8).data());
  CHECK(inline_hit(0x5ff8, 8, AccessType::kStore) == s.ram.host_span(phys(0x50ff8), 8).data());
  CHECK(inline_hit(0x5ffc, 8, AccessType::kLoad) == nullptr);   // crosses into the next page
  CHECK(inline_hit(0x5000, 4, AccessType::kFetch) == nullptr);  // not executable
  CHECK(inline_hit(0x6000, 1, AccessType::kLoad) == nullptr);   // never filled
}

TEST_CASE("MMIO pages translate through level 0 but access through the bus", "[tlb][mmu]") {
  System s;
  testing::FakeMmioDevice dev(0x1000);
  REQUIRE(s.bus.map_mmio("dev", GuestPhysAddr{0x1000'0000}, 0x1000, dev));
  REQUIRE(s.tables.map(GuestVirtAddr{0x9000}, GuestPhysAddr{0x1000'0000}, R | W | A | D));
  Mmu mmu = s.make_mmu();
  mmu.set_context(s.ctx(s.tables.satp()));
  for (int i = 0; i < 3; ++i) {
    REQUIRE(mmu.store<std::uint32_t>(GuestVirtAddr{0x9010}, 0xabcd + i));
    auto t = mmu.translate(GuestVirtAddr{0x9010}, AccessType::kLoad);
    REQUIRE(t.ok);
    CHECK(t.pa.value() == 0x1000'0010);
  }
  CHECK(dev.accesses().size() == 3);
  CHECK(mmu.tlb().counters().walks == 1);
}
