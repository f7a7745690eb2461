// JitEngine on hand-written guest code: a trap in the middle of a compiled
// block is precise, tiered mode publishes background compiles and then runs
// compiled code, and a flush makes rewritten code visible (memory accesses:
// jit_memory_test.cpp).
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <vector>

#include "engine_test_support.hpp"
#include "rv_encode.hpp"
#include "vm/engine/interpreter.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace {

using namespace vm::engine;

constexpr std::uint64_t kCode = 0x10000;

std::uint32_t addi(unsigned rd, unsigned rs1, int imm) {
  return (static_cast<std::uint32_t>(imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13u;
}
std::uint32_t ld(unsigned rd, unsigned rs1, int imm) {
  return (static_cast<std::uint32_t>(imm & 0xfff) << 20) | (rs1 << 15) | (3u << 12) | (rd << 7) | 0x03u;
}
constexpr std::uint32_t kEcall = 0x73;

std::unique_ptr<vm::mem::UserAddressSpace> memory_with(const std::vector<std::uint32_t>& code) {
  return test::memory_with_code(code, kCode);
}

// These test the LLVM tier (baseline_tier_test.cpp the other).
std::unique_ptr<JitEngine> make_engine(vm::mem::UserAddressSpace& memory, bool tiered, unsigned opt) {
  return test::llvm_engine(memory, tiered, opt);
}

}  // namespace

TEST_CASE("a fault in the middle of a compiled block is precise", "[jit]") {
  // x5 = 7; x6 = 9; x7 = ld 0(x6) -> load page fault at address 9; x8 = 1
  auto memory = memory_with({addi(5, 0, 7), addi(6, 0, 9), ld(7, 6, 0), addi(8, 0, 1), kEcall});
  for (unsigned opt : {0u, 2u}) {
    auto engine = make_engine(*memory, false, opt);
    CpuState cpu;
    cpu.pc = kCode;
    cpu.x(7) = 0x77;
    const HaltReason r = engine->run(cpu, 1000);
    CHECK(r == HaltReason::kFault);
    CHECK(engine->last_trap().cause == 13);  // load page fault
    CHECK(engine->last_trap().tval == 9);
    CHECK(engine->last_trap().pc == kCode + 8);
    CHECK(cpu.pc == kCode + 8);
    CHECK(cpu.instret == 2);
    CHECK(cpu.x(5) == 7);
    CHECK(cpu.x(6) == 9);
    CHECK(cpu.x(7) == 0x77);  // the faulting load wrote nothing
    CHECK(cpu.x(8) == 0);
    CHECK(engine->stats().insns_compiled_code == 2);
  }
}

TEST_CASE("tiered mode runs compiled code once it is published", "[jit][tiered]") {
  auto memory = memory_with({addi(10, 10, 1), kEcall});
  auto engine = make_engine(*memory, true, 1);
  CpuState cpu;
  cpu.pc = kCode;
  CHECK(engine->run(cpu, 1000) == HaltReason::kEcall);  // interpreted; queues the block
  engine->wait_for_compiles();
  CHECK(engine->stats().blocks_compiled == 1);
  cpu.pc = kCode;
  CHECK(engine->run(cpu, 1000) == HaltReason::kEcall);
  CHECK(cpu.x(10) == 2);
  CHECK(cpu.instret == 4);
  const JitStats s = engine->stats();
  CHECK(s.insns_interpreted == 2);
  CHECK(s.insns_compiled_code == 2);
}

TEST_CASE("flushing the code cache makes rewritten code visible", "[jit]") {
  auto memory = memory_with({addi(10, 0, 1), kEcall});
  for (bool tiered : {false, true}) {
    auto engine = make_engine(*memory, tiered, 0);
    CpuState cpu;
    for (int round = 0; round < 3; ++round) {
      cpu.pc = kCode;
      REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
      engine->wait_for_compiles();
    }
    CHECK(cpu.x(10) == 1);
    const std::uint32_t patched = addi(10, 0, 42);
    std::uint8_t bytes[4];
    std::memcpy(bytes, &patched, 4);
    memory->write(kCode, bytes, /*force=*/true);
    engine->flush_code_cache();
    cpu.pc = kCode;
    REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
    CHECK(cpu.x(10) == 42);
    // Restore for the next engine.
    const std::uint32_t original = addi(10, 0, 1);
    std::memcpy(bytes, &original, 4);
    memory->write(kCode, bytes, /*force=*/true);
  }
}

namespace {

using rv::blt;
using rv::jal;

// x10 counts to x11 in a two-block loop (the body jumps back to the test):
//   0: addi x10, x10, 1
//   4: addi x12, x12, 3
//   8: jal  x0, 12        -> 20
//  12: ecall
//  16: (unused)
//  20: blt  x10, x11, -20 -> 0
//  24: jal  x0, -12       -> 12
std::vector<std::uint32_t> counting_loop() {
  return {addi(10, 10, 1), addi(12, 12, 3), jal(0, 12), kEcall, kEcall, blt(10, 11, -20), jal(0, -12)};
}

}  // namespace

TEST_CASE("a loop of several blocks runs inside one compiled region", "[jit][region]") {
  auto memory = memory_with(counting_loop());
  for (unsigned opt : {0u, 1u, 2u}) {
    auto engine = make_engine(*memory, false, opt);
    CpuState cpu;
    cpu.pc = kCode;
    cpu.x(11) = 100000;
    REQUIRE(engine->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
    CHECK(cpu.x(10) == 100000);
    CHECK(cpu.x(12) == 300000);
    CHECK(cpu.instret == 100000 * 4 + 2);  // four per iteration, then jal + ecall
    CHECK(cpu.pc == kCode + 12);
    // The loop and its exit path compiled as one region: it never went back
    // to the dispatcher, which would have compiled more.
    CHECK(engine->stats().blocks_compiled == 1);
  }
}

TEST_CASE("compiled loops stop at the same block boundary as the interpreter", "[jit][region]") {
  auto memory = memory_with(counting_loop());
  for (std::uint64_t budget : {1u, 2u, 3u, 5u, 8u, 13u, 1001u}) {
    CpuState expected;
    expected.pc = kCode;
    expected.x(11) = 1000;
    Interpreter interpreter(*memory);
    const HaltReason want = interpreter.run(expected, budget);
    auto engine = make_engine(*memory, false, 1);
    CpuState cpu;
    cpu.pc = kCode;
    cpu.x(11) = 1000;
    CHECK(engine->run(cpu, budget) == want);
    CHECK(cpu.instret == expected.instret);
    CHECK(cpu.pc == expected.pc);
    CHECK(cpu.x(10) == expected.x(10));
    CHECK(cpu.x(12) == expected.x(12));
  }
}

namespace {

// A loop whose longest path from its header runs through two unchecked
// block boundaries more than kMaxUncheckedInsns (64) instructions apart:
//   A   0: addi x10, x10, 1; 32 x addi x12, x12, 1; andi x13, x10, 1
//    136: beq x13, x0, C                 (35 instructions)
//   B 140: 35 x addi x14, x14, 1; jal x0, C   (36)
//   C 284: 34 x addi x15, x15, 1; blt x10, x11, A   (35)
//    424: ecall
// A path A -> B -> C reaches C 71 instructions after A's check, so C must
// check too.
std::vector<std::uint32_t> long_path_loop() {
  std::vector<std::uint32_t> code{addi(10, 10, 1)};
  for (int k = 0; k < 32; ++k) code.push_back(addi(12, 12, 1));
  code.push_back(rv::i(1, 10, 7, 13, 0x13));  // andi x13, x10, 1
  const int b_len = 36, c_start = 4 * (35 + b_len);
  code.push_back(rv::b(c_start - 136, 0, 13, 0));  // beq x13, x0, C
  for (int k = 0; k < 35; ++k) code.push_back(addi(14, 14, 1));
  code.push_back(jal(0, 4));  // to C, right after it
  for (int k = 0; k < 34; ++k) code.push_back(addi(15, 15, 1));
  code.push_back(blt(10, 11, -(4 * static_cast<int>(code.size()))));
  code.push_back(kEcall);
  return code;
}

}  // namespace

TEST_CASE("compiled code stops at the interpreter's block boundary whatever the budget", "[jit][region]") {
  auto memory = memory_with(long_path_loop());
  auto engine = make_engine(*memory, false, 1);
  Interpreter interpreter(*memory);
  CpuState cpu, expected;
  for (CpuState* c : {&cpu, &expected}) {
    c->pc = kCode;
    c->x(11) = 1000;
  }
  // Budgets from just over the unchecked stretch to a few iterations, so
  // runs end at every kind of boundary.
  for (std::uint64_t k = 0; k < 300 && expected.pc != kCode + 424; ++k) {
    const std::uint64_t budget = 65 + (k * 37) % 240;
    const HaltReason want = interpreter.run(expected, budget);
    REQUIRE(engine->run(cpu, budget) == want);
    REQUIRE(cpu.instret == expected.instret);
    REQUIRE(cpu.pc == expected.pc);
    for (unsigned r : {10u, 12u, 13u, 14u, 15u}) REQUIRE(cpu.x(r) == expected.x(r));
  }
  CHECK(engine->stats().insns_compiled_code > 10000);
}

TEST_CASE("compiled FP honours a dynamic rounding mode other than nearest", "[jit][fp]") {
  // fdiv.d f2, f0, f1 (rm = dynamic); fsd-free: the result stays in f2.
  const std::uint32_t fdiv_d = (0x0du << 25) | (1u << 20) | (0u << 15) | (7u << 12) | (2u << 7) | 0x53u;
  auto memory = memory_with({fdiv_d, kEcall});
  const double one = 1.0, three = 3.0;
  for (std::uint32_t frm : {0u, 1u, 2u, 3u}) {  // RNE, RTZ, RDN, RUP
    auto engine = make_engine(*memory, false, 1);
    Interpreter interpreter(*memory);
    CpuState cpu, expected;
    for (CpuState* c : {&cpu, &expected}) {
      c->pc = kCode;
      c->fcsr = frm << 5;
      std::memcpy(&c->f(0), &one, 8);
      std::memcpy(&c->f(1), &three, 8);
    }
    REQUIRE(interpreter.run(expected, 100) == HaltReason::kEcall);
    REQUIRE(engine->run(cpu, 100) == HaltReason::kEcall);
    CHECK(cpu.f(2) == expected.f(2));
    CHECK(cpu.fcsr == expected.fcsr);  // NX set, mode kept
    CHECK(cpu.instret == expected.instret);
  }
}

namespace {

std::uint32_t r_type(unsigned funct7, unsigned rs2, unsigned rs1, unsigned funct3, unsigned rd) {
  return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x33u;
}

}  // namespace

TEST_CASE("a loop dividing by an invariant register assumes its value and recompiles when it changes",
          "[jit][region][tiered]") {
  //   0: addi x10, x10, 1
  //   4: remu x14, x10, x13      (x13 is written nowhere in the loop)
  //   8: add  x15, x15, x14
  //  12: blt  x10, x11, -12      -> 0
  //  16: ecall
  auto memory =
      memory_with({addi(10, 10, 1), r_type(1, 13, 10, 7, 14), r_type(0, 14, 15, 0, 15), blt(10, 11, -12), kEcall});
  // Counted by the interpreter, or by baseline code (which takes the
  // dropped region's place until the block is compiled again).
  const bool with_baseline = GENERATE(false, true);
  JitOptions options;
  options.threshold = with_baseline ? 100 : 1;
  options.baseline = with_baseline;
  options.baseline_threshold = 1;
  auto created = JitEngine::create(*memory, options);
  REQUIRE(created);
  auto& engine = *created;
  const auto run_with = [&](std::uint64_t divisor) {
    CpuState cpu, expected;
    for (CpuState* c : {&cpu, &expected}) {
      c->pc = kCode;
      c->x(11) = 1000;
      c->x(13) = divisor;
    }
    Interpreter interpreter(*memory);
    REQUIRE(interpreter.run(expected, ~std::uint64_t{0}) == HaltReason::kEcall);
    REQUIRE(engine->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
    CHECK(cpu.x(15) == expected.x(15));
    CHECK(cpu.x(14) == expected.x(14));
    CHECK(cpu.instret == expected.instret);
    engine->wait_for_compiles();
  };
  run_with(7);  // interpreted; queues the loop, which assumes x13 == 7
  const std::uint64_t compiled_before = engine->stats().insns_compiled_code;
  run_with(7);
  // The loop ran compiled (with the baseline tier this counts its code too;
  // the failure below shows the LLVM region ran).
  CHECK(engine->stats().insns_compiled_code - compiled_before > 3000);
  CHECK(engine->stats().assumption_failures == 0);
  run_with(9);  // the region refuses to start: dropped, requeued without assumptions
  CHECK(engine->stats().assumption_failures == 1);
  run_with(11);
  run_with(0);  // division by zero: all ones, remainder the dividend
  CHECK(engine->stats().assumption_failures == 1);
  CHECK(engine->stats().blocks_compiled >= 2);
}

TEST_CASE("a compiled loop whose AMO rewrites its own code stops at the loop's next check", "[jit][region]") {
  //   0: amoadd.w x0, x6, (x5)   x5 = kCode + 8, x6 = 1 << 20: the addi's immediate + 1
  //   4: addi x10, x10, 1
  //   8: addi x12, x12, 1        each iteration runs the immediate as translated before it
  //  12: blt  x10, x11, -12      -> 0
  //  16: ecall
  // As in the interpreter, the block that wrote its code finishes, then
  // the run returns for a flush: x12 = 1 + 2 + 3 + 4. A region that kept
  // the budget it read on entry (the AMO's thunk lowers it) would run all
  // four iterations with the old immediate.
  const std::vector<std::uint32_t> code{rv::amoadd_w(0, 5, 6), addi(10, 10, 1), addi(12, 12, 1), blt(10, 11, -12),
                                        kEcall};
  const auto start = [](CpuState& cpu) {
    cpu.pc = kCode;
    cpu.x(5) = kCode + 8;
    cpu.x(6) = 1u << 20;
    cpu.x(11) = 4;
  };
  // Runs to the ecall, flushing whenever the run stops for rewritten code.
  const auto run = [](auto& engine, CpuState& cpu) {
    for (int flushes = 0; flushes < 10; ++flushes) {
      const HaltReason r = engine.run(cpu, ~std::uint64_t{0});
      if (r == HaltReason::kEcall) return;
      REQUIRE(r == HaltReason::kCodeInvalidated);
      engine.flush_code_cache();
    }
    FAIL("no ecall after 10 flushes");
  };
  auto writable_code = [&] {
    auto memory = memory_with(code);
    REQUIRE(memory->protect(kCode, 0x1000, vm::mem::kPermRead | vm::mem::kPermWrite | vm::mem::kPermExec));
    return memory;
  };
  auto reference_memory = writable_code();
  Interpreter interpreter(*reference_memory);
  CpuState expected;
  start(expected);
  run(interpreter, expected);
  CHECK(expected.x(12) == 10);
  auto memory = writable_code();
  auto engine = make_engine(*memory, false, 1);
  CpuState cpu;
  start(cpu);
  run(*engine, cpu);
  CHECK(cpu.x(12) == expected.x(12));
  CHECK(cpu.instret == expected.instret);
}

TEST_CASE("a fault after many register writes leaves every register precise", "[jit][fault]") {
  // Enough writes that the block stores registers before its memory ops
  // (so the fault exit itself stores none); the load at +20 faults, the
  // store at +28 faults on the second run.
  //   0: x5 = 1; x6 = 2; x7 = 3; x28 = 4; x29 = 5
  //  20: x30 = ld 0(x10)
  //  24: x5 = x5 + 100
  //  28: sd x5, 0(x11)     (as ld's encoding with the store opcode)
  //  32: x31 = 7
  //  36: ecall
  const std::uint32_t sd_x5_x11 = (5u << 20) | (11u << 15) | (3u << 12) | 0x23u;
  auto memory = memory_with({addi(5, 0, 1), addi(6, 0, 2), addi(7, 0, 3), addi(28, 0, 4), addi(29, 0, 5), ld(30, 10, 0),
                             addi(5, 5, 100), sd_x5_x11, addi(31, 0, 7), kEcall});
  REQUIRE(memory->map_fixed(0x40000, 0x1000, vm::mem::kPermRead));  // readable, not writable
  for (unsigned opt : {0u, 1u, 2u}) {
    auto engine = make_engine(*memory, false, opt);
    CpuState cpu;
    cpu.pc = kCode;
    cpu.x(10) = 0x9000;  // unmapped
    cpu.x(30) = 0x30;
    REQUIRE(engine->run(cpu, 1000) == HaltReason::kFault);
    CHECK(engine->last_trap().cause == 13);
    CHECK(engine->last_trap().pc == kCode + 20);
    CHECK(cpu.pc == kCode + 20);
    CHECK(cpu.instret == 5);
    CHECK((cpu.x(5) == 1 && cpu.x(6) == 2 && cpu.x(7) == 3 && cpu.x(28) == 4 && cpu.x(29) == 5));
    CHECK(cpu.x(30) == 0x30);

    cpu.pc = kCode;
    cpu.instret = 0;
    cpu.x(10) = 0x40000;
    cpu.x(11) = 0x40008;
    REQUIRE(engine->run(cpu, 1000) == HaltReason::kFault);
    CHECK(engine->last_trap().cause == 15);  // store page fault
    CHECK(engine->last_trap().tval == 0x40008);
    CHECK(cpu.pc == kCode + 28);
    CHECK(cpu.instret == 7);
    CHECK(cpu.x(5) == 101);
    CHECK(cpu.x(30) == 0);  // the page reads as zeros
    CHECK(cpu.x(31) == 0);
  }
}

TEST_CASE("whichever access of a block faults, every register written before it is precise", "[jit][fault]") {
  // The first block leaves four registers dirty (too few writes to store
  // them early); the second loads three times off different bases with a
  // write in between, so its slow-access exits share the stores of x6, x18
  // and x19 and each stores its own x5, x7, x8.
  //   0: x5 = 1; x6 = 2; x18 = 3; x19 = 4
  //  16: jal x0, 24
  //  20: ecall (unused)
  //  24: x7 = ld 0(x10); x5 = x5 + 10; x8 = ld 0(x11); x9 = ld 0(x12)
  //  40: ecall
  constexpr std::uint64_t kData = 0x40000;
  auto memory = test::memory_with_code({addi(5, 0, 1), addi(6, 0, 2), addi(18, 0, 3), addi(19, 0, 4), jal(0, 8), kEcall,
                                        ld(7, 10, 0), addi(5, 5, 10), ld(8, 11, 0), ld(9, 12, 0), kEcall},
                                       kCode, kData, 0x1000);
  std::vector<std::uint8_t> words(3 * 8);
  for (std::uint64_t i = 0; i < 3; ++i) {
    const std::uint64_t v = 0x100 + i;
    std::memcpy(words.data() + 8 * i, &v, 8);
  }
  memory->write(kData, words, /*force=*/true);
  for (unsigned opt : {0u, 1u, 2u})
    for (unsigned faulting = 0; faulting < 3; ++faulting) {
      auto engine = make_engine(*memory, false, opt);
      Interpreter interpreter(*memory);
      CpuState cpu, expected;
      for (CpuState* c : {&cpu, &expected}) {
        c->pc = kCode;
        for (unsigned r = 5; r < 32; ++r) c->x(r) = 0x7700 + r;
        for (unsigned i = 0; i < 3; ++i) c->x(10 + i) = i == faulting ? 0x9000 : kData + 8 * i;
      }
      REQUIRE(interpreter.run(expected, 1000) == HaltReason::kFault);
      REQUIRE(engine->run(cpu, 1000) == HaltReason::kFault);
      CHECK(cpu.pc == expected.pc);
      CHECK(cpu.instret == expected.instret);
      for (unsigned r : {5u, 6u, 7u, 8u, 9u, 18u, 19u}) CHECK(cpu.x(r) == expected.x(r));
      CHECK(engine->stats().blocks_compiled == 1);  // both blocks in one region
    }
}

namespace {

std::uint32_t fdiv_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return (0x0du << 25) | (rs2 << 20) | (rs1 << 15) | (7u << 12) | (rd << 7) | 0x53u;
}
std::uint32_t csr(unsigned funct3, unsigned rd, unsigned rs1, unsigned number) {
  return (number << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x73u;
}
constexpr unsigned kCsrrw = 1, kCsrrs = 2, kCsrrci = 7;

}  // namespace

TEST_CASE("compiled fflags reads and writes see the flags of the FP ops before them", "[jit][fp]") {
  // The JIT reads and clears the flags still pending in MXCSR inline.
  const std::vector<std::uint32_t> code = {fdiv_d(2, 0, 1),         // 1/3: inexact
                                           csr(kCsrrs, 10, 0, 1),   // frflags x10      -> NX
                                           csr(kCsrrw, 0, 0, 1),    // fsflags x0       -> clears
                                           csr(kCsrrs, 11, 0, 1),   // frflags x11      -> 0
                                           fdiv_d(3, 0, 4),         // 1/0: divide by zero
                                           csr(kCsrrw, 12, 5, 1),   // fsflags x12, x5  -> old DZ, sets x5's bits
                                           fdiv_d(2, 0, 1),         // inexact again
                                           csr(kCsrrci, 13, 1, 1),  // csrrci x13, fflags, 1 -> clears NX only
                                           csr(kCsrrs, 14, 0, 3),   // frcsr x14
                                           kEcall};
  auto memory = memory_with(code);
  auto start = [](CpuState& cpu) {
    cpu.pc = kCode;
    cpu.f(0) = 0x3ff0000000000000ull;  // 1.0
    cpu.f(1) = 0x4008000000000000ull;  // 3.0
    cpu.f(4) = 0;                      // 0.0
    cpu.x(5) = 0x12;                   // NV | UF
  };
  CpuState expected;
  start(expected);
  Interpreter interpreter(*memory);
  REQUIRE(interpreter.run(expected, 1000) == HaltReason::kEcall);
  CHECK(expected.x(10) == 1);
  CHECK(expected.x(11) == 0);
  CHECK(expected.x(12) == 8);
  for (unsigned opt : {0u, 1u, 2u}) {
    INFO("opt " << opt);
    auto engine = make_engine(*memory, false, opt);
    CpuState cpu;
    start(cpu);
    REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
    for (unsigned r = 10; r <= 14; ++r) {
      INFO("x" << r);
      CHECK(cpu.x(r) == expected.x(r));
    }
    CHECK(cpu.fcsr == expected.fcsr);
    CHECK(cpu.f(2) == expected.f(2));
    CHECK(cpu.f(3) == expected.f(3));
  }
}
