#include <catch2/catch.hpp>

#include <array>
#include <cstring>

#include "vm/mem/guest_ram.hpp"

using namespace vm::mem;

TEST_CASE("GuestRam maps zeroed memory at its base", "[ram]") {
  auto ram = GuestRam::create({.base = GuestPhysAddr{0x8000'0000}, .size = 1 << 20});
  REQUIRE(ram);
  CHECK(ram->size() == 1 << 20);
  CHECK(ram->end() == GuestPhysAddr{0x8010'0000});
  auto span = ram->host_span(GuestPhysAddr{0x8000'1000}, 16);
  REQUIRE(span.size() == 16);
  CHECK(span[0] == std::byte{0});
  std::array<std::byte, 4> in{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
  CHECK(ram->write(GuestPhysAddr{0x8000'1000}, in) == BusStatus::kOk);
  CHECK(span[3] == std::byte{4});
  std::uint64_t v = 0;
  CHECK(ram->load(GuestPhysAddr{0x8000'1000}, 4, v) == BusStatus::kOk);
  CHECK(v == 0x04030201);
}

TEST_CASE("GuestRam refuses accesses outside itself", "[ram]") {
  auto ram = GuestRam::create({.base = GuestPhysAddr{0x1000}, .size = 0x2000});
  REQUIRE(ram);
  std::array<std::byte, 8> buf{};
  CHECK(ram->read(GuestPhysAddr{0x0ff8}, buf) == BusStatus::kUnmapped);
  CHECK(ram->read(GuestPhysAddr{0x2ffc}, buf) == BusStatus::kUnmapped);  // straddles the end
  CHECK(ram->read(GuestPhysAddr{0x2ff8}, buf) == BusStatus::kOk);
  CHECK(ram->host_span(GuestPhysAddr{0x3000}, 1).empty());
  CHECK(ram->host_span(GuestPhysAddr{~0ull}, 2).empty());
}

TEST_CASE("GuestRam::create validates its configuration", "[ram]") {
  CHECK_FALSE(GuestRam::create({.size = 0}));
  CHECK_FALSE(GuestRam::create({.size = 4097}));
  CHECK_FALSE(GuestRam::create({.base = GuestPhysAddr{0x800}, .size = 4096}));
  auto wrap = GuestRam::create({.base = GuestPhysAddr{~0ull - 0xfff - 0x1000}, .size = 0x4000});
  REQUIRE_FALSE(wrap);
  CHECK(wrap.error().message().find("wraps") != std::string::npos);
  CHECK(GuestRam::create({.size = 2 << 20, .huge_pages = true}));
}

TEST_CASE("GuestRam dirty tracking records written pages", "[ram]") {
  auto off = GuestRam::create({.base = GuestPhysAddr{0}, .size = 0x10000});
  REQUIRE(off);
  std::array<std::byte, 2> two{};
  CHECK(off->write(GuestPhysAddr{0x1000}, two) == BusStatus::kOk);
  CHECK_FALSE(off->tracks_dirty());
  CHECK(off->take_dirty_pages().empty());

  auto ram = GuestRam::create({.base = GuestPhysAddr{0x10000}, .size = 0x100000, .track_dirty = true});
  REQUIRE(ram);
  CHECK(ram->write(GuestPhysAddr{0x12fff}, two) == BusStatus::kOk);  // spans two pages
  ram->mark_dirty(GuestPhysAddr{0x10000 + 70 * 4096}, 1);
  CHECK(ram->is_dirty(GuestPhysAddr{0x12000}));
  CHECK(ram->is_dirty(GuestPhysAddr{0x13000}));
  CHECK_FALSE(ram->is_dirty(GuestPhysAddr{0x14000}));
  auto pages = ram->take_dirty_pages();
  REQUIRE(pages.size() == 3);
  CHECK(pages[0] == GuestPhysAddr{0x12000});
  CHECK(pages[1] == GuestPhysAddr{0x13000});
  CHECK(pages[2] == GuestPhysAddr{0x10000 + 70 * 4096});
  CHECK(ram->take_dirty_pages().empty());
}

TEST_CASE("GuestRam moves keep the mapping alive", "[ram]") {
  auto ram = GuestRam::create({.base = GuestPhysAddr{0}, .size = 0x1000});
  REQUIRE(ram);
  ram->host_span()[5] = std::byte{7};
  GuestRam moved = std::move(*ram);
  CHECK(moved.host_span()[5] == std::byte{7});
  CHECK(ram->host_span().empty());
}
