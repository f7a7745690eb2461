// Helpers called from generated code. Each calls the code the interpreter's
// handler for the same op uses, so both engines produce identical state.
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

namespace {
// The guest wrote to a page holding translated code: running code returns
// at its next block boundary (the current block finishes, as the
// interpreter's would) and the engine reports the invalidation.
void stop_if_code_written(JitContext* ctx) noexcept {
  if (ctx->memory->code_write_pending()) ctx->stop_at = 0;
}
}  // namespace

extern "C" std::uint8_t* vm_jit_host_ptr(JitContext* ctx, std::uint64_t addr, std::uint64_t size,
                                         std::uint64_t need) noexcept {
  std::uint8_t* p = ctx->memory->host_ptr(addr, size, static_cast<std::uint8_t>(need));
  if (!p) {
    ctx->trap.cause =
        static_cast<std::uint64_t>((need & mem::kPermWrite) ? TrapCause::kStorePageFault : TrapCause::kLoadPageFault);
    ctx->trap.tval = addr;
  }
  stop_if_code_written(ctx);
  return p;
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
  stop_if_code_written(ctx);
  return 0;
}

extern "C" bool vm_jit_fp(CpuState* cpu, std::uint64_t opcode, std::uint64_t aux, std::uint64_t a, std::uint64_t b,
                          std::uint64_t c, std::uint64_t* out) noexcept {
  const auto op = static_cast<ir::Opcode>(opcode);
#if VM_HOST_FP_SSE
  // The interpreter's fast path, so both engines leave identical state.
  if (host_fp::execute_inline(op, static_cast<unsigned>(aux), cpu->fcsr, a, b, c, *out)) return true;
#endif
  unsigned rm = static_cast<unsigned>(aux);
  if (rm == ir::kRmDynamic) rm = cpu->frm();
  if (rm > 4) return false;
  std::uint32_t flags = 0;
  *out = fp::execute_soft(op, a, b, c, rm, flags);
  cpu->fcsr |= flags;
  return true;
}

extern "C" void vm_jit_note_target(CodeEntry* entry, std::uint64_t target) noexcept {
  entry->last_target = target;
  entry->note_target(target);
}

extern "C" bool vm_jit_csr(CpuState* cpu, std::uint64_t aux, std::uint64_t csr, std::uint64_t src,
                           std::uint64_t source_is_zero, std::uint64_t instret_now, std::uint64_t* old) noexcept {
  host_fp::fold_flags(cpu->fcsr);
  return interp::execute_csr(*cpu, static_cast<std::uint8_t>(aux), static_cast<std::uint16_t>(csr), src,
                             source_is_zero != 0, instret_now, *old);
}

}  // namespace vm::engine::jit
