// The direct-threaded interpreter loop. Every IR op has a label here; each
// handler ends by jumping straight to the next op's handler (no central
// switch), and block terminators follow cached successor links.
#include "vm/engine/interpreter.hpp"

#include <atomic>
#include <cstring>
#include <mutex>

#include "interp/block_cache.hpp"
#include "interp/csr.hpp"
#include "interp/host_fp.hpp"
#include "interp/int_semantics.hpp"
#include "interp/translate.hpp"
#include "vm/cross_arch/frontend.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

#define VM_LIKELY(x) __builtin_expect(!!(x), 1)
#define VM_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace vm::engine {

using cross_arch::TrapCause;
using interp::ExecBlock;
using interp::ExecOp;
namespace host_fp = interp::host_fp;
namespace fp = cross_arch::riscv::fp;

struct Interpreter::Impl {
  Impl(mem::UserAddressSpace& m, InterpreterOptions o) : memory(m), options(std::move(o)), translator(m) {}
  mem::UserAddressSpace& memory;
  InterpreterOptions options;
  interp::Translator translator;
  interp::BlockCache cache;
  Trap trap;
  InterpreterStats stats;

  // Returns the block at pc, translating it on a miss. Blocks that fault on
  // their very first fetch are not cached (the page may be mapped later).
  __attribute__((noinline)) ExecBlock* get_block(std::uint64_t pc, const void* const* labels) {
    if (ExecBlock* b = cache.find(pc)) return b;
    core::perf::ScopedEvent timing(options.perf, core::perf::Event::kBlockTranslated, pc);
    host_fp::HostFpPause keep_guest_fp_flags;
    cross_arch::ir::Block block = translator.lift(pc, options.max_block_insns);
    if (options.on_translate) options.on_translate(block);
    ++stats.blocks_translated;
    std::unique_ptr<ExecBlock> exec = interp::to_exec_block(block, labels);
    if (translator.is_fetch_fault(block)) {
      fault_block = std::move(exec);
      return fault_block.get();
    }
    return cache.insert(std::move(exec));
  }
  std::unique_ptr<ExecBlock> fault_block;
};

Interpreter::Interpreter(mem::UserAddressSpace& memory, InterpreterOptions options)
    : impl_(std::make_unique<Impl>(memory, std::move(options))) {
  if (impl_->options.max_block_insns == 0 || impl_->options.max_block_insns > 255) impl_->options.max_block_insns = 64;
}

Interpreter::~Interpreter() = default;

const Trap& Interpreter::last_trap() const noexcept { return impl_->trap; }

void Interpreter::flush_code_cache() {
  impl_->memory.clear_code_marks();
  impl_->cache.clear();
  impl_->fault_block.reset();
  ++impl_->stats.cache_flushes;
}

InterpreterStats Interpreter::stats() const noexcept {
  InterpreterStats s = impl_->stats;
  s.cached_blocks = impl_->cache.size();
  return s;
}

