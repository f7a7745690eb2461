// Memory-management syscalls: brk, mmap family, mprotect, mremap, madvise,
// with their effects checked in the address space.
#include <catch2/catch.hpp>

#include <algorithm>

#include "linux_test_support.hpp"

using namespace linux_test;
using vm::mem::kPermExec;
using vm::mem::kPermRead;
using vm::mem::kPermWrite;

namespace {

constexpr std::uint64_t kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4;
constexpr std::uint64_t kMapPrivate = 2, kMapShared = 1, kMapFixed = 0x10, kMapAnon = 0x20,
                        kMapFixedNoReplace = 0x100000;
constexpr std::uint64_t kNoFd = static_cast<std::uint64_t>(-1);
constexpr std::int64_t kEinval = -22, kEnomem = -12, kEexist = -17, kEfault = -14, kEacces = -13, kEbadf = -9;

std::int64_t map_anon(TestProcess& t, std::uint64_t addr, std::uint64_t len, std::uint64_t prot,
                      std::uint64_t extra = 0) {
  return t.call(nr::mmap, addr, len, prot, kMapPrivate | kMapAnon | extra, kNoFd, 0);
}

}  // namespace

TEST_CASE("brk grows and shrinks the heap", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t start = t.process().brk_start();
  CHECK(t.call(nr::brk, 0) == static_cast<std::int64_t>(start));
  CHECK_FALSE(t.memory().is_mapped(start));
  // Grow to an unaligned break: the whole page is usable.
  CHECK(t.call(nr::brk, start + 100) == static_cast<std::int64_t>(start + 100));
  CHECK(t.memory().check(start, 4096, kPermRead | kPermWrite));
  CHECK(t.call(nr::brk, start + 5 * 4096) == static_cast<std::int64_t>(start + 5 * 4096));
  CHECK(t.memory().check(start, 5 * 4096, kPermRead | kPermWrite));
  t.poke(start + 4 * 4096, "heap", 5);
  // Shrink: the pages past the new break go away.
  CHECK(t.call(nr::brk, start + 4096) == static_cast<std::int64_t>(start + 4096));
  CHECK(t.memory().is_mapped(start));
  CHECK_FALSE(t.memory().is_mapped(start + 4096));
  // Growing again gives zeroed pages.
  CHECK(t.call(nr::brk, start + 5 * 4096) == static_cast<std::int64_t>(start + 5 * 4096));
  CHECK(t.peek<std::uint32_t>(start + 4 * 4096) == 0);
  // Below the start is refused: the current break comes back.
  CHECK(t.call(nr::brk, start - 4096) == static_cast<std::int64_t>(start + 5 * 4096));
}

TEST_CASE("brk does not grow into another mapping", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t start = t.process().brk_start();
  REQUIRE(map_anon(t, start + 2 * 4096, 4096, kProtRead, kMapFixed) == static_cast<std::int64_t>(start + 2 * 4096));
  CHECK(t.call(nr::brk, start + 4 * 4096) == static_cast<std::int64_t>(start));
  CHECK(t.call(nr::brk, start + 2 * 4096) == static_cast<std::int64_t>(start + 2 * 4096));
}

TEST_CASE("anonymous mmap places top-down, zero-filled, with the asked permissions", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::int64_t a = map_anon(t, 0, 3 * 4096, kProtRead | kProtWrite);
  REQUIRE(a > 0);
  CHECK(a % 4096 == 0);
  CHECK(t.last_outcome() == SyscallOutcome::kContinue);
  const auto addr = static_cast<std::uint64_t>(a);
  CHECK(t.memory().check(addr, 3 * 4096, kPermRead | kPermWrite));
  CHECK_FALSE(t.memory().check(addr, 1, kPermExec));
  CHECK(t.peek<std::uint64_t>(addr + 8192) == 0);
  // The next one goes below the first (top-down, like Linux).
  const std::int64_t b = map_anon(t, 0, 4096, kProtRead);
  CHECK(b == a - 4096);
  CHECK(t.memory().check(static_cast<std::uint64_t>(b), 4096, kPermRead));
  CHECK_FALSE(t.memory().check(static_cast<std::uint64_t>(b), 1, kPermWrite));
  // Both are below the stack and above the image.
  CHECK(addr + 3 * 4096 < (std::uint64_t{1} << 38) - (8u << 20));
  CHECK(addr > 0x100000);
  // PROT_NONE mappings exist but allow nothing; PROT_WRITE implies read.
  const auto none = static_cast<std::uint64_t>(map_anon(t, 0, 4096, kProtNone));
  CHECK(t.memory().is_mapped(none));
  CHECK_FALSE(t.memory().check(none, 1, kPermRead));
  const auto write_only = static_cast<std::uint64_t>(map_anon(t, 0, 4096, kProtWrite));
  CHECK(t.memory().check(write_only, 4096, kPermRead | kPermWrite));
}

