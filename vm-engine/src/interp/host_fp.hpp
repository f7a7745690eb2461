// The interpreter's fast path for the hottest RISC-V FP ops: round-to-nearest
// add/sub/mul/div/sqrt/fma done directly on the host's SSE unit, with the
// guest's sticky fflags accumulated *lazily* in the host's sticky MXCSR
// status bits. RISC-V fflags and SSE's status flags are both sticky and both
// detect tininess after rounding, so they accumulate the same bits; folding
// them into fcsr only when the guest can observe fflags (CSR access) or when
// the interpreter returns makes the flags free on the hot path.
//
// Everything else (other rounding modes, conversions with saturation, fmin/
// fmax, classification) goes to fp::execute_soft, which never touches the
// host FP state, so the two paths cannot disturb each other.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#define VM_HOST_FP_SSE 1
#else
#define VM_HOST_FP_SSE 0
#endif

namespace vm::engine::interp::host_fp {

#if VM_HOST_FP_SSE
// Default MXCSR: all exceptions masked, round to nearest, no FTZ/DAZ, no
// status flags.
inline constexpr std::uint32_t kGuestMxcsr = 0x1f80;

// MXCSR status bits -> RISC-V fflags (DE, the denormal-operand flag, has no
// RISC-V counterpart and is dropped).
inline std::uint32_t fflags_from_mxcsr(std::uint32_t mxcsr) {
  std::uint32_t f = 0;
  if (mxcsr & 0x01) f |= 16;  // IE -> NV
  if (mxcsr & 0x04) f |= 8;   // ZE -> DZ
  if (mxcsr & 0x08) f |= 4;   // OE -> OF
  if (mxcsr & 0x10) f |= 2;   // UE -> UF
  if (mxcsr & 0x20) f |= 1;   // PE -> NX
  return f;
}

// Moves pending host status flags into fcsr and clears them.
inline void fold_flags(std::uint32_t& fcsr) {
  const std::uint32_t mxcsr = _mm_getcsr();
  if (mxcsr & 0x3f) {
    fcsr |= fflags_from_mxcsr(mxcsr);
    _mm_setcsr(kGuestMxcsr);
  }
}

// Saves the host's MXCSR and installs the guest's for the duration of a run.
class GuestFpScope {
 public:
  GuestFpScope() : saved_(_mm_getcsr()) { _mm_setcsr(kGuestMxcsr); }
  ~GuestFpScope() { _mm_setcsr(saved_); }
  GuestFpScope(const GuestFpScope&) = delete;
  GuestFpScope& operator=(const GuestFpScope&) = delete;

 private:
  std::uint32_t saved_;
};

// Host work in the middle of a run (translating a block may touch floating
// point, e.g. hash-table load factors) must not leak flags into the guest.
class HostFpPause {
 public:
  HostFpPause() : saved_(_mm_getcsr()) {}
  ~HostFpPause() { _mm_setcsr(saved_); }
  HostFpPause(const HostFpPause&) = delete;
  HostFpPause& operator=(const HostFpPause&) = delete;

 private:
  std::uint32_t saved_;
};
#else
inline void fold_flags(std::uint32_t&) {}
struct GuestFpScope {};
struct HostFpPause {};
#endif

inline bool have_host_fp() { return VM_HOST_FP_SSE != 0; }
bool host_has_fma() noexcept;

inline double as_double(std::uint64_t v) {
  double d;
  std::memcpy(&d, &v, 8);
  return d;
}
inline float as_float(std::uint64_t v) {
  const auto low = static_cast<std::uint32_t>(v);
  float f;
  std::memcpy(&f, &low, 4);
  return f;
}
// RISC-V returns the canonical NaN for every NaN-producing arithmetic op;
// SSE would propagate an input NaN or give its "indefinite" (negative) NaN.
inline std::uint64_t from_double(double d) {
  if (d != d) return 0x7ff8000000000000ull;
  std::uint64_t v;
  std::memcpy(&v, &d, 8);
  return v;
}
inline std::uint64_t from_float(float f) {
  if (f != f) return 0xffffffff7fc00000ull;
  std::uint32_t v;
  std::memcpy(&v, &f, 4);
  return 0xffffffff00000000ull | v;
}
inline bool boxed(std::uint64_t a) { return (a >> 32) == 0xffffffffu; }

// Fused multiply-add variants on the host FMA unit (only called when
// host_has_fma()): kind 0 = a*b+c, 1 = a*b-c, 2 = -(a*b)+c, 3 = -(a*b)-c.
double fma_double(double a, double b, double c, unsigned kind) noexcept;
float fma_float(float a, float b, float c, unsigned kind) noexcept;

}  // namespace vm::engine::interp::host_fp
