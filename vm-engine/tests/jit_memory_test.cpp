// The LLVM tier's inline memory accesses on hand-written guest code:
// accesses sharing one check (faults one by one, straddling pages, a store
// group refused by its second page), lone misaligned accesses and page
// windows, each against the interpreter's state.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "engine_test_support.hpp"
#include "rv_encode.hpp"
#include "vm/engine/interpreter.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace {

using namespace vm::engine;
using rv::addi;
using rv::blt;
using rv::ld;

constexpr std::uint64_t kCode = 0x10000;
constexpr std::uint32_t kEcall = rv::ecall();

std::unique_ptr<vm::mem::UserAddressSpace> memory_with(const std::vector<std::uint32_t>& code) {
  return test::memory_with_code(code, kCode);
}

std::unique_ptr<JitEngine> make_engine(vm::mem::UserAddressSpace& memory, bool tiered, unsigned opt) {
  return test::llvm_engine(memory, tiered, opt);
}

// Runs the code at kCode in the interpreter and in the LLVM tier at `opt`,
// each after `reset` (memory) and `start` (registers): both must halt with
// `halt` and leave the same registers, pc, instret, trap and the same
// `size` bytes at `at`. Returns the engine, for its trap and stats.
std::unique_ptr<JitEngine> run_both(vm::mem::UserAddressSpace& memory, unsigned opt, const std::function<void()>& reset,
                                    const std::function<void(CpuState&)>& start, std::uint64_t at, std::size_t size,
                                    HaltReason halt) {
  const auto run = [&](auto&& engine, CpuState& cpu, std::vector<std::uint8_t>& out) {
    reset();
    cpu.pc = kCode;
    start(cpu);
    const HaltReason stopped = engine.run(cpu, ~std::uint64_t{0});
    out.resize(size);
    REQUIRE(memory.read(at, out) == vm::mem::AccessFault::kNone);
    return stopped;
  };
  Interpreter interpreter(memory);
  CpuState expected, cpu;
  std::vector<std::uint8_t> expected_out, out;
  REQUIRE(run(interpreter, expected, expected_out) == halt);
  auto engine = make_engine(memory, false, opt);
  REQUIRE(run(*engine, cpu, out) == halt);
  if (halt == HaltReason::kFault) {
    CHECK(engine->last_trap().cause == interpreter.last_trap().cause);
    CHECK(engine->last_trap().tval == interpreter.last_trap().tval);
  }
  CHECK(cpu.pc == expected.pc);
  CHECK(cpu.instret == expected.instret);
  for (unsigned r = 1; r < 32; ++r) CHECK(cpu.x(r) == expected.x(r));
  CHECK(out == expected_out);
  return engine;
}

}  // namespace

