// File and descriptor syscalls against the host file system: pipes,
// open/read/write/lseek, the riscv64 struct stat, getdents64, directories,
// /proc/self/exe, bad pointers, and the unknown-syscall path.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <set>

#include "linux_test_support.hpp"

using namespace linux_test;

namespace {

constexpr std::uint64_t kAtFdCwd = static_cast<std::uint64_t>(-100);
constexpr std::uint64_t kORdonly = 0, kOWronly = 1, kORdwr = 2, kOCreat = 0100, kOTrunc = 01000, kODirectory = 0200000,
                        kOCloexec = 02000000;
constexpr std::int64_t kEnoent = -2, kEbadf = -9, kEfault = -14, kEinval = -22, kEnosys = -38, kErange = -34,
                       kEnotty = -25;

std::int64_t open_path(TestProcess& t, std::uint64_t buf, const std::string& path, std::uint64_t flags,
                       std::uint64_t mode = 0644) {
  t.poke_string(buf, path);
  return t.call(nr::openat, kAtFdCwd, buf, flags, mode);
}

}  // namespace

TEST_CASE("a pipe carries bytes from write to read", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  REQUIRE(t.call(nr::pipe2, buf, 0) == 0);
  const auto read_fd = t.peek<std::int32_t>(buf);
  const auto write_fd = t.peek<std::int32_t>(buf + 4);
  CHECK(read_fd >= 3);
  CHECK(write_fd == read_fd + 1);
  t.poke(buf + 64, "hello pipe", 10);
  CHECK(t.call(nr::write, write_fd, buf + 64, 10) == 10);
  CHECK(t.call(nr::read, read_fd, buf + 128, 100) == 10);
  CHECK(t.peek_string(buf + 128) == "hello pipe");
  // writev then readv across two buffers.
  const std::uint64_t iov = buf + 512;
  t.poke(buf + 256, "ab", 2);
  t.poke(buf + 300, "cde", 3);
  const std::uint64_t vec[4] = {buf + 256, 2, buf + 300, 3};
  t.poke(iov, vec, sizeof(vec));
  CHECK(t.call(nr::writev, write_fd, iov, 2) == 5);
  const std::uint64_t out[4] = {buf + 1024, 1, buf + 1100, 10};
  t.poke(iov, out, sizeof(out));
  CHECK(t.call(nr::readv, read_fd, iov, 2) == 5);
  CHECK(t.peek<char>(buf + 1024) == 'a');
  CHECK(t.peek_string(buf + 1100).substr(0, 4) == "bcde");
  CHECK(t.call(nr::close, write_fd) == 0);
  CHECK(t.call(nr::read, read_fd, buf + 128, 100) == 0);  // EOF
  CHECK(t.call(nr::close, write_fd) == kEbadf);
}

