// The ELF loader and the initial stack: segments, permissions, bss, brk,
// static-pie bias, refusal of dynamic executables, argc/argv/envp/auxv.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "linux_test_support.hpp"

using namespace linux_test;
using vm::mem::kPermExec;
using vm::mem::kPermRead;
using vm::mem::kPermWrite;

TEST_CASE("ET_EXEC segments are mapped at their addresses with their permissions", "[linux][loader]") {
  TestProcess t;
  REQUIRE(t.ok());
  const BuiltElf& elf = t.built();
  CHECK(t.process().load_bias() == 0);
  CHECK(t.cpu().pc == elf.entry);
  CHECK(t.process().entry() == elf.entry);
  CHECK(t.peek<std::uint32_t>(elf.data_vaddr[0]) == 0x00000073);
  // Code: readable and executable, not writable.
  CHECK(t.memory().check(0x10000, 4096, kPermRead | kPermExec));
  CHECK_FALSE(t.memory().check(0x10000, 1, kPermWrite));
  // The ELF header is visible at the start of the first segment, as with mmap.
  CHECK(t.peek<std::uint32_t>(0x10000) == 0x464c457f);
  // Data: read-write, not executable; file bytes then zeroed bss.
  CHECK(t.memory().check(0x12000, 0x3008, kPermRead | kPermWrite));
  CHECK_FALSE(t.memory().check(0x12000, 1, kPermExec));
  CHECK(t.peek<std::uint64_t>(0x12000) == 0x0807060504030201);
  CHECK(t.peek<std::uint64_t>(0x12008) == 0);
  CHECK(t.peek<std::uint64_t>(0x15000) == 0);
  CHECK_FALSE(t.memory().is_mapped(0x11000));
  // The break starts at the page after the bss.
  CHECK(t.process().brk_start() == 0x16000);
}

TEST_CASE("the bss tail of the last file page is zero even when the file has bytes there", "[linux][loader]") {
  // The data segment's file bytes end after 100 bytes, but the file page goes
  // on with 0xaa bytes (other sections in a real file): Linux zeroes them.
  ElfSpec spec = default_spec();
  spec.segments[1].data.assign(4096, 0xaa);
  BuiltElf elf = build_elf(spec);
  const std::size_t data_phdr = 64 + 56;
  put<std::uint64_t>(elf.bytes, data_phdr + 32, 100);  // p_filesz
  put<std::uint64_t>(elf.bytes, data_phdr + 40, 300);  // p_memsz
  TempDir dir;
  dir.write("prog", elf.bytes);
  ProcessOptions options;
  options.exe_path = dir.file("prog");
  options.argv = {options.exe_path};
  auto created = Process::create(options);
  REQUIRE(created);
  vm::mem::UserAddressSpace& memory = (*created)->memory();
  std::vector<std::uint8_t> page(4096);
  REQUIRE(memory.read(0x12000, page) == vm::mem::AccessFault::kNone);
  CHECK(page[99] == 0xaa);
  CHECK(std::all_of(page.begin() + 100, page.end(), [](std::uint8_t b) { return b == 0; }));
  CHECK((*created)->brk_start() == 0x13000);
}

TEST_CASE("segments sharing a page get both permissions and keep both contents", "[linux][loader]") {
  ElfSpec spec;
  spec.segments.push_back({0x10000, kPfR | kPfX, words({0x00000073}), 0});
  // Data starts in the same page as the code ends (0x10000 + headers + 4 bytes).
  spec.segments.push_back({0x10800, kPfR | kPfW, {9, 9, 9, 9}, 16});
  TestProcess t(spec);
  REQUIRE(t.ok());
  CHECK(t.peek<std::uint32_t>(t.built().data_vaddr[0]) == 0x00000073);
  CHECK(t.peek<std::uint32_t>(0x10800) == 0x09090909);
  CHECK(t.memory().check(0x10000, 4096, kPermRead | kPermWrite | kPermExec));
}

