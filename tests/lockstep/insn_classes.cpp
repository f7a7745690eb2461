#include "insn_classes.hpp"

#include <string_view>

namespace vm::lockstep {

using rv::InsnId;
using rv::OperandFormat;

InsnClass classify(InsnId id) {
  if (id == InsnId::kIllegal) return InsnClass::kExcluded;
  if (id == InsnId::SC_W || id == InsnId::SC_D) return InsnClass::kSc;
  switch (rv::insn_info(id).format) {
    case OperandFormat::Load:
    case OperandFormat::FpLoad:
      return InsnClass::kLoad;
    case OperandFormat::Store:
    case OperandFormat::FpStore:
      return InsnClass::kStore;
    case OperandFormat::Amo:
      return InsnClass::kAmo;
    case OperandFormat::Lr:
      return InsnClass::kLr;
    case OperandFormat::Branch:
      return InsnClass::kBranch;
    case OperandFormat::Jal:
      return InsnClass::kJal;
    case OperandFormat::Jalr:
      return InsnClass::kJalr;
    case OperandFormat::Csr:
    case OperandFormat::CsrImm:
      return InsnClass::kCsr;
    // ecall, ebreak and fence.i leave the single-step model (they trap or
    // hand control to an environment); everything in this format is one.
    case OperandFormat::System:
      return InsnClass::kExcluded;
    default:
      return InsnClass::kPlain;
  }
}

unsigned access_size(InsnId id) {
  const unsigned funct3 = (rv::insn_info(id).match >> 12) & 7;
  return 1u << (funct3 & 3);
}

bool reads_single(InsnId id) {
  // Every instruction whose FP operands are singles ends in ".s" (fadd.s,
  // fcvt.d.s, feq.s ...); fmv.x.w and fsw move raw bits and need no boxing.
  return rv::insn_info(id).mnemonic.ends_with(".s");
}

bool writes_single(InsnId id) {
  if (rv::format_info(id).rd != rv::RegClass::kF) return false;
  const std::string_view m = rv::insn_info(id).mnemonic;
  if (m == "flw" || m == "fmv.w.x" || m.starts_with("fcvt.s.")) return true;
  return m.ends_with(".s") && !m.starts_with("fcvt.d.");
}

bool is_fmin_fmax(InsnId id) {
  return id == InsnId::FMIN_S || id == InsnId::FMAX_S || id == InsnId::FMIN_D || id == InsnId::FMAX_D;
}

bool is_fused_multiply_add(InsnId id) { return rv::insn_info(id).format == OperandFormat::Fp4Rm; }

}  // namespace vm::lockstep
