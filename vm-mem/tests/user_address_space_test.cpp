#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "vm/mem/user_address_space.hpp"

using vm::mem::AccessFault;
using vm::mem::kPageSize;
using vm::mem::kPermExec;
using vm::mem::kPermMapped;
using vm::mem::kPermNone;
using vm::mem::kPermRead;
using vm::mem::kPermWrite;
using vm::mem::UserAddressSpace;

namespace {

constexpr std::uint8_t kRw = kPermRead | kPermWrite;
constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

std::unique_ptr<UserAddressSpace> make_space(unsigned va_bits = 38) {
  auto space = UserAddressSpace::create({.va_bits = va_bits});
  REQUIRE(space.has_value());
  return std::move(space).value();
}

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

void put_u32(UserAddressSpace& as, std::uint64_t addr, std::uint32_t v) {
  std::array<std::uint8_t, 4> bytes{};
  std::memcpy(bytes.data(), &v, 4);
  REQUIRE(as.write(addr, bytes) == AccessFault::kNone);
}

std::uint32_t get_u32(const UserAddressSpace& as, std::uint64_t addr) {
  std::array<std::uint8_t, 4> bytes{};
  REQUIRE(as.read(addr, bytes) == AccessFault::kNone);
  std::uint32_t v = 0;
  std::memcpy(&v, bytes.data(), 4);
  return v;
}

}  // namespace

TEST_CASE("create validates va_bits and reserves the whole space", "[user-as]") {
  for (unsigned bad : {0u, 31u, 48u, 64u}) {
    auto space = UserAddressSpace::create({.va_bits = bad});
    REQUIRE_FALSE(space.has_value());
    CHECK(space.error().code() == vm::ErrorCode::kInvalidArgument);
    CHECK_THAT(space.error().message(), Catch::Contains("va_bits = " + std::to_string(bad)));
  }
  auto small = make_space(32);
  CHECK(small->limit() == (std::uint64_t{1} << 32));
  CHECK(small->host_base() != nullptr);
  CHECK(small->perm_table() != nullptr);
  CHECK(small->mapped_bytes() == 0);
  CHECK(small->mapping_generation() == 0);

  auto big = make_space();
  CHECK(big->limit() == (std::uint64_t{1} << 38));
  CHECK_FALSE(big->is_mapped(0));
  CHECK_FALSE(big->is_mapped(big->limit() - 1));
}

TEST_CASE("the destructor gives the reservation back", "[user-as]") {
  // 600 x 256 GiB is more than a 47-bit host can hold at once, so this
  // fails unless each space unmaps its reservation when destroyed.
  for (int i = 0; i < 600; ++i) {
    auto space = UserAddressSpace::create({.va_bits = 38});
    REQUIRE(space.has_value());
  }
}

TEST_CASE("map_fixed maps zeroed pages with the requested permissions", "[user-as]") {
  auto as = make_space();
  REQUIRE(as->map_fixed(0x10000, 0x2800, kRw).has_value());  // rounded up to 3 pages
  CHECK(as->mapped_bytes() == 0x3000);
  for (std::uint64_t a : {0x10000ull, 0x11000ull, 0x12fffull}) CHECK(as->is_mapped(a));
  CHECK_FALSE(as->is_mapped(0xffff));
  CHECK_FALSE(as->is_mapped(0x13000));
  CHECK(as->perm_table()[0x10] == (kRw | kPermMapped | vm::mem::kPermStoreFast));
  CHECK(as->perm_table()[0x13] == 0);

  std::vector<std::uint8_t> buf(0x3000, 0xaa);
  REQUIRE(as->read(0x10000, buf) == AccessFault::kNone);
  CHECK(std::all_of(buf.begin(), buf.end(), [](std::uint8_t b) { return b == 0; }));

  put_u32(*as, 0x10ffe, 0xdeadbeef);  // crosses into the second page
  CHECK(get_u32(*as, 0x10ffe) == 0xdeadbeef);
  std::uint8_t* p = as->host_ptr(0x10ffe, 4, kPermRead);
  REQUIRE(p == as->host_base() + 0x10ffe);
  CHECK(p[0] == 0xef);
}

