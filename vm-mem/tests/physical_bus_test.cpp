#include <catch2/catch.hpp>

#include <array>

#include "vm/mem/physical_bus.hpp"
#include "vm/mem/testing/fake_mmio.hpp"

using namespace vm::mem;
using vm::mem::testing::FakeMmioDevice;

namespace {
GuestRam make_ram(std::uint64_t base, std::uint64_t size) {
  return std::move(GuestRam::create({.base = GuestPhysAddr{base}, .size = size}).value());
}
}  // namespace

TEST_CASE("PhysicalBus dispatches to RAM and MMIO regions", "[bus]") {
  GuestRam ram = make_ram(0x8000'0000, 0x10000);
  FakeMmioDevice uart;
  PhysicalBus bus;
  REQUIRE(bus.map_ram("ram", ram));
  REQUIRE(bus.map_mmio("uart", GuestPhysAddr{0x1000'0000}, 0x1000, uart));
  CHECK(bus.regions().size() == 2);
  CHECK(bus.regions()[0].name == "uart");  // sorted by base

  CHECK(bus.store(GuestPhysAddr{0x1000'0004}, 4, 0xdeadbeef) == BusStatus::kOk);
  std::uint64_t v = 0;
  CHECK(bus.load(GuestPhysAddr{0x1000'0004}, 2, v) == BusStatus::kOk);
  CHECK(v == 0xbeef);
  auto log = uart.accesses();
  REQUIRE(log.size() == 2);
  CHECK(log[0].is_write);
  CHECK(log[0].offset == 4);
  CHECK(log[0].size == 4);
  CHECK(log[1].size == 2);

  CHECK(bus.store(GuestPhysAddr{0x8000'0010}, 8, 0x1122334455667788) == BusStatus::kOk);
  CHECK(bus.load(GuestPhysAddr{0x8000'0014}, 4, v) == BusStatus::kOk);
  CHECK(v == 0x11223344);
  CHECK(bus.host_span(GuestPhysAddr{0x8000'0000}, 0x10000).size() == 0x10000);
  CHECK(bus.host_span(GuestPhysAddr{0x1000'0000}, 4).empty());  // MMIO has no host memory
}

TEST_CASE("PhysicalBus returns bus errors, never crashes", "[bus]") {
  GuestRam ram = make_ram(0x8000'0000, 0x2000);
  FakeMmioDevice dev;
  PhysicalBus bus;
  REQUIRE(bus.map_ram("ram", ram));
  REQUIRE(bus.map_mmio("dev", GuestPhysAddr{0x2000}, 0x1000, dev));
  std::uint64_t v = 0;
  CHECK(bus.load(GuestPhysAddr{0}, 8, v) == BusStatus::kUnmapped);
  CHECK(bus.load(GuestPhysAddr{~0ull - 3}, 8, v) == BusStatus::kUnmapped);
  CHECK(bus.load(GuestPhysAddr{0x8000'1ffc}, 8, v) == BusStatus::kUnmapped);  // runs off RAM
  CHECK(bus.store(GuestPhysAddr{0x8000'2000}, 1, 0) == BusStatus::kUnmapped);
  CHECK(bus.load(GuestPhysAddr{0x8000'0000}, 3, v) == BusStatus::kUnmapped);  // no 3-byte access
  std::array<std::byte, 16> buf{};
  CHECK(bus.read(GuestPhysAddr{0x7fff'fff8}, buf) == BusStatus::kUnmapped);
  dev.set_failing(true);
  CHECK(bus.load(GuestPhysAddr{0x2000}, 4, v) == BusStatus::kDeviceError);
  CHECK(bus.write(GuestPhysAddr{0x2000}, std::span<const std::byte>(buf.data(), 2)) == BusStatus::kDeviceError);
  CHECK(std::string(to_string(BusStatus::kUnmapped)) == "unmapped address");
}

TEST_CASE("PhysicalBus refuses overlapping and misaligned regions naming them", "[bus]") {
  GuestRam ram = make_ram(0x8000'0000, 0x10000);
  FakeMmioDevice a, b;
  PhysicalBus bus;
  REQUIRE(bus.map_ram("main-ram", ram));
  REQUIRE(bus.map_mmio("plic", GuestPhysAddr{0x0c00'0000}, 0x4000, a));

  auto overlap = bus.map_mmio("rogue", GuestPhysAddr{0x8000'f000}, 0x2000, b);
  REQUIRE_FALSE(overlap);
  CHECK(overlap.error().message().find("'rogue'") != std::string::npos);
  CHECK(overlap.error().message().find("'main-ram'") != std::string::npos);

  auto inside = bus.map_mmio("inner", GuestPhysAddr{0x0c00'1000}, 0x1000, b);
  REQUIRE_FALSE(inside);
  CHECK(inside.error().message().find("'plic'") != std::string::npos);
  CHECK(inside.error().message().find("'inner'") != std::string::npos);

  auto covering = bus.map_mmio("big", GuestPhysAddr{0}, 0x9000'0000, b);
  REQUIRE_FALSE(covering);

  auto misaligned = bus.map_mmio("odd", GuestPhysAddr{0x1000'0100}, 0x1000, b);
  REQUIRE_FALSE(misaligned);
  CHECK(misaligned.error().message().find("'odd'") != std::string::npos);
  CHECK_FALSE(bus.map_mmio("tiny", GuestPhysAddr{0x1000'0000}, 0x10, b));
  CHECK_FALSE(bus.map_mmio("empty", GuestPhysAddr{0x1000'0000}, 0, b));
  CHECK_FALSE(bus.map_mmio("wrap", GuestPhysAddr{0xffff'ffff'ffff'f000}, 0x2000, b));
  REQUIRE(bus.map_mmio("top", GuestPhysAddr{0xffff'ffff'ffff'f000}, 0x1000, b));  // ends at 2^64
  CHECK(bus.find(GuestPhysAddr{~0ull})->name == "top");
  // Adjacent regions are fine.
  REQUIRE(bus.map_mmio("next", GuestPhysAddr{0x0c00'4000}, 0x1000, b));
  CHECK(bus.find(GuestPhysAddr{0x0c00'3fff})->name == "plic");
  CHECK(bus.find(GuestPhysAddr{0x0c00'4000})->name == "next");
  CHECK(bus.find(GuestPhysAddr{0x0c00'5000}) == nullptr);
}

TEST_CASE("PhysicalBus::ram_pointer serves every RAM region and nothing else", "[bus]") {
  GuestRam big = make_ram(0x8000'0000, 0x20000);
  GuestRam small = make_ram(0x4000'0000, 0x2000);
  FakeMmioDevice dev;
  PhysicalBus bus;
  CHECK(bus.ram_pointer(GuestPhysAddr{0x8000'0000}, 8) == nullptr);  // nothing mapped yet
  REQUIRE(bus.map_ram("small", small));
  REQUIRE(bus.map_ram("big", big));
  REQUIRE(bus.map_mmio("dev", GuestPhysAddr{0x1000'0000}, 0x1000, dev));
  CHECK(bus.ram_pointer(GuestPhysAddr{0x8000'0000}, 8) == big.host_base());
  CHECK(bus.ram_pointer(GuestPhysAddr{0x8001'fff8}, 8) == big.host_base() + 0x1fff8);
  CHECK(bus.ram_pointer(GuestPhysAddr{0x8001'fffc}, 8) == nullptr);  // runs past the end
  CHECK(bus.ram_pointer(GuestPhysAddr{0x7fff'fffc}, 8) == nullptr);  // starts before it
  CHECK(bus.ram_pointer(GuestPhysAddr{0x4000'1000}, 0x1000) == small.host_base() + 0x1000);
  CHECK(bus.ram_pointer(GuestPhysAddr{0x4000'1000}, 0x1001) == nullptr);
  CHECK(bus.ram_pointer(GuestPhysAddr{0x1000'0000}, 4) == nullptr);  // MMIO
  CHECK(bus.ram_pointer(GuestPhysAddr{0x2000'0000}, 4) == nullptr);  // hole
  CHECK_FALSE(bus.tracks_dirty());
  GuestRam tracked =
      std::move(GuestRam::create({.base = GuestPhysAddr{0x9000'0000}, .size = 0x1000, .track_dirty = true}).value());
  REQUIRE(bus.map_ram("tracked", tracked));
  CHECK(bus.tracks_dirty());
}