TEST_CASE("mmap hints, MAP_FIXED and MAP_FIXED_NOREPLACE", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t hint = 0x40000000;
  CHECK(map_anon(t, hint, 8192, kProtRead | kProtWrite) == static_cast<std::int64_t>(hint));
  t.poke(hint, "old", 4);
  // A hint that is taken is ignored; the kernel finds another place.
  const std::int64_t elsewhere = map_anon(t, hint, 4096, kProtRead);
  CHECK(elsewhere > 0);
  CHECK(elsewhere != static_cast<std::int64_t>(hint));
  CHECK(map_anon(t, hint, 4096, kProtRead, kMapFixedNoReplace) == kEexist);
  // MAP_FIXED replaces, with fresh zero pages.
  CHECK(map_anon(t, hint, 4096, kProtRead, kMapFixed) == static_cast<std::int64_t>(hint));
  CHECK(t.peek<std::uint32_t>(hint) == 0);
  CHECK_FALSE(t.memory().check(hint, 1, kPermWrite));
  CHECK(t.memory().check(hint + 4096, 4096, kPermRead | kPermWrite));
  CHECK(map_anon(t, hint + 1, 4096, kProtRead, kMapFixed) == kEinval);
  CHECK(map_anon(t, 0x1000, 4096, kProtRead, kMapFixed) == -1);  // below mmap_min_addr: EPERM
}

TEST_CASE("mmap argument errors", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  CHECK(map_anon(t, 0, 0, kProtRead) == kEinval);
  CHECK(t.call(nr::mmap, 0, 4096, kProtRead, kMapAnon, kNoFd, 0) == kEinval);  // neither shared nor private
  CHECK(t.call(nr::mmap, 0, 4096, kProtRead, kMapPrivate, 99, 0) == kEbadf);
  CHECK(t.call(nr::mmap, 0, 4096, kProtRead, kMapPrivate | kMapAnon, kNoFd, 100) == kEinval);
  CHECK(map_anon(t, 0, std::uint64_t{1} << 40, kProtRead) == kEnomem);
}

TEST_CASE("munmap removes pages, and reports code changes", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  const auto addr = static_cast<std::uint64_t>(map_anon(t, 0, 4 * 4096, kProtRead | kProtWrite));
  CHECK(t.call(nr::munmap, addr + 4096, 4096) == 0);
  CHECK(t.last_outcome() == SyscallOutcome::kContinue);
  CHECK(t.memory().is_mapped(addr));
  CHECK_FALSE(t.memory().is_mapped(addr + 4096));
  CHECK(t.memory().is_mapped(addr + 2 * 4096));
  CHECK(t.call(nr::munmap, addr + 1, 4096) == kEinval);
  CHECK(t.call(nr::munmap, addr, 0) == kEinval);
  // Unmapping a hole is fine.
  CHECK(t.call(nr::munmap, addr + 4096, 4096) == 0);
  // Unmapping executable memory tells the engine to drop translations.
  const auto code = static_cast<std::uint64_t>(map_anon(t, 0, 4096, kProtRead | kProtExec));
  CHECK(t.call(nr::munmap, code, 4096) == 0);
  CHECK(t.last_outcome() == SyscallOutcome::kCodeChanged);
}