TEST_CASE("map_fixed rejects bad arguments with clear messages", "[user-as]") {
  auto as = make_space(32);
  auto misaligned = as->map_fixed(0x12345, 0x1000, kRw);
  REQUIRE_FALSE(misaligned.has_value());
  CHECK(misaligned.error().code() == vm::ErrorCode::kInvalidArgument);
  CHECK_THAT(misaligned.error().message(), Catch::Contains("0x12345"));

  auto empty = as->map_fixed(0x1000, 0, kRw);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code() == vm::ErrorCode::kInvalidArgument);

  auto bad_perm = as->map_fixed(0x1000, 0x1000, 0x40);
  REQUIRE_FALSE(bad_perm.has_value());
  CHECK(bad_perm.error().code() == vm::ErrorCode::kInvalidArgument);

  auto too_far = as->map_fixed(as->limit() - 0x1000, 0x2000, kRw);
  REQUIRE_FALSE(too_far.has_value());
  CHECK(too_far.error().code() == vm::ErrorCode::kOutOfRange);
  CHECK_THAT(too_far.error().message(), Catch::Contains("0xfffff000") && Catch::Contains("0x2000"));
  CHECK(as->mapped_bytes() == 0);
}

TEST_CASE("unmap splits mappings and tolerates holes", "[user-as]") {
  auto as = make_space();
  REQUIRE(as->map_fixed(0x40000, 0x4000, kRw).has_value());
  put_u32(*as, 0x40000, 1);
  put_u32(*as, 0x43000, 4);

  REQUIRE(as->unmap(0x41000, 0x2000).has_value());
  CHECK(as->is_mapped(0x40000));
  CHECK_FALSE(as->is_mapped(0x41000));
  CHECK_FALSE(as->is_mapped(0x42fff));
  CHECK(as->is_mapped(0x43000));
  CHECK(as->mapped_bytes() == 0x2000);
  CHECK(get_u32(*as, 0x40000) == 1);
  CHECK(get_u32(*as, 0x43000) == 4);

  // The hole is now free space.
  auto hole = as->find_free(0x2000, 0x40000, as->limit());
  REQUIRE(hole.has_value());
  CHECK(*hole == 0x41000);

  // Unmapping across holes and past the end of the mapping is fine.
  REQUIRE(as->unmap(0x3f000, 0x10000).has_value());
  CHECK(as->mapped_bytes() == 0);
  CHECK_FALSE(as->is_mapped(0x43000));
  CHECK(as->host_ptr(0x43000, 1, kPermNone) == nullptr);

  auto outside = as->unmap(as->limit(), 0x1000);
  REQUIRE_FALSE(outside.has_value());
  CHECK(outside.error().code() == vm::ErrorCode::kOutOfRange);
}

TEST_CASE("protect fails without effect on a partly unmapped range", "[user-as]") {
  auto as = make_space();
  REQUIRE(as->map_fixed(0x10000, 0x1000, kRw).has_value());
  REQUIRE(as->map_fixed(0x12000, 0x1000, kRw).has_value());
  const auto gen = as->mapping_generation();

  auto res = as->protect(0x10000, 0x3000, kPermRead);
  REQUIRE_FALSE(res.has_value());
  CHECK(res.error().code() == vm::ErrorCode::kNotFound);
  CHECK_THAT(res.error().message(), Catch::Contains("0x11000"));
  CHECK(as->check(0x10000, 1, kPermWrite));  // untouched
  CHECK(as->check(0x12000, 1, kPermWrite));
  CHECK(as->mapping_generation() == gen);

  REQUIRE(as->protect(0x12000, 0x1000, kPermRead).has_value());
  CHECK(as->mapping_generation() == gen + 1);
  CHECK_FALSE(as->check(0x12000, 1, kPermWrite));
  CHECK(as->check(0x12000, 1, kPermRead));
  CHECK(as->protect(0x12000, 0, kPermNone).has_value());  // empty is a no-op
  CHECK(as->check(0x12000, 1, kPermRead));
}

