// Runs a Linux user-mode guest process to completion on an execution engine:
// the loop that hands ecalls to the syscall layer, traps to Linux's signal
// logic and code-modification events to the engine's translation cache.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "vm/core/perf/monitor.hpp"
#include "vm/core/result.hpp"
#include "vm/cross_arch/ir/block.hpp"
#include "vm/engine/export.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/engine/linux/process.hpp"

namespace vm::engine {

// kBaseline: tiered without the LLVM tier, every block compiled by the
// baseline tier when it first runs (like QEMU's TCG).
enum class EngineKind { kInterp, kJit, kTiered, kBaseline };

// Parses "interp" | "jit" | "tiered" | "baseline".
VM_ENGINE_API vm::Result<EngineKind> parse_engine_kind(const std::string& name);

struct UserRunOptions {
  EngineKind engine = EngineKind::kTiered;
  unsigned max_block_insns = 64;
  std::function<void(const cross_arch::ir::Block&)> on_translate;  // -d in_asm
  // Records block translations, syscalls, traps and cache flushes; null = off.
  core::perf::Monitor* perf = nullptr;
  // jit / tiered: threshold, opt level, threads, perf map (its `tiered`,
  // `max_block_insns` and `on_translate` are set from the fields above).
  JitOptions jit;
};

struct UserRunResult {
  int exit_status = 0;
  std::uint64_t instructions = 0;  // retired guest instructions
  std::uint64_t blocks_translated = 0;
  std::uint64_t syscalls = 0;
  std::uint64_t cache_flushes = 0;
  double seconds = 0;          // wall time of the run loop
  bool has_jit_stats = false;  // jit / tiered engines only
  JitStats jit;
};

// Fails only when the JIT engine cannot be created (e.g. --perf-map cannot
// open its file, or LLVM has no target for the host).
VM_ENGINE_API vm::Result<UserRunResult> run_user_program_checked(linux_user::Process& process,
                                                                 const UserRunOptions& options);

VM_ENGINE_API UserRunResult run_user_program(linux_user::Process& process, const UserRunOptions& options);

}  // namespace vm::engine
