#include "riscv/bits.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::cross_arch::riscv {
namespace {

std::uint32_t place_immediate(ImmKind kind, std::int64_t imm) {
  const auto v = static_cast<std::uint32_t>(imm);
  switch (kind) {
    case ImmKind::I12:
      return bits(v, 11, 0) << 20;
    case ImmKind::S12:
      return (bits(v, 11, 5) << 25) | (bits(v, 4, 0) << 7);
    case ImmKind::B13:
      return (bit(v, 12) << 31) | (bits(v, 10, 5) << 25) | (bits(v, 4, 1) << 8) | (bit(v, 11) << 7);
    case ImmKind::U20:
      return v & 0xfffff000u;
    case ImmKind::J21:
      return (bit(v, 20) << 31) | (bits(v, 10, 1) << 21) | (bit(v, 11) << 20) | (bits(v, 19, 12) << 12);
    case ImmKind::Shamt6:
      return bits(v, 5, 0) << 20;
    case ImmKind::Shamt5:
      return bits(v, 4, 0) << 20;
    case ImmKind::CsrUimm:
      return bits(v, 4, 0) << 15;
    case ImmKind::Fence:
      return bits(v, 11, 0) << 20;
    case ImmKind::Csr:
    case ImmKind::None:
      return 0;
  }
  return 0;
}

}  // namespace

std::uint32_t encode(const DecodedInsn& insn) noexcept {
  const InsnInfo& info = insn_info(insn.id);
  const FormatInfo& f = format_info(info.format);
  std::uint32_t w = info.match;
  if (f.rd != RegClass::kNone) w |= (insn.rd & 31u) << 7;
  if (f.rs1 != RegClass::kNone) w |= (insn.rs1 & 31u) << 15;
  if (f.rs2 != RegClass::kNone) w |= (insn.rs2 & 31u) << 20;
  if (f.rs3 != RegClass::kNone) w |= (insn.rs3 & 31u) << 27;
  if (f.has_rm) w |= (insn.rm & 7u) << 12;
  if (info.format == OperandFormat::Amo || info.format == OperandFormat::Lr) {
    w |= (insn.aq ? 1u : 0u) << 26 | (insn.rl ? 1u : 0u) << 25;
  }
  if (f.imm == ImmKind::Csr || f.imm == ImmKind::CsrUimm) w |= (insn.csr & 0xfffu) << 20;
  return w | place_immediate(f.imm, insn.imm);
}

}  // namespace vm::cross_arch::riscv
