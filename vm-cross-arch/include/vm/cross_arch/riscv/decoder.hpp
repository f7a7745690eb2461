// RV64GC instruction decoder and disassembler. Compressed (16-bit)
// instructions decode to the fields of the 32-bit instruction they expand to.
#pragma once

#include <cstdint>
#include <string>

#include "vm/cross_arch/export.hpp"
#include "vm/cross_arch/riscv/insn_table.hpp"

namespace vm::cross_arch::riscv {

// One decoded instruction. Only the fields the instruction's operand format
// uses are set; the rest are zero. Register fields are register numbers
// (0..31) in the file format_info(id) names.
struct DecodedInsn {
  InsnId id = InsnId::kIllegal;
  std::uint32_t raw = 0;    // the encoding (16-bit parcels in the low half)
  std::uint8_t length = 4;  // 2 or 4 bytes
  std::uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
  std::uint8_t rm = 0;  // rounding mode, for formats that have one
  bool aq = false, rl = false;
  // Sign-extended immediate: I/S value, branch/jump offset relative to the
  // instruction, lui/auipc value (already shifted left by 12), shift amount,
  // csrr*i uimm, or the raw fm/pred/succ bits of fence.
  std::int64_t imm = 0;
  std::uint16_t csr = 0;
};

// Length in bytes of the instruction whose first parcel is given: 2 for a
// compressed instruction, else 4 (encodings longer than 32 bits are not
// supported: report 4 and let decode() call them illegal).
VM_CROSS_ARCH_API unsigned insn_length(std::uint16_t first_parcel) noexcept;

// Decodes one instruction (a 16-bit one in the low half of `raw`). Returns
// id == kIllegal for reserved and unknown encodings; `raw` and `length` are
// always set.
VM_CROSS_ARCH_API DecodedInsn decode(std::uint32_t raw) noexcept;

// GNU objdump-style text with ABI register names and objdump's aliases,
// mnemonic and operands separated by one tab, e.g. "addi\tsp,sp,-16" is
// printed "add\tsp,sp,-16" as binutils 2.40 does; branch and jump targets are
// absolute hex addresses computed from `pc` (no "<symbol>" suffix).
VM_CROSS_ARCH_API std::string disassemble(const DecodedInsn& insn, std::uint64_t pc);

// Encodes a 32-bit instruction from its id and fields (the inverse of
// decode() for 4-byte instructions). Used to build test programs.
VM_CROSS_ARCH_API std::uint32_t encode(const DecodedInsn& insn) noexcept;

}  // namespace vm::cross_arch::riscv