template <typename T>
static inline T load_host(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
static inline void store_host(std::uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

HaltReason Interpreter::run(CpuState& cpu, std::uint64_t max_insns) {
  // The label table is expanded from opcodes.inc: most ops have their own
  // handler; FP and AMO ops share one generic handler per class.
#define LABEL_RRR(name) &&L_##name
#define LABEL_RRI(name) &&L_##name
#define LABEL_RI(name) &&L_##name
#define LABEL_LOAD(name) &&L_##name
#define LABEL_STORE(name) &&L_##name
#define LABEL_AMO(name) &&L_amo
#define LABEL_FP1(name) &&L_fp
#define LABEL_FP2(name) &&L_fp
#define LABEL_FP3(name) &&L_fp
#define LABEL_CSR(name) &&L_##name
#define LABEL_BRANCH(name) &&L_##name
#define LABEL_JUMP(name) &&L_##name
#define LABEL_JUMPR(name) &&L_##name
#define LABEL_SYS(name) &&L_##name
#define LABEL_TRAP(name) &&L_##name
#define LABEL_NONE(name) &&L_##name
  static const void* kLabels[] = {
#define OP(name, format, text) LABEL_##format(name),
#include "vm/cross_arch/ir/opcodes.inc"
#undef OP
  };

#if VM_HOST_FP_SSE
  // The host fast path (host_fp::execute_inline) gets its own handler per
  // op. Patched once: the tiered engine calls run() for every block.
  static std::atomic<bool> patched{false};
  if (!patched.load(std::memory_order_acquire)) {
    static std::mutex patching;
    std::lock_guard lock(patching);
#define PATCH_INLINE_FP(name) kLabels[static_cast<std::size_t>(ir::Opcode::name)] = &&L_##name;
    if (!patched.load(std::memory_order_relaxed)) {
      VM_HOST_FP_INLINE_OPS(PATCH_INLINE_FP)
      patched.store(true, std::memory_order_release);
    }
#undef PATCH_INLINE_FP
  }
  host_fp::GuestFpScope guest_fp;
#endif

  Impl& s = *impl_;
  std::uint64_t* const R = cpu.regs;
  std::uint8_t* const base = s.memory.host_base();
  const std::uint8_t* const perms = s.memory.perm_table();
  const std::uint64_t limit = s.memory.limit();
  std::uint64_t instret = cpu.instret;
  // Lowered to 0 when the guest writes to a page holding translated code.
  std::uint64_t stop_at = (max_insns > ~std::uint64_t{0} - instret) ? ~std::uint64_t{0} : instret + max_insns;

  ExecBlock* blk = s.get_block(cpu.pc, kLabels);
  const ExecOp* op = blk->ops.data();
  std::uint64_t next_pc = 0;
  unsigned link = 0;
  HaltReason reason = HaltReason::kNone;
  std::uint64_t fault_addr = 0;
  TrapCause fault_cause = TrapCause::kLoadPageFault;

#define NEXT()          \
  do {                  \
    ++op;               \
    goto * op->handler; \
  } while (0)

  // Fast path: in bounds, every needed permission (an AMO needs read and
  // write; a store also a page without translated code: fast_path_bits),
  // and not crossing a page; otherwise ask the address space (which handles
  // page-crossing accesses exactly).
#define MEM_PTR(ptr, addr_expr, size, need, cause)                                                            \
  std::uint8_t* ptr;                                                                                          \
  {                                                                                                           \
    const std::uint64_t a_ = (addr_expr);                                                                     \
    if (VM_LIKELY(a_ < limit && (perms[a_ >> 12] & mem::fast_path_bits(need)) == mem::fast_path_bits(need) && \
                  (a_ & 0xfff) <= 4096 - (size))) {                                                           \
      ptr = base + a_;                                                                                        \
    } else if (!(ptr = s.memory.host_ptr(a_, (size), (need)))) {                                              \
      fault_addr = a_;                                                                                        \
      fault_cause = (cause);                                                                                  \
      goto fault;                                                                                             \
    } else if (VM_UNLIKELY(s.memory.code_write_pending())) {                                                  \
      stop_at = 0; /* translated code was written: stop at this block's end */                                \
    }                                                                                                         \
  }

  goto * op->handler;

#define RRR(name, expr)                                   \
  L_##name : {                                            \
    const std::uint64_t a = R[op->src1], b = R[op->src2]; \
    R[op->dst] = (expr);                                  \
    NEXT();                                               \
  }
#define RRI(name, expr)                  \
  L_##name : {                           \
    const std::uint64_t a = R[op->src1]; \
    const std::int64_t imm = op->imm;    \
    R[op->dst] = (expr);                 \
    NEXT();                              \
  }
  RRR(Add, a + b)
  RRR(Sub, a - b)
  RRR(Sll, a << (b & 63))
  RRR(Slt, static_cast<std::int64_t>(a) < static_cast<std::int64_t>(b) ? 1u : 0u)
  RRR(Sltu, a < b ? 1u : 0u)
  RRR(Xor, a ^ b)
  RRR(Srl, a >> (b & 63))
  RRR(Sra, static_cast<std::uint64_t>(static_cast<std::int64_t>(a) >> (b & 63)))
  RRR(Or, a | b)
  RRR(And, a & b)
  RRR(AddW, interp::sext32(a + b))
  RRR(SubW, interp::sext32(a - b))
  RRR(SllW, interp::sext32(a << (b & 31)))
  RRR(SrlW, interp::sext32(static_cast<std::uint32_t>(a) >> (b & 31)))
  RRR(SraW, interp::sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(a) >> (b & 31))))
  RRR(Mul, a * b)
  RRR(Mulh, interp::mulh(a, b))
  RRR(Mulhsu, interp::mulhsu(a, b))
  RRR(Mulhu, interp::mulhu(a, b))
  RRR(Div, interp::div64(a, b))
  RRR(Divu, interp::divu64(a, b))
  RRR(Rem, interp::rem64(a, b))
  RRR(Remu, interp::remu64(a, b))
  RRR(MulW, interp::sext32(a * b))
  RRR(DivW, interp::div32(a, b))
  RRR(DivuW, interp::divu32(a, b))
  RRR(RemW, interp::rem32(a, b))
  RRR(RemuW, interp::remu32(a, b))
  RRI(AddI, a + static_cast<std::uint64_t>(imm))
  RRI(SltI, static_cast<std::int64_t>(a) < imm ? 1u : 0u)
  RRI(SltuI, a < static_cast<std::uint64_t>(imm) ? 1u : 0u)
  RRI(XorI, a ^ static_cast<std::uint64_t>(imm))
  RRI(OrI, a | static_cast<std::uint64_t>(imm))
  RRI(AndI, a & static_cast<std::uint64_t>(imm))
  RRI(SllI, a << (imm & 63))
  RRI(SrlI, a >> (imm & 63))
  RRI(SraI, static_cast<std::uint64_t>(static_cast<std::int64_t>(a) >> (imm & 63)))
  RRI(AddIW, interp::sext32(a + static_cast<std::uint64_t>(imm)))
  RRI(SllIW, interp::sext32(a << (imm & 31)))
  RRI(SrlIW, interp::sext32(static_cast<std::uint32_t>(a) >> (imm & 31)))
  RRI(SraIW, interp::sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(a) >> (imm & 31))))