TEST_CASE("guest permissions are enforced by every access path", "[user-as]") {
  auto as = make_space();
  REQUIRE(as->map_fixed(0x1000, 0x1000, kPermRead).has_value());
  REQUIRE(as->map_fixed(0x2000, 0x1000, kPermExec).has_value());
  REQUIRE(as->map_fixed(0x3000, 0x1000, kPermNone).has_value());
  REQUIRE(as->map_fixed(0x4000, 0x1000, kRw | kPermExec).has_value());
  std::array<std::uint8_t, 4> buf{};
  const std::array<std::uint8_t, 4> data{1, 2, 3, 4};

  SECTION("read-only") {
    CHECK(as->check(0x1000, 4, kPermRead));
    CHECK_FALSE(as->check(0x1000, 4, kPermWrite));
    CHECK_FALSE(as->check(0x1000, 4, kPermExec));
    CHECK(as->host_ptr(0x1000, 4, kPermWrite) == nullptr);
    CHECK(as->read(0x1000, buf) == AccessFault::kNone);
    CHECK(as->write(0x1000, data) == AccessFault::kPermission);
    CHECK(as->write(0x1000, data, /*force=*/true) == AccessFault::kNone);
    CHECK(as->read(0x1000, buf) == AccessFault::kNone);
    CHECK(buf == data);
  }
  SECTION("exec-only") {
    CHECK(as->check(0x2000, 4, kPermExec));
    CHECK_FALSE(as->check(0x2000, 4, kPermRead));
    CHECK(as->read(0x2000, buf) == AccessFault::kPermission);
    // The engine fetches code bytes through the host pointer.
    const std::uint8_t* code = as->host_ptr(0x2000, 4, kPermExec);
    REQUIRE(code != nullptr);
    CHECK(code[0] == 0);
  }
  SECTION("mapped PROT_NONE") {
    CHECK(as->is_mapped(0x3000));
    CHECK(as->check(0x3000, 4, kPermNone));
    CHECK_FALSE(as->check(0x3000, 4, kPermRead));
    CHECK(as->read(0x3000, buf) == AccessFault::kPermission);
    CHECK(as->write(0x3000, data) == AccessFault::kPermission);
    CHECK(as->write(0x3000, data, /*force=*/true) == AccessFault::kNone);
    CHECK(as->locate_fault(0x3000, 4, kPermRead).fault == AccessFault::kPermission);
  }
  SECTION("unmapped") {
    CHECK_FALSE(as->check(0x5000, 1, kPermNone));
    CHECK(as->read(0x5000, buf) == AccessFault::kUnmapped);
    CHECK(as->write(0x5000, data, /*force=*/true) == AccessFault::kUnmapped);
  }
  SECTION("protect changes what is allowed") {
    CHECK(as->write(0x4000, data) == AccessFault::kNone);
    REQUIRE(as->protect(0x4000, 0x1000, kPermRead).has_value());
    CHECK(as->write(0x4000, data) == AccessFault::kPermission);
    REQUIRE(as->read(0x4000, buf) == AccessFault::kNone);
    CHECK(buf == data);  // protect keeps the contents
  }
}

TEST_CASE("page-crossing accesses fault on the bad second page", "[user-as]") {
  auto as = make_space();
  REQUIRE(as->map_fixed(0x10000, 0x1000, kRw).has_value());
  put_u32(*as, 0x10ffc, 0x11223344);
  std::array<std::uint8_t, 8> buf{};
  buf.fill(0x5a);

  SECTION("second page unmapped") {
    CHECK_FALSE(as->check(0x10ffc, 8, kPermRead));
    CHECK(as->host_ptr(0x10ffc, 8, kPermRead) == nullptr);
    CHECK(as->check(0x10ffc, 4, kPermRead));
    CHECK(as->read(0x10ffc, buf) == AccessFault::kUnmapped);
    CHECK(buf[0] == 0x5a);  // nothing copied on a fault
    auto fault = as->locate_fault(0x10ffc, 8, kPermRead);
    CHECK(fault.fault == AccessFault::kUnmapped);
    CHECK(fault.addr == 0x11000);
    CHECK(as->write(0x10ffc, buf) == AccessFault::kUnmapped);
    CHECK(get_u32(*as, 0x10ffc) == 0x11223344);  // nothing written either
  }
  SECTION("second page read-only") {
    REQUIRE(as->map_fixed(0x11000, 0x1000, kPermRead).has_value());
    CHECK(as->read(0x10ffc, buf) == AccessFault::kNone);
    CHECK(as->write(0x10ffc, buf) == AccessFault::kPermission);
    auto fault = as->locate_fault(0x10ffc, 8, kPermWrite);
    CHECK(fault.fault == AccessFault::kPermission);
    CHECK(fault.addr == 0x11000);
  }
  SECTION("first bad page wins") {
    REQUIRE(as->map_fixed(0x12000, 0x1000, kPermRead).has_value());
    // 0x10000 RW, 0x11000 unmapped, 0x12000 R: a write reports the hole.
    std::vector<std::uint8_t> big(0x2800);
    CHECK(as->write(0x10800, big) == AccessFault::kUnmapped);
    auto fault = as->locate_fault(0x11800, 0x1000, kPermWrite);
    CHECK(fault.addr == 0x11800);
  }
}

