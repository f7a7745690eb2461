// Software add/mul/div/sqrt/fma: special operands per IEEE 754 and RISC-V
// (canonical NaN results), finite operands computed exactly in 128-bit
// integers and rounded once by round_pack.
#include <bit>
#include <initializer_list>
#include <utility>

#include "riscv/fp_round.hpp"
#include "riscv/fp_soft.hpp"

namespace vm::cross_arch::riscv::fp::soft {
namespace {

// sign * sig * 2^exp with an arbitrary (exact or jammed) integer significand.
struct Wide {
  bool sign;
  int exp;
  u128 sig;
};

int leading_zeros(u128 x) {
  const auto hi = static_cast<std::uint64_t>(x >> 64);
  return hi != 0 ? std::countl_zero(hi) : 64 + std::countl_zero(static_cast<std::uint64_t>(x));
}

u128 shift_right_jam(u128 x, int count) {
  if (count == 0) return x;
  if (count >= 128) return x != 0 ? 1 : 0;
  return (x >> count) | ((x << (128 - count)) != 0 ? 1 : 0);
}

// Moves the leading bit to bit 125, leaving headroom for the carry of a sum.
// Every caller's significand is below 2^126 (at most a 106-bit product).
Wide normalize_for_sum(Wide w) {
  const int shift = leading_zeros(w.sig) - 2;
  return {w.sign, w.exp - shift, w.sig << shift};
}

// x + y for non-zero finite x, y. Aligning by a right shift with a jam is
// exact enough: when bits are lost the exponents differ by more than the
// significands' trailing zeros, so cancellation removes at most one leading
// bit and the jam stays far below the rounding position.
template <class F>
Bits<F> add_finite(Wide x, Wide y, unsigned rm, std::uint32_t& flags) {
  x = normalize_for_sum(x);
  y = normalize_for_sum(y);
  if (x.exp < y.exp) std::swap(x, y);
  y.sig = shift_right_jam(y.sig, x.exp - y.exp);
  Wide sum{x.sign, x.exp, 0};
  if (x.sign == y.sign) {
    sum.sig = x.sig + y.sig;
  } else if (x.sig >= y.sig) {
    sum.sig = x.sig - y.sig;
  } else {
    sum.sig = y.sig - x.sig;
    sum.sign = y.sign;
  }
  if (sum.sig == 0) return exact_zero_sum<F>(rm);
  return round_pack<F>(sum.sign, sum.exp, sum.sig, rm, flags);
}

template <class F>
Wide widen(Bits<F> x) {
  const Unpacked u = unpack<F>(x);
  return {u.sign, u.exp, u.sig};
}

// Any NaN operand gives the canonical NaN; a signalling one also raises NV.
template <class F>
bool any_nan(std::initializer_list<Bits<F>> operands, std::uint32_t& flags) {
  bool nan = false;
  for (const Bits<F> x : operands) {
    nan = nan || is_nan<F>(x);
    if (is_snan<F>(x)) flags |= kFlagNV;
  }
  return nan;
}

template <class F>
Bits<F> invalid(std::uint32_t& flags) {
  flags |= kFlagNV;
  return F::kCanonicalNaN;
}

// 128-bit integer square root by the bit-pair method; returns floor(sqrt(x))
// and whether the root was exact.
std::pair<u128, bool> integer_sqrt(u128 x) {
  u128 root = 0;
  u128 bit = u128{1} << 126;
  while (bit > x) bit >>= 2;
  while (bit != 0) {
    if (x >= root + bit) {
      x -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return {root, x == 0};
}

}  // namespace

template <class F>
Bits<F> add(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept {
  if (any_nan<F>({a, b}, flags)) return F::kCanonicalNaN;
  if (is_inf<F>(a)) {
    if (is_inf<F>(b) && sign_of<F>(a) != sign_of<F>(b)) return invalid<F>(flags);
    return a;
  }
  if (is_inf<F>(b)) return b;
  if (is_zero<F>(a)) {
    if (!is_zero<F>(b)) return b;
    return sign_of<F>(a) == sign_of<F>(b) ? a : exact_zero_sum<F>(rm);
  }
  if (is_zero<F>(b)) return a;
  return add_finite<F>(widen<F>(a), widen<F>(b), rm, flags);
}

template <class F>
Bits<F> mul(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept {
  if (any_nan<F>({a, b}, flags)) return F::kCanonicalNaN;
  const bool sign = sign_of<F>(a) != sign_of<F>(b);
  if (is_inf<F>(a) || is_inf<F>(b)) {
    if (is_zero<F>(a) || is_zero<F>(b)) return invalid<F>(flags);
    return with_sign<F>(sign, F::kInf);
  }
  if (is_zero<F>(a) || is_zero<F>(b)) return with_sign<F>(sign, 0);
  const Unpacked x = unpack<F>(a);
  const Unpacked y = unpack<F>(b);
  return round_pack<F>(sign, x.exp + y.exp, u128{x.sig} * y.sig, rm, flags);
}

template <class F>
Bits<F> div(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept {
  if (any_nan<F>({a, b}, flags)) return F::kCanonicalNaN;
  const bool sign = sign_of<F>(a) != sign_of<F>(b);
  if (is_inf<F>(a)) return is_inf<F>(b) ? invalid<F>(flags) : with_sign<F>(sign, F::kInf);
  if (is_inf<F>(b)) return with_sign<F>(sign, 0);
  if (is_zero<F>(b)) {
    if (is_zero<F>(a)) return invalid<F>(flags);
    flags |= kFlagDZ;
    return with_sign<F>(sign, F::kInf);
  }
  if (is_zero<F>(a)) return with_sign<F>(sign, 0);
  const Unpacked x = unpack<F>(a);
  const Unpacked y = unpack<F>(b);
  // The dividend is scaled so the quotient keeps >= 72 bits; the remainder
  // becomes the jam bit.
  constexpr int kScale = 126 - F::kPrecision;
  const u128 dividend = u128{x.sig} << kScale;
  const u128 quotient = dividend / y.sig;
  const bool exact = dividend % y.sig == 0;
  return round_pack<F>(sign, x.exp - y.exp - kScale, quotient | (exact ? 0 : 1), rm, flags);
}

template <class F>
Bits<F> sqrt(Bits<F> a, unsigned rm, std::uint32_t& flags) noexcept {
  if (any_nan<F>({a}, flags)) return F::kCanonicalNaN;
  if (is_zero<F>(a)) return a;  // sqrt(-0) = -0
  if (sign_of<F>(a)) return invalid<F>(flags);
  if (is_inf<F>(a)) return a;
  const Unpacked x = unpack<F>(a);
  // Scale to an even exponent with the radicand just below 2^127, so the
  // root has ~63 bits and the remainder becomes the jam bit.
  int scale = 126 - F::kPrecision;
  if (((x.exp - scale) & 1) != 0) ++scale;
  const auto [root, exact] = integer_sqrt(u128{x.sig} << scale);
  return round_pack<F>(false, (x.exp - scale) / 2, root | (exact ? 0 : 1), rm, flags);
}

template <class F>
Bits<F> fma(Bits<F> a, Bits<F> b, Bits<F> c, unsigned rm, std::uint32_t& flags) noexcept {
  const bool product_invalid = (is_inf<F>(a) && is_zero<F>(b)) || (is_zero<F>(a) && is_inf<F>(b));
  // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
  if (any_nan<F>({a, b, c}, flags)) {
    if (product_invalid) flags |= kFlagNV;
    return F::kCanonicalNaN;
  }
  if (product_invalid) return invalid<F>(flags);
  const bool product_sign = sign_of<F>(a) != sign_of<F>(b);
  if (is_inf<F>(a) || is_inf<F>(b)) {
    if (is_inf<F>(c) && sign_of<F>(c) != product_sign) return invalid<F>(flags);
    return with_sign<F>(product_sign, F::kInf);
  }
  if (is_inf<F>(c)) return c;
  if (is_zero<F>(a) || is_zero<F>(b)) {
    if (!is_zero<F>(c)) return c;
    return sign_of<F>(c) == product_sign ? c : exact_zero_sum<F>(rm);
  }
  const Unpacked x = unpack<F>(a);
  const Unpacked y = unpack<F>(b);
  const Wide product{product_sign, x.exp + y.exp, u128{x.sig} * y.sig};
  if (is_zero<F>(c)) return round_pack<F>(product.sign, product.exp, product.sig, rm, flags);
  return add_finite<F>(product, widen<F>(c), rm, flags);
}

#define VM_FP_INSTANTIATE(F)                                                    \
  template Bits<F> add<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept; \
  template Bits<F> mul<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept; \
  template Bits<F> div<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept; \
  template Bits<F> sqrt<F>(Bits<F>, unsigned, std::uint32_t&) noexcept;         \
  template Bits<F> fma<F>(Bits<F>, Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept;
VM_FP_INSTANTIATE(Single)
VM_FP_INSTANTIATE(Double)
#undef VM_FP_INSTANTIATE

}  // namespace vm::cross_arch::riscv::fp::soft
