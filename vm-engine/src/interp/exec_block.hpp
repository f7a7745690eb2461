// The interpreter's pre-decoded form of an ir::Block: each op carries the
// address of its handler (direct threading), and the block carries cached
// links to its successors so chained blocks need no cache look-up.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vm/cross_arch/ir/op.hpp"

namespace vm::engine::interp {

namespace ir = vm::cross_arch::ir;

struct ExecOp {
  const void* handler;  // label address inside Interpreter::run
  ir::Slot dst, src1, src2, src3;
  std::uint8_t aux;
  std::uint8_t insn;
  ir::Opcode opcode;
  std::int64_t imm;
};
static_assert(sizeof(ExecOp) == 24);

struct ExecBlock {
  std::uint64_t start_pc = 0;
  std::uint64_t end_pc = 0;
  std::uint32_t insn_count = 0;
  // Successor links: [0] taken/jump target, [1] fall-through. Validated by
  // pc on use, so a stale link can never send execution to the wrong code.
  ExecBlock* next[2] = {nullptr, nullptr};
  std::vector<std::uint16_t> insn_offsets;
  std::vector<ExecOp> ops;
};

}  // namespace vm::engine::interp
