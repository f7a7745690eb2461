// engine/jit_compile/...: how long the LLVM tier takes to make code;
// engine/baseline_compile/{small,medium,large}: the same programs through
// the baseline tier alone (every block compiled as it first runs);
// engine/baseline_compile/loop/<name>: the baseline tier alone compiling
// each jit_vs_interp loop's region once the loop is hot (region mode, as
// the tiered engine does for every region it queues for LLVM):
// compile_us/region as `vm run --stats` counts it.
// {small,medium,large}: the jit engine (every block compiled before it first
// runs) on straight-line programs of 30, 200 and 1000 guest instructions; each
// iteration drops the code cache and runs the program once, so the time is the
// latency from "never seen" to "compiled and run". parallel/threads:N: the
// tiered engine (threshold 1) with N compiler threads on 96 independent
// blocks, timed until wait_for_compiles() returns. loop/<name>: the tiered
// engine's compile of a hot loop's region, for each jit_vs_interp loop: each
// iteration drops the code cache, runs the loop until it is hot and waits
// for its regions; compile_ms/region is LLVM's time per region as
// `vm run --stats` counts it. Straight-line programs take the cheapest code
// generator; loops, which is what gets hot in guest programs, the full one.
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>

#include "bench_registry.hpp"
#include "guest_machine.hpp"
#include "jit_programs.hpp"

