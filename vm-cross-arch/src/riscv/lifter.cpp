#include "vm/cross_arch/riscv/lifter.hpp"

#include <algorithm>

#include "riscv/lift_insn.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::cross_arch::riscv {
namespace {

// Op::insn is 8 bits, so a block holds at most 255 guest instructions.
constexpr unsigned kMaxBlockInsns = 255;

ir::Op jump_to(std::uint64_t target, std::uint8_t index) {
  ir::Op op;
  op.opcode = ir::Opcode::Jump;
  op.imm = static_cast<std::int64_t>(target);
  op.insn = index;
  return op;
}

// A fetch fault at instruction `index` (whose first byte is at insn_pc) on
// the parcel at fault_addr. As the block's first instruction it becomes the
// block's only op, a trap the engine raises without retiring anything; later
// in the block it ends the block just before, so the next block starts at
// the faulting instruction and traps precisely.
void end_at_fetch_fault(ir::Block& block, unsigned index, std::uint64_t insn_pc, std::uint64_t fault_addr) {
  block.end_pc = insn_pc;
  if (index == 0) {
    ir::Op trap;
    trap.opcode = ir::Opcode::Trap;
    trap.aux = static_cast<std::uint8_t>(TrapCause::kInsnPageFault);
    trap.imm = static_cast<std::int64_t>(fault_addr);
    block.ops.push_back(trap);
    block.insn_offsets.push_back(0);
    return;
  }
  block.ops.push_back(jump_to(insn_pc, static_cast<std::uint8_t>(index - 1)));
}

// Reads the instruction at pc in 16-bit parcels; on failure sets fault_addr.
bool fetch_insn(InstructionFetcher& fetch, std::uint64_t pc, std::uint32_t& raw, std::uint64_t& fault_addr) {
  std::uint16_t low = 0;
  if (!fetch.fetch16(pc, low)) {
    fault_addr = pc;
    return false;
  }
  raw = low;
  if (insn_length(low) == 2) return true;
  std::uint16_t high = 0;
  if (!fetch.fetch16(pc + 2, high)) {
    fault_addr = pc + 2;
    return false;
  }
  raw |= static_cast<std::uint32_t>(high) << 16;
  return true;
}

}  // namespace

ir::Block lift_block(std::uint64_t pc, InstructionFetcher& fetch, const LiftOptions& options) {
  const unsigned max_insns = std::clamp(options.max_insns, 1u, kMaxBlockInsns);
  ir::Block block;
  block.start_pc = pc;
  block.ops.reserve(max_insns + 2);
  block.insn_offsets.reserve(max_insns);
  std::uint64_t insn_pc = pc;
  for (unsigned index = 0;; ++index) {
    std::uint32_t raw = 0;
    std::uint64_t fault_addr = 0;
    if (!fetch_insn(fetch, insn_pc, raw, fault_addr)) {
      end_at_fetch_fault(block, index, insn_pc, fault_addr);
      return block;
    }
    const DecodedInsn insn = decode(raw);
    block.insn_offsets.push_back(static_cast<std::uint16_t>(insn_pc - pc));
    lift_insn(insn, insn_pc, static_cast<std::uint8_t>(index), block.ops);
    insn_pc += insn.length;
    block.end_pc = insn_pc;
    if (ir::is_terminator(block.ops.back().opcode)) return block;
    if (index + 1 == max_insns) {
      block.ops.push_back(jump_to(insn_pc, static_cast<std::uint8_t>(index)));
      return block;
    }
  }
}

}  // namespace vm::cross_arch::riscv
