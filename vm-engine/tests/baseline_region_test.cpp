// The baseline tier's region mode on a hand-written loop of four blocks
// using sixteen registers (six of them in host registers, the rest in the
// CpuState): results, instruction budgets and traps equal the
// interpreter's. The baseline tier alone (`--engine baseline`) compiles a
// block's region when it gets hot, on the spot, so these runs are
// deterministic. A last test has the tiered engine form a region around a
// loop whose header already runs LLVM code. The lockstep suite
// (tests/lockstep) checks the mode on random programs.
#include <catch2/catch.hpp>

#include <cstring>
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

constexpr std::uint64_t kCode = 0x10000;
constexpr std::uint64_t kData = 0x20000;
constexpr std::uint64_t kDataSize = 0x1000;
constexpr unsigned kThreshold = 50;

// A: loads and stores through x9, loads through x10, integer ops, a
// remainder, a branch to C; B: shifts x22, jumps to D; C: subtracts, loads
// a large immediate, falls to D; D: walks x10 through the data page, counts
// x25 down and loops back to A.
std::vector<std::uint32_t> loop_program() {
  using namespace rv;
  return {// A (0x00)
          ld(12, 9, 8), ld(20, 10, 0), add(13, 12, 11), xor_(14, 13, 15), mul(16, 14, 13), remu(17, 16, 18),
          sd(17, 9, 8), addiw(19, 19, 3), sltu(21, 12, 13), bne(21, 0, 16),
          // B (0x28)
          slli(22, 22, 1), addi(22, 22, 1), jal(0, 16),
          // C (0x34)
          sub(23, 23, 13), lui(24, 0x12345), addi(24, 24, 0x678),
          // D (0x40)
          addi(26, 26, 5), addi(10, 10, 16), addi(25, 25, -1), bne(25, 0, -0x4c),
          // E (0x50)
          ecall()};
}

// The loop from its start, running `iterations` times.
std::function<void(CpuState&)> loop_start(std::uint64_t iterations) {
  return [iterations](CpuState& cpu) {
    cpu.pc = kCode;
    cpu.x(9) = kData;
    cpu.x(10) = kData;
    cpu.x(11) = 0x9e3779b97f4a7c15ull;
    cpu.x(15) = 0x5bd1e995;
    cpu.x(18) = 1000003;
    cpu.x(25) = iterations;
  };
}

std::uint64_t read_u64(const vm::mem::UserAddressSpace& memory, std::uint64_t addr) {
  std::uint8_t bytes[8];
  REQUIRE(memory.read(addr, bytes) == vm::mem::AccessFault::kNone);
  std::uint64_t v = 0;
  std::memcpy(&v, bytes, 8);
  return v;
}

void write_u64(vm::mem::UserAddressSpace& memory, std::uint64_t addr, std::uint64_t v) {
  std::uint8_t bytes[8];
  std::memcpy(bytes, &v, 8);
  REQUIRE(memory.write(addr, bytes) == vm::mem::AccessFault::kNone);
}

// The baseline tier alone, compiling each block as it first runs and a
// block's region when the block gets hot (after kThreshold runs).
JitOptions baseline_alone() {
  JitOptions options;
  options.baseline_threshold = 1;
  options.threshold = kThreshold;
  options.optimize = false;
  return options;
}

// The same program (and a data page at kData) in two address spaces: one
// for the interpreter, one for an engine with `options`.
struct Sides {
  explicit Sides(const std::vector<std::uint32_t>& code, const JitOptions& options = baseline_alone())
      : interp_memory(test::memory_with_code(code, kCode, kData, kDataSize)),
        jit_memory(test::memory_with_code(code, kCode, kData, kDataSize)),
        interpreter(*interp_memory) {
    auto created = JitEngine::create(*jit_memory, options);
    REQUIRE(created);
    engine = std::move(*created);
  }

  // Runs both from the state `start` sets up for `budget` instructions;
  // both must stop for `reason` in the same state (integer and FP
  // registers, fcsr, pc, retired instructions, the data word at kData + 8,
  // a trap's pc and cause).
  // Returns the engine's state.
  CpuState run_both(const std::function<void(CpuState&)>& start, std::uint64_t budget, HaltReason reason) {
    CpuState expected, cpu;
    start(expected);
    start(cpu);
    REQUIRE(interpreter.run(expected, budget) == reason);
    REQUIRE(engine->run(cpu, budget) == reason);
    CHECK(cpu.pc == expected.pc);
    CHECK(cpu.instret == expected.instret);
    for (unsigned r = 1; r < 32; ++r) {
      INFO("x" << r);
      CHECK(cpu.x(r) == expected.x(r));
    }
    for (unsigned r = 0; r < 32; ++r) {
      INFO("f" << r);
      CHECK(cpu.f(r) == expected.f(r));
    }
    CHECK(cpu.fcsr == expected.fcsr);
    CHECK(read_u64(*jit_memory, kData + 8) == read_u64(*interp_memory, kData + 8));
    if (reason == HaltReason::kFault) {
      CHECK(engine->last_trap().pc == interpreter.last_trap().pc);
      CHECK(engine->last_trap().cause == interpreter.last_trap().cause);
      CHECK(engine->last_trap().tval == interpreter.last_trap().tval);
    }
    return cpu;
  }

