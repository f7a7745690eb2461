// Private: the host FPU's own arithmetic, used by the fast path (fp_fast.cpp)
// in the host's ambient rounding mode. Each primitive is one SSE/FMA3
// instruction in inline asm, so the compiler can neither contract, reorder
// into another rounding context, nor constant-fold it.
#pragma once

#include <bit>
#include <cstdint>

#include "riscv/fp_format.hpp"

#if defined(__x86_64__)
#define VM_FP_HOST_SSE 1
#else
#define VM_FP_HOST_SSE 0
#endif

namespace vm::cross_arch::riscv::fp::host {

#if VM_FP_HOST_SSE

// True when the calling thread's MXCSR is the power-on default: round to
// nearest even, all exceptions masked, no flush-to-zero or denormals-are-zero.
// Only then does the host compute IEEE RNE results without trapping. (The
// primitives may set the host's sticky MXCSR status flags; nothing reads them.)
inline bool ambient_is_default() noexcept {
  std::uint32_t csr = 0;
  asm volatile("stmxcsr %0" : "=m"(csr));
  return (csr & 0xffc0u) == 0x1f80u;
}

// Whether the host has FMA3 (needed for the exact error terms of mul, div,
// sqrt and fma), checked once per process.
inline bool has_fma() noexcept {
  static const bool available = __builtin_cpu_supports("fma") != 0;
  return available;
}

template <class F>
struct Native;
template <>
struct Native<Single> {
  using type = float;
};
template <>
struct Native<Double> {
  using type = double;
};
template <class F>
using NativeT = typename Native<F>::type;
template <class F>
using Bits = typename F::Bits;

#define VM_FP_HOST_BINARY(name, single_insn, double_insn)                                                     \
  inline float name##_native(float a, float b) {                                                              \
    asm(single_insn " %[b], %[a]" : [a] "+x"(a) : [b] "x"(b));                                                \
    return a;                                                                                                 \
  }                                                                                                           \
  inline double name##_native(double a, double b) {                                                           \
    asm(double_insn " %[b], %[a]" : [a] "+x"(a) : [b] "x"(b));                                                \
    return a;                                                                                                 \
  }                                                                                                           \
  template <class F>                                                                                          \
  Bits<F> name(Bits<F> a, Bits<F> b) {                                                                        \
    return std::bit_cast<Bits<F>>(name##_native(std::bit_cast<NativeT<F>>(a), std::bit_cast<NativeT<F>>(b))); \
  }

VM_FP_HOST_BINARY(add, "addss", "addsd")
VM_FP_HOST_BINARY(sub, "subss", "subsd")
VM_FP_HOST_BINARY(mul, "mulss", "mulsd")
VM_FP_HOST_BINARY(div, "divss", "divsd")
#undef VM_FP_HOST_BINARY

inline float sqrt_native(float a) {
  float r = 0;
  asm("sqrtss %[a], %[r]" : [r] "+x"(r) : [a] "x"(a));
  return r;
}
inline double sqrt_native(double a) {
  double r = 0;
  asm("sqrtsd %[a], %[r]" : [r] "+x"(r) : [a] "x"(a));
  return r;
}
template <class F>
Bits<F> sqrt(Bits<F> a) {
  return std::bit_cast<Bits<F>>(sqrt_native(std::bit_cast<NativeT<F>>(a)));
}

// a * b + c rounded once; only when has_fma().
inline float fma_native(float a, float b, float c) {
  asm("vfmadd231ss %[b], %[a], %[c]" : [c] "+x"(c) : [a] "x"(a), [b] "x"(b));
  return c;
}
inline double fma_native(double a, double b, double c) {
  asm("vfmadd231sd %[b], %[a], %[c]" : [c] "+x"(c) : [a] "x"(a), [b] "x"(b));
  return c;
}
template <class F>
Bits<F> fma(Bits<F> a, Bits<F> b, Bits<F> c) {
  return std::bit_cast<Bits<F>>(
      fma_native(std::bit_cast<NativeT<F>>(a), std::bit_cast<NativeT<F>>(b), std::bit_cast<NativeT<F>>(c)));
}

#endif  // VM_FP_HOST_SSE

}  // namespace vm::cross_arch::riscv::fp::host
