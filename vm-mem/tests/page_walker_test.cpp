#include <catch2/catch.hpp>

#include <vector>

#include "vm/mem/page_walker.hpp"
#include "vm/mem/testing/page_table_builder.hpp"

using namespace vm::mem;
using vm::mem::testing::PageTableBuilder;

namespace {

constexpr std::uint64_t kRamBase = 0x8000'0000;
constexpr std::uint64_t kRamSize = 64ull << 20;
constexpr GuestPhysAddr kPool{kRamBase + (48ull << 20)};
constexpr GuestPhysAddr kData{kRamBase + (2ull << 20)};  // 2 MiB aligned
constexpr std::uint64_t R = pte::kR, W = pte::kW, X = pte::kX, U = pte::kU, A = pte::kA, D = pte::kD, G = pte::kG;

struct Machine {
  explicit Machine(SatpMode mode = SatpMode::kSv39, WalkerConfig cfg = {})
      : ram(std::move(GuestRam::create({.base = GuestPhysAddr{kRamBase}, .size = kRamSize}).value())),
        bus(make_bus(ram)),
        tables(ram, mode, kPool, 8ull << 20),
        walker(bus, cfg) {}
  static PhysicalBus make_bus(GuestRam& r) {
    PhysicalBus b;
    REQUIRE(b.map_ram("ram", r));
    return b;
  }
  MmuContext ctx(Privilege priv = Privilege::kSupervisor) const {
    MmuContext c;
    c.satp = Satp::decode(tables.satp()).value();
    c.priv = priv;
    return c;
  }
  GuestRam ram;
  PhysicalBus bus;
  PageTableBuilder tables;
  PageWalker walker;
};

}  // namespace

