// bench_vm_engine: vm-engine's execution engines on in-memory RISC-V code:
// interpreter throughput on small loops (engine/interp/<case>, this file),
// JIT compile latency (engine/jit_compile/...) and each engine's speed on the
// same loops (engine/jit_vs_interp/...). See benches/README.md.
#include <benchmark/benchmark.h>

#include <memory>

#include "bench_registry.hpp"
#include "guest_machine.hpp"
#include "interp_programs.hpp"
#include "vm/engine/interpreter.hpp"

namespace {

using namespace vm;
using bench_engine::Program;

using bench_engine::kCode;
using bench_engine::kData;
constexpr std::uint64_t kLoopIterations = 10000;

struct Machine {
  std::unique_ptr<mem::UserAddressSpace> memory;
  std::unique_ptr<engine::Interpreter> interp;
  engine::CpuState cpu;
  std::string error;  // set when the machine could not be built
};

Machine build_machine(const Program& program) {
  bench_engine::GuestMemory g = bench_engine::load_program(program.code);
  if (!g.error.empty()) return {.error = g.error};
  Machine m;
  m.memory = std::move(g.memory);
  m.interp = std::make_unique<engine::Interpreter>(*m.memory);
  return m;
}

// Runs the loop once from the top; returns the instructions retired, or 0
// when the program did not end at its ecall.
std::uint64_t run_once(Machine& m, std::uint64_t iterations) {
  m.cpu.pc = kCode;
  m.cpu.x(5) = iterations;
  m.cpu.x(10) = kData;
  m.cpu.x(11) = 7;
  const std::uint64_t before = m.cpu.instret;
  if (m.interp->run(m.cpu, ~0ull) != engine::HaltReason::kEcall) return 0;
  return m.cpu.instret - before;
}

// Steady state: translations are cached after the first run.
void interp_throughput(benchmark::State& state, const Program* program) {
  Machine m = build_machine(*program);
  if (!m.error.empty()) return state.SkipWithError(m.error.c_str());
  std::uint64_t insns = 0;
  for (auto _ : state) {
    const std::uint64_t n = run_once(m, kLoopIterations);
    if (n == 0) return state.SkipWithError("program did not reach its ecall");
    insns += n;
  }
  state.counters["guest_insns/s"] = benchmark::Counter(static_cast<double>(insns), benchmark::Counter::kIsRate);
}

// Cold code: every iteration drops the code cache, so each run pays for
// decoding, lifting and pre-decoding its blocks again.
void interp_cold(benchmark::State& state, const Program* program) {
  Machine m = build_machine(*program);
  if (!m.error.empty()) return state.SkipWithError(m.error.c_str());
  std::uint64_t insns = 0, blocks = 0;
  for (auto _ : state) {
    m.interp->flush_code_cache();
    const std::uint64_t before = m.interp->stats().blocks_translated;
    const std::uint64_t n = run_once(m, 2);
    if (n == 0) return state.SkipWithError("program did not reach its ecall");
    insns += n;
    blocks += m.interp->stats().blocks_translated - before;
  }
  state.counters["guest_insns/s"] = benchmark::Counter(static_cast<double>(insns), benchmark::Counter::kIsRate);
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
  static const std::vector<Program> programs = bench_engine::interpreter_programs();
  for (const Program& p : programs) {
    benchmark::RegisterBenchmark(("engine/interp/" + p.name).c_str(), interp_throughput, &p);
  }
  benchmark::RegisterBenchmark("engine/interp/cold_alu_loop", interp_cold, &programs.front());
  bench_engine::register_jit_compile_benchmarks();
  bench_engine::register_jit_vs_interp_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
