// Lowering of one IR block to LLVM IR. Each guest op becomes a few LLVM
// instructions on SSA values; memory ops get an inline bounds/permission
// check with a call to the slow-path thunk; FP, AMO and CSR ops call thunks.
#include "jit/lower.hpp"

#include <array>
#include <bitset>
#include <cstddef>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/MDBuilder.h>

#include "jit/runtime.hpp"
#include "vm/cross_arch/frontend.hpp"

namespace vm::engine::jit {

namespace ir = cross_arch::ir;
using cross_arch::TrapCause;
using ir::Opcode;

namespace {

class BlockLowering {
 public:
  BlockLowering(const ir::Block& block, llvm::Module& module)
      : block_(block), module_(module), ctx_(module.getContext()), b_(ctx_) {
    i8_ = b_.getInt8Ty();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    ptr_ = b_.getPtrTy();
  }

  llvm::Function* run(const std::string& name) {
    auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_}, false);
    fn_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    fn_->addParamAttr(0, llvm::Attribute::NoAlias);
    fn_->addParamAttr(1, llvm::Attribute::NoAlias);
    cpu_ = fn_->getArg(0);
    jctx_ = fn_->getArg(1);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_));
    out_ = b_.CreateAlloca(i64_, nullptr, "out");
    base_ = load64(field(jctx_, offsetof(JitContext, base)), ptr_);
    perms_ = load64(field(jctx_, offsetof(JitContext, perms)), ptr_);
    limit_ = load64(field(jctx_, offsetof(JitContext, limit)), i64_);
    instret0_ = load64(field(cpu_, offsetof(CpuState, instret)), i64_);
    for (const ir::Op& op : block_.ops) lower(op);
    return fn_;
  }

 private:
  // ---- state ---------------------------------------------------------------
  llvm::Value* field(llvm::Value* base, std::size_t offset) { return b_.CreateConstInBoundsGEP1_64(i8_, base, offset); }
  llvm::Value* load64(llvm::Value* p, llvm::Type* t) { return b_.CreateLoad(t, p); }
  llvm::Value* c64(std::uint64_t v) { return b_.getInt64(v); }

  llvm::Value* read(ir::Slot s) {
    if (s == 0) return c64(0);
    if (!cur_[s]) cur_[s] = b_.CreateLoad(i64_, field(cpu_, offsetof(CpuState, regs) + 8u * s));
    return cur_[s];
  }
  void write(ir::Slot s, llvm::Value* v) {
    if (s == 0) return;
    cur_[s] = v;
    dirty_.set(s);
  }
  // Temporaries die with the block; only guest registers are written back.
  void write_back() {
    for (unsigned s = 1; s < ir::kFirstTemp; ++s)
      if (dirty_.test(s)) b_.CreateStore(cur_[s], field(cpu_, offsetof(CpuState, regs) + 8u * s));
  }
  void leave(llvm::Value* pc, std::uint64_t retired, ExitCode code) {
    write_back();
    b_.CreateStore(pc, field(cpu_, offsetof(CpuState, pc)));
    b_.CreateStore(b_.CreateAdd(instret0_, c64(retired)), field(cpu_, offsetof(CpuState, instret)));
    b_.CreateRet(b_.getInt32(code));
  }
  // Precise trap at `op`: earlier instructions retired, pc at this one.
  void leave_fault(const ir::Op& op, llvm::Value* cause, llvm::Value* tval) {
    const std::uint64_t pc = block_.insn_pc(op.insn);
    const std::size_t trap = offsetof(JitContext, trap);
    b_.CreateStore(cause, field(jctx_, trap + offsetof(Trap, cause)));
    b_.CreateStore(tval, field(jctx_, trap + offsetof(Trap, tval)));
    b_.CreateStore(c64(pc), field(jctx_, trap + offsetof(Trap, pc)));
    leave(c64(pc), op.insn, kExitFault);
  }
  // Emits `if (!ok) fault` and continues on the ok path.
  void fault_unless(llvm::Value* ok, const ir::Op& op, llvm::Value* cause, llvm::Value* tval) {
    auto* good = llvm::BasicBlock::Create(ctx_, "ok", fn_);
    auto* bad = llvm::BasicBlock::Create(ctx_, "fault", fn_);
    b_.CreateCondBr(ok, good, bad, likely());
    b_.SetInsertPoint(bad);
    leave_fault(op, cause, tval);
    b_.SetInsertPoint(good);
  }
  llvm::MDNode* likely() { return llvm::MDBuilder(ctx_).createBranchWeights(2000, 1); }

  template <typename Fn>
  llvm::CallInst* call(Fn thunk, std::initializer_list<llvm::Value*> args) {
    std::vector<llvm::Type*> types;
    for (llvm::Value* a : args) types.push_back(a->getType());
    llvm::Type* ret = ret_type_of(thunk);
    auto* type = llvm::FunctionType::get(ret, types, false);
    llvm::Value* callee = b_.CreateIntToPtr(c64(reinterpret_cast<std::uintptr_t>(thunk)), ptr_);
    llvm::CallInst* call = b_.CreateCall(type, callee, std::vector<llvm::Value*>(args));
    call->addFnAttr(llvm::Attribute::NoUnwind);
    return call;
  }
  template <typename... A>
  llvm::Type* ret_type_of(std::uint8_t* (*)(A...) noexcept) {
    return ptr_;
  }
  template <typename... A>
  llvm::Type* ret_type_of(std::uint64_t (*)(A...) noexcept) {
    return i64_;
  }
  template <typename... A>
  llvm::Type* ret_type_of(bool (*)(A...) noexcept) {
    return b_.getInt1Ty();
  }

  // ---- memory --------------------------------------------------------------
  llvm::Value* host_ptr(const ir::Op& op, llvm::Value* addr, unsigned size, std::uint8_t need, TrapCause cause) {
    auto* check = llvm::BasicBlock::Create(ctx_, "perm", fn_);
    auto* fast = llvm::BasicBlock::Create(ctx_, "fast", fn_);
    auto* slow = llvm::BasicBlock::Create(ctx_, "slow", fn_);
    auto* join = llvm::BasicBlock::Create(ctx_, "join", fn_);
    b_.CreateCondBr(b_.CreateICmpULT(addr, limit_), check, slow, likely());
    b_.SetInsertPoint(check);
    llvm::Value* perm = b_.CreateLoad(i8_, b_.CreateGEP(i8_, perms_, b_.CreateLShr(addr, 12)));
    llvm::Value* allowed = b_.CreateICmpNE(b_.CreateAnd(perm, b_.getInt8(need)), b_.getInt8(0));
    llvm::Value* in_page = b_.CreateICmpULE(b_.CreateAnd(addr, 0xfff), c64(4096 - size));
    b_.CreateCondBr(b_.CreateAnd(allowed, in_page), fast, slow, likely());
    b_.SetInsertPoint(fast);
    llvm::Value* fast_ptr = b_.CreateGEP(i8_, base_, addr);
    b_.CreateBr(join);
    b_.SetInsertPoint(slow);
    llvm::Value* slow_ptr = call(&vm_jit_host_ptr, {jctx_, addr, c64(size), c64(need)});
    llvm::BasicBlock* slow_end = b_.GetInsertBlock();
    auto* bad = llvm::BasicBlock::Create(ctx_, "fault", fn_);
    b_.CreateCondBr(b_.CreateIsNotNull(slow_ptr), join, bad, likely());
    b_.SetInsertPoint(bad);
    leave_fault(op, c64(static_cast<std::uint64_t>(cause)), addr);
    b_.SetInsertPoint(join);
    llvm::PHINode* p = b_.CreatePHI(ptr_, 2);
    p->addIncoming(fast_ptr, fast);
    p->addIncoming(slow_ptr, slow_end);
    return p;
  }
  llvm::Value* address(const ir::Op& op) {
    return b_.CreateAdd(read(op.src1), c64(static_cast<std::uint64_t>(op.imm)));
  }

  void load(const ir::Op& op, llvm::Type* t, bool is_signed, bool nan_box = false) {
    const unsigned size = t->getPrimitiveSizeInBits() / 8;
    llvm::Value* p = host_ptr(op, address(op), size, mem::kPermRead, TrapCause::kLoadPageFault);
    llvm::LoadInst* v = b_.CreateAlignedLoad(t, p, llvm::Align(1));
    llvm::Value* r = is_signed ? b_.CreateSExt(v, i64_) : b_.CreateZExt(v, i64_);
    if (nan_box) r = b_.CreateOr(r, c64(0xffffffff00000000ull));
    write(op.dst, r);
  }
  void store(const ir::Op& op, llvm::Type* t) {
    const unsigned size = t->getPrimitiveSizeInBits() / 8;
    llvm::Value* p = host_ptr(op, address(op), size, mem::kPermWrite, TrapCause::kStorePageFault);
    b_.CreateAlignedStore(b_.CreateTrunc(read(op.src2), t), p, llvm::Align(1));
  }

  // ---- integer helpers -----------------------------------------------------
  llvm::Value* sext32(llvm::Value* v) { return b_.CreateSExt(b_.CreateTrunc(v, i32_), i64_); }
  llvm::Value* bool64(llvm::Value* c) { return b_.CreateZExt(c, i64_); }
  llvm::Value* lo32(llvm::Value* v) { return b_.CreateTrunc(v, i32_); }
  llvm::Value* mul_high(llvm::Value* a, llvm::Value* b, bool a_signed, bool b_signed) {
    llvm::Type* i128 = b_.getInt128Ty();
    llvm::Value* wa = a_signed ? b_.CreateSExt(a, i128) : b_.CreateZExt(a, i128);
    llvm::Value* wb = b_signed ? b_.CreateSExt(b, i128) : b_.CreateZExt(b, i128);
    return b_.CreateTrunc(b_.CreateLShr(b_.CreateMul(wa, wb), 64), i64_);
  }
  // RISC-V division: x/0 = all ones, x%0 = x; MIN/-1 = MIN, MIN%-1 = 0. A
  // divisor of 1 stands in for both special cases so LLVM never sees UB.
  llvm::Value* divide(llvm::Value* a, llvm::Value* b, bool is_signed, bool remainder) {
    llvm::Type* t = a->getType();
    llvm::Value* zero = llvm::ConstantInt::get(t, 0);
    llvm::Value* one = llvm::ConstantInt::get(t, 1);
    llvm::Value* by_zero = b_.CreateICmpEQ(b, zero);
    llvm::Value* bad = by_zero;
    if (is_signed) {
      const unsigned bits = t->getIntegerBitWidth();
      llvm::Value* min = llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(bits));
      llvm::Value* overflow =
          b_.CreateAnd(b_.CreateICmpEQ(a, min), b_.CreateICmpEQ(b, llvm::ConstantInt::getSigned(t, -1)));
      bad = b_.CreateOr(by_zero, overflow);
    }
    llvm::Value* safe = b_.CreateSelect(bad, one, b);
    llvm::Value* r;
    if (remainder)
      r = is_signed ? b_.CreateSRem(a, safe) : b_.CreateURem(a, safe);
    else
      r = is_signed ? b_.CreateSDiv(a, safe) : b_.CreateUDiv(a, safe);
    return b_.CreateSelect(by_zero, remainder ? a : llvm::ConstantInt::getSigned(t, -1), r);
  }
  llvm::Value* divide32(llvm::Value* a, llvm::Value* b, bool is_signed, bool remainder) {
    return b_.CreateSExt(divide(lo32(a), lo32(b), is_signed, remainder), i64_);
  }

  void lower(const ir::Op& op);
  void lower_int(const ir::Op& op);
  void lower_terminator(const ir::Op& op);
  void lower_helper(const ir::Op& op);

  const ir::Block& block_;
  llvm::Module& module_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  llvm::Type *i8_, *i32_, *i64_, *ptr_;
  llvm::Function* fn_ = nullptr;
  llvm::Value *cpu_ = nullptr, *jctx_ = nullptr, *out_ = nullptr;
  llvm::Value *base_ = nullptr, *perms_ = nullptr, *limit_ = nullptr, *instret0_ = nullptr;
  std::array<llvm::Value*, ir::kNumSlots> cur_{};
  std::bitset<ir::kNumSlots> dirty_;
};

