// Inline lowering of the hot RISC-V FP ops, the JIT's counterpart of the
// interpreter's host_fp::execute_inline: the same ops, on the host's SSE/FMA
// unit with round-to-nearest, flags left sticky in MXCSR, and RISC-V's
// canonical NaN for every NaN result. Everything else calls vm_jit_fp.
// Also the fflags CSR, which reads and clears those pending MXCSR flags.
#include <llvm/IR/IntrinsicsX86.h>

#include "interp/host_fp.hpp"
#include "jit/region_lowering.hpp"

namespace vm::engine::jit {

namespace {
constexpr std::uint64_t kCanonicalNanD = cross_arch::riscv::fp::kCanonicalNaN64;
constexpr std::uint32_t kCanonicalNanS = cross_arch::riscv::fp::kCanonicalNaN32;
constexpr std::uint64_t kBoxHigh = 0xffffffff00000000ull;
constexpr std::uint64_t kSign = 1ull << 63;
}  // namespace

// An improperly NaN-boxed single reads as the canonical NaN (a quiet NaN:
// the host op then raises exactly what RISC-V would).
llvm::Value* RegionLowering::as_single(llvm::Value* bits) {
  llvm::Value* boxed = b_.CreateICmpEQ(b_.CreateLShr(bits, 32), c64(0xffffffffu));
  llvm::Value* low = b_.CreateSelect(boxed, lo32(bits), b_.getInt32(kCanonicalNanS));
  return b_.CreateBitCast(low, b_.getFloatTy());
}

// NaN tests on the bits, so they raise nothing.
llvm::Value* RegionLowering::is_nan_double(llvm::Value* bits) {
  return b_.CreateICmpUGT(b_.CreateAnd(bits, c64(~kSign)), c64(0x7ff0000000000000ull));
}
// The NaN test stays in the FP domain (a quiet self-compare, which raises
// nothing for the quiet NaNs SSE produces, and a select LLVM lowers to a
// branch that is never taken): testing the bits in an integer register
// put two xmm<->gpr moves (~3 cycles each) on every FP dependency chain.
llvm::Value* RegionLowering::from_double(llvm::Value* d) {
  llvm::Value* nan = b_.CreateFCmpUNO(d, d);
  llvm::Value* canonical = llvm::ConstantFP::get(
      b_.getDoubleTy(), llvm::APFloat(llvm::APFloat::IEEEdouble(), llvm::APInt(64, kCanonicalNanD)));
  return b_.CreateBitCast(b_.CreateSelect(nan, canonical, d), i64_);
}
llvm::Value* RegionLowering::from_single(llvm::Value* f) {
  llvm::Value* bits = b_.CreateBitCast(f, i32_);
  llvm::Value* nan = b_.CreateICmpUGT(b_.CreateAnd(bits, b_.getInt32(0x7fffffffu)), b_.getInt32(0x7f800000u));
  llvm::Value* value = b_.CreateOr(b_.CreateZExt(bits, i64_), c64(kBoxHigh));
  return b_.CreateSelect(nan, c64(kBoxHigh | kCanonicalNanS), value);
}

llvm::Value* RegionLowering::fp_intrinsic(llvm::Intrinsic::ID id, llvm::Type* t,
                                          std::initializer_list<llvm::Value*> args) {
  llvm::Function* callee = llvm::Intrinsic::getDeclaration(&module_, id, {t});
  return b_.CreateConstrainedFPCall(callee, std::vector<llvm::Value*>(args));
}

// Exactly the ops lower_fp_inline writes with write_pending (a superset
// would only cost stores): compute_dirty_on_entry replays it.
bool RegionLowering::leaves_nan_pending(const ir::Op& op) {
#if VM_HOST_FP_SSE
  const bool nearest = op.aux == 0 || op.aux == ir::kRmDynamic;
  switch (op.opcode) {
    case Opcode::FaddD:
    case Opcode::FsubD:
    case Opcode::FmulD:
    case Opcode::FdivD:
    case Opcode::FsqrtD:
      return nearest;
    case Opcode::FmaddD:
    case Opcode::FmsubD:
    case Opcode::FnmsubD:
    case Opcode::FnmaddD:
      return nearest && interp::host_fp::host_has_fma();
    default:
      return false;
  }
#else
  (void)op;
  return false;
#endif
}

bool RegionLowering::lower_fp_inline(const ir::Op& op) {
#if VM_HOST_FP_SSE
  // Static nearest, or dynamic (the region checked frm on entry).
  const bool nearest = op.aux == 0 || op.aux == ir::kRmDynamic;
  llvm::Type* f64 = b_.getDoubleTy();
  llvm::Type* f32 = b_.getFloatTy();
  const auto raw_d = [&](ir::Slot s) { return as_double(read_raw(s)); };
  const auto s = [&](ir::Slot slot) { return as_single(read(slot)); };
  llvm::Value* r = nullptr;
  switch (op.opcode) {
    case Opcode::FaddD:
    case Opcode::FsubD:
    case Opcode::FmulD:
    case Opcode::FdivD:
    case Opcode::FaddS:
    case Opcode::FsubS:
    case Opcode::FmulS:
    case Opcode::FdivS: {
      if (!nearest) return false;
      const bool single = op.opcode == Opcode::FaddS || op.opcode == Opcode::FsubS || op.opcode == Opcode::FmulS ||
                          op.opcode == Opcode::FdivS;
      llvm::Value* a = single ? s(op.src1) : raw_d(op.src1);
      llvm::Value* b = single ? s(op.src2) : raw_d(op.src2);
      llvm::Value* v = nullptr;
      if (op.opcode == Opcode::FaddD || op.opcode == Opcode::FaddS) v = b_.CreateFAdd(a, b);
      if (op.opcode == Opcode::FsubD || op.opcode == Opcode::FsubS) v = b_.CreateFSub(a, b);
      if (op.opcode == Opcode::FmulD || op.opcode == Opcode::FmulS) v = b_.CreateFMul(a, b);
      if (op.opcode == Opcode::FdivD || op.opcode == Opcode::FdivS) v = b_.CreateFDiv(a, b);
      if (single) {
        r = from_single(v);
        break;
      }
      write_pending(op.dst, b_.CreateBitCast(v, i64_));
      return true;
    }
    case Opcode::FsqrtD:
      if (!nearest) return false;
      write_pending(
          op.dst,
          b_.CreateBitCast(fp_intrinsic(llvm::Intrinsic::experimental_constrained_sqrt, f64, {raw_d(op.src1)}), i64_));
      return true;
    case Opcode::FsqrtS:
      if (!nearest) return false;
      r = from_single(fp_intrinsic(llvm::Intrinsic::experimental_constrained_sqrt, f32, {s(op.src1)}));
      break;
    case Opcode::FmaddD:
    case Opcode::FmsubD:
    case Opcode::FnmsubD:
    case Opcode::FnmaddD: {
      if (!nearest || !interp::host_fp::host_has_fma()) return false;
      // x86 need not raise NV for inf*0 + qNaN where RISC-V must: a NaN
      // addend takes the exact software path.
      llvm::Value* c_bits = read_raw(op.src3);
      llvm::Value* c_nan = is_nan_double(c_bits);
      auto* host = llvm::BasicBlock::Create(ctx_, "fma", fn_);
      auto* soft = llvm::BasicBlock::Create(ctx_, "fma_soft", fn_);
      auto* join = llvm::BasicBlock::Create(ctx_, "fma_join", fn_);
      b_.CreateCondBr(c_nan, soft, host, unlikely());
      b_.SetInsertPoint(soft);
      call(&vm_jit_fp, {cpu_, c64(static_cast<std::uint64_t>(op.opcode)), c64(op.aux), read(op.src1), read(op.src2),
                        read(op.src3), out_});
      llvm::Value* soft_r = b_.CreateLoad(i64_, out_);
      b_.CreateBr(join);
      b_.SetInsertPoint(host);
      llvm::Value* a = raw_d(op.src1);
      llvm::Value* c = as_double(c_bits);
      if (op.opcode == Opcode::FnmsubD || op.opcode == Opcode::FnmaddD) a = b_.CreateFNeg(a);
      if (op.opcode == Opcode::FmsubD || op.opcode == Opcode::FnmaddD) c = b_.CreateFNeg(c);
      llvm::Value* host_r = b_.CreateBitCast(
          fp_intrinsic(llvm::Intrinsic::experimental_constrained_fma, f64, {a, raw_d(op.src2), c}), i64_);
      llvm::BasicBlock* host_end = b_.GetInsertBlock();
      b_.CreateBr(join);
      b_.SetInsertPoint(join);
      llvm::PHINode* phi = b_.CreatePHI(i64_, 2);
      phi->addIncoming(soft_r, soft);
      phi->addIncoming(host_r, host_end);
      write_pending(op.dst, phi);
      return true;
    }
    case Opcode::FsgnjD:
      r = b_.CreateOr(b_.CreateAnd(read(op.src1), c64(~kSign)), b_.CreateAnd(read(op.src2), c64(kSign)));
      break;
    case Opcode::FsgnjnD:
      r = b_.CreateOr(b_.CreateAnd(read(op.src1), c64(~kSign)), b_.CreateAnd(b_.CreateNot(read(op.src2)), c64(kSign)));
      break;
    case Opcode::FsgnjxD:
      r = b_.CreateXor(read(op.src1), b_.CreateAnd(read(op.src2), c64(kSign)));
      break;
    case Opcode::FmvXD:
    case Opcode::FmvDX:
      r = read(op.src1);
      break;
    case Opcode::FeqD:  // quiet: NV only for signalling NaNs (ucomisd)
      r = bool64(b_.CreateFCmpOEQ(raw_d(op.src1), raw_d(op.src2)));
      break;
    case Opcode::FltD:  // signalling: NV for any NaN (comisd)
      r = bool64(b_.CreateFCmpS(llvm::CmpInst::FCMP_OLT, raw_d(op.src1), raw_d(op.src2)));
      break;
    case Opcode::FleD:
      r = bool64(b_.CreateFCmpS(llvm::CmpInst::FCMP_OLE, raw_d(op.src1), raw_d(op.src2)));
      break;
    // Exact in any rounding mode (every int32 is a double): no flags.
    case Opcode::FcvtDW:
      r = b_.CreateBitCast(b_.CreateSIToFP(lo32(read(op.src1)), f64), i64_);
      break;
    case Opcode::FcvtDWu:
      r = b_.CreateBitCast(b_.CreateUIToFP(lo32(read(op.src1)), f64), i64_);
      break;
    case Opcode::FcvtDL:  // may round: cvtsi2sd raises PE as RISC-V raises NX
      if (!nearest) return false;
      r = b_.CreateBitCast(b_.CreateSIToFP(read(op.src1), f64), i64_);
      break;
    default:
      return false;
  }
  write(op.dst, r);
  return true;
#else
  (void)op;
  return false;
#endif
}

#if VM_HOST_FP_SSE
// host_fp::fold_flags inline: moves the status flags pending in MXCSR into
// fcsr (MXCSR back to its guest default) and returns the new fcsr. The
// MXCSR intrinsics have side effects, so LLVM keeps them in order with the
// constrained FP ops around them.
llvm::Value* RegionLowering::fold_pending_flags() {
  llvm::Value* fcsr_ptr = field(cpu_, offsetof(CpuState, fcsr));
  llvm::Value* mxcsr = read_mxcsr();
  llvm::Value* fcsr = b_.CreateLoad(i32_, fcsr_ptr);
  auto* pending = llvm::BasicBlock::Create(ctx_, "flags_pending", fn_);
  auto* join = llvm::BasicBlock::Create(ctx_, "flags_folded", fn_);
  llvm::BasicBlock* from = b_.GetInsertBlock();
  b_.CreateCondBr(b_.CreateICmpNE(b_.CreateAnd(mxcsr, b_.getInt32(0x3f)), b_.getInt32(0)), pending, join);
  b_.SetInsertPoint(pending);
  llvm::Value* folded = b_.CreateOr(fcsr, fflags_of_mxcsr(mxcsr));
  b_.CreateStore(folded, fcsr_ptr);
  write_mxcsr(b_.getInt32(interp::host_fp::kGuestMxcsr));
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
  llvm::PHINode* result = b_.CreatePHI(i32_, 2);
  result->addIncoming(fcsr, from);
  result->addIncoming(folded, pending);
  return result;
}

// The MXCSR word, status flags included (stmxcsr).
llvm::Value* RegionLowering::read_mxcsr() {
  llvm::Value* slot = entry_b_.CreateAlloca(i32_, nullptr, "mxcsr");
  b_.CreateCall(llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::x86_sse_stmxcsr), {slot});
  return b_.CreateLoad(i32_, slot);
}

