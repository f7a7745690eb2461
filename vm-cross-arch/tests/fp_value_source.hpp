// Shared by the FP differential tests: random IEEE operands biased towards
// the values where rounding, underflow and special cases are hard to get right.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "vm/cross_arch/ir/op.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

namespace vm::cross_arch::riscv::fp_testing {

namespace fp = vm::cross_arch::riscv::fp;
using vm::cross_arch::ir::Opcode;

// Random IEEE values concentrated where rounding is hard: every exponent
// region (zero, subnormal, near 1, near the overflow threshold), fractions
// with long runs of ones or zeros, and special values.
class ValueSource {
 public:
  explicit ValueSource(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t next_double() { return next(11, 52); }
  std::uint64_t next_single() { return fp::nan_box(static_cast<std::uint32_t>(next(8, 23))); }
  std::uint64_t next_integer() {
    switch (pick(6)) {
      case 0:
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(pick(2000)) - 1000);
      case 1:
        return 1ull << pick(64);
      case 2:
        return (1ull << pick(64)) - 1 + pick(3);
      case 3:
        return rng_() >> pick(64);
      default:
        return rng_();
    }
  }

 private:
  std::uint64_t pick(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }

  std::uint64_t fraction(int frac_bits) {
    const std::uint64_t mask = (1ull << frac_bits) - 1;
    switch (pick(6)) {
      case 0:
        return 0;
      case 1:
        return mask;  // all ones
      case 2:
        return mask >> pick(frac_bits);  // run of low ones
      case 3:
        return mask << pick(frac_bits) & mask;
      case 4:
        return (1ull << pick(frac_bits)) | pick(3);
      default:
        return rng_() & mask;
    }
  }

  std::uint64_t next(int exp_bits, int frac_bits) {
    const std::uint64_t max_exp = (1ull << exp_bits) - 1;
    const std::uint64_t bias = max_exp / 2;
    std::uint64_t exp = 0;
    switch (pick(8)) {
      case 0:
        exp = pick(3);
        break;  // zero/subnormal/tiny
      case 1:
        exp = max_exp - pick(3);
        break;  // huge, inf, NaN
      case 2:
        exp = bias - 30 + pick(60);
        break;  // ordinary magnitudes
      case 3:
        exp = bias / 2 + pick(4);
        break;  // products near underflow
      case 4:
        exp = bias + bias / 2 - pick(4);
        break;  // products near overflow
      default:
        exp = pick(max_exp + 1);
        break;
    }
    const std::uint64_t sign = pick(2);
    return (sign << (exp_bits + frac_bits)) | (exp << frac_bits) | fraction(frac_bits);
  }

  std::mt19937_64 rng_;
};

inline bool integer_source(Opcode op) {
  switch (op) {
    case Opcode::FcvtSW:
    case Opcode::FcvtSWu:
    case Opcode::FcvtSL:
    case Opcode::FcvtSLu:
    case Opcode::FcvtDW:
    case Opcode::FcvtDWu:
    case Opcode::FcvtDL:
    case Opcode::FcvtDLu:
    case Opcode::FmvWX:
    case Opcode::FmvDX:
      return true;
    default:
      return false;
  }
}

inline bool double_source(Opcode op) {
  const auto name = vm::cross_arch::ir::name_of(op);
  return name.ends_with(".d") || op == Opcode::FcvtSD;
}

// The plain product of an fma's first two operands: used as a negated addend
// to provoke massive cancellation.
inline Opcode product_of(Opcode op) {
  const auto name = vm::cross_arch::ir::name_of(op);
  if (!name.starts_with("fm") && !name.starts_with("fnm")) return Opcode::Add;  // not an FP op: yields 0
  return name.ends_with(".d") ? Opcode::FmulD : Opcode::FmulS;
}

// Operands for one test of op: integers for x-register sources, boxed singles
// or doubles otherwise, sometimes arranged for exact cancellation.
inline void make_operands(Opcode op, ValueSource& source, int n, std::uint64_t (&v)[3]) {
  for (auto& x : v) {
    x = integer_source(op) ? source.next_integer() : (double_source(op) ? source.next_double() : source.next_single());
  }
  const std::uint64_t sign = double_source(op) ? 1ull << 63 : 1ull << 31;
  std::uint32_t ignored = 0;
  if (n % 5 == 0) v[1] = v[0] ^ sign;  // x + -x, x - x
  if (n % 7 == 0) v[2] = fp::execute_soft(product_of(op), v[0], v[1], 0, n % 5, ignored) ^ sign;
}

}  // namespace vm::cross_arch::riscv::fp_testing
