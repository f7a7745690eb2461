// Tiny test-only assembler over riscv::encode(): builds instruction words
// from the instruction table so tests read like assembly.
#pragma once

#include <cstdint>

#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::cross_arch::riscv::test_asm {

inline std::uint32_t make(InsnId id, unsigned rd = 0, unsigned rs1 = 0, unsigned rs2 = 0, std::int64_t imm = 0,
                          unsigned rm = 0) {
  DecodedInsn d;
  d.id = id;
  d.rd = static_cast<std::uint8_t>(rd);
  d.rs1 = static_cast<std::uint8_t>(rs1);
  d.rs2 = static_cast<std::uint8_t>(rs2);
  d.rm = static_cast<std::uint8_t>(rm);
  d.imm = imm;
  return encode(d);
}

inline std::uint32_t r(InsnId id, unsigned rd, unsigned rs1, unsigned rs2) { return make(id, rd, rs1, rs2); }
inline std::uint32_t i(InsnId id, unsigned rd, unsigned rs1, std::int64_t imm) { return make(id, rd, rs1, 0, imm); }
inline std::uint32_t s(InsnId id, unsigned rs2, unsigned rs1, std::int64_t imm) { return make(id, 0, rs1, rs2, imm); }
inline std::uint32_t b(InsnId id, unsigned rs1, unsigned rs2, std::int64_t offset) {
  return make(id, 0, rs1, rs2, offset);
}
inline std::uint32_t csr(InsnId id, unsigned rd, unsigned csr_number, unsigned rs1_or_uimm) {
  DecodedInsn d;
  d.id = id;
  d.rd = static_cast<std::uint8_t>(rd);
  d.csr = static_cast<std::uint16_t>(csr_number);
  if (format_info(id).imm == ImmKind::CsrUimm)
    d.imm = rs1_or_uimm;
  else
    d.rs1 = static_cast<std::uint8_t>(rs1_or_uimm);
  return encode(d);
}

}  // namespace vm::cross_arch::riscv::test_asm
