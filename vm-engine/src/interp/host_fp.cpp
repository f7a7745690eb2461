#include "interp/host_fp.hpp"

namespace vm::engine::interp::host_fp {

#if VM_HOST_FP_SSE
thread_local bool guest_fp_scope_active = false;

const bool kHostHasFma = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("fma") != 0;
}();

// Compiled for FMA3 only here, and only called after the CPU check above.
__attribute__((target("fma"))) double fma_double(double a, double b, double c, unsigned kind) noexcept {
  const __m128d va = _mm_set_sd(a), vb = _mm_set_sd(b), vc = _mm_set_sd(c);
  switch (kind) {
    case 0:
      return _mm_cvtsd_f64(_mm_fmadd_sd(va, vb, vc));
    case 1:
      return _mm_cvtsd_f64(_mm_fmsub_sd(va, vb, vc));
    case 2:
      return _mm_cvtsd_f64(_mm_fnmadd_sd(va, vb, vc));
    default:
      return _mm_cvtsd_f64(_mm_fnmsub_sd(va, vb, vc));
  }
}

#else
const bool kHostHasFma = false;
double fma_double(double, double, double, unsigned) noexcept { return 0; }
#endif

}  // namespace vm::engine::interp::host_fp
