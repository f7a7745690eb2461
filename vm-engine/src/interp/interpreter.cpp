// The direct-threaded interpreter loop. Every IR op has a label here; each
// handler ends by jumping straight to the next op's handler (no central
// switch), and block terminators follow cached successor links.
#include "vm/engine/interpreter.hpp"

#include <atomic>
#include <cstring>

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
  if (impl_->options.max_block_insns == 0 || impl_->options.max_block_insns > 255)
    impl_->options.max_block_insns = 64;
}

Interpreter::~Interpreter() = default;

const Trap& Interpreter::last_trap() const noexcept { return impl_->trap; }

void Interpreter::flush_code_cache() {
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
  // Round-to-nearest arithmetic runs inline on the host FPU (host_fp.hpp).
  kLabels[static_cast<std::size_t>(ir::Opcode::FaddD)] = &&L_FaddD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FsubD)] = &&L_FsubD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FmulD)] = &&L_FmulD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FdivD)] = &&L_FdivD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FsqrtD)] = &&L_FsqrtD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FaddS)] = &&L_FaddS;
  kLabels[static_cast<std::size_t>(ir::Opcode::FsubS)] = &&L_FsubS;
  kLabels[static_cast<std::size_t>(ir::Opcode::FmulS)] = &&L_FmulS;
  kLabels[static_cast<std::size_t>(ir::Opcode::FdivS)] = &&L_FdivS;
  kLabels[static_cast<std::size_t>(ir::Opcode::FsqrtS)] = &&L_FsqrtS;
  kLabels[static_cast<std::size_t>(ir::Opcode::FsgnjD)] = &&L_FsgnjD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FsgnjnD)] = &&L_FsgnjnD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FsgnjxD)] = &&L_FsgnjxD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FmvXD)] = &&L_FmvXD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FmvDX)] = &&L_FmvDX;
  kLabels[static_cast<std::size_t>(ir::Opcode::FeqD)] = &&L_FeqD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FltD)] = &&L_FltD;
  kLabels[static_cast<std::size_t>(ir::Opcode::FleD)] = &&L_FleD;
  if (host_fp::host_has_fma()) {
    kLabels[static_cast<std::size_t>(ir::Opcode::FmaddD)] = &&L_FmaddD;
    kLabels[static_cast<std::size_t>(ir::Opcode::FmsubD)] = &&L_FmsubD;
    kLabels[static_cast<std::size_t>(ir::Opcode::FnmsubD)] = &&L_FnmsubD;
    kLabels[static_cast<std::size_t>(ir::Opcode::FnmaddD)] = &&L_FnmaddD;
  }
  host_fp::GuestFpScope guest_fp;
#endif

  Impl& s = *impl_;
  std::uint64_t* const R = cpu.regs;
  std::uint8_t* const base = s.memory.host_base();
  const std::uint8_t* const perms = s.memory.perm_table();
  const std::uint64_t limit = s.memory.limit();
  std::uint64_t instret = cpu.instret;
  const std::uint64_t stop_at = (max_insns > ~std::uint64_t{0} - instret) ? ~std::uint64_t{0} : instret + max_insns;

  ExecBlock* blk = s.get_block(cpu.pc, kLabels);
  const ExecOp* op = blk->ops.data();
  std::uint64_t next_pc = 0;
  unsigned link = 0;
  HaltReason reason = HaltReason::kNone;
  std::uint64_t fault_addr = 0;
  TrapCause fault_cause = TrapCause::kLoadPageFault;

#define NEXT()             \
  do {                     \
    ++op;                  \
    goto *op->handler;     \
  } while (0)

  // Fast path: in bounds, every needed permission (an AMO needs read and
  // write), and not crossing a page; otherwise ask
  // the address space (which handles page-crossing accesses exactly).
#define MEM_PTR(ptr, addr_expr, size, need, cause)                                                 \
  std::uint8_t* ptr;                                                                               \
  {                                                                                                \
    const std::uint64_t a_ = (addr_expr);                                                          \
    if (VM_LIKELY(a_ < limit && (perms[a_ >> 12] & (need)) == (need) && (a_ & 0xfff) <= 4096 - (size))) {    \
      ptr = base + a_;                                                                             \
    } else if (!(ptr = s.memory.host_ptr(a_, (size), (need)))) {                                   \
      fault_addr = a_;                                                                             \
      fault_cause = (cause);                                                                       \
      goto fault;                                                                                  \
    }                                                                                              \
  }

  goto *op->handler;

