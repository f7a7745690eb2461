// Rounding an exact (or correctly jammed) binary value to binary32/binary64:
// the one place where rounding modes, overflow, underflow and inexact meet.
#include "riscv/fp_round.hpp"

#include "riscv/fp_format.hpp"

namespace vm::cross_arch::riscv::fp {

Split split_low_bits(std::uint64_t x, int shift) noexcept {
  constexpr std::uint64_t kTop = 1ull << 63;
  if (shift > 64) return {0, x == 0 ? Tail::kExact : Tail::kBelowHalf};
  if (shift == 64) {
    if (x == 0) return {0, Tail::kExact};
    if (x < kTop) return {0, Tail::kBelowHalf};
    return {0, x == kTop ? Tail::kHalf : Tail::kAboveHalf};
  }
  if (shift == 0) return {x, Tail::kExact};
  const std::uint64_t rest = x & ((1ull << shift) - 1);
  const std::uint64_t half = 1ull << (shift - 1);
  Tail tail = Tail::kAboveHalf;
  if (rest == 0) {
    tail = Tail::kExact;
  } else if (rest < half) {
    tail = Tail::kBelowHalf;
  } else if (rest == half) {
    tail = Tail::kHalf;
  }
  return {x >> shift, tail};
}

bool rounds_away(Tail tail, bool kept_is_odd, bool negative, unsigned rm) noexcept {
  if (tail == Tail::kExact) return false;
  switch (rm) {
    case kRoundNearestEven:
      return tail == Tail::kAboveHalf || (tail == Tail::kHalf && kept_is_odd);
    case kRoundTowardZero:
      return false;
    case kRoundDown:
      return negative;
    case kRoundUp:
      return !negative;
    default:  // kRoundNearestMax
      return tail != Tail::kBelowHalf;
  }
}

namespace {

// IEEE overflow: infinity when the mode rounds away from zero in the
// direction of the sign, otherwise the largest finite value.
template <class F>
typename F::Bits overflow(bool sign, unsigned rm, std::uint32_t& flags) {
  flags |= kFlagOF | kFlagNX;
  const bool to_inf =
      rm == kRoundNearestEven || rm == kRoundNearestMax || (rm == kRoundDown && sign) || (rm == kRoundUp && !sign);
  return with_sign<F>(sign, to_inf ? F::kInf : F::kMaxFinite);
}

// Compresses a non-zero 128-bit significand into 64 bits with its MSB at bit
// 63, jamming the dropped low half into bit 0; adjusts exp to match.
std::uint64_t normalize_to_64(u128 sig, int& exp) {
  const auto hi = static_cast<std::uint64_t>(sig >> 64);
  const auto lo = static_cast<std::uint64_t>(sig);
  const int lz = hi != 0 ? std::countl_zero(hi) : 64 + std::countl_zero(lo);
  const u128 normalized = sig << lz;
  exp -= lz - 64;
  return static_cast<std::uint64_t>(normalized >> 64) | (static_cast<std::uint64_t>(normalized) != 0);
}

}  // namespace

template <class F>
typename F::Bits round_pack(bool sign, int exp, u128 sig, unsigned rm, std::uint32_t& flags) noexcept {
  using Bits = typename F::Bits;
  constexpr int p = F::kPrecision;
  const std::uint64_t s64 = normalize_to_64(sig, exp);
  int e = exp + 63;  // exponent of the leading bit
  int shift = 64 - p;
  bool tiny = false;
  if (e < F::kEmin) {
    shift += F::kEmin - e;
    // Tininess after rounding: tiny unless rounding to p bits with an
    // unbounded exponent would carry the value up to 2^emin.
    const Split wide = split_low_bits(s64, 64 - p);
    const bool reaches_min_normal =
        e == F::kEmin - 1 && wide.kept == (1ull << p) - 1 && rounds_away(wide.tail, true, sign, rm);
    tiny = !reaches_min_normal;
  }
  const Split kept = split_low_bits(s64, shift);
  std::uint64_t m = kept.kept + (rounds_away(kept.tail, (kept.kept & 1) != 0, sign, rm) ? 1 : 0);
  const bool inexact = kept.tail != Tail::kExact;
  Bits bits = 0;
  if (e >= F::kEmin) {
    if ((m >> p) != 0) {  // rounded up to the next power of two; the lost bit is 0
      m >>= 1;
      ++e;
    }
    if (e > F::kEmax) return overflow<F>(sign, rm, flags);
    bits = static_cast<Bits>((static_cast<Bits>(e + F::kBias) << F::kFracBits) | (m & F::kFracMask));
  } else {
    // Subnormal; m == 2^(p-1) after rounding encodes the smallest normal.
    bits = static_cast<Bits>(m);
  }
  if (inexact) flags |= kFlagNX | (tiny ? kFlagUF : 0);
  return with_sign<F>(sign, bits);
}

template Single::Bits round_pack<Single>(bool, int, u128, unsigned, std::uint32_t&) noexcept;
template Double::Bits round_pack<Double>(bool, int, u128, unsigned, std::uint32_t&) noexcept;

}  // namespace vm::cross_arch::riscv::fp