TEST_CASE("mprotect changes permissions page by page", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  const auto addr = static_cast<std::uint64_t>(map_anon(t, 0, 3 * 4096, kProtRead | kProtWrite));
  CHECK(t.call(nr::mprotect, addr + 4096, 4096, kProtRead) == 0);
  CHECK(t.memory().check(addr, 4096, kPermWrite));
  CHECK_FALSE(t.memory().check(addr + 4096, 1, kPermWrite));
  CHECK(t.memory().check(addr + 4096, 4096, kPermRead));
  CHECK(t.memory().check(addr + 8192, 4096, kPermWrite));
  CHECK(t.last_outcome() == SyscallOutcome::kContinue);
  CHECK(t.call(nr::mprotect, addr, 4096, kProtNone) == 0);
  CHECK_FALSE(t.memory().check(addr, 1, kPermRead));
  CHECK(t.call(nr::mprotect, addr, 4096, kProtRead | kProtExec) == 0);
  CHECK(t.memory().check(addr, 4096, kPermRead | kPermExec));
  // Taking exec away from code is a code change.
  CHECK(t.call(nr::mprotect, addr, 4096, kProtRead) == 0);
  CHECK(t.last_outcome() == SyscallOutcome::kCodeChanged);
  CHECK(t.call(nr::mprotect, addr + 1, 4096, kProtRead) == kEinval);
  CHECK(t.call(nr::mprotect, addr, 4096, 0x80) == kEinval);
  // A range with a hole is ENOMEM (and nothing changes).
  CHECK(t.call(nr::munmap, addr + 4096, 4096) == 0);
  CHECK(t.call(nr::mprotect, addr, 3 * 4096, kProtRead | kProtWrite) == kEnomem);
  // The image's code segment can be made writable, as JITs do.
  CHECK(t.call(nr::mprotect, 0x10000, 4096, kProtRead | kProtWrite | kProtExec) == 0);
  CHECK(t.memory().check(0x10000, 4096, kPermWrite | kPermExec));
}

TEST_CASE("mremap shrinks, grows in place, and moves with MREMAP_MAYMOVE", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  constexpr std::uint64_t kMayMove = 1, kFixed = 2;
  const std::uint64_t base = 0x50000000;
  REQUIRE(map_anon(t, base, 4 * 4096, kProtRead | kProtWrite, kMapFixed) == static_cast<std::int64_t>(base));
  t.poke(base + 100, "payload", 8);
  // Shrink in place.
  CHECK(t.call(nr::mremap, base, 4 * 4096, 2 * 4096, 0) == static_cast<std::int64_t>(base));
  CHECK_FALSE(t.memory().is_mapped(base + 2 * 4096));
  // Grow in place into the free space after it.
  CHECK(t.call(nr::mremap, base, 2 * 4096, 3 * 4096, 0) == static_cast<std::int64_t>(base));
  CHECK(t.memory().check(base, 3 * 4096, kPermRead | kPermWrite));
  CHECK(t.peek<std::uint64_t>(base + 2 * 4096) == 0);
  // Blocked growth: ENOMEM without MAYMOVE, a move with it.
  REQUIRE(map_anon(t, base + 3 * 4096, 4096, kProtRead, kMapFixed) > 0);
  CHECK(t.call(nr::mremap, base, 3 * 4096, 8 * 4096, 0) == kEnomem);
  const std::int64_t moved = t.call(nr::mremap, base, 3 * 4096, 8 * 4096, kMayMove);
  REQUIRE(moved > 0);
  CHECK(moved != static_cast<std::int64_t>(base));
  const auto dest = static_cast<std::uint64_t>(moved);
  CHECK(t.peek_string(dest + 100) == "payload");
  CHECK(t.memory().check(dest, 8 * 4096, kPermRead | kPermWrite));
  CHECK_FALSE(t.memory().is_mapped(base));
  // MREMAP_FIXED to a chosen address.
  const std::uint64_t target = 0x60000000;
  CHECK(t.call(nr::mremap, dest, 8 * 4096, 4096, kMayMove | kFixed, target) == static_cast<std::int64_t>(target));
  CHECK(t.peek_string(target + 100) == "payload");
  CHECK_FALSE(t.memory().is_mapped(dest));
  // Errors.
  CHECK(t.call(nr::mremap, 0x70000000, 4096, 8192, kMayMove) == kEfault);
  CHECK(t.call(nr::mremap, target, 4096, 8192, kFixed) == kEinval);
  CHECK(t.call(nr::mremap, target, 4096, 0, kMayMove) == kEinval);
}

