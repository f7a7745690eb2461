// Private: the software implementation of every rounding F/D operation, exact
// in all five rounding modes. Operands and results are raw format bits.
#pragma once

#include <cstdint>

#include "riscv/fp_format.hpp"

namespace vm::cross_arch::riscv::fp::soft {

template <class F>
using Bits = typename F::Bits;

template <class F>
Bits<F> add(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept;
template <class F>
Bits<F> mul(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept;
template <class F>
Bits<F> div(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept;
template <class F>
Bits<F> sqrt(Bits<F> a, unsigned rm, std::uint32_t& flags) noexcept;
// a * b + c with a single rounding; callers fold the fmsub/fnmadd/fnmsub
// negations into the operands' sign bits (exact, and NaNs give the canonical
// NaN whatever their sign).
template <class F>
Bits<F> fma(Bits<F> a, Bits<F> b, Bits<F> c, unsigned rm, std::uint32_t& flags) noexcept;

// Integer -> float: the integer is negative ? -magnitude : magnitude.
template <class F>
Bits<F> from_integer(bool negative, std::uint64_t magnitude, unsigned rm, std::uint32_t& flags) noexcept;

// Float -> integer of `width` bits (32 or 64), saturating as RISC-V requires.
// Returns the two's complement result in the low `width` bits.
template <class F>
std::uint64_t to_integer(Bits<F> a, bool is_signed, int width, unsigned rm, std::uint32_t& flags) noexcept;

std::uint32_t double_to_single(std::uint64_t a, unsigned rm, std::uint32_t& flags) noexcept;
std::uint64_t single_to_double(std::uint32_t a, std::uint32_t& flags) noexcept;

// IEEE 754-2019 minimumNumber/maximumNumber (RISC-V F 2.2+): a single NaN
// operand yields the other operand, -0 < +0, sNaN raises NV.
template <class F>
Bits<F> min(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept;
template <class F>
Bits<F> max(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept;

// feq is quiet (NV only for sNaN); flt/fle signal on any NaN. NaN -> false.
template <class F>
bool equal(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept;
template <class F>
bool less(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept;
template <class F>
bool less_equal(Bits<F> a, Bits<F> b, std::uint32_t& flags) noexcept;

// fclass: one of the ten class bits.
template <class F>
std::uint64_t classify(Bits<F> a) noexcept;

}  // namespace vm::cross_arch::riscv::fp::soft
