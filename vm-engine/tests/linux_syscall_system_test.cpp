// Process, time and system-information syscalls, and the --strace log.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>

#include "linux_test_support.hpp"

using namespace linux_test;

TEST_CASE("uname describes a riscv64 Linux", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  REQUIRE(t.call(nr::uname, buf) == 0);
  CHECK(t.peek_string(buf) == "Linux");
  CHECK(t.peek_string(buf + 65 * 2) == "6.1.0");
  CHECK(t.peek_string(buf + 65 * 4) == "riscv64");
}

TEST_CASE("identity calls answer for the single-threaded guest", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::int64_t pid = t.call(nr::getpid);
  CHECK(pid == ::getpid());
  CHECK(t.call(nr::gettid) == pid);
  CHECK(t.call(nr::set_tid_address, 0x12000) == pid);
  CHECK(t.call(174) == ::getuid());
  CHECK(t.call(177) == ::getegid());
  CHECK(t.call(99 /*set_robust_list*/, 0x12000, 24) == 0);
  CHECK(t.call(99, 0x12000, 8) == -22);
}

TEST_CASE("clocks read the host's time", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  timespec before{};
  ::clock_gettime(CLOCK_REALTIME, &before);
  REQUIRE(t.call(nr::clock_gettime, 0, buf) == 0);
  const auto sec = t.peek<std::int64_t>(buf);
  CHECK(sec >= before.tv_sec);
  CHECK(sec <= before.tv_sec + 5);
  CHECK(t.peek<std::int64_t>(buf + 8) < 1000000000);
  CHECK(t.call(nr::clock_gettime, 1, buf) == 0);
  CHECK(t.call(nr::clock_gettime, 99, buf) == -22);
  REQUIRE(t.call(nr::gettimeofday, buf, 0) == 0);
  CHECK(t.peek<std::int64_t>(buf) >= before.tv_sec);
  CHECK(t.peek<std::int64_t>(buf + 8) < 1000000);
  CHECK(t.call(114 /*clock_getres*/, 1, buf) == 0);
  // A short sleep sleeps; a bad timespec is EINVAL.
  const std::int64_t request[2] = {0, 1000000};
  t.poke(buf, request, sizeof(request));
  CHECK(t.call(nr::nanosleep, buf, 0) == 0);
  const std::int64_t bad[2] = {0, 1000000000};
  t.poke(buf, bad, sizeof(bad));
  CHECK(t.call(nr::nanosleep, buf, 0) == -22);
}

TEST_CASE("resource limits are the guest's own", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  REQUIRE(t.call(nr::prlimit64, 0, 3 /*RLIMIT_STACK*/, 0, buf) == 0);
  CHECK(t.peek<std::uint64_t>(buf) == 8u << 20);
  CHECK(t.peek<std::uint64_t>(buf + 8) == ~std::uint64_t{0});
  const std::uint64_t lower[2] = {64, 128};
  t.poke(buf + 64, lower, sizeof(lower));
  CHECK(t.call(nr::prlimit64, 0, 7 /*RLIMIT_NOFILE*/, buf + 64, buf) == 0);
  CHECK(t.call(nr::getrlimit, 7, buf) == 0);
  CHECK(t.peek<std::uint64_t>(buf) == 64);
  // The guest's descriptor numbers now stop at 64.
  CHECK(t.call(nr::fcntl, 1, 0 /*F_DUPFD*/, 64) == -22);
  CHECK(t.call(nr::fcntl, 1, 0, 63) == 63);
  CHECK(t.call(nr::dup, 1) == 3);
  const std::uint64_t inverted[2] = {10, 5};
  t.poke(buf + 64, inverted, sizeof(inverted));
  CHECK(t.call(nr::prlimit64, 0, 7, buf + 64, 0) == -22);
  CHECK(t.call(nr::prlimit64, 0, 99, 0, buf) == -22);
}

TEST_CASE("getrandom fills the buffer", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  CHECK(t.call(nr::getrandom, buf, 64, 0) == 64);
  std::uint64_t nonzero = 0;
  for (int i = 0; i < 8; ++i) nonzero |= t.peek<std::uint64_t>(buf + 8 * i);
  CHECK(nonzero != 0);
  CHECK(t.call(nr::getrandom, 0x1000, 64, 0) == -14);
  CHECK(t.call(nr::getrandom, buf, 64, 0x100) == -22);
}

TEST_CASE("riscv_hwprobe reports RV64IMAFDC", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  const std::int64_t pairs[8] = {3, 0, 4, 0, 5, 0, 12345, 0};
  t.poke(buf, pairs, sizeof(pairs));
  REQUIRE(t.call(nr::riscv_hwprobe, buf, 4, 0, 0, 0) == 0);
  CHECK(t.peek<std::uint64_t>(buf + 8) == 1);   // BASE_BEHAVIOR: IMA
  CHECK(t.peek<std::uint64_t>(buf + 24) == 3);  // IMA_EXT_0: FD | C
  CHECK(t.peek<std::uint64_t>(buf + 40) == 0);  // CPUPERF_0: misaligned unknown
  CHECK(t.peek<std::int64_t>(buf + 48) == -1);  // unknown key
  CHECK(t.peek<std::uint64_t>(buf + 56) == 0);
  CHECK(t.call(nr::riscv_hwprobe, buf, 1, 0, 0, 1) == -22);
}