#undef RRR
#undef RRI

L_LoadImm:
  R[op->dst] = static_cast<std::uint64_t>(op->imm);
  NEXT();

#define LOAD(name, T, size, convert)                                                                               \
  L_##name : {                                                                                                     \
    MEM_PTR(p, R[op->src1] + static_cast<std::uint64_t>(op->imm), size, mem::kPermRead, TrapCause::kLoadPageFault) \
    R[op->dst] = convert(load_host<T>(p));                                                                         \
    NEXT();                                                                                                        \
  }
#define SIGNED(v) static_cast<std::uint64_t>(static_cast<std::int64_t>(v))
#define UNSIGNED(v) static_cast<std::uint64_t>(v)
#define BOXED(v) fp::nan_box(v)
  LOAD(Lb, std::int8_t, 1, SIGNED)
  LOAD(Lh, std::int16_t, 2, SIGNED)
  LOAD(Lw, std::int32_t, 4, SIGNED)
  LOAD(Ld, std::uint64_t, 8, UNSIGNED)
  LOAD(Lbu, std::uint8_t, 1, UNSIGNED)
  LOAD(Lhu, std::uint16_t, 2, UNSIGNED)
  LOAD(Lwu, std::uint32_t, 4, UNSIGNED)
  LOAD(Flw, std::uint32_t, 4, BOXED)
  LOAD(Fld, std::uint64_t, 8, UNSIGNED)
