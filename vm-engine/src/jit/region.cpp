#include "jit/region.hpp"

#include <algorithm>
#include <bitset>
#include <optional>

#include <unordered_set>

#include "vm/cross_arch/ir/op.hpp"

namespace vm::engine::jit {

namespace ir = cross_arch::ir;

std::vector<std::uint64_t> direct_successors(const ir::Block& block) {
  const ir::Op& t = block.terminator();
  switch (ir::format_of(t.opcode)) {
    case ir::Format::BRANCH:
      return {static_cast<std::uint64_t>(t.imm), block.end_pc};
    case ir::Format::JUMP:
      return {static_cast<std::uint64_t>(t.imm)};
    default:
      return {};
  }
}

namespace {
bool ends_in_indirect_jump(const ir::Block& block) { return block.terminator().opcode == ir::Opcode::JumpR; }

// x1 (ra) and x5 (t0): the RISC-V calling convention's link registers.
bool is_link_register(ir::Slot s) { return s == ir::x_slot(1) || s == ir::x_slot(5); }

// The pc a call block's callee returns to: the block ends in a jump that
// first links a link register to the pc after it.
std::optional<std::uint64_t> return_address(const ir::Block& block) {
  const std::vector<ir::Op>& ops = block.ops;
  if (ops.size() < 2) return std::nullopt;
  const ir::Opcode jump = ops.back().opcode;
  const ir::Op& link = ops[ops.size() - 2];
  if ((jump != ir::Opcode::Jump && jump != ir::Opcode::JumpR) || link.opcode != ir::Opcode::LoadImm ||
      !is_link_register(link.dst) || static_cast<std::uint64_t>(link.imm) != block.end_pc)
    return std::nullopt;
  return block.end_pc;
}

// `jalr x0, 0(ra)` (or t0): a return.
bool ends_in_return(const ir::Block& block) {
  const ir::Op& t = block.terminator();
  return t.opcode == ir::Opcode::JumpR && is_link_register(t.src1) && t.imm == 0 && !return_address(block);
}

// Without a profile, a return's likely targets are the return addresses
// of the calls already in the region.
std::vector<std::uint64_t> predicted_returns(const std::vector<ir::Block>& blocks) {
  std::vector<std::uint64_t> out;
  for (const ir::Block& b : blocks)
    if (auto pc = return_address(b); pc && std::find(out.begin(), out.end(), *pc) == out.end()) out.push_back(*pc);
  return out;
}
}  // namespace

std::vector<std::uint64_t> Region::successors(std::size_t i) const {
  std::vector<std::uint64_t> out = direct_successors(blocks[i]);
  auto it = indirect_targets.find(blocks[i].start_pc);
  if (it != indirect_targets.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  return out;
}

std::vector<ir::Slot> invariant_divisors(const Region& region) {
  std::bitset<ir::kNumSlots> written, divisors;
  for (const ir::Block& b : region.blocks)
    for (const ir::Op& op : b.ops) {
      if (op.dst != 0) written.set(op.dst);
      switch (op.opcode) {
        case ir::Opcode::Div:
        case ir::Opcode::Divu:
        case ir::Opcode::Rem:
        case ir::Opcode::Remu:
        case ir::Opcode::DivW:
        case ir::Opcode::DivuW:
        case ir::Opcode::RemW:
        case ir::Opcode::RemuW:
          if (op.src2 > ir::x_slot(0) && op.src2 < ir::kFirstF) divisors.set(op.src2);
          break;
        default:
          break;
      }
    }
  std::vector<ir::Slot> out;
  for (unsigned s = 0; s < ir::kNumSlots; ++s)
    if (divisors.test(s) && !written.test(s)) out.push_back(static_cast<ir::Slot>(s));
  return out;
}

bool uses_dynamic_rounding(const Region& region) {
  for (const ir::Block& b : region.blocks)
    for (const ir::Op& op : b.ops) {
      const ir::Format f = ir::format_of(op.opcode);
      if ((f == ir::Format::FP1 || f == ir::Format::FP2 || f == ir::Format::FP3) && op.aux == ir::kRmDynamic)
        return true;
    }
  return false;
}

std::size_t Region::guest_insn_count() const {
  std::size_t n = 0;
  for (const ir::Block& b : blocks) n += b.guest_insn_count();
  return n;
}

Region form_region(ir::Block entry, const LiftFn& lift, const SlotFn& slot_of, const IncludeFn& include,
                   RegionLimits limits, const SeenTargetsFn& seen_targets) {
  Region region;
  std::unordered_set<std::uint64_t> inside{entry.start_pc};
  std::size_t insns = entry.guest_insn_count();
  region.blocks.push_back(std::move(entry));
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> seen;  // indirect jumps' targets, by block
  // Breadth-first, so the blocks nearest the entry (a loop's body before
  // what follows the loop) are taken first when the limits cut the region.
  for (std::size_t i = 0; i < region.blocks.size(); ++i) {
    std::vector<std::uint64_t> next_pcs = direct_successors(region.blocks[i]);
    const std::size_t direct = next_pcs.size();
    if (ends_in_indirect_jump(region.blocks[i]) && (seen_targets || ends_in_return(region.blocks[i]))) {
      std::vector<std::uint64_t>& targets = seen[region.blocks[i].start_pc];
      targets = seen_targets ? seen_targets(region.blocks[i].start_pc) : predicted_returns(region.blocks);
      next_pcs.insert(next_pcs.end(), targets.begin(), targets.end());
    }
    for (std::size_t k = 0; k < next_pcs.size(); ++k) {
      const std::uint64_t pc = next_pcs[k];
      if (inside.count(pc) || region.blocks.size() >= limits.max_blocks || !include(pc, k >= direct)) continue;
      std::optional<ir::Block> next = lift(pc);
      if (!next || insns + next->guest_insn_count() > limits.max_insns) continue;
      insns += next->guest_insn_count();
      inside.insert(pc);
      region.blocks.push_back(std::move(*next));
    }
  }
  for (auto& [pc, targets] : seen) {
    std::vector<std::uint64_t> kept;
    for (std::uint64_t t : targets)
      if (inside.count(t)) kept.push_back(t);
    if (!kept.empty()) region.indirect_targets.emplace(pc, std::move(kept));
  }
  std::unordered_map<std::uint64_t, std::size_t> index;
  for (std::size_t i = 0; i < region.blocks.size(); ++i) index.emplace(region.blocks[i].start_pc, i);
  for (std::size_t i = 0; i < region.blocks.size(); ++i)
    for (std::uint64_t pc : region.successors(i)) {
      auto it = index.find(pc);
      if (it == index.end())
        region.exits.emplace(pc, slot_of(pc));
      else if (it->second <= i)  // breadth-first order: a cycle needs such an edge
        region.has_loop = true;
    }
  return region;
}

}  // namespace vm::engine::jit