void BlockLowering::lower_int(const ir::Op& op) {
  llvm::Value* a = read(op.src1);
  const bool imm_form = ir::format_of(op.opcode) == ir::Format::RRI;
  llvm::Value* b = imm_form ? c64(static_cast<std::uint64_t>(op.imm)) : read(op.src2);
  const auto sh64 = [&] { return b_.CreateAnd(b, 63); };
  const auto sh32 = [&] { return b_.CreateAnd(lo32(b), 31); };
  llvm::Value* r = nullptr;
  switch (op.opcode) {
    case Opcode::Add:
    case Opcode::AddI:
      r = b_.CreateAdd(a, b);
      break;
    case Opcode::Sub:
      r = b_.CreateSub(a, b);
      break;
    case Opcode::Sll:
    case Opcode::SllI:
      r = b_.CreateShl(a, sh64());
      break;
    case Opcode::Slt:
    case Opcode::SltI:
      r = bool64(b_.CreateICmpSLT(a, b));
      break;
    case Opcode::Sltu:
    case Opcode::SltuI:
      r = bool64(b_.CreateICmpULT(a, b));
      break;
    case Opcode::Xor:
    case Opcode::XorI:
      r = b_.CreateXor(a, b);
      break;
    case Opcode::Srl:
    case Opcode::SrlI:
      r = b_.CreateLShr(a, sh64());
      break;
    case Opcode::Sra:
    case Opcode::SraI:
      r = b_.CreateAShr(a, sh64());
      break;
    case Opcode::Or:
    case Opcode::OrI:
      r = b_.CreateOr(a, b);
      break;
    case Opcode::And:
    case Opcode::AndI:
      r = b_.CreateAnd(a, b);
      break;
    case Opcode::AddW:
    case Opcode::AddIW:
      r = sext32(b_.CreateAdd(a, b));
      break;
    case Opcode::SubW:
      r = sext32(b_.CreateSub(a, b));
      break;
    case Opcode::SllW:
    case Opcode::SllIW:
      r = b_.CreateSExt(b_.CreateShl(lo32(a), sh32()), i64_);
      break;
    case Opcode::SrlW:
    case Opcode::SrlIW:
      r = b_.CreateSExt(b_.CreateLShr(lo32(a), sh32()), i64_);
      break;
    case Opcode::SraW:
    case Opcode::SraIW:
      r = b_.CreateSExt(b_.CreateAShr(lo32(a), sh32()), i64_);
      break;
    case Opcode::Mul:
      r = b_.CreateMul(a, b);
      break;
    case Opcode::Mulh:
      r = mul_high(a, b, true, true);
      break;
    case Opcode::Mulhsu:
      r = mul_high(a, b, true, false);
      break;
    case Opcode::Mulhu:
      r = mul_high(a, b, false, false);
      break;
    case Opcode::Div:
      r = divide(a, b, true, false);
      break;
    case Opcode::Divu:
      r = divide(a, b, false, false);
      break;
    case Opcode::Rem:
      r = divide(a, b, true, true);
      break;
    case Opcode::Remu:
      r = divide(a, b, false, true);
      break;
    case Opcode::MulW:
      r = sext32(b_.CreateMul(a, b));
      break;
    case Opcode::DivW:
      r = divide32(a, b, true, false);
      break;
    case Opcode::DivuW:
      r = divide32(a, b, false, false);
      break;
    case Opcode::RemW:
      r = divide32(a, b, true, true);
      break;
    case Opcode::RemuW:
      r = divide32(a, b, false, true);
      break;
    default:
      return;
  }
  write(op.dst, r);
}

