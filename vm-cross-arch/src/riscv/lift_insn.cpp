#include "riscv/lift_insn.hpp"

#include "vm/cross_arch/frontend.hpp"

namespace vm::cross_arch::riscv {
namespace {

using ir::Op;
using ir::Opcode;
using ir::Slot;

// Destination slot: writes to x0 go to the discard sink.
Slot dst_slot(RegClass cls, unsigned r) {
  if (cls == RegClass::kF) return ir::f_slot(r);
  return r == 0 ? ir::kDiscardSlot : ir::x_slot(r);
}

Slot src_slot(RegClass cls, unsigned r) {
  if (cls == RegClass::kNone) return 0;
  return cls == RegClass::kF ? ir::f_slot(r) : ir::x_slot(r);
}

// Every op of the instruction shares its index; `make` fills the rest.
struct Emitter {
  std::vector<Op>& ops;
  std::uint8_t index;

  Op& emit(Opcode opcode, Slot dst = 0, Slot src1 = 0, Slot src2 = 0, std::int64_t imm = 0) {
    Op op;
    op.opcode = opcode;
    op.dst = dst;
    op.src1 = src1;
    op.src2 = src2;
    op.imm = imm;
    op.insn = index;
    ops.push_back(op);
    return ops.back();
  }
};

ir::CsrOp csr_op(InsnId id) {
  switch (id) {
    case InsnId::CSRRW:
      return ir::CsrOp::kRw;
    case InsnId::CSRRS:
      return ir::CsrOp::kRs;
    case InsnId::CSRRC:
      return ir::CsrOp::kRc;
    case InsnId::CSRRWI:
      return ir::CsrOp::kRwi;
    case InsnId::CSRRSI:
      return ir::CsrOp::kRsi;
    default:
      return ir::CsrOp::kRci;
  }
}

void lift_jalr(const DecodedInsn& d, std::uint64_t pc, Emitter& e) {
  Slot base = ir::x_slot(d.rs1);
  if (d.rd != 0 && d.rd == d.rs1) {
    // The link write would clobber the base: jump through a copy.
    base = ir::temp_slot(0);
    e.emit(Opcode::AddI, base, ir::x_slot(d.rs1), 0, 0);
  }
  if (d.rd != 0) e.emit(Opcode::LoadImm, ir::x_slot(d.rd), 0, 0, static_cast<std::int64_t>(pc + d.length));
  e.emit(Opcode::JumpR, 0, base, 0, d.imm);
}

// Instructions whose lowering is not implied by their operand format.
bool lift_special(const DecodedInsn& d, std::uint64_t pc, Emitter& e) {
  switch (d.id) {
    case InsnId::LUI:
      e.emit(Opcode::LoadImm, dst_slot(RegClass::kX, d.rd), 0, 0, d.imm);
      return true;
    case InsnId::AUIPC:
      e.emit(Opcode::LoadImm, dst_slot(RegClass::kX, d.rd), 0, 0, static_cast<std::int64_t>(pc + d.imm));
      return true;
    case InsnId::JAL:
      if (d.rd != 0) e.emit(Opcode::LoadImm, ir::x_slot(d.rd), 0, 0, static_cast<std::int64_t>(pc + d.length));
      e.emit(Opcode::Jump, 0, 0, 0, static_cast<std::int64_t>(pc + d.imm));
      return true;
    case InsnId::JALR:
      lift_jalr(d, pc, e);
      return true;
    case InsnId::CSRRW:
    case InsnId::CSRRS:
    case InsnId::CSRRC:
      e.emit(Opcode::Csr, dst_slot(RegClass::kX, d.rd), ir::x_slot(d.rs1), 0, d.csr).aux =
          static_cast<std::uint8_t>(csr_op(d.id));
      return true;
    case InsnId::CSRRWI:
    case InsnId::CSRRSI:
    case InsnId::CSRRCI:
      // The immediate forms carry the 5-bit uimm itself in src2.
      e.emit(Opcode::Csr, dst_slot(RegClass::kX, d.rd), 0, static_cast<Slot>(d.imm), d.csr).aux =
          static_cast<std::uint8_t>(csr_op(d.id));
      return true;
    default:
      return false;
  }
}

}  // namespace

void lift_insn(const DecodedInsn& d, std::uint64_t pc, std::uint8_t index, std::vector<Op>& ops) {
  Emitter e{ops, index};
  if (d.id == InsnId::kIllegal) {
    e.emit(Opcode::Trap, 0, 0, 0, static_cast<std::int64_t>(d.raw)).aux =
        static_cast<std::uint8_t>(TrapCause::kIllegalInsn);
    return;
  }
  if (lift_special(d, pc, e)) return;
  const InsnInfo& info = insn_info(d.id);
  const FormatInfo& f = format_info(info.format);
  // Everything else is one op whose operands follow the format's classes.
  Op& op = e.emit(info.op);
  if (f.rd != RegClass::kNone) op.dst = dst_slot(f.rd, d.rd);
  op.src1 = src_slot(f.rs1, d.rs1);
  op.src2 = src_slot(f.rs2, d.rs2);
  op.src3 = src_slot(f.rs3, d.rs3);
  if (f.has_rm) op.aux = d.rm;
  if (info.format == OperandFormat::Branch) {
    op.imm = static_cast<std::int64_t>(pc + d.imm);
  } else if (info.format != OperandFormat::Fence) {
    op.imm = d.imm;
  }
}

}  // namespace vm::cross_arch::riscv
