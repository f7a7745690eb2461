// Software conversions: integer <-> float with rounding, RISC-V's saturating
// float -> integer, and binary64 <-> binary32.
#include "riscv/fp_round.hpp"
#include "riscv/fp_soft.hpp"

namespace vm::cross_arch::riscv::fp::soft {

template <class F>
Bits<F> from_integer(bool negative, std::uint64_t magnitude, unsigned rm, std::uint32_t& flags) noexcept {
  if (magnitude == 0) return 0;
  return round_pack<F>(negative, 0, magnitude, rm, flags);
}

namespace {

// The target's range as magnitudes: the largest positive result and the
// magnitude of the most negative one (0 for unsigned).
struct IntRange {
  std::uint64_t max_positive;
  std::uint64_t max_negative_magnitude;
};

IntRange range_of(bool is_signed, int width) {
  if (is_signed) {
    const std::uint64_t limit = 1ull << (width - 1);
    return {limit - 1, limit};
  }
  return {width == 64 ? ~0ull : (1ull << width) - 1, 0};
}

// The saturated result of an invalid conversion (NaN, infinity or out of
// range): the most negative value for negative inputs, else the largest.
std::uint64_t saturate(bool negative, IntRange range, std::uint32_t& flags) {
  flags |= kFlagNV;
  return negative ? 0 - range.max_negative_magnitude : range.max_positive;
}

}  // namespace

template <class F>
std::uint64_t to_integer(Bits<F> a, bool is_signed, int width, unsigned rm, std::uint32_t& flags) noexcept {
  const IntRange range = range_of(is_signed, width);
  if (is_nan<F>(a)) return saturate(false, range, flags);
  if (is_inf<F>(a)) return saturate(sign_of<F>(a), range, flags);
  if (is_zero<F>(a)) return 0;
  const Unpacked u = unpack<F>(a);
  std::uint64_t magnitude = 0;
  bool inexact = false;
  if (u.exp >= 0) {
    // The value is an integer >= 2^(exp + p - 1); from 2^64 on no target holds it.
    if (u.exp + F::kPrecision - 1 >= 64) return saturate(u.sign, range, flags);
    magnitude = u.sig << u.exp;
  } else {
    const Split split = split_low_bits(u.sig, -u.exp);
    const bool up = rounds_away(split.tail, (split.kept & 1) != 0, u.sign, rm);
    magnitude = split.kept + (up ? 1 : 0);  // sig < 2^53, so no wrap
    inexact = split.tail != Tail::kExact;
  }
  // A negative value that rounds to 0 is valid even for unsigned targets.
  const std::uint64_t limit = u.sign ? range.max_negative_magnitude : range.max_positive;
  if (magnitude > limit) return saturate(u.sign, range, flags);
  if (inexact) flags |= kFlagNX;
  return u.sign ? 0 - magnitude : magnitude;
}

std::uint32_t double_to_single(std::uint64_t a, unsigned rm, std::uint32_t& flags) noexcept {
  if (is_nan<Double>(a)) {
    if (is_snan<Double>(a)) flags |= kFlagNV;
    return Single::kCanonicalNaN;
  }
  const bool sign = sign_of<Double>(a);
  if (is_inf<Double>(a)) return with_sign<Single>(sign, Single::kInf);
  if (is_zero<Double>(a)) return with_sign<Single>(sign, 0);
  const Unpacked u = unpack<Double>(a);
  return round_pack<Single>(u.sign, u.exp, u.sig, rm, flags);
}

std::uint64_t single_to_double(std::uint32_t a, std::uint32_t& flags) noexcept {
  if (is_nan<Single>(a)) {
    if (is_snan<Single>(a)) flags |= kFlagNV;
    return Double::kCanonicalNaN;
  }
  const bool sign = sign_of<Single>(a);
  if (is_inf<Single>(a)) return with_sign<Double>(sign, Double::kInf);
  if (is_zero<Single>(a)) return with_sign<Double>(sign, 0);
  const Unpacked u = unpack<Single>(a);
  // Exact: every single is a double, so round_pack neither rounds nor flags.
  return round_pack<Double>(u.sign, u.exp, u.sig, kRoundNearestEven, flags);
}

#define VM_FP_INSTANTIATE(F)                                                                \
  template Bits<F> from_integer<F>(bool, std::uint64_t, unsigned, std::uint32_t&) noexcept; \
  template std::uint64_t to_integer<F>(Bits<F>, bool, int, unsigned, std::uint32_t&) noexcept;
VM_FP_INSTANTIATE(Single)
VM_FP_INSTANTIATE(Double)
#undef VM_FP_INSTANTIATE

}  // namespace vm::cross_arch::riscv::fp::soft
