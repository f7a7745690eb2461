// engine/jit_vs_interp/<program>/<engine>: the same guest loop run by the
// interpreter, the jit engine and the tiered engine (default options), in
// guest MIPS, with the speed-up over the interpreter measured alongside.
// Steady-state programs are warmed up first (and, tiered, their compiles
// waited for); cold_start flushes the code cache before every run.
#include <benchmark/benchmark.h>

#include <chrono>

#include "bench_registry.hpp"
#include "guest_machine.hpp"
#include "jit_programs.hpp"

namespace vm::bench_engine {
namespace {

// One engine on one program: its own memory, so engines never share state.
struct LoopRunner {
  GuestMemory guest;
  BenchEngine engine;
  const LoopProgram* program = nullptr;
  std::string error;

  LoopRunner(const LoopProgram& p, EngineChoice choice) : guest(load_program(p.code)), program(&p) {
    if (!guest.error.empty()) {
      error = guest.error;
      return;
    }
    engine = BenchEngine::create(*guest.memory, choice);
    error = engine.error();
  }

  // One run from the top; the retired instructions and the program's result
  // (x8 + x9 + x14 + f7's bits), or {0, 0} if it did not reach its ecall.
  std::pair<std::uint64_t, std::uint64_t> run_once() {
    if (program->cold) engine.flush_code_cache();
    engine::CpuState cpu;
    cpu.pc = kCode;
    cpu.x(5) = program->iterations;
    cpu.x(10) = kData;
    cpu.x(11) = 7;
    if (engine.run(cpu, ~0ull) != engine::HaltReason::kEcall) return {0, 0};
    return {cpu.instret, cpu.x(8) + cpu.x(9) + cpu.x(14) + cpu.f(7)};
  }

  // Steady state: translations (and, tiered, compilations) in place.
  bool warm_up() {
    if (program->cold) return true;
    for (int i = 0; i < 3; ++i) {
      if (run_once().first == 0) return false;
      engine.wait_for_compiles();
    }
    return true;
  }
};

// The interpreter's guest MIPS on `program`, measured for ~0.1 s, so that
// every engine's row carries its own speed-up figure.
double interpreter_mips(const LoopProgram& program) {
  LoopRunner ref(program, EngineChoice::kInterp);
  if (!ref.error.empty() || !ref.warm_up()) return 0;
  std::uint64_t insns = 0;
  const auto start = std::chrono::steady_clock::now();
  double seconds = 0;
  while (seconds < 0.1) {
    insns += ref.run_once().first;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return static_cast<double>(insns) / seconds / 1e6;
}

struct Case {
  const LoopProgram* program;
  EngineChoice engine;
};

void jit_vs_interp(benchmark::State& state, Case c) {
  LoopRunner runner(*c.program, c.engine);
  if (!runner.error.empty()) return state.SkipWithError(runner.error.c_str());
  // Same result and instruction count as the interpreter after the same
  // runs (the loops carry state in their data area), or the figures mean nothing.
  LoopRunner ref(*c.program, EngineChoice::kInterp);
  if (!ref.error.empty()) return state.SkipWithError(ref.error.c_str());
  if (!runner.warm_up() || !ref.warm_up()) return state.SkipWithError("program did not reach its ecall");
  if (ref.run_once() != runner.run_once()) return state.SkipWithError("result differs from the interpreter's");

  std::uint64_t insns = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    const std::uint64_t n = runner.run_once().first;
    if (n == 0) return state.SkipWithError("program did not reach its ecall");
    insns += n;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  using benchmark::Counter;
  state.counters["guest_insns/s"] = Counter(static_cast<double>(insns), Counter::kIsRate);
  if (c.engine != EngineChoice::kInterp && seconds > 0) {
    const double ref_mips = interpreter_mips(*c.program);
    if (ref_mips > 0) state.counters["speedup_vs_interp"] = static_cast<double>(insns) / seconds / 1e6 / ref_mips;
  }
}

}  // namespace

void register_jit_vs_interp_benchmarks() {
  static const std::vector<LoopProgram> programs = jit_vs_interp_programs();
  for (const LoopProgram& p : programs) {
    for (EngineChoice e : {EngineChoice::kInterp, EngineChoice::kJit, EngineChoice::kTiered}) {
      const std::string name = "engine/jit_vs_interp/" + p.name + "/" + engine_name(e);
      benchmark::RegisterBenchmark(name.c_str(), jit_vs_interp, Case{&p, e})->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace vm::bench_engine
