// The contract between compiled blocks and the engine: the context a block
// function receives, its exit codes, and the noexcept thunks generated code
// calls for slow memory paths, AMOs, FP and CSRs. No LLVM here.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "vm/cross_arch/riscv/fp.hpp"
#include "vm/engine/cpu_state.hpp"
#include "vm/engine/export.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine::jit {

struct JitContext;
struct CodeEntry;

// A compiled region: runs guest code from the region's entry pc and leaves
// cpu.pc / cpu.instret / registers exactly as the interpreter would. It may
// pass control straight on to other compiled regions (tail calls) before it
// returns.
using BlockFn = std::uint32_t (*)(CpuState* cpu, JitContext* ctx);

// The translation slot of one guest pc. Generated code chains to a region
// by loading `fn` from the slot of its target, whose address is a constant
// in the code, so publishing a region (one release store) links every
// region that jumps to it without patching code. Slots are never freed
// while the engine lives. Offsets are read by the lowering with offsetof.
struct CodeEntry {
  std::uint64_t pc = 0;
  std::atomic<BlockFn> fn{nullptr};
  std::uint32_t count = 0;  // dispatcher thread only
  bool queued = false;      // dispatcher thread only
  // The entry of a queued region that contains this block (dispatcher
  // thread only).
  const CodeEntry* covered_by = nullptr;
  // Distinct pcs that followed this block when the interpreter ran it
  // (dispatcher thread only, tiered mode): where its indirect jump went, so
  // the region former can follow it.
  static constexpr std::size_t kMaxSeenTargets = 16;
  std::uint8_t seen_count = 0;
  std::array<std::uint64_t, kMaxSeenTargets> seen_targets{};
  // Baseline code of this block (dispatcher thread only): runs left before
  // it asks for an optimised region (kExitHot when it reaches 0), and the
  // last target its indirect jump went to (a miss calls
  // vm_jit_note_target, so the profile keeps growing after the
  // interpreter stops running the block).
  std::int32_t hot_countdown = 0;
  std::uint64_t last_target = 0;
  bool no_baseline = false;  // the baseline tier could not take it (arena full)
  // Dispatcher thread only: a region here failed its entry assumptions
  // (Region::assumed); the next one assumes nothing.
  bool no_assumptions = false;
  // How many more times baseline code asked for optimisation while its
  // region waited in the compile queue (read by compiler threads to take
  // the hottest first).
  std::atomic<std::uint32_t> heat{0};
  // The engine's count of such requests (any block's) when this one last
  // asked: how recently it ran (see next_batch).
  std::atomic<std::uint32_t> last_hot{0};

  // How soon its queued region should compile, `requests` being the
  // engine's count now: heat, divided by the requests other blocks made
  // since this one last asked, so a loop that has finished stops competing.
  double compile_priority(std::uint32_t requests) const {
    const std::uint32_t since = requests - last_hot.load(std::memory_order_relaxed);
    return heat.load(std::memory_order_relaxed) / (1.0 + since);
  }

  void note_target(std::uint64_t next_pc) {
    for (std::size_t i = 0; i < seen_count; ++i)
      if (seen_targets[i] == next_pc) return;
    if (seen_count < kMaxSeenTargets) seen_targets[seen_count++] = next_pc;
  }
};

// The dispatcher's direct-mapped pc -> CodeEntry cache, also probed by
// generated code for indirect jumps and returns.
inline constexpr std::size_t kJumpCacheSize = 4096;
inline constexpr std::size_t jump_cache_slot(std::uint64_t pc) { return (pc >> 1) & (kJumpCacheSize - 1); }

// How far compiled code may run past its last budget check before it
// checks again: LLVM regions check only at loop headers and wherever a path
// through the region would exceed this. The engine sets JitContext::stop_at
// this far below the run's budget, so code that passed a check cannot cross
// a block boundary where the interpreter would have stopped.
inline constexpr std::uint64_t kMaxUncheckedInsns = 64;

