// Static facts about RV64GC instructions (identity, mnemonic, encoding bits,
// operand format, IR opcode), expanded from instructions.inc and formats.inc.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vm/cross_arch/ir/op.hpp"

namespace vm::cross_arch::riscv {

enum class InsnId : std::uint16_t {
  kIllegal,
#define INSN(id, mnemonic, match, mask, format, op) id,
#include "vm/cross_arch/riscv/instructions.inc"
  kCount
};
inline constexpr std::size_t kInsnCount = static_cast<std::size_t>(InsnId::kCount);

enum class OperandFormat : std::uint8_t {
#define FORMAT(name, rd, rs1, rs2, rs3, imm, has_rm) name,
#include "vm/cross_arch/riscv/formats.inc"
};

// Which register file an operand field names (kNone: the field is unused).
enum class RegClass : std::uint8_t { kNone, kX, kF };

enum class ImmKind : std::uint8_t { None, I12, S12, B13, U20, J21, Shamt6, Shamt5, Csr, CsrUimm, Fence };

struct FormatInfo {
  RegClass rd, rs1, rs2, rs3;
  ImmKind imm;
  bool has_rm;
};

struct InsnInfo {
  std::string_view mnemonic;  // "illegal" for kIllegal
  std::uint32_t match = 0;
  std::uint32_t mask = 0;
  OperandFormat format{};
  ir::Opcode op{};
};

namespace table_detail {
inline constexpr RegClass N = RegClass::kNone;
inline constexpr RegClass X = RegClass::kX;
inline constexpr RegClass F = RegClass::kF;

inline constexpr std::array kFormats = {
#define FORMAT(name, rd, rs1, rs2, rs3, imm, has_rm) FormatInfo{rd, rs1, rs2, rs3, ImmKind::imm, has_rm},
#include "vm/cross_arch/riscv/formats.inc"
};

inline constexpr std::array<InsnInfo, kInsnCount> kInsns = {{
    {"illegal", 0, 0, OperandFormat::System, ir::Opcode::Trap},
#define INSN(id, mnemonic, match, mask, format, op) {mnemonic, match, mask, OperandFormat::format, ir::Opcode::op},
#include "vm/cross_arch/riscv/instructions.inc"
}};
}  // namespace table_detail

constexpr const InsnInfo& insn_info(InsnId id) { return table_detail::kInsns[static_cast<std::size_t>(id)]; }
constexpr const FormatInfo& format_info(OperandFormat format) {
  return table_detail::kFormats[static_cast<std::size_t>(format)];
}
constexpr const FormatInfo& format_info(InsnId id) { return format_info(insn_info(id).format); }

}  // namespace vm::cross_arch::riscv