TEST_CASE("sched_getaffinity reports one CPU; umask is kept", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  CHECK(t.call(nr::sched_getaffinity, 0, 128, buf) == 8);
  CHECK(t.peek<std::uint64_t>(buf) == 1);
  CHECK(t.call(nr::sched_getaffinity, 0, 4, buf) == -22);
  CHECK(t.call(nr::umask, 077) == 022);
  CHECK(t.call(nr::umask, 022) == 077);
}

TEST_CASE("futex for one thread", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t word = t.scratch();
  const std::uint32_t value = 5;
  t.poke(word, &value, 4);
  constexpr std::uint64_t kWait = 0, kWake = 1, kPrivate = 128;
  CHECK(t.call(nr::futex, word, kWait | kPrivate, 4) == -11);  // EAGAIN: value changed
  CHECK(t.call(nr::futex, word, kWake | kPrivate, 1) == 0);    // nobody waits
  const std::int64_t timeout[2] = {0, 1000000};
  t.poke(word + 64, timeout, sizeof(timeout));
  CHECK(t.call(nr::futex, word, kWait, 5, word + 64) == -110);  // ETIMEDOUT
  CHECK(t.call(nr::futex, word + 1, kWait, 5) == -22);
  CHECK(t.call(nr::futex, 0x1000, kWait, 5) == -14);
  // FUTEX_WAKE_OP applies its operation: ADD 3 to *uaddr2.
  const std::uint64_t op = (1u << 28) | (3u << 12);
  CHECK(t.call(nr::futex, word, 5 /*WAKE_OP*/, 1, 0, word, op) == 0);
  CHECK(t.peek<std::uint32_t>(word) == 8);
  // A wait that no thread can end is reported, not hung.
  StderrCapture capture;
  t.call(nr::futex, word, kWait, 8);
  CHECK(t.process().exited());
  CHECK_THAT(capture.text(), Catch::Contains("guest deadlock"));
}

TEST_CASE("--strace logs decoded calls", "[linux][strace]") {
  TempDir logdir;
  std::FILE* log = std::fopen(logdir.file("strace").c_str(), "w");
  REQUIRE(log != nullptr);
  TempDir dir;
  dir.write("prog", build_elf(default_spec()).bytes);
  ProcessOptions options;
  options.exe_path = dir.file("prog");
  options.argv = {options.exe_path};
  options.strace = log;
  auto created = Process::create(options);
  REQUIRE(created);
  Process& p = **created;
  CpuState& cpu = p.cpu();
  auto call = [&](std::uint64_t n, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2, std::uint64_t a3 = 0,
                  std::uint64_t a4 = 0) {
    cpu.x(17) = n;
    cpu.x(10) = a0;
    cpu.x(11) = a1;
    cpu.x(12) = a2;
    cpu.x(13) = a3;
    cpu.x(14) = a4;
    cpu.x(15) = 0;
    p.handle_ecall(cpu);
    return cpu.x(10);
  };
  const std::uint64_t buf = call(nr::mmap, 0, 4096, 3, 0x22, ~std::uint64_t{0});
  const char path[] = "/nonexistent";
  p.memory().write(buf, std::span(reinterpret_cast<const std::uint8_t*>(path), sizeof(path)), true);
  call(nr::openat, static_cast<std::uint64_t>(-100), buf, 02000000, 0);
  call(nr::exit_group, 3, 0, 0);
  std::fclose(log);
  std::ifstream in(logdir.file("strace"));
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::string pid = std::to_string(::getpid());
  char mmap_line[160];
  std::snprintf(mmap_line, sizeof(mmap_line),
                "%s mmap(NULL,4096,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0) = %#llx\n", pid.c_str(),
                static_cast<unsigned long long>(buf));
  CHECK(text == std::string(mmap_line) + pid +
                    " openat(AT_FDCWD,\"/nonexistent\",O_RDONLY|O_CLOEXEC,0) = -1 errno=2 (No such file or "
                    "directory)\n" +
                    pid + " exit_group(3) = ?\n");
}

TEST_CASE("CPU clocks are readable for the guest itself only", "[linux][system]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  auto cpu_clock = [](int pid) { return static_cast<std::uint64_t>(static_cast<std::int64_t>((~pid << 3) | 2)); };
  CHECK(t.call(nr::clock_gettime, cpu_clock(0), buf) == 0);
  CHECK(t.call(nr::clock_gettime, cpu_clock(::getpid()), buf) == 0);
  CHECK(t.call(nr::clock_gettime, cpu_clock(1), buf) == -22);
}
