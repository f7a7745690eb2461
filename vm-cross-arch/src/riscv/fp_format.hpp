// Private: the IEEE binary32/binary64 encodings as compile-time traits, bit
// classification, and the unpacked form the software arithmetic works on.
#pragma once

#include <bit>
#include <cstdint>

#include "vm/cross_arch/riscv/fp.hpp"

namespace vm::cross_arch::riscv::fp {

using u128 = unsigned __int128;

template <int ExpBits, int FracBits, class BitsT>
struct Format {
  using Bits = BitsT;
  static constexpr int kWidth = static_cast<int>(sizeof(Bits) * 8);
  static constexpr int kFracBits = FracBits;
  static constexpr int kPrecision = FracBits + 1;
  static constexpr int kBias = (1 << (ExpBits - 1)) - 1;
  static constexpr int kEmin = 1 - kBias;  // exponent of the smallest normal
  static constexpr int kEmax = kBias;
  static constexpr Bits kSignMask = Bits{1} << (kWidth - 1);
  static constexpr Bits kFracMask = (Bits{1} << FracBits) - 1;
  static constexpr Bits kHiddenBit = Bits{1} << FracBits;
  static constexpr Bits kExpMask = static_cast<Bits>(~kSignMask & ~kFracMask);
  static constexpr Bits kQuietBit = Bits{1} << (FracBits - 1);
  static constexpr Bits kInf = kExpMask;
  static constexpr Bits kMaxFinite = kExpMask - 1;
  static constexpr Bits kCanonicalNaN = kExpMask | kQuietBit;
};

using Single = Format<8, 23, std::uint32_t>;
using Double = Format<11, 52, std::uint64_t>;

template <class F>
constexpr typename F::Bits magnitude(typename F::Bits x) {
  return x & ~F::kSignMask;
}
template <class F>
constexpr bool sign_of(typename F::Bits x) {
  return (x & F::kSignMask) != 0;
}
template <class F>
constexpr bool is_nan(typename F::Bits x) {
  return magnitude<F>(x) > F::kExpMask;
}
template <class F>
constexpr bool is_snan(typename F::Bits x) {
  return is_nan<F>(x) && (x & F::kQuietBit) == 0;
}
template <class F>
constexpr bool is_inf(typename F::Bits x) {
  return magnitude<F>(x) == F::kExpMask;
}
template <class F>
constexpr bool is_zero(typename F::Bits x) {
  return magnitude<F>(x) == 0;
}
template <class F>
constexpr bool is_subnormal(typename F::Bits x) {
  return magnitude<F>(x) != 0 && (x & F::kExpMask) == 0;
}
template <class F>
constexpr typename F::Bits with_sign(bool negative, typename F::Bits magnitude_bits) {
  return negative ? static_cast<typename F::Bits>(magnitude_bits | F::kSignMask) : magnitude_bits;
}

// A finite non-zero value sign * sig * 2^exp with sig in [2^(p-1), 2^p), where
// p is the format's precision (subnormals are normalised into this range).
struct Unpacked {
  bool sign;
  int exp;
  std::uint64_t sig;
};

template <class F>
constexpr Unpacked unpack(typename F::Bits x) {
  const bool sign = sign_of<F>(x);
  const int biased = static_cast<int>((x & F::kExpMask) >> F::kFracBits);
  const std::uint64_t frac = x & F::kFracMask;
  if (biased == 0) {
    const int shift = F::kPrecision - std::bit_width(frac);
    return {sign, F::kEmin - F::kFracBits - shift, frac << shift};
  }
  return {sign, biased - F::kBias - F::kFracBits, frac | F::kHiddenBit};
}

// Exactly representable signed zero for an exact zero sum (x + -x, 0 + -0):
// +0 in every rounding mode except RDN.
template <class F>
constexpr typename F::Bits exact_zero_sum(unsigned rm) {
  return rm == kRoundDown ? F::kSignMask : typename F::Bits{0};
}

}  // namespace vm::cross_arch::riscv::fp
