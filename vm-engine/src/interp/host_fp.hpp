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

#include "vm/cross_arch/ir/op.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

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
// Scopes nest: an inner one (the tiered engine runs the interpreter one
// block at a time inside its own scope) leaves MXCSR and the pending flags
// to the outermost, because ldmxcsr costs as much as a short block.
extern thread_local bool guest_fp_scope_active;

class GuestFpScope {
 public:
  GuestFpScope() : outermost_(!guest_fp_scope_active) {
    if (!outermost_) return;
    saved_ = _mm_getcsr();
    _mm_setcsr(kGuestMxcsr);
    guest_fp_scope_active = true;
  }
  ~GuestFpScope() {
    if (!outermost_) return;
    _mm_setcsr(saved_);
    guest_fp_scope_active = false;
  }
  GuestFpScope(const GuestFpScope&) = delete;
  GuestFpScope& operator=(const GuestFpScope&) = delete;
  // Whether this scope folds the pending flags when its run ends.
  bool outermost() const { return outermost_; }

 private:
  bool outermost_;
  std::uint32_t saved_ = 0;
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

// Detected once at start-up; a plain load on the hot path.
extern const bool kHostHasFma;
inline bool host_has_fma() noexcept { return kHostHasFma; }

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

#if VM_HOST_FP_SSE
// The ops execute_inline() may handle; engines give each its own fast entry.
// clang-format off
#define VM_HOST_FP_INLINE_OPS(X) \
  X(FaddD) \
  X(FsubD) \
  X(FmulD) \
  X(FdivD) \
  X(FsqrtD) \
  X(FaddS) \
  X(FsubS) \
  X(FmulS) \
  X(FdivS) \
  X(FsqrtS) \
  X(FmaddD) \
  X(FmsubD) \
  X(FnmsubD) \
  X(FnmaddD) \
  X(FsgnjD) \
  X(FsgnjnD) \
  X(FsgnjxD) \
  X(FmvXD) \
  X(FmvDX) \
  X(FeqD) \
  X(FltD) \
  X(FleD)
// clang-format on

// The one definition of the host fast path, shared by the interpreter (which
// calls it with a constant op, so it folds to the single host instruction)
// and the JIT's FP thunk. Returns false when the op must take the exact
// software path instead: a rounding mode other than nearest-even, an
// improperly boxed single, a NaN fma addend (x86 need not raise NV for
// inf*0+qNaN; RISC-V must), no host FMA unit, or an op not listed above.
// Comparisons and sign injection ignore the rounding mode; a comparison's
// NV flag goes straight into fcsr.
__attribute__((always_inline)) inline bool execute_inline(cross_arch::ir::Opcode op, unsigned rm_field,
                                                          std::uint32_t& fcsr, std::uint64_t a, std::uint64_t b,
                                                          std::uint64_t c, std::uint64_t& r) noexcept {
  using cross_arch::ir::Opcode;
  constexpr std::uint64_t kSign = 1ull << 63;
  const bool rne =
      rm_field == 0 || (rm_field == cross_arch::ir::kRmDynamic && (fcsr & cross_arch::riscv::fp::kFcsrFrmMask) == 0);
  const auto d = [](std::uint64_t v) { return _mm_set_sd(as_double(v)); };
  const auto s = [](std::uint64_t v) { return _mm_set_ss(as_float(v)); };
  const auto single_ok = [&](bool unary) { return rne && boxed(a) && (unary || boxed(b)); };
  // Ordered operands compare without raising anything; NaNs give 0 and NV
  // (feq: only for signalling NaNs).
  const auto compare = [&](bool quiet, auto cmp) {
    const double x = as_double(a), y = as_double(b);
    if (x == x && y == y) return cmp(x, y) ? 1ull : 0ull;
    const auto snan = [](std::uint64_t v) {
      return (v & 0x7ff8000000000000ull) == 0x7ff0000000000000ull && (v << 12) != 0;
    };
    if (!quiet || snan(a) || snan(b)) fcsr |= 16;  // NV
    return 0ull;
  };
  switch (op) {
    case Opcode::FaddD:
      if (!rne) return false;
      r = from_double(_mm_cvtsd_f64(_mm_add_sd(d(a), d(b))));
      return true;
    case Opcode::FsubD:
      if (!rne) return false;
      r = from_double(_mm_cvtsd_f64(_mm_sub_sd(d(a), d(b))));
      return true;
    case Opcode::FmulD:
      if (!rne) return false;
      r = from_double(_mm_cvtsd_f64(_mm_mul_sd(d(a), d(b))));
      return true;
    case Opcode::FdivD:
      if (!rne) return false;
      r = from_double(_mm_cvtsd_f64(_mm_div_sd(d(a), d(b))));
      return true;
    case Opcode::FsqrtD:
      if (!rne) return false;
      r = from_double(_mm_cvtsd_f64(_mm_sqrt_sd(d(a), d(a))));
      return true;
    case Opcode::FaddS:
      if (!single_ok(false)) return false;
      r = from_float(_mm_cvtss_f32(_mm_add_ss(s(a), s(b))));
      return true;
    case Opcode::FsubS:
      if (!single_ok(false)) return false;
      r = from_float(_mm_cvtss_f32(_mm_sub_ss(s(a), s(b))));
      return true;
    case Opcode::FmulS:
      if (!single_ok(false)) return false;
      r = from_float(_mm_cvtss_f32(_mm_mul_ss(s(a), s(b))));
      return true;
    case Opcode::FdivS:
      if (!single_ok(false)) return false;
      r = from_float(_mm_cvtss_f32(_mm_div_ss(s(a), s(b))));
      return true;
    case Opcode::FsqrtS:
      if (!single_ok(true)) return false;
      r = from_float(_mm_cvtss_f32(_mm_sqrt_ss(s(a))));
      return true;
    case Opcode::FmaddD:
    case Opcode::FmsubD:
    case Opcode::FnmsubD:
    case Opcode::FnmaddD: {
      const double addend = as_double(c);
      if (!rne || addend != addend || !host_has_fma()) return false;
      const unsigned kind = static_cast<unsigned>(op) - static_cast<unsigned>(Opcode::FmaddD);
      r = from_double(fma_double(as_double(a), as_double(b), addend, kind));
      return true;
    }
    case Opcode::FsgnjD:
      r = (a & ~kSign) | (b & kSign);
      return true;
    case Opcode::FsgnjnD:
      r = (a & ~kSign) | (~b & kSign);
      return true;
    case Opcode::FsgnjxD:
      r = a ^ (b & kSign);
      return true;
    case Opcode::FmvXD:
    case Opcode::FmvDX:
      r = a;
      return true;
    case Opcode::FeqD:
      r = compare(true, [](double x, double y) { return x == y; });
      return true;
    case Opcode::FltD:
      r = compare(false, [](double x, double y) { return x < y; });
      return true;
    case Opcode::FleD:
      r = compare(false, [](double x, double y) { return x <= y; });
      return true;
    default:
      return false;
  }
}
#endif

}  // namespace vm::engine::interp::host_fp
