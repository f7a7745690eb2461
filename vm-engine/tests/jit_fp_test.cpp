// Floating point in LLVM-compiled regions against the interpreter: NaN
// results whose canonicalisation the JIT defers (SSE's own NaNs must never
// reach a register, memory or an integer register as such), and fflags
// reads and writes around comparisons.
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
constexpr std::uint64_t kData = 0x40000;
constexpr std::uint32_t kEcall = 0x73;

constexpr std::uint64_t kInf = 0x7ff0000000000000ull;
constexpr std::uint64_t kOne = 0x3ff0000000000000ull;
constexpr std::uint64_t kCanonicalNaN = 0x7ff8000000000000ull;
constexpr std::uint64_t kSseDefaultNaN = 0xfff8000000000000ull;  // what SSE returns for inf - inf

// Double-precision OP-FP with the dynamic rounding mode.
constexpr std::uint32_t fp_op(std::uint32_t funct7, unsigned rd, unsigned rs1, unsigned rs2) {
  return rv::r(funct7, rs2, rs1, 7, rd, 0x53);
}
constexpr std::uint32_t fadd_d(unsigned rd, unsigned rs1, unsigned rs2) { return fp_op(0x01, rd, rs1, rs2); }
constexpr std::uint32_t fsub_d(unsigned rd, unsigned rs1, unsigned rs2) { return fp_op(0x05, rd, rs1, rs2); }
constexpr std::uint32_t fmul_d(unsigned rd, unsigned rs1, unsigned rs2) { return fp_op(0x09, rd, rs1, rs2); }
constexpr std::uint32_t fsqrt_d(unsigned rd, unsigned rs1) { return fp_op(0x2d, rd, rs1, 0); }
constexpr std::uint32_t fsgnjn_d(unsigned rd, unsigned rs1, unsigned rs2) { return rv::r(0x11, rs2, rs1, 1, rd, 0x53); }
constexpr std::uint32_t fmv_x_d(unsigned rd, unsigned rs1) { return rv::r(0x71, 0, rs1, 0, rd, 0x53); }
constexpr std::uint32_t flt_d(unsigned rd, unsigned rs1, unsigned rs2) { return rv::r(0x51, rs2, rs1, 1, rd, 0x53); }
constexpr std::uint32_t fsd(unsigned rs2, unsigned rs1, int imm) { return (rv::s(imm, rs2, rs1, 3) & ~0x7fu) | 0x27u; }
constexpr std::uint32_t csr(unsigned funct3, unsigned rd, unsigned rs1, unsigned number) {
  return (number << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x73u;
}
constexpr unsigned kCsrrw = 1, kCsrrs = 2, kFflags = 1;
constexpr std::uint32_t frflags(unsigned rd) { return csr(kCsrrs, rd, 0, kFflags); }
constexpr std::uint32_t fsflags(unsigned rs1) { return csr(kCsrrw, 0, rs1, kFflags); }

std::unique_ptr<vm::mem::UserAddressSpace> memory_with(const std::vector<std::uint32_t>& code) {
  return test::memory_with_code(code, kCode, kData, 0x2000);
}

std::unique_ptr<JitEngine> make_engine(vm::mem::UserAddressSpace& memory, unsigned opt) {
  return test::llvm_engine(memory, /*tiered=*/false, opt);
}

std::uint64_t read64(vm::mem::UserAddressSpace& memory, std::uint64_t addr) {
  std::uint64_t v = 0;
  std::memcpy(&v, memory.host_ptr(addr, 8, vm::mem::kPermRead), 8);
  return v;
}

// Runs `code` under the interpreter and under the JIT at each optimisation
// level from the same state; everything architectural must match.
template <typename Start>
void check_against_interpreter(const std::vector<std::uint32_t>& code, Start start,
                               const std::vector<std::uint64_t>& watched) {
  auto memory = memory_with(code);
  CpuState expected;
  start(expected);
  Interpreter interpreter(*memory);
  const HaltReason want = interpreter.run(expected, ~std::uint64_t{0});
  std::vector<std::uint64_t> expected_words;
  for (std::uint64_t a : watched) expected_words.push_back(read64(*memory, a));
  for (unsigned opt : {0u, 1u, 2u}) {
    INFO("opt " << opt);
    auto engine = make_engine(*memory, opt);
    CpuState cpu;
    start(cpu);
    CHECK(engine->run(cpu, ~std::uint64_t{0}) == want);
    for (unsigned r = 1; r < 32; ++r) {
      INFO("x" << r << " / f" << r);
      CHECK(cpu.x(r) == expected.x(r));
      CHECK(cpu.f(r) == expected.f(r));
    }
    CHECK(cpu.f(0) == expected.f(0));
    CHECK(cpu.fcsr == expected.fcsr);
    CHECK(cpu.pc == expected.pc);
    CHECK(cpu.instret == expected.instret);
    for (std::size_t i = 0; i < watched.size(); ++i) {
      INFO("memory at " << std::hex << watched[i]);
      CHECK(read64(*memory, watched[i]) == expected_words[i]);
    }
  }
}

}  // namespace

