// A region: the blocks of a hot path or loop, reached from one entry pc by
// direct branches and jumps, that the JIT compiles into one host function so
// hot loops run without leaving compiled code. Forming a region needs the
// lifter and the engine's translation slots, both owned by the dispatcher
// thread, so it happens there; compiling it may happen on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "jit/runtime.hpp"
#include "vm/cross_arch/ir/block.hpp"

namespace vm::engine::jit {

struct Region {
  std::vector<cross_arch::ir::Block> blocks;  // blocks[0] starts at the entry pc
  // The translation slot of every pc a direct branch leaves the region to,
  // so the compiled code can chain to whatever is published there later.
  std::unordered_map<std::uint64_t, const CodeEntry*> exits;
  // For blocks ending in an indirect jump (by start pc): the targets the
  // interpreter saw that are also region blocks. The compiled jump switches
  // to them inside the region (a bytecode interpreter's dispatch, a return
  // to a caller in the region) and probes the jump cache otherwise.
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> indirect_targets;
  bool has_loop = false;  // some branch inside the region goes back to an earlier block
  // Guest register slots the region assumes hold these values on entry: it
  // checks them there (kExitAssumptionFailed) and compiles every read of
  // them as the constant, which only holds because no block writes them.
  // Tiered mode assumes each invariant divisor (invariant_divisors) keeps
  // the value it had when the region was queued, so a division by a
  // register set outside a loop compiles as a multiply by the reciprocal.
  std::vector<std::pair<cross_arch::ir::Slot, std::uint64_t>> assumed;

  std::uint64_t entry_pc() const { return blocks.front().start_pc; }
  // Guest instructions over all its blocks.
  std::size_t guest_insn_count() const;
  // The pcs control may pass to from blocks[i] that are region blocks'
  // starts or exits: direct successors, then known indirect targets.
  std::vector<std::uint64_t> successors(std::size_t i) const;
};

// The integer registers a division or remainder in the region divides by
// that no block of the region writes.
std::vector<cross_arch::ir::Slot> invariant_divisors(const Region& region);

// Whether an FP op of the region rounds by frm (the dynamic rounding mode).
// Both tiers compile such ops for round-to-nearest, what C code runs with:
// the region checks frm on entry and after each CSR op, and with another
// mode hands the block to the interpreter, which implements every mode.
bool uses_dynamic_rounding(const Region& region);

struct RegionLimits {
  unsigned max_blocks = 16;
  unsigned max_insns = 512;  // guest instructions over all blocks
};

// Lifts a block; nullopt when its first instruction cannot be fetched.
using LiftFn = std::function<std::optional<cross_arch::ir::Block>(std::uint64_t pc)>;
using SlotFn = std::function<const CodeEntry*(std::uint64_t pc)>;
// Whether a successor is worth compiling into the region (tiered mode: only
// blocks the interpreter has run; cold paths stay exits). `indirect_target`:
// the pc is one an indirect jump in the region was seen going to.
using IncludeFn = std::function<bool(std::uint64_t pc, bool indirect_target)>;
// The targets the interpreter saw an indirect jump at the end of the block
// starting at `pc` go to (tiered mode; jit mode has no profile).
using SeenTargetsFn = std::function<std::vector<std::uint64_t>(std::uint64_t pc)>;

// Grows a region breadth-first from `entry` along direct successors (both
// sides of a conditional branch, jump targets) and seen indirect-jump
// targets that `include` accepts, within the limits; every direct successor
// left outside becomes an exit with its slot. Without `seen_targets` (no
// profile), a return (`jalr x0, 0(ra)`, or t0) is taken to go back to the
// calls already in the region: a loop that calls a function then stays in
// one region, its return a compare with the call's return address.
Region form_region(cross_arch::ir::Block entry, const LiftFn& lift, const SlotFn& slot_of, const IncludeFn& include,
                   RegionLimits limits, const SeenTargetsFn& seen_targets = {});

// The direct successors of a block's terminator (0, 1 or 2 pcs).
std::vector<std::uint64_t> direct_successors(const cross_arch::ir::Block& block);

}  // namespace vm::engine::jit