  std::unique_ptr<vm::mem::UserAddressSpace> interp_memory;
  std::unique_ptr<vm::mem::UserAddressSpace> jit_memory;
  Interpreter interpreter;
  std::unique_ptr<JitEngine> engine;
};

}  // namespace

TEST_CASE("a baseline region computes what the interpreter computes", "[baseline][region]") {
  Sides sides(loop_program());
  sides.run_both(loop_start(200), ~std::uint64_t{0}, HaltReason::kEcall);  // 200 iterations keep x10 on the data page
  const JitStats s = sides.engine->stats();
  CHECK(s.baseline_regions == 1);  // from A, which got hot first, holding B, C and D
  CHECK(s.insns_interpreted == 0);
}

TEST_CASE("a baseline region stops at the budget where the interpreter does", "[baseline][region]") {
  Sides sides(loop_program());
  // The first run compiles the region; the later ones start in it.
  for (std::uint64_t budget : {2500u, 1u, 2u, 9u, 10u, 64u, 65u, 66u, 129u, 1000u, 1234u, 2001u, 2999u}) {
    INFO("budget " << budget);
    write_u64(*sides.interp_memory, kData + 8, 0);
    write_u64(*sides.jit_memory, kData + 8, 0);
    sides.run_both(loop_start(200), budget, HaltReason::kInstructionLimit);
  }
  CHECK(sides.engine->stats().baseline_regions == 1);
}

TEST_CASE("a baseline region traps precisely, its registers written back", "[baseline][region]") {
  // 300 iterations: x10 walks off the data page at the 257th, at A's
  // second instruction (the region's first block: its fault exit is
  // emitted with the cold code after the last block's).
  Sides sides(loop_program());
  sides.run_both(loop_start(300), ~std::uint64_t{0}, HaltReason::kFault);
  const vm::engine::Trap trap = sides.engine->last_trap();
  CHECK(trap.pc == kCode + 4);
  CHECK(trap.tval == kData + kDataSize);
  CHECK(sides.engine->stats().baseline_regions == 1);
}

TEST_CASE("a baseline region leaves a loop whose header already runs LLVM code", "[baseline][region][tiered]") {
  // 0x00: x6 += 1; x7 = 0; 0x08 H: x7 += 1; bne x7, x8, H; 0x10: bne x6, x9, 0; ecall.
  // The block at 0 runs through H's first pass; H is an inner loop.
  using namespace rv;
  JitOptions tiered;
  tiered.baseline_threshold = 1;
  tiered.threshold = 100;
  Sides sides({addi(6, 6, 1), addi(7, 0, 0), addi(7, 7, 1), bne(7, 8, -4), bne(6, 9, -16), ecall()}, tiered);
  const auto outer = [](std::uint64_t times) {
    return [times](CpuState& cpu) {
      cpu.pc = kCode;
      cpu.x(8) = 300;
      cpu.x(9) = times;
    };
  };
  // H gets hot: its region is queued for LLVM and runs as a baseline
  // region meanwhile; then LLVM's code is published at H.
  sides.run_both(outer(1), ~std::uint64_t{0}, HaltReason::kEcall);
  sides.engine->wait_for_compiles();
  CHECK(sides.engine->stats().baseline_regions == 1);
  // The block at 0 gets hot: its region holds H, whose slot already has
  // LLVM code (if the tier loaded), so H's back edge in the baseline region
  // leaves for it, registers written back.
  sides.run_both(outer(300), ~std::uint64_t{0}, HaltReason::kEcall);
  sides.engine->wait_for_compiles();
  CHECK(sides.engine->stats().baseline_regions == 2);
}

TEST_CASE("a baseline region follows a return to its caller inside the region", "[baseline][region]") {
  //  0: x10 += 1; jal x1, f    8: blt x10, x11, 0    12: ecall
  // 16: f: x12 += x10; ret (jalr x0, 0(x1), seen going to 8)
  using namespace rv;
  Sides sides({addi(10, 10, 1), jal(1, 12), blt(10, 11, -8), ecall(), add(12, 12, 10), jalr(0, 1, 0)});
  // A budget, so that code which loses its way fails rather than spins.
  sides.run_both(
      [](CpuState& cpu) {
        cpu.pc = kCode;
        cpu.x(11) = 500;
      },
      100000, HaltReason::kEcall);
  CHECK(sides.engine->stats().baseline_regions == 1);
}