TEST_CASE("the top of the address space and 64-bit overflow", "[user-as]") {
  auto as = make_space(32);
  const std::uint64_t limit = as->limit();
  REQUIRE(as->map_fixed(limit - 0x1000, 0x1000, kRw).has_value());

  CHECK(as->check(limit - 1, 1, kPermRead));
  CHECK(as->check(limit - 0x1000, 0x1000, kPermWrite));
  CHECK_FALSE(as->check(limit, 1, kPermNone));
  CHECK_FALSE(as->check(limit - 1, 2, kPermNone));
  CHECK(as->check(limit, 0, kPermRead));  // empty range at the end is fine
  CHECK_FALSE(as->check(limit + 1, 0, kPermNone));
  CHECK_FALSE(as->check(limit - 1, kMax64, kPermNone));
  CHECK_FALSE(as->check(kMax64 - 3, 8, kPermNone));  // addr + len wraps to 4
  CHECK_FALSE(as->check(kMax64, kMax64, kPermNone));
  CHECK(as->host_ptr(limit - 1, 1, kPermRead) == as->host_base() + limit - 1);
  CHECK(as->host_ptr(limit - 1, 2, kPermRead) == nullptr);
  CHECK(as->host_ptr(kMax64 - 3, 8, kPermNone) == nullptr);
  CHECK_FALSE(as->is_mapped(limit));
  CHECK_FALSE(as->is_mapped(kMax64));

  std::array<std::uint8_t, 8> buf{};
  CHECK(as->read(limit - 8, buf) == AccessFault::kNone);
  CHECK(as->read(limit - 4, buf) == AccessFault::kUnmapped);
  CHECK(as->locate_fault(limit - 4, 8, kPermRead).addr == limit);
  CHECK(as->read(kMax64 - 3, buf) == AccessFault::kUnmapped);
  CHECK(as->write(kMax64 - 3, buf, true) == AccessFault::kUnmapped);

  auto wrap = as->map_fixed(limit - 0x1000, kMax64, kRw);
  REQUIRE_FALSE(wrap.has_value());
  CHECK(wrap.error().code() == vm::ErrorCode::kOutOfRange);
  auto wrap2 = as->map_fixed(0xfffffffffffff000ull, 0x2000, kRw);
  REQUIRE_FALSE(wrap2.has_value());
  CHECK(wrap2.error().code() == vm::ErrorCode::kOutOfRange);
  CHECK_FALSE(as->unmap(0x1000, kMax64).has_value());
  CHECK_FALSE(as->protect(0x1000, kMax64, kPermRead).has_value());
  CHECK(as->check(limit - 1, 1, kPermWrite));  // failed calls changed nothing
}

TEST_CASE("find_free returns the lowest fitting hole", "[user-as]") {
  auto as = make_space();
  const std::uint64_t limit = as->limit();
  REQUIRE(as->map_fixed(0x10000, 0x2000, kRw).has_value());  // [0x10000, 0x12000)
  REQUIRE(as->map_fixed(0x13000, 0x2000, kRw).has_value());  // [0x13000, 0x15000)
  REQUIRE(as->map_fixed(0x17000, 0x1000, kRw).has_value());  // [0x17000, 0x18000)

  auto at = [&](std::uint64_t len, std::uint64_t hint, std::uint64_t ceiling) {
    auto r = as->find_free(len, hint, ceiling);
    return r.has_value() ? *r : kMax64;
  };
  CHECK(at(0x1000, 0x10000, limit) == 0x12000);
  CHECK(at(0x2000, 0x10000, limit) == 0x15000);
  CHECK(at(0x3000, 0x10000, limit) == 0x18000);
  CHECK(at(0x1000, 0x0, limit) == 0x0);
  CHECK(at(0x10000, 0x0, limit) == 0x0);
  CHECK(at(0x11000, 0x0, limit) == 0x18000);
  CHECK(at(0x1000, 0x11000, limit) == 0x12000);  // hint inside a mapping
  CHECK(at(0x800, 0x12001, limit) == 0x15000);   // hint and len round up
  CHECK(at(0x2000, 0x10000, 0x17000) == 0x15000);
  CHECK(at(0x3000, 0x10000, 0x18000) == kMax64);  // only fits above the ceiling
  CHECK(at(0x1000, limit - 0x1000, limit) == limit - 0x1000);
  CHECK(at(0x1000, limit, limit) == kMax64);
  CHECK(at(0x1000, kMax64, kMax64) == kMax64);
  CHECK(at(kMax64, 0, kMax64) == kMax64);

  auto none = as->find_free(0x3000, 0x10000, 0x18000);
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code() == vm::ErrorCode::kOutOfRange);
  CHECK_THAT(none.error().message(), Catch::Contains("0x3000"));
  CHECK(as->find_free(0, 0, limit).error().code() == vm::ErrorCode::kInvalidArgument);
}