// What generated code reads (guest memory fast path, chaining limits) and
// writes on a fault exit. Field offsets are taken with offsetof by the
// lowering.
struct JitContext {
  std::uint8_t* base = nullptr;
  const std::uint8_t* perms = nullptr;
  std::uint64_t limit = 0;
  mem::UserAddressSpace* memory = nullptr;
  // Compiled code returns at its next budget check (chaining, loop headers)
  // once cpu.instret reaches this: kMaxUncheckedInsns short of the run's
  // budget, which the engine finishes block by block in the interpreter.
  // A thunk sets it to 0 to make running code return (code invalidated).
  std::uint64_t stop_at = 0;
  CodeEntry* const* jump_cache = nullptr;
  Trap trap;  // cause and tval filled on kExitFault / kExitBreakpoint; the engine sets pc
  // Set by an exit that returns to the engine: one bit per register slot
  // written back with an SSE result whose NaN, if it is one, is not yet
  // RISC-V's canonical NaN. The engine canonicalises those registers and
  // clears it (canonicalise_raw_nans), so exits carry no compare per
  // register.
  std::uint64_t raw_nan_slots = 0;
  // The slot a direct exit goes on to: the exit stores it and tail-calls
  // vm_chain_direct (chain_stubs.hpp).
  CodeEntry* next_entry = nullptr;
};

// What the engine does with JitContext::raw_nan_slots after compiled code
// returns.
inline void canonicalise_raw_nans(std::uint64_t* regs, std::uint64_t& slots) {
  for (std::uint64_t m = slots; m != 0; m &= m - 1) {
    std::uint64_t& r = regs[__builtin_ctzll(m)];
    if ((r & ~(1ull << 63)) > 0x7ff0000000000000ull) r = cross_arch::riscv::fp::kCanonicalNaN64;
  }
  slots = 0;
}

// kExitSlowAccess: when accesses share one check, cpu.pc is at the first
// of them, which the interpreter runs up to the refused one.
enum ExitCode : std::uint32_t {
  kExitNext = 0,              // block ended normally, cpu.pc is the successor
  kExitEcall = 1,             // cpu.pc at the ecall, which retired
  kExitFenceI = 2,            // fence.i retired, cpu.pc after it
  kExitFault = 3,             // ctx.trap filled, cpu.pc at the faulting instruction
  kExitBreakpoint = 4,        // as kExitFault, cause breakpoint
  kExitInterpret = 5,         // nothing ran: the interpreter must run this block (frm not nearest)
  kExitHot = 6,               // nothing ran: baseline code at cpu.pc got hot, optimise it, then run it
  kExitSlowAccess = 7,        // cpu.pc at a load/store the inline fast path refused, which did not run
  kExitOddNan = 8,            // cpu.pc at a region block entered with a NaN the region cannot carry
  kExitAssumptionFailed = 9,  // nothing ran: a register at the region's entry (cpu.pc) broke Region::assumed
};

// Exported from libvm-engine for the LLVM tier module, which takes their
// addresses; not part of the public API.
extern "C" {
// Slow path of an inline memory access: a page-crossing access or one the
// fast check refused. Returns null when the access faults, with
// ctx->trap.cause (load or store page fault, by `need`) and tval filled.
VM_ENGINE_API std::uint8_t* vm_jit_host_ptr(JitContext* ctx, std::uint64_t addr, std::uint64_t size,
                                            std::uint64_t need) noexcept;
// LR/SC/AMO. Returns 0 on success (result in *out) or the trap cause + 1;
// *out then holds tval.
VM_ENGINE_API std::uint64_t vm_jit_amo(JitContext* ctx, CpuState* cpu, std::uint64_t opcode, std::uint64_t addr,
                                       std::uint64_t src, std::uint64_t* out) noexcept;
// Any F/D op, with the interpreter's exact semantics (inline RNE host path or
// soft float). Returns false for an illegal rounding mode.
VM_ENGINE_API bool vm_jit_fp(CpuState* cpu, std::uint64_t opcode, std::uint64_t aux, std::uint64_t a, std::uint64_t b,
                             std::uint64_t c, std::uint64_t* out) noexcept;
// Baseline code: records an indirect jump's target in the jumping block's
// profile (CodeEntry::note_target).
VM_ENGINE_API void vm_jit_note_target(CodeEntry* entry, std::uint64_t target) noexcept;
// csrrw/s/c[i]. Returns false when illegal.
VM_ENGINE_API bool vm_jit_csr(CpuState* cpu, std::uint64_t aux, std::uint64_t csr, std::uint64_t src,
                              std::uint64_t source_is_zero, std::uint64_t instret_now, std::uint64_t* old) noexcept;
}

}  // namespace vm::engine::jit