#undef LOAD
#undef SIGNED
#undef UNSIGNED
#undef BOXED

#define STORE(name, T, size)                                                                                         \
  L_##name : {                                                                                                       \
    MEM_PTR(p, R[op->src1] + static_cast<std::uint64_t>(op->imm), size, mem::kPermWrite, TrapCause::kStorePageFault) \
    store_host<T>(p, static_cast<T>(R[op->src2]));                                                                   \
    NEXT();                                                                                                          \
  }
  STORE(Sb, std::uint8_t, 1)
  STORE(Sh, std::uint16_t, 2)
  STORE(Sw, std::uint32_t, 4)
  STORE(Sd, std::uint64_t, 8)
  STORE(Fsw, std::uint32_t, 4)
  STORE(Fsd, std::uint64_t, 8)
#undef STORE

L_Fence:
  NEXT();

L_amo : {
  const std::uint64_t addr = R[op->src1];
  const bool is_lr = op->opcode == ir::Opcode::LrW || op->opcode == ir::Opcode::LrD;
  const bool wide = interp::amo_is_64bit(op->opcode);
  const unsigned size = wide ? 8 : 4;
  if (VM_UNLIKELY(addr & (size - 1))) {
    fault_addr = addr;
    fault_cause = is_lr ? TrapCause::kLoadMisaligned : TrapCause::kStoreMisaligned;
    goto fault;
  }
  const std::uint8_t need = is_lr ? mem::kPermRead : (mem::kPermRead | mem::kPermWrite);
  MEM_PTR(p, addr, size, need, is_lr ? TrapCause::kLoadPageFault : TrapCause::kStorePageFault)
  R[op->dst] = interp::execute_amo(op->opcode, p, R[op->src2], addr, cpu.reservation);
  NEXT();
}

L_fp : {
  unsigned rm = op->aux;
  if (rm == ir::kRmDynamic) rm = cpu.frm();
  if (VM_UNLIKELY(rm > 4)) {
    fault_addr = 0;
    fault_cause = TrapCause::kIllegalInsn;
    goto fault;
  }
  // The software path never touches the host FPU, so it cannot disturb the
  // flags the inline path keeps pending in MXCSR.
  std::uint32_t flags = 0;
  R[op->dst] = fp::execute_soft(op->opcode, R[op->src1], R[op->src2], R[op->src3], rm, flags);
  cpu.fcsr |= flags;
  NEXT();
}

#if VM_HOST_FP_SSE
// One handler per op, each an instance of the shared fast path with a
// constant op (it folds to the host instruction); the rest go to L_fp.
#define INLINE_FP(name)                                                                                     \
  L_##name : {                                                                                              \
    std::uint64_t result;                                                                                   \
    if (VM_UNLIKELY(!host_fp::execute_inline(ir::Opcode::name, op->aux, cpu.fcsr, R[op->src1], R[op->src2], \
                                             R[op->src3], result)))                                         \
      goto L_fp;                                                                                            \
    R[op->dst] = result;                                                                                    \
    NEXT();                                                                                                 \
  }
  VM_HOST_FP_INLINE_OPS(INLINE_FP)
#undef INLINE_FP
#endif

L_Csr : {
  host_fp::fold_flags(cpu.fcsr);  // fflags must be exact before any CSR access
  const auto kind = static_cast<ir::CsrOp>(op->aux);
  const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
  const std::uint64_t src = immediate ? op->src2 : R[op->src1];
  const bool source_is_zero = immediate ? op->src2 == 0 : op->src1 == 0;
  std::uint64_t old = 0;
  if (VM_UNLIKELY(!interp::execute_csr(cpu, op->aux, static_cast<std::uint16_t>(op->imm), src, source_is_zero,
                                       instret + op->insn, old))) {
    fault_addr = 0;
    fault_cause = TrapCause::kIllegalInsn;
    goto fault;
  }
  R[op->dst] = old;
  NEXT();
}

