// Differential test: fp::execute (host fast path where it applies) against the
// software path on biased random operands, for every FP op and all five
// rounding modes, also with a non-default host MXCSR.
#include <catch2/catch.hpp>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "fp_value_source.hpp"

namespace fp = vm::cross_arch::riscv::fp;
using vm::cross_arch::ir::Opcode;
using vm::cross_arch::riscv::fp_testing::make_operands;
using vm::cross_arch::riscv::fp_testing::ValueSource;

namespace {

// Compares the two paths on `per_op` operand sets per op; returns the number
// of (op, operands, rm) combinations checked.
std::uint64_t compare_paths(std::uint64_t seed, int per_op) {
  ValueSource source(seed);
  std::uint64_t checked = 0;
  for (std::size_t i = 0; i < vm::cross_arch::ir::kOpcodeCount; ++i) {
    const auto op = static_cast<Opcode>(i);
    if (!fp::handles(op)) continue;
    for (int n = 0; n < per_op; ++n) {
      std::uint64_t v[3];
      make_operands(op, source, n, v);
      for (unsigned rm = 0; rm < 5; ++rm) {
        std::uint32_t fast_flags = 0;
        std::uint32_t soft_flags = 0;
        const std::uint64_t fast = fp::execute(op, v[0], v[1], v[2], rm, fast_flags);
        const std::uint64_t soft = fp::execute_soft(op, v[0], v[1], v[2], rm, soft_flags);
        if (fast != soft || fast_flags != soft_flags) {
          INFO(vm::cross_arch::ir::name_of(op)
               << " rm=" << rm << std::hex << " a=0x" << v[0] << " b=0x" << v[1] << " c=0x" << v[2] << " execute=0x"
               << fast << "/" << fast_flags << " soft=0x" << soft << "/" << soft_flags);
          REQUIRE(fast == soft);
          REQUIRE(fast_flags == soft_flags);
        }
        ++checked;
      }
    }
  }
  return checked;
}

}  // namespace

TEST_CASE("execute matches the software path bit for bit", "[fp][host]") {
  CHECK(compare_paths(0x5eed'f00d, 5000) > 1'000'000);
}

#if defined(__x86_64__)
TEST_CASE("execute ignores the host rounding mode, FTZ and DAZ", "[fp][host]") {
  const unsigned saved = _mm_getcsr();
  // Round up, flush-to-zero and denormals-are-zero: the fast path must notice
  // and leave everything to the software path.
  const unsigned hostile = 0x1f80u | (2u << 13) | 0x8000u | 0x0040u;
  _mm_setcsr(hostile);
  const std::uint64_t checked = compare_paths(0xbad'c5a, 300);
  const unsigned after = _mm_getcsr();
  _mm_setcsr(saved);
  CHECK(checked > 50'000);
  CHECK((after & 0xffc0u) == hostile);  // the host control bits are left alone
}
#endif
