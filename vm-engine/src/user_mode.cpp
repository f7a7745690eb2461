#include "vm/engine/user_mode.hpp"

#include <chrono>
#include <limits>

#include "vm/engine/interpreter.hpp"

namespace vm::engine {

vm::Result<EngineKind> parse_engine_kind(const std::string& name) {
  if (name == "interp") return EngineKind::kInterp;
  if (name == "jit" || name == "tiered")
    return vm::make_error(vm::ErrorCode::kUnsupported,
                          "engine '" + name + "' is not available yet (only 'interp' is built)");
  return vm::make_error(vm::ErrorCode::kInvalidArgument,
                        "unknown engine '" + name + "' (expected interp, jit or tiered)");
}

UserRunResult run_user_program(linux_user::Process& process, const UserRunOptions& options) {
  using linux_user::SyscallOutcome;
  InterpreterOptions interp_options;
  interp_options.max_block_insns = options.max_block_insns;
  interp_options.on_translate = options.on_translate;
  core::perf::Recorder* perf = options.perf ? &options.perf->thread_recorder() : nullptr;
  interp_options.perf = perf;
  Interpreter interpreter(process.memory(), interp_options);
  CpuState& cpu = process.cpu();
  UserRunResult result;

  const auto start = std::chrono::steady_clock::now();
  while (!process.exited()) {
    const HaltReason reason = interpreter.run(cpu, std::numeric_limits<std::uint64_t>::max());
    SyscallOutcome outcome = SyscallOutcome::kContinue;
    if (any(reason, HaltReason::kEcall)) {
      ++result.syscalls;
      core::perf::ScopedEvent timing(perf, core::perf::Event::kSyscall, cpu.x(17));
      outcome = process.handle_ecall(cpu);
    } else if (any(reason, HaltReason::kFault | HaltReason::kBreakpoint)) {
      core::perf::ScopedEvent timing(perf, core::perf::Event::kTrap, interpreter.last_trap().cause,
                                     interpreter.last_trap().tval);
      outcome = process.handle_trap(cpu, interpreter.last_trap());
    } else if (any(reason, HaltReason::kCodeInvalidated)) {
      outcome = SyscallOutcome::kCodeChanged;
    }
    if (outcome == SyscallOutcome::kCodeChanged) {
      core::perf::ScopedEvent timing(perf, core::perf::Event::kCodeCacheFlush);
      interpreter.flush_code_cache();
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.exit_status = process.exit_status();
  result.instructions = cpu.instret;
  const InterpreterStats stats = interpreter.stats();
  result.blocks_translated = stats.blocks_translated;
  result.cache_flushes = stats.cache_flushes;
  return result;
}

}  // namespace vm::engine
