// The host-FPU fast path: RNE result from the host, exact error from an
// error-free transformation (TwoSum, FMA residues, Boldo-Muller ErrFma), then
// a directed correction for RTZ/RDN/RUP/RMM. Operands and results are kept
// well inside the normal range, where those transformations are exact and
// no underflow or overflow can occur, so NX is the only possible flag.
#include "riscv/fp_fast.hpp"

#include "riscv/fp_host.hpp"

namespace vm::cross_arch::riscv::fp::fast {

#if VM_FP_HOST_SSE

namespace {

template <class F>
int biased_exponent(Bits<F> x) {
  return static_cast<int>((x & F::kExpMask) >> F::kFracBits);
}

// Normal with magnitude in [2^(emin + 3p), 2^(emax - 1)): products, quotients,
// roots and their residues of such values stay normal and finite.
template <class F>
bool in_safe_range(Bits<F> x) {
  const int e = biased_exponent<F>(x);
  return e >= 1 + 3 * F::kPrecision && e <= 2 * F::kBias - 2;
}

// Finite with magnitude below 2^(emax - 1) (zero and subnormals included).
template <class F>
bool below_overflow_margin(Bits<F> x) {
  return biased_exponent<F>(x) <= 2 * F::kBias - 2;
}

template <class F>
Bits<F> negate(Bits<F> x) {
  return x ^ F::kSignMask;
}

template <class F>
int sign_of_value(Bits<F> x) {
  if (is_zero<F>(x)) return 0;
  return sign_of<F>(x) ? -1 : 1;
}

// The neighbour of normal r on the side of the true value (err_sign != 0).
template <class F>
Bits<F> neighbour(Bits<F> r, int err_sign) {
  const bool away = (err_sign < 0) == sign_of<F>(r);
  return away ? r + 1 : r - 1;  // bit patterns step magnitudes by one ulp
}

// True value r + err lies exactly halfway between r and its neighbour.
template <class F>
bool is_tie(Bits<F> r, Bits<F> err) {
  const Bits<F> gap = host::sub<F>(neighbour<F>(r, sign_of_value<F>(err)), r);
  return magnitude<F>(host::add<F>(err, err)) == magnitude<F>(gap);
}

// Turns the RNE result r of a true value r + err (err_sign = sign of err) into
// the result of rounding mode rm. r is normal and below the largest finite
// value, so one step either way stays finite and normal.
template <class F>
Bits<F> correct(Bits<F> r, int err_sign, bool tie, unsigned rm, std::uint32_t& flags) {
  if (err_sign == 0) return r;
  flags |= kFlagNX;
  const bool negative = sign_of<F>(r);
  const bool away = (err_sign < 0) == negative;  // |true value| > |r|
  bool up = false;                               // magnitude + 1 ulp
  bool down = false;                             // magnitude - 1 ulp
  switch (rm) {
    case kRoundNearestEven:
      break;
    case kRoundTowardZero:
      down = !away;
      break;
    case kRoundDown:
      (negative ? up : down) = err_sign < 0;
      break;
    case kRoundUp:
      (negative ? down : up) = err_sign > 0;
      break;
    default:  // RMM differs from RNE only on ties that RNE broke towards zero
      up = tie && away;
      break;
  }
  if (up) return r + 1;
  if (down) return r - 1;
  return r;
}

// Knuth's TwoSum: s + t == a + b exactly, s = RN(a + b).
template <class F>
Bits<F> two_sum_error(Bits<F> a, Bits<F> b, Bits<F> s) {
  const Bits<F> bb = host::sub<F>(s, a);
  const Bits<F> aa = host::sub<F>(s, bb);
  return host::add<F>(host::sub<F>(a, aa), host::sub<F>(b, bb));
}

}  // namespace

template <class F>
bool add(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept {
  if (!below_overflow_margin<F>(a) || !below_overflow_margin<F>(b) || !host::ambient_is_default()) return false;
  const Bits<F> r = host::add<F>(a, b);
  // An exact zero's sign depends on rm; inexact sums are never tiny (sums of
  // values below 2^(emin+1) are exact), so UF cannot arise here.
  if (is_zero<F>(r) || !below_overflow_margin<F>(r)) return false;
  const Bits<F> err = two_sum_error<F>(a, b, r);
  const int err_sign = sign_of_value<F>(err);
  const bool tie = err_sign != 0 && rm == kRoundNearestMax && is_tie<F>(r, err);
  out = correct<F>(r, err_sign, tie, rm, flags);
  return true;
}

template <class F>
bool mul(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept {
  if (!in_safe_range<F>(a) || !in_safe_range<F>(b) || !host::has_fma() || !host::ambient_is_default()) {
    return false;
  }
  const Bits<F> r = host::mul<F>(a, b);
  if (!in_safe_range<F>(r)) return false;
  const Bits<F> err = host::fma<F>(a, b, negate<F>(r));  // a*b - r, exact
  const int err_sign = sign_of_value<F>(err);
  const bool tie = err_sign != 0 && rm == kRoundNearestMax && is_tie<F>(r, err);
  out = correct<F>(r, err_sign, tie, rm, flags);
  return true;
}

template <class F>
bool div(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept {
  if (!in_safe_range<F>(a) || !in_safe_range<F>(b) || !host::has_fma() || !host::ambient_is_default()) {
    return false;
  }
  const Bits<F> r = host::div<F>(a, b);
  if (!in_safe_range<F>(r)) return false;
  // a - r*b is exact; a/b - r has its sign times b's. Quotients never tie.
  const Bits<F> residue = host::fma<F>(negate<F>(r), b, a);
  const int err_sign = sign_of_value<F>(residue) * (sign_of<F>(b) ? -1 : 1);
  out = correct<F>(r, err_sign, false, rm, flags);
  return true;
}

template <class F>
bool sqrt(Bits<F> a, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept {
  if (sign_of<F>(a) || !in_safe_range<F>(a) || !host::has_fma() || !host::ambient_is_default()) return false;
  const Bits<F> r = host::sqrt<F>(a);
  // a - r*r is exact; square roots never tie.
  const Bits<F> residue = host::fma<F>(negate<F>(r), r, a);
  out = correct<F>(r, sign_of_value<F>(residue), false, rm, flags);
  return true;
}

template <class F>
bool fma(Bits<F> a, Bits<F> b, Bits<F> c, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept {
  if (!in_safe_range<F>(a) || !in_safe_range<F>(b) || !in_safe_range<F>(c) || !host::has_fma() ||
      !host::ambient_is_default()) {
    return false;
  }
  const Bits<F> r = host::fma<F>(a, b, c);
  const Bits<F> product = host::mul<F>(a, b);
  if (!in_safe_range<F>(r) || !in_safe_range<F>(product)) return false;
  // ErrFma (Boldo & Muller): r + r2 + r3 == a*b + c exactly, with
  // r2 = RN(r2 + r3), so the error's sign is r2's (r2 == 0 implies r3 == 0).
  const Bits<F> product_err = host::fma<F>(a, b, negate<F>(product));
  const Bits<F> alpha1 = host::add<F>(c, product_err);
  const Bits<F> alpha2 = two_sum_error<F>(c, product_err, alpha1);
  const Bits<F> beta1 = host::add<F>(product, alpha1);
  const Bits<F> beta2 = two_sum_error<F>(product, alpha1, beta1);
  const Bits<F> gamma = host::add<F>(host::sub<F>(beta1, r), beta2);
  const Bits<F> r2 = host::add<F>(gamma, alpha2);
  const Bits<F> r3 = host::sub<F>(alpha2, host::sub<F>(r2, gamma));  // Fast2Sum tail
  const int err_sign = sign_of_value<F>(r2);
  const bool tie = err_sign != 0 && rm == kRoundNearestMax && is_zero<F>(r3) && is_tie<F>(r, r2);
  out = correct<F>(r, err_sign, tie, rm, flags);
  return true;
}

#else  // no host fast path: everything goes to the software path

template <class F>
bool add(Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept {
  return false;
}
template <class F>
bool mul(Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept {
  return false;
}
template <class F>
bool div(Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept {
  return false;
}
template <class F>
bool sqrt(Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept {
  return false;
}
template <class F>
bool fma(Bits<F>, Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept {
  return false;
}

#endif

#define VM_FP_INSTANTIATE(F)                                                           \
  template bool add<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept; \
  template bool mul<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept; \
  template bool div<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept; \
  template bool sqrt<F>(Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept;         \
  template bool fma<F>(Bits<F>, Bits<F>, Bits<F>, unsigned, std::uint32_t&, Bits<F>&) noexcept;
VM_FP_INSTANTIATE(Single)
VM_FP_INSTANTIATE(Double)
#undef VM_FP_INSTANTIATE

}  // namespace vm::cross_arch::riscv::fp::fast