#define RRR(name, expr)                                   \
  L_##name : {                                            \
    const std::uint64_t a = R[op->src1], b = R[op->src2]; \
    R[op->dst] = (expr);                                  \
    NEXT();                                               \
  }
#define RRI(name, expr)                   \
  L_##name : {                            \
    const std::uint64_t a = R[op->src1];  \
    const std::int64_t imm = op->imm;     \
    R[op->dst] = (expr);                  \
    NEXT();                               \
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

#define LOAD(name, T, size, convert)                                                              \
  L_##name : {                                                                                    \
    MEM_PTR(p, R[op->src1] + static_cast<std::uint64_t>(op->imm), size, mem::kPermRead,           \
            TrapCause::kLoadPageFault)                                                            \
    R[op->dst] = convert(load_host<T>(p));                                                        \
    NEXT();                                                                                       \
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

#define STORE(name, T, size)                                                                      \
  L_##name : {                                                                                    \
    MEM_PTR(p, R[op->src1] + static_cast<std::uint64_t>(op->imm), size, mem::kPermWrite,          \
            TrapCause::kStorePageFault)                                                           \
    store_host<T>(p, static_cast<T>(R[op->src2]));                                                \
    NEXT();                                                                                       \
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
  // Inline only when the op rounds to nearest-even (static or via frm).
#define FP_RNE() (op->aux == 0 || (op->aux == ir::kRmDynamic && (cpu.fcsr & 0xe0) == 0))
#define FP_D2(name, expr)                                                     \
  L_##name : {                                                                \
    if (VM_UNLIKELY(!FP_RNE())) goto L_fp;                                    \
    const __m128d a = _mm_set_sd(host_fp::as_double(R[op->src1]));            \
    const __m128d b = _mm_set_sd(host_fp::as_double(R[op->src2]));            \
    (void)b;                                                                  \
    R[op->dst] = host_fp::from_double(_mm_cvtsd_f64(expr));                   \
    NEXT();                                                                   \
  }
  FP_D2(FaddD, _mm_add_sd(a, b))
  FP_D2(FsubD, _mm_sub_sd(a, b))
  FP_D2(FmulD, _mm_mul_sd(a, b))
  FP_D2(FdivD, _mm_div_sd(a, b))
  FP_D2(FsqrtD, _mm_sqrt_sd(a, a))
#undef FP_D2
#define FP_S2(name, expr)                                                     \
  L_##name : {                                                                \
    if (VM_UNLIKELY(!FP_RNE() || !host_fp::boxed(R[op->src1]) ||              \
                    (!host_fp::boxed(R[op->src2]) && op->opcode != ir::Opcode::FsqrtS))) \
      goto L_fp;                                                              \
    const __m128 a = _mm_set_ss(host_fp::as_float(R[op->src1]));              \
    const __m128 b = _mm_set_ss(host_fp::as_float(R[op->src2]));              \
    (void)b;                                                                  \
    R[op->dst] = host_fp::from_float(_mm_cvtss_f32(expr));                    \
    NEXT();                                                                   \
  }
  FP_S2(FaddS, _mm_add_ss(a, b))
  FP_S2(FsubS, _mm_sub_ss(a, b))
  FP_S2(FmulS, _mm_mul_ss(a, b))
  FP_S2(FdivS, _mm_div_ss(a, b))
  FP_S2(FsqrtS, _mm_sqrt_ss(a))
#undef FP_S2
  // fma(inf, 0, qNaN) must raise NV in RISC-V but not necessarily on x86, so
  // a NaN addend takes the software path.