namespace vm::bench_engine {
namespace {

struct CompileCase {
  std::string name;
  unsigned guest_insns;
};

const std::vector<CompileCase>& compile_cases() {
  static const std::vector<CompileCase> cases = {{"small", 30}, {"medium", 200}, {"large", 1000}};
  return cases;
}

// Blocks are capped at 255 instructions, so "large" is several blocks
// (which the JIT may join into regions).
constexpr unsigned kMaxBlockInsns = 255;

std::string perf_map_path() { return "/tmp/perf-" + std::to_string(::getpid()) + ".map"; }

// Host code bytes the JIT emits for one run of `code`. The public API has no
// code-size counter, but --perf-map lists every compiled region with its
// size, so one probe run with the perf map on measures it (the size is the
// same on every run: same input, same compiler). 0 when it cannot be read.
std::uint64_t probe_code_bytes(const std::vector<std::uint32_t>& code) {
  const std::string path = perf_map_path();
  std::error_code ec;  // no exceptions: a missing or vanished file gives 0 bytes
  const bool existed = std::filesystem::exists(path, ec);
  const std::uintmax_t start = existed ? std::filesystem::file_size(path, ec) : 0;
  bool ran = false;
  {
    GuestMemory g = load_program(code);
    if (!g.error.empty()) return 0;
    BenchEngine e =
        BenchEngine::create(*g.memory, EngineChoice::kJit, {.max_block_insns = kMaxBlockInsns, .perf_map = true});
    engine::CpuState cpu;
    cpu.pc = kCode;
    cpu.x(10) = kData;
    ran = e.error().empty() && e.run(cpu, ~0ull) == engine::HaltReason::kEcall;
  }  // the engine closes the map
  std::uint64_t bytes = 0;
  std::ifstream in(path);
  in.seekg(static_cast<std::streamoff>(ec ? 0 : start));
  std::string line;
  while (ran && std::getline(in, line)) {
    // "<code address> <size> <name>", both numbers in hex
    const char* field = line.c_str() + std::min(line.find(' '), line.size());
    while (*field == ' ') ++field;
    std::uint64_t size = 0;
    if (std::from_chars(field, line.c_str() + line.size(), size, 16).ec == std::errc{}) bytes += size;
  }
  if (!existed) std::filesystem::remove(path, ec);
  return bytes;
}

// Drops every translation and runs the program from its start; true if it
// reached its ecall. A loop (jit_programs.hpp) also gets its iteration
// count in x5, and x11 = 7.
bool run_from_scratch(BenchEngine& e, std::uint64_t loop_iterations = 0) {
  e.flush_code_cache();
  engine::CpuState cpu;
  cpu.pc = kCode;
  cpu.x(10) = kData;
  if (loop_iterations != 0) {
    cpu.x(5) = loop_iterations;
    cpu.x(11) = 7;
  }
  return e.run(cpu, ~0ull) == engine::HaltReason::kEcall;
}

bool skip(benchmark::State& state, const char* why) {
  state.SkipWithError(why);
  return false;
}

// Runs `code` from scratch (a loop `loop_iterations` times, see
// run_from_scratch) once per iteration on a fresh engine of `choice` with
// `options`, waiting for the tiered engine's compiles; false (and the state
// skipped) on any failure. `before`/`after` are the engine's statistics
// around the loop.
bool time_compiles(benchmark::State& state, const std::vector<std::uint32_t>& code, EngineChoice choice,
                   const engine::JitOptions& options, std::uint64_t loop_iterations, engine::JitStats& before,
                   engine::JitStats& after, std::uint64_t& runs) {
  GuestMemory g = load_program(code);
  if (!g.error.empty()) return skip(state, g.error.c_str());
  BenchEngine e = BenchEngine::create(*g.memory, choice, options);
  if (!e.error().empty()) return skip(state, e.error().c_str());
  before = e.jit()->stats();
  runs = 0;
  for (auto _ : state) {
    if (!run_from_scratch(e, loop_iterations)) return skip(state, "program did not reach its ecall");
    if (choice == EngineChoice::kTiered) e.wait_for_compiles();
    ++runs;
  }
  after = e.jit()->stats();
  return true;
}

void jit_compile_latency(benchmark::State& state, const CompileCase* c) {
  const std::vector<std::uint32_t> code = straight_line(c->guest_insns);
  engine::JitStats before, after;
  std::uint64_t runs = 0;
  if (!time_compiles(state, code, EngineChoice::kJit, {.max_block_insns = kMaxBlockInsns}, 0, before, after, runs))
    return;
  const auto compiles = static_cast<double>(after.blocks_compiled - before.blocks_compiled);
  if (after.compile_failures != before.compile_failures) return state.SkipWithError("a compilation failed");
  if (runs == 0 || compiles == 0) return;
  const double compile_s = after.compile_seconds_total - before.compile_seconds_total;
  const double n = static_cast<double>(runs);
  using benchmark::Counter;
  state.counters["compile_ms"] = Counter(compile_s * 1e3 / n);  // LLVM time per program
  state.counters["compile_ms/block"] = Counter(compile_s * 1e3 / compiles);
  state.counters["blocks/program"] = Counter(compiles / n);
  state.counters["blocks/s"] = Counter(compiles, Counter::kIsRate);
  state.counters["guest_insns/s"] = Counter(n * c->guest_insns, Counter::kIsRate);
  if (const std::uint64_t bytes = probe_code_bytes(code)) {
    state.counters["code_bytes/program"] = Counter(static_cast<double>(bytes));
    state.counters["code_bytes/s"] = Counter(n * static_cast<double>(bytes), Counter::kIsRate);
  }
}

constexpr unsigned kParallelBlocks = 96;
constexpr unsigned kParallelBlockInsns = 40;

// time_compiles on the tiered engine with `options`; returns the regions
// LLVM compiled, or 0 with the state skipped when it compiled none, a
// compile failed or time_compiles failed.
double time_tiered_compiles(benchmark::State& state, const std::vector<std::uint32_t>& code,
                            const engine::JitOptions& options, std::uint64_t loop_iterations, engine::JitStats& before,
                            engine::JitStats& after) {
  std::uint64_t runs = 0;
  if (!time_compiles(state, code, EngineChoice::kTiered, options, loop_iterations, before, after, runs)) return 0;
  if (after.compile_failures != before.compile_failures) return skip(state, "a compilation failed");
  const auto compiles = static_cast<double>(after.blocks_compiled - before.blocks_compiled);
  if (compiles == 0) return skip(state, "the LLVM tier compiled nothing");
  return compiles;
}

void jit_compile_parallel(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  engine::JitStats before, after;
  // No baseline tier: blocks that run once would never reach LLVM.
  const double compiles =
      time_tiered_compiles(state, block_chain(kParallelBlocks, kParallelBlockInsns, /*indirect=*/true),
                           {.threshold = 1, .baseline = false, .threads = threads}, 0, before, after);
  if (compiles == 0) return;
  using benchmark::Counter;
  state.counters["blocks/s"] = Counter(compiles, Counter::kIsRate);
  state.counters["blocks/iteration"] = Counter(compiles, Counter::kAvgIterations);
  state.counters["compile_cpu_ms/iteration"] =
      Counter((after.compile_seconds_total - before.compile_seconds_total) * 1e3, Counter::kAvgIterations);
}

// Enough iterations for the loop's blocks to pass the tiered threshold.
constexpr std::uint64_t kLoopCompileIterations = 2000;

void jit_compile_loop(benchmark::State& state, const LoopProgram* p) {
  engine::JitStats before, after;
  const double compiles = time_tiered_compiles(state, p->code, {}, kLoopCompileIterations, before, after);
  if (compiles == 0) return;
  using benchmark::Counter;
  state.counters["compile_ms/region"] =
      Counter((after.compile_seconds_total - before.compile_seconds_total) * 1e3 / compiles);
  state.counters["regions/iteration"] = Counter(compiles, Counter::kAvgIterations);
  state.counters["guest_insns/region"] =
      Counter(static_cast<double>(after.region_guest_insns - before.region_guest_insns) / compiles);
}

void baseline_compile_latency(benchmark::State& state, const CompileCase* c) {
  engine::JitStats before, after;
  std::uint64_t runs = 0;
  if (!time_compiles(state, straight_line(c->guest_insns), EngineChoice::kBaseline, {.max_block_insns = kMaxBlockInsns},
                     0, before, after, runs))
    return;
  const auto compiles = static_cast<double>(after.baseline_blocks - before.baseline_blocks);
  if (runs == 0 || compiles == 0) return state.SkipWithError("the baseline tier compiled nothing");
  const double compile_s = after.baseline_seconds_total - before.baseline_seconds_total;
  const double n = static_cast<double>(runs);
  using benchmark::Counter;
  state.counters["compile_us"] = Counter(compile_s * 1e6 / n);  // lift + emit + publish, per program
  state.counters["compile_us/block"] = Counter(compile_s * 1e6 / compiles);
  state.counters["blocks/program"] = Counter(compiles / n);
  state.counters["code_bytes/program"] =
      Counter(static_cast<double>(after.baseline_code_bytes - before.baseline_code_bytes) / n);
  state.counters["guest_insns/s"] = Counter(n * c->guest_insns, Counter::kIsRate);
}

void baseline_compile_loop(benchmark::State& state, const LoopProgram* p) {
  engine::JitStats before, after;
  std::uint64_t runs = 0;
  if (!time_compiles(state, p->code, EngineChoice::kBaseline, {}, kLoopCompileIterations, before, after, runs)) return;
  const auto regions = static_cast<double>(after.baseline_regions - before.baseline_regions);
  if (regions == 0) return state.SkipWithError("the baseline tier compiled no region");
  using benchmark::Counter;
  state.counters["compile_us/region"] =
      Counter((after.baseline_region_seconds_total - before.baseline_region_seconds_total) * 1e6 / regions);
  state.counters["regions/iteration"] = Counter(regions, Counter::kAvgIterations);
  state.counters["code_bytes/region"] =
      Counter(static_cast<double>(after.baseline_region_code_bytes - before.baseline_region_code_bytes) / regions);
}

}  // namespace

void register_jit_compile_benchmarks() {
  for (const CompileCase& c : compile_cases()) {
    benchmark::RegisterBenchmark(("engine/jit_compile/" + c.name).c_str(), jit_compile_latency, &c)
        ->Unit(benchmark::kMillisecond);
  }
  for (const CompileCase& c : compile_cases()) {
    benchmark::RegisterBenchmark(("engine/baseline_compile/" + c.name).c_str(), baseline_compile_latency, &c)
        ->Unit(benchmark::kMicrosecond);
  }
  static const std::vector<LoopProgram> loops = jit_vs_interp_programs();
  for (const LoopProgram& p : loops)
    if (!p.cold) {
      benchmark::RegisterBenchmark(("engine/jit_compile/loop/" + p.name).c_str(), jit_compile_loop, &p)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
      benchmark::RegisterBenchmark(("engine/baseline_compile/loop/" + p.name).c_str(), baseline_compile_loop, &p)
          ->Unit(benchmark::kMicrosecond);
    }
  // Wall time: the work happens on the compiler threads, not this one.
  benchmark::RegisterBenchmark("engine/jit_compile/parallel", jit_compile_parallel)
      ->ArgName("threads")
      ->Arg(1)
      ->Arg(2)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

}  // namespace vm::bench_engine