void RegionLowering::write_mxcsr(llvm::Value* value) {
  llvm::Value* slot = entry_b_.CreateAlloca(i32_, nullptr, "mxcsr");
  b_.CreateStore(value, slot);
  b_.CreateCall(llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::x86_sse_ldmxcsr), {slot});
}

// fflags_from_mxcsr as a 64-entry table indexed by MXCSR's status bits.
llvm::Value* RegionLowering::fflags_of_mxcsr(llvm::Value* mxcsr) {
  constexpr const char* kName = "vm_fflags_of_mxcsr";
  llvm::GlobalVariable* table = module_.getNamedGlobal(kName);
  if (!table) {
    std::vector<std::uint8_t> entries(64);
    for (std::uint32_t m = 0; m < 64; ++m)
      entries[m] = static_cast<std::uint8_t>(interp::host_fp::fflags_from_mxcsr(m));
    llvm::Constant* init = llvm::ConstantDataArray::get(ctx_, entries);
    table = new llvm::GlobalVariable(module_, init->getType(), /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                     init, kName);
  }
  llvm::Value* index = b_.CreateZExt(b_.CreateAnd(mxcsr, b_.getInt32(0x3f)), i64_);
  return b_.CreateZExt(b_.CreateLoad(i8_, b_.CreateGEP(i8_, table, index)), i32_);
}