TEST_CASE("static-pie images load at ELF_ET_DYN_BASE", "[linux][loader]") {
  ElfSpec spec = default_spec();
  spec.type = 3;
  spec.segments[0].vaddr = 0;
  spec.segments[1].vaddr = 0x2000;
  TestProcess t(spec);
  REQUIRE(t.ok());
  const std::uint64_t bias = t.process().load_bias();
  CHECK(bias == 0x2aaaaaa000);  // 2/3 of 2^38, page-aligned
  CHECK(t.cpu().pc == t.built().entry + bias);
  CHECK(t.peek<std::uint64_t>(0x2000 + bias) == 0x0807060504030201);
  CHECK(t.memory().check(bias, 4096, kPermRead | kPermExec));
  CHECK(t.process().brk_start() == bias + 0x6000);
}

TEST_CASE("static-pie bias follows va_bits", "[linux][loader]") {
  ElfSpec spec = default_spec();
  spec.type = 3;
  spec.segments[0].vaddr = 0;
  spec.segments[1].vaddr = 0x2000;
  TestProcess t(spec, {}, {}, 39);
  REQUIRE(t.ok());
  CHECK(t.process().load_bias() == ((((std::uint64_t{1} << 39) / 3) * 2) & ~std::uint64_t{0xfff}));
  CHECK(t.process().load_bias() + 0x6000 < (std::uint64_t{1} << 39));
}

TEST_CASE("dynamically linked executables are refused", "[linux][loader]") {
  ElfSpec spec = default_spec();
  spec.interpreter = "/lib/ld-linux-riscv64-lp64d.so.1";
  TestProcess t(spec);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error() == t.dir().file("prog") +
                         ": dynamically linked executables are not supported yet (interpreter "
                         "/lib/ld-linux-riscv64-lp64d.so.1)");
}

TEST_CASE("a missing executable is an error naming the path", "[linux][loader]") {
  ProcessOptions options;
  options.exe_path = "/nonexistent/vm-test-prog";
  options.argv = {options.exe_path};
  auto created = Process::create(options);
  REQUIRE_FALSE(created);
  CHECK_THAT(created.error().message(), Catch::Contains("/nonexistent/vm-test-prog"));
}

TEST_CASE("an impossible stack size is refused", "[linux][loader]") {
  TempDir dir;
  dir.write("prog", build_elf(default_spec()).bytes);
  ProcessOptions options;
  options.exe_path = dir.file("prog");
  options.stack_size = 4096;
  auto created = Process::create(options);
  REQUIRE_FALSE(created);
  CHECK(created.error().code() == vm::ErrorCode::kInvalidArgument);
}

namespace {

struct StackView {
  std::uint64_t argc = 0;
  std::vector<std::string> argv, envp;
  std::map<std::uint64_t, std::uint64_t> auxv;
  std::vector<std::uint64_t> aux_order;
};

StackView read_stack(TestProcess& t) {
  StackView v;
  std::uint64_t p = t.cpu().x(2);
  v.argc = t.peek<std::uint64_t>(p);
  p += 8;
  for (std::uint64_t i = 0; i < v.argc; ++i, p += 8) v.argv.push_back(t.peek_string(t.peek<std::uint64_t>(p)));
  REQUIRE(t.peek<std::uint64_t>(p) == 0);
  p += 8;
  for (std::uint64_t e; (e = t.peek<std::uint64_t>(p)) != 0; p += 8) v.envp.push_back(t.peek_string(e));
  p += 8;
  for (;; p += 16) {
    const std::uint64_t key = t.peek<std::uint64_t>(p);
    v.aux_order.push_back(key);
    v.auxv[key] = t.peek<std::uint64_t>(p + 8);
    if (key == 0) break;
  }
  return v;
}

}  // namespace

