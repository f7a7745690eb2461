// Helpers called from generated code. Each mirrors the interpreter's handler
// for the same op, so both engines produce identical state and flags.
#include <cstring>

#include "interp/csr.hpp"
#include "interp/host_fp.hpp"
#include "interp/translate.hpp"
#include "jit/runtime.hpp"
#include "vm/cross_arch/frontend.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

namespace vm::engine::jit {

using cross_arch::TrapCause;
namespace fp = cross_arch::riscv::fp;
namespace host_fp = interp::host_fp;

extern "C" std::uint8_t* vm_jit_host_ptr(JitContext* ctx, std::uint64_t addr, std::uint64_t size,
                                         std::uint64_t need) noexcept {
  return ctx->memory->host_ptr(addr, size, static_cast<std::uint8_t>(need));
}

extern "C" std::uint64_t vm_jit_amo(JitContext* ctx, CpuState* cpu, std::uint64_t opcode, std::uint64_t addr,
                                    std::uint64_t src, std::uint64_t* out) noexcept {
  const auto op = static_cast<ir::Opcode>(opcode);
  const bool is_lr = op == ir::Opcode::LrW || op == ir::Opcode::LrD;
  const unsigned size = interp::amo_is_64bit(op) ? 8 : 4;
  *out = addr;
  if (addr & (size - 1))
    return static_cast<std::uint64_t>(is_lr ? TrapCause::kLoadMisaligned : TrapCause::kStoreMisaligned) + 1;
  const std::uint8_t need = is_lr ? mem::kPermRead : (mem::kPermRead | mem::kPermWrite);
  std::uint8_t* p = ctx->memory->host_ptr(addr, size, need);
  if (!p) return static_cast<std::uint64_t>(is_lr ? TrapCause::kLoadPageFault : TrapCause::kStorePageFault) + 1;
  *out = interp::execute_amo(op, p, src, addr, cpu->reservation);
  return 0;
}

namespace {

#if VM_HOST_FP_SSE
// The interpreter's inline round-to-nearest paths (interpreter.cpp): same
// conditions, same host operations, flags left pending in MXCSR.
bool host_fast_path(ir::Opcode op, std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t& r) noexcept {
  using ir::Opcode;
  const auto d = [](std::uint64_t v) { return _mm_set_sd(host_fp::as_double(v)); };
  const auto s = [](std::uint64_t v) { return _mm_set_ss(host_fp::as_float(v)); };
  switch (op) {
    case Opcode::FaddD: r = host_fp::from_double(_mm_cvtsd_f64(_mm_add_sd(d(a), d(b)))); return true;
    case Opcode::FsubD: r = host_fp::from_double(_mm_cvtsd_f64(_mm_sub_sd(d(a), d(b)))); return true;
    case Opcode::FmulD: r = host_fp::from_double(_mm_cvtsd_f64(_mm_mul_sd(d(a), d(b)))); return true;
    case Opcode::FdivD: r = host_fp::from_double(_mm_cvtsd_f64(_mm_div_sd(d(a), d(b)))); return true;
    case Opcode::FsqrtD: r = host_fp::from_double(_mm_cvtsd_f64(_mm_sqrt_sd(d(a), d(a)))); return true;
    case Opcode::FaddS: case Opcode::FsubS: case Opcode::FmulS: case Opcode::FdivS: case Opcode::FsqrtS: {
      if (!host_fp::boxed(a) || (!host_fp::boxed(b) && op != Opcode::FsqrtS)) return false;
      __m128 v;
      if (op == Opcode::FaddS) v = _mm_add_ss(s(a), s(b));
      else if (op == Opcode::FsubS) v = _mm_sub_ss(s(a), s(b));
      else if (op == Opcode::FmulS) v = _mm_mul_ss(s(a), s(b));
      else if (op == Opcode::FdivS) v = _mm_div_ss(s(a), s(b));
      else v = _mm_sqrt_ss(s(a));
      r = host_fp::from_float(_mm_cvtss_f32(v));
      return true;
    }
    case Opcode::FmaddD: case Opcode::FmsubD: case Opcode::FnmsubD: case Opcode::FnmaddD: {
      if (!host_fp::host_has_fma()) return false;
      const double cc = host_fp::as_double(c);
      if (cc != cc) return false;
      const unsigned kind = static_cast<unsigned>(op) - static_cast<unsigned>(Opcode::FmaddD);
      r = host_fp::from_double(host_fp::fma_double(host_fp::as_double(a), host_fp::as_double(b), cc, kind));
      return true;
    }
    default:
      return false;
  }
}

// Ops the interpreter runs inline without checking the rounding mode.
bool rm_free_path(ir::Opcode op, std::uint64_t a, std::uint64_t b, std::uint32_t& fcsr, std::uint64_t& r) noexcept {
  using ir::Opcode;
  const auto snan = [](std::uint64_t v) {
    return (v & 0x7ff8000000000000ull) == 0x7ff0000000000000ull && (v << 12) != 0;
  };
  const double x = host_fp::as_double(a), y = host_fp::as_double(b);
  const auto cmp = [&](bool result, bool quiet) {
    if (x == x && y == y) return result ? 1ull : 0ull;
    if (!quiet || snan(a) || snan(b)) fcsr |= fp::kFlagNV;
    return 0ull;
  };
  switch (op) {
    case Opcode::FsgnjD: r = (a & ~(1ull << 63)) | (b & (1ull << 63)); return true;
    case Opcode::FsgnjnD: r = (a & ~(1ull << 63)) | (~b & (1ull << 63)); return true;
    case Opcode::FsgnjxD: r = a ^ (b & (1ull << 63)); return true;
    case Opcode::FmvXD: case Opcode::FmvDX: r = a; return true;
    case Opcode::FeqD: r = cmp(x == y, true); return true;
    case Opcode::FltD: r = cmp(x < y, false); return true;
    case Opcode::FleD: r = cmp(x <= y, false); return true;
    default: return false;
  }
}
#endif

}  // namespace

extern "C" bool vm_jit_fp(CpuState* cpu, std::uint64_t opcode, std::uint64_t aux, std::uint64_t a, std::uint64_t b,
                          std::uint64_t c, std::uint64_t* out) noexcept {
  const auto op = static_cast<ir::Opcode>(opcode);
#if VM_HOST_FP_SSE
  if (rm_free_path(op, a, b, cpu->fcsr, *out)) return true;
  const bool rne = aux == 0 || (aux == ir::kRmDynamic && (cpu->fcsr & 0xe0) == 0);
  if (rne && host_fast_path(op, a, b, c, *out)) return true;
#endif
  unsigned rm = static_cast<unsigned>(aux);
  if (rm == ir::kRmDynamic) rm = cpu->frm();
  if (rm > 4) return false;
  std::uint32_t flags = 0;
  *out = fp::execute_soft(op, a, b, c, rm, flags);
  cpu->fcsr |= flags;
  return true;
}

extern "C" bool vm_jit_csr(CpuState* cpu, std::uint64_t aux, std::uint64_t csr, std::uint64_t src,
                           std::uint64_t source_is_zero, std::uint64_t instret_now, std::uint64_t* old) noexcept {
  host_fp::fold_flags(cpu->fcsr);
  return interp::execute_csr(*cpu, static_cast<std::uint8_t>(aux), static_cast<std::uint16_t>(csr), src,
                             source_is_zero != 0, instret_now, *old);
}

}  // namespace vm::engine::jit