TEST_CASE("find_free and mapped_bytes agree with the perm table under random churn", "[user-as]") {
  auto as = make_space(32);
  constexpr std::uint64_t kPages = 256;
  std::mt19937_64 rng(12345);
  auto naive_find = [&](std::uint64_t pages, std::uint64_t from) {
    for (std::uint64_t start = from; start + pages <= kPages; ++start) {
      bool free = true;
      for (std::uint64_t p = start; p < start + pages && free; ++p) free = !as->is_mapped(p * kPageSize);
      if (free) return start * kPageSize;
    }
    return kMax64;
  };
  for (int step = 0; step < 2000; ++step) {
    const std::uint64_t page = rng() % kPages;
    const std::uint64_t count = 1 + rng() % 16;
    const std::uint64_t len = std::min(count, kPages - page) * kPageSize;
    if (rng() % 3 == 0) {
      REQUIRE(as->unmap(page * kPageSize, len).has_value());
    } else {
      REQUIRE(as->map_fixed(page * kPageSize, len, static_cast<std::uint8_t>(rng() % 8)).has_value());
    }
    std::uint64_t mapped_pages = 0;
    for (std::uint64_t p = 0; p < kPages; ++p) mapped_pages += as->is_mapped(p * kPageSize) ? 1 : 0;
    REQUIRE(as->mapped_bytes() == mapped_pages * kPageSize);
    const std::uint64_t want = 1 + rng() % 8;
    const std::uint64_t hint = rng() % kPages;
    auto got = as->find_free(want * kPageSize, hint * kPageSize, kPages * kPageSize);
    REQUIRE((got.has_value() ? *got : kMax64) == naive_find(want, hint));
    // protect succeeds exactly when the range is fully mapped.
    const std::uint64_t ppage = rng() % (kPages - 4);
    bool all = true;
    for (std::uint64_t p = ppage; p < ppage + 4; ++p) all = all && as->is_mapped(p * kPageSize);
    REQUIRE(as->protect(ppage * kPageSize, 4 * kPageSize, kPermRead).has_value() == all);
  }
}

TEST_CASE("mapping_generation moves when cached translations may be stale", "[user-as]") {
  auto as = make_space();
  auto gen = as->mapping_generation();
  REQUIRE(as->map_fixed(0x10000, 0x2000, kRw).has_value());
  CHECK(as->mapping_generation() == gen);  // filling a hole invalidates nothing

  REQUIRE(as->map_fixed(0x11000, 0x2000, kPermRead | kPermExec).has_value());
  CHECK(as->mapping_generation() == ++gen);  // replaced 0x11000

  REQUIRE(as->protect(0x10000, 0x1000, kPermRead).has_value());
  CHECK(as->mapping_generation() == ++gen);

  REQUIRE(as->unmap(0x50000, 0x1000).has_value());
  CHECK(as->mapping_generation() == gen);  // nothing was there

  REQUIRE(as->unmap(0x12000, 0x1000).has_value());
  CHECK(as->mapping_generation() == ++gen);
}

TEST_CASE("a remapped page reads back as zeros", "[user-as]") {
  auto as = make_space();
  REQUIRE(as->map_fixed(0x20000, 0x2000, kRw).has_value());
  put_u32(*as, 0x20000, 0xcafef00d);
  put_u32(*as, 0x21ffc, 0x12345678);

  SECTION("unmap then map") {
    REQUIRE(as->unmap(0x20000, 0x2000).has_value());
    REQUIRE(as->map_fixed(0x20000, 0x2000, kRw).has_value());
  }
  SECTION("map over an existing mapping") { REQUIRE(as->map_fixed(0x20000, 0x2000, kPermRead).has_value()); }
  CHECK(get_u32(*as, 0x20000) == 0);
  CHECK(get_u32(*as, 0x21ffc) == 0);
}

