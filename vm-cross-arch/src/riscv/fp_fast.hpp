// Private: the fast path of the rounding arithmetic. The host FPU computes the
// round-to-nearest-even result r in its ambient mode, an error-free
// transformation gives the exact error (true value - r), and its sign (plus
// tie detection for RMM) turns r into the result of any RISC-V rounding mode
// with the exact NX flag. Cases near underflow or overflow, zeros and special
// operands are declined and go to the software path.
#pragma once

#include <cstdint>

#include "riscv/fp_format.hpp"

namespace vm::cross_arch::riscv::fp::fast {

template <class F>
using Bits = typename F::Bits;

// Each returns true and stores the result (OR-ing in flags) when it handled
// the operation; false means "use the software path" and changes nothing.
template <class F>
bool add(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept;
template <class F>
bool mul(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept;
template <class F>
bool div(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept;
template <class F>
bool sqrt(Bits<F> a, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept;
template <class F>
bool fma(Bits<F> a, Bits<F> b, Bits<F> c, unsigned rm, std::uint32_t& flags, Bits<F>& out) noexcept;

}  // namespace vm::cross_arch::riscv::fp::fast