TEST_CASE("SSE NaNs leave compiled code canonical: registers, memory, moves, exits", "[jit][fp]") {
  // A loop whose NaN results come from SSE (inf - inf gives SSE's negative
  // default NaN; a payload or a signalling NaN operand propagates its
  // payload) and are stored, moved to an integer register, sign-injected,
  // carried around the loop and left in registers at the exit:
  //   0: fsub.d f4, f0, f0      4: fadd.d f5, f2, f3      8: fmul.d f6, f1, f3
  //  12: fsd f4, 0(x10)        16: fmv.x.d x5, f5        20: fsgnjn.d f7, f6, f6
  //  24: fmul.d f9, f9, f3     28: fsqrt.d f10, f2       32: addi x11, x11, -1
  //  36: blt x0, x11, -36      40: ecall
  const std::vector<std::uint32_t> code = {fsub_d(4, 0, 0),      fadd_d(5, 2, 3),      fmul_d(6, 1, 3), fsd(4, 10, 0),
                                           fmv_x_d(5, 5),        fsgnjn_d(7, 6, 6),    fmul_d(9, 9, 3), fsqrt_d(10, 2),
                                           rv::addi(11, 11, -1), rv::b(-36, 11, 0, 4), kEcall};
  // 0x40ffc: the store crosses a page, so it leaves the region (with f4
  // still pending) on every iteration.
  for (const std::uint64_t base : {kData + 0x100, kData + 0xffc}) {
    INFO("store at " << std::hex << base);
    const auto start = [base](CpuState& cpu) {
      cpu.pc = kCode;
      cpu.f(0) = kInf;
      cpu.f(1) = 0x7ff0000000000001ull;  // signalling NaN with a payload
      cpu.f(2) = 0xfff8000000000123ull;  // negative quiet NaN with a payload
      cpu.f(3) = kOne;
      cpu.f(9) = 0x7ff8000000000abcull;  // carried around the loop
      cpu.x(10) = base;
      cpu.x(11) = 50;
    };
    check_against_interpreter(code, start, {base & ~std::uint64_t{7}, (base & ~std::uint64_t{7}) + 8});
    // What RISC-V requires, whatever the engines agree on.
    auto memory = memory_with(code);
    auto engine = make_engine(*memory, 1);
    CpuState cpu;
    start(cpu);
    REQUIRE(engine->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
    CHECK(cpu.f(4) == kCanonicalNaN);
    CHECK(cpu.f(4) != kSseDefaultNaN);
    CHECK(cpu.x(5) == kCanonicalNaN);
    CHECK(cpu.f(7) == (kCanonicalNaN | (1ull << 63)));
    CHECK(cpu.f(9) == kCanonicalNaN);
    CHECK(cpu.f(10) == kCanonicalNaN);
    std::uint64_t stored = 0;
    std::memcpy(&stored, memory->host_ptr(base, 8, vm::mem::kPermRead), 8);
    CHECK(stored == kCanonicalNaN);
    CHECK((cpu.fcsr & 0x10) != 0);  // NV from inf - inf and the signalling NaN
  }
}

namespace {
constexpr std::uint32_t fdiv_d(unsigned rd, unsigned rs1, unsigned rs2) { return fp_op(0x0d, rd, rs1, rs2); }
}  // namespace

TEST_CASE("fflags saved and restored around comparisons, as glibc does around sqrt", "[jit][fp]") {
  // frflags t; <FP ops>; fsflags t: the flags raised in between vanish;
  // unless t changed in between, when t's new value is what fflags becomes.
  //   0: fdiv.d f2, f0, f1   (NX)          4: frflags x6
  //   8: flt.d x7, f3, f0    (NV)         12: fsflags x6          -> NX
  //  16: frflags x8                       20: fdiv.d f4, f0, f5   (DZ)
  //  24: fsflags x8          -> NX        28: fsqrt.d f6, f7      (NV)
  //  32: frflags x13                      36: addi x13, x13, 4    (OF: a new value)
  //  40: flt.d x7, f3, f0                 44: fsflags x13         -> OF | NX | NV... as x13 says
  //  48: frflags x14                      52: fsflags x0          -> cleared
  //  56: addi x11, x11, -1                60: blt x0, x11, -60
  //  64: fdiv.d f2, f0, f1   (NX)         68: frflags x15
  //  72: flt.d x7, f3, f0    (NV)         76: fsflags x15
  //  80: frflags x16         -> NX        84: ecall
  const std::vector<std::uint32_t> code = {
      fdiv_d(2, 0, 1),      frflags(6),      flt_d(7, 3, 0), fsflags(6),     frflags(8),
      fdiv_d(4, 0, 5),      fsflags(8),      fsqrt_d(6, 7),  frflags(13),    rv::addi(13, 13, 4),
      flt_d(7, 3, 0),       fsflags(13),     frflags(14),    fsflags(0),     rv::addi(11, 11, -1),
      rv::b(-60, 11, 0, 4), fdiv_d(2, 0, 1), frflags(15),    flt_d(7, 3, 0), fsflags(15),
      frflags(16),          kEcall};
  const auto start = [](CpuState& cpu) {
    cpu.pc = kCode;
    cpu.f(0) = kOne;
    cpu.f(1) = 0x4008000000000000ull;  // 3.0
    cpu.f(3) = kCanonicalNaN;
    cpu.f(5) = 0;
    cpu.f(7) = 0xbff0000000000000ull;  // -1.0
    cpu.x(11) = 20;
  };
  check_against_interpreter(code, start, {});
  auto memory = memory_with(code);
  auto engine = make_engine(*memory, 1);
  CpuState cpu;
  start(cpu);
  REQUIRE(engine->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
  CHECK(cpu.x(6) == 1);                 // NX
  CHECK(cpu.x(8) == 1);                 // NX: the comparison's NV was undone
  CHECK(cpu.x(13) == (1u | 16u | 4u));  // NX | NV from the sqrt, + 4 (OF)
  CHECK(cpu.x(14) == (1u | 16u | 4u));  // fsflags x13 set exactly those
  CHECK(cpu.x(15) == 1);
  CHECK(cpu.x(16) == 1);
  CHECK((cpu.fcsr & 0x1f) == 1);
}

TEST_CASE("a NaN from memory entering a loop that computes the register keeps its bits", "[jit][fp]") {
  // f4 is an SSE result on the back edge but a signalling NaN from the
  // entry state on the first iteration, whose store must write its bits:
  //   0: fsd f4, 0(x10)   4: fadd.d f4, f1, f3   8: addi x10, x10, 8
  //  12: addi x11, x11, -1   16: blt x0, x11, -16   20: ecall
  const std::vector<std::uint32_t> code = {fsd(4, 10, 0),        fadd_d(4, 1, 3),      rv::addi(10, 10, 8),
                                           rv::addi(11, 11, -1), rv::b(-16, 11, 0, 4), kEcall};
  constexpr std::uint64_t kSignalling = 0x7ff0000000000005ull;
  const auto start = [](CpuState& cpu) {
    cpu.pc = kCode;
    cpu.f(1) = 0x7ff4000000000077ull;  // a signalling NaN operand: the sums are NaNs
    cpu.f(3) = kOne;
    cpu.f(4) = kSignalling;
    cpu.x(10) = kData;
    cpu.x(11) = 4;
  };
  check_against_interpreter(code, start, {kData, kData + 8, kData + 16, kData + 24});
  auto memory = memory_with(code);
  auto engine = make_engine(*memory, 1);
  CpuState cpu;
  start(cpu);
  REQUIRE(engine->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
  CHECK(read64(*memory, kData) == kSignalling);
  CHECK(read64(*memory, kData + 8) == kCanonicalNaN);
  CHECK(read64(*memory, kData + 24) == kCanonicalNaN);
  CHECK(cpu.f(4) == kCanonicalNaN);
}

TEST_CASE("NaNs from memory in two registers entering a loop leave through one shared exit", "[jit][fp]") {
  // f4 and f5 are SSE results on the back edge but come from the entry
  // state on the first iteration; their entry checks share one exit. Each
  // case makes a different one of them a non-canonical NaN (the other is
  // canonical or a number), so the shared exit is taken from either check.
  //   0: fsd f4, 0(x10)   4: fsd f5, 8(x10)   8: fadd.d f4, f1, f3   12: fadd.d f5, f3, f3
  //  16: addi x10, x10, 16   20: addi x11, x11, -1   24: blt x0, x11, -24   28: ecall
  const std::vector<std::uint32_t> code = {
      fsd(4, 10, 0),        fsd(5, 10, 8),        fadd_d(4, 1, 3),      fadd_d(5, 3, 3),
      rv::addi(10, 10, 16), rv::addi(11, 11, -1), rv::b(-24, 11, 0, 4), kEcall};
  constexpr std::uint64_t kSignalling = 0x7ff0000000000005ull;
  constexpr std::uint64_t kQuietPayload = 0xfff8000000000123ull;
  const std::pair<std::uint64_t, std::uint64_t> entries[] = {
      {kCanonicalNaN, kSignalling}, {kSignalling, kOne}, {kQuietPayload, kCanonicalNaN}, {kOne, kQuietPayload}};
  for (const auto& [f4, f5] : entries) {
    INFO(std::hex << "f4 " << f4 << ", f5 " << f5);
    const auto start = [f4 = f4, f5 = f5](CpuState& cpu) {
      cpu.pc = kCode;
      cpu.f(1) = 0x7ff4000000000077ull;  // a signalling NaN operand: f4's sums are NaNs
      cpu.f(3) = kOne;
      cpu.f(4) = f4;
      cpu.f(5) = f5;
      cpu.x(10) = kData;
      cpu.x(11) = 3;
    };
    check_against_interpreter(code, start, {kData, kData + 8, kData + 16, kData + 24, kData + 40});
    auto memory = memory_with(code);
    auto engine = make_engine(*memory, 1);
    CpuState cpu;
    start(cpu);
    REQUIRE(engine->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
    CHECK(read64(*memory, kData) == f4);  // the entry bits, stored unchanged
    CHECK(read64(*memory, kData + 8) == f5);
    CHECK(read64(*memory, kData + 16) == kCanonicalNaN);
    CHECK(read64(*memory, kData + 24) == 0x4000000000000000ull);  // 1 + 1
  }
}