// ThreadSanitizer backs every touched byte with shadow memory that shows up
// in RSS, so RSS bounds say nothing about the mapping under it.
#if defined(__SANITIZE_THREAD__)
#define VM_MEM_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VM_MEM_TEST_TSAN 1
#endif
#endif
#ifdef VM_MEM_TEST_TSAN
constexpr bool kRssIsMeaningful = false;
#else
constexpr bool kRssIsMeaningful = true;
#endif

TEST_CASE("large sparse mappings commit only touched memory", "[user-as]") {
  auto as = make_space();
  constexpr std::uint64_t k16GiB = std::uint64_t{16} << 30;
  const std::uint64_t before = resident_bytes();
  REQUIRE(as->map_fixed(0x100000000ull, k16GiB, kRw).has_value());
  CHECK(as->mapped_bytes() == k16GiB);
  std::uint8_t* first = as->host_ptr(0x100000000ull, 1, kPermWrite);
  std::uint8_t* last = as->host_ptr(0x100000000ull + k16GiB - 1, 1, kPermWrite);
  REQUIRE(first != nullptr);
  REQUIRE(last != nullptr);
  *first = 1;
  *last = 2;
  const std::uint64_t mapped = resident_bytes();
  // 16 GiB / 4 KiB = 4 MiB of perm table plus two touched pages.
  INFO("RSS grew by " << (mapped - before) / 1024 << " KiB after mapping 16 GiB");
  if (kRssIsMeaningful) CHECK(mapped - before < (std::uint64_t{8} << 20));

  REQUIRE(as->unmap(0x100000000ull, k16GiB).has_value());
  const std::uint64_t after = resident_bytes();
  INFO("RSS " << before / 1024 << " -> " << mapped / 1024 << " -> " << after / 1024 << " KiB");
  if (kRssIsMeaningful) CHECK(after < before + (std::uint64_t{1} << 20));  // table and pages given back
  CHECK(as->mapped_bytes() == 0);
}

TEST_CASE("unmap returns touched memory to the host", "[user-as]") {
  auto as = make_space();
  constexpr std::uint64_t k64MiB = std::uint64_t{64} << 20;
  REQUIRE(as->map_fixed(0x200000, k64MiB, kRw).has_value());
  const std::uint64_t before = resident_bytes();
  std::uint8_t* p = as->host_ptr(0x200000, k64MiB, kPermWrite);
  REQUIRE(p != nullptr);
  std::memset(p, 0x77, k64MiB);
  const std::uint64_t touched = resident_bytes();
  CHECK(touched - before >= k64MiB - (std::uint64_t{1} << 20));

  // Unmap most of it, keeping the first page, whose data must survive.
  REQUIRE(as->unmap(0x201000, k64MiB - 0x1000).has_value());
  const std::uint64_t after = resident_bytes();
  INFO("RSS " << before / 1024 << " -> " << touched / 1024 << " -> " << after / 1024 << " KiB");
  CHECK(after < before + (std::uint64_t{1} << 20));
  CHECK(p[0] == 0x77);
}

namespace {

// The host protection of the mapping holding `p`, as /proc/self/maps shows it ("rw-p").
std::string host_protection(const void* p) {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::uintptr_t lo = 0;
    std::uintptr_t hi = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &lo, &hi, perms) == 3 && lo <= at && at < hi) return perms;
  }
  return "absent";
}

}  // namespace

TEST_CASE("host protection follows guest mapped-ness, not guest permissions", "[user-as]") {
  auto as = make_space();
  const std::uint8_t* base = as->host_base();
  CHECK(host_protection(base + 0x30000) == "---p");
  REQUIRE(as->map_fixed(0x30000, 0x3000, kPermExec).has_value());
  CHECK(host_protection(base + 0x30000) == "rw-p");
  REQUIRE(as->protect(0x31000, 0x1000, kPermNone).has_value());
  CHECK(host_protection(base + 0x31000) == "rw-p");
  REQUIRE(as->unmap(0x31000, 0x1000).has_value());
  CHECK(host_protection(base + 0x30000) == "rw-p");
  CHECK(host_protection(base + 0x31000) == "---p");
  CHECK(host_protection(base + 0x32000) == "rw-p");
}