TEST_CASE("a baseline region's page window does not let an access cross off its page", "[baseline][region]") {
  //  0: ld x12, 0(x10); x10 += 4; x11 -= 1; bne x11, x0, 0; ecall
  // The load's window holds the data page once a check passed; the 1024th
  // load (at kData + 0xffc) straddles into the unmapped page after it and
  // must fault as in the interpreter.
  using namespace rv;
  Sides sides({ld(12, 10, 0), addi(10, 10, 4), addi(11, 11, -1), bne(11, 0, -12), ecall()});
  const CpuState cpu = sides.run_both(
      [](CpuState& c) {
        c.pc = kCode;
        c.x(10) = kData;
        c.x(11) = 2000;
      },
      ~std::uint64_t{0}, HaltReason::kFault);
  CHECK(cpu.x(10) == kData + 0xffc);
  CHECK(sides.engine->last_trap().pc == kCode);
  CHECK(sides.engine->stats().baseline_regions == 1);
}

TEST_CASE("a baseline region rounds by frm: nearest inline, other modes in the interpreter", "[baseline][region][fp]") {
  //  0 A: f2 = f0 * f1; f3 = f3 + f2; f4 = f3 / f1 (all by frm); x25 -= 1
  // 16:   bne x25, x27, D
  // 20:   csrrw x0, frm, x26 (the mode changes inside the region)
  // 24 D: bne x25, x0, A
  // 28:   ecall
  // One third and seven: every product, sum and quotient is inexact, so
  // round-to-nearest and round-towards-zero results part at once.
  using namespace rv;
  Sides sides({fmul_d(2, 0, 1), fadd_d(3, 3, 2), fdiv_d(4, 3, 1), addi(25, 25, -1), bne(25, 27, 8), csrrw(0, 0x002, 26),
               bne(25, 0, -24), ecall()});
  const auto start = [](std::uint64_t frm, std::uint64_t change_at, std::uint64_t new_frm) {
    return [=](CpuState& cpu) {
      cpu.pc = kCode;
      cpu.fcsr = static_cast<std::uint32_t>(frm << 5);
      cpu.f(0) = 0x3fd5555555555555ull;  // 1/3
      cpu.f(1) = 0x401c000000000000ull;  // 7
      cpu.x(25) = 300;
      cpu.x(26) = new_frm;
      cpu.x(27) = change_at;
    };
  };
  // Round-to-nearest throughout: the region's inline ops. The CSR write
  // (of nearest again) on the first pass puts its block in the region.
  sides.run_both(start(0, 299, 0), ~std::uint64_t{0}, HaltReason::kEcall);
  CHECK(sides.engine->stats().baseline_regions == 1);
  // Towards zero from the start: the region is entered (it is published at
  // A) but hands every pass to the interpreter.
  sides.run_both(start(1, ~std::uint64_t{0}, 1), ~std::uint64_t{0}, HaltReason::kEcall);
  // Nearest, then towards zero from the 200th pass on: the region leaves
  // right after the CSR write, inside it.
  sides.run_both(start(0, 100, 1), ~std::uint64_t{0}, HaltReason::kEcall);
  // And back: towards zero until the 200th pass, then nearest in the region.
  sides.run_both(start(1, 100, 0), ~std::uint64_t{0}, HaltReason::kEcall);
  // D got hot too, run from the dispatcher after each leave.
  CHECK(sides.engine->stats().baseline_regions == 2);
}

TEST_CASE("a quiet comparison between frflags and fsflags leaves the flags as they were", "[baseline][region][fp]") {
  //  0 A: f2 = f0 * f1 (inexact: NX pending); frflags x12; flt.d x13, f3, f1;
  //       fsflags x12 (glibc's quiet comparison); frflags x14; x15 += x14
  // 24:   x25 -= 1; bne x25, x0, A
  // 32:   ecall
  // With f3 a NaN, flt.d raises NV, which the fsflags must take back; a
  // frflags not followed by the idiom folds the flags as before.
  using namespace rv;
  Sides sides({fmul_d(2, 0, 1), csrrs(12, 0x001, 0), flt_d(13, 3, 1), csrrw(0, 0x001, 12), csrrs(14, 0x001, 0),
               add(15, 15, 14), addi(25, 25, -1), bne(25, 0, -28), ecall()});
  for (const std::uint64_t f3 : {0x3ff0000000000000ull, 0x7ff8000000000000ull}) {  // 1, a quiet NaN
    for (const std::uint32_t fcsr : {0u, 0x08u}) {                                 // none, DZ already set
      INFO("f3 " << std::hex << f3 << " fcsr " << fcsr);
      sides.run_both(
          [=](CpuState& cpu) {
            cpu.pc = kCode;
            cpu.fcsr = fcsr;
            cpu.f(0) = 0x3fd5555555555555ull;  // 1/3
            cpu.f(1) = 0x401c000000000000ull;  // 7
            cpu.f(3) = f3;
            cpu.x(25) = 200;
          },
          ~std::uint64_t{0}, HaltReason::kEcall);
    }
  }
  CHECK(sides.engine->stats().baseline_regions == 1);
}

