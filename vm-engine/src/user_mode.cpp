#include "vm/engine/user_mode.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "vm/engine/interpreter.hpp"
#include "vm/engine/jit_engine.hpp"

namespace vm::engine {

vm::Result<EngineKind> parse_engine_kind(const std::string& name) {
  if (name == "interp") return EngineKind::kInterp;
  if (name == "jit") return EngineKind::kJit;
  if (name == "tiered") return EngineKind::kTiered;
  if (name == "baseline") return EngineKind::kBaseline;
  return vm::make_error(vm::ErrorCode::kInvalidArgument,
                        "unknown engine '" + name + "' (expected interp, jit, tiered or baseline)");
}

namespace {

// The loop shared by every engine: ecalls to the syscall layer, traps to the
// signal logic, code changes to the engine's translation cache.
template <typename Engine>
void run_loop(Engine& engine, linux_user::Process& process, UserRunResult& result, core::perf::Recorder* perf) {
  using linux_user::SyscallOutcome;
  CpuState& cpu = process.cpu();
  while (!process.exited()) {
    const HaltReason reason = engine.run(cpu, std::numeric_limits<std::uint64_t>::max());
    SyscallOutcome outcome = SyscallOutcome::kContinue;
    if (any(reason, HaltReason::kEcall)) {
      ++result.syscalls;
      core::perf::ScopedEvent timing(perf, core::perf::Event::kSyscall, cpu.x(17));
      outcome = process.handle_ecall(cpu);
    } else if (any(reason, HaltReason::kFault | HaltReason::kBreakpoint)) {
      core::perf::ScopedEvent timing(perf, core::perf::Event::kTrap, engine.last_trap().cause, engine.last_trap().tval);
      outcome = process.handle_trap(cpu, engine.last_trap());
    } else if (any(reason, HaltReason::kCodeInvalidated)) {
      outcome = SyscallOutcome::kCodeChanged;
    }
    // A store or a syscall wrote to a page holding translated code.
    if (process.memory().code_write_pending()) outcome = SyscallOutcome::kCodeChanged;
    if (outcome == SyscallOutcome::kCodeChanged) {
      core::perf::ScopedEvent timing(perf, core::perf::Event::kCodeCacheFlush);
      engine.flush_code_cache();
    }
  }
}

}  // namespace

vm::Result<UserRunResult> run_user_program_checked(linux_user::Process& process, const UserRunOptions& options) {
  UserRunResult result;
  core::perf::Recorder* perf = options.perf ? &options.perf->thread_recorder() : nullptr;
  const auto start = std::chrono::steady_clock::now();
  if (options.engine == EngineKind::kInterp) {
    InterpreterOptions interp_options;
    interp_options.max_block_insns = options.max_block_insns;
    interp_options.on_translate = options.on_translate;
    interp_options.perf = perf;
    Interpreter interpreter(process.memory(), interp_options);
    run_loop(interpreter, process, result, perf);
    const InterpreterStats stats = interpreter.stats();
    result.blocks_translated = stats.blocks_translated;
    result.cache_flushes = stats.cache_flushes;
  } else {
    JitOptions jit_options = options.jit;
    jit_options.tiered = options.engine != EngineKind::kJit;
    if (options.engine == EngineKind::kBaseline) {
      jit_options.baseline = true;
      jit_options.baseline_threshold = 1;
      jit_options.optimize = false;
    }
    jit_options.max_block_insns = options.max_block_insns;
    jit_options.on_translate = options.on_translate;
    auto engine = JitEngine::create(process.memory(), jit_options);
    if (!engine) return vm::make_error(engine.error().code(), engine.error().message());
    run_loop(**engine, process, result, perf);
    result.jit = (*engine)->stats();
    result.has_jit_stats = true;
    result.blocks_translated = result.jit.blocks_translated;
    result.cache_flushes = result.jit.cache_flushes;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.exit_status = process.exit_status();
  result.instructions = process.cpu().instret;
  return result;
}

UserRunResult run_user_program(linux_user::Process& process, const UserRunOptions& options) {
  auto result = run_user_program_checked(process, options);
  if (result) return *result;
  // The JIT could not start: say why and fall back to the interpreter.
  std::fprintf(stderr, "vm: %s; using the interpreter\n", result.error().message().c_str());
  UserRunOptions fallback = options;
  fallback.engine = EngineKind::kInterp;
  return *run_user_program_checked(process, fallback);
}

}  // namespace vm::engine
