// Translated-code tracking: marked pages send stores to the slow path,
// which reports the write; loads and unmarked pages are unaffected.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "vm/mem/user_address_space.hpp"

using namespace vm::mem;

TEST_CASE("a write to a page holding translated code is reported once marked", "[user-as][code]") {
  auto space = UserAddressSpace::create();
  REQUIRE(space);
  UserAddressSpace& as = **space;
  const std::uint64_t code = 0x10000;
  REQUIRE(as.map_fixed(code, 3 * kPageSize, kPermRead | kPermWrite | kPermExec));

  // Unmarked: stores stay on the fast path and report nothing.
  const std::uint8_t* perms = as.perm_table();
  CHECK((perms[code >> kPageShift] & kPermStoreFast) != 0);
  REQUIRE(as.host_ptr(code, 8, kPermWrite) != nullptr);
  CHECK_FALSE(as.code_write_pending());

  // A block spanning the first two pages is translated.
  as.mark_code(code + kPageSize - 4, 8);
  CHECK((perms[code >> kPageShift] & kPermStoreFast) == 0);
  CHECK((perms[(code >> kPageShift) + 1] & kPermStoreFast) == 0);
  CHECK((perms[(code >> kPageShift) + 2] & kPermStoreFast) != 0);
  CHECK((perms[code >> kPageShift] & kPermRead) == kPermRead);  // loads unaffected

  // Reads and writes elsewhere report nothing; the write still happens.
  REQUIRE(as.host_ptr(code, 8, kPermRead) != nullptr);
  REQUIRE(as.host_ptr(code + 2 * kPageSize, 8, kPermWrite) != nullptr);
  CHECK_FALSE(as.code_write_pending());
  std::uint8_t* p = as.host_ptr(code + kPageSize + 100, 4, kPermWrite);
  REQUIRE(p != nullptr);
  CHECK(as.code_write_pending());

  // After a flush the marks are gone.
  as.clear_code_marks();
  CHECK_FALSE(as.code_write_pending());
  CHECK((perms[code >> kPageShift] & kPermStoreFast) != 0);

  // A checked copy (a syscall's read() into the buffer) is noticed too; a
  // loader's forced write is not.
  as.mark_code(code, 4);
  const std::array<std::uint8_t, 4> bytes{1, 2, 3, 4};
  REQUIRE(as.write(code, bytes, /*force=*/true) == AccessFault::kNone);
  CHECK_FALSE(as.code_write_pending());
  REQUIRE(as.write(code, bytes) == AccessFault::kNone);
  CHECK(as.code_write_pending());
}

TEST_CASE("re-protecting a page keeps its code mark", "[user-as][code]") {
  auto space = UserAddressSpace::create();
  REQUIRE(space);
  UserAddressSpace& as = **space;
  const std::uint64_t code = 0x10000;
  REQUIRE(as.map_fixed(code, 2 * kPageSize, kPermRead | kPermExec));
  const std::uint8_t* perms = as.perm_table();
  as.mark_code(code, 4);
  // A guest JIT makes its code writable again to patch it: the store is
  // still noticed, the page's neighbour is an ordinary writable page.
  REQUIRE(as.protect(code, 2 * kPageSize, kPermRead | kPermWrite));
  CHECK((perms[code >> kPageShift] & kPermStoreFast) == 0);
  CHECK((perms[(code >> kPageShift) + 1] & kPermStoreFast) != 0);
  REQUIRE(as.host_ptr(code + 8, 4, kPermWrite) != nullptr);
  CHECK(as.code_write_pending());
  // Flushing the translations makes the page store-fast again; read-only
  // pages never are.
  as.clear_code_marks();
  CHECK((perms[code >> kPageShift] & kPermStoreFast) != 0);
  REQUIRE(as.protect(code, kPageSize, kPermRead));
  CHECK((perms[code >> kPageShift] & kPermStoreFast) == 0);
  CHECK_FALSE(as.host_ptr(code, 4, kPermWrite));
}

TEST_CASE("marking unmapped pages does nothing", "[user-as][code]") {
  auto space = UserAddressSpace::create();
  REQUIRE(space);
  (*space)->mark_code(0x40000, 4096);
  (*space)->mark_code((*space)->limit() - 2, 100);  // clipped at the limit
  CHECK((*space)->perm_table()[0x40] == kPermNone);
  CHECK_FALSE((*space)->code_write_pending());
}