TEST_CASE("madvise(MADV_DONTNEED) zeroes anonymous pages", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  const auto addr = static_cast<std::uint64_t>(map_anon(t, 0, 2 * 4096, kProtRead | kProtWrite));
  t.poke(addr, "abc", 4);
  t.poke(addr + 4096, "def", 4);
  CHECK(t.call(nr::madvise, addr, 4096, 4) == 0);
  CHECK(t.peek<std::uint32_t>(addr) == 0);
  CHECK(t.peek_string(addr + 4096) == "def");
  CHECK(t.memory().check(addr, 4096, kPermRead | kPermWrite));
  CHECK(t.call(nr::madvise, addr, 4096, 3) == 0);  // WILLNEED: a hint only
  CHECK(t.call(nr::madvise, addr, 4096, 999) == kEinval);
  CHECK(t.call(nr::madvise, addr + 1, 4096, 4) == kEinval);
  CHECK(t.call(nr::madvise, 0x70000000, 4096, 4) == kEnomem);
}

TEST_CASE("private file mappings read the file", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  std::vector<std::uint8_t> content(6000);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 7);
  t.dir().write("data.bin", content);
  const std::uint64_t buf = t.scratch();
  t.poke_string(buf, t.dir().file("data.bin"));
  const std::int64_t fd = t.call(nr::openat, static_cast<std::uint64_t>(-100), buf, 2 /*O_RDWR*/, 0);
  REQUIRE(fd >= 0);
  const std::int64_t a = t.call(nr::mmap, 0, 8192, kProtRead | kProtWrite, kMapPrivate, fd, 0);
  REQUIRE(a > 0);
  const auto addr = static_cast<std::uint64_t>(a);
  CHECK(t.peek<std::uint8_t>(addr + 1) == 7);
  CHECK(t.peek<std::uint8_t>(addr + 5999) == static_cast<std::uint8_t>(5999 * 7));
  CHECK(t.peek<std::uint8_t>(addr + 6000) == 0);  // past end of file
  // With an offset.
  const std::int64_t b = t.call(nr::mmap, 0, 4096, kProtRead, kMapPrivate, fd, 4096);
  REQUIRE(b > 0);
  CHECK(t.peek<std::uint8_t>(static_cast<std::uint64_t>(b)) == static_cast<std::uint8_t>(4096 * 7));
  // Private writes do not reach the file; DONTNEED brings the file bytes back.
  t.poke(addr + 1, "\xff", 1);
  CHECK(t.call(nr::madvise, addr, 4096, 4) == 0);
  CHECK(t.peek<std::uint8_t>(addr + 1) == 7);
}

