// The compiling execution engine. In `jit` mode every block is compiled by
// LLVM ORC before it first runs. In `tiered` mode cold blocks run in the
// interpreter, warm ones are compiled on the spot by the baseline tier
// (x86-64 hosts: one pass to machine code, microseconds per block), and
// code that stays hot is compiled into optimised LLVM regions on
// background threads and published without execution ever waiting.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "vm/core/result.hpp"
#include "vm/cross_arch/ir/block.hpp"
#include "vm/engine/cpu_state.hpp"
#include "vm/engine/export.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine {

struct JitOptions {
  bool tiered = true;  // false: compile every block synchronously (--engine jit)
  // tiered: executions (interpreted or baseline) before a block is queued for
  // LLVM. Late enough that regions follow a settled profile and only code
  // that stays hot pays for LLVM (1000 measured best of 50..10000).
  unsigned threshold = 1000;
  bool baseline = true;             // tiered: warm blocks go to the baseline tier first (x86-64 hosts)
  unsigned baseline_threshold = 2;  // tiered: executions before the baseline tier compiles a block
  bool optimize = true;             // tiered: hot code goes on to LLVM (false: --engine baseline)
  // Tiered, with the baseline tier: a region queued for LLVM is compiled by
  // the baseline tier too, at once, and runs until LLVM's code replaces it;
  // without LLVM (optimize false), a hot block's region is compiled so.
  bool baseline_regions = true;
  unsigned opt_level = 1;         // LLVM optimisation level 0..3 (IR passes and codegen)
  unsigned threads = 1;           // tiered: background compiler threads (>= 1)
  unsigned max_block_insns = 64;  // 1..255
  bool perf_map = false;          // write /tmp/perf-PID.map entries for compiled blocks
  // Tiered: the destructor does not wait for a compile (or the loading of
  // the LLVM tier) under way; it stops the compiler threads without joining
  // them and leaks the state they use. Only for a process that ends with
  // std::_Exit right after the run, as `vm run` does (like qemu-user's
  // exit_group): static destructors must not run while a compiler thread
  // is inside LLVM. With it the tier is loaded as soon as a region is
  // queued, since no short run waits for the load at exit.
  bool abandon_compiles_at_exit = false;
  std::function<void(const cross_arch::ir::Block&)> on_translate;
  // Called on the thread that compiled it (a compiler thread when tiered)
  // right after LLVM code for the region entered at `entry_pc` is
  // published: for tools that trace the tiers, and for tests that act at
  // that moment while the guest runs. It must not throw; in jit mode it
  // runs inside run(), on the caller's thread.
  std::function<void(std::uint64_t entry_pc)> on_optimized;
};

struct JitStats {
  std::uint64_t blocks_translated = 0;  // lifted by the interpreter and the JIT
  std::uint64_t blocks_compiled = 0;
  std::uint64_t region_guest_insns = 0;  // guest instructions over all compiled regions
  std::uint64_t compile_failures = 0;
  std::uint64_t cache_flushes = 0;
  double compile_seconds_total = 0;  // summed over all compiler threads
  double compile_seconds_median = 0;
  double compile_seconds_p99 = 0;
  std::uint64_t baseline_blocks = 0;  // compiled by the baseline tier
  std::uint64_t baseline_code_bytes = 0;
  double baseline_seconds_total = 0;
  double baseline_seconds_median = 0;
  double baseline_seconds_p99 = 0;
  std::uint64_t baseline_regions = 0;  // regions the baseline tier compiled (queued for LLVM, or --engine baseline)
  std::uint64_t baseline_region_code_bytes = 0;
  double baseline_region_seconds_total = 0;
  double baseline_region_seconds_median = 0;
  double baseline_region_seconds_p99 = 0;
  std::uint64_t insns_compiled_code = 0;  // retired inside compiled code (either tier)
  std::uint64_t insns_interpreted = 0;    // retired by the interpreter (tiered)
  // Times the engine called into compiled code; an exit that chains to
  // other compiled code does not come back first, so a loop spread over
  // regions that chain enters once.
  std::uint64_t compiled_code_entries = 0;
  // Of those, the entries into LLVM code (the others entered baseline code).
  std::uint64_t optimized_code_entries = 0;
  // Times LLVM code left before a load/store its inline check refused
  // (page-crossing, a page holding code, a fault), or before the first of
  // the accesses sharing that check, for the interpreter to run.
  std::uint64_t slow_access_exits = 0;
  // Regions unpublished because a register at their entry no longer held
  // the value they were compiled for (tiered: invariant divisors).
  std::uint64_t assumption_failures = 0;
};

class VM_ENGINE_API JitEngine {
 public:
  // Jit mode loads the LLVM tier (libvm-engine-llvm.so, next to
  // libvm-engine) here and fails when it cannot be loaded or cannot create a
  // JIT for the host. Tiered mode loads it on a compiler thread when the
  // first block gets hot; if that fails it says why once on stderr and hot
  // code stays in the interpreter.
  static vm::Result<std::unique_ptr<JitEngine>> create(mem::UserAddressSpace& memory, JitOptions options);
  ~JitEngine();
  JitEngine(const JitEngine&) = delete;
  JitEngine& operator=(const JitEngine&) = delete;

  // Same contract as Interpreter::run (halt reasons, precise traps, exact
  // instret; may overshoot max_insns by less than one block).
  HaltReason run(CpuState& cpu, std::uint64_t max_insns);
  const Trap& last_trap() const noexcept;
  // Drops every translation; compilations in flight are discarded.
  void flush_code_cache();
  // Tiered mode: blocks until every queued compilation has been published
  // (for tests and benchmarks; the run loop never calls it).
  void wait_for_compiles();
  JitStats stats() const;

 private:
  struct Impl;
  explicit JitEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vm::engine