TEST_CASE("the initial stack holds argc, argv, envp and the auxiliary vector", "[linux][stack]") {
  TestProcess t(default_spec(), {"prog", "first arg", ""}, {"HOME=/home/guest", "LANG=C"});
  REQUIRE(t.ok());
  const std::uint64_t sp = t.cpu().x(2);
  CHECK(sp % 16 == 0);
  CHECK(t.cpu().x(10) == 0);
  CHECK(sp > (std::uint64_t{1} << 38) - (8u << 20));
  const StackView v = read_stack(t);
  CHECK(v.argc == 3);
  CHECK(v.argv == std::vector<std::string>{"prog", "first arg", ""});
  CHECK(v.envp == std::vector<std::string>{"HOME=/home/guest", "LANG=C"});
  CHECK(v.auxv.at(3) == t.built().phdr_vaddr);  // AT_PHDR: inside the first PT_LOAD
  CHECK(v.auxv.at(4) == 56);                    // AT_PHENT
  CHECK(v.auxv.at(5) == t.built().phnum);       // AT_PHNUM
  CHECK(v.auxv.at(6) == 4096);                  // AT_PAGESZ
  CHECK(v.auxv.at(7) == 0);                     // AT_BASE
  CHECK(v.auxv.at(8) == 0);                     // AT_FLAGS
  CHECK(v.auxv.at(9) == t.built().entry);       // AT_ENTRY
  CHECK(v.auxv.at(11) == ::getuid());
  CHECK(v.auxv.at(12) == ::geteuid());
  CHECK(v.auxv.at(13) == ::getgid());
  CHECK(v.auxv.at(14) == ::getegid());
  CHECK(v.auxv.at(16) == 0x112d);                               // AT_HWCAP: I M A F D C
  CHECK(v.auxv.at(17) == 100);                                  // AT_CLKTCK
  CHECK(v.auxv.at(23) == 0);                                    // AT_SECURE
  CHECK(t.peek_string(v.auxv.at(31)) == t.dir().file("prog"));  // AT_EXECFN
  CHECK(v.aux_order.back() == 0);
  CHECK(v.auxv.count(15) == 0);  // no AT_PLATFORM on riscv
  // AT_RANDOM: 16 bytes on the stack, above the tables and below the strings.
  const std::uint64_t random = v.auxv.at(25);
  CHECK(random > sp);
  CHECK(t.memory().check(random, 16, kPermRead | kPermWrite));
  // The program headers really are at AT_PHDR: the first one's type.
  CHECK(t.peek<std::uint32_t>(v.auxv.at(3)) == 1);
}

TEST_CASE("strings sit at the top of the stack in Linux's order", "[linux][stack]") {
  TestProcess t(default_spec(), {"a", "bb"}, {"C=1"});
  REQUIRE(t.ok());
  const StackView v = read_stack(t);
  const std::uint64_t argv0 = t.peek<std::uint64_t>(t.cpu().x(2) + 8);
  const std::uint64_t argv1 = t.peek<std::uint64_t>(t.cpu().x(2) + 16);
  const std::uint64_t env0 = t.peek<std::uint64_t>(t.cpu().x(2) + 32);
  CHECK(argv1 == argv0 + 2);
  CHECK(env0 == argv1 + 3);
  CHECK(v.auxv.at(31) == env0 + 4);  // execfn follows the environment
  // execfn's NUL is followed by 8 zero bytes and then the end of the stack.
  const std::uint64_t execfn_end = v.auxv.at(31) + t.dir().file("prog").size() + 1;
  CHECK(t.peek<std::uint64_t>(execfn_end) == 0);
  CHECK(execfn_end + 8 == (std::uint64_t{1} << 38) - 4096);
}

TEST_CASE("PT_PHDR gives AT_PHDR directly", "[linux][stack]") {
  ElfSpec spec = default_spec();
  spec.phdr_segment = true;
  TestProcess t(spec);
  REQUIRE(t.ok());
  const StackView v = read_stack(t);
  CHECK(v.auxv.at(3) == 0x10040);
  CHECK(v.auxv.at(5) == 3);
}

TEST_CASE("an environment larger than a quarter of the stack is refused", "[linux][stack]") {
  std::vector<std::string> env(3000, std::string(1000, 'x'));
  TestProcess t(default_spec(), {}, env);
  REQUIRE_FALSE(t.ok());
  CHECK_THAT(t.error(), Catch::Contains("E2BIG"));
}