TEST_CASE("MAP_SHARED file mappings write back at msync and munmap", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  t.dir().write("shared.txt", {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'});
  const std::uint64_t buf = t.scratch();
  t.poke_string(buf, t.dir().file("shared.txt"));
  const std::int64_t fd = t.call(nr::openat, static_cast<std::uint64_t>(-100), buf, 2 /*O_RDWR*/, 0);
  REQUIRE(fd >= 0);
  const std::int64_t m = t.call(nr::mmap, 0, 4096, kProtRead | kProtWrite, kMapShared, fd, 0);
  REQUIRE(m > 0);
  const auto map = static_cast<std::uint64_t>(m);
  CHECK(t.peek<char>(map + 2) == 'c');
  t.poke(map + 1, "XY", 2);
  t.poke(map + 20, "beyond end of file", 18);
  CHECK(t.call(227 /*msync*/, map, 4096, 4 /*MS_SYNC*/) == 0);
  CHECK(t.call(nr::pread64, fd, buf + 256, 10, 0) == 10);
  CHECK(t.peek<std::uint32_t>(buf + 256) == 0x64595861);                // "aXYd"
  CHECK(std::filesystem::file_size(t.dir().file("shared.txt")) == 10);  // never extended
  // A change made after the last sync reaches the file at munmap.
  t.poke(map + 9, "Z", 1);
  CHECK(t.call(nr::munmap, map, 4096) == 0);
  CHECK(t.call(nr::pread64, fd, buf + 256, 1, 9) == 1);
  CHECK(t.peek<char>(buf + 256) == 'Z');
  // Only changed bytes are written: a write() after mapping is not undone.
  const std::int64_t m2 = t.call(nr::mmap, 0, 4096, kProtRead | kProtWrite, kMapShared, fd, 0);
  REQUIRE(m2 > 0);
  t.poke(buf + 300, "Q", 1);
  CHECK(t.call(68 /*pwrite64*/, fd, buf + 300, 1, 5) == 1);
  t.poke(static_cast<std::uint64_t>(m2), "P", 1);
  CHECK(t.call(nr::munmap, static_cast<std::uint64_t>(m2), 4096) == 0);
  CHECK(t.call(nr::pread64, fd, buf + 256, 10, 0) == 10);
  CHECK(t.peek<char>(buf + 256) == 'P');
  CHECK(t.peek<char>(buf + 256 + 5) == 'Q');
}

TEST_CASE("shared mappings of read-only files cannot be written", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  t.dir().write("ro.txt", {'r', 'o'});
  const std::uint64_t buf = t.scratch();
  t.poke_string(buf, t.dir().file("ro.txt"));
  const std::int64_t fd = t.call(nr::openat, static_cast<std::uint64_t>(-100), buf, 0 /*O_RDONLY*/, 0);
  REQUIRE(fd >= 0);
  CHECK(t.call(nr::mmap, 0, 4096, kProtRead | kProtWrite, kMapShared, fd, 0) == kEacces);
  const std::int64_t ro = t.call(nr::mmap, 0, 4096, kProtRead, kMapShared, fd, 0);
  REQUIRE(ro > 0);
  CHECK(t.peek<char>(static_cast<std::uint64_t>(ro)) == 'r');
  CHECK(t.call(nr::mprotect, static_cast<std::uint64_t>(ro), 4096, kProtRead | kProtWrite) == kEacces);
  // A private mapping of the same file may be written (copy on write).
  CHECK(t.call(nr::mmap, 0, 4096, kProtRead | kProtWrite, kMapPrivate, fd, 0) > 0);
}

TEST_CASE("riscv_flush_icache reports a code change", "[linux][mm]") {
  TestProcess t;
  REQUIRE(t.ok());
  CHECK(t.call(259, 0, 0, 0) == 0);
  CHECK(t.last_outcome() == SyscallOutcome::kCodeChanged);
  CHECK(t.call(259, 0, 0, 2) == kEinval);
}

TEST_CASE("when the mmap area is full, mappings go between it and the stack's guard gap", "[linux][mm]") {
  TestProcess t(default_spec(), {}, {}, 32);  // a 4 GiB guest fills quickly
  REQUIRE(t.ok());
  const std::uint64_t stack_bottom = (std::uint64_t{1} << 32) - 4096 - (8u << 20);
  const std::uint64_t mmap_base = (std::uint64_t{1} << 32) - 4096 - (128u << 20);
  std::uint64_t highest = 0;
  std::int64_t last = 0;
  for (std::uint64_t chunk : {std::uint64_t{256} << 20, std::uint64_t{1} << 20}) {
    while ((last = map_anon(t, 0, chunk, kProtNone)) > 0) {
      highest = std::max(highest, static_cast<std::uint64_t>(last) + chunk);
    }
    CHECK(last == kEnomem);
  }
  CHECK(highest > mmap_base);                               // the fallback was used
  CHECK(highest <= stack_bottom - 256 * 4096);              // but never the guard gap
  CHECK(highest > stack_bottom - 256 * 4096 - (1u << 20));  // which is all that is left
}
