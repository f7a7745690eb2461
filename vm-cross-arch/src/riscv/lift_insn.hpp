// Lowers one decoded RISC-V instruction to IR ops (private to the lifter).
#pragma once

#include <cstdint>
#include <vector>

#include "vm/cross_arch/ir/op.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::cross_arch::riscv {

// Appends the ops of instruction `insn` at `pc`, the `index`-th of its block,
// to `ops`. An illegal instruction becomes a Trap op.
void lift_insn(const DecodedInsn& insn, std::uint64_t pc, std::uint8_t index, std::vector<ir::Op>& ops);

}  // namespace vm::cross_arch::riscv
