// The baseline tier (jit/x64) on hand-written guest code: its traps are
// precise, chained loops stop at the instruction budget on a block
// boundary, hot baseline code is promoted to an LLVM region, and the
// results always equal the interpreter's. The lockstep suite
// (tests/lockstep) checks it on random programs.
#include <catch2/catch.hpp>

#include <atomic>
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

using namespace rv;
constexpr std::uint32_t kEcall = ecall();

std::unique_ptr<vm::mem::UserAddressSpace> memory_with(const std::vector<std::uint32_t>& code,
                                                       std::uint64_t code_at = kCode) {
  return test::memory_with_code(code, code_at, kData, 0x1000);
}

// The baseline tier alone, compiling each block as it first runs
// (`vm run --engine baseline`).
std::unique_ptr<JitEngine> baseline_only(vm::mem::UserAddressSpace& memory) {
  JitOptions options;
  options.baseline_threshold = 1;
  options.optimize = false;
  auto engine = JitEngine::create(memory, options);
  REQUIRE(engine);
  return std::move(*engine);
}

void require_same(const CpuState& a, const CpuState& b) {
  CHECK(a.pc == b.pc);
  CHECK(a.instret == b.instret);
  for (unsigned r = 0; r < 32; ++r) {
    INFO("x" << r);
    CHECK(a.x(r) == b.x(r));
  }
}

}  // namespace

TEST_CASE("baseline code traps precisely in the middle of a block", "[baseline]") {
  // x5 = 7; x6 = 9; x7 = ld 0(x6) -> load page fault at address 9; x8 = 1
  auto memory = memory_with({addi(5, 0, 7), addi(6, 0, 9), ld(7, 6, 0), addi(8, 0, 1), kEcall});
  auto engine = baseline_only(*memory);
  CpuState cpu;
  cpu.pc = kCode;
  cpu.x(7) = 0x77;
  REQUIRE(engine->run(cpu, 1000) == HaltReason::kFault);
  CHECK(engine->last_trap().cause == 13);  // load page fault
  CHECK(engine->last_trap().tval == 9);
  CHECK(engine->last_trap().pc == kCode + 8);
  CHECK(cpu.pc == kCode + 8);
  CHECK(cpu.instret == 2);
  CHECK(cpu.x(5) == 7);
  CHECK(cpu.x(6) == 9);
  CHECK(cpu.x(7) == 0x77);
  CHECK(cpu.x(8) == 0);
  const JitStats s = engine->stats();
  CHECK(s.baseline_blocks == 1);
  CHECK(s.insns_compiled_code == 2);
  CHECK(s.insns_interpreted == 0);
}

TEST_CASE("baseline code computes what the interpreter computes", "[baseline]") {
  // Division corner cases, mulhsu, and a store/load round trip.
  const std::vector<std::uint32_t> code = {div(10, 5, 0),     // x / 0 = -1
                                           rem(11, 5, 0),     // x % 0 = x
                                           div(12, 6, 7),     // MIN / -1 = MIN
                                           rem(13, 6, 7),     // MIN % -1 = 0
                                           div(14, 5, 8),     // ordinary
                                           mulhsu(15, 7, 5),  // signed * unsigned, high half
                                           sd(5, 9, 8),       // mem[data + 8] = x5
                                           ld(16, 9, 8),      // x16 = mem[data + 8]
                                           kEcall};
  auto memory = memory_with(code);
  auto start = [](CpuState& cpu) {
    cpu.pc = kCode;
    cpu.x(5) = 0x123456789abcdefull;
    cpu.x(6) = std::uint64_t{1} << 63;
    cpu.x(7) = ~std::uint64_t{0};
    cpu.x(8) = 7;
    cpu.x(9) = kData;
  };
  CpuState expected;
  start(expected);
  Interpreter interpreter(*memory);
  REQUIRE(interpreter.run(expected, 1000) == HaltReason::kEcall);
  auto engine = baseline_only(*memory);
  CpuState cpu;
  start(cpu);
  REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
  require_same(cpu, expected);
  CHECK(cpu.x(10) == ~std::uint64_t{0});
  CHECK(cpu.x(12) == std::uint64_t{1} << 63);
  CHECK(cpu.x(13) == 0);
  CHECK(cpu.x(16) == cpu.x(5));
  CHECK(engine->stats().baseline_blocks == 1);
}