void BlockLowering::lower_helper(const ir::Op& op) {
  const ir::Format f = ir::format_of(op.opcode);
  llvm::Value* illegal = c64(static_cast<std::uint64_t>(TrapCause::kIllegalInsn));
  if (f == ir::Format::AMO) {
    llvm::Value* status = call(
        &vm_jit_amo, {jctx_, cpu_, c64(static_cast<std::uint64_t>(op.opcode)), read(op.src1), read(op.src2), out_});
    llvm::Value* ok = b_.CreateICmpEQ(status, c64(0));
    auto* good = llvm::BasicBlock::Create(ctx_, "ok", fn_);
    auto* bad = llvm::BasicBlock::Create(ctx_, "fault", fn_);
    b_.CreateCondBr(ok, good, bad, likely());
    b_.SetInsertPoint(bad);
    leave_fault(op, b_.CreateSub(status, c64(1)), b_.CreateLoad(i64_, out_));
    b_.SetInsertPoint(good);
    write(op.dst, b_.CreateLoad(i64_, out_));
    return;
  }
  if (f == ir::Format::CSR) {
    const auto kind = static_cast<ir::CsrOp>(op.aux);
    const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
    llvm::Value* src = immediate ? c64(op.src2) : read(op.src1);
    const bool zero = immediate ? op.src2 == 0 : op.src1 == 0;
    llvm::Value* ok = call(&vm_jit_csr, {cpu_, c64(op.aux), c64(static_cast<std::uint64_t>(op.imm)), src, c64(zero),
                                         b_.CreateAdd(instret0_, c64(op.insn)), out_});
    fault_unless(ok, op, illegal, c64(0));
    write(op.dst, b_.CreateLoad(i64_, out_));
    return;
  }
  // FP1/FP2/FP3: the interpreter reads all three sources; so do we.
  llvm::Value* ok = call(&vm_jit_fp, {cpu_, c64(static_cast<std::uint64_t>(op.opcode)), c64(op.aux), read(op.src1),
                                      read(op.src2), read(op.src3), out_});
  fault_unless(ok, op, illegal, c64(0));
  write(op.dst, b_.CreateLoad(i64_, out_));
}