TEST_CASE("accesses sharing one bounds check still fault one by one", "[jit][fault]") {
  // Four loads and a store off x10 share one check. Placed across the end
  // of a mapped page, or on a read-only page for the store, the shared
  // check fails, the block leaves before the first access and the
  // interpreter runs them: the first ones complete and the trap is at the
  // exact access.
  //   0: x5 = ld 0(x10); 4: x6 = ld 8(x10); 8: x7 = ld 16(x10); 12: x28 = ld 24(x10)
  //  16: sd x5, 32(x10); 20: ecall
  auto memory = memory_with({ld(5, 10, 0), ld(6, 10, 8), ld(7, 10, 16), ld(28, 10, 24), rv::sd(5, 10, 32), kEcall});
  REQUIRE(memory->map_fixed(0x40000, 0x1000, vm::mem::kPermRead | vm::mem::kPermWrite));
  REQUIRE(memory->map_fixed(0x50000, 0x1000, vm::mem::kPermRead));
  const std::uint8_t word[8] = {7, 0, 0, 0, 0, 0, 0, 0};
  REQUIRE(memory->write(0x40ff0, word, /*force=*/true) == vm::mem::AccessFault::kNone);
  for (unsigned opt : {0u, 1u, 2u}) {
    INFO("opt " << opt);
    auto engine = make_engine(*memory, false, opt);
    CpuState cpu;
    // A fresh state with x10 = `base` (and x7 = `x7`), run to its halt.
    const auto run_at = [&](std::uint64_t base, std::uint64_t x7 = 0) {
      cpu = CpuState{};
      cpu.pc = kCode;
      cpu.x(10) = base;
      cpu.x(7) = x7;
      return engine->run(cpu, 1000);
    };
    // Two loads on the page, the third beyond its end.
    REQUIRE(run_at(0x40ff0, 0x77) == HaltReason::kFault);
    CHECK(engine->last_trap().cause == 13);
    CHECK(engine->last_trap().tval == 0x41000);
    CHECK(cpu.pc == kCode + 8);
    CHECK(cpu.instret == 2);
    CHECK(cpu.x(5) == 7);
    CHECK(cpu.x(7) == 0x77);
    // A wild base: the shared check must not read outside the permission
    // table.
    REQUIRE(run_at(0xdead0000beef0000ull) == HaltReason::kFault);
    CHECK(engine->last_trap().tval == 0xdead0000beef0000ull);
    CHECK(cpu.pc == kCode);
    // All loads fine, the store refused by a read-only page.
    REQUIRE(run_at(0x50000) == HaltReason::kFault);
    CHECK(engine->last_trap().cause == 15);
    CHECK(engine->last_trap().tval == 0x50020);
    CHECK(cpu.pc == kCode + 16);
    CHECK(cpu.instret == 4);
    // Everything on the shared fast path.
    const std::uint8_t first[8] = {5, 0, 0, 0, 0, 0, 0, 0};
    const std::uint8_t fourth[8] = {9, 0, 0, 0, 0, 0, 0, 0};
    REQUIRE(memory->write(0x40000, first, /*force=*/true) == vm::mem::AccessFault::kNone);
    REQUIRE(memory->write(0x40018, fourth, /*force=*/true) == vm::mem::AccessFault::kNone);
    REQUIRE(run_at(0x40000) == HaltReason::kEcall);
    CHECK(cpu.x(5) == 5);
    CHECK(cpu.x(28) == 9);
    std::uint8_t stored[8] = {};
    REQUIRE(memory->read(0x40020, stored) == vm::mem::AccessFault::kNone);
    CHECK(stored[0] == 5);
  }
}

TEST_CASE("a lone misaligned access stays in the region unless it crosses a page", "[jit][region]") {
  // A loop copying a doubleword from x10 to x10 + 0x7f8, each access
  // checked alone:
  //   0: ld x5, 0(x10); 4: sd x5, 0x7f8(x10); 8: add x7, x7, x5
  //  12: addi x11, x11, -1; 16: blt x0, x11, -16; 20: ecall
  auto memory =
      memory_with({ld(5, 10, 0), rv::sd(5, 10, 0x7f8), rv::add(7, 7, 5), addi(11, 11, -1), blt(0, 11, -16), kEcall});
  REQUIRE(memory->map_fixed(0x40000, 0x3000, vm::mem::kPermRead | vm::mem::kPermWrite));
  std::vector<std::uint8_t> bytes(0x3000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 13 + 5);
  constexpr std::uint64_t kIterations = 50;
  for (unsigned opt : {0u, 1u, 2u}) {
    INFO("opt " << opt);
    // Aligned; misaligned within the page (both accesses); the load
    // crossing into the next page (it leaves on every iteration, the store
    // 0x7f8 further on is misaligned but inside its page).
    for (const std::uint64_t base : {std::uint64_t{0x40ff0}, std::uint64_t{0x40ff3}, std::uint64_t{0x40ffd}}) {
      INFO("base " << std::hex << base);
      const auto reset = [&] { REQUIRE(memory->write(0x40000, bytes, /*force=*/true) == vm::mem::AccessFault::kNone); };
      const auto start = [&](CpuState& cpu) {
        cpu.x(10) = base;
        cpu.x(11) = kIterations;
      };
      auto engine = run_both(*memory, opt, reset, start, 0x40000, bytes.size(), HaltReason::kEcall);
      CHECK(engine->stats().slow_access_exits == (base == 0x40ffd ? kIterations : 0));
    }
  }
}

