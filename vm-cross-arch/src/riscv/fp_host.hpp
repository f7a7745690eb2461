// Private: the host-FPU path for the rounding arithmetic. x86-64 SSE detects
// tininess after rounding and raises the same five flags as RISC-V, so for
// RNE/RTZ/RDN/RUP it gives RISC-V's results once NaNs are made canonical.
#pragma once

#include <cstdint>

#include "riscv/fp_format.hpp"

#if defined(__x86_64__)
#define VM_FP_HOST_SSE 1
#else
#define VM_FP_HOST_SSE 0
#endif

namespace vm::cross_arch::riscv::fp::host {

template <class F> using Bits = typename F::Bits;

// Whether the host computes rounding mode rm exactly (RMM never: no x86 mode).
constexpr bool supports(unsigned rm) { return VM_FP_HOST_SSE != 0 && rm < kRoundNearestMax; }

// Whether the host has a fused multiply-add (x86 FMA3), checked once.
bool has_fma() noexcept;

// Same contracts as the soft:: functions; only for rm with supports(rm).
template <class F> Bits<F> add(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept;
template <class F> Bits<F> mul(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept;
template <class F> Bits<F> div(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept;
template <class F> Bits<F> sqrt(Bits<F> a, unsigned rm, std::uint32_t& flags) noexcept;
// Only when has_fma().
template <class F>
Bits<F> fma(Bits<F> a, Bits<F> b, Bits<F> c, unsigned rm, std::uint32_t& flags) noexcept;
std::uint32_t double_to_single(std::uint64_t a, unsigned rm, std::uint32_t& flags) noexcept;

}  // namespace vm::cross_arch::riscv::fp::host
