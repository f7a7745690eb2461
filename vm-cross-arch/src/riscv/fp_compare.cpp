// Comparisons, minimumNumber/maximumNumber and fclass: decided on the bit
// patterns alone, so they are the same on every host.
#include "riscv/fp_soft.hpp"

namespace vm::cross_arch::riscv::fp::soft {
namespace {

// a < b for non-NaN operands, with -0 and +0 equal.
template <class F>
bool ordered_less(Bits<F> a, Bits<F> b) {
  const bool sa = sign_of<F>(a);
  const bool sb = sign_of<F>(b);
  if (sa != sb) return sa && !(is_zero<F>(a) && is_zero<F>(b));
  return sa ? magnitude<F>(a) > magnitude<F>(b) : magnitude<F>(a) < magnitude<F>(b);
}

// Shared NaN rules of fmin/fmax; returns true and sets result when a NaN
// decides it.
template <class F>
bool pick_number(Bits<F> a, Bits<F> b, Bits<F>& result, std::uint32_t& flags) {
  if (is_snan<F>(a) || is_snan<F>(b)) flags |= kFlagNV;
  const bool na = is_nan<F>(a);
  const bool nb = is_nan<F>(b);
  if (na && nb) {
    result = F::kCanonicalNaN;
  } else if (na) {
    result = b;
  } else if (nb) {
    result = a;
  }
  return na || nb;
}

}  // namespace

template <class F>
Bits<F> min(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept {
  Bits<F> result{};
  if (pick_number<F>(a, b, result, flags)) return result;
  if (is_zero<F>(a) && is_zero<F>(b)) return a | b;  // -0 if either is -0
  return ordered_less<F>(b, a) ? b : a;
}

template <class F>
Bits<F> max(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept {
  Bits<F> result{};
  if (pick_number<F>(a, b, result, flags)) return result;
  if (is_zero<F>(a) && is_zero<F>(b)) return a & b;  // +0 if either is +0
  return ordered_less<F>(a, b) ? b : a;
}

template <class F>
bool equal(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept {
  if (is_snan<F>(a) || is_snan<F>(b)) flags |= kFlagNV;
  if (is_nan<F>(a) || is_nan<F>(b)) return false;
  return a == b || (is_zero<F>(a) && is_zero<F>(b));
}

template <class F>
bool less(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept {
  if (is_nan<F>(a) || is_nan<F>(b)) {
    flags |= kFlagNV;
    return false;
  }
  return ordered_less<F>(a, b);
}

template <class F>
bool less_equal(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept {
  if (is_nan<F>(a) || is_nan<F>(b)) {
    flags |= kFlagNV;
    return false;
  }
  return !ordered_less<F>(b, a);
}

template <class F>
std::uint64_t classify(Bits<F> a) noexcept {
  // Bit order of fclass: -inf -normal -subnormal -0 +0 +subnormal +normal +inf sNaN qNaN.
  if (is_nan<F>(a)) return is_snan<F>(a) ? 1u << 8 : 1u << 9;
  const bool negative = sign_of<F>(a);
  unsigned positive_bit = 6;  // +normal
  if (is_inf<F>(a)) {
    positive_bit = 7;
  } else if (is_zero<F>(a)) {
    positive_bit = 4;
  } else if (is_subnormal<F>(a)) {
    positive_bit = 5;
  }
  return 1u << (negative ? 7 - positive_bit : positive_bit);
}

#define VM_FP_INSTANTIATE(F)                                              \
  template Bits<F> min<F>(Bits<F>, Bits<F>, std::uint32_t&) noexcept;     \
  template Bits<F> max<F>(Bits<F>, Bits<F>, std::uint32_t&) noexcept;     \
  template bool equal<F>(Bits<F>, Bits<F>, std::uint32_t&) noexcept;      \
  template bool less<F>(Bits<F>, Bits<F>, std::uint32_t&) noexcept;       \
  template bool less_equal<F>(Bits<F>, Bits<F>, std::uint32_t&) noexcept; \
  template std::uint64_t classify<F>(Bits<F>) noexcept;
VM_FP_INSTANTIATE(Single)
VM_FP_INSTANTIATE(Double)
#undef VM_FP_INSTANTIATE

}  // namespace vm::cross_arch::riscv::fp::soft