// csrr*/csrr*i on fflags (frflags/fsflags, which compilers put around quiet
// comparisons) without a call: a call would make LLVM spill every live FP
// value, since SysV saves no XMM register. Same semantics as
// interp::execute_csr for CSR 0x001, which is always legal.
//
// The guest's fflags are fcsr's plus those pending in MXCSR. frflags only
// reads them: nothing is folded, so no ldmxcsr (a slow, serialising write)
// runs. The idiom `frflags t; flt/fle ...; fsflags t` (glibc's quiet
// comparisons, e.g. around every sqrt) then restores the MXCSR word read
// by the frflags, only if the comparison raised something: fp_nbody's
// inner loop ran two flag folds and two ldmxcsr per iteration before.
bool RegionLowering::lower_fflags_inline(const ir::Op& op) {
  if (op.imm != 0x001) return false;
  const auto kind = static_cast<ir::CsrOp>(op.aux);
  const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
  const bool writes = kind == ir::CsrOp::kRw || kind == ir::CsrOp::kRwi || (immediate ? op.src2 != 0 : op.src1 != 0);
  llvm::Value* fcsr_ptr = field(cpu_, offsetof(CpuState, fcsr));
  if (!writes) {
    llvm::Value* mxcsr = read_mxcsr();
    llvm::Value* flags = b_.CreateOr(b_.CreateLoad(i32_, fcsr_ptr), fflags_of_mxcsr(mxcsr));
    write(op.dst, b_.CreateZExt(b_.CreateAnd(flags, b_.getInt32(0x1f)), i64_));
    if (op.dst != 0) fflags_copy_ = FflagsCopy{op.dst, mxcsr};
    return true;
  }
  const bool discards = op.dst == 0 || op.dst == ir::kDiscardSlot;
  if (kind == ir::CsrOp::kRw && discards && op.src1 != 0 && fflags_copy_.slot == op.src1) {
    llvm::Value* saved = fflags_copy_.mxcsr;
    fflags_copy_ = {};
    auto* restore = llvm::BasicBlock::Create(ctx_, "flags_raised", fn_);
    auto* join = llvm::BasicBlock::Create(ctx_, "flags_restored", fn_);
    b_.CreateCondBr(b_.CreateICmpNE(read_mxcsr(), saved), restore, join, unlikely());
    b_.SetInsertPoint(restore);
    write_mxcsr(saved);
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    return true;
  }
  fflags_copy_ = {};
  llvm::Value* fcsr = fold_pending_flags();
  llvm::Value* old = b_.CreateAnd(fcsr, b_.getInt32(0x1f));
  llvm::Value* src = immediate ? b_.getInt32(op.src2) : lo32(read(op.src1));
  llvm::Value* value = src;
  if (kind == ir::CsrOp::kRs || kind == ir::CsrOp::kRsi) value = b_.CreateOr(old, src);
  if (kind == ir::CsrOp::kRc || kind == ir::CsrOp::kRci) value = b_.CreateAnd(old, b_.CreateNot(src));
  llvm::Value* updated = b_.CreateOr(b_.CreateAnd(fcsr, b_.getInt32(~0x1fu)), b_.CreateAnd(value, b_.getInt32(0x1f)));
  b_.CreateStore(updated, fcsr_ptr);
  write(op.dst, b_.CreateZExt(old, i64_));
  return true;
}
#else
llvm::Value* RegionLowering::read_mxcsr() { return nullptr; }
void RegionLowering::write_mxcsr(llvm::Value*) {}
llvm::Value* RegionLowering::fflags_of_mxcsr(llvm::Value*) { return nullptr; }
llvm::Value* RegionLowering::fold_pending_flags() { return nullptr; }
bool RegionLowering::lower_fflags_inline(const ir::Op&) { return false; }
#endif

}  // namespace vm::engine::jit