TEST_CASE("a chained baseline loop stops at the budget on a block boundary", "[baseline]") {
  // 0: addi x10, x10, 1; 4: bne x10, x11, -4 (a one-block loop chaining to itself); 8: ecall
  auto memory = memory_with({addi(10, 10, 1), bne(10, 11, -4), kEcall});
  auto engine = baseline_only(*memory);
  CpuState cpu;
  cpu.pc = kCode;
  cpu.x(11) = 1000;
  REQUIRE(engine->run(cpu, 101) == HaltReason::kInstructionLimit);
  CHECK(cpu.instret == 102);  // whole blocks of two: the first boundary at or past 101
  CHECK(cpu.pc == kCode);
  CHECK(cpu.x(10) == 51);
  REQUIRE(engine->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
  CHECK(cpu.x(10) == 1000);
  CHECK(cpu.instret == 2001);
}

TEST_CASE("hot baseline code is promoted to an LLVM region", "[baseline][tiered]") {
  auto memory = memory_with({addi(10, 10, 1), bne(10, 11, -4), kEcall});
  JitOptions options;
  options.baseline_threshold = 2;
  options.threshold = 100;
  auto created = JitEngine::create(*memory, options);
  REQUIRE(created);
  JitEngine& engine = **created;
  CpuState cpu;
  cpu.pc = kCode;
  cpu.x(11) = 200;
  // One run interpreted, then baseline code, which asks for an LLVM region
  // after 98 more; the ecall block is interpreted (its first run).
  REQUIRE(engine.run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
  engine.wait_for_compiles();
  JitStats s = engine.stats();
  CHECK(s.baseline_blocks == 1);
  CHECK(s.blocks_compiled + s.compile_failures == 1);
  CHECK(s.insns_interpreted == 3);
  CHECK(s.optimized_code_entries == 0);  // the tier loads no sooner than 20 ms after the engine starts
  CHECK(cpu.x(10) == 200);
  CHECK(cpu.instret == 401);
  // Again: the loop now runs in the LLVM region (if the tier loaded).
  cpu.pc = kCode;
  cpu.x(10) = 0;
  REQUIRE(engine.run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
  CHECK(cpu.x(10) == 200);
  CHECK(cpu.instret == 802);
  s = engine.stats();
  CHECK(s.baseline_blocks == 2);  // the ecall block's second run
  CHECK(s.insns_interpreted == 3);
  CHECK(s.optimized_code_entries == s.blocks_compiled);  // the loop, entered once
}

TEST_CASE("a baseline region still looping when its LLVM code is published goes on in that code",
          "[baseline][tiered]") {
  // 0: x10 += 1; x15 += x10; x12 = flag; x14 -= x12; bne x14, x0, 0; ecall.
  // The loop spins while the flag at kData is 0; the compiler thread sets
  // it to 1 as it publishes the loop's LLVM code, and the loop then runs
  // 20000 more times. The baseline region running meanwhile hands its
  // registers to LLVM's code within this one run, at its back edge, which
  // sees the slot change and chains to it. (Published while the region is
  // out at the dispatcher, LLVM's code would be entered from there: a heat
  // report every `threshold` passes, so rare at this threshold.)
  auto memory =
      memory_with({addi(10, 10, 1), add(15, 15, 10), ld(12, 13, 0), sub(14, 14, 12), bne(14, 0, -16), kEcall});
  JitOptions options;
  options.baseline_threshold = 2;
  options.threshold = 100000;
  std::atomic<int> published{0};
  std::uint8_t* flag = memory->host_base() + kData;
  options.on_optimized = [&](std::uint64_t entry_pc) {
    if (entry_pc != kCode) return;
    published.fetch_add(1);  // first: the guest may finish as soon as it sees the flag
    std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(flag)).store(1, std::memory_order_release);
  };
  auto created = JitEngine::create(*memory, options);
  REQUIRE(created);
  JitEngine& engine = **created;
  CpuState cpu;
  cpu.pc = kCode;
  cpu.x(13) = kData;
  cpu.x(14) = 20000;
  // One run (a budget stop would interpret blocks, reading the flag
  // unordered with the compiler thread's store), bounded in case the LLVM
  // tier cannot be loaded here: then nothing sets the flag.
  const HaltReason r = engine.run(cpu, std::uint64_t{1} << 36);
  const JitStats s = engine.stats();
  if (s.compile_failures > 0) {
    WARN("the LLVM tier did not load: nothing to hand over to");
    return;
  }
  REQUIRE(r == HaltReason::kEcall);
  CHECK(published.load() == 1);
  const std::uint64_t n = cpu.x(10);  // passes, spinning included
  CHECK(n > 20000);
  CHECK(cpu.x(14) == 0);
  CHECK(cpu.x(15) == n * (n + 1) / 2);
  CHECK(cpu.instret == 5 * n + 1);
  CHECK(cpu.pc == kCode + 20);
  CHECK(s.blocks_compiled == 1);
  CHECK(s.baseline_regions == 1);
}

TEST_CASE("the baseline tier is reset with the code cache and sees rewritten code", "[baseline]") {
  auto memory = memory_with({addi(10, 0, 1), kEcall});
  auto engine = baseline_only(*memory);
  CpuState cpu;
  for (int round = 0; round < 3; ++round) {
    cpu.pc = kCode;
    REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
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
  CHECK(engine->stats().baseline_blocks == 2);
}

TEST_CASE("baseline code at pcs that do not fit in a sign-extended imm32", "[baseline]") {
  // pc, link addresses and auipc results take the 64-bit immediate paths
  // (store_pc, LoadImm); the jalr goes through the jump cache; the last
  // load faults at a high pc.
  const std::vector<std::uint32_t> code = {auipc(5, 0),     // 0: x5 = pc
                                           jal(1, 12),      // 4: x1 = pc + 4; goto 16
                                           kEcall,          // 8
                                           kEcall,          // 12
                                           addi(6, 1, 16),  // 16: x6 = 24
                                           jalr(7, 6, 4),   // 20: x7 = 24; goto 28
                                           kEcall,          // 24
                                           bne(5, 0, 8),    // 28: taken, goto 36
                                           kEcall,          // 32
                                           ld(8, 5, 16),    // 36: code bytes
                                           ld(9, 0, 1),     // 40: load page fault at 1
                                           kEcall};
  for (const std::uint64_t base : {std::uint64_t{0x80000000}, std::uint64_t{0xfffff000}, std::uint64_t{0x123456000}}) {
    INFO("code at " << std::hex << base);
    auto memory = memory_with(code, base);
    CpuState expected;
    expected.pc = base;
    Interpreter interpreter(*memory);
    REQUIRE(interpreter.run(expected, 1000) == HaltReason::kFault);
    CHECK(expected.pc == base + 40);
    CHECK(expected.x(5) == base);
    CHECK(expected.x(1) == base + 8);
    auto engine = baseline_only(*memory);
    for (int round = 0; round < 3; ++round) {  // later rounds chain into compiled code
      INFO("round " << round);
      CpuState cpu;
      cpu.pc = base;
      REQUIRE(engine->run(cpu, 1000) == HaltReason::kFault);
      require_same(cpu, expected);
      CHECK(engine->last_trap().pc == base + 40);
      CHECK(engine->last_trap().tval == 1);
      CHECK(engine->last_trap().cause == interpreter.last_trap().cause);
    }
    CHECK(engine->stats().insns_interpreted == 0);
  }
}

TEST_CASE("a CSR read in baseline code sees the instructions before it retired", "[baseline]") {
  constexpr unsigned kInstret = 0xc02;
  const std::vector<std::uint32_t> code = {addi(5, 0, 1), addi(6, 0, 2),         csrrs(7, kInstret, 0),
                                           addi(8, 0, 3), csrrs(9, kInstret, 0), kEcall};
  auto memory = memory_with(code);
  CpuState expected;
  expected.pc = kCode;
  expected.instret = 100;
  Interpreter interpreter(*memory);
  REQUIRE(interpreter.run(expected, 1000) == HaltReason::kEcall);
  CHECK(expected.x(7) == 102);
  CHECK(expected.x(9) == 104);
  auto engine = baseline_only(*memory);
  CpuState cpu;
  cpu.pc = kCode;
  cpu.instret = 100;
  REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
  require_same(cpu, expected);
  CHECK(engine->stats().baseline_blocks == 1);
}

TEST_CASE("a tiered loop through jalr records its targets from baseline code", "[baseline][tiered]") {
  // 0: addi x10, x10, 1; 4: jalr x0, 0(x5) -> 8 (x5 = kCode + 8); 8: bne x10, x11, -8; 12: ecall.
  // Tiered with LLVM promotion on: the baseline code counts runs and calls
  // vm_jit_note_target (stack-aligned thunk call) when the jalr target
  // changes; results must still match the interpreter.
  auto memory = memory_with({addi(10, 10, 1), jalr(0, 5, 0), bne(10, 11, -8), kEcall});
  auto start = [](CpuState& cpu) {
    cpu = CpuState{};
    cpu.pc = kCode;
    cpu.x(5) = kCode + 8;
    cpu.x(11) = 3000;
  };
  CpuState expected;
  start(expected);
  Interpreter interpreter(*memory);
  REQUIRE(interpreter.run(expected, ~std::uint64_t{0}) == HaltReason::kEcall);
  JitOptions options;
  options.baseline_threshold = 2;
  options.threshold = 1000;
  auto created = JitEngine::create(*memory, options);
  REQUIRE(created);
  JitEngine& engine = **created;
  CpuState cpu;
  start(cpu);
  REQUIRE(engine.run(cpu, 1000000) == HaltReason::kEcall);
  require_same(cpu, expected);
  engine.wait_for_compiles();
  CHECK(engine.stats().baseline_blocks >= 2);
  start(cpu);
  REQUIRE(engine.run(cpu, 1000000) == HaltReason::kEcall);
  require_same(cpu, expected);
}

namespace {

// OP-FP with funct7 / rm / rs2 fields (D: fmt 01).
std::uint32_t fp_op(unsigned funct7, unsigned rm, unsigned rd, unsigned rs1, unsigned rs2) {
  return r(funct7, rs2, rs1, rm, rd, 0x53);
}
constexpr unsigned kDyn = 7;

// Runs the code from `start` to its ecall in the interpreter and in
// `engine`: the same integer registers, fcsr, and f2..f<last>.
void require_same_fp(vm::mem::UserAddressSpace& memory, JitEngine& engine, const std::function<void(CpuState&)>& start,
                     unsigned last) {
  CpuState expected;
  start(expected);
  Interpreter interpreter(memory);
  REQUIRE(interpreter.run(expected, 1000) == HaltReason::kEcall);
  CpuState cpu;
  start(cpu);
  REQUIRE(engine.run(cpu, 1000) == HaltReason::kEcall);
  require_same(cpu, expected);
  CHECK(cpu.fcsr == expected.fcsr);
  for (unsigned r = 2; r <= last; ++r) {
    INFO("f" << r);
    CHECK(cpu.f(r) == expected.f(r));
  }
}

}  // namespace

TEST_CASE("baseline double-precision FP matches the interpreter: NaNs, flags, rounding modes", "[baseline][fp]") {
  const std::vector<std::uint32_t> code = {fp_op(0x01, kDyn, 2, 0, 1),   // fadd.d f2, f0, f1
                                           fp_op(0x05, kDyn, 3, 0, 1),   // fsub.d
                                           fp_op(0x09, kDyn, 4, 0, 1),   // fmul.d
                                           fp_op(0x0d, kDyn, 5, 0, 1),   // fdiv.d
                                           fp_op(0x2d, kDyn, 6, 0, 0),   // fsqrt.d f6, f0
                                           fp_op(0x51, 2, 10, 0, 1),     // feq.d x10
                                           fp_op(0x51, 1, 11, 0, 1),     // flt.d x11
                                           fp_op(0x51, 0, 12, 0, 1),     // fle.d x12
                                           fp_op(0x11, 0, 7, 0, 1),      // fsgnj.d f7
                                           fp_op(0x11, 1, 8, 0, 1),      // fsgnjn.d f8
                                           fp_op(0x11, 2, 9, 0, 1),      // fsgnjx.d f9
                                           fp_op(0x69, 0, 10, 5, 0),     // fcvt.d.w f10, x5
                                           fp_op(0x01, 1, 11, 0, 1),     // fadd.d f11, f0, f1, rtz (static: the thunk)
                                           csrrs(14, 1, 0),              // frflags x14
                                           csrrw(15, 1, 6),              // fsflags x15, x6
                                           fp_op(0x0d, kDyn, 12, 0, 1),  // fdiv.d f12
                                           i(1, 1, 7, 16, 0x73),         // csrrci x16, fflags, 1: clears NX
                                           csrrs(13, 3, 0),              // frcsr x13
                                           kEcall};
  auto memory = memory_with(code);
  struct Inputs {
    std::uint64_t a, b;
    std::uint32_t frm;
  };
  const Inputs inputs[] = {
      {0x3ff0000000000000ull, 0x4008000000000000ull, 0},  // 1, 3: inexact
      {0x3ff0000000000000ull, 0x4008000000000000ull, 1},  // dynamic rtz
      {0x3ff0000000000000ull, 0x4008000000000000ull, 3},  // dynamic rup
      {0x7ff4000000000000ull, 0x4008000000000000ull, 0},  // signalling NaN
      {0xfff8000000000001ull, 0x0000000000000000ull, 0},  // quiet NaN with payload, 0
      {0xbff0000000000000ull, 0x8000000000000000ull, 0},  // sqrt(-1), x/-0
      {0x7ff0000000000000ull, 0x7ff0000000000000ull, 0},  // inf - inf
      {0x0000000000000001ull, 0x3fe0000000000000ull, 0},  // subnormal * 0.5: underflow
  };
  auto engine = baseline_only(*memory);
  for (const Inputs& in : inputs) {
    INFO(std::hex << in.a << " " << in.b << " frm " << in.frm);
    auto start = [&](CpuState& cpu) {
      cpu.pc = kCode;
      cpu.f(0) = in.a;
      cpu.f(1) = in.b;
      cpu.x(5) = 0xfffffff9;  // -7 as int32
      cpu.x(6) = 0x14;        // NV | DZ
      cpu.fcsr = in.frm << 5;
    };
    require_same_fp(*memory, *engine, start, 12);
  }
}

TEST_CASE("baseline fcvt.d.w with a dynamic rounding mode traps when frm is reserved", "[baseline][fp]") {
  // fcvt.d.w is exact, but rm = dyn with frm 5..7 is still an illegal
  // instruction (the interpreter's soft path checks it before converting).
  const std::vector<std::uint32_t> code = {addi(5, 0, -7), fp_op(0x69, kDyn, 10, 5, 0), addi(6, 0, 1), kEcall};
  auto memory = memory_with(code);
  auto engine = baseline_only(*memory);
  for (const std::uint32_t frm : {0u, 1u, 4u, 5u, 6u, 7u}) {
    INFO("frm " << frm);
    auto start = [&](CpuState& cpu) {
      cpu = CpuState{};
      cpu.pc = kCode;
      cpu.f(10) = 0x1234;
      cpu.fcsr = frm << 5;
    };
    CpuState expected;
    start(expected);
    Interpreter interpreter(*memory);
    const HaltReason want = interpreter.run(expected, 1000);
    CHECK(want == (frm > 4 ? HaltReason::kFault : HaltReason::kEcall));
    CpuState cpu;
    start(cpu);
    REQUIRE(engine->run(cpu, 1000) == want);
    require_same(cpu, expected);
    CHECK(cpu.f(10) == expected.f(10));
    CHECK(cpu.fcsr == expected.fcsr);
    if (want == HaltReason::kFault) {
      CHECK(engine->last_trap().cause == interpreter.last_trap().cause);
      CHECK(engine->last_trap().pc == kCode + 4);
    }
  }
}

TEST_CASE("baseline code hands each op's result to the next op in a register", "[baseline]") {
  // Every op reads the one before it; the baseline emitter takes that
  // operand from the register the previous op stored, swapping the
  // operands of a commutative op (never of sub, slt, fsub, fdiv). With
  // frm = rtz the dynamic-rounding FP ops run in the thunk, which must
  // leave their result where the next op (inline: rne) looks for it.
  const std::vector<std::uint32_t> code = {add(10, 5, 6),               // add  x10, x5, x6
                                           sub(11, 10, 7),              // sub  x11, x10, x7
                                           xor_(12, 7, 11),             // xor  x12, x7, x11
                                           sub(13, 7, 12),              // sub  x13, x7, x12
                                           slt(14, 8, 13),              // slt  x14, x8, x13
                                           fp_op(0x09, kDyn, 2, 0, 1),  // fmul.d f2, f0, f1
                                           fp_op(0x01, 0, 3, 4, 2),     // fadd.d f3, f4, f2, rne
                                           fp_op(0x05, kDyn, 5, 3, 1),  // fsub.d f5, f3, f1
                                           fp_op(0x05, kDyn, 6, 1, 5),  // fsub.d f6, f1, f5
                                           fp_op(0x0d, kDyn, 7, 6, 0),  // fdiv.d f7, f6, f0
                                           fp_op(0x09, 0, 8, 4, 7),     // fmul.d f8, f4, f7, rne
                                           kEcall};
  auto memory = memory_with(code);
  auto engine = baseline_only(*memory);
  const std::uint64_t third = 0x3fd5555555555555ull, seven = 0x401c000000000000ull, inf = 0x7ff0000000000000ull;
  for (const std::uint32_t frm : {0u, 1u}) {
    for (const std::uint64_t f0 : {third, inf}) {  // inf: inf * 0 is a NaN
      INFO("frm " << frm << " f0 " << std::hex << f0);
      auto start = [&](CpuState& cpu) {
        cpu = CpuState{};
        cpu.pc = kCode;
        cpu.x(5) = 1000;
        cpu.x(6) = 234;
        cpu.x(7) = 5;
        cpu.x(8) = 3;
        cpu.f(0) = f0;
        cpu.f(1) = f0 == inf ? 0 : seven;
        cpu.f(4) = 0x3ff8000000000000ull;  // 1.5
        cpu.fcsr = frm << 5;
      };
      require_same_fp(*memory, *engine, start, 8);
    }
  }
}