void BlockLowering::lower_terminator(const ir::Op& op) {
  const std::uint64_t n = block_.guest_insn_count();
  switch (op.opcode) {
    case Opcode::Beq:
    case Opcode::Bne:
    case Opcode::Blt:
    case Opcode::Bge:
    case Opcode::Bltu:
    case Opcode::Bgeu: {
      llvm::Value* a = read(op.src1);
      llvm::Value* b = read(op.src2);
      llvm::Value* c = nullptr;
      switch (op.opcode) {
        case Opcode::Beq:
          c = b_.CreateICmpEQ(a, b);
          break;
        case Opcode::Bne:
          c = b_.CreateICmpNE(a, b);
          break;
        case Opcode::Blt:
          c = b_.CreateICmpSLT(a, b);
          break;
        case Opcode::Bge:
          c = b_.CreateICmpSGE(a, b);
          break;
        case Opcode::Bltu:
          c = b_.CreateICmpULT(a, b);
          break;
        default:
          c = b_.CreateICmpUGE(a, b);
          break;
      }
      // One exit: the successor pc is a select, the write-back is shared.
      leave(b_.CreateSelect(c, c64(static_cast<std::uint64_t>(op.imm)), c64(block_.end_pc)), n, kExitNext);
      return;
    }
    case Opcode::Jump:
      leave(c64(static_cast<std::uint64_t>(op.imm)), n, kExitNext);
      return;
    case Opcode::JumpR:
      leave(b_.CreateAnd(b_.CreateAdd(read(op.src1), c64(static_cast<std::uint64_t>(op.imm))), c64(~std::uint64_t{1})),
            n, kExitNext);
      return;
    case Opcode::Ecall:
      leave(c64(block_.insn_pc(op.insn)), op.insn + 1u, kExitEcall);
      return;
    case Opcode::FenceI:
      leave(c64(block_.end_pc), op.insn + 1u, kExitFenceI);
      return;
    case Opcode::Ebreak:
      leave_fault(op, c64(static_cast<std::uint64_t>(TrapCause::kBreakpoint)), c64(block_.insn_pc(op.insn)));
      return;
    default:  // Trap
      leave_fault(op, c64(op.aux), c64(static_cast<std::uint64_t>(op.imm)));
      return;
  }
}

