// A basic block of IR: straight-line ops ending in exactly one terminator,
// plus the guest-instruction map an engine needs for precise traps and exact
// retired-instruction counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/cross_arch/export.hpp"
#include "vm/cross_arch/ir/op.hpp"
#include "vm/core/result.hpp"

namespace vm::cross_arch::ir {

struct Block {
  std::uint64_t start_pc = 0;
  std::uint64_t end_pc = 0;  // pc after the last guest instruction (branch fall-through)
  std::vector<Op> ops;       // last one is the terminator
  // Byte offset from start_pc of each guest instruction; size() is the number
  // of guest instructions the block retires when it runs to its end.
  std::vector<std::uint16_t> insn_offsets;

  std::size_t guest_insn_count() const { return insn_offsets.size(); }
  std::uint64_t insn_pc(std::size_t index) const { return start_pc + insn_offsets[index]; }
  const Op& terminator() const { return ops.back(); }
};

// Checks the structural rules (one terminator, last; slots in range; insn
// indices monotonic and < guest_insn_count; nothing writes x0).
VM_CROSS_ARCH_API vm::Result<void> verify(const Block& block);

// Human-readable listing, one op per line ("  t0 = addi x10, 1").
VM_CROSS_ARCH_API std::string print(const Block& block);
VM_CROSS_ARCH_API std::string print(const Op& op);

}  // namespace vm::cross_arch::ir