TEST_CASE("satp decoding and canonical addresses", "[mmu]") {
  auto s = Satp::decode((8ull << 60) | (0x1234ull << 44) | 0x80123);
  REQUIRE(s);
  CHECK(s->mode == SatpMode::kSv39);
  CHECK(s->asid == 0x1234);
  CHECK(s->root_ppn == 0x80123);
  CHECK(Satp::decode(s->encode())->encode() == s->encode());
  CHECK_FALSE(Satp::decode(1ull << 60));
  CHECK_FALSE(Satp::decode(11ull << 60));
  CHECK(is_canonical(GuestVirtAddr{0x3f'ffff'ffff}, SatpMode::kSv39));
  CHECK(is_canonical(GuestVirtAddr{0xffff'ffc0'0000'0000}, SatpMode::kSv39));
  CHECK_FALSE(is_canonical(GuestVirtAddr{0x40'0000'0000}, SatpMode::kSv39));
  CHECK(is_canonical(GuestVirtAddr{0x40'0000'0000}, SatpMode::kSv48));
  CHECK_FALSE(is_canonical(GuestVirtAddr{0x8000'0000'0000}, SatpMode::kSv48));
  CHECK(is_canonical(GuestVirtAddr{0x8000'0000'0000}, SatpMode::kSv57));
  CHECK_FALSE(is_canonical(GuestVirtAddr{0x0100'0000'0000'0000}, SatpMode::kSv57));
}

TEST_CASE("Sv39/Sv48/Sv57 4 KiB pages translate and report the walk", "[mmu]") {
  for (SatpMode mode : {SatpMode::kSv39, SatpMode::kSv48, SatpMode::kSv57}) {
    Machine m(mode);
    const GuestVirtAddr va{0x12'3456'7000 & ((1ull << (9 * levels_of(mode) + 11)) - 1)};
    REQUIRE(m.tables.map(va, kData + 0x5000, R | W | A | D));
    std::vector<WalkStep> trace;
    auto r = m.walker.walk(va + 0xabc, AccessType::kLoad, m.ctx(), &trace);
    REQUIRE(r.ok);
    CHECK(r.pa == kData + 0x5abc);
    CHECK(r.level == 0);
    REQUIRE(trace.size() == levels_of(mode));
    CHECK(trace.front().level == levels_of(mode) - 1);
    CHECK(trace.front().pte_addr.page() == m.tables.root());
    CHECK(trace.back().pte == r.leaf_pte);
    CHECK(r.pte_reads == levels_of(mode));
  }
}

TEST_CASE("superpages translate and must be aligned", "[mmu]") {
  Machine m(SatpMode::kSv48);
  // 2 MiB, 1 GiB and 512 GiB leaves.
  REQUIRE(m.tables.map(GuestVirtAddr{0x20'0000}, kData, R | W | A | D, 1));
  REQUIRE(m.tables.map(GuestVirtAddr{0x4000'0000}, GuestPhysAddr{0x8000'0000}, R | A, 2));
  REQUIRE(m.tables.map(GuestVirtAddr{0x80'0000'0000}, GuestPhysAddr{0}, R | A, 3));
  auto mb = m.walker.walk(GuestVirtAddr{0x3f'f123}, AccessType::kStore, m.ctx());
  REQUIRE(mb.ok);
  CHECK(mb.level == 1);
  CHECK(mb.pa == kData + 0x1f'f123);
  auto gb = m.walker.walk(GuestVirtAddr{0x7fff'fff8}, AccessType::kLoad, m.ctx());
  REQUIRE(gb.ok);
  CHECK(gb.level == 2);
  CHECK(gb.pa == GuestPhysAddr{0xbfff'fff8});
  auto tb = m.walker.walk(GuestVirtAddr{0x80'8000'0010}, AccessType::kLoad, m.ctx());
  REQUIRE(tb.ok);
  CHECK(tb.level == 3);
  CHECK(tb.pa == GuestPhysAddr{0x8000'0010});

  // A 2 MiB leaf whose PPN is only 4 KiB aligned is a misaligned superpage.
  REQUIRE(m.tables.map(GuestVirtAddr{0x60'0000}, kData + 0x1000, R | A, 1));
  auto bad = m.walker.walk(GuestVirtAddr{0x60'0000}, AccessType::kLoad, m.ctx());
  REQUIRE_FALSE(bad.ok);
  CHECK(bad.fault.cause == ExceptionCause::kLoadPageFault);
  CHECK(bad.fault.reason == FaultReason::kMisalignedSuperpage);
  CHECK(bad.fault.tval == 0x60'0000);
  REQUIRE(m.tables.map(GuestVirtAddr{0xc000'0000}, GuestPhysAddr{0x20'0000}, X | A, 2));
  auto bad_gb = m.walker.walk(GuestVirtAddr{0xc000'0004}, AccessType::kFetch, m.ctx());
  CHECK(bad_gb.fault.cause == ExceptionCause::kInstructionPageFault);
  CHECK(bad_gb.fault.reason == FaultReason::kMisalignedSuperpage);
}

TEST_CASE("non-canonical addresses fault with the address as tval", "[mmu]") {
  Machine m;
  const GuestVirtAddr va{0x0000'0040'0000'1000};
  auto r = m.walker.walk(va, AccessType::kStore, m.ctx());
  REQUIRE_FALSE(r.ok);
  CHECK(r.fault.cause == ExceptionCause::kStorePageFault);
  CHECK(r.fault.tval == va.value());
  CHECK(r.fault.reason == FaultReason::kNonCanonical);
  CHECK(r.pte_reads == 0);
  // Upper half of Sv39 is canonical and walks.
  REQUIRE(m.tables.map(GuestVirtAddr{0xffff'ffc0'0000'0000}, kData, R | A));
  CHECK(m.walker.walk(GuestVirtAddr{0xffff'ffc0'0000'0008}, AccessType::kLoad, m.ctx()).ok);
}

TEST_CASE("malformed PTEs fault", "[mmu]") {
  Machine m;
  const GuestVirtAddr va{0x1000};
  const std::uint64_t ppn = kData.value() >> 12;
  struct Row {
    unsigned level;
    std::uint64_t entry;
    FaultReason reason;
  };
  const Row rows[] = {
      {0, pte::make(ppn, R | A), FaultReason::kInvalid},  // V clear
      {0, pte::make(ppn, pte::kV | W | A | D), FaultReason::kWriteWithoutRead},
      {0, pte::make(ppn, pte::kV | W | X | A | D), FaultReason::kWriteWithoutRead},
      {0, pte::make(ppn, pte::kV | R | A) | (1ull << 54), FaultReason::kReservedBits},
      {0, pte::make(ppn, pte::kV | R | A) | (1ull << 60), FaultReason::kReservedBits},
      {0, pte::make(ppn, pte::kV | R | A) | pte::kN, FaultReason::kReservedBits},
      {0, pte::make(ppn, pte::kV | R | A) | (1ull << 61), FaultReason::kReservedBits},  // PBMT
      {0, pte::make(ppn, pte::kV), FaultReason::kNoLeaf},                               // pointer at the last level
  };
  for (const Row& row : rows) {
    CAPTURE(row.entry);
    REQUIRE(m.tables.map_raw(va, row.level, row.entry));
    auto r = m.walker.walk(va, AccessType::kLoad, m.ctx());
    REQUIRE_FALSE(r.ok);
    CHECK(r.fault.cause == ExceptionCause::kLoadPageFault);
    CHECK(r.fault.reason == row.reason);
    CHECK(r.fault.tval == va.value());
  }
  // A non-leaf with A, D or U set is reserved.
  for (std::uint64_t bit : {A, D, U}) {
    Machine n;
    REQUIRE(n.tables.map(va, kData, R | A));
    auto slot = n.tables.pte_address(va, 2);
    REQUIRE(slot);
    n.tables.write_pte(*slot, n.tables.read_pte(*slot) | bit);
    auto r = n.walker.walk(va, AccessType::kFetch, n.ctx());
    CHECK(r.fault.reason == FaultReason::kNonLeafReserved);
    CHECK(r.fault.cause == ExceptionCause::kInstructionPageFault);
  }
}

TEST_CASE("Svpbmt encodings are accepted only when configured", "[mmu]") {
  Machine m(SatpMode::kSv39, {.ad_update = AdUpdate::kHardware, .svpbmt = true});
  const std::uint64_t ppn = kData.value() >> 12;
  REQUIRE(m.tables.map_raw(GuestVirtAddr{0x1000}, 0, pte::make(ppn, pte::kV | R | A) | (1ull << 61)));
  CHECK(m.walker.walk(GuestVirtAddr{0x1000}, AccessType::kLoad, m.ctx()).ok);
  REQUIRE(m.tables.map_raw(GuestVirtAddr{0x2000}, 0, pte::make(ppn, pte::kV | R | A) | (3ull << 61)));
  CHECK(m.walker.walk(GuestVirtAddr{0x2000}, AccessType::kLoad, m.ctx()).fault.reason == FaultReason::kReservedBits);
}

// One row per permission rule of spec step 5: privilege, SUM, MXR, the
// leaf's R/W/X/U bits and the access type give success or a page fault.
TEST_CASE("permission table: privilege, SUM, MXR, R/W/X/U", "[mmu]") {
  constexpr auto S = Privilege::kSupervisor;
  constexpr auto Us = Privilege::kUser;
  constexpr auto F = AccessType::kFetch;
  constexpr auto L = AccessType::kLoad;
  constexpr auto St = AccessType::kStore;
  using FR = FaultReason;
  struct Row {
    Privilege priv;
    bool sum, mxr;
    std::uint64_t flags;
    AccessType access;
    FaultReason expect;
  };
  const Row rows[] = {
      // Supervisor on supervisor pages.
      {S, false, false, R, L, FR::kNone},
      {S, false, false, R, St, FR::kNotWritable},
      {S, false, false, R, F, FR::kNotExecutable},
      {S, false, false, R | W, St, FR::kNone},
      {S, false, false, X, F, FR::kNone},
      {S, false, false, X, L, FR::kNotReadable},
      {S, false, true, X, L, FR::kNone},  // MXR makes X readable
      {S, false, true, X, St, FR::kNotWritable},
      {S, false, false, R | X, L, FR::kNone},
      {S, false, false, R | W | X, F, FR::kNone},
      // Supervisor on user pages.
      {S, false, false, R | W | U, L, FR::kUserPageInSupervisor},
      {S, false, false, R | W | U, St, FR::kUserPageInSupervisor},
      {S, true, false, R | W | U, L, FR::kNone},
      {S, true, false, R | W | U, St, FR::kNone},
      {S, true, false, R | X | U, F, FR::kUserPageInSupervisor},  // SUM never allows fetch
      {S, false, false, X | U, F, FR::kUserPageInSupervisor},
      {S, true, true, X | U, L, FR::kNone},
      {S, true, false, X | U, L, FR::kNotReadable},
      // User mode.
      {Us, false, false, R | U, L, FR::kNone},
      {Us, false, false, R | W | U, St, FR::kNone},
      {Us, false, false, X | U, F, FR::kNone},
      {Us, false, false, R, L, FR::kSupervisorPageInUser},
      {Us, true, false, R | W, St, FR::kSupervisorPageInUser},  // SUM is S-only
      {Us, false, false, X, F, FR::kSupervisorPageInUser},
      {Us, false, false, R | U, St, FR::kNotWritable},
      {Us, false, false, X | U, L, FR::kNotReadable},
      {Us, false, true, X | U, L, FR::kNone},
      {Us, false, false, R | W | U, F, FR::kNotExecutable},
  };
  Machine m;
  std::uint64_t page = 0x10'0000;
  for (const Row& row : rows) {
    CAPTURE(static_cast<int>(row.priv), row.sum, row.mxr, row.flags, static_cast<int>(row.access));
    const GuestVirtAddr va{page};
    page += 0x1000;
    REQUIRE(m.tables.map(va, kData, row.flags | A | D));
    MmuContext c = m.ctx(row.priv);
    c.sum = row.sum;
    c.mxr = row.mxr;
    auto r = m.walker.walk(va + 0x10, row.access, c);
    CHECK(r.ok == (row.expect == FR::kNone));
    CHECK(r.fault.reason == row.expect);
    if (!r.ok) {
      CHECK(r.fault.cause == page_fault_cause(row.access));
      CHECK(r.fault.tval == va.value() + 0x10);
    }
  }
  CHECK(static_cast<int>(page_fault_cause(F)) == 12);
  CHECK(static_cast<int>(page_fault_cause(L)) == 13);
  CHECK(static_cast<int>(page_fault_cause(St)) == 15);
}

TEST_CASE("M-mode, MPRV and Bare", "[mmu]") {
  Machine m;
  REQUIRE(m.tables.map(GuestVirtAddr{0x1000}, kData, R | W | U | A | D));
  MmuContext c = m.ctx(Privilege::kMachine);
  auto ident = m.walker.walk(GuestVirtAddr{0x1000}, AccessType::kLoad, c);
  REQUIRE(ident.ok);
  CHECK(ident.pa == GuestPhysAddr{0x1000});
  c.mprv = true;
  c.mpp = Privilege::kUser;
  auto viaU = m.walker.walk(GuestVirtAddr{0x1008}, AccessType::kStore, c);
  REQUIRE(viaU.ok);
  CHECK(viaU.pa == kData + 8);
  // MPRV does not apply to fetches.
  CHECK(m.walker.walk(GuestVirtAddr{0x1000}, AccessType::kFetch, c).pa == GuestPhysAddr{0x1000});
  c.mpp = Privilege::kSupervisor;  // S cannot touch the U page without SUM
  CHECK(m.walker.walk(GuestVirtAddr{0x1000}, AccessType::kLoad, c).fault.reason == FaultReason::kUserPageInSupervisor);
  c.mpp = Privilege::kMachine;
  CHECK(m.walker.walk(GuestVirtAddr{0x1000}, AccessType::kLoad, c).pa == GuestPhysAddr{0x1000});
  MmuContext bare = MmuContext::from_csrs(0, 0, Privilege::kUser);
  auto b = m.walker.walk(GuestVirtAddr{0xdead'beef'0000}, AccessType::kStore, bare);
  REQUIRE(b.ok);
  CHECK(b.pa == GuestPhysAddr{0xdead'beef'0000});
  // from_csrs decodes the mstatus bits.
  MmuContext f = MmuContext::from_csrs(m.tables.satp(), (1ull << 17) | (1ull << 18) | (1ull << 19) | (1ull << 11),
                                       Privilege::kMachine);
  CHECK(f.mprv);
  CHECK(f.sum);
  CHECK(f.mxr);
  CHECK(f.mpp == Privilege::kSupervisor);
  CHECK(f.satp.mode == SatpMode::kSv39);
}

TEST_CASE("A and D bits: hardware update or fault", "[mmu]") {
  SECTION("hardware update sets A on loads and A+D on stores, in memory") {
    Machine m;
    auto leaf = m.tables.map(GuestVirtAddr{0x5000}, kData, R | W);
    REQUIRE(leaf);
    auto r = m.walker.walk(GuestVirtAddr{0x5000}, AccessType::kLoad, m.ctx());
    REQUIRE(r.ok);
    CHECK((m.tables.read_pte(*leaf) & A) != 0);
    CHECK((m.tables.read_pte(*leaf) & D) == 0);
    CHECK(r.leaf_pte == m.tables.read_pte(*leaf));
    r = m.walker.walk(GuestVirtAddr{0x5000}, AccessType::kStore, m.ctx());
    REQUIRE(r.ok);
    CHECK((m.tables.read_pte(*leaf) & (A | D)) == (A | D));
    // A faulting access updates nothing.
    auto ro = m.tables.map(GuestVirtAddr{0x6000}, kData, R);
    CHECK_FALSE(m.walker.walk(GuestVirtAddr{0x6000}, AccessType::kStore, m.ctx()).ok);
    CHECK((m.tables.read_pte(*ro) & (A | D)) == 0);
  }
  SECTION("fault mode raises page faults and leaves the PTE alone") {
    Machine m(SatpMode::kSv39, {.ad_update = AdUpdate::kFault});
    auto leaf = m.tables.map(GuestVirtAddr{0x5000}, kData, R | W);
    auto r = m.walker.walk(GuestVirtAddr{0x5000}, AccessType::kLoad, m.ctx());
    CHECK(r.fault.reason == FaultReason::kAccessedClear);
    CHECK(r.fault.cause == ExceptionCause::kLoadPageFault);
    m.tables.write_pte(*leaf, m.tables.read_pte(*leaf) | A);
    CHECK(m.walker.walk(GuestVirtAddr{0x5000}, AccessType::kLoad, m.ctx()).ok);
    r = m.walker.walk(GuestVirtAddr{0x5000}, AccessType::kStore, m.ctx());
    CHECK(r.fault.reason == FaultReason::kDirtyClear);
    CHECK(r.fault.cause == ExceptionCause::kStorePageFault);
    CHECK((m.tables.read_pte(*leaf) & D) == 0);
  }
}

TEST_CASE("page tables outside memory raise access faults", "[mmu]") {
  Machine m;
  // Root pointer to a hole in the physical address space.
  MmuContext c = m.ctx();
  c.satp.root_ppn = 0x1000;  // 0x100'0000: nothing mapped there
  for (AccessType a : {AccessType::kFetch, AccessType::kLoad, AccessType::kStore}) {
    auto r = m.walker.walk(GuestVirtAddr{0x4321}, a, c);
    REQUIRE_FALSE(r.ok);
    CHECK(r.fault.cause == access_fault_cause(a));
    CHECK(r.fault.tval == 0x4321);
    CHECK(r.fault.reason == FaultReason::kPteAccess);
  }
  CHECK(static_cast<int>(access_fault_cause(AccessType::kFetch)) == 1);
  CHECK(static_cast<int>(access_fault_cause(AccessType::kLoad)) == 5);
  CHECK(static_cast<int>(access_fault_cause(AccessType::kStore)) == 7);
  CHECK(std::string(to_string(FaultReason::kMisalignedSuperpage)) == "misaligned-superpage");
}

TEST_CASE("non-leaf PTEs with any reserved or leaf-only bit fault like leaves do", "[mmu]") {
  // The walker's one-test pointer check must send all of these to the full rules.
  const GuestVirtAddr va{0x1000};
  struct Row {
    std::uint64_t bits;
    FaultReason reason;
  };
  const Row rows[] = {
      {1ull << 54, FaultReason::kReservedBits}, {1ull << 60, FaultReason::kReservedBits},
      {pte::kN, FaultReason::kReservedBits},    {1ull << 61, FaultReason::kReservedBits},  // PBMT on a pointer
      {W, FaultReason::kWriteWithoutRead},
  };
  for (const Row& row : rows) {
    for (unsigned level : {2u, 1u}) {
      CAPTURE(row.bits, level);
      Machine m;
      REQUIRE(m.tables.map(va, kData, R | A));
      auto slot = m.tables.pte_address(va, level);
      REQUIRE(slot);
      m.tables.write_pte(*slot, m.tables.read_pte(*slot) | row.bits);
      auto r = m.walker.walk(va, AccessType::kLoad, m.ctx());
      REQUIRE_FALSE(r.ok);
      CHECK(r.fault.reason == row.reason);
      CHECK(r.fault.cause == ExceptionCause::kLoadPageFault);
    }
  }
}

TEST_CASE("page tables in a second, smaller RAM region walk like those in the main one", "[mmu]") {
  Machine m;
  GuestRam small = std::move(GuestRam::create({.base = GuestPhysAddr{0x4000'0000}, .size = 1ull << 20}).value());
  REQUIRE(m.bus.map_ram("small", small));
  PageTableBuilder tables(small, SatpMode::kSv39, GuestPhysAddr{0x4000'0000}, 1ull << 20);
  REQUIRE(tables.map(GuestVirtAddr{0x7000}, kData, R | W));
  MmuContext c = m.ctx();
  c.satp = Satp::decode(tables.satp()).value();
  std::vector<WalkStep> trace;
  auto r = m.walker.walk(GuestVirtAddr{0x7abc}, AccessType::kStore, c, &trace);
  REQUIRE(r.ok);
  CHECK(r.pa == kData + 0xabc);
  CHECK(trace.size() == 3);
  // A and D were set in the small region's RAM, atomically, by the walk.
  CHECK((tables.read_pte(r.leaf_addr) & (A | D)) == (A | D));
}