// Each terminator ends with its own copy of the chaining code, so every
// block exit has its own indirect jump and branch-predictor history.
#define CHAIN(link_index, target_expr)                  \
  {                                                     \
    next_pc = (target_expr);                            \
    instret += blk->insn_count;                         \
    if (VM_UNLIKELY(instret >= stop_at)) goto at_limit; \
    ExecBlock* nb = blk->next[link_index];              \
    if (VM_UNLIKELY(!nb)) {                             \
      link = (link_index);                              \
      goto link_miss;                                   \
    }                                                   \
    blk = nb;                                           \
    op = nb->ops.data();                                \
    goto * op->handler;                                 \
  }
#define BRANCH(name, cond)                                  \
  L_##name : {                                              \
    const std::uint64_t a = R[op->src1], b = R[op->src2];   \
    if (cond) CHAIN(0, static_cast<std::uint64_t>(op->imm)) \
    CHAIN(1, blk->end_pc)                                   \
  }
  BRANCH(Beq, a == b)
  BRANCH(Bne, a != b)
  BRANCH(Blt, static_cast<std::int64_t>(a) < static_cast<std::int64_t>(b))
  BRANCH(Bge, static_cast<std::int64_t>(a) >= static_cast<std::int64_t>(b))
  BRANCH(Bltu, a < b)
  BRANCH(Bgeu, a >= b)
#undef BRANCH

L_Jump:
  CHAIN(0, static_cast<std::uint64_t>(op->imm))

L_JumpR : {
  // Indirect: returns and computed jumps go through the jump cache.
  next_pc = (R[op->src1] + static_cast<std::uint64_t>(op->imm)) & ~std::uint64_t{1};
  instret += blk->insn_count;
  if (VM_UNLIKELY(instret >= stop_at)) goto at_limit;
  ExecBlock* nb = s.cache.peek(next_pc);
  blk = VM_LIKELY(nb != nullptr) ? nb : s.get_block(next_pc, kLabels);
  op = blk->ops.data();
  goto * op->handler;
}

L_Ecall:
  // The ecall retires; the environment performs the call and moves pc on.
  instret += op->insn + 1u;
  cpu.pc = blk->start_pc + blk->insn_offsets[op->insn];
  reason = HaltReason::kEcall;
  goto out;

L_FenceI:
  instret += op->insn + 1u;
  cpu.pc = blk->end_pc;
  reason = HaltReason::kCodeInvalidated;
  goto out;

L_Ebreak:
  fault_addr = blk->start_pc + blk->insn_offsets[op->insn];
  fault_cause = TrapCause::kBreakpoint;
  goto fault;

L_Trap:
  fault_addr = static_cast<std::uint64_t>(op->imm);
  fault_cause = static_cast<TrapCause>(op->aux);
  goto fault;

at_limit:
  cpu.pc = next_pc;
  reason = s.memory.code_write_pending() ? HaltReason::kCodeInvalidated : HaltReason::kInstructionLimit;
  goto out;

link_miss : {
  ExecBlock* nb = s.get_block(next_pc, kLabels);
  if (nb != s.fault_block.get()) blk->next[link] = nb;
  blk = nb;
  op = blk->ops.data();
  goto * op->handler;
}

fault:
  // Precise state: instructions before the faulting one have retired.
  instret += op->insn;
  cpu.pc = blk->start_pc + blk->insn_offsets[op->insn];
  s.trap = Trap{static_cast<std::uint64_t>(fault_cause), fault_addr, cpu.pc};
  reason = fault_cause == TrapCause::kBreakpoint ? HaltReason::kBreakpoint : HaltReason::kFault;
  goto out;

out:
#if VM_HOST_FP_SSE
  if (guest_fp.outermost()) host_fp::fold_flags(cpu.fcsr);  // else the enclosing run folds them
#endif
  cpu.instret = instret;
  return reason;
#undef NEXT
#undef MEM_PTR
#undef CHAIN
}

}  // namespace vm::engine
