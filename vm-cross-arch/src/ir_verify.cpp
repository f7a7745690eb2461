#include <fmt/format.h>

#include "vm/cross_arch/ir/block.hpp"

namespace vm::cross_arch::ir {
namespace {

struct Operands {
  bool dst, src1, src2, src3;
};

// Which slot fields each format reads or writes.
Operands operands_of(const Op& op) {
  switch (format_of(op.opcode)) {
    case Format::RRR:
      return {true, true, true, false};
    case Format::RRI:
      return {true, true, false, false};
    case Format::RI:
      return {true, false, false, false};
    case Format::LOAD:
      return {true, true, false, false};
    case Format::STORE:
      return {false, true, true, false};
    case Format::AMO:
      return {true, true, true, false};
    case Format::FP1:
      return {true, true, false, false};
    case Format::FP2:
      return {true, true, true, false};
    case Format::FP3:
      return {true, true, true, true};
    case Format::CSR: {
      // Immediate forms keep a uimm, not a slot, in src2.
      const auto csr = static_cast<CsrOp>(op.aux);
      const bool reg_form = csr == CsrOp::kRw || csr == CsrOp::kRs || csr == CsrOp::kRc;
      return {true, reg_form, false, false};
    }
    case Format::BRANCH:
      return {false, true, true, false};
    case Format::JUMPR:
      return {false, true, false, false};
    default:
      return {false, false, false, false};
  }
}

vm::Result<void> fail(const Block& block, std::size_t index, const std::string& what) {
  return vm::make_error(vm::ErrorCode::kMalformed,
                        fmt::format("IR block at {:#x}, op {}: {}", block.start_pc, index, what));
}

vm::Result<void> check_slots(const Block& block, std::size_t i) {
  const Op& op = block.ops[i];
  const Operands use = operands_of(op);
  if (use.dst && op.dst == x_slot(0)) return fail(block, i, "writes x0 (use kDiscardSlot)");
  const Slot sources[] = {use.src1 ? op.src1 : Slot{0}, use.src2 ? op.src2 : Slot{0}, use.src3 ? op.src3 : Slot{0}};
  for (Slot s : sources) {
    if (s >= kNumSlots) return fail(block, i, fmt::format("source slot {} out of range", s));
    if (s == kDiscardSlot) return fail(block, i, "reads the write-only discard slot");
  }
  if (use.dst && op.dst >= kNumSlots) return fail(block, i, fmt::format("destination slot {} out of range", op.dst));
  if (format_of(op.opcode) == Format::CSR && op.aux > static_cast<std::uint8_t>(CsrOp::kRci)) {
    return fail(block, i, fmt::format("bad CSR operation {}", op.aux));
  }
  return {};
}

}  // namespace

vm::Result<void> verify(const Block& block) {
  if (block.ops.empty()) return fail(block, 0, "block has no ops");
  if (block.insn_offsets.empty()) return fail(block, 0, "block has no guest instructions");
  for (std::size_t i = 1; i < block.insn_offsets.size(); ++i) {
    if (block.insn_offsets[i] <= block.insn_offsets[i - 1]) {
      return fail(block, 0, fmt::format("instruction offsets not increasing at instruction {}", i));
    }
  }
  if (block.end_pc < block.start_pc) return fail(block, 0, "end_pc is before start_pc");
  const std::size_t count = block.guest_insn_count();
  for (std::size_t i = 0; i < block.ops.size(); ++i) {
    const Op& op = block.ops[i];
    if (static_cast<std::size_t>(op.opcode) >= kOpcodeCount) return fail(block, i, "unknown opcode");
    const bool last = i + 1 == block.ops.size();
    if (is_terminator(op.opcode) != last) {
      return fail(block, i, last ? "last op is not a terminator" : "terminator before the end of the block");
    }
    if (op.insn >= count) return fail(block, i, fmt::format("instruction index {} >= {}", op.insn, count));
    if (i > 0 && op.insn < block.ops[i - 1].insn) return fail(block, i, "instruction indices decrease");
    VM_TRY_VOID(check_slots(block, i));
  }
  if (block.terminator().insn != count - 1) {
    return fail(block, block.ops.size() - 1, "terminator is not attributed to the last instruction");
  }
  return {};
}

}  // namespace vm::cross_arch::ir
