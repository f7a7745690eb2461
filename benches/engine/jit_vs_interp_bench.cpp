// engine/jit_vs_interp/<program>/<engine>: the same guest loop run by the
// interpreter, the jit engine and the tiered engine (default options), in
// guest MIPS, with the speed-up over the interpreter (sampled just before
// and after the timed loop, on this thread's CPU time).
// Steady-state programs are warmed up first (and, tiered, their compiles
// waited for); cold_start flushes the code cache before every run.
#include <benchmark/benchmark.h>

#include <time.h>

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

// This thread's CPU time: a busy neighbour on the machine slows both sides
// of a speed-up less than it slows the wall clock.
double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The interpreter's speed on a program, sampled in slices of ~0.1 s CPU time
// before and after an engine's timed loop, so that every engine's row
// carries a speed-up measured under the same conditions.
struct InterpreterReference {
  LoopRunner& runner;  // an interpreter on the program, warmed up
  std::uint64_t insns = 0;
  double seconds = 0;

  bool sample() {
    const double start = thread_cpu_seconds();
    double elapsed = 0;
    while (elapsed < 0.1) {
      const std::uint64_t n = runner.run_once().first;
      if (n == 0) return false;
      insns += n;
      elapsed = thread_cpu_seconds() - start;
    }
    seconds += elapsed;
    return true;
  }
  double insns_per_second() const { return seconds > 0 ? static_cast<double>(insns) / seconds : 0; }
};

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

  InterpreterReference reference{ref};
  const bool with_speedup = c.engine != EngineChoice::kInterp && reference.sample();

  std::uint64_t insns = 0;
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    const std::uint64_t n = runner.run_once().first;
    if (n == 0) return state.SkipWithError("program did not reach its ecall");
    insns += n;
  }
  const double seconds = thread_cpu_seconds() - start;
  using benchmark::Counter;
  state.counters["guest_insns/s"] = Counter(static_cast<double>(insns), Counter::kIsRate);
  if (with_speedup && reference.sample() && seconds > 0 && reference.insns_per_second() > 0)
    state.counters["speedup_vs_interp"] = static_cast<double>(insns) / seconds / reference.insns_per_second();
}

}  // namespace

void register_jit_vs_interp_benchmarks() {
  static const std::vector<LoopProgram> programs = jit_vs_interp_programs();
  for (const LoopProgram& p : programs) {
    for (EngineChoice e : {EngineChoice::kInterp, EngineChoice::kBaseline, EngineChoice::kJit, EngineChoice::kTiered}) {
      const std::string name = "engine/jit_vs_interp/" + p.name + "/" + engine_name(e);
      benchmark::RegisterBenchmark(name.c_str(), jit_vs_interp, Case{&p, e})->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace vm::bench_engine