#define FP_FMA_D(name, kind)                                                                        \
  L_##name : {                                                                                      \
    const double c = host_fp::as_double(R[op->src3]);                                               \
    if (VM_UNLIKELY(!FP_RNE() || c != c)) goto L_fp;                                                \
    R[op->dst] = host_fp::from_double(                                                              \
        host_fp::fma_double(host_fp::as_double(R[op->src1]), host_fp::as_double(R[op->src2]), c, kind)); \
    NEXT();                                                                                         \
  }
  FP_FMA_D(FmaddD, 0)
  FP_FMA_D(FmsubD, 1)
  FP_FMA_D(FnmsubD, 2)
  FP_FMA_D(FnmaddD, 3)
#undef FP_FMA_D
#undef FP_RNE
  // Sign injection and moves are bit operations (no flags, NaNs preserved).
  L_FsgnjD:
  R[op->dst] = (R[op->src1] & ~(1ull << 63)) | (R[op->src2] & (1ull << 63));
  NEXT();
  L_FsgnjnD:
  R[op->dst] = (R[op->src1] & ~(1ull << 63)) | (~R[op->src2] & (1ull << 63));
  NEXT();
  L_FsgnjxD:
  R[op->dst] = R[op->src1] ^ (R[op->src2] & (1ull << 63));
  NEXT();
  L_FmvXD:
  L_FmvDX:
  R[op->dst] = R[op->src1];
  NEXT();
  // Comparisons: ordered operands compare without raising anything; NaNs
  // give 0 and NV (feq: only for signalling NaNs).
#define FP_CMP(name, cmp, quiet)                                                          \
  L_##name : {                                                                            \
    const std::uint64_t ab = R[op->src1], bb = R[op->src2];                               \
    const double a = host_fp::as_double(ab), b = host_fp::as_double(bb);                  \
    if (VM_LIKELY(a == a && b == b)) {                                                    \
      R[op->dst] = (cmp) ? 1 : 0;                                                         \
    } else {                                                                              \
      const auto snan = [](std::uint64_t v) {                                             \
        return (v & 0x7ff8000000000000ull) == 0x7ff0000000000000ull && (v << 12) != 0;    \
      };                                                                                  \
      if (!(quiet) || snan(ab) || snan(bb)) cpu.fcsr |= fp::kFlagNV;                      \
      R[op->dst] = 0;                                                                     \
    }                                                                                     \
    NEXT();                                                                               \
  }
  FP_CMP(FeqD, a == b, true)
  FP_CMP(FltD, a < b, false)
  FP_CMP(FleD, a <= b, false)
#undef FP_CMP
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
#define CHAIN(link_index, target_expr)                   \
  {                                                      \
    next_pc = (target_expr);                             \
    instret += blk->insn_count;                          \
    if (VM_UNLIKELY(instret >= stop_at)) goto at_limit;  \
    ExecBlock* nb = blk->next[link_index];               \
    if (VM_UNLIKELY(!nb)) {                              \
      link = (link_index);                               \
      goto link_miss;                                    \
    }                                                    \
    blk = nb;                                            \
    op = nb->ops.data();                                 \
    goto *op->handler;                                   \
  }
#define BRANCH(name, cond)                                \
  L_##name : {                                            \
    const std::uint64_t a = R[op->src1], b = R[op->src2]; \
    if (cond) CHAIN(0, static_cast<std::uint64_t>(op->imm)) \
    CHAIN(1, blk->end_pc)                                 \
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
  goto *op->handler;
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
  reason = HaltReason::kInstructionLimit;
  goto out;

link_miss : {
  ExecBlock* nb = s.get_block(next_pc, kLabels);
  if (nb != s.fault_block.get()) blk->next[link] = nb;
  blk = nb;
  op = blk->ops.data();
  goto *op->handler;
}

fault:
  // Precise state: instructions before the faulting one have retired.
  instret += op->insn;
  cpu.pc = blk->start_pc + blk->insn_offsets[op->insn];
  s.trap = Trap{static_cast<std::uint64_t>(fault_cause), fault_addr, cpu.pc};
  reason = fault_cause == TrapCause::kBreakpoint ? HaltReason::kBreakpoint : HaltReason::kFault;
  goto out;

out:
  host_fp::fold_flags(cpu.fcsr);
  cpu.instret = instret;
  return reason;
#undef NEXT
#undef MEM_PTR
#undef CHAIN
}

}  // namespace vm::engine
