// bench_vm_engine: guest-instruction throughput of vm-engine's interpreter
// on small in-memory RISC-V loops (engine/interp/<case>). The JIT and tiered
// engine add engine/jit/... cases when they land.
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>

#include "interp_programs.hpp"
#include "vm/engine/interpreter.hpp"

namespace {

using namespace vm;
using bench_engine::Program;

constexpr std::uint64_t kCode = 0x10000;
constexpr std::uint64_t kData = 0x20000;
constexpr std::uint64_t kLoopIterations = 10000;

struct Machine {
  std::unique_ptr<mem::UserAddressSpace> memory;
  std::unique_ptr<engine::Interpreter> interp;
  engine::CpuState cpu;
  std::string error;  // set when the machine could not be built
};

Machine build_machine(const Program& program) {
  Machine m;
  auto as = mem::UserAddressSpace::create({.va_bits = 32});
  if (!as) return {.error = as.error().message()};
  m.memory = std::move(*as);
  if (auto r = m.memory->map_fixed(kCode, 0x1000, mem::kPermRead | mem::kPermExec); !r)
    return {.error = r.error().message()};
  if (auto r = m.memory->map_fixed(kData, 0x1000, mem::kPermRead | mem::kPermWrite); !r)
    return {.error = r.error().message()};
  std::vector<std::uint8_t> bytes(program.code.size() * 4);
  std::memcpy(bytes.data(), program.code.data(), bytes.size());
  if (m.memory->write(kCode, bytes, /*force=*/true) != mem::AccessFault::kNone) return {.error = "code write failed"};
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
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