TEST_CASE("a baseline region's twelfth access site has its own window", "[baseline][region]") {
  //  0: ld x13..x23, 0..80(x9) (eleven sites, each with a window)
  // 44: ld x12, 0(x10); x10 += 4; x11 -= 1; bne x11, x0, 0; ecall
  // The twelfth site's window lies past the first eight's 128 bytes of
  // frame; its 1024th load straddles off the data page and must fault as
  // in the interpreter, the other sites' windows untouched.
  using namespace rv;
  std::vector<std::uint32_t> code;
  for (unsigned i = 0; i < 11; ++i) code.push_back(ld(13 + i, 9, static_cast<int>(8 * i)));
  for (std::uint32_t insn : {ld(12, 10, 0), addi(10, 10, 4), addi(11, 11, -1), bne(11, 0, -56), ecall()})
    code.push_back(insn);
  Sides sides(code);
  for (unsigned i = 0; i < 11; ++i) {
    write_u64(*sides.interp_memory, kData + 8 * i, 0x1111 * (i + 1));
    write_u64(*sides.jit_memory, kData + 8 * i, 0x1111 * (i + 1));
  }
  const CpuState cpu = sides.run_both(
      [](CpuState& c) {
        c.pc = kCode;
        c.x(9) = kData;
        c.x(10) = kData;
        c.x(11) = 2000;
      },
      ~std::uint64_t{0}, HaltReason::kFault);
  CHECK(cpu.x(10) == kData + 0xffc);
  CHECK(cpu.x(23) == 0x1111 * 11);
  CHECK(sides.engine->last_trap().pc == kCode + 44);
  CHECK(sides.engine->stats().baseline_regions == 1);
}

TEST_CASE("a baseline region keeps FP registers in XMM registers across calls, loads, stores and faults",
          "[baseline][region][fp]") {
  //  0 A: fld f5, 0(x10); f6 = f6 + f5; f7 = f6 * f1; f8 = fmin(f7, f6) (a thunk call);
  //       fsd f8, 8(x9); f9 = fsgnjn(f8, f8) (through integer registers); f6 = f6 + f9
  // 28:   x10 += 8; x11 -= 1; bne x11, x0, A
  // 40:   ecall
  // The FP registers live in XMM registers for the whole function: the
  // thunk call must store and reload them, the load, the store and the
  // sign injection must move them, and exits (the budget, the fault when
  // x10 walks off the data page at the 513th pass) must store them.
  using namespace rv;
  Sides sides({fld(5, 10, 0), fadd_d(6, 6, 5), fmul_d(7, 6, 1), fmin_d(8, 7, 6), fsd(8, 9, 8), fsgnjn_d(9, 8, 8),
               fadd_d(6, 6, 9), addi(10, 10, 8), addi(11, 11, -1), bne(11, 0, -36), ecall()});
  for (unsigned i = 0; i < 512; ++i) {
    const std::uint64_t v = 0x3ff0000000000000ull + 0x0000123456789abcull * (i % 7);  // 1.0 and up
    write_u64(*sides.interp_memory, kData + 8 * i, v);
    write_u64(*sides.jit_memory, kData + 8 * i, v);
  }
  const auto start = [](std::uint64_t passes) {
    return [=](CpuState& cpu) {
      cpu.pc = kCode;
      cpu.x(9) = kData;
      cpu.x(10) = kData;
      cpu.x(11) = passes;
      cpu.f(1) = 0x3fe8000000000000ull;  // 0.75
      cpu.f(6) = 0x4000000000000000ull;  // 2
    };
  };
  sides.run_both(start(400), ~std::uint64_t{0}, HaltReason::kEcall);
  CHECK(sides.engine->stats().baseline_regions == 1);
  for (std::uint64_t budget : {1u, 7u, 100u, 1001u, 2345u}) {
    INFO("budget " << budget);
    sides.run_both(start(400), budget, HaltReason::kInstructionLimit);
  }
  const CpuState cpu = sides.run_both(start(600), ~std::uint64_t{0}, HaltReason::kFault);
  CHECK(cpu.x(10) == kData + 0x1000);
  CHECK(sides.engine->last_trap().pc == kCode);
}