TEST_CASE("accesses sharing a check straddle pages in compiled code, and leave precisely when a page refuses",
          "[jit][region]") {
  // A loop summing two doublewords at x10 and x10 + 8, which share one
  // check:
  //   0: ld x5, 0(x10); 4: ld x6, 8(x10); 8: add x7, x7, x5; 12: add x7, x7, x6
  //  16: addi x11, x11, -1; 20: blt x0, x11, -20; 24: ecall
  auto memory = memory_with(
      {ld(5, 10, 0), ld(6, 10, 8), rv::add(7, 7, 5), rv::add(7, 7, 6), addi(11, 11, -1), blt(0, 11, -20), kEcall});
  REQUIRE(memory->map_fixed(0x40000, 0x2000, vm::mem::kPermRead | vm::mem::kPermWrite));  // 0x42000 unmapped
  std::vector<std::uint8_t> words(32);
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = static_cast<std::uint8_t>(i * 7 + 1);
  REQUIRE(memory->write(0x40ff0, words, /*force=*/true) == vm::mem::AccessFault::kNone);
  REQUIRE(memory->write(0x41ff0, std::vector<std::uint8_t>(words.begin(), words.begin() + 16), /*force=*/true) ==
          vm::mem::AccessFault::kNone);
  struct Case {
    std::uint64_t base;
    HaltReason halt;
    std::uint64_t slow_exits;
  };
  constexpr std::uint64_t kIterations = 100;
  const Case cases[] = {
      // The pair straddles the page boundary, neither load crosses it.
      {0x40ff8, HaltReason::kEcall, 0},
      // The first load crosses it: both pages allow reads, so it stays.
      {0x40ffc, HaltReason::kEcall, 0},
      // The second load is on the unmapped page: the region leaves before
      // the first, and the interpreter runs it and faults at the second.
      {0x41ff8, HaltReason::kFault, 1},
      // The first load crosses into the unmapped page and faults.
      {0x41ffc, HaltReason::kFault, 1},
  };
  for (unsigned opt : {0u, 1u, 2u}) {
    for (const Case& c : cases) {
      INFO("opt " << opt << ", base " << std::hex << c.base);
      const auto start = [&](CpuState& cpu) {
        cpu.x(10) = c.base;
        cpu.x(11) = kIterations;
      };
      auto engine = run_both(
          *memory, opt, [] {}, start, 0x40ff0, words.size(), c.halt);
      CHECK(engine->stats().slow_access_exits == c.slow_exits);
    }
  }
}

TEST_CASE("stores sharing a check need both pages writable, and fault precisely when the second is not",
          "[jit][region][fault]") {
  // A loop storing two doublewords at x10 and x10 + 8, which share one
  // check:
  //   0: sd x5, 0(x10); 4: sd x6, 8(x10); 8: addi x5, x5, 1
  //  12: addi x11, x11, -1; 16: blt x0, x11, -16; 20: ecall
  auto memory =
      memory_with({rv::sd(5, 10, 0), rv::sd(6, 10, 8), addi(5, 5, 1), addi(11, 11, -1), blt(0, 11, -16), kEcall});
  REQUIRE(memory->map_fixed(0x40000, 0x1000, vm::mem::kPermRead | vm::mem::kPermWrite));
  REQUIRE(memory->map_fixed(0x41000, 0x1000, vm::mem::kPermRead));
  REQUIRE(memory->map_fixed(0x50000, 0x2000, vm::mem::kPermRead | vm::mem::kPermWrite));
  struct Case {
    std::uint64_t base;
    HaltReason halt;
  };
  // Straddling two writable pages stays in the region; straddling into the
  // read-only page leaves before the first store, which the interpreter
  // then runs before the second faults.
  const Case cases[] = {{0x50ff8, HaltReason::kEcall}, {0x40ff8, HaltReason::kFault}};
  for (unsigned opt : {0u, 1u, 2u}) {
    for (const Case& c : cases) {
      INFO("opt " << opt << ", base " << std::hex << c.base);
      const std::uint64_t page = c.base & ~std::uint64_t{0xfff};
      const auto reset = [&] {
        REQUIRE(memory->write(page, std::vector<std::uint8_t>(0x1000), /*force=*/true) == vm::mem::AccessFault::kNone);
      };
      const auto start = [&](CpuState& cpu) {
        cpu.x(5) = 7;
        cpu.x(6) = 9;
        cpu.x(10) = c.base;
        cpu.x(11) = 50;
      };
      auto engine = run_both(*memory, opt, reset, start, page, 0x1000, c.halt);
      if (c.halt == HaltReason::kFault) CHECK(engine->last_trap().tval == 0x41000);
      CHECK(engine->stats().slow_access_exits == (c.halt == HaltReason::kFault ? 1u : 0u));
    }
  }
}

