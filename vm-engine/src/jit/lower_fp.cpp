// Inline lowering of the hot RISC-V FP ops, the JIT's counterpart of the
// interpreter's host_fp::execute_inline: the same ops, on the host's SSE/FMA
// unit with round-to-nearest, flags left sticky in MXCSR, and RISC-V's
// canonical NaN for every NaN result. Everything else calls vm_jit_fp.
#include "interp/host_fp.hpp"
#include "jit/region_lowering.hpp"

namespace vm::engine::jit {

namespace {
constexpr std::uint64_t kCanonicalNanD = 0x7ff8000000000000ull;
constexpr std::uint32_t kCanonicalNanS = 0x7fc00000u;
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
llvm::Value* RegionLowering::from_double(llvm::Value* d) {
  llvm::Value* bits = b_.CreateBitCast(d, i64_);
  return b_.CreateSelect(is_nan_double(bits), c64(kCanonicalNanD), bits);
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

bool RegionLowering::lower_fp_inline(const ir::Op& op) {
#if VM_HOST_FP_SSE
  // Static nearest, or dynamic (the region checked frm on entry).
  const bool nearest = op.aux == 0 || op.aux == ir::kRmDynamic;
  llvm::Type* f64 = b_.getDoubleTy();
  llvm::Type* f32 = b_.getFloatTy();
  const auto d = [&](ir::Slot s) { return as_double(read(s)); };
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
      llvm::Value* a = single ? s(op.src1) : d(op.src1);
      llvm::Value* b = single ? s(op.src2) : d(op.src2);
      llvm::Value* v = nullptr;
      if (op.opcode == Opcode::FaddD || op.opcode == Opcode::FaddS) v = b_.CreateFAdd(a, b);
      if (op.opcode == Opcode::FsubD || op.opcode == Opcode::FsubS) v = b_.CreateFSub(a, b);
      if (op.opcode == Opcode::FmulD || op.opcode == Opcode::FmulS) v = b_.CreateFMul(a, b);
      if (op.opcode == Opcode::FdivD || op.opcode == Opcode::FdivS) v = b_.CreateFDiv(a, b);
      r = single ? from_single(v) : from_double(v);
      break;
    }
    case Opcode::FsqrtD:
      if (!nearest) return false;
      r = from_double(fp_intrinsic(llvm::Intrinsic::experimental_constrained_sqrt, f64, {d(op.src1)}));
      break;
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
      llvm::Value* c_bits = read(op.src3);
      llvm::Value* c_nan = is_nan_double(c_bits);
      auto* host = llvm::BasicBlock::Create(ctx_, "fma", fn_);
      auto* soft = llvm::BasicBlock::Create(ctx_, "fma_soft", fn_);
      auto* join = llvm::BasicBlock::Create(ctx_, "fma_join", fn_);
      b_.CreateCondBr(c_nan, soft, host, unlikely());
      b_.SetInsertPoint(soft);
      call(&vm_jit_fp,
           {cpu_, c64(static_cast<std::uint64_t>(op.opcode)), c64(op.aux), read(op.src1), read(op.src2), c_bits, out_});
      llvm::Value* soft_r = b_.CreateLoad(i64_, out_);
      b_.CreateBr(join);
      b_.SetInsertPoint(host);
      llvm::Value* a = d(op.src1);
      llvm::Value* c = as_double(c_bits);
      if (op.opcode == Opcode::FnmsubD || op.opcode == Opcode::FnmaddD) a = b_.CreateFNeg(a);
      if (op.opcode == Opcode::FmsubD || op.opcode == Opcode::FnmaddD) c = b_.CreateFNeg(c);
      llvm::Value* host_r =
          from_double(fp_intrinsic(llvm::Intrinsic::experimental_constrained_fma, f64, {a, d(op.src2), c}));
      llvm::BasicBlock* host_end = b_.GetInsertBlock();
      b_.CreateBr(join);
      b_.SetInsertPoint(join);
      llvm::PHINode* phi = b_.CreatePHI(i64_, 2);
      phi->addIncoming(soft_r, soft);
      phi->addIncoming(host_r, host_end);
      r = phi;
      break;
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
      r = bool64(b_.CreateFCmpOEQ(d(op.src1), d(op.src2)));
      break;
    case Opcode::FltD:  // signalling: NV for any NaN (comisd)
      r = bool64(b_.CreateFCmpS(llvm::CmpInst::FCMP_OLT, d(op.src1), d(op.src2)));
      break;
    case Opcode::FleD:
      r = bool64(b_.CreateFCmpS(llvm::CmpInst::FCMP_OLE, d(op.src1), d(op.src2)));
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

}  // namespace vm::engine::jit