TEST_CASE("openat, read, lseek, pread64 and fstat on a file", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  t.dir().write("file.txt", {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'});
  const std::uint64_t buf = t.scratch();
  const std::int64_t fd = open_path(t, buf, t.dir().file("file.txt"), kORdonly);
  REQUIRE(fd >= 3);
  CHECK(t.call(nr::read, fd, buf + 256, 4) == 4);
  CHECK(t.peek<std::uint32_t>(buf + 256) == 0x33323130);
  CHECK(t.call(nr::lseek, fd, 2, 1 /*SEEK_CUR*/) == 6);
  CHECK(t.call(nr::read, fd, buf + 256, 100) == 4);
  CHECK(t.call(nr::pread64, fd, buf + 256, 2, 1) == 2);
  CHECK(t.peek<std::uint16_t>(buf + 256) == 0x3231);
  CHECK(t.call(nr::write, fd, buf, 1) == kEbadf);  // opened read-only

  // The riscv64 struct stat: 128 bytes, asm-generic layout.
  struct stat host {};
  REQUIRE(::stat(t.dir().file("file.txt").c_str(), &host) == 0);
  const std::uint64_t st = buf + 1024;
  CHECK(t.call(nr::fstat, fd, st) == 0);
  CHECK(t.peek<std::uint64_t>(st + 0) == host.st_dev);
  CHECK(t.peek<std::uint64_t>(st + 8) == host.st_ino);
  CHECK(t.peek<std::uint32_t>(st + 16) == host.st_mode);
  CHECK(t.peek<std::uint32_t>(st + 20) == host.st_nlink);
  CHECK(t.peek<std::uint32_t>(st + 24) == host.st_uid);
  CHECK(t.peek<std::uint32_t>(st + 28) == host.st_gid);
  CHECK(t.peek<std::int64_t>(st + 48) == 10);  // st_size
  CHECK(t.peek<std::int32_t>(st + 56) == host.st_blksize);
  CHECK(t.peek<std::int64_t>(st + 64) == host.st_blocks);
  CHECK(t.peek<std::int64_t>(st + 88) == host.st_mtim.tv_sec);
  CHECK(t.peek<std::int64_t>(st + 96) == host.st_mtim.tv_nsec);
  // newfstatat by path gives the same bytes.
  t.poke_string(buf + 2048, t.dir().file("file.txt"));
  CHECK(t.call(nr::newfstatat, kAtFdCwd, buf + 2048, buf + 3072, 0) == 0);
  std::vector<std::uint8_t> a(128), b(128);
  t.memory().read(st, a);
  t.memory().read(buf + 3072, b);
  CHECK(a == b);
  // statx has its own (architecture-independent) layout: stx_size at 40.
  CHECK(t.call(nr::statx, kAtFdCwd, buf + 2048, 0, 0xfff, buf + 4096) == 0);
  CHECK(t.peek<std::uint64_t>(buf + 4096 + 40) == 10);
  CHECK(t.call(nr::close, fd) == 0);
}

TEST_CASE("open errors come back as -errno", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  CHECK(open_path(t, buf, t.dir().file("missing"), kORdonly) == kEnoent);
  t.poke_string(buf, "relative");
  CHECK(t.call(nr::openat, 77, buf, kORdonly, 0) == kEbadf);
  CHECK(t.call(nr::openat, kAtFdCwd, 0x1000, kORdonly, 0) == kEfault);
}

TEST_CASE("files are created, written, and the lowest free descriptor is reused", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  const std::int64_t fd = open_path(t, buf, t.dir().file("new.txt"), kOWronly | kOCreat | kOTrunc | kOCloexec);
  REQUIRE(fd == 3);
  CHECK(t.call(nr::fcntl, fd, 1 /*F_GETFD*/) == 1);
  CHECK((t.call(nr::fcntl, fd, 3 /*F_GETFL*/) & 3) == kOWronly);
  t.poke(buf + 512, "written\n", 8);
  CHECK(t.call(nr::write, fd, buf + 512, 8) == 8);
  const std::int64_t second = open_path(t, buf, t.dir().file("new.txt"), kORdonly);
  CHECK(second == 4);
  CHECK(t.call(nr::close, fd) == 0);
  CHECK(open_path(t, buf, t.dir().file("new.txt"), kORdwr) == 3);
  CHECK(t.call(nr::read, second, buf + 1024, 100) == 8);
  CHECK(t.peek_string(buf + 1024).substr(0, 7) == "written");
  // dup / dup3 / F_DUPFD share the open file.
  const std::int64_t copy = t.call(nr::dup, second);
  CHECK(copy == 5);
  CHECK(t.call(nr::dup3, second, 10, kOCloexec) == 10);
  CHECK(t.call(nr::fcntl, 10, 1) == 1);
  CHECK(t.call(nr::fcntl, second, 0 /*F_DUPFD*/, 20) == 20);
  CHECK(t.call(nr::lseek, copy, 0, 0) == 0);
  CHECK(t.call(nr::lseek, 20, 0, 1) == 0);  // same file offset
  CHECK(t.call(nr::dup3, second, second, 0) == kEinval);
  CHECK(t.call(nr::dup3, 99, 11, 0) == kEbadf);
}

TEST_CASE("a guest closing its stdout does not close the host's", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  CHECK(t.call(nr::close, 1) == 0);
  CHECK(t.call(nr::close, 1) == kEbadf);
  CHECK(::fcntl(1, F_GETFD) >= 0);
}

TEST_CASE("getdents64 lists a directory", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  t.dir().write("alpha", {});
  t.dir().write("beta", {});
  const std::uint64_t buf = t.scratch();
  const std::int64_t fd = open_path(t, buf, t.dir().path().string(), kORdonly | kODirectory);
  REQUIRE(fd >= 0);
  std::set<std::string> names;
  for (;;) {
    const std::int64_t n = t.call(nr::getdents64, fd, buf + 4096, 4096);
    REQUIRE(n >= 0);
    if (n == 0) break;
    for (std::int64_t off = 0; off < n;) {
      const std::uint64_t entry = buf + 4096 + static_cast<std::uint64_t>(off);
      const auto reclen = t.peek<std::uint16_t>(entry + 16);
      names.insert(t.peek_string(entry + 19));
      off += reclen;
    }
  }
  CHECK(names.count("alpha") == 1);
  CHECK(names.count("beta") == 1);
  CHECK(names.count("prog") == 1);
  CHECK(names.count(".") == 1);
  CHECK(t.call(nr::getdents64, fd, 0x1000, 4096) == kEfault);
}

TEST_CASE("readlinkat of /proc/self/exe names the guest program", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  t.poke_string(buf, "/proc/self/exe");
  const std::string expected = std::filesystem::canonical(t.dir().file("prog")).string();
  const std::int64_t n = t.call(nr::readlinkat, kAtFdCwd, buf, buf + 1024, 4096);
  REQUIRE(n == static_cast<std::int64_t>(expected.size()));
  std::string got(static_cast<std::size_t>(n), '\0');
  t.memory().read(buf + 1024, std::span(reinterpret_cast<std::uint8_t*>(got.data()), got.size()));
  CHECK(got == expected);
  // Truncated to the buffer size, no NUL, as Linux does.
  CHECK(t.call(nr::readlinkat, kAtFdCwd, buf, buf + 1024, 4) == 4);
  CHECK(t.call(nr::readlinkat, kAtFdCwd, buf, buf + 1024, 0) == kEinval);
  // Opening it opens the guest program, not the VM.
  const std::int64_t fd = t.call(nr::openat, kAtFdCwd, buf, kORdonly, 0);
  REQUIRE(fd >= 0);
  CHECK(t.call(nr::read, fd, buf + 2048, 4) == 4);
  CHECK(t.peek<std::uint32_t>(buf + 2048) == 0x464c457f);
}

TEST_CASE("the guest has its own working directory", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  const std::string host_cwd = std::filesystem::current_path().string();
  t.poke_string(buf, t.dir().path().string());
  CHECK(t.call(nr::chdir, buf) == 0);
  CHECK(std::filesystem::current_path().string() == host_cwd);
  const std::string expected = std::filesystem::canonical(t.dir().path()).string();
  CHECK(t.call(nr::getcwd, buf + 1024, 4096) == static_cast<std::int64_t>(expected.size() + 1));
  CHECK(t.peek_string(buf + 1024) == expected);
  CHECK(t.call(nr::getcwd, buf + 1024, 2) == kErange);
  // Relative names now resolve inside the directory.
  t.poke_string(buf, "sub");
  CHECK(t.call(nr::mkdirat, kAtFdCwd, buf, 0755) == 0);
  CHECK(std::filesystem::is_directory(t.dir().path() / "sub"));
  t.poke_string(buf, "sub/file");
  const std::int64_t fd = t.call(nr::openat, kAtFdCwd, buf, kOWronly | kOCreat, 0644);
  CHECK(fd >= 0);
  CHECK(std::filesystem::exists(t.dir().path() / "sub" / "file"));
  CHECK(t.call(nr::unlinkat, kAtFdCwd, buf, 0) == 0);
  t.poke_string(buf, "sub");
  CHECK(t.call(nr::unlinkat, kAtFdCwd, buf, 0x200 /*AT_REMOVEDIR*/) == 0);
  CHECK_FALSE(std::filesystem::exists(t.dir().path() / "sub"));
  t.poke_string(buf, "no-such-dir");
  CHECK(t.call(nr::chdir, buf) == kEnoent);
}

TEST_CASE("bad guest pointers are EFAULT, never a host crash", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  REQUIRE(t.call(nr::pipe2, buf, 0) == 0);
  const auto read_fd = t.peek<std::int32_t>(buf);
  const auto write_fd = t.peek<std::int32_t>(buf + 4);
  CHECK(t.call(nr::write, write_fd, 0x1000, 10) == kEfault);
  CHECK(t.call(nr::write, write_fd, std::uint64_t{1} << 50, 10) == kEfault);
  CHECK(t.call(nr::write, write_fd, 0x10000, 10) == 10);     // read-only code is fine to write from
  CHECK(t.call(nr::read, read_fd, 0x10000, 10) == kEfault);  // but not to read into
  CHECK(t.call(nr::pipe2, 0x10000, 0) == kEfault);
  CHECK(t.call(nr::fstat, 0, 0x10000) == kEfault);
  CHECK(t.call(nr::clock_gettime, 0, 0) == kEfault);
  CHECK(t.call(nr::uname, ~std::uint64_t{0}) == kEfault);
  // A buffer running into an unmapped page transfers what fits, as Linux does.
  const std::uint64_t page = 0x50000000;
  REQUIRE(t.call(nr::mmap, page, 4096, 3, 0x32 /*PRIVATE|ANON|FIXED*/, static_cast<std::uint64_t>(-1), 0) ==
          static_cast<std::int64_t>(page));
  REQUIRE_FALSE(t.memory().is_mapped(page + 4096));
  t.poke(page + 4090, "123456", 6);
  CHECK(t.call(nr::write, write_fd, page + 4090, 100) == 6);
}

TEST_CASE("ioctl answers terminal queries and refuses the rest", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  REQUIRE(t.call(nr::pipe2, buf, 0) == 0);
  const auto read_fd = t.peek<std::int32_t>(buf);
  CHECK(t.call(nr::ioctl, read_fd, 0x5401 /*TCGETS*/, buf + 64) == kEnotty);  // a pipe is no terminal
  CHECK(t.call(nr::ioctl, read_fd, 0x1234, buf + 64) == kEnotty);
  CHECK(t.call(nr::ioctl, 99, 0x5401, buf + 64) == kEbadf);
  CHECK(t.call(nr::ioctl, read_fd, 0x541B /*FIONREAD*/, buf + 64) == 0);
  CHECK(t.peek<std::int32_t>(buf + 64) == 0);
}

TEST_CASE("unknown syscalls are ENOSYS with one report per number", "[linux][syscall]") {
  TestProcess t;
  REQUIRE(t.ok());
  StderrCapture capture;
  CHECK(t.call(400) == kEnosys);
  CHECK(t.call(400) == kEnosys);
  CHECK(t.call(220) == kEnosys);  // clone: known name
  CHECK(t.call(293) == kEnosys);  // rseq: quietly absent
  CHECK(t.call(100000) == kEnosys);
  CHECK(t.cpu().pc == t.built().entry + 5 * 4);
  CHECK(capture.text() ==
        "vm: unsupported syscall 400 -> ENOSYS\n"
        "vm: unsupported syscall 220 (clone) -> ENOSYS\n"
        "vm: unsupported syscall 100000 -> ENOSYS\n");
}

TEST_CASE("exit_group ends the process with its status", "[linux][syscall]") {
  TestProcess t;
  REQUIRE(t.ok());
  t.call(nr::exit_group, 300);
  CHECK(t.last_outcome() == SyscallOutcome::kExited);
  CHECK(t.process().exited());
  CHECK(t.process().exit_status() == 300 % 256);
  // Nothing runs after exit.
  CHECK(t.process().handle_ecall(t.cpu()) == SyscallOutcome::kExited);
}

TEST_CASE("/proc/self/maps describes the guest's mappings", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  t.poke_string(buf, "/proc/self/maps");
  const std::int64_t fd = t.call(nr::openat, kAtFdCwd, buf, kORdonly, 0);
  REQUIRE(fd >= 0);
  const std::int64_t n = t.call(nr::read, fd, buf + 4096, 16384);
  REQUIRE(n > 0);
  std::string text(static_cast<std::size_t>(n), '\0');
  t.memory().read(buf + 4096, std::span(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
  const std::string prog = std::filesystem::canonical(t.dir().file("prog")).string();
  CHECK_THAT(text, Catch::StartsWith("00010000-00011000 r-xp 00000000 "));
  CHECK_THAT(text, Catch::Contains(" " + prog + "\n00012000-00013000 rw-p 00001000 "));
  CHECK_THAT(text, Catch::Contains("3fff7ff000-3ffffff000 rw-p 00000000 00:00 0"));
  CHECK_THAT(text, Catch::EndsWith("[stack]\n"));
  // The scratch mapping itself is listed, anonymous and private.
  char line[64];
  std::snprintf(line, sizeof(line), "%08llx-", static_cast<unsigned long long>(buf));
  CHECK_THAT(text, Catch::Contains(line));
}

TEST_CASE("/proc/self/fd/N names the guest's descriptor N", "[linux][fs]") {
  TestProcess t;
  REQUIRE(t.ok());
  t.dir().write("target.txt", {'t'});
  const std::uint64_t buf = t.scratch();
  const std::int64_t fd = open_path(t, buf, t.dir().file("target.txt"), kORdonly);
  REQUIRE(fd == 3);
  const std::string link = "/proc/self/fd/3";
  t.poke_string(buf, link);
  const std::string expected = std::filesystem::canonical(t.dir().file("target.txt")).string();
  CHECK(t.call(nr::readlinkat, kAtFdCwd, buf, buf + 1024, 4096) == static_cast<std::int64_t>(expected.size()));
  // Opening through it reaches the same file, not the host's descriptor 3.
  const std::int64_t again = t.call(nr::openat, kAtFdCwd, buf, kORdonly, 0);
  REQUIRE(again >= 0);
  CHECK(t.call(nr::read, again, buf + 2048, 1) == 1);
  CHECK(t.peek<char>(buf + 2048) == 't');
  t.poke_string(buf, "/proc/self/fd/77");
  CHECK(t.call(nr::readlinkat, kAtFdCwd, buf, buf + 1024, 4096) == kEnoent);
  CHECK(t.call(nr::openat, kAtFdCwd, buf, kORdonly, 0) == kEnoent);
}