TEST_CASE("a loop's page windows follow its accesses across pages and fault at the exact byte", "[jit][fault]") {
  // A byte copy loop: its load and store each check through a page window
  // (one compare while on the page their full check last passed).
  //   0: lbu x5, 0(x10); 4: sb x5, 0(x11); 8: addi x10, x10, 1; 12: addi x11, x11, 1
  //  16: addi x12, x12, -1; 20: blt x0, x12, -20; 24: ecall
  auto memory = memory_with({rv::lbu(5, 10, 0), rv::sb(5, 11, 0), addi(10, 10, 1), addi(11, 11, 1), addi(12, 12, -1),
                             blt(0, 12, -20), kEcall});
  REQUIRE(memory->map_fixed(0x40000, 0x2000, vm::mem::kPermRead | vm::mem::kPermWrite));  // 0x42000 unmapped
  REQUIRE(memory->map_fixed(0x50000, 0x1000, vm::mem::kPermRead | vm::mem::kPermWrite));
  REQUIRE(memory->map_fixed(0x51000, 0x1000, vm::mem::kPermRead));
  std::vector<std::uint8_t> bytes(0x2000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 29 + 3);
  struct Case {
    const char* what;
    std::uint64_t src, dst, count;
    HaltReason halt;
    std::uint64_t tval;
  };
  const Case cases[] = {
      {"both cross a page boundary, all mapped", 0x40ff0, 0x50800, 0x40, HaltReason::kEcall, 0},
      {"the load runs into an unmapped page", 0x41fd0, 0x50000, 0x60, HaltReason::kFault, 0x42000},
      {"the store runs into a read-only page", 0x40100, 0x50fe0, 0x60, HaltReason::kFault, 0x51000},
  };
  for (unsigned opt : {0u, 1u, 2u}) {
    for (const Case& c : cases) {
      INFO("opt " << opt << ": " << c.what);
      const auto reset = [&] {
        REQUIRE(memory->write(0x40000, bytes, /*force=*/true) == vm::mem::AccessFault::kNone);
        REQUIRE(memory->write(0x50000, std::vector<std::uint8_t>(0x1000), /*force=*/true) ==
                vm::mem::AccessFault::kNone);
      };
      const auto start = [&](CpuState& cpu) {
        cpu.x(10) = c.src;
        cpu.x(11) = c.dst;
        cpu.x(12) = c.count;
      };
      auto engine = run_both(*memory, opt, reset, start, 0x50000, 0x1000, c.halt);
      if (c.halt == HaltReason::kFault) CHECK(engine->last_trap().tval == c.tval);
      // Moving a window to the next page takes its full check, not an exit.
      if (c.halt == HaltReason::kEcall) CHECK(engine->stats().slow_access_exits == 0);
      CHECK(engine->stats().insns_compiled_code > 0);
    }
  }
}
