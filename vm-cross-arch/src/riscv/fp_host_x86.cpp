// The x86-64 SSE implementation of the host path. Each operation is one asm
// block that installs the wanted MXCSR (rounding mode, all exceptions masked,
// no FTZ/DAZ), executes the instruction, captures the status flags and puts
// the caller's MXCSR back, so the compiler cannot move the arithmetic outside
// the rounding-mode window and the caller's FP state is never disturbed.
#include "riscv/fp_host.hpp"

#if VM_FP_HOST_SSE

#include <bit>

namespace vm::cross_arch::riscv::fp::host {
namespace {

// MXCSR rounding control for RNE, RTZ, RDN, RUP.
constexpr std::uint32_t kRoundingControl[4] = {0u << 13, 3u << 13, 1u << 13, 2u << 13};
constexpr std::uint32_t kAllMasked = 0x1f80;

std::uint32_t control_for(unsigned rm) { return kAllMasked | kRoundingControl[rm]; }

// MXCSR status (IE DE ZE OE UE PE in bits 0..5) -> fflags; DE has no
// RISC-V counterpart.
std::uint32_t to_fflags(std::uint32_t status) {
  std::uint32_t flags = 0;
  if (status & 0x01) flags |= kFlagNV;
  if (status & 0x04) flags |= kFlagDZ;
  if (status & 0x08) flags |= kFlagOF;
  if (status & 0x10) flags |= kFlagUF;
  if (status & 0x20) flags |= kFlagNX;
  return flags;
}

template <class F>
Bits<F> canonical(Bits<F> result) {
  return is_nan<F>(result) ? F::kCanonicalNaN : result;
}

#define VM_FP_SSE_BINARY(name, T, insn)                                                        \
  T name(T a, T b, unsigned rm, std::uint32_t& flags) {                                       \
    std::uint32_t saved = 0;                                                                   \
    std::uint32_t status = 0;                                                                  \
    const std::uint32_t control = control_for(rm);                                             \
    asm volatile("stmxcsr %[saved]\n\tldmxcsr %[control]\n\t" insn                             \
                 " %[b], %[a]\n\tstmxcsr %[status]\n\tldmxcsr %[saved]"                        \
                 : [a] "+x"(a), [saved] "=m"(saved), [status] "=m"(status)                     \
                 : [b] "x"(b), [control] "m"(control));                                        \
    flags |= to_fflags(status);                                                                \
    return a;                                                                                  \
  }

#define VM_FP_SSE_UNARY(name, R, T, insn)                                                      \
  R name(T a, unsigned rm, std::uint32_t& flags) {                                            \
    std::uint32_t saved = 0;                                                                   \
    std::uint32_t status = 0;                                                                  \
    const std::uint32_t control = control_for(rm);                                             \
    R result{};                                                                                \
    asm volatile("stmxcsr %[saved]\n\tldmxcsr %[control]\n\t" insn                             \
                 " %[a], %[r]\n\tstmxcsr %[status]\n\tldmxcsr %[saved]"                        \
                 : [r] "=&x"(result), [saved] "=m"(saved), [status] "=m"(status)               \
                 : [a] "x"(a), [control] "m"(control));                                        \
    flags |= to_fflags(status);                                                                \
    return result;                                                                             \
  }

// vfmadd231: acc = a * b + acc, rounded once.
#define VM_FP_SSE_FMA(name, T, insn)                                                           \
  T name(T a, T b, T acc, unsigned rm, std::uint32_t& flags) {                                \
    std::uint32_t saved = 0;                                                                   \
    std::uint32_t status = 0;                                                                  \
    const std::uint32_t control = control_for(rm);                                             \
    asm volatile("stmxcsr %[saved]\n\tldmxcsr %[control]\n\t" insn                             \
                 " %[b], %[a], %[acc]\n\tstmxcsr %[status]\n\tldmxcsr %[saved]"                \
                 : [acc] "+x"(acc), [saved] "=m"(saved), [status] "=m"(status)                 \
                 : [a] "x"(a), [b] "x"(b), [control] "m"(control));                            \
    flags |= to_fflags(status);                                                                \
    return acc;                                                                                \
  }

VM_FP_SSE_BINARY(sse_add, float, "addss")
VM_FP_SSE_BINARY(sse_add, double, "addsd")
VM_FP_SSE_BINARY(sse_mul, float, "mulss")
VM_FP_SSE_BINARY(sse_mul, double, "mulsd")
VM_FP_SSE_BINARY(sse_div, float, "divss")
VM_FP_SSE_BINARY(sse_div, double, "divsd")
VM_FP_SSE_UNARY(sse_sqrt, float, float, "sqrtss")
VM_FP_SSE_UNARY(sse_sqrt, double, double, "sqrtsd")
VM_FP_SSE_UNARY(sse_narrow, float, double, "cvtsd2ss")
VM_FP_SSE_FMA(sse_fma, float, "vfmadd231ss")
VM_FP_SSE_FMA(sse_fma, double, "vfmadd231sd")

#undef VM_FP_SSE_BINARY
#undef VM_FP_SSE_UNARY
#undef VM_FP_SSE_FMA

template <class F> struct HostType;
template <> struct HostType<Single> { using type = float; };
template <> struct HostType<Double> { using type = double; };
template <class F> using Host = typename HostType<F>::type;

template <class F> Host<F> to_host(Bits<F> x) { return std::bit_cast<Host<F>>(x); }
template <class F> Bits<F> from_host(Host<F> x) { return canonical<F>(std::bit_cast<Bits<F>>(x)); }

}  // namespace

bool has_fma() noexcept {
  static const bool available = __builtin_cpu_supports("fma") != 0;
  return available;
}

template <class F>
Bits<F> add(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept {
  return from_host<F>(sse_add(to_host<F>(a), to_host<F>(b), rm, flags));
}

template <class F>
Bits<F> mul(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept {
  return from_host<F>(sse_mul(to_host<F>(a), to_host<F>(b), rm, flags));
}

template <class F>
Bits<F> div(Bits<F> a, Bits<F> b, unsigned rm, std::uint32_t& flags) noexcept {
  return from_host<F>(sse_div(to_host<F>(a), to_host<F>(b), rm, flags));
}

template <class F>
Bits<F> sqrt(Bits<F> a, unsigned rm, std::uint32_t& flags) noexcept {
  return from_host<F>(sse_sqrt(to_host<F>(a), rm, flags));
}

template <class F>
Bits<F> fma(Bits<F> a, Bits<F> b, Bits<F> c, unsigned rm, std::uint32_t& flags) noexcept {
  // RISC-V raises NV for inf * 0 even with a quiet-NaN addend; x86 need not.
  const bool product_invalid =
      (is_inf<F>(a) && is_zero<F>(b)) || (is_zero<F>(a) && is_inf<F>(b));
  if (product_invalid) flags |= kFlagNV;
  return from_host<F>(sse_fma(to_host<F>(a), to_host<F>(b), to_host<F>(c), rm, flags));
}

std::uint32_t double_to_single(std::uint64_t a, unsigned rm, std::uint32_t& flags) noexcept {
  return canonical<Single>(std::bit_cast<std::uint32_t>(sse_narrow(std::bit_cast<double>(a), rm, flags)));
}

#define VM_FP_INSTANTIATE(F)                                                               \
  template Bits<F> add<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept;            \
  template Bits<F> mul<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept;            \
  template Bits<F> div<F>(Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept;            \
  template Bits<F> sqrt<F>(Bits<F>, unsigned, std::uint32_t&) noexcept;                    \
  template Bits<F> fma<F>(Bits<F>, Bits<F>, Bits<F>, unsigned, std::uint32_t&) noexcept;
VM_FP_INSTANTIATE(Single)
VM_FP_INSTANTIATE(Double)
#undef VM_FP_INSTANTIATE

}  // namespace vm::cross_arch::riscv::fp::host

#endif  // VM_FP_HOST_SSE
