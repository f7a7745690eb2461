// Lowering of a region (several IR blocks) to one LLVM function. Guest
// registers live in allocas that mem2reg turns into SSA values across the
// region's blocks; they are written back only where control leaves the
// region. Memory ops get an inline bounds/permission check and leave the
// region when it refuses (lower_memory.cpp); AMO and CSR ops call thunks.
// Exits chain to the next region by tail-calling a shared routine that
// runs what its translation slot holds (lower_control.cpp, chain_stubs.hpp).
#include "jit/lower.hpp"

#include "jit/region_lowering.hpp"

namespace vm::engine::jit {

void RegionLowering::lower_int(const ir::Op& op) {
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

void RegionLowering::lower_helper(const ir::Op& op) {
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
    if (lower_fflags_inline(op)) return;
    const auto kind = static_cast<ir::CsrOp>(op.aux);
    const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
    llvm::Value* src = immediate ? c64(op.src2) : read(op.src1);
    const bool zero = immediate ? op.src2 == 0 : op.src1 == 0;
    llvm::Value* ok = call(&vm_jit_csr, {cpu_, c64(op.aux), c64(static_cast<std::uint64_t>(op.imm)), src, c64(zero),
                                         retired(op.insn), out_});
    fault_unless(ok, op, illegal, c64(0));
    write(op.dst, b_.CreateLoad(i64_, out_));
    recheck_rounding_after(op);
    return;
  }
  if (lower_fp_inline(op)) return;
  // Other FP ops: the interpreter reads all three sources; so do we. Only a
  // static reserved rounding mode can fail (the dynamic one is checked on
  // entry to the region).
  llvm::Value* ok = call(&vm_jit_fp, {cpu_, c64(static_cast<std::uint64_t>(op.opcode)), c64(op.aux), read(op.src1),
                                      read(op.src2), read(op.src3), out_});
  if (op.aux != ir::kRmDynamic && op.aux > 4) fault_unless(ok, op, illegal, c64(0));
  write(op.dst, b_.CreateLoad(i64_, out_));
}

void RegionLowering::lower_terminator(const ir::Op& op) {
  llvm::Value* done = retired(block_->guest_insn_count());
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
      auto* taken = llvm::BasicBlock::Create(ctx_, "taken", fn_);
      auto* not_taken = llvm::BasicBlock::Create(ctx_, "not_taken", fn_);
      b_.CreateCondBr(c, taken, not_taken);
      b_.SetInsertPoint(taken);
      go_to(static_cast<std::uint64_t>(op.imm), done);
      b_.SetInsertPoint(not_taken);
      go_to(block_->end_pc, done);
      return;
    }
    case Opcode::Jump:
      go_to(static_cast<std::uint64_t>(op.imm), done);
      return;
    case Opcode::JumpR:
      go_to_computed(
          b_.CreateAnd(b_.CreateAdd(read(op.src1), c64(static_cast<std::uint64_t>(op.imm))), c64(~std::uint64_t{1})),
          done);
      return;
    case Opcode::Ecall:
      leave(c64(block_->insn_pc(op.insn)), retired(op.insn + 1u), kExitEcall);
      return;
    case Opcode::FenceI:
      leave(c64(block_->end_pc), retired(op.insn + 1u), kExitFenceI);
      return;
    case Opcode::Ebreak:
      leave_fault(op, c64(static_cast<std::uint64_t>(TrapCause::kBreakpoint)), c64(block_->insn_pc(op.insn)));
      return;
    default:  // Trap
      leave_fault(op, c64(op.aux), c64(static_cast<std::uint64_t>(op.imm)));
      return;
  }
}

void RegionLowering::lower(const ir::Op& op) {
  if (ir::is_terminator(op.opcode)) return lower_terminator(op);
  if (syncs_before(op)) sync();
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

llvm::Function* lower_region(const Region& region, llvm::Module& module, const std::string& name,
                             const ChainStubs& stubs) {
  return RegionLowering(region, module, stubs).run(name);
}

}  // namespace vm::engine::jit
