// The IR every guest frontend lifts into and every engine executes: small
// register-based ops close to RISC-V, so one simple guest instruction is one
// op and the interpreter stays fast; other ISAs would lower to several ops.
#pragma once

#include <cstdint>
#include <string_view>

#include "vm/cross_arch/export.hpp"

namespace vm::cross_arch::ir {

enum class Opcode : std::uint16_t {
#define OP(name, format, text) name,
#include "vm/cross_arch/ir/opcodes.inc"
#undef OP
  kCount
};

inline constexpr std::size_t kOpcodeCount = static_cast<std::size_t>(Opcode::kCount);

enum class Format : std::uint8_t { RRR, RRI, RI, LOAD, STORE, AMO, FP1, FP2, FP3, CSR, BRANCH, JUMP, JUMPR, SYS, TRAP, NONE };

// Register slots. One flat numbering lets an engine keep every register in
// one array indexed by slot: x0..x31, then f0..f31, then block temporaries.
// Slot 0 (x0) is never written: a write to x0 is lifted to kDiscardSlot.
using Slot = std::uint8_t;
inline constexpr Slot kFirstX = 0;
inline constexpr Slot kFirstF = 32;
inline constexpr Slot kFirstTemp = 64;
inline constexpr unsigned kNumTemps = 16;
inline constexpr Slot kDiscardSlot = kFirstTemp + kNumTemps - 1;  // sink for writes to x0
inline constexpr unsigned kNumSlots = kFirstTemp + kNumTemps;

constexpr Slot x_slot(unsigned r) { return static_cast<Slot>(kFirstX + r); }
constexpr Slot f_slot(unsigned r) { return static_cast<Slot>(kFirstF + r); }
constexpr Slot temp_slot(unsigned t) { return static_cast<Slot>(kFirstTemp + t); }

// RISC-V rounding-mode field values carried in Op::aux by FP ops.
inline constexpr std::uint8_t kRmDynamic = 7;

// CSR ops (Op::aux): RISC-V csrrw/csrrs/csrrc and their immediate forms. For
// the immediate forms the 5-bit uimm is in src2 (and src1 is unused). A
// set/clear with a zero source does not write (so it does not trap on
// read-only CSRs), exactly as the ISA says.
enum class CsrOp : std::uint8_t { kRw, kRs, kRc, kRwi, kRsi, kRci };

// 16 bytes; an engine may re-pack it (the interpreter adds a handler pointer).
struct Op {
  Opcode opcode{};
  Slot dst = 0;
  Slot src1 = 0;
  Slot src2 = 0;
  Slot src3 = 0;
  std::uint8_t aux = 0;   // rounding mode / trap cause / CsrOp
  std::uint8_t insn = 0;  // index of the guest instruction in its block (precise traps, counting)
  std::int64_t imm = 0;
};
static_assert(sizeof(Op) == 16);

VM_CROSS_ARCH_API Format format_of(Opcode op) noexcept;
VM_CROSS_ARCH_API std::string_view name_of(Opcode op) noexcept;
VM_CROSS_ARCH_API bool is_terminator(Opcode op) noexcept;

}  // namespace vm::cross_arch::ir
