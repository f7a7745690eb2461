// The baseline tier's FP ops (the common double-precision ones on the
// host's SSE unit, the rest through the vm_jit_fp thunk), fflags and the
// other CSR ops.
#include <array>
#include <cstdint>

#include "interp/host_fp.hpp"
#include "jit/x64/baseline_emitter.hpp"

namespace vm::engine::jit::x64 {

void BaselineEmitter::pass_result_pointer() {
  a_.lea(rax, at(rsp, 8));
  a_.store64(at(rsp), rax);
}

void BaselineEmitter::collect_bool_result(const ir::Op& op) {
  a_.movzx8(rcx, rax);
  a_.load64(rax, at(rsp, 8));
  end_call(24);
  a_.test32(rcx, rcx);
  a_.jcc(kEqual, fault_with(op, static_cast<std::uint64_t>(TrapCause::kIllegalInsn), 0));
  write(op.dst, rax);
}

void BaselineEmitter::fflags_of_mxcsr() {
  // host_fp::fflags_from_mxcsr as a table indexed by the six status bits,
  // as the LLVM tier has it (RegionLowering::fflags_of_mxcsr).
  static const std::array<std::uint8_t, 64> table = [] {
    std::array<std::uint8_t, 64> t{};
    for (std::uint32_t m = 0; m < t.size(); ++m)
      t[m] = static_cast<std::uint8_t>(interp::host_fp::fflags_from_mxcsr(m));
    return t;
  }();
  a_.mov32(rcx, rax);
  a_.alu_imm(Alu::kAnd, rcx, 0x3f, false);
  a_.mov_imm(rdx, reinterpret_cast<std::uintptr_t>(table.data()));
  a_.load_u8(rcx, at_index(rdx, rcx, 0));
}

const ir::Op* BaselineEmitter::quiet_compare_end(const ir::Op& op) const {
  const std::vector<ir::Op>& ops = block_->ops;
  if (ops.empty() || &op < ops.data() || &op >= ops.data() + ops.size()) return nullptr;
  const auto i = static_cast<std::size_t>(&op - ops.data());
  if (i + 2 >= ops.size()) return nullptr;
  const ir::Op& compare = ops[i + 1];
  const ir::Op& restore = ops[i + 2];
  const bool reads =
      static_cast<ir::CsrOp>(op.aux) == ir::CsrOp::kRs && op.src1 == 0 && op.dst != 0 && op.dst != ir::kDiscardSlot;
  const bool inline_compare =
      compare.opcode == Opcode::FeqD || compare.opcode == Opcode::FltD || compare.opcode == Opcode::FleD;
  const bool writes_back = restore.opcode == op.opcode && restore.imm == 0x001 &&
                           static_cast<ir::CsrOp>(restore.aux) == ir::CsrOp::kRw && restore.src1 == op.dst &&
                           (restore.dst == 0 || restore.dst == ir::kDiscardSlot);
  return reads && inline_compare && compare.dst != op.dst && writes_back ? &restore : nullptr;
}

void BaselineEmitter::emit_fflags(const ir::Op& op) {
  const Mem scratch = at(rsp, -8);
  const Mem saved = at(rsp, -16);  // the idiom's MXCSR word, between its frflags and fsflags
  const std::int32_t fcsr = off(offsetof(CpuState, fcsr));
  if (&op == restore_flags_at_) {
    // The idiom's fsflags: MXCSR as the frflags found it (nothing to do
    // unless the comparison raised a flag), fcsr unchanged, so the flags
    // are what the frflags read.
    restore_flags_at_ = nullptr;
    Label& restored = new_label();
    Label& restore = cold_label([this, saved, &restored] {
      a_.ldmxcsr(saved);
      a_.jmp(restored);
    });
    a_.stmxcsr(scratch);
    a_.load32(rax, scratch);
    a_.alu32(Alu::kCmp, rax, saved);
    a_.jcc(kNotEqual, restore);
    a_.bind(restored);
    return;
  }
  if (const ir::Op* end = quiet_compare_end(op)) {
    // The idiom's frflags: fcsr's flags and those pending in MXCSR, whose
    // word is kept for the fsflags; nothing folded.
    a_.stmxcsr(saved);
    a_.load32(rax, saved);  // fflags_of_mxcsr reads only the six flag bits
    fflags_of_mxcsr();
    a_.alu32(Alu::kOr, rcx, at(rdi, fcsr));
    a_.alu_imm(Alu::kAnd, rcx, 0x1f, false);
    write(op.dst, rcx);
    restore_flags_at_ = end;
    return;
  }
  Label& folded = new_label();
  Label& fold = cold_label([this, scratch, fcsr, &folded] {
    fflags_of_mxcsr();
    a_.load32(rdx, at(rdi, fcsr));
    a_.alu32(Alu::kOr, rdx, rcx);
    a_.store32(at(rdi, fcsr), rdx);
    a_.store32_imm(scratch, interp::host_fp::kGuestMxcsr);  // no flags pending
    a_.ldmxcsr(scratch);
    a_.jmp(folded);
  });
  a_.stmxcsr(scratch);
  a_.load32(rax, scratch);
  a_.alu_imm(Alu::kAnd, rax, 0x3f, false);
  a_.jcc(kNotEqual, fold);
  a_.bind(folded);
  const auto kind = static_cast<ir::CsrOp>(op.aux);
  const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
  const bool writes = kind == ir::CsrOp::kRw || kind == ir::CsrOp::kRwi || (immediate ? op.src2 != 0 : op.src1 != 0);
  a_.load32(rdx, at(rdi, fcsr));
  a_.mov32(rax, rdx);
  a_.alu_imm(Alu::kAnd, rax, 0x1f, false);  // the old fflags
  if (writes) {
    if (immediate)
      a_.mov_imm(rcx, op.src2);
    else
      read(rcx, op.src1);
    if (kind == ir::CsrOp::kRs || kind == ir::CsrOp::kRsi) a_.alu32(Alu::kOr, rcx, rax);
    if (kind == ir::CsrOp::kRc || kind == ir::CsrOp::kRci) {
      a_.alu_imm(Alu::kXor, rcx, -1, false);
      a_.alu32(Alu::kAnd, rcx, rax);
    }
    a_.alu_imm(Alu::kAnd, rcx, 0x1f, false);
    a_.alu_imm(Alu::kAnd, rdx, ~0x1f, false);
    a_.alu32(Alu::kOr, rdx, rcx);
    a_.store32(at(rdi, fcsr), rdx);
  }
  write(op.dst, rax);
}

void BaselineEmitter::emit_csr(const ir::Op& op) {
  if (op.imm == 0x001) return emit_fflags(op);
  const auto kind = static_cast<ir::CsrOp>(op.aux);
  const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
  begin_call(24);
  if (immediate)
    a_.mov_imm(rcx, op.src2);
  else
    read(rcx, op.src1);
  a_.mov_imm(r8, (immediate ? op.src2 : op.src1) == 0 ? 1 : 0);
  load_instret(r9);  // the CSR sees this instruction's predecessors retired
  add_imm(r9, op.insn);
  pass_result_pointer();
  a_.mov_imm(rsi, op.aux);
  a_.mov_imm(rdx, static_cast<std::uint64_t>(op.imm));
  call(&vm_jit_csr);
  collect_bool_result(op);
  recheck_rounding_after(op);
}

void BaselineEmitter::recheck_rounding_after(const ir::Op& op) {
  if (!assumes_nearest_) return;
  const std::size_t next = op.insn + 1u;
  const std::uint64_t pc = next < block_->guest_insn_count() ? block_->insn_pc(next) : block_->end_pc;
  Label& changed = cold_label([this, pc, next] { leave(pc, next, kExitNext); });
  test_rounding_not_nearest();
  a_.jcc(kNotEqual, changed);
}

void BaselineEmitter::emit_fp(const ir::Op& op) {
  if (emit_fp_inline(op)) return;
  emit_fp_call(op);
}

void BaselineEmitter::emit_fp_call(const ir::Op& op) {
  begin_call(24);
  read(rcx, op.src1);
  read(r8, op.src2);
  read(r9, op.src3);
  pass_result_pointer();
  a_.mov_imm(rsi, static_cast<std::uint64_t>(op.opcode));
  a_.mov_imm(rdx, op.aux);
  call(&vm_jit_fp);
  collect_bool_result(op);
}

void BaselineEmitter::call_unless_nearest(const ir::Op& op, Label& done) {
  if (assumes_nearest_) return;
  Label& other = cold_label([this, &op, &done] {
    emit_fp_call(op);
    read_double(xmm(0), op.dst);  // every path to `done` leaves the result in xmm0
    a_.jmp(done);
  });
  test_rounding_not_nearest();
  a_.jcc(kNotEqual, other);
}

void BaselineEmitter::fp_arith(Opcode o, Reg x, ir::Slot s) {
  Sd op = Sd::kSqrt;
  switch (o) {
    case Opcode::FaddD:
      op = Sd::kAdd;
      break;
    case Opcode::FsubD:
      op = Sd::kSub;
      break;
    case Opcode::FmulD:
      op = Sd::kMul;
      break;
    case Opcode::FdivD:
      op = Sd::kDiv;
      break;
    default:
      break;
  }
  fpinned(s) ? a_.sd(op, x, pin(s)) : a_.sd(op, x, reg(s));
}

void BaselineEmitter::fp_compare(bool quiet, Reg x, ir::Slot s) {
  if (fpinned(s)) return quiet ? a_.ucomisd(x, pin(s)) : a_.comisd(x, pin(s));
  quiet ? a_.ucomisd(x, reg(s)) : a_.comisd(x, reg(s));
}

bool BaselineEmitter::emit_fp_inline(const ir::Op& op) {
  constexpr std::uint64_t kSign = 1ull << 63;
  switch (op.opcode) {
    case Opcode::FsgnjD:
    case Opcode::FsgnjnD:
    case Opcode::FsgnjxD:
      read(rax, op.src1);
      read(rcx, op.src2);
      a_.mov_imm(rdx, kSign);
      if (op.opcode == Opcode::FsgnjnD) a_.alu(Alu::kXor, rcx, rdx);  // the negated sign
      a_.alu(Alu::kAnd, rcx, rdx);
      if (op.opcode != Opcode::FsgnjxD) {
        a_.mov_imm(rdx, ~kSign);
        a_.alu(Alu::kAnd, rax, rdx);
        a_.alu(Alu::kOr, rax, rcx);
      } else {
        a_.alu(Alu::kXor, rax, rcx);
      }
      write(op.dst, rax);
      return true;
    case Opcode::FmvXD:
    case Opcode::FmvDX:
      read(rax, op.src1);
      write(op.dst, rax);
      return true;
    case Opcode::FcvtDW: {  // exact: every int32 is a double, no flags
      // Exact, yet rm = dyn with a reserved frm (5..7) is an illegal
      // instruction, as in the interpreter: only frm = nearest stays inline.
      Label& done = new_label();
      if (op.aux == ir::kRmDynamic) call_unless_nearest(op, done);
      read(rax, op.src1);
      a_.cvtsi2sd32(xmm(0), rax);
      write_double(op.dst, xmm(0));
      a_.bind(done);
      return true;
    }
    case Opcode::FeqD:
    case Opcode::FltD:
    case Opcode::FleD: {
      const Reg xmm0 = xmm(0);
      if (op.opcode == Opcode::FeqD) {
        // Quiet: NV only for a signalling NaN, as ucomisd raises IE.
        read_double(xmm0, op.src1);
        fp_compare(/*quiet=*/true, xmm0, op.src2);
        a_.setcc(kEqual, rax);
        a_.setcc(kNotParity, rcx);  // ordered
        a_.alu32(Alu::kAnd, rax, rcx);
      } else {
        // Signalling: NV for any NaN, as comisd raises IE. b > a (b >= a)
        // is false when unordered.
        read_double(xmm0, op.src2);
        fp_compare(/*quiet=*/false, xmm0, op.src1);
        a_.setcc(op.opcode == Opcode::FltD ? kAbove : kAboveEqual, rax);
      }
      a_.movzx8(rax, rax);
      write(op.dst, rax);
      return true;
    }
    case Opcode::FaddD:
    case Opcode::FsubD:
    case Opcode::FmulD:
    case Opcode::FdivD:
    case Opcode::FsqrtD:
      break;
    default:
      return false;
  }
  if (op.aux != 0 && op.aux != ir::kRmDynamic) return false;
  Label& done = new_label();
  const Reg xmm0 = xmm(0);
  // Addition and multiplication commute (and a NaN result is canonical
  // whichever operand it came from): the previous op's result, still in
  // xmm0, may come first. The first operand is read before the rounding
  // mode test, which would otherwise stand between the previous op's store
  // and this read.
  ir::Slot a = op.src1, b = op.src2;
  if ((op.opcode == Opcode::FaddD || op.opcode == Opcode::FmulD) && just_stored(b, /*xmm=*/true)) std::swap(a, b);
  if (op.opcode != Opcode::FsqrtD) read_double(xmm0, a);
  if (op.aux == ir::kRmDynamic) call_unless_nearest(op, done);
  fp_arith(op.opcode, xmm0, op.opcode == Opcode::FsqrtD ? op.src1 : b);
  Label& nan = cold_label([this, &op, &done, xmm0] {
    a_.mov_imm(rax, 0x7ff8000000000000ull);
    write(op.dst, rax);
    read_double(xmm0, op.dst);  // as every path to `done`
    a_.jmp(done);
  });
  a_.ucomisd(xmm0, xmm0);  // quiet: SSE's NaN results are quiet, so no flag
  a_.jcc(kParity, nan);    // unordered
  write_double(op.dst, xmm0);
  a_.bind(done);
  stored_on_every_path(op.dst, xmm0);
  return true;
}

}  // namespace vm::engine::jit::x64
