// The baseline tier: one IR block straight to x86-64 machine code in a
// single pass, in microseconds rather than LLVM's milliseconds, so warm
// code leaves the interpreter at once and only code that stays hot waits
// for (and pays for) an optimised LLVM region.
//
// Like QEMU's TCG without its register allocator, the code keeps every
// guest register in the CpuState and each op loads its sources and stores
// its result, so the state is precise at every instruction and a fault
// exit only writes pc and instret. Memory ops get the same inline fast
// path as the LLVM tier; AMOs, CSRs and FP ops call the shared thunks.
// Exits chain through translation slots exactly as LLVM regions do (same
// BlockFn contract), so the two tiers jump into each other freely.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "jit/runtime.hpp"
#include "vm/cross_arch/ir/block.hpp"

namespace vm::engine::jit {
struct Region;
}

namespace vm::engine::jit::x64 {

// True when this host can run baseline code (x86-64).
bool baseline_supported() noexcept;

struct BaselineOptions {
  // Emit the hotness countdown (CodeEntry::hot_countdown): the code returns
  // kExitHot, running nothing, when it reaches zero.
  bool count_hot = true;
  // Record indirect-jump targets in the profile (vm_jit_note_target).
  bool note_targets = true;
  // Region mode: where baseline code lives ([arena_base, arena_base +
  // arena_size)). A loop's back edge leaves for the target's slot once that
  // holds code from elsewhere (an LLVM region), so a loop the baseline
  // region holds moves on to the better code at its next iteration.
  std::uintptr_t arena_base = 0;
  std::size_t arena_size = 0;
};

// The translation slot of a guest pc (created on demand, never freed).
using SlotOf = std::function<CodeEntry*(std::uint64_t pc)>;

// Position-independent code for `block`, whose own slot is `self`.
std::vector<std::uint8_t> compile_baseline(const cross_arch::ir::Block& block, CodeEntry* self, const SlotOf& slot_of,
                                           const BaselineOptions& options);

// Region mode (baseline_region.cpp): position-independent code for all of
// `region`, whose entry's slot is `self`, with internal branches as jumps
// and its most used integer registers and instret in host registers; the same BlockFn
// contract. count_hot counts every pass through the entry block.
std::vector<std::uint8_t> compile_baseline_region(const Region& region, CodeEntry* self, const SlotOf& slot_of,
                                                  const BaselineOptions& options);

}  // namespace vm::engine::jit::x64
