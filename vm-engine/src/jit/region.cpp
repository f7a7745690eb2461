#include "jit/region.hpp"

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

Region form_region(ir::Block entry, const LiftFn& lift, const SlotFn& slot_of, const IncludeFn& include,
                   RegionLimits limits) {
  Region region;
  std::unordered_set<std::uint64_t> inside{entry.start_pc};
  std::size_t insns = entry.guest_insn_count();
  region.blocks.push_back(std::move(entry));
  // Breadth-first, so the blocks nearest the entry (a loop's body before
  // what follows the loop) are taken first when the limits cut the region.
  for (std::size_t i = 0; i < region.blocks.size(); ++i) {
    for (std::uint64_t pc : direct_successors(region.blocks[i])) {
      if (inside.count(pc) || region.blocks.size() >= limits.max_blocks || !include(pc)) continue;
      std::optional<ir::Block> next = lift(pc);
      if (!next || insns + next->guest_insn_count() > limits.max_insns) continue;
      insns += next->guest_insn_count();
      inside.insert(pc);
      region.blocks.push_back(std::move(*next));
    }
  }
  std::unordered_map<std::uint64_t, std::size_t> index;
  for (std::size_t i = 0; i < region.blocks.size(); ++i) index.emplace(region.blocks[i].start_pc, i);
  for (std::size_t i = 0; i < region.blocks.size(); ++i)
    for (std::uint64_t pc : direct_successors(region.blocks[i])) {
      auto it = index.find(pc);
      if (it == index.end())
        region.exits.emplace(pc, slot_of(pc));
      else if (it->second <= i)  // breadth-first order: a cycle needs such an edge
        region.has_loop = true;
    }
  return region;
}

}  // namespace vm::engine::jit