void BlockLowering::lower(const ir::Op& op) {
  if (ir::is_terminator(op.opcode)) return lower_terminator(op);
  switch (op.opcode) {
    case Opcode::LoadImm:
      write(op.dst, c64(static_cast<std::uint64_t>(op.imm)));
      return;
    case Opcode::Lb:
      return load(op, i8_, true);
    case Opcode::Lh:
      return load(op, b_.getInt16Ty(), true);
    case Opcode::Lw:
      return load(op, i32_, true);
    case Opcode::Ld:
      return load(op, i64_, false);
    case Opcode::Lbu:
      return load(op, i8_, false);
    case Opcode::Lhu:
      return load(op, b_.getInt16Ty(), false);
    case Opcode::Lwu:
      return load(op, i32_, false);
    case Opcode::Flw:
      return load(op, i32_, false, true);
    case Opcode::Fld:
      return load(op, i64_, false);
    case Opcode::Sb:
      return store(op, i8_);
    case Opcode::Sh:
      return store(op, b_.getInt16Ty());
    case Opcode::Sw:
    case Opcode::Fsw:
      return store(op, i32_);
    case Opcode::Sd:
    case Opcode::Fsd:
      return store(op, i64_);
    case Opcode::Fence:
      return;
    default:
      break;
  }
  const ir::Format f = ir::format_of(op.opcode);
  if (f == ir::Format::RRR || f == ir::Format::RRI) return lower_int(op);
  lower_helper(op);
}

}  // namespace

llvm::Function* lower_block(const ir::Block& block, llvm::Module& module, const std::string& name) {
  return BlockLowering(block, module).run(name);
}

}  // namespace vm::engine::jit
